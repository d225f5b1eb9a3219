"""Input checks shared by the package: each failure says what was expected, what was given, and how to fix it."""

from __future__ import annotations

import math

import numpy as np
import torch


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
