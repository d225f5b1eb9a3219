"""Sequences beyond fixed windows: per-step targets, variable lengths, and stateful training.

- Per-step targets: `per_step_windows` pairs every input step with the value that follows it,
  for models that predict after each step (`PerStepLSTM`); `rollout_per_step` forecasts with
  such a model by feeding each prediction back in.
- Variable lengths: `pad_sequences` pads a list of sequences into one batch and returns their
  lengths; `make_sequence_loader` batches them as (x, lengths, y), which `fit`, `predict`,
  `evaluate` and `accuracy` understand; `BiLSTMClassifier(..., lengths=...)` packs them, and
  `last_valid_step` reads a padded output at each sequence's own last real step.
- Stateful training (truncated backpropagation through time): `stream_chunks` lays one long
  series out as B parallel streams cut into consecutive chunks, and `train_stateful` carries
  (h, c) from each chunk into the next, detaching it so each backward pass stays in its chunk
  (`carry=False` trains the same chunks statelessly, for comparison); `stream_errors` measures
  the error at each position of a chunk, with or without the carried state, and
  `stream_position_means` averages any other forecaster's per-step errors the same way.

Shape legend: N points in a series, M windows, T steps, F features, B batch (streams),
H hidden size, K forecast steps.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from lstm_helpers import _checks
from lstm_helpers._checks import Hidden, Pair
from lstm_helpers.runtime import eval_mode, model_device


def _as_2d(series: np.ndarray | torch.Tensor, name: str = "series") -> torch.Tensor:
    """A series as a float32 (N, F) tensor. Shape: (N,) or (N, F) -> (N, F)."""
    s = torch.as_tensor(series, dtype=torch.float32)
    if s.dim() == 1:
        s = s[:, None]  # (N,) -> (N, 1)
    if s.dim() != 2:
        raise ValueError(f"{name} must be 1-D (N,) or 2-D (N, features), got {tuple(s.shape)}.")
    _checks.finite(name, s)
    return s


def per_step_windows(series: np.ndarray | torch.Tensor, seq_length: int) -> Pair:
    """Windows with a next-value target at EVERY step: y[:, t] = x[:, t + 1] shifted by one.

    Window i is series[i : i+T]; its targets are series[i+1 : i+T+1].
    Shape: series (N,) or (N, F) -> X (M, T, F), y (M, T, F) float32, M = N - T.
    """
    s = _as_2d(series)
    t_len = _checks.positive_int("seq_length", seq_length, "It is the number of steps per window.")
    if t_len + 1 > len(s):
        raise ValueError(
            f"seq_length + 1 must be at most the series length ({len(s)}), got seq_length={t_len}."
        )
    w = s.unfold(0, t_len + 1, 1).transpose(1, 2)  # (N - T, T + 1, F)
    return w[:, :-1].contiguous(), w[:, 1:].contiguous()


@torch.no_grad()
def rollout_per_step(
    model: nn.Module, history: np.ndarray | torch.Tensor, steps: int, window: int | None = None
) -> torch.Tensor:
    """Forecast `steps` values with a per-step model, feeding each prediction back as input.

    At every step the model reads the known history plus its own predictions so far (only the
    last `window` values if given) and the prediction after the LAST step is the next value.
    Nothing after the forecast origin is ever shown to the model: this is forecasting.
    Shape: history (T0,) or (B, T0) or (B, T0, 1) -> forecasts (B, K) float32 on the CPU.
    """
    _checks.positive_int("steps", steps)
    if window is not None:
        _checks.positive_int(
            "window", window, "It is the number of latest values read per step; None reads all."
        )
    x = _checks.history(history).to(model_device(model))  # (B, T0, 1)
    forecasts = []
    with eval_mode(model):
        for _ in range(steps):
            inputs = x if window is None else x[:, -window:]
            pred, _ = model(inputs)  # (B, T, 1): one prediction per step
            if pred.dim() != 3:
                raise ValueError(
                    f"rollout_per_step needs a per-step model returning (B, T, 1), got "
                    f"{tuple(pred.shape)}. For window-to-value models use lh.rollout_window."
                )
            next_value = pred[:, -1:, :]  # (B, 1, 1): the prediction after the last step
            forecasts.append(next_value[:, 0, 0].cpu())
            x = torch.cat([x, next_value], dim=1)  # feed it back as the next input
    return torch.stack(forecasts, dim=1)  # K x (B,) -> (B, K)


def pad_sequences(sequences: Sequence[np.ndarray | torch.Tensor], value: float = 0.0) -> Pair:
    """Pad sequences of different lengths into one batch, and return their lengths.

    Shape: B sequences of (T_i,) or (T_i, F) -> padded (B, T_max, F) float32, lengths (B,) int64.
    """
    if len(sequences) == 0:
        raise ValueError("sequences must hold at least one sequence.")
    tensors = [_as_2d(s, f"sequences[{i}]") for i, s in enumerate(sequences)]
    widths = {t.size(1) for t in tensors}
    if len(widths) != 1:
        raise ValueError(f"every sequence must have the same number of features, got {widths}.")
    lengths = torch.tensor([len(t) for t in tensors], dtype=torch.int64)
    if lengths.min() == 0:
        raise ValueError(
            f"sequence {int(lengths.argmin())} is empty; an LSTM cannot read a sequence of length 0."
        )
    padded = nn.utils.rnn.pad_sequence(tensors, batch_first=True, padding_value=value)
    return padded, lengths


def make_sequence_loader(
    X: np.ndarray | torch.Tensor,
    lengths: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    batch_size: int = 32,
    shuffle: bool = False,
    drop_last: bool = False,
) -> DataLoader:
    """A DataLoader of padded sequences with their lengths: batches (x, lengths, y).

    `X` and `lengths` are what `pad_sequences` returns. `fit`, `mean_loss`, `predict`,
    `evaluate` and `accuracy` pass each batch's lengths to the model (`model(x, lengths=...)`),
    which packs them, so the padding is never read. Shuffling draws from torch's global RNG
    (`lh.set_seed` reproduces it).
    Shape: X (M, T, F), lengths (M,) in 1..T, y (M, ...) -> batches (B, T, F), (B,), (B, ...).
    """
    X_t = _checks.windows(X)
    _checks.finite("X", X_t)
    n = torch.as_tensor(lengths)
    if n.shape != (len(X_t),) or n.is_floating_point() or n.dtype == torch.bool:
        raise ValueError(
            f"lengths must be whole numbers, one per sequence: shape ({len(X_t)},), got "
            f"{tuple(n.shape)} of dtype {n.dtype}. Use the lengths that lh.pad_sequences returns."
        )
    n = n.to(torch.int64)
    if len(n) and (n.min() < 1 or n.max() > X_t.size(1)):
        raise ValueError(
            f"lengths must lie in 1..{X_t.size(1)} (the padded length), got {int(n.min())} to "
            f"{int(n.max())}. Were X and lengths padded together by lh.pad_sequences?"
        )
    y_t = torch.as_tensor(y)
    y_t = y_t.to(torch.float32) if y_t.is_floating_point() else y_t.to(torch.int64)
    _checks.same_length(X_t, y_t)
    _checks.positive_int("batch_size", batch_size, "It is the number of sequences per step.")
    return DataLoader(
        TensorDataset(X_t, n, y_t), batch_size=batch_size, shuffle=shuffle, drop_last=drop_last
    )


def last_valid_step(out: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Each sequence's output at its own last real step, not at the padded end.

    For a unidirectional LSTM this equals the top layer's h_n of the packed run.
    Shape: out (B, T, H), lengths (B,) -> (B, H).
    """
    lengths = torch.as_tensor(lengths, device=out.device)
    if lengths.shape != (out.size(0),) or lengths.min() < 1 or lengths.max() > out.size(1):
        raise ValueError(
            f"lengths must hold one length in 1..{out.size(1)} per sequence ({out.size(0)}), "
            f"got {lengths.tolist()}."
        )
    rows = torch.arange(out.size(0), device=out.device)
    return out[rows, lengths - 1]  # (B, H)


