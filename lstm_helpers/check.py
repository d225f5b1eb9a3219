"""Exercise checkers: a learner's answer in, what is right (or a hint) out.

Each notebook ends with exercises whose cells call one of these, for example

    from lstm_helpers import check
    check.window_shapes(X_shape, y_shape, num_points=1000, seq_length=20, horizon=5)

A checker computes the right answer itself, from the package or from torch, prints one line
per part of the answer (✓ right, ✗ wrong with a hint that points at the concept, never at
the value) and returns a `Result`, truthy when the whole answer is right, so a solution cell
can `assert check.x(...)`. An answer left as `...` prints a short "not answered yet" line.
Messages are plain, deterministic text (nbval compares them), and no checker changes the
global random state or a model's train/eval mode.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

RIGHT, WRONG, TODO = "✓", "✗", "…"


@dataclass(frozen=True)
class Result:
    """The outcome of a check: `status` is "correct", "wrong" or "unanswered"."""

    status: str
    lines: tuple[str, ...]

    def __bool__(self) -> bool:
        return self.status == "correct"

    def __str__(self) -> str:
        return "\n".join(self.lines)

    def _ipython_display_(self) -> None:
        """Show nothing as a cell's value: the checker has already printed its message."""


def _report(lines: list[tuple[bool, str]]) -> Result:
    """Print the (ok, text) lines with their marks and return the Result."""
    text = tuple(f"{RIGHT if ok else WRONG} {msg}" for ok, msg in lines)
    print("\n".join(text))
    return Result("correct" if all(ok for ok, _ in lines) else "wrong", text)


def _right(*messages: str) -> Result:
    """Report an answer whose every part is right, one ✓ line per message."""
    return _report([(True, m) for m in messages])


def _wrong(hint: str) -> Result:
    """Report a wrong answer with one hint (never the expected value)."""
    return _report([(False, hint)])


def _unanswered(*answers: object) -> Result | None:
    """A Result for answers still holding the `...` placeholder, else None."""
    if not any(_has_ellipsis(a) for a in answers):
        return None
    line = f"{TODO} Not answered yet: replace each ... with your answer, then run the cell again."
    print(line)
    return Result("unanswered", (line,))


def _has_ellipsis(answer: object) -> bool:
    if answer is Ellipsis:
        return True
    if isinstance(answer, (tuple, list)):
        return any(a is Ellipsis for a in answer)
    return False


def _as_shape(answer: object) -> tuple[int, ...] | None:
    """A shape given as a tuple, list or torch.Size of ints, else None."""
    if isinstance(answer, (torch.Tensor, np.ndarray)) or not isinstance(answer, Sequence):
        return None
    if isinstance(answer, str) or not all(
        isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in answer
    ):
        return None
    return tuple(int(a) for a in answer)


def _not_a_shape(name: str, answer: object) -> tuple[bool, str]:
    if isinstance(answer, (torch.Tensor, np.ndarray)):
        return False, f"{name}: you passed the array itself; pass its shape (a tuple, or x.shape)."
    return False, f"{name}: give a shape as a tuple of whole numbers, such as (2, 3, 4)."


def _is_number(answer: object) -> bool:
    return isinstance(answer, (int, float, np.integer, np.floating)) and not isinstance(
        answer, bool
    )


def _close(a: float, b: float, rtol: float = 1e-3) -> bool:
    return math.isclose(float(a), float(b), rel_tol=rtol, abs_tol=1e-12)


# ---------------------------------------------------------------- 01 · Data and shapes


def window_shapes(
    X_shape: object,
    y_shape: object,
    *,
    num_points: int,
    seq_length: int,
    horizon: int = 1,
    num_features: int = 1,
) -> Result:
    """Check predicted shapes of `lh.make_windows(series, seq_length, horizon)`.

    The series has `num_points` steps and `num_features` features per step.
    """
    if (r := _unanswered(X_shape, y_shape)) is not None:
        return r
    from lstm_helpers.data import make_windows

    X, y = make_windows(np.zeros((num_points, num_features)), seq_length, horizon)
    m, t, f = X.shape
    lines = []
    xs = _as_shape(X_shape)
    if xs is None:
        lines.append(_not_a_shape("X", X_shape))
    elif xs == X.shape:
        lines.append((True, "X: windows first, then the steps of each window, then the features."))
    elif len(xs) == 2:
        lines.append(
            (
                False,
                "X has no feature axis: make_windows always returns 3-D windows, "
                "(windows, steps, features), even for a single feature.",
            )
        )
    elif len(xs) != 3:
        lines.append((False, "X is 3-D: (windows, steps per window, features per step)."))
    elif sorted(xs) == sorted(X.shape):
        lines.append(
            (
                False,
                "X: the axes are in the wrong order. make_windows puts the windows first "
                "(batch first), then the steps, then the features.",
            )
        )
    elif xs[1] != t:
        lines.append((False, "X: axis 1 counts the steps in one window, which is seq_length."))
    elif xs[2] != f:
        lines.append(
            (False, "X: axis 2 counts the features per step; how many does the series have?")
        )
    elif horizon > 1 and xs[0] == num_points - seq_length:
        lines.append(
            (
                False,
                "X: too many windows. Each window must be followed by all `horizon` target "
                "values, so a larger horizon leaves room for fewer windows.",
            )
        )
    elif abs(xs[0] - m) == 1:
        lines.append(
            (
                False,
                "X: the number of windows is off by one. Count the start positions: window i "
                "starts at i, and the last window's last target is the series' last point.",
            )
        )
    else:
        lines.append(
            (
                False,
                "X: count the windows as the start positions that leave room for "
                "seq_length inputs and horizon targets.",
            )
        )
    ys = _as_shape(y_shape)
    if ys is None:
        lines.append(_not_a_shape("y", y_shape))
    elif ys == y.shape:
        lines.append((True, "y: one row per window, holding the `horizon` values that follow it."))
    elif len(ys) == 1:
        lines.append(
            (
                False,
                "y is 2-D, (windows, horizon): one row per window, even when the horizon is "
                "1, so that it matches the model's (batch, outputs) predictions.",
            )
        )
    elif len(ys) == 3:
        lines.append((False, "y has no feature axis: the targets are (windows, horizon)."))
    elif len(ys) != 2:
        lines.append((False, "y is 2-D: (windows, target values per window)."))
    elif ys[1] != horizon:
        lines.append((False, "y: axis 1 holds every value the window must predict; see horizon."))
    else:
        lines.append((False, "y has one row per window, exactly as many as X."))
    return _report(lines)


