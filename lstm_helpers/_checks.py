"""Input checks and conversions shared by the package.

Each failed check raises a ValueError that says what was expected, what was given, and how
to fix it. The type aliases used across modules live here too, once.
Shape legend: B batch, T time steps, F features, L layers (times directions), H hidden size.
"""

from __future__ import annotations

import math

import numpy as np
import torch

ArrayLike = np.ndarray | torch.Tensor
Pair = tuple[torch.Tensor, torch.Tensor]  # (inputs, targets), or an LSTM's (h, c)
Hidden = tuple[torch.Tensor, torch.Tensor] | torch.Tensor  # (h, c) of an LSTM, h of an RNN


def as_numpy(values: ArrayLike, dtype: type | None = None) -> np.ndarray:
    """A NumPy array of an array or tensor (detached and on the CPU), optionally converted.

    Shape: any -> the same shape.
    """
    arr = values.detach().cpu().numpy() if isinstance(values, torch.Tensor) else np.asarray(values)
    return arr if dtype is None else arr.astype(dtype)


def positive_int(name: str, value: object, hint: str = "") -> int:
    """Return `value` if it is an int > 0, else raise ValueError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        fix = f" {hint}" if hint else ""
        raise ValueError(f"{name} must be a positive integer, got {value!r}.{fix}")
    return int(value)


def fraction(
    name: str, value: float, *, low: float, high: float, hint: str = "", open_low: bool = False
) -> float:
    """Return `value` if low <= value < high (low < value with `open_low`), else raise ValueError."""
    above = value > low if open_low else value >= low
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not (above and value < high)
    ):
        fix = f" {hint}" if hint else ""
        interval = f"{'(' if open_low else '['}{low}, {high})"
        raise ValueError(f"{name} must be in {interval}, got {value!r}.{fix}")
    return float(value)


def positive_float(name: str, value: float, hint: str = "") -> float:
    """Return `value` if it is a finite number > 0, else raise ValueError."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not (math.isfinite(value) and value > 0)
    ):
        fix = f" {hint}" if hint else ""
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}.{fix}")
    return float(value)


def finite(name: str, values: np.ndarray | torch.Tensor) -> None:
    """Raise ValueError if `values` holds NaN or infinite entries, naming how many and where."""
    if isinstance(values, torch.Tensor):
        bad = ~torch.isfinite(values.detach())
        if not bad.any():
            return
        bad = bad.cpu().numpy()
    else:
        bad = ~np.isfinite(np.asarray(values))
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} must hold only finite numbers, but {int(bad.sum())} of {bad.size} values are "
            f"NaN or infinite (the first at index {first[0] if len(first) == 1 else first}). "
            "Fill or drop missing values (for example interpolate them) before windowing."
        )


def history(values: ArrayLike) -> torch.Tensor:
    """A forecast's known history as float32 windows of one feature, checked (at least one step, finite).

    Shape: (T0,) one series, (B, T0) or (B, T0, 1) windows -> (B, T0, 1).
    """
    x = torch.as_tensor(values, dtype=torch.float32)
    if x.dim() == 1:
        x = x[None, :, None]  # (T0,) -> (1, T0, 1)
    elif x.dim() == 2:
        x = x[:, :, None]  # (B, T0) -> (B, T0, 1)
    if x.dim() != 3 or x.size(-1) != 1 or x.size(1) == 0:
        raise ValueError(
            f"history must be a series (T0,), windows (B, T0) or (B, T0, 1) of at least one "
            f"step, got {tuple(x.shape)}."
        )
    finite("history", x)
    return x


def windows(X: np.ndarray | torch.Tensor) -> torch.Tensor:
    """X as a float32 tensor, which must be 3-D (windows, seq_length, features)."""
    X_t = torch.as_tensor(X, dtype=torch.float32)
    if X_t.dim() != 3:
        hint = " Add the feature dimension with X.unsqueeze(-1)." if X_t.dim() == 2 else ""
        raise ValueError(
            f"X must be 3-D (windows, seq_length, features), got shape {tuple(X_t.shape)}.{hint}"
        )
    return X_t


def same_length(X: torch.Tensor, y: torch.Tensor) -> None:
    """Raise ValueError unless X and y hold the same number of windows."""
    if len(X) != len(y):
        raise ValueError(
            f"X and y must hold the same number of windows, got {len(X)} and {len(y)}."
        )


def check_input(x: torch.Tensor, input_size: int) -> None:
    """Raise ValueError unless x is a (batch, seq_len, input_size) tensor.

    Shape: x (B, T, F) with F = input_size.
    """
    if not isinstance(x, torch.Tensor):
        raise ValueError(
            f"x must be a torch.Tensor, got {type(x).__name__}. Use torch.as_tensor(x)."
        )
    if x.dim() != 3 or x.size(-1) != input_size:
        hint = ""
        if x.dim() == 2 and input_size == 1:
            hint = (
                " The feature dimension is missing: use x.unsqueeze(-1) to get (batch, seq_len, 1)."
            )
        elif x.dim() == 3 and x.size(1) == input_size:
            hint = " The features look like dimension 1: use x.transpose(1, 2)."
        elif x.dim() == 3:
            hint = " If x is time-major (seq_len, batch, features), fix the last dimension first."
        raise ValueError(
            f"expected input of shape (batch, seq_len, {input_size}) (batch_first=True), "
            f"got {tuple(x.shape)}.{hint}"
        )


def check_hidden(hidden: Hidden | None, x: torch.Tensor, num_layers: int, hidden_size: int) -> None:
    """Raise ValueError unless each hidden tensor has shape (num_layers, batch, hidden_size).

    Shape: hidden (h,) or (h, c), each (L, B, H) for x (B, T, F).
    """
    if hidden is None:
        return
    states = hidden if isinstance(hidden, tuple) else (hidden,)
    want = (num_layers, x.size(0), hidden_size)
    for name, h in zip(("h", "c"), states, strict=False):  # an RNN has no c
        if tuple(h.shape) != want:
            hint = ""
            if h.dim() == 3 and h.size(1) != x.size(0):
                hint = (
                    f" The batch has {x.size(0)} windows but the state was made for {h.size(1)}: "
                    "a smaller last batch? Start each batch with hidden=None, slice the state "
                    "(h[:, :B]), or use drop_last=True in the DataLoader."
                )
            raise ValueError(
                f"hidden state {name} must have shape (num_layers, batch, hidden_size) = {want}, "
                f"got {tuple(h.shape)}.{hint}"
            )
