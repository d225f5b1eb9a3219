"""Predictions and error metrics on held-out data.

Shape legend: M windows, B batch, T time steps, F features, O outputs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn
from torch.utils.data import DataLoader


@dataclass(frozen=True)
class Metrics:
    """Mean squared error, its root, and mean absolute error."""

    mse: float
    rmse: float
    mae: float

    def __str__(self) -> str:
        # 3 significant digits: stable across machines and thread counts.
        return f"MSE {self.mse:.3g} | RMSE {self.rmse:.3g} | MAE {self.mae:.3g}"


def regression_metrics(y_pred: torch.Tensor, y_true: torch.Tensor) -> Metrics:
    """MSE, RMSE and MAE of predictions against targets of the same shape.

    Shape: y_pred and y_true (M, O), equal.
    """
    y_pred, y_true = torch.as_tensor(y_pred), torch.as_tensor(y_true)
    if y_pred.shape != y_true.shape:
        raise ValueError(
            f"predictions and targets must have the same shape, got {tuple(y_pred.shape)} and "
            f"{tuple(y_true.shape)}. Comparing (B,) with (B, 1) would broadcast to (B, B)."
        )
    err = (y_pred.double() - y_true.double()).flatten()
    mse = float((err**2).mean())
    return Metrics(mse=mse, rmse=math.sqrt(mse), mae=float(err.abs().mean()))


@torch.no_grad()
def predict(
    model: nn.Module, data: torch.Tensor | DataLoader, batch_size: int = 1024
) -> torch.Tensor:
    """Predictions in eval mode (dropout off) without gradients, on the CPU.

    The model's train/eval mode is restored afterwards.
    Shape: data (M, T, F) or a loader of (B, T, F) batches -> (M, O).
    """
    was_training = model.training
    model.eval()  # dropout off: predictions are deterministic
    device = next(model.parameters()).device
    batches = data if isinstance(data, DataLoader) else torch.as_tensor(data).split(batch_size)
    try:
        outputs = []
        for batch in batches:
            x = batch[0] if isinstance(batch, (list, tuple)) else batch
            pred, _ = model(x.to(device))  # (B, T, F) -> (B, O)
            outputs.append(pred.cpu())
        return torch.cat(outputs)
    finally:
        model.train(was_training)


def targets(loader: DataLoader) -> torch.Tensor:
    """All targets of a loader, in its order.

    Shape: batches of y (B, O) -> (M, O).
    """
    return torch.cat([yb for _, yb in loader])


def evaluate(model: nn.Module, loader: DataLoader) -> Metrics:
    """Metrics of a model on every window of a (not shuffled) loader."""
    return regression_metrics(predict(model, loader), targets(loader))