def batch_first(time_major: torch.Tensor, converted: object) -> Result:
    """Check that `converted` is the time-major tensor `(T, B, F)` turned into `(B, T, F)`."""
    if (r := _unanswered(converted)) is not None:
        return r
    expected = time_major.transpose(0, 1)
    if not isinstance(converted, torch.Tensor):
        return _wrong("pass the converted tensor itself (a torch.Tensor).")
    shape = tuple(converted.shape)
    if shape == tuple(time_major.shape) and not torch.equal(converted, expected):
        return _wrong("still time-major: the windows must move to axis 0, the steps to axis 1.")
    if shape != tuple(expected.shape):
        if sorted(shape) == sorted(expected.shape):
            hint = (
                "the axes are permuted the wrong way: only the first two swap; features stay last."
            )
        else:
            hint = "the converted tensor holds the same numbers, so its axes are the old ones reordered."
        return _wrong(f"shape {shape}: {hint}")
    if not torch.equal(converted, expected):
        return _wrong(
            f"shape {shape} is right but the values are scrambled: reshape and view "
            "re-read the numbers in memory order; moving an axis needs transpose or "
            "permute."
        )
    return _right(
        f"shape {shape}: (batch, seq_len, features).",
        "every window is unchanged: converted[b] equals time_major[:, b].",
    )


def batches(
    num_batches: object,
    last_size: object,
    *,
    num_windows: int,
    batch_size: int,
    drop_last: bool = False,
) -> Result:
    """Check the number of batches and the size of the last one for a DataLoader."""
    if (r := _unanswered(num_batches, last_size)) is not None:
        return r
    from lstm_helpers.data import make_loader

    loader = make_loader(
        torch.zeros(num_windows, 1, 1), torch.zeros(num_windows, 1), batch_size, drop_last=drop_last
    )
    with torch.random.fork_rng():  # iterating a DataLoader draws a seed from the global RNG
        sizes = [len(xb) for xb, _ in loader]
    n, last = len(sizes), sizes[-1]
    full, rest = divmod(num_windows, batch_size)
    lines = []
    if not _is_number(num_batches):
        lines.append((False, "num_batches: give a whole number."))
    elif num_batches == n:
        lines.append((True, f"{n} batches per epoch."))
    elif rest and not drop_last and num_batches == full:
        lines.append(
            (
                False,
                "num_batches: the windows left over after the full batches still form a "
                "batch of their own (unless drop_last=True).",
            )
        )
    else:
        lines.append((False, "num_batches: count the full batches, then any partial one."))
    if not _is_number(last_size):
        lines.append((False, "last_size: give a whole number."))
    elif last_size == last:
        lines.append((True, f"the last batch holds {last} windows."))
    elif last_size == batch_size and rest:
        lines.append(
            (
                False,
                "last_size: num_windows is not a multiple of batch_size, so the last batch "
                "is smaller than the others.",
            )
        )
    else:
        lines.append(
            (
                False,
                "last_size: the last batch holds what remains after all the full batches "
                "(a remainder).",
            )
        )
    return _report(lines)


# ---------------------------------------------------------------- 02 · The LSTM model


def lstm_parameters(
    answer: object, *, input_size: int, hidden_size: int, num_layers: int
) -> Result:
    """Check a parameter count for `nn.LSTM(input_size, hidden_size, num_layers)`."""
    if (r := _unanswered(answer)) is not None:
        return r
    with torch.random.fork_rng():  # the random init leaves the RNG untouched
        lstm = nn.LSTM(input_size, hidden_size, num_layers)
    expected = sum(p.numel() for p in lstm.parameters())
    if not _is_number(answer):
        return _wrong("give the count as a whole number.")
    if answer == expected:
        return _right(
            f"{expected} parameters in nn.LSTM({input_size}, {hidden_size}, num_layers={num_layers})."
        )

    f, h, layers = input_size, hidden_size, num_layers

    def count(gates=4, biases=2, upper_in=h, layers=layers, head=0):
        ins = [f] + [upper_in] * (layers - 1)
        return sum(gates * (i * h + h * h + biases * h) for i in ins) + head

    mistakes = [
        (
            count(biases=1),
            "PyTorch keeps two bias vectors per layer, b_ih and b_hh (both 4·H long).",
        ),
        (count(biases=0), "don't forget the biases: two vectors per gate and layer."),
        (
            count(upper_in=f),
            "layers above the first read the hidden state of the layer below, "
            "so their input size is hidden_size, not input_size.",
        ),
        (count(gates=1), "each of the four gates (i, f, g, o) has its own weights and biases."),
        (count(layers=1), "count every layer: each has its own weights."),
        (count(head=h + 1), "count only nn.LSTM: the linear head is a separate module."),
    ]
    for value, hint in mistakes:
        if answer == value and value != expected:
            return _wrong(hint)
    return _wrong(
        "per layer: 4 gates x (input weights + recurrent weights + 2 biases); "
        "check each term's shape with the layer's input size."
    )


