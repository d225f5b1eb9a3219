"""Multi-step forecasts: feed each prediction back in, and measure error by horizon.

Three ways to forecast K steps with a one-step model:

- `rollout_stateful`: read the history once, then feed each prediction back in while
  carrying the LSTM state (h, c) forward: every new step costs ONE recurrent step.
- `rollout_window(..., window=None)`: append each prediction and re-read the WHOLE history
  from a zero state at every step. The same numbers as the stateful rollout (the state
  after reading a sequence does not depend on how it was chunked), at far more steps.
- `rollout_window(..., window=T)`: re-read only the last T values (a sliding window), as
  the model saw in training. NOT the same model input as the two above: the carried state
  has seen the whole history, the window only its last T values, so the forecasts differ.

A direct multi-output model (`LSTMPredictor(output_size=K)` trained on
`make_windows(series, T, horizon=K)`) is the alternative: all K values in one pass, no
feeding back. Baselines forecast K steps with their own `horizon` argument
(`baseline_forecasts` runs them all). `forecast_windows` picks the windows whose K targets
lie in a period (the test part), `error_by_horizon` scores each step ahead separately and
`compare_forecasts` puts several forecasters side by side against one or more target sets,
`horizon_table` prints errors at a few steps ahead, over seeds.
`ScaledForecaster` turns a one-step model trained on scaled values, or on scaled changes
(differences), into forecasts in the data's own units.

Shape legend: B sequences (windows), T0 history length, T window length, F features,
K steps ahead (horizon).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from lstm_helpers import _checks
from lstm_helpers._checks import ArrayLike, as_numpy
from lstm_helpers.baselines import ARModel, _windows, fit_ar, persistence, seasonal_naive
from lstm_helpers.data import make_windows
from lstm_helpers.evaluation import regression_metrics
from lstm_helpers.runtime import eval_mode, model_device
from lstm_helpers.scaling import Scaler

METRICS = ("mse", "rmse", "mae")


@dataclass(frozen=True)
class Rollout:
    """A multi-step forecast and what it cost."""

    predictions: torch.Tensor  # (B, K) float32 on the CPU
    lstm_steps: int  # time steps run through the recurrent layers, per sequence
    seconds: float  # wall-clock time of the rollout


def _history(model: nn.Module, history: ArrayLike) -> torch.Tensor:
    """Check the model can read its own outputs; return the history as (B, T0, 1) on its device."""
    config = getattr(model, "config", None)
    if config is None or config.input_size != 1 or config.output_size != 1:
        raise ValueError(
            "an autoregressive rollout feeds each prediction back as the next input, so the model "
            "needs input_size=1 and output_size=1, got "
            f"{None if config is None else (config.input_size, config.output_size)}. For K "
            "outputs at once, use the direct model's predictions (lh.predict) instead."
        )
    return _checks.history(history).to(model_device(model))  # (B, T0, 1)


@torch.no_grad()
def rollout_stateful(model: nn.Module, history: ArrayLike, horizon: int) -> Rollout:
    """Forecast `horizon` steps, carrying (h, c) forward: one recurrent step per new value.

    The history is read once (T0 steps); then each prediction is fed in as a length-1
    sequence together with the state left by the previous step. In eval mode (no dropout).
    Shape: history (T0,), (B, T0) or (B, T0, 1) -> predictions (B, K); T0 + K - 1 steps.
    """
    _checks.positive_int("horizon", horizon)
    x = _history(model, history)
    with eval_mode(model):
        start = time.perf_counter()
        pred, hidden = model(x)  # read the history: (B, T0, 1) -> (B, 1), state (L, B, H)
        outputs, steps = [pred], x.size(1)
        for _ in range(horizon - 1):
            pred, hidden = model(pred[:, None, :], hidden)  # (B, 1) -> (B, 1, 1) -> (B, 1)
            outputs.append(pred)
            steps += 1
        predictions = torch.cat(outputs, dim=1).cpu()  # K x (B, 1) -> (B, K)
    return Rollout(predictions, steps, time.perf_counter() - start)


@torch.no_grad()
def rollout_window(
    model: nn.Module, history: ArrayLike, horizon: int, window: int | None = None
) -> Rollout:
    """Forecast `horizon` steps, re-reading the inputs from a zero state at every step.

    `window=None` re-reads the whole history plus the predictions so far (growing input,
    equal to `rollout_stateful`); `window=T` re-reads only the last T values (sliding).
    Shape: history (T0,), (B, T0) or (B, T0, 1) -> predictions (B, K).
    """
    _checks.positive_int("horizon", horizon)
    if window is not None:
        _checks.positive_int("window", window, "It is the number of values re-read per step.")
    x = _history(model, history)
    with eval_mode(model):
        start = time.perf_counter()
        seq = x if window is None else x[:, -window:]  # (B, T0, 1) -> (B, T, 1)
        outputs, steps = [], 0
        for _ in range(horizon):
            pred, _ = model(seq)  # (B, T, 1) -> (B, 1), from a zero state
            steps += seq.size(1)
            outputs.append(pred)
            seq = torch.cat([seq, pred[:, None, :]], dim=1)  # append: (B, T, 1) -> (B, T+1, 1)
            if window is not None:
                seq = seq[:, -window:]  # drop the oldest value: back to (B, T, 1)
        predictions = torch.cat(outputs, dim=1).cpu()  # K x (B, 1) -> (B, K)
    return Rollout(predictions, steps, time.perf_counter() - start)


def forecast_windows(
    series: ArrayLike,
    seq_length: int,
    horizon: int,
    start: int = 0,
    stop: int | None = None,
    dtype: npt.DTypeLike = np.float64,
) -> tuple[np.ndarray, np.ndarray]:
    """Windows whose `horizon` target values all lie in series[start:stop], with those targets.

    The inputs may reach back before `start` (they are known history at the forecast
    origin); only the predicted values must fall inside the period, so a test period
    [start, stop) is scored on test values alone. One window per forecast origin.
    Use `dtype=np.float32` to feed the windows to a model directly.
    Shape: series (N,) or (N, F) -> X (M, T, F), y (M, K).
    """
    X, y = make_windows(series, seq_length, horizon, dtype=dtype)
    stop = len(np.asarray(series)) if stop is None else stop
    first = np.arange(len(X)) + seq_length  # index of each window's first target
    keep = (first >= start) & (first + horizon <= stop)
    if not keep.any():
        raise ValueError(
            f"no window of {seq_length} inputs has all {horizon} targets in [{start}, {stop}): "
            "use a longer period or a shorter horizon."
        )
    return X[keep], y[keep]


def baseline_forecasts(
    X: ArrayLike,
    horizon: int,
    train: tuple[ArrayLike, ArrayLike],
    ar_orders: tuple[int, ...] = (2,),
    season: int | None = None,
) -> dict[str, np.ndarray]:
    """K-step forecasts of the baselines for windows X: persistence, seasonal naive, AR(k).

    AR models are fitted on the `train` windows and targets only, then iterated K steps.
    The seasonal naive is included when `season` is given.
    Shape: X (M, T, F), train (M_train, T, F) and (M_train, K') -> {name: (M, K)}.
    """
    out = {"persistence": persistence(X, horizon)}
    if season is not None:
        out[f"seasonal naive ({season})"] = seasonal_naive(X, season, horizon)
    for order in ar_orders:
        out[f"AR({order})"] = fit_ar(*train, order).predict(X, horizon)
    return out


def error_by_horizon(y_pred: ArrayLike, y_true: ArrayLike, metric: str = "rmse") -> np.ndarray:
    """Error at each step ahead, averaged over windows: entry k is the error k+1 steps ahead.

    Shape: y_pred and y_true (M, K), equal -> (K,) float64.
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}.")
    p, t = as_numpy(y_pred), as_numpy(y_true)
    if p.shape != t.shape or p.ndim != 2:
        raise ValueError(
            f"predictions and targets must both be (windows, horizon), got {p.shape} and {t.shape}."
        )
    if len(t) == 0:
        raise ValueError("no windows to score: predictions and targets are empty.")
    err = p.astype(np.float64) - t.astype(np.float64)  # (M, K)
    if metric == "mae":
        return np.abs(err).mean(axis=0)
    mse = (err**2).mean(axis=0)  # (M, K) -> (K,)
    return mse if metric == "mse" else np.sqrt(mse)