def stream_chunks(
    series: np.ndarray | torch.Tensor, batch_size: int, chunk_length: int
) -> list[Pair]:
    """One long series as `batch_size` parallel streams, cut into consecutive chunks.

    The series (minus a remainder) is split into B equal contiguous parts, one per batch row;
    chunk k holds steps k*T .. k*T+T-1 of every part, with next-value targets. So row b of
    chunk k+1 continues row b of chunk k: the state (h, c) after chunk k is the right start for
    chunk k+1. Every chunk has the same B (no smaller last batch); the last may be shorter in T.
    Shape: series (N,) or (N, F) -> chunks of x (B, T, F) and y (B, T, F) float32.
    """
    s = _as_2d(series)
    b = _checks.positive_int("batch_size", batch_size, "It is the number of parallel streams.")
    t_len = _checks.positive_int("chunk_length", chunk_length)
    per_stream = (len(s) - 1) // b  # input steps per stream (each needs a next value)
    if per_stream < 1:
        raise ValueError(
            f"a series of {len(s)} points is too short for {b} streams: use fewer streams."
        )
    inputs = s[: b * per_stream].reshape(b, per_stream, -1)  # (B, N // B, F)
    targets = s[1 : b * per_stream + 1].reshape(b, per_stream, -1)
    return [
        (inputs[:, i : i + t_len], targets[:, i : i + t_len]) for i in range(0, per_stream, t_len)
    ]