def lstm_output_shapes(
    output_shape: object,
    h_n_shape: object,
    c_n_shape: object,
    *,
    batch: int,
    seq_len: int,
    hidden_size: int,
    num_layers: int,
    input_size: int = 1,
    bidirectional: bool = False,
) -> Result:
    """Check the shapes of `output, (h_n, c_n)` of a `batch_first=True` nn.LSTM."""
    if (r := _unanswered(output_shape, h_n_shape, c_n_shape)) is not None:
        return r
    with torch.no_grad(), torch.random.fork_rng():  # the random init leaves the RNG untouched
        lstm = nn.LSTM(
            input_size, hidden_size, num_layers, batch_first=True, bidirectional=bidirectional
        )
        out, (h_n, c_n) = lstm(torch.zeros(batch, seq_len, input_size))
    b, t, h, n = batch, seq_len, hidden_size, num_layers
    d = 2 if bidirectional else 1
    lines = []
    s = _as_shape(output_shape)
    if s is None:
        lines.append(_not_a_shape("output", output_shape))
    elif s == out.shape:
        lines.append(
            (
                True,
                "output: the top layer's hidden state at every step"
                + (", both directions side by side." if bidirectional else "."),
            )
        )
    elif bidirectional and s == (b, t, h):
        lines.append(
            (False, "output: each step holds both directions' hidden states, side by side.")
        )
    elif s in ((t, b, h), (t, b, d * h)):
        lines.append(
            (False, "output: with batch_first=True the output is batch first, like the input.")
        )
    elif s in ((b, t, n * h), (n, b, t, h), (b, n, t, h)):
        lines.append(
            (
                False,
                "output holds only the top layer: the lower layers' states feed the next layer and are not returned.",
            )
        )
    elif s in ((b, h), (n, b, h), (1, b, h)):
        lines.append((False, "output holds a hidden state for every step, not only the last one."))
    else:
        lines.append((False, "output: (batch, steps, features of the top layer's hidden state)."))
    for name, answer, ref in (("h_n", h_n_shape, h_n), ("c_n", c_n_shape, c_n)):
        s = _as_shape(answer)
        if s is None:
            lines.append(_not_a_shape(name, answer))
        elif s == ref.shape:
            lines.append(
                (
                    True,
                    f"{name}: the final {'hidden' if name == 'h_n' else 'cell'} state of every layer"
                    + (" and direction." if bidirectional else "."),
                )
            )
        elif bidirectional and s == (n, b, h):
            lines.append((False, f"{name} holds one final state per layer and direction."))
        elif s in ((b, n, h), (b, d * n, h)):
            lines.append(
                (
                    False,
                    f"{name}: batch_first does not apply to the states; they are always layers first.",
                )
            )
        elif s in ((b, h), (1, b, h)) and n * d > 1:
            lines.append(
                (
                    False,
                    f"{name} holds one final state per layer{' and direction' if d > 1 else ''}.",
                )
            )
        elif len(s) == 4 or (len(s) == 3 and t in s):
            lines.append((False, f"{name} holds only the final step's state."))
        else:
            lines.append(
                (False, f"{name}: (layers{' x directions' if d > 1 else ''}, batch, hidden_size).")
            )
    return _report(lines)


def output_gate(lstm: nn.LSTM, x: torch.Tensor, answer: object) -> Result:
    """Check the output gate o_T at the last step of a 1-layer batch-first `lstm` on `x`.

    The checker computes o_T from the weights; the learner recovers it from h_n and c_n.
    """
    if (r := _unanswered(answer)) is not None:
        return r
    if not isinstance(answer, torch.Tensor):
        return _wrong("give the gate as a tensor of shape (batch, hidden_size).")
    with torch.no_grad():
        _, (h_n, c_n) = lstm(x)
        h_n, c_n = h_n[-1], c_n[-1]  # (B, H)
        _, (h_prev, _) = lstm(x[:, :-1])  # the state before the last step
        w_io = lstm.weight_ih_l0.chunk(4)[3]
        w_ho = lstm.weight_hh_l0.chunk(4)[3]
        b_o = (lstm.bias_ih_l0 + lstm.bias_hh_l0).chunk(4)[3]
        expected = torch.sigmoid(x[:, -1] @ w_io.T + h_prev[-1] @ w_ho.T + b_o)  # (B, H)
        got = answer.detach()
    if got.shape != expected.shape and got.numel() == expected.numel() and got.dim() == 3:
        got = got.reshape(expected.shape)  # accept (1, B, H)
    if got.shape != expected.shape:
        return _wrong(
            f"shape {tuple(got.shape)}: one gate value per window and hidden unit, like h_n[-1]."
        )
    mask = torch.tanh(c_n).abs() > 1e-2  # h / tanh(c) is ill-conditioned where c is near 0
    if torch.allclose(got[mask], expected[mask], rtol=1e-3, atol=1e-5):
        return _right(
            "o_T = h_T / tanh(c_T): every value equals the output gate computed from the weights.",
            "all between 0 and 1, as a sigmoid gate must be.",
        )
    with torch.no_grad():
        no_tanh = h_n / c_n
    if torch.allclose(got[mask], no_tanh[mask], rtol=1e-3, atol=1e-5):
        return _wrong("look again at the last equation: h is o times a squashed c.")
    if got.min() < 0 or got.max() > 1:
        return _wrong(
            "a gate is a sigmoid, so every value lies between 0 and 1; solve h_t = o_t ⊙ tanh(c_t) for o_t."
        )
    return _wrong(
        "solve h_t = o_t ⊙ tanh(c_t) for o_t, element by element, with the last layer's h_n and c_n."
    )


# ---------------------------------------------------------------- 03 · Training with clipping