def horizon_table(
    errors: Mapping[str, ArrayLike], steps: tuple[int, ...] = (1, 10, 25, 50), metric: str = "MSE"
) -> str:
    """A table of errors at chosen steps ahead, one line per forecaster; seeds as a range.

    Each value is an `error_by_horizon` curve, or several (one per seed) stacked: a cell then
    reads "lowest-highest" over them. Steps count from 1. Values print with 2 significant digits.
    Shape: each value (K,) or (S, K) with K >= max(steps) -> str.
    """
    rows = {name: np.atleast_2d(as_numpy(e, np.float64)) for name, e in errors.items()}  # (S, K)
    if not rows:
        raise ValueError("give at least one forecaster's errors.")
    for name, e in rows.items():
        if e.ndim != 2 or any(not 1 <= k <= e.shape[1] for k in steps):
            raise ValueError(f"{name}: errors of shape {e.shape} have no step in {steps}.")
    title = f"{metric} k steps ahead (seeds: range)"
    first = max(len(title), *(len(name) for name in rows))

    def cell(e: np.ndarray, k: int) -> str:  # e (S, K): "lowest-highest" at step k over seeds
        low, high = e[:, k - 1].min(), e[:, k - 1].max()
        return f"{low:.2g}" if len(e) == 1 else f"{low:.2g}-{high:.2g}"

    cells = {name: [cell(e, k) for k in steps] for name, e in rows.items()}
    width = max(len(c) for row in cells.values() for c in row) + 1
    lines = [f"{title:{first}s}" + "".join(f"k={k}".rjust(width) for k in steps)]
    for name, row in cells.items():
        lines.append(f"{name:{first}s}" + "".join(c.rjust(width) for c in row))
    return "\n".join(lines)


