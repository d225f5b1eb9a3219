"""Plotting helpers: each takes `ax=None` (a new figure) and returns the Axes; none calls show()."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes

from lstm_helpers.training import History


def _axes(ax: Axes | None, figsize: tuple[float, float] = (8, 3)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def plot_series(series: np.ndarray, ax: Axes | None = None, title: str = "Series") -> Axes:
    """Line plot of a series against its index.

    Shape: series (N,).
    """
    ax = _axes(ax)
    ax.plot(np.asarray(series), lw=1)
    ax.set(title=title, xlabel="step", ylabel="value")
    return ax


def plot_window(
    x: np.ndarray | torch.Tensor, y: np.ndarray | torch.Tensor, ax: Axes | None = None
) -> Axes:
    """One input window and the value(s) it should predict.

    Shape: x (T,) or (T, 1); y (K,).
    """
    ax = _axes(ax)
    x = np.asarray(x).reshape(-1)  # (T, 1) -> (T,)
    y = np.asarray(y).reshape(-1)  # (K,)
    t = np.arange(len(x))
    ax.plot(t, x, "o-", ms=3, label=f"input window (T={len(x)})")
    ax.plot(len(x) + np.arange(len(y)), y, "r*", ms=12, label="target")
    ax.set(title="One training example", xlabel="step in window", ylabel="value")
    ax.legend(loc="lower left")
    return ax


def plot_losses(history: History, ax: Axes | None = None, title: str = "Loss per epoch") -> Axes:
    """Training (and validation) MSE per epoch on a log scale."""
    ax = _axes(ax)
    epochs = np.arange(1, history.epochs + 1)
    ax.semilogy(epochs, history.train_loss, "o-", ms=3, label="train")
    if history.val_loss:
        ax.semilogy(epochs, history.val_loss, "s-", ms=3, label="validation")
    if history.best_epoch:
        ax.axvline(
            history.best_epoch, color="gray", ls=":", label=f"best (epoch {history.best_epoch})"
        )
    ax.set(title=title, xlabel="epoch", ylabel="MSE (log scale)")
    ax.legend()
    return ax


def plot_grad_norms(
    history: History,
    max_norm: float | None = None,
    ax: Axes | None = None,
    title: str = "Gradient norm per step",
) -> Axes:
    """Total gradient norm of every step before clipping, and after it if `max_norm` is given."""
    ax = _axes(ax)
    norms = np.asarray(history.step_grad_norm)
    ax.semilogy(norms, lw=1, label="before clipping")
    if max_norm is not None:
        ax.semilogy(
            np.minimum(norms, max_norm), lw=1, label=f"after clipping (max_norm={max_norm:g})"
        )
        ax.axhline(max_norm, color="red", ls="--", lw=1)
    ax.set(title=title, xlabel="training step", ylabel="total gradient norm (log)")
    ax.legend()
    return ax


def plot_predictions(
    y_true: np.ndarray | torch.Tensor,
    y_pred: np.ndarray | torch.Tensor,
    ax: Axes | None = None,
    title: str = "Predictions vs actual",
) -> Axes:
    """Predicted and actual next values over the test windows.

    Shape: y_true and y_pred (M,) or (M, 1).
    """
    ax = _axes(ax)
    ax.plot(np.asarray(y_true).reshape(-1), lw=2, label="actual")  # (M, 1) -> (M,)
    ax.plot(np.asarray(y_pred).reshape(-1), "--", lw=1.5, label="predicted")
    ax.set(title=title, xlabel="test window", ylabel="value")
    ax.legend()
    return ax
