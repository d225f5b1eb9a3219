"""The checks of notebook 01 · Data and shapes: `from lstm_helpers.exercises import nb01 as check`."""

from __future__ import annotations

import numpy as np
import torch

from lstm_helpers.data import make_loader, make_windows
from lstm_helpers.exercises._result import (
    Result,
    as_shape,
    is_number,
    not_a_shape,
    report,
    right,
    unanswered,
    wrong,
)

__all__ = ["batch_first", "batches", "window_shapes"]


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
    if (r := unanswered(X_shape, y_shape)) is not None:
        return r
    X, y = make_windows(np.zeros((num_points, num_features)), seq_length, horizon)
    m, t, f = X.shape
    lines = []
    xs = as_shape(X_shape)
    if xs is None:
        lines.append(not_a_shape("X", X_shape))
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
    ys = as_shape(y_shape)
    if ys is None:
        lines.append(not_a_shape("y", y_shape))
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
    return report(lines)


def batch_first(time_major: torch.Tensor, converted: object) -> Result:
    """Check that `converted` is the time-major tensor `(T, B, F)` turned into `(B, T, F)`."""
    if (r := unanswered(converted)) is not None:
        return r
    expected = time_major.transpose(0, 1)
    if not isinstance(converted, torch.Tensor):
        return wrong("pass the converted tensor itself (a torch.Tensor).")
    shape = tuple(converted.shape)
    if shape == tuple(time_major.shape) and not torch.equal(converted, expected):
        return wrong("still time-major: the windows must move to axis 0, the steps to axis 1.")
    if shape != tuple(expected.shape):
        if sorted(shape) == sorted(expected.shape):
            hint = (
                "the axes are permuted the wrong way: only the first two swap; features stay last."
            )
        else:
            hint = "the converted tensor holds the same numbers, so its axes are the old ones reordered."
        return wrong(f"shape {shape}: {hint}")
    if not torch.equal(converted, expected):
        return wrong(
            f"shape {shape} is right but the values are scrambled: reshape and view "
            "re-read the numbers in memory order; moving an axis needs transpose or "
            "permute."
        )
    return right(
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
    if (r := unanswered(num_batches, last_size)) is not None:
        return r
    loader = make_loader(
        torch.zeros(num_windows, 1, 1), torch.zeros(num_windows, 1), batch_size, drop_last=drop_last
    )
    with torch.random.fork_rng():  # iterating a DataLoader draws a seed from the global RNG
        sizes = [len(xb) for xb, _ in loader]
    n, last = len(sizes), sizes[-1]
    full, rest = divmod(num_windows, batch_size)
    lines = []
    if not is_number(num_batches):
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
    if not is_number(last_size):
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
    return report(lines)
