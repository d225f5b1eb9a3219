"""Scaling fitted on the training part only, so no statistic of the test set leaks into training.

    scaler = fit_scaler(series[:n_train])        # statistics of the training part only
    scaled = scaler.transform(series)            # apply the same map everywhere
    pred = scaler.inverse_transform(pred_scaled) # back to the data's units

A scaler fitted on the whole series tells the model where the test values lie (with
min-max scaling they land inside [0, 1] by construction); one fitted on the training part
leaves them where they are, outside [0, 1] if the series grows. Whether that leak changes a
forecast depends on what can use it: a model with a linear output can absorb any affine change
of units, while for `BoundedOutput` (a sigmoid on the output, a natural choice for data scaled
to [0, 1]) the scaler decides where the training data sit on the sigmoid: up to 1, where it
is flat, or below, where it is still steep. There the leak changes results.

Shape legend: N points, F features; statistics are per feature (the last axis).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from lstm_helpers._checks import ArrayLike, Hidden, as_numpy

KINDS = ("standard", "minmax")


@dataclass(frozen=True)
class Scaler:
    """An affine map (x - center) / scale per feature, with its inverse.

    kind "standard": center = mean, scale = standard deviation (population, ddof=0).
    kind "minmax": center = minimum, scale = maximum - minimum, so training data maps to [0, 1].
    """

    kind: str
    center: tuple[float, ...]  # one entry per feature
    scale: tuple[float, ...]

    def _stats(self, x: ArrayLike, column: int | None) -> tuple:
        center, scale = np.asarray(self.center), np.asarray(self.scale)
        if column is not None:
            if not 0 <= column < len(center):
                raise ValueError(f"column must index a feature 0..{len(center) - 1}, got {column}.")
            center, scale = center[column : column + 1], scale[column : column + 1]
        if isinstance(x, torch.Tensor):
            dtype = x.dtype if x.is_floating_point() else torch.float32
            return (
                torch.as_tensor(center, dtype=dtype, device=x.device),
                torch.as_tensor(scale, dtype=dtype, device=x.device),
            )
        return center, scale

    def transform(self, x: ArrayLike, column: int | None = None) -> ArrayLike:
        """Scale values; `column` picks one feature's statistics (e.g. for a target column).

        Shape: (..., F) with F features (or (N,) for one feature) -> the same shape and type.
        """
        center, scale = self._stats(x, column)
        return (x - center) / scale

    def inverse_transform(self, x: ArrayLike, column: int | None = None) -> ArrayLike:
        """Undo `transform`: back to the data's units (e.g. model predictions of column 0).

        Shape: the same shape and type as given.
        """
        center, scale = self._stats(x, column)
        return x * scale + center


def fit_scaler(train_series: ArrayLike, kind: str = "standard") -> Scaler:
    """Fit a Scaler on the training part of a series (pass only that part!).

    Raises ValueError on NaN or infinite values and on a constant feature (nothing to scale by).
    Shape: train_series (N,) or (N, F) -> statistics with F entries.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}.")
    arr = as_numpy(train_series, np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]  # (N,) -> (N, 1)
    if arr.ndim != 2 or len(arr) == 0:
        raise ValueError(
            f"train_series must be a non-empty (N,) or (N, features) array, got shape {arr.shape}."
        )
    if not np.isfinite(arr).all():
        bad = int((~np.isfinite(arr)).sum())
        raise ValueError(
            f"train_series holds {bad} NaN or infinite values: fill or drop them before fitting "
            "a scaler (the statistics would be NaN)."
        )
    if kind == "standard":
        center, scale = arr.mean(axis=0), arr.std(axis=0)
    else:
        center, scale = arr.min(axis=0), arr.max(axis=0) - arr.min(axis=0)
    # Relative threshold: a feature whose spread is rounding noise counts as constant.
    constant = scale <= 1e-12 * np.maximum(np.abs(center), 1.0)
    if constant.any():
        cols = [int(i) for i in np.flatnonzero(constant)]
        raise ValueError(
            f"train_series is constant in feature(s) {cols} (spread {scale[constant][0]:.3g}): "
            "scaling would divide by zero. Drop constant features or use a longer training part."
        )
    return Scaler(
        kind=kind,
        center=tuple(float(c) for c in center),
        scale=tuple(float(s) for s in scale),
    )


class BoundedOutput(nn.Module):
    """A one-step model whose output passes through a sigmoid: always inside (0, 1).

    That is the range min-max scaling gives the training data, so it looks natural; but in
    data units the model can then never forecast above the scaler's maximum, and training
    data that reach 1 sit where the sigmoid is flat. It keeps the
    wrapped model's `config`, so rollouts and `ScaledForecaster` accept it.
    """

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model
        self.config = model.config

    def forward(self, x: torch.Tensor, hidden: Hidden | None = None) -> tuple[torch.Tensor, Hidden]:
        """The wrapped model's output squashed into (0, 1), and its state.

        Shape: x (B, T, F) -> (B, O), state as the wrapped model's.
        """
        y, hidden = self.model(x, hidden)  # (B, T, F) -> (B, O)
        return torch.sigmoid(y), hidden
