"""Plots of training: losses per epoch, gradient norms per step, clipping, gradient profiles.

Each function takes `ax=None` (a new figure) and returns what it drew on; none calls show().
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.axes import Axes

from lstm_helpers._checks import as_numpy
from lstm_helpers.plots.style import (
    GUIDE,
    PALETTE,
    REFERENCE,
    label_styles,
    legend_outside,
    markevery,
    new_axes,
    new_axes_grid,
    style,
)
from lstm_helpers.training import History


def plot_losses(
    history: History,
    ax: Axes | None = None,
    title: str = "Loss per epoch",
    ylabel: str = "MSE (log scale)",
    best_label: str | None = None,
) -> Axes:
    """Training (and validation) loss per epoch on a log scale, the best validation epoch marked.

    Without validation losses no epoch is marked: a "best" training loss chooses nothing.
    `best_label` replaces the marker's legend entry, "best (epoch N)".
    Shape: history.train_loss and history.val_loss (epochs,).
    """
    ax = new_axes(ax)
    epochs = np.arange(1, history.epochs + 1)
    ax.semilogy(epochs, history.train_loss, ms=3, label="train", **style(0))
    if history.val_loss:
        ax.semilogy(epochs, history.val_loss, ms=3, label="validation", **style(1))
    if history.val_loss and history.best_epoch:
        label = best_label or f"best (epoch {history.best_epoch})"
        ax.axvline(history.best_epoch, color=GUIDE, ls=":", label=label)
    ax.set(title=title, xlabel="epoch", ylabel=ylabel)
    legend_outside(ax)
    return ax


def plot_grad_norms(
    history: History,
    max_norm: float | None = None,
    ax: Axes | None = None,
    title: str = "Gradient norm per step",
) -> Axes:
    """Total gradient norm of every step before clipping, and after it if `max_norm` is given.

    Shape: history.step_grad_norm (steps,).
    """
    ax = new_axes(ax)
    norms = np.asarray(history.step_grad_norm)
    ax.semilogy(norms, lw=3, alpha=0.45, color=PALETTE[0], label="before clipping")
    if max_norm is not None:
        clipped = np.minimum(norms, max_norm)
        ax.semilogy(
            clipped,
            lw=1.2,
            ls="--",
            color=PALETTE[1],
            zorder=3,
            label=f"after clipping (max_norm={max_norm:g})",
        )
        ax.axhline(max_norm, color=GUIDE, ls=":", lw=1, label="max_norm")
    ax.set(title=title, xlabel="training step", ylabel="total gradient norm (log)")
    legend_outside(ax)
    return ax


def plot_histories(
    histories: dict[str, History],
    ax: Axes | None = None,
    title: str = "Training (solid) and validation (dashed) loss",
    ylabel: str = "loss",
    log: bool = False,
) -> Axes:
    """Several runs on one Axes: training loss solid, validation dashed, best epoch as a dot.

    Each run has its own colour and marker. The dot marks each run's lowest validation loss:
    where it starts to overfit, if the validation curve rises afterwards while the training
    curve keeps falling.
    Shape: each History's losses (epochs,).
    """
    ax = new_axes(ax)
    for label, s in label_styles(histories).items():
        history = histories[label]
        epochs = np.arange(1, history.epochs + 1)
        every = markevery(len(epochs))
        common = {"color": s["color"], "marker": s["marker"], "ms": 4, "markevery": every}
        ax.plot(epochs, history.train_loss, lw=1.5, ls="-", label=label, **common)
        if history.val_loss:
            ax.plot(epochs, history.val_loss, lw=1.5, ls="--", **common)
            best = int(np.argmin(history.val_loss))
            ax.plot(best + 1, history.val_loss[best], "o", color=s["color"], ms=8, mfc="none")
    if log:
        ax.set_yscale("log")
    ax.set(title=title, xlabel="epoch", ylabel=ylabel)
    legend_outside(ax)
    return ax


def plot_clipping_runs(
    clipped: History,
    unclipped: History,
    max_norm: float,
    axes: np.ndarray | None = None,
) -> np.ndarray:
    """Two runs from the same start, with and without clipping: gradient norms and losses.

    Left: the clipped run's norms before and after clipping (`plot_grad_norms`) and the
    unclipped run's norms in black; right: the clipped run's losses per epoch, and the
    unclipped run's unless it diverged (then the title says so instead: its last finite loss
    would stretch the axis far above the clipped run). Returns the two Axes (pass `axes` with
    two to draw on them).
    Shape: each History's step_grad_norm (steps,), losses (epochs,).
    """
    axes = new_axes_grid(axes, 2, "norms, losses", ncols=2, figsize=(12, 3.5))
    ax_norm, ax_loss = axes
    plot_grad_norms(clipped, max_norm=max_norm, ax=ax_norm, title="Gradient norm per step")
    diverged = unclipped.stop_reason == "diverged"
    label = "no clipping" + (" (until NaN)" if diverged else "")
    ax_norm.semilogy(unclipped.step_grad_norm, color=REFERENCE, lw=1, ls="-.", label=label)
    legend_outside(ax_norm)
    plot_losses(clipped, ax=ax_loss, title="MSE per epoch")
    for line in ax_loss.get_lines():
        if not line.get_label().startswith("best"):
            line.set_label(f"{line.get_label()}, clipped")
    if unclipped.epochs and not diverged:
        epochs = np.arange(1, unclipped.epochs + 1)
        ax_loss.semilogy(
            epochs, unclipped.train_loss, "^-.", color=REFERENCE, ms=4, label="train, no clipping"
        )
    if diverged:  # in the title, clear of the data; not when: that differs between CPUs
        note = ", no epoch finished" if unclipped.epochs == 0 else ""
        ax_loss.set_title(f"MSE per epoch\nwithout clipping: diverged (NaN){note}")
    legend_outside(ax_loss)
    return axes


def plot_input_gradients(
    norms: dict[str, np.ndarray | torch.Tensor],
    ax: Axes | None = None,
    title: str = "Gradient reaching each input step from the prediction",
) -> Axes:
    """Per-step input gradient norms of several models on a log scale, one line per model.

    Shape: each value (T,), as returned by `input_gradient_norms`; step T-1 is the last input.
    """
    ax = new_axes(ax)
    for label, s in label_styles(norms).items():
        values = as_numpy(norms[label]).reshape(-1)  # (T,)
        ax.semilogy(
            np.arange(len(values)),
            values,
            lw=1.5,
            ms=4,
            markevery=markevery(len(values)),
            label=label,
            **s,
        )
    ax.set(
        title=title,
        xlabel="input step t (the prediction comes after the last step)",
        ylabel="gradient norm (log scale)",
    )
    legend_outside(ax)
    return ax