def clip_factor(answer: object, *, norm: float, max_norm: float) -> Result:
    """Check the factor by which `clip_grad_norm_` scales gradients of total norm `norm`."""
    if (r := _unanswered(answer)) is not None:
        return r
    p = nn.Parameter(torch.zeros(2, dtype=torch.float64))
    p.grad = torch.tensor([norm, 0.0], dtype=torch.float64)
    torch.nn.utils.clip_grad_norm_([p], max_norm)
    expected = p.grad[0].item() / norm
    if not _is_number(answer):
        return _wrong("give the factor as a number.")
    if _close(answer, expected, rtol=1e-4):
        if expected == 1.0:
            return _right(
                f"norm {norm} is within max_norm {max_norm}: the gradients are left unchanged (factor 1)."
            )
        return _right(
            f"norm {norm} > max_norm {max_norm}: every gradient is multiplied by max_norm / norm, so the new norm is max_norm."
        )
    if norm <= max_norm:
        return _wrong(
            "clipping only acts when the total norm exceeds max_norm; is that the case here?"
        )
    if _close(answer, norm / max_norm):
        return _wrong(
            "that factor would make the gradients longer; clipping shrinks them to max_norm."
        )
    if answer >= 1:
        return _wrong(
            "the norm is above max_norm, so the gradients must shrink: the factor is below 1."
        )
    return _wrong(
        "after clipping the total norm equals max_norm exactly, and every gradient shrinks by the same factor."
    )


def clipped_steps(history: object, max_norm: float, answer: object) -> Result:
    """Check the number of training steps whose gradient norm exceeded `max_norm` (a History)."""
    if (r := _unanswered(answer)) is not None:
        return r
    norms = np.asarray(history.step_grad_norm)
    expected = int((norms > max_norm).sum())
    if not _is_number(answer):
        return _wrong("give the count as a whole number.")
    if answer == expected:
        # No counts in the message: near the edge of divergence they differ between CPUs.
        return _right(
            f"right: that many steps had a norm above max_norm={max_norm:g} before clipping, "
            "so clipping shortened them."
        )
    per_epoch = int((np.asarray(history.grad_norm) > max_norm).sum())
    if answer == per_epoch:
        return _wrong(
            "history.grad_norm holds one value per epoch (its largest); the steps are in history.step_grad_norm."
        )
    if answer == len(norms) - expected:
        return _wrong("that counts the steps at or below max_norm: the ones clipping leaves alone.")
    if answer == len(norms):
        return _wrong("that is every step; count only those whose norm exceeds max_norm.")
    return _wrong(
        "count the entries of history.step_grad_norm (norms before clipping) above max_norm."
    )


def max_norm_choice(history: object, max_norm: object) -> Result:
    """Check a `max_norm` chosen from a healthy run's step norms: above typical, below spikes."""
    if (r := _unanswered(max_norm)) is not None:
        return r
    if not _is_number(max_norm) or max_norm <= 0:
        return _wrong("max_norm is a positive number.")
    norms = np.asarray(history.step_grad_norm)
    share = float((norms > max_norm).mean())
    if share == 0:
        return _wrong(
            "no step of this run would be clipped: this max_norm is above the largest norm, so it never acts. Aim just above the typical steps."
        )
    if share > 0.2:
        return _wrong(
            f"{share:.0%} of the steps would be clipped: this max_norm shortens ordinary steps too, not only the rare spikes."
        )
    return _right(
        f"{share:.1%} of the steps would be clipped: above the typical norm, below the largest ones."
    )


# ---------------------------------------------------------------- 04 · Evaluation


def train_mode_mse(model: nn.Module, X: torch.Tensor, y: torch.Tensor, answer: object) -> Result:
    """Check an MSE computed with the model in training mode (dropout on)."""
    if (r := _unanswered(answer)) is not None:
        return r
    if isinstance(answer, torch.Tensor) and answer.numel() == 1:
        answer = answer.item()
    if not _is_number(answer):
        return _wrong("give the MSE as a number (a tensor's .item()).")
    was_training = model.training
    try:
        with torch.no_grad(), torch.random.fork_rng():
            model.eval()
            eval_mse = (model(X)[0] - y).square().mean().item()
            model.train()
            torch.manual_seed(0)
            samples = [(model(X)[0] - y).square().mean().item() for _ in range(8)]
    finally:
        model.train(was_training)
    low, high = min(samples), max(samples)
    if _close(answer, eval_mse, rtol=1e-2):
        return _wrong(
            "that is the eval-mode error: call model.train() before predicting, so dropout is on."
        )
    if low / 3 <= answer <= high * 3:
        return _right(
            "dropout on: an MSE of the right size for a training-mode pass (it varies from pass to pass).",
            "well above the eval-mode MSE: dropout removes information the trained model relies on.",
        )
    if low / 3 <= answer**2 <= high * 3:
        return _wrong("that looks like a root: the MSE is the mean of the squared errors.")
    return _wrong(
        "compute mean((prediction - y) ** 2) over all windows, with the model in training mode and inside torch.no_grad()."
    )


def step_change(y: torch.Tensor, answer: object) -> Result:
    """Check the mean absolute change between consecutive targets `y` (M, 1)."""
    if (r := _unanswered(answer)) is not None:
        return r
    if isinstance(answer, torch.Tensor) and answer.numel() == 1:
        answer = answer.item()
    if not _is_number(answer):
        return _wrong("give the mean change as a number (a tensor's .item()).")
    diff = torch.as_tensor(y, dtype=torch.float64).flatten().diff()
    expected = diff.abs().mean().item()
    if _close(answer, expected, rtol=1e-3):
        return _right(
            f"consecutive values differ by {expected:.3g} on average: the error of predicting 'same as the last value'."
        )
    if abs(answer) < expected / 5:
        return _wrong(
            "rises and falls cancel out in a plain mean: average the size of each change."
        )
    if _close(answer, diff.square().mean().item(), rtol=1e-3) or _close(
        answer, diff.square().mean().sqrt().item(), rtol=1e-3
    ):
        return _wrong(
            "that is a squared (or root-squared) average; compare like with like: MAE is a mean absolute value."
        )
    if _close(answer, diff.abs().max().item(), rtol=1e-3):
        return _wrong("that is the largest change; the question asks for the average one.")
    return _wrong(
        "take the differences between neighbouring targets, y[1:] - y[:-1], and average their absolute values."
    )


