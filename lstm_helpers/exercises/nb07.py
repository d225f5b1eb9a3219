"""The checks of notebook 07 · Real data: Mauna Loa CO2: `from lstm_helpers.exercises import nb07 as check`."""

from __future__ import annotations

import numpy as np
import torch

from lstm_helpers.baselines import persistence, seasonal_naive
from lstm_helpers.exercises._result import Result, right, unanswered, wrong
from lstm_helpers.scaling import Scaler, fit_scaler

__all__ = ["seasonal_naive_forecast", "train_only_scaler", "undifference"]


def train_only_scaler(scaler: object, series: np.ndarray, n_train: int) -> Result:
    """Check that `scaler` was fitted on the training part `series[:n_train]` only."""
    if (r := unanswered(scaler)) is not None:
        return r
    if not isinstance(scaler, Scaler):
        return wrong("pass the Scaler that lh.fit_scaler returned.")
    honest = fit_scaler(np.asarray(series)[:n_train], kind=scaler.kind)
    if np.allclose(scaler.center, honest.center) and np.allclose(scaler.scale, honest.scale):
        return right(
            "fitted on the training part only: the scaler knows nothing about the validation and test periods."
        )
    leaky = fit_scaler(np.asarray(series), kind=scaler.kind)
    if np.allclose(scaler.center, leaky.center) and np.allclose(scaler.scale, leaky.scale):
        return wrong(
            "this scaler saw the whole series, test period included: a leak from the future."
        )
    return wrong(
        "its statistics do not come from the training part: fit it on the values before the first validation month."
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


def seasonal_naive_forecast(answer: object, X: np.ndarray, *, season: int, horizon: int) -> Result:
    """Check a seasonal naive forecast: each value is the one a season earlier. Shape: X (M, T, 1)."""
    if (r := unanswered(answer)) is not None:
        return r
    expected = seasonal_naive(X, season, horizon)
    got = np.asarray(
        answer.detach() if isinstance(answer, torch.Tensor) else answer, dtype=np.float64
    )
    if got.shape != expected.shape:
        return wrong(
            f"shape {got.shape}: one forecast per window and step ahead, (windows, horizon)."
        )
    if np.allclose(got, expected):
        return right("every forecast month repeats the same month one season earlier.")
    if np.allclose(got, persistence(X, horizon)):
        return wrong(
            "that repeats the last value (persistence); the seasonal naive goes back one whole season."
        )
    return wrong(
        "step k ahead copies the value exactly one season before it: the last season of the window, repeated."
    )