@dataclass(frozen=True)
class ForecastTable:
    """Errors of several forecasters against one or more sets of targets; prints as a table."""

    metric: str  # "mse", "rmse" or "mae"
    scores: dict[str, dict[str, float]]  # forecaster -> target set -> error

    def __getitem__(self, name: str) -> dict[str, float]:
        return self.scores[name]

    def __str__(self) -> str:
        # 3 significant digits: stable across machines and thread counts.
        columns = list(next(iter(self.scores.values())))
        heads = [f"{self.metric.upper()} vs {c}" for c in columns]
        first = max(len(name) for name in self.scores)
        lines = [" " * first + "".join(f"  {h:>9s}" for h in heads)]
        for name, row in self.scores.items():
            cells = "".join(
                f"  {row[c]:>{max(len(h), 9)}.3g}" for c, h in zip(columns, heads, strict=True)
            )
            lines.append(f"{name:{first}s}{cells}")
        return "\n".join(lines)


def compare_forecasts(
    forecasts: Mapping[str, ArrayLike], targets: Mapping[str, ArrayLike], metric: str = "mse"
) -> ForecastTable:
    """Score every forecast against every set of targets (e.g. noisy targets and the clean signal).

    Shape: each forecast and each target set (M, K), all equal -> a table of floats.
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}.")
    if not forecasts or not targets:
        raise ValueError("give at least one forecast and one set of targets.")
    scores = {
        name: {
            label: getattr(
                regression_metrics(as_numpy(pred, np.float64), as_numpy(true, np.float64)), metric
            )
            for label, true in targets.items()
        }
        for name, pred in forecasts.items()
    }
    return ForecastTable(metric=metric, scores=scores)


@dataclass(frozen=True)
class ScaledForecaster:
    """A one-step model trained on scaled values (or scaled changes) that forecasts in data units.

    `model` is a one-step network (input_size=output_size=1, rolled out with a sliding window
    as long as its input) or an `ARModel`; `scaler` is the one fitted on its training data.
    With `changes=False` the model reads and predicts scaled levels. With `changes=True` it
    reads the T-1 scaled changes of a window of T levels and predicts the next change; the
    forecast is then the window's last level plus the running sum of the predicted changes.
    """

    model: nn.Module | ARModel
    scaler: Scaler
    changes: bool = False

    def predict(self, X: ArrayLike, horizon: int = 1) -> np.ndarray:
        """Forecast `horizon` values after each window of levels, in the data's units.

        Shape: X (M, T, 1) or (M, T) levels -> (M, K) float64.
        """
        _checks.positive_int("horizon", horizon)
        levels = _windows(X)  # (M, T, 1) -> (M, T)
        inputs = np.diff(levels, axis=1) if self.changes else levels  # (M, T-1) or (M, T)
        if inputs.shape[1] == 0:
            raise ValueError("windows of changes need at least 2 levels per window, got 1.")
        z = self.scaler.transform(inputs)
        if isinstance(self.model, ARModel):
            pred = self.model.predict(z, horizon)  # (M, K), iterated on its own predictions
        else:
            rollout = rollout_window(self.model, z, horizon, window=z.shape[1])
            pred = rollout.predictions.numpy().astype(np.float64)  # (M, K)
        out = self.scaler.inverse_transform(pred)  # back to data units
        if self.changes:
            out = levels[:, -1:] + np.cumsum(out, axis=1)  # last level + running sum: (M, K)
        return out