def reloaded_latest(reloaded: object, model: nn.Module, X: torch.Tensor) -> Result:
    """Check that `reloaded` predicts exactly like `model` as it is now (the last save)."""
    if (r := _unanswered(reloaded)) is not None:
        return r
    from lstm_helpers.evaluation import predict

    if isinstance(reloaded, tuple):
        return _wrong("load_checkpoint returns a pair (model, checkpoint): unpack it.")
    if not isinstance(reloaded, nn.Module):
        return _wrong("pass the model that load_checkpoint rebuilt.")
    if reloaded is model:
        return _wrong("that is the model in memory; pass the one rebuilt from the file.")
    if torch.equal(predict(reloaded, X), predict(model, X)):
        return _right(
            "the reloaded model predicts exactly like the model after its extra training: the second save replaced the first."
        )
    return _wrong(
        "the reloaded model predicts differently from the model as it is now: was the file saved again after the extra training, and reloaded after that?"
    )


# ---------------------------------------------------------------- 02b · Inside the LSTM

GATES = "ifgo"  # PyTorch's order of the gates in weight_ih, weight_hh and the biases
GATE_NAMES = {"i": "input gate", "f": "forget gate", "g": "candidate g", "o": "output gate"}


def _manual_step(lstm: nn.LSTM, x_t, h, c, order="ifgo", both_biases=True, squash_c=True):
    """One step of layer 0 from the weights, with optional typical mistakes."""
    bias = lstm.bias_ih_l0 + (lstm.bias_hh_l0 if both_biases else 0)
    gates = dict(
        zip(
            order,
            (x_t @ lstm.weight_ih_l0.T + h @ lstm.weight_hh_l0.T + bias).chunk(4, dim=-1),
            strict=True,
        )
    )
    i, f, o = (torch.sigmoid(gates[k]) for k in "ifo")
    g = torch.tanh(gates["g"])
    c = f * c + i * g
    return o * (torch.tanh(c) if squash_c else c), c


def lstm_step(
    lstm: nn.LSTM, x_t: torch.Tensor, h: torch.Tensor, c: torch.Tensor, answer: object
) -> Result:
    """Check `(h_new, c_new)`: one step of `lstm`'s first layer from `x_t` (B, F), `h` and `c` (B, H)."""
    if (r := _unanswered(answer)) is not None:
        return r
    if not (
        isinstance(answer, tuple)
        and len(answer) == 2
        and all(isinstance(a, torch.Tensor) for a in answer)
    ):
        return _wrong("give the pair (h_new, c_new), two tensors of shape (batch, hidden_size).")
    h_new, c_new = (a.detach() for a in answer)
    with torch.no_grad():
        _, (h_ref, c_ref) = lstm(x_t[:, None, :], (h[None], c[None]))  # one step: (B, 1, F)
        h_ref, c_ref = h_ref[0], c_ref[0]
        if h_new.shape != h_ref.shape or c_new.shape != c_ref.shape:
            return _wrong(
                f"shapes {tuple(h_new.shape)} and {tuple(c_new.shape)}: both states are (batch, hidden_size), like h and c."
            )
        ok_h = torch.allclose(h_new, h_ref, atol=1e-5)
        ok_c = torch.allclose(c_new, c_ref, atol=1e-5)
        if ok_h and ok_c:
            return _right(
                "c_new matches nn.LSTM: f ⊙ c + i ⊙ g.", "h_new matches nn.LSTM: o ⊙ tanh(c_new)."
            )
        mistakes = [
            (
                dict(order="fiog"),
                "the four blocks come in PyTorch's order i, f, g, o; check which chunk you call which gate.",
            ),
            (
                dict(order="ifog"),
                "the four blocks come in PyTorch's order i, f, g, o; check which chunk you call which gate.",
            ),
            (
                dict(both_biases=False),
                "PyTorch adds two bias vectors, bias_ih and bias_hh; use both.",
            ),
            (
                dict(squash_c=False),
                "c_new is right; h is the output gate times the squashed cell state.",
            ),
        ]
        for kwargs, hint in mistakes:
            h_m, c_m = _manual_step(lstm, x_t, h, c, **kwargs)
            if torch.allclose(h_new, h_m, atol=1e-5) and torch.allclose(c_new, c_m, atol=1e-5):
                return _wrong(hint)
    lines = [
        (
            ok_c,
            "c_new matches nn.LSTM."
            if ok_c
            else "c_new: keep f of the old cell state and add i times the candidate g.",
        )
    ]
    lines.append(
        (
            ok_h,
            "h_new matches nn.LSTM."
            if ok_h
            else "h_new: the output gate times tanh of the new cell state.",
        )
    )
    return _report(lines)


def gate_rows(gate: str, rows: object, *, hidden_size: int) -> Result:
    """Check which rows of weight_ih_l0 / weight_hh_l0 / the biases belong to `gate` (i, f, g or o)."""
    if (r := _unanswered(rows)) is not None:
        return r
    k = GATES.index(gate)
    with torch.random.fork_rng():
        lstm = nn.LSTM(1, hidden_size)
    blocks = lstm.weight_hh_l0.detach().chunk(4)  # the gates' blocks, in PyTorch's order
    expected = list(range(k * hidden_size, (k + 1) * hidden_size))
    if isinstance(rows, slice):
        rows = list(range(*rows.indices(4 * hidden_size)))
    try:
        got = [int(r) for r in rows]
    except (TypeError, ValueError):
        return _wrong("give the rows as a range (or slice) of whole numbers, such as range(a, b).")
    if got == expected and torch.equal(lstm.weight_hh_l0.detach()[got], blocks[k]):
        return _right(
            f"the {GATE_NAMES[gate]}'s {hidden_size} rows: block {k + 1} of 4 in PyTorch's order i, f, g, o."
        )
    for j in range(4):
        if got == list(range(j * hidden_size, (j + 1) * hidden_size)):
            return _wrong(
                f"those rows belong to the {GATE_NAMES[GATES[j]]}: PyTorch stacks the blocks in the order i, f, g, o."
            )
    if len(got) == hidden_size + 1 or (len(got) == hidden_size and abs(got[0] - expected[0]) == 1):
        return _wrong(
            "off by one: a block of hidden_size rows starting at a multiple of hidden_size; Python ranges exclude their end."
        )
    return _wrong(
        "each gate owns one block of hidden_size consecutive rows; the blocks are stacked in the order i, f, g, o."
    )


