"""Baselines every forecaster must beat: persistence, seasonal naive, linear autoregression,
and a small MLP on the last values of a window (nonlinear, but without memory).

Each baseline reads the same windows as the LSTM and returns predictions shaped like a
model's output, so `regression_metrics(baseline(X), y)` compares them on equal terms.
A `horizon` K > 1 gives multi-step forecasts: persistence stays flat, the seasonal naive
repeats the last season, AR(k) is iterated on its own predictions. `WindowMLP` is trained
like the LSTM (`fit`, `predict`) and tells "the rule is nonlinear" apart from "the rule
needs memory": it reads a fixed number of past values and carries no state.

Shape legend: M windows, B batch, T steps per window, F features, K steps predicted
(horizon), O outputs. Predictions of the fitted baselines are float64 NumPy arrays (M, K).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from lstm_helpers import _checks
from lstm_helpers._checks import ArrayLike, as_numpy


def _windows(X: ArrayLike, target: int = 0) -> np.ndarray:
    """The target column of windows as float64. Shape: (M, T, F) or (M, T) -> (M, T)."""
    arr = as_numpy(X)
    if arr.ndim == 2:
        arr = arr[:, :, None]  # (M, T) -> (M, T, 1)
    if arr.ndim != 3:
        raise ValueError(
            f"X must be windows of shape (windows, seq_length, features), got shape {arr.shape}."
        )
    if not 0 <= target < arr.shape[2]:
        raise ValueError(f"target must index a feature column 0..{arr.shape[2] - 1}, got {target}.")
    return arr[:, :, target].astype(np.float64)


def persistence(X: ArrayLike, horizon: int = 1, target: int = 0) -> np.ndarray:
    """Predict that the last value of each window stays: x[T+k] = x[T-1] for every k.

    Shape: X (M, T, F) -> (M, K).
    """
    _checks.positive_int("horizon", horizon)
    last = _windows(X, target)[:, -1:]  # (M, T) -> (M, 1)
    return np.repeat(last, horizon, axis=1)  # (M, 1) -> (M, K)


def seasonal_naive(X: ArrayLike, season: int, horizon: int = 1, target: int = 0) -> np.ndarray:
    """Predict the value one season earlier: x[T+k] = x[T+k-season], repeating the last season.

    Needs windows of at least `season` steps. Shape: X (M, T, F) -> (M, K).
    """
    _checks.positive_int("season", season, "It is the period in steps, e.g. 12 for monthly data.")
    _checks.positive_int("horizon", horizon)
    x = _windows(X, target)
    if x.shape[1] < season:
        raise ValueError(
            f"seasonal_naive needs windows of at least one season ({season} steps), got "
            f"seq_length={x.shape[1]}. Use longer windows."
        )
    last_season = x[:, -season:]  # (M, T) -> (M, S)
    return last_season[:, np.arange(horizon) % season]  # (M, S) -> (M, K)


@dataclass(frozen=True)
class ARModel:
    """Linear autoregression x[t] = intercept + sum_j coef[j] * x[t-order+j], fitted by least squares.

    `coef` runs oldest lag first, in the order the values appear in a window:
    coef[-1] multiplies x[t-1], coef[-2] x[t-2], and so on.
    """

    coef: tuple[float, ...]
    intercept: float
    target: int = 0

    @property
    def order(self) -> int:
        return len(self.coef)

    def predict(self, X: ArrayLike, horizon: int = 1) -> np.ndarray:
        """One-step (K=1) or iterated multi-step forecasts from the last `order` values of each window.

        Each prediction is appended to the inputs of the next step, as an autoregressive
        forecast must be: from step 2 on, the model reads its own outputs.
        Shape: X (M, T, F) -> (M, K).
        """
        _checks.positive_int("horizon", horizon)
        x = _windows(X, self.target)
        if x.shape[1] < self.order:
            raise ValueError(
                f"AR({self.order}) needs windows of at least {self.order} steps, got "
                f"seq_length={x.shape[1]}."
            )
        coef = np.asarray(self.coef)
        lags = x[:, -self.order :]  # (M, T) -> (M, k)
        out = np.empty((len(x), horizon))
        for step in range(horizon):
            out[:, step] = self.intercept + lags @ coef  # (M, k) @ (k,) -> (M,)
            lags = np.concatenate([lags[:, 1:], out[:, step : step + 1]], axis=1)  # slide by one
        return out


def fit_ar(
    X: ArrayLike, y: ArrayLike, order: int, intercept: bool = True, target: int = 0
) -> ARModel:
    """Fit AR(order) by least squares (float64) on training windows and their next values.

    Only the last `order` values of each window and the first target column (the next
    value) are used, so pass the *training* windows only: the fit must not see the test set.
    Shape: X (M, T, F), y (M, K) or (M,) -> an ARModel.
    """
    _checks.positive_int("order", order, "It is the number of past values the model reads.")
    x = _windows(X, target)
    if x.shape[1] < order:
        raise ValueError(
            f"AR({order}) needs windows of at least {order} steps, got seq_length={x.shape[1]}. "
            "Use a smaller order or longer windows."
        )
    t = as_numpy(y)
    t = t.reshape(len(t), -1)[:, 0].astype(np.float64)  # (M, K) -> (M,): the next value
    if len(t) != len(x):
        raise ValueError(
            f"X and y must hold the same number of windows, got {len(x)} and {len(t)}."
        )
    n_params = order + int(intercept)
    if len(x) < n_params:
        raise ValueError(
            f"AR({order}) has {n_params} parameters but only {len(x)} training windows were given."
        )
    _checks.finite("X", x)
    _checks.finite("y", t)
    design = x[:, -order:]  # (M, k)
    if intercept:
        design = np.concatenate([design, np.ones((len(x), 1))], axis=1)  # (M, k) -> (M, k+1)
    solution, *_ = np.linalg.lstsq(design, t, rcond=None)
    coef = solution[:order]
    return ARModel(
        coef=tuple(float(c) for c in coef),
        intercept=float(solution[order]) if intercept else 0.0,
        target=target,
    )


@dataclass(frozen=True)
class MLPConfig:
    """Architecture of a `WindowMLP`: how many past values it reads and how wide it is."""

    lags: int = 1  # k: the last k steps of each window are read, older ones ignored
    hidden_size: int = 32
    num_layers: int = 2  # hidden layers, each Linear + ReLU
    input_size: int = 1  # F: features per time step
    output_size: int = 1

    def __post_init__(self) -> None:
        for name in ("lags", "hidden_size", "num_layers", "input_size", "output_size"):
            _checks.positive_int(name, getattr(self, name))


class WindowMLP(nn.Module):
    """A non-recurrent baseline: a small ReLU MLP on the last `lags` values of each window.

    It sees the last k values at once and keeps no state, so a series it forecasts as well
    as an LSTM needs a nonlinear rule, not memory. ReLU layers are piecewise linear, which
    suits rules with kinks and jumps. Same interface as the recurrent predictors,
    `forward(x, hidden=None) -> (y, None)`, so `fit`, `predict` and `rollout_window` use it.
    """

    def __init__(
        self,
        lags: int = 1,
        hidden_size: int = 32,
        num_layers: int = 2,
        input_size: int = 1,
        output_size: int = 1,
    ) -> None:
        super().__init__()
        self.config = MLPConfig(lags, hidden_size, num_layers, input_size, output_size)
        layers: list[nn.Module] = []
        width = lags * input_size
        for _ in range(num_layers):
            layers += [nn.Linear(width, hidden_size), nn.ReLU()]
            width = hidden_size
        layers.append(nn.Linear(width, output_size))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor, hidden: None = None) -> tuple[torch.Tensor, None]:
        """Predict from the last `lags` steps of each window; there is no state to return.

        Shape: x (B, T, F) with T >= lags -> predictions (B, O), None.
        """
        cfg = self.config
        if hidden is not None:
            raise ValueError(
                "WindowMLP keeps no state between calls, so it cannot take a hidden state. "
                "To forecast several steps, re-read a window: lh.rollout_window(model, X, K, "
                "window=T)."
            )
        if x.dim() != 3 or x.shape[2] != cfg.input_size or x.shape[1] < cfg.lags:
            raise ValueError(
                f"expected windows of shape (batch, seq_length >= {cfg.lags}, {cfg.input_size}) "
                f"for an MLP on the last {cfg.lags} values, got {tuple(x.shape)}. Use "
                "x.unsqueeze(-1) for a missing feature axis, or longer windows."
            )
        last = x[:, -cfg.lags :, :].flatten(1)  # (B, T, F) -> (B, k, F) -> (B, k * F)
        return self.net(last), None  # (B, k * F) -> (B, O)
