"""Anomaly scores for a series: forecast errors, rolling statistics, a threshold from normal data.

A detector gives every step a score (how unusual the step looks); a step whose score lies
above a threshold raises an alarm. The threshold comes from normal validation data, never
from the labels: `alarm_threshold` refuses a part that holds labelled anomalies.

    errors = forecast_errors(model, x, seq_length=32)     # (N,), NaN for the first 32 steps
    score = abs_zscore(errors, fit=(800, 1664))           # |error| in training standard deviations
    thr = alarm_threshold(score, (1664, 2112), labels=episode)   # the largest normal score
    alarms = detect(score[2112:3424], thr)                # (1312,) bool, refuses NaN scores

How the alarms compare with labelled episodes is `detection_metrics.py`'s job.
Parts are (start, stop) step ranges, stop exclusive. Fit a score on the training steps whose
whole window lies in the training part (here from 768 + 32 on): it then reads training data
only. Shape legend: N steps, M windows, T steps per window (seq_length).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import torch
from torch import nn

from lstm_helpers import _checks
from lstm_helpers._checks import ArrayLike, as_numpy
from lstm_helpers.evaluation import predict

Part = tuple[int, int]


class Forecaster(Protocol):
    """Anything with `predict(X) -> (M, 1)` one-step forecasts, such as an ARModel."""

    def predict(self, X: np.ndarray) -> np.ndarray: ...


def series_1d(name: str, values: ArrayLike, allow_nan: bool = False) -> np.ndarray:
    """`values` as a 1-D float64 array, checked: finite, or with `allow_nan` NaN and +inf allowed.

    Shape: (N,) -> (N,).
    """
    arr = as_numpy(values)
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D series (N,), got shape {arr.shape}. "
            "Flatten it first, for example with x.reshape(-1) for a single feature."
        )
    if arr.dtype == bool:
        raise ValueError(f"{name} must hold numbers, got booleans.")
    arr = arr.astype(np.float64)
    if not allow_nan:
        _checks.finite(name, arr)
    elif np.isneginf(arr).any():
        raise ValueError(f"{name} holds -inf; a score is a number, +inf or NaN (no score yet).")
    return arr


def check_part(part: Part, n: int, name: str = "part") -> tuple[int, int]:
    """`part` as (start, stop) with 0 <= start < stop <= n, else a ValueError.

    Shape: none.
    """
    try:
        start, stop = (int(p) for p in part)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a (start, stop) pair of step indices, got {part!r}."
        ) from None
    if not 0 <= start <= stop <= n:
        raise ValueError(
            f"{name} must satisfy 0 <= start <= stop <= {n} (the series' length), got "
            f"({start}, {stop})."
        )
    if start == stop:
        raise ValueError(
            f"{name} ({start}, {stop}) is empty: it must hold at least one step. "
            "Check the part's boundaries."
        )
    return start, stop


def no_nan_in(name: str, values: np.ndarray, start: int = 0) -> None:
    """Raise ValueError naming the steps where `values` is NaN (offset by `start`)."""
    nan = np.flatnonzero(np.isnan(values))
    if len(nan):
        raise ValueError(
            f"{name} is NaN at {len(nan)} step(s), the first at step {start + int(nan[0])}: "
            "those steps have no score (a forecaster needs seq_length steps of history, a "
            "rolling statistic a full window). Use a part that starts after them."
        )


def forecast_errors(
    forecaster: nn.Module | Forecaster, series: ArrayLike, seq_length: int
) -> np.ndarray:
    """One-step forecast error at every step: series[t] minus the forecast from the T steps before t.

    `forecaster` is a model (`forward(x) -> (y, hidden)`, run with `predict` in eval mode on
    float32 windows) or anything with `predict(X) -> (M, 1)`, such as `fit_ar`'s ARModel.
    The first `seq_length` steps have no forecast: their error is NaN.
    Shape: series (N,) -> (N,), float64.
    """
    x = series_1d("series", series)
    T = _checks.positive_int("seq_length", seq_length)
    if T >= len(x):
        raise ValueError(
            f"seq_length ({T}) must be shorter than the series ({len(x)} steps): no window "
            "would have a next value to forecast."
        )
    X = np.lib.stride_tricks.sliding_window_view(x[:-1], T)[:, :, None]  # (M, T, 1), M = N - T
    if isinstance(forecaster, nn.Module):
        forecast = predict(forecaster, torch.tensor(X, dtype=torch.float32)).numpy()
    elif callable(getattr(forecaster, "predict", None)):
        forecast = np.asarray(forecaster.predict(X))
    else:
        raise ValueError(
            f"forecaster must be a model (nn.Module) or have a predict(X) method, got "
            f"{type(forecaster).__name__}."
        )
    if forecast.shape[0] != len(X) or forecast.size != len(X):
        raise ValueError(
            f"the forecaster must return one value per window, shape ({len(X)}, 1), got "
            f"{forecast.shape}. Use a one-step forecaster (horizon 1, one output)."
        )
    errors = np.full(len(x), np.nan)
    errors[T:] = x[T:] - forecast.reshape(-1).astype(np.float64)  # window j forecasts step j+T
    return errors


def abs_zscore(values: ArrayLike, fit: Part) -> np.ndarray:
    """|values - mean| / standard deviation, both taken from values[fit] only (the training part).

    NaN stays NaN (a step without a score). The fit part must be finite and not constant.
    Shape: values (N,) -> (N,).
    """
    v = series_1d("values", values, allow_nan=True)
    start, stop = check_part(fit, len(v), "fit")
    ref = v[start:stop]
    no_nan_in("values in the fit part", ref, start)
    sd = float(ref.std())
    if len(ref) < 2 or sd == 0.0:
        raise ValueError(
            f"the fit part ({start}, {stop}) needs at least two different values to give a "
            f"standard deviation, got {len(ref)} step(s) with standard deviation {sd:g}."
        )
    return np.abs(v - ref.mean()) / sd


def rolling_std(series: ArrayLike, window: int) -> np.ndarray:
    """Standard deviation of the last `window` values, step t included: how much the signal moves.

    The first window-1 steps have no full window: NaN.
    Shape: series (N,) -> (N,).
    """
    x = series_1d("series", series)
    w = _checks.positive_int("window", window)
    if w < 2 or w > len(x):
        raise ValueError(f"window must be between 2 and the series' length {len(x)}, got {w}.")
    out = np.full(len(x), np.nan)
    out[w - 1 :] = np.lib.stride_tricks.sliding_window_view(x, w).std(
        axis=1
    )  # (N-w+1, w) -> (N-w+1,)
    return out


def rolling_zscore(series: ArrayLike, window: int) -> np.ndarray:
    """|x[t] - mean| / std of the `window` values before t: how far a value is from its recent past.

    Where the window is constant, the score is 0 for an equal value and infinite otherwise.
    The first `window` steps have no full window before them: NaN.
    Shape: series (N,) -> (N,).
    """
    x = series_1d("series", series)
    w = _checks.positive_int("window", window)
    if w < 2 or w >= len(x):
        raise ValueError(f"window must be between 2 and {len(x) - 1} (N - 1), got {w}.")
    past = np.lib.stride_tricks.sliding_window_view(x[:-1], w)  # (N-w, w): the w steps before t
    dev = np.abs(x[w:] - past.mean(axis=1))
    sd = past.std(axis=1)
    out = np.full(len(x), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[w:] = np.where(sd > 0, dev / np.where(sd > 0, sd, 1.0), np.where(dev > 0, np.inf, 0.0))
    return out


def alarm_threshold(
    score: ArrayLike, part: Part, q: float = 1.0, *, labels: ArrayLike | None = None
) -> float:
    """The threshold from normal data: the largest score in `part` (q=1), or its q-quantile.

    `part` should be normal validation data. The labels, when given, are only checked: a
    part that holds a labelled anomaly is refused, since a threshold set there is tuned on
    the answers. Every score in the part must be a number (no NaN).
    Shape: score (N,), labels (N,) -> a float.
    """
    s = series_1d("score", score, allow_nan=True)
    start, stop = check_part(part, len(s))
    ref = s[start:stop]
    no_nan_in("score", ref, start)
    if isinstance(q, bool) or not isinstance(q, (int, float)) or not 0.0 < q <= 1.0:
        raise ValueError(
            f"q must be a quantile in (0, 1], got {q!r}: 1.0 is the largest score, 0.99 "
            "the 99th percentile (not 99)."
        )
    if labels is not None:
        lab = as_numpy(labels)
        if lab.shape != s.shape:
            raise ValueError(
                f"labels must line up with the score, one per step: got {lab.shape} labels "
                f"for {s.shape} scores."
            )
        bad = np.flatnonzero(lab[start:stop] != 0)
        if len(bad):
            raise ValueError(
                f"the part ({start}, {stop}) holds {len(bad)} labelled anomalous step(s), the "
                f"first at step {start + int(bad[0])}: a threshold set there is tuned on the "
                "answers. Take it from normal data only, such as the validation part."
            )
    return float(ref.max() if q == 1.0 else np.quantile(ref, q))


def detect(score: ArrayLike, threshold: float) -> np.ndarray:
    """Alarms: True where the score is above the threshold. Refuses NaN scores.

    `score > threshold` alone would quietly call a NaN step normal; here it is an error.
    Shape: score (N,) -> (N,) bool.
    """
    s = series_1d("score", score, allow_nan=True)
    no_nan_in("score", s)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.number)):
        raise ValueError(f"threshold must be a number, got {threshold!r}.")
    if np.isnan(threshold):
        raise ValueError("threshold is NaN: every comparison with it would be False.")
    return s > threshold