def memory_left(answer: object, *, forget: float, steps: int) -> Result:
    """Check the share of a cell's content left after `steps` steps with a constant forget gate."""
    if (r := _unanswered(answer)) is not None:
        return r
    if isinstance(answer, torch.Tensor) and answer.numel() == 1:
        answer = answer.item()
    if not _is_number(answer):
        return _wrong("give the share as a number between 0 and 1.")
    c = torch.ones(1, dtype=torch.float64)
    for _ in range(steps):  # c_t = f * c_{t-1} + i * g with nothing new written (i * g = 0)
        c = forget * c
    expected = c.item()
    if _close(answer, expected, rtol=1e-3):
        return _right(
            f"{expected:.3g} is left: the forget gate multiplies the memory at every step."
        )
    if _close(answer, 1 - expected, rtol=1e-3):
        return _wrong("that is the share forgotten; the question asks what is kept.")
    if _close(answer, forget * steps) or _close(answer, 1 - (1 - forget) * steps):
        return _wrong(
            "the forget gate multiplies the cell state at every step; it does not subtract a fixed amount."
        )
    if _close(answer, forget ** (steps - 1)) or _close(answer, forget ** (steps + 1)):
        return _wrong("off by one: count one multiplication per step.")
    return _wrong("write c_t = f ⊙ c_{t-1} with nothing new added, and apply it once per step.")


def forget_for_half_life(answer: object, *, steps: int) -> Result:
    """Check the constant forget gate that keeps half of a cell's content after `steps` steps."""
    if (r := _unanswered(answer)) is not None:
        return r
    if isinstance(answer, torch.Tensor) and answer.numel() == 1:
        answer = answer.item()
    if not _is_number(answer):
        return _wrong("give the forget gate as a number between 0 and 1.")
    if not 0 < answer < 1:
        return _wrong("a forget gate is a sigmoid, strictly between 0 and 1.")
    kept = float(answer) ** steps
    if abs(kept - 0.5) < 0.005:
        return _right(
            f"a forget gate of {float(answer):.4g} keeps half after {steps} steps: long memory needs gates very close to 1."
        )
    more = "more" if kept > 0.5 else "less"
    return _wrong(
        f"with that gate {kept:.2g} of the content is left after {steps} steps, {more} than half. Solve f ** steps = 1/2 for f."
    )


# ---------------------------------------------------------------- 04b · Honest forecasting


