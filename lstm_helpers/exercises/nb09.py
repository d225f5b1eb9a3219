"""The checks of notebook 09 · Who is speaking?: `from lstm_helpers.exercises import nb09 as check`."""

from __future__ import annotations

import numpy as np
import torch

from lstm_helpers.exercises._result import Result, as_number, right, unanswered, wrong
from lstm_helpers.models import lstm_parameter_count

__all__ = ["classifier_parameters", "masked_mean", "speaker_recall"]


def _linear(inputs: int, outputs: int) -> int:
    return inputs * outputs + outputs  # weight and bias


def classifier_parameters(
    answer: object, *, input_size: int, hidden_size: int, num_classes: int
) -> Result:
    """Check the parameter count of a one-layer bidirectional LSTM classifier with a linear readout."""
    if (r := unanswered(answer)) is not None:
        return r
    got = as_number(answer)
    if got is None or got != int(got):
        return wrong("give the number of parameters as a whole number.")
    F, H, C = input_size, hidden_size, num_classes
    one_direction = lstm_parameter_count(F, H)  # 4 gates x (W_ih, W_hh, b_ih, b_hh)
    expected = 2 * one_direction + _linear(2 * H, C)
    if got == expected:
        return right(
            "two LSTMs (one per direction), each reading all input features, plus a linear layer "
            "on both final states side by side."
        )
    if got in (one_direction + _linear(H, C), one_direction + _linear(2 * H, C)):
        return wrong("a bidirectional LSTM is two LSTMs with their own weights: count both.")
    if got == 2 * one_direction + _linear(H, C):
        return wrong("the linear layer reads the two directions' final states concatenated.")
    if got == 2 * one_direction:
        return wrong(
            "the linear layer that turns the final states into class scores has weights too."
        )
    if got == 2 * lstm_parameter_count(1, H) + _linear(2 * H, C):
        return wrong(
            "each frame is a vector of several coefficients: W_ih has one column per input feature."
        )
    if got == 2 * (one_direction - 4 * H) + _linear(2 * H, C):
        return wrong("PyTorch's LSTM has two bias vectors per gate, b_ih and b_hh.")
    if got == 2 * (F * H + H * H + 2 * H) + _linear(2 * H, C):  # one gate block, not four
        return wrong("an LSTM has four gate blocks (i, f, g, o), each with its own weights.")
    return wrong(
        "per direction: 4 gate blocks, each with W_ih (H x F), W_hh (H x H) and two biases of H; "
        "then the linear layer (weights and bias)."
    )


def masked_mean(answer: object, X: torch.Tensor, lengths: torch.Tensor) -> Result:
    """Check each padded sequence's per-feature mean over its real steps only.

    Shape: X (M, T, F) zero-padded, lengths (M,) -> answer (M, F).
    """
    if (r := unanswered(answer)) is not None:
        return r
    X = torch.as_tensor(X, dtype=torch.float64)
    lengths = torch.as_tensor(lengths)
    real = (torch.arange(X.size(1))[None, :] < lengths[:, None]).to(X.dtype)  # (M, T) 1 = real
    sums = (X * real[..., None]).sum(dim=1)  # (M, F)
    expected = sums / lengths[:, None].to(X.dtype)
    if isinstance(answer, torch.Tensor):
        answer = answer.detach().cpu().numpy()
    try:
        got = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return wrong(
            "give an array or tensor with one row per sequence and one column per feature."
        )
    if got.shape != tuple(expected.shape):
        return wrong("one mean per sequence and feature: average over the time axis (dim 1).")
    if np.allclose(got, expected.numpy(), atol=1e-5):
        return right("each sequence is averaged over its own frames; the padding takes no part.")
    if np.allclose(got, X.mean(dim=1).numpy(), atol=1e-5):
        return wrong(
            "the padded frames are counted in that average: divide by each sequence's own length."
        )
    if np.allclose(got, sums.numpy(), atol=1e-5):
        return wrong("that is a sum over the real frames; a mean also divides by their number.")
    return wrong(
        "add up the real frames of each sequence (the padding is zero) and divide by its length."
    )


def speaker_recall(answer: object, matrix: np.ndarray | torch.Tensor) -> Result:
    """Check the recall of every class from a confusion matrix (rows true, columns predicted).

    Shape: matrix (C, C) counts -> answer (C,) fractions.
    """
    if (r := unanswered(answer)) is not None:
        return r
    counts = np.asarray(torch.as_tensor(matrix).cpu().numpy(), dtype=np.float64)
    diagonal = np.diag(counts)
    expected = diagonal / counts.sum(axis=1)  # of each true class, the share found
    if isinstance(answer, torch.Tensor):
        answer = answer.detach().cpu().numpy()
    try:
        got = np.asarray(answer, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        return wrong("give one fraction per speaker, as an array or tensor.")
    if got.shape != expected.shape:
        return wrong("one value per speaker: the matrix has one row per true speaker.")
    if np.allclose(got, expected, atol=1e-3):
        return right(
            "recall = the diagonal divided by each row's total: of each speaker's own utterances, the share recognised."
        )
    if np.allclose(got, diagonal / counts.sum(axis=0), atol=1e-3):
        return wrong(
            "that divides by how often each speaker was predicted (the columns): recall starts "
            "from each speaker's own utterances."
        )
    if np.allclose(got, diagonal, atol=1e-3):
        return wrong("those are counts: divide each by how many utterances that speaker has.")
    return wrong(
        "rows are the true speakers: for each row, the diagonal count out of the row's total."
    )