def detach_hidden(hidden: Hidden | None) -> Hidden | None:
    """The same state values, cut from the graph that produced them (truncated BPTT).

    The next chunk then starts from these values, but its backward pass stops here instead of
    running into the previous chunk's graph (which the previous backward already freed).
    Shape: (h, c) or h, each (L, B, H) -> the same.
    """
    if hidden is None:
        return None
    if isinstance(hidden, tuple):
        return tuple(h.detach() for h in hidden)
    return hidden.detach()


def train_stateful(
    model: nn.Module,
    chunks: Sequence[Pair],
    optimizer: torch.optim.Optimizer,
    epochs: int = 1,
    *,
    carry: bool = True,
    detach: bool = True,
    loss_fn: nn.Module | None = None,
    clip_norm: float | None = 1.0,
) -> list[float]:
    """Train a per-step model over consecutive chunks, carrying (h, c) from chunk to chunk.

    Each epoch starts from a zero state and walks the chunks in order; the state after each
    chunk is detached (`detach=True`) and passed into the next. With `detach=False` the second
    chunk's backward pass reaches into the first chunk's freed graph and PyTorch raises
    "Trying to backward through the graph a second time": kept only to show that error.
    `carry=False` is stateless training on the same chunks and steps: every chunk starts from a
    zero state, so the model never sees further back than the start of its chunk.
    Returns the mean loss per epoch.
    Shape: chunks of x (B, T, F) and y (B, T, O) with the model's output (B, T, O).
    """
    _checks.positive_int("epochs", epochs)
    _check_chunks(chunks)
    loss_fn = loss_fn if loss_fn is not None else nn.MSELoss()
    device = model_device(model)
    losses = []
    model.train()
    for _ in range(epochs):
        hidden = None  # each epoch reads the streams from their start
        total, count = 0.0, 0
        for x, y in chunks:
            x, y = x.to(device), y.to(device)
            if not carry:
                hidden = None  # stateless: a zero state for every chunk
            elif detach:
                hidden = detach_hidden(hidden)
            optimizer.zero_grad(set_to_none=True)
            pred, hidden = model(x, hidden)  # (B, T, F) -> (B, T, O), state for the next chunk
            loss = loss_fn(pred, y)
            loss.backward()
            if clip_norm is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
            optimizer.step()
            total += loss.item() * x.size(1)  # weight by steps: the last chunk may be shorter
            count += x.size(1)
        losses.append(total / count)
    return losses


