"""Predictions and error metrics on held-out data.

`evaluate` reads a loader once and scores each batch's predictions against that same batch's
targets, so it is right even on a shuffled loader. `predict` and `targets` each read a loader
in its own pass, so they refuse a shuffled one: the two passes would come in different orders.
`autocorrelation` asks whether the errors that are left could still be predicted: a model
that has learnt all it can leaves residuals that look like the noise, uncorrelated in time.
`saved_tensor_bytes` counts what a forward pass outside `torch.no_grad()` keeps for a backward.

Shape legend: M windows, B batch, T time steps, F features, O outputs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, SequentialSampler

from lstm_helpers import _checks
from lstm_helpers._checks import ArrayLike, as_numpy
from lstm_helpers.batches import call_model, split_batch
from lstm_helpers.runtime import eval_mode, model_device


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

    Shape: y_pred and y_true (M, O), equal, M >= 1.
    """
    y_pred, y_true = torch.as_tensor(y_pred), torch.as_tensor(y_true)
    if y_pred.shape != y_true.shape:
        raise ValueError(
            f"predictions and targets must have the same shape, got {tuple(y_pred.shape)} and "
            f"{tuple(y_true.shape)}. Comparing (B,) with (B, 1) would broadcast to (B, B)."
        )
    if y_true.numel() == 0:
        raise ValueError(
            f"no predictions to score: got empty tensors of shape {tuple(y_true.shape)}. "
            "Is the data split or the loader empty? Check the fractions of lh.time_split."
        )
    err = (y_pred.double() - y_true.double()).flatten()
    mse = float((err**2).mean())
    return Metrics(mse=mse, rmse=math.sqrt(mse), mae=float(err.abs().mean()))


def check_ordered(loader: DataLoader, what: str) -> None:
    """Raise ValueError unless `loader` yields its windows in a fixed order (not shuffled).

    Shape: none.
    """
    if not isinstance(loader.sampler, SequentialSampler):
        raise ValueError(
            f"{what} needs a loader that yields its windows in a fixed order, got one with a "
            f"{type(loader.sampler).__name__} (shuffle=True?): two passes over it come in "
            "different orders, so predictions and targets would not line up. Use an unshuffled "
            "loader (make_loader(..., shuffle=False), e.g. data.test_loader), pass the windows "
            "X directly, or call lh.evaluate, which scores each batch against its own targets."
        )


@torch.no_grad()
def predict(
    model: nn.Module,
    data: torch.Tensor | DataLoader,
    batch_size: int = 1024,
    lengths: torch.Tensor | None = None,
) -> torch.Tensor:
    """Predictions in eval mode (dropout off) without gradients, on the CPU, in input order.

    The model's train/eval mode is restored afterwards. A loader must not be shuffled.
    `lengths` (padded sequences) are passed to the model as `lengths=`; a loader of
    (x, lengths, y) batches passes its own.
    Shape: data (M, T, F) (lengths (M,) or None) or an unshuffled loader -> (M, O).
    """
    if isinstance(data, DataLoader):
        check_ordered(data, "predict")
        if lengths is not None:
            raise ValueError("a loader brings its own lengths: pass lengths only with tensors.")
        batches = (_inputs(b) for b in data)
    else:
        data = torch.as_tensor(data)
        if lengths is None:
            batches = ((x, None) for x in data.split(batch_size))
        else:
            lengths = torch.as_tensor(lengths)
            if lengths.shape != (len(data),):
                raise ValueError(
                    f"lengths must hold one length per sequence, shape ({len(data)},), got "
                    f"{tuple(lengths.shape)}."
                )
            batches = zip(data.split(batch_size), lengths.split(batch_size), strict=True)
    device = model_device(model)
    with eval_mode(model):  # dropout off: predictions are deterministic
        outputs = [
            call_model(model, x.to(device), n)[0].cpu()  # (B, T, F) -> (B, O)
            for x, n in batches
        ]
    if not outputs:
        raise ValueError("no windows to predict: the data or the loader is empty.")
    return torch.cat(outputs)


