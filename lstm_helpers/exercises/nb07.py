"""The checks of notebook 07 · Real data: Mauna Loa CO2: `from lstm_helpers.exercises import nb07 as check`."""

from __future__ import annotations

import numpy as np
import torch

from lstm_helpers.exercises._result import (
    Result,
    approx_equal,
    as_number,
    report,
    right,
    unanswered,
    wrong,
)
from lstm_helpers.scaling import Scaler, fit_scaler

__all__ = ["scaled_rmse", "train_only_scaler", "undifference"]


def train_only_scaler(scaler: object, series: np.ndarray, n_train: int) -> Result:
    """Check that `scaler` was fitted on the training part `series[:n_train]` only."""
    if (r := unanswered(scaler)) is not None:
        return r
    if not isinstance(scaler, Scaler):
        return wrong("pass the Scaler that lh.fit_scaler returned.")
    honest = fit_scaler(np.asarray(series)[:n_train], kind=scaler.kind)
    if np.allclose(scaler.center, honest.center) and np.allclose(scaler.scale, honest.scale):
        return right(
            "fitted on the months before the cut-off only: the scaler knows nothing of what came after."
        )
    leaky = fit_scaler(np.asarray(series), kind=scaler.kind)
    if np.allclose(scaler.center, leaky.center) and np.allclose(scaler.scale, leaky.scale):
        return wrong("this scaler saw the whole series: a leak from the months after the cut-off.")
    return wrong(
        "its statistics do not come from the months before the cut-off: every one of them, and none after."
    )


def undifference(answer: object, X_levels: np.ndarray, changes: np.ndarray) -> Result:
    """Check level forecasts rebuilt from predicted changes: the last known level plus their running sum.

    Shape: X_levels (M, T, 1), changes (M, K) -> answer (M, K).
    """
    if (r := unanswered(answer)) is not None:
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
        return wrong(
            f"shape {got.shape}: one forecast level per window and month ahead, like the changes."
        )
    if np.allclose(got, expected):
        return right("level k = the last known level plus the first k changes: a running sum.")
    if np.allclose(got, last + changes):
        return wrong(
            "each change is relative to the month before it, not to the last known month: accumulate them."
        )
    if np.allclose(got, np.cumsum(changes, axis=1)):
        return wrong(
            "those are changes since the forecast origin; they still need a starting level."
        )
    return wrong(
        "start from the window's last level and add the predicted changes one month at a time."
    )


def scaled_rmse(
    honest_units: object, leaky_units: object, rmse: float, honest: Scaler, leaky: Scaler
) -> Result:
    """Check an RMSE in ppm converted to two scalers' units: divided by each one's scale (1%)."""
    if (r := unanswered(honest_units, leaky_units)) is not None:
        return r
    lines = []
    for name, answer, scaler, other in (
        ("honest units", honest_units, honest, leaky),
        ("leaky units", leaky_units, leaky, honest),
    ):
        value = as_number(answer)
        center, scale = scaler.center[0], scaler.scale[0]
        if value is None:
            lines.append((False, f"{name}: give one number (a float)."))
        elif approx_equal(value, rmse / scale, rtol=0.01):
            lines.append((True, f"{name}: the error divided by this scaler's scale."))
        elif approx_equal(value, (rmse - center) / scale, rtol=0.01):
            lines.append(
                (
                    False,
                    f"{name}: an error is a difference of two values; what happens to the centre?",
                )
            )
        elif approx_equal(value, rmse / other.scale[0], rtol=0.01):
            lines.append(
                (False, f"{name}: that is the other scaler's scale; which one saw more years?")
            )
        elif approx_equal(value, rmse * scale, rtol=0.01) or approx_equal(value, rmse, rtol=0.01):
            lines.append(
                (
                    False,
                    f"{name}: scaling maps ppm to units by dividing; go the same way for an error.",
                )
            )
        else:
            lines.append(
                (
                    False,
                    f"{name}: transform maps x to (x - centre) / scale; apply it to a forecast and "
                    "to its target, then take the difference.",
                )
            )
    return report(lines)
