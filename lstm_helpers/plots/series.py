"""Plots of series and forecasts: windows, predictions, forecasts, errors by horizon, data sets.

Each function takes `ax=None` (a new figure) or `axes=None` and returns what it drew on;
none calls show(). Forecasters keep one style per label when the same `colors` dict (from
`label_colors`) is passed to several plots.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.axes import Axes

from lstm_helpers._checks import as_numpy
from lstm_helpers.datasets import Decomposition
from lstm_helpers.plots.style import (
    GUIDE,
    PALETTE,
    REFERENCE,
    label_styles,
    legend_outside,
    markevery,
    new_axes,
    new_axes_grid,
    style_for,
)


def plot_series(series: np.ndarray, ax: Axes | None = None, title: str = "Series") -> Axes:
    """Line plot of a series against its index.

    Shape: series (N,).
    """
    ax = new_axes(ax)
    ax.plot(np.asarray(series), lw=1, color=PALETTE[0])
    ax.set(title=title, xlabel="step", ylabel="value")
    return ax


def plot_window(
    x: np.ndarray | torch.Tensor, y: np.ndarray | torch.Tensor, ax: Axes | None = None
) -> Axes:
    """One input window and the value(s) it should predict.

    Shape: x (T,) or (T, 1); y (K,).
    """
    ax = new_axes(ax)
    x = np.asarray(x).reshape(-1)  # (T, 1) -> (T,)
    y = np.asarray(y).reshape(-1)  # (K,)
    t = np.arange(len(x))
    ax.plot(t, x, "o-", ms=3, color=PALETTE[0], label=f"input window (T={len(x)})")
    ax.plot(len(x) + np.arange(len(y)), y, "*", ms=12, color=PALETTE[1], label="target")
    ax.set(title="One training example", xlabel="step in window", ylabel="value")
    legend_outside(ax)
    return ax


def plot_predictions(
    y_true: np.ndarray | torch.Tensor,
    y_pred: np.ndarray | torch.Tensor,
    ax: Axes | None = None,
    title: str = "Predictions vs actual",
) -> Axes:
    """Predicted and actual next values over the test windows (the prediction on top).

    Shape: y_true and y_pred (M,) or (M, 1).
    """
    ax = new_axes(ax)
    ax.plot(np.asarray(y_true).reshape(-1), lw=2.5, color=REFERENCE, alpha=0.6, label="actual")
    ax.plot(np.asarray(y_pred).reshape(-1), "--", lw=1.5, color=PALETTE[1], label="predicted")
    ax.set(title=title, xlabel="test window", ylabel="value")
    legend_outside(ax)
    return ax


def plot_forecast(
    history: np.ndarray | torch.Tensor,
    forecasts: dict[str, np.ndarray | torch.Tensor],
    actual: np.ndarray | torch.Tensor | None = None,
    history_x: np.ndarray | None = None,
    future_x: np.ndarray | None = None,
    ax: Axes | None = None,
    title: str = "Forecast",
    ylabel: str = "value",
    colors: dict[str, str] | None = None,
    highlight: str | None = None,
) -> Axes:
    """The known history, what happened next (`actual`), and one line per forecast.

    `history_x` and `future_x` place the points (e.g. datetime64 months); by default the
    history is at steps 0..N-1 and the forecast at N..N+K-1. A dotted line marks the origin.
    The forecast named `highlight` is drawn last and thicker, on top of the others.
    Shape: history (N,); each forecast (K,) or (1, K); actual (K,).
    """
    colors = dict(colors) if colors is not None else {}  # label -> colour, see label_colors
    ax = new_axes(ax)
    hist = as_numpy(history).reshape(-1)  # (N,)
    n = len(hist)
    hx = np.arange(n) if history_x is None else np.asarray(history_x)
    k = max(as_numpy(f).size for f in forecasts.values())
    fx = np.arange(n, n + k) if future_x is None else np.asarray(future_x)
    ax.plot(hx, hist, color=REFERENCE, lw=1.5, label="history")
    if actual is not None:
        act = as_numpy(actual).reshape(-1)  # (K,)
        ax.plot(fx[: len(act)], act, color=REFERENCE, lw=2, ls=":", label="actual")
    order = [label for label in forecasts if label != highlight]
    if highlight in forecasts:
        order.append(highlight)  # drawn last: on top
    for label in forecasts:
        style_for(colors, label)  # styles follow the forecasts' order, not the drawing order
    for label in order:
        values = as_numpy(forecasts[label]).reshape(-1)  # (1, K) -> (K,)
        top = label == highlight
        ax.plot(
            fx[: len(values)],
            values,
            lw=2.5 if top else 1.3,
            ms=4,
            markevery=markevery(len(values)),
            zorder=5 if top else 2,
            label=label,
            **style_for(colors, label),
        )
    ax.axvline(hx[-1], color=GUIDE, ls="--", lw=1)
    ax.set(title=title, xlabel="step" if history_x is None else "", ylabel=ylabel)
    handles, labels = ax.get_legend_handles_labels()
    wanted = ["history", "actual", *forecasts]  # the legend in the forecasts' own order
    pairs = sorted(zip(labels, handles, strict=True), key=lambda p: wanted.index(p[0]))
    legend_outside(ax, handles=[h for _, h in pairs], labels=[lab for lab, _ in pairs])
    return ax


def plot_error_by_horizon(
    errors: dict[str, np.ndarray | torch.Tensor],
    metric: str = "RMSE",
    ax: Axes | None = None,
    title: str = "Error by forecast horizon",
    floor: float | np.ndarray | None = None,
    log: bool = False,
    colors: dict[str, str] | None = None,
) -> Axes:
    """One line per forecaster: the error k steps ahead, k = 1..K (from `error_by_horizon`).

    `floor` (a number, or one value per step) draws the lowest reachable error, e.g. the
    noise floor, as a grey dotted line; `log=True` puts the errors on a log scale.
    Shape: each value (K,); floor () or (K,).
    """
    colors = dict(colors) if colors is not None else {}  # label -> colour, see label_colors
    ax = new_axes(ax)
    k = 0
    for label, values in errors.items():
        values = as_numpy(values).reshape(-1)  # (K,)
        k = max(k, len(values))
        steps = np.arange(1, len(values) + 1)
        ax.plot(
            steps,
            values,
            ms=4,
            lw=1.5,
            markevery=markevery(len(values)),
            label=label,
            **style_for(colors, label),
        )
    if floor is not None:
        level = np.broadcast_to(as_numpy(floor).astype(float), (k,))  # () or (K,) -> (K,)
        ax.plot(np.arange(1, k + 1), level, color=GUIDE, ls=":", lw=2, label="noise floor")
    if log:
        ax.set_yscale("log")
    ax.set(title=title, xlabel="steps ahead", ylabel=metric)
    legend_outside(ax)
    return ax


def plot_next_vs_last(
    last: np.ndarray | torch.Tensor,
    actual: np.ndarray | torch.Tensor,
    forecasts: dict[str, np.ndarray | torch.Tensor],
    ax: Axes | None = None,
    title: str = "Next value against the current one",
    colors: dict[str, str] | None = None,
) -> Axes:
    """Scatter of the next value against the last one: the actual values and each forecast.

    Shows the rule a one-step forecaster has learnt, e.g. the two branches of a threshold
    autoregression. Each forecast has its own colour and marker.
    Shape: last (M,); actual and each forecast (M,) or (M, 1).
    """
    colors = dict(colors) if colors is not None else {}  # label -> colour, see label_colors
    ax = new_axes(ax, figsize=(6, 4))
    x = as_numpy(last).reshape(-1)  # (M,)
    ax.plot(x, as_numpy(actual).reshape(-1), ".", color="#BBBBBB", label="actual next value")
    for label, values in forecasts.items():
        y = as_numpy(values).reshape(-1)  # (M, 1) -> (M,)
        s = style_for(colors, label)
        ax.plot(x, y, ls="none", marker=s["marker"], color=s["color"], ms=3, label=label)
    ax.set(title=title, xlabel="last value in the window, x[t-1]", ylabel="next value x[t]")
    legend_outside(ax)
    return ax


def plot_class_examples(
    X: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    class_names: list[str] | None = None,
    ax: Axes | None = None,
    title: str = "One window of each class",
) -> Axes:
    """The first window of every class, one line each (own colour, style and marker).

    Shape: X (M, T) or (M, T, 1); y (M,) integer labels.
    """
    ax = new_axes(ax)
    windows = as_numpy(X).reshape(len(X), -1)  # (M, T, 1) -> (M, T)
    labels = as_numpy(y).reshape(-1)  # (M,)
    classes = np.unique(labels)
    names = [class_names[k] if class_names is not None else f"class {k}" for k in classes]
    for k, (name, s) in zip(classes, label_styles(names).items(), strict=True):
        window = windows[np.flatnonzero(labels == k)[0]]
        ax.plot(window, lw=1.2, ms=4, markevery=markevery(len(window)), label=name, **s)
    ax.set(title=title, xlabel="step in window", ylabel="value")
    legend_outside(ax)
    return ax


def plot_noisy_class_examples(
    X: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    clean: np.ndarray | torch.Tensor,
    class_names: list[str] | None = None,
    axes: np.ndarray | None = None,
    title: str = "One window of each class, with and without noise",
) -> np.ndarray:
    """The first window of every class in its own row: the noisy window over its clean signal.

    `clean` holds the same windows without noise (drawn pale and wide, beneath). Returns one
    Axes per class. Shape: X and clean (M, T) or (M, T, 1), equal; y (M,) integer labels.
    """
    windows = as_numpy(X).reshape(len(X), -1)  # (M, T, 1) -> (M, T)
    signal = as_numpy(clean).reshape(len(clean), -1)  # (M, T)
    if signal.shape != windows.shape:
        raise ValueError(f"clean must match X: got {signal.shape} and {windows.shape}.")
    labels = as_numpy(y).reshape(-1)  # (M,)
    classes = np.unique(labels)
    names = [class_names[k] if class_names is not None else f"class {k}" for k in classes]
    axes = new_axes_grid(
        axes, len(classes), "one per class", nrows=len(classes), sharex=True, sharey=True,
        figsize=(8, 1.3 * len(classes) + 0.7),
    )  # fmt: skip
    for ax, k, (name, s) in zip(axes, classes, label_styles(names).items(), strict=True):
        i = np.flatnonzero(labels == k)[0]
        ax.plot(signal[i], color=s["color"], lw=5, alpha=0.3, label=f"{name}, without noise")
        ax.plot(windows[i], lw=1.2, ms=4, label="with noise: what the model sees", **s)
        ax.set(ylabel="value")
        legend_outside(ax)
    axes[-1].set(xlabel="step in window")
    axes[0].set_title(title)
    return axes


def plot_monthly(
    dates: np.ndarray,
    values: np.ndarray,
    zoom_from: str | None = None,
    title: str = "Monthly series",
    ylabel: str = "value",
    axes: np.ndarray | None = None,
) -> np.ndarray:
    """A monthly series against its dates, with a zoom on the months from `zoom_from` on.

    Returns the array of Axes: the whole series, then (with `zoom_from`, e.g. "1999-01")
    the zoom, dots marking the months. Shape: dates (N,) datetime64[M]; values (N,).
    """
    panels = 1 if zoom_from is None else 2
    axes = new_axes_grid(
        axes, panels, "", ncols=panels, figsize=(10, 3), width_ratios=[2, 1][:panels]
    )
    dates, values = np.asarray(dates), np.asarray(values)
    axes[0].plot(dates, values, lw=1, color=PALETTE[0])
    axes[0].set(title=title, ylabel=ylabel)
    if zoom_from is not None:
        recent = dates >= np.datetime64(zoom_from)
        axes[1].plot(dates[recent], values[recent], "o-", ms=3, color=PALETTE[0])
        axes[1].set(title=f"From {zoom_from} on")
        axes[1].tick_params(axis="x", labelrotation=45)
    return axes


def plot_decomposition(
    parts: Decomposition,
    ylabel: str = "value",
    axes: np.ndarray | None = None,
) -> np.ndarray:
    """The trend with what is left (on its own axis, at the right), and the seasonal profile.

    The trend is drawn in the upper half against the left axis; what is left, data minus
    trend, in the lower half against a right axis of its own, so neither reads as the other.
    Returns the two Axes (the right axis is a twin of the first).
    Shape: `parts` from `decompose_monthly`: (N-12,) series, season (12,).
    """
    axes = new_axes_grid(axes, 2, "", ncols=2, figsize=(10, 3), width_ratios=[2, 1])
    low, high = float(parts.trend.min()), float(parts.trend.max())
    span = max(high - low, 1e-12)
    trend = axes[0].plot(
        parts.dates, parts.trend, lw=2, color=PALETTE[0], label="trend (left axis)"
    )
    axes[0].set_ylim(low - 1.2 * span, high + 0.15 * span)  # the trend in the upper half
    axes[0].set(title="Trend, and what is left", ylabel=ylabel)
    right = axes[0].twinx()
    reach = max(float(np.abs(parts.detrended).max()), 1e-12)
    left_over = right.plot(
        parts.dates,
        parts.detrended,
        lw=0.8,
        ls="--",
        color=PALETTE[1],
        label="data - trend (right axis)",
    )
    right.set_ylim(-1.2 * reach, 3.4 * reach)  # what is left in the lower half
    right.set_ylabel(f"data - trend, {ylabel}")
    right.axhline(0.0, lw=0.5, color=GUIDE)
    # Ticks only where each curve lies, so no value is read off the other curve's axis.
    axes[0].set_yticks([t for t in axes[0].get_yticks() if low <= t <= high])
    right.set_yticks([t for t in right.get_yticks() if -reach <= t <= reach])
    lines = trend + left_over
    axes[0].legend(lines, [line.get_label() for line in lines], fontsize="small", loc="upper left")
    axes[1].bar(np.arange(1, 13), parts.season, color=PALETTE[0])
    axes[1].set(
        title="Seasonal profile", xlabel="month", ylabel=f"{ylabel} vs trend", xticks=range(1, 13)
    )
    return axes