def saved_tensor_bytes(model: nn.Module, x: torch.Tensor) -> int:
    """Bytes of the tensors autograd saves for backward() during one forward pass of `model`.

    Counted with `torch.autograd.graph.saved_tensors_hooks` as each operation saves them (a
    tensor saved twice counts twice): the gates and states a backward() would need, kept for
    as long as the output is. Under `torch.no_grad()` nothing is saved: 0. The model runs in
    the mode it is in; its output is dropped.
    Shape: x (B, T, F); returns a count of bytes.
    """
    sizes: list[int] = []

    def pack(t: torch.Tensor) -> torch.Tensor:
        sizes.append(t.numel() * t.element_size())
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        call_model(model, torch.as_tensor(x).to(model_device(model)), None)
    return sum(sizes)


def _inputs(batch: object) -> tuple[torch.Tensor, torch.Tensor | None]:
    """x and lengths of a batch: x alone, (x,), (x, y) or (x, lengths, y)."""
    if not isinstance(batch, (list, tuple)):
        return batch, None
    if len(batch) == 1:
        return batch[0], None
    x, lengths, _ = split_batch(batch)
    return x, lengths


def targets(loader: DataLoader) -> torch.Tensor:
    """All targets of an unshuffled loader, in its order.

    Shape: batches of y (B, O) -> (M, O).
    """
    check_ordered(loader, "targets")
    parts = [split_batch(batch)[2] for batch in loader]
    if not parts:
        raise ValueError("no targets: the loader is empty.")
    return torch.cat(parts)


@torch.no_grad()
def evaluate(model: nn.Module, loader: DataLoader) -> Metrics:
    """Metrics of a model on every window of a loader, read in one pass (eval mode).

    Each batch's predictions are compared with that batch's own targets, so the result is the
    same whether or not the loader shuffles.
    Shape: loader batches x (B, T, F), y (B, O) -> Metrics over all M windows.
    """
    device = model_device(model)
    preds, trues = [], []
    with eval_mode(model):
        for batch in loader:
            xb, lengths, yb = split_batch(batch)  # lengths: None unless padded sequences
            preds.append(call_model(model, xb.to(device), lengths)[0].cpu())  # -> (B, O)
            trues.append(yb)
    if not preds:
        raise ValueError("no windows to evaluate: the loader is empty.")
    return regression_metrics(torch.cat(preds), torch.cat(trues))


def autocorrelation(residuals: ArrayLike, max_lag: int = 20) -> np.ndarray:
    """Autocorrelation of residuals (in time order) at lags 1..max_lag: do errors predict later ones.

    r_k = sum_t (e_t - m)(e_{t+k} - m) / sum_t (e_t - m)^2, with m the mean error. For
    independent noise of n values, about 19 in 20 of the r_k lie within ±2/√n; more of them
    outside means the errors still hold a pattern that a model could learn.
    Shape: residuals (M,) or (M, 1), M > max_lag + 1, in time order -> (max_lag,) float64.
    """
    e = as_numpy(residuals, np.float64)
    if e.ndim == 2 and e.shape[1] == 1:
        e = e[:, 0]  # (M, 1) -> (M,)
    if e.ndim != 1:
        raise ValueError(
            f"residuals must be one error per window in time order, (M,) or (M, 1), got shape "
            f"{e.shape}. For multi-step errors (M, K), pass one step ahead at a time: e[:, k]."
        )
    max_lag = _checks.positive_int("max_lag", max_lag, "It is the largest lag, in windows.")
    if len(e) < max_lag + 2:
        raise ValueError(
            f"max_lag must be below len(residuals) - 1 = {len(e) - 1}, got {max_lag} for "
            f"{len(e)} residuals. Use a smaller max_lag or more windows."
        )
    e = e - e.mean()
    total = float(e @ e)
    if not math.isfinite(total) or total == 0.0:
        raise ValueError(
            "the residuals are all equal (or not finite), so their autocorrelation is undefined: "
            "check that predictions and targets differ and hold no NaN."
        )
    return np.array([float(e[:-k] @ e[k:]) / total for k in range(1, max_lag + 1)])