def noise_floor(answer: object, *, noise_std: float) -> Result:
    """Check the best possible one-step MSE against targets with Gaussian noise of `noise_std`."""
    if (r := _unanswered(answer)) is not None:
        return r
    if not _is_number(answer):
        return _wrong("give the MSE as a number.")
    noise = torch.randn(200_000, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    expected = (noise_std * noise).square().mean().item()  # a perfect forecast's MSE: the noise's
    if _close(answer, expected, rtol=0.02):
        return _right(
            "a perfect forecast of the signal still misses the noise: its MSE is the noise variance, σ²."
        )
    if _close(answer, noise_std, rtol=0.02):
        return _wrong("that is in the data's units; MSE is in squared units.")
    if _close(answer, 2 * expected, rtol=0.02):
        return _wrong(
            "the best forecaster predicts the clean signal exactly, so only the target's own noise is left, not the inputs'."
        )
    return _wrong(
        "the best forecast is the clean signal; what is left of each error is the target's noise. What is its mean square?"
    )


def rollout_steps(carried: object, reread: object, *, seq_length: int, horizon: int) -> Result:
    """Check the LSTM steps per forecast of `horizon` values after a window of `seq_length`."""
    if (r := _unanswered(carried, reread)) is not None:
        return r
    from lstm_helpers.forecasting import rollout_stateful, rollout_window
    from lstm_helpers.models import LSTMPredictor

    with torch.random.fork_rng():
        model = LSTMPredictor(hidden_size=2, num_layers=1)
    history = torch.zeros(1, seq_length, 1)
    exp_carried = rollout_stateful(model, history, horizon).lstm_steps
    exp_reread = rollout_window(model, history, horizon, window=seq_length).lstm_steps
    lines = []
    if not _is_number(carried):
        lines.append((False, "carried: give a whole number."))
    elif carried == exp_carried:
        lines.append((True, "carried state: the window once, then one step per further value."))
    elif carried in (seq_length + horizon, exp_carried + 1):
        lines.append(
            (False, "carried: off by one. Reading the window already gives the first forecast.")
        )
    else:
        lines.append(
            (False, "carried: the window is read once; each further value costs one step.")
        )
    if not _is_number(reread):
        lines.append((False, "reread: give a whole number."))
    elif reread == exp_reread:
        lines.append((True, "re-read window: every forecast value reads a whole window again."))
    elif reread == exp_carried:
        lines.append(
            (
                False,
                "reread: that counts one step per new value; re-reading runs over the whole window each time.",
            )
        )
    else:
        lines.append((False, "reread: each of the forecast values costs a full window of steps."))
    return _report(lines)


def sine_recurrence(a1: object, a2: object, *, step: float) -> Result:
    """Check x[t+1] = a1 x[t] + a2 x[t-1] for x[t] = sin(step · t) (AR(2) without intercept)."""
    if (r := _unanswered(a1, a2)) is not None:
        return r
    from lstm_helpers.baselines import fit_ar
    from lstm_helpers.data import make_windows

    X, y = make_windows(np.sin(step * np.arange(200)), seq_length=2)
    ar = fit_ar(X, y, order=2, intercept=False)
    exp_a2, exp_a1 = ar.coef  # oldest lag first
    if not (_is_number(a1) and _is_number(a2)):
        return _wrong("give both coefficients as numbers.")
    ok1 = math.isclose(a1, exp_a1, abs_tol=1e-6)
    ok2 = math.isclose(a2, exp_a2, abs_tol=1e-6)
    if ok1 and ok2:
        return _right(
            "a1 multiplies x[t] and a2 multiplies x[t-1]: two numbers predict a clean sine exactly, for ever."
        )
    if math.isclose(a1, exp_a2, abs_tol=1e-6) and math.isclose(a2, exp_a1, abs_tol=1e-6):
        return _wrong("the two are swapped: a1 is the weight of the newer value, x[t].")
    return _report(
        [
            (
                ok1,
                "a1 is right."
                if ok1
                else "a1: add sin(ω(t+1)) and sin(ω(t-1)) with the sum formula; what multiplies sin(ωt)?",
            ),
            (ok2, "a2 is right." if ok2 else "a2: the same identity says how x[t-1] enters."),
        ]
    )


# ---------------------------------------------------------------- 05 · Bidirectional and advanced


def bidirectional_rows(forward_row: object, backward_row: object, *, num_layers: int) -> Result:
    """Check the rows of h_n holding the top layer's forward and backward final states."""
    if (r := _unanswered(forward_row, backward_row)) is not None:
        return r
    n = 2 * num_layers
    if not (_is_number(forward_row) and _is_number(backward_row)) or not all(
        -n <= int(r) < n and int(r) == r for r in (forward_row, backward_row)
    ):
        return _wrong("give two row indices of h_n (negative indices count from the end).")
    hidden = 3
    x = torch.randn(2, 5, 1, generator=torch.Generator().manual_seed(0))
    with torch.no_grad(), torch.random.fork_rng():
        lstm = nn.LSTM(1, hidden, num_layers, batch_first=True, bidirectional=True)
        out, (h_n, _) = lstm(x)
    fw, bw = int(forward_row) % n, int(backward_row) % n
    ok_f = torch.allclose(h_n[fw], out[:, -1, :hidden])  # forward: after the last step
    ok_b = torch.allclose(h_n[bw], out[:, 0, hidden:])  # backward: after the first step
    if ok_f and ok_b:
        return _right(
            "h_n holds layer by layer, forward then backward: the top layer's pair comes last."
        )
    if fw == bw:
        return _wrong("the two directions have separate rows in h_n.")
    if torch.allclose(h_n[fw], out[:, 0, hidden:]) and torch.allclose(h_n[bw], out[:, -1, :hidden]):
        return _wrong("the rows are swapped: within a layer the forward direction comes first.")
    return _wrong(
        "h_n has num_layers x 2 rows, ordered layer by layer (bottom layer first), each layer's forward row before its backward row."
    )


def last_step_index(answer: object, lengths: torch.Tensor) -> Result:
    """Check the index of each padded sequence's last real step (for its forward final state)."""
    if (r := _unanswered(answer)) is not None:
        return r
    from lstm_helpers.sequences import last_valid_step

    lengths = torch.as_tensor(lengths)
    T = int(lengths.max())
    out = torch.arange(T, dtype=torch.float32).repeat(len(lengths), 1)[..., None]  # value = step
    expected = last_valid_step(out, lengths)[:, 0].long()
    got = torch.as_tensor(answer).long().flatten() if not isinstance(answer, (int, float)) else None
    if got is None or got.shape != expected.shape:
        return _wrong("give one index per sequence (a tensor or list of whole numbers).")
    if torch.equal(got, expected):
        return _right(
            "each sequence's forward state is read at its own last real step; later positions are padding."
        )
    if torch.equal(got, lengths.long()):
        return _wrong("off by one: steps are counted from 0.")
    if (got == T - 1).all() or (got == -1).all():
        return _wrong(
            "the last position of the padded tensor is padding for every shorter sequence."
        )
    return _wrong("a sequence of length n has its last real value at step n - 1.")


# ---------------------------------------------------------------- 07 · Real data


def train_only_scaler(scaler: object, series: np.ndarray, n_train: int) -> Result:
    """Check that `scaler` was fitted on the training part `series[:n_train]` only."""
    if (r := _unanswered(scaler)) is not None:
        return r
    from lstm_helpers.scaling import Scaler, fit_scaler

    if not isinstance(scaler, Scaler):
        return _wrong("pass the Scaler that lh.fit_scaler returned.")
    right = fit_scaler(np.asarray(series)[:n_train], kind=scaler.kind)
    if np.allclose(scaler.center, right.center) and np.allclose(scaler.scale, right.scale):
        return _right(
            "fitted on the training part only: the scaler knows nothing about the validation and test periods."
        )
    leaky = fit_scaler(np.asarray(series), kind=scaler.kind)
    if np.allclose(scaler.center, leaky.center) and np.allclose(scaler.scale, leaky.scale):
        return _wrong(
            "this scaler saw the whole series, test period included: a leak from the future."
        )
    return _wrong(
        "its statistics do not come from the training part: fit it on the values before the first validation month."
    )


def undifference(answer: object, X_levels: np.ndarray, changes: np.ndarray) -> Result:
    """Check level forecasts rebuilt from predicted changes: the last known level plus their running sum.

    Shape: X_levels (M, T, 1), changes (M, K) -> answer (M, K).
    """
    if (r := _unanswered(answer)) is not None:
        return r
    X_levels, changes = (
        np.asarray(X_levels, dtype=np.float64),
        np.asarray(changes, dtype=np.float64),
    )
    last = X_levels[:, -1, :]  # (M, 1)
    expected = last + np.cumsum(changes, axis=1)  # (M, K)
    got = np.asarray(
        answer.detach() if isinstance(answer, torch.Tensor) else answer, dtype=np.float64
    )
    if got.shape != expected.shape:
        return _wrong(
            f"shape {got.shape}: one forecast level per window and month ahead, like the changes."
        )
    if np.allclose(got, expected):
        return _right("level k = the last known level plus the first k changes: a running sum.")
    if np.allclose(got, last + changes):
        return _wrong(
            "each change is relative to the month before it, not to the last known month: accumulate them."
        )
    if np.allclose(got, np.cumsum(changes, axis=1)):
        return _wrong(
            "those are changes since the forecast origin; they still need a starting level."
        )
    return _wrong(
        "start from the window's last level and add the predicted changes one month at a time."
    )


def seasonal_naive_forecast(answer: object, X: np.ndarray, *, season: int, horizon: int) -> Result:
    """Check a seasonal naive forecast: each value is the one a season earlier. Shape: X (M, T, 1)."""
    if (r := _unanswered(answer)) is not None:
        return r
    from lstm_helpers.baselines import persistence, seasonal_naive

    expected = seasonal_naive(X, season, horizon)
    got = np.asarray(
        answer.detach() if isinstance(answer, torch.Tensor) else answer, dtype=np.float64
    )
    if got.shape != expected.shape:
        return _wrong(
            f"shape {got.shape}: one forecast per window and step ahead, (windows, horizon)."
        )
    if np.allclose(got, expected):
        return _right("every forecast month repeats the same month one season earlier.")
    if np.allclose(got, persistence(X, horizon)):
        return _wrong(
            "that repeats the last value (persistence); the seasonal naive goes back one whole season."
        )
    return _wrong(
        "step k ahead copies the value exactly one season before it: the last season of the window, repeated."
    )


# ---------------------------------------------------------------- 06 · Hyperparameter explorer


@contextmanager
def _same_random_state() -> Iterator[None]:
    """Run code that seeds (as every explorer run does) without changing the caller's RNGs."""
    py_state, np_state = random.getstate(), np.random.get_state()  # noqa: NPY002 (set_seed seeds it)
    with torch.random.fork_rng():
        yield
    random.setstate(py_state)
    np.random.set_state(np_state)  # noqa: NPY002


def smallest_hidden_size(explorer: object, answer: object, *, max_mse: float) -> Result:
    """Check the smallest hidden size whose run, with the explorer's other settings, has test MSE < max_mse.

    Trains one run per hidden size from 1 to `answer` (about 0.3 s each with the defaults).
    """
    if (r := _unanswered(answer)) is not None:
        return r
    from lstm_helpers.widgets import run_experiment

    if not _is_number(answer) or int(answer) != answer or answer < 1:
        return _wrong("give the hidden size as a whole number of at least 1.")
    if answer > 64:
        return _wrong("that is large: try the small sizes first, one at a time.")
    settings = dict(explorer.settings)
    mse = {}
    with _same_random_state():
        for h in range(1, int(answer) + 1):
            s = {**settings, "hidden_size": h}
            mse[h] = run_experiment(*explorer.configs(s), optimizer=s["optimizer"]).metrics.mse
    if mse[answer] >= max_mse:
        return _wrong(
            f"with hidden size {answer} the test MSE is {mse[answer]:.2g}, not below {max_mse:g}: try others."
        )
    if any(mse[h] < max_mse for h in range(1, int(answer))):
        return _wrong(
            f"hidden size {answer} gets below {max_mse:g}, but a smaller one does too: try every size below it, in order."
        )
    return _right(
        f"hidden size {answer} is the smallest below {max_mse:g} (test MSE {mse[answer]:.2g}); every smaller size stays above it."
    )


def _explorer_runs(explorer: object, changes: list[dict]) -> list:
    """One run per settings change, from the explorer's current settings; RNGs left alone."""
    from lstm_helpers.widgets import run_experiment

    runs = []
    with _same_random_state():
        for change in changes:
            s = {**explorer.settings, **change}
            runs.append(run_experiment(*explorer.configs(s), optimizer=s["optimizer"]))
    return runs


def best_learning_rate(explorer: object, answer: object, *, candidates: Sequence[float]) -> Result:
    """Check which of `candidates` gives the lowest test MSE with the explorer's other settings.

    Trains one run per candidate (about 0.3 s each with the defaults).
    """
    if (r := _unanswered(answer)) is not None:
        return r
    if not _is_number(answer) or not any(_close(answer, c) for c in candidates):
        return _wrong(f"pick one of the candidates {tuple(candidates)}.")
    runs = _explorer_runs(explorer, [{"lr": lr} for lr in candidates])
    mse = {lr: run.metrics.mse for lr, run in zip(candidates, runs, strict=True)}
    chosen = next(c for c in candidates if _close(answer, c))
    if mse[chosen] > min(mse.values()):
        return _wrong(
            f"with lr={chosen:g} the test MSE is {mse[chosen]:.2g}, and another candidate ends "
            "lower: train each one with the same settings and compare."
        )
    return _right(
        f"lr={chosen:g} ends lowest (test MSE {mse[chosen]:.2g}): smaller rates have not "
        "finished learning in these epochs, larger ones end noisier."
    )


def largest_stable_lr(explorer: object, answer: object, *, candidates: Sequence[float]) -> Result:
    """Check the largest of `candidates` at which a run with clipping off does not diverge.

    Trains one run per candidate with the explorer's other settings and `clip_norm=None`.
    """
    if (r := _unanswered(answer)) is not None:
        return r
    if not _is_number(answer) or not any(_close(answer, c) for c in candidates):
        return _wrong(f"pick one of the candidates {tuple(candidates)}.")
    runs = _explorer_runs(explorer, [{"lr": lr, "clip_norm": None} for lr in candidates])
    stable = {lr: not run.diverged for lr, run in zip(candidates, runs, strict=True)}
    chosen = next(c for c in candidates if _close(answer, c))
    if not stable[chosen]:
        return _wrong(f"without clipping, lr={chosen:g} diverges: try smaller rates.")
    if any(ok and lr > chosen for lr, ok in stable.items()):
        return _wrong(
            f"lr={chosen:g} trains without clipping, but a larger candidate does too: try the "
            "larger ones."
        )
    return _right(
        f"lr={chosen:g} is the largest candidate that trains without clipping; every larger "
        "one diverges."
    )