@torch.no_grad()
def stream_errors(
    model: nn.Module,
    chunks: Sequence[Pair],
    *,
    carry: bool = True,
    loss_fn: nn.Module | None = None,
) -> torch.Tensor:
    """The error at each position of a chunk, averaged over every chunk and stream (eval mode).

    With `carry=True` the state runs on from chunk to chunk, as in stateful training, so every
    prediction has read the whole stream so far; with `carry=False` each chunk starts from a
    zero state, so position t has read only t + 1 values. `loss_fn` (default squared error) must
    return one value per element (`reduction="none"`). A shorter last chunk counts where it has
    positions. The model's mode is restored.
    Shape: chunks of x (B, T, F) and y (B, T, O) -> (T,) mean error per position, on the CPU.
    """
    _check_chunks(chunks)
    loss_fn = loss_fn if loss_fn is not None else nn.MSELoss(reduction="none")
    device = model_device(model)
    length = max(x.size(1) for x, _ in chunks)
    total, count = torch.zeros(length), torch.zeros(length)
    hidden = None
    with eval_mode(model):
        for x, y in chunks:
            pred, new_hidden = model(x.to(device), hidden if carry else None)
            err = loss_fn(pred, y.to(device))  # (B, T, O)
            if err.shape != pred.shape:
                raise ValueError(
                    f"loss_fn must return one error per element, shape {tuple(pred.shape)}, got "
                    f"{tuple(err.shape)}: build it with reduction='none'."
                )
            t_len = x.size(1)
            total[:t_len] += err.float().mean(dim=2).sum(dim=0).cpu()  # (B, T, O) -> (T,)
            count[:t_len] += x.size(0)
            hidden = new_hidden
    return total / count


def stream_position_means(
    step_values: np.ndarray | torch.Tensor, batch_size: int, chunk_length: int
) -> torch.Tensor:
    """Per-step values averaged at each position of a chunk, laid out as `stream_chunks` does.

    `step_values[i]` belongs to the prediction of `series[i + 1]` (one value per target, e.g. a
    baseline's squared errors), so the result lines up with `stream_errors` position by
    position: the same steps of the series are averaged at each position.
    Shape: step_values (N - 1,) -> (T,) with T = chunk_length, on the CPU.
    """
    values = torch.as_tensor(_checks.as_numpy(step_values, np.float64)).reshape(-1)
    padded = torch.cat([values.new_zeros(1), values])  # (N,): targets start at index 1
    chunks = stream_chunks(padded, batch_size=batch_size, chunk_length=chunk_length)
    total, count = torch.zeros(chunk_length), torch.zeros(chunk_length)
    for _, y in chunks:
        t_len = y.size(1)
        total[:t_len] += y[:, :, 0].sum(dim=0).float()  # (B, T, 1) -> (T,)
        count[:t_len] += y.size(0)
    return total / count


def _check_chunks(chunks: Sequence[Pair]) -> None:
    """Raise a ValueError unless `chunks` holds (x, y) pairs of 3-D tensors with one batch size."""
    if len(chunks) == 0:
        raise ValueError("chunks must hold at least one (x, y) chunk; see stream_chunks.")
    sizes = {x.size(0) for x, _ in chunks}
    if any(x.dim() != 3 for x, _ in chunks) or len(sizes) != 1:
        raise ValueError(
            "every chunk must be (x, y) with x of shape (streams, steps, features) and the same "
            f"number of streams, got x shapes {[tuple(x.shape) for x, _ in chunks[:3]]}... "
            "Make them with lh.stream_chunks(series, batch_size, chunk_length)."
        )
