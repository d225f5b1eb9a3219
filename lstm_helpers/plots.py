"""Plotting helpers: each takes `ax=None` (a new figure) and returns the Axes; none calls show()."""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes

from lstm_helpers.datasets import Decomposition
from lstm_helpers.scratch import GateTrace
from lstm_helpers.training import History


def _axes(ax: Axes | None, figsize: tuple[float, float] = (8, 3)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def label_colors(labels: Iterable[str]) -> dict[str, str]:
    """One colour per label, in order (C0, C1, ...); pass it to several plots to keep them consistent."""
    return {label: f"C{i % 10}" for i, label in enumerate(labels)}


def _color(colors: dict[str, str], label: str) -> str:
    """The label's colour from `colors`, or the next colour not used there yet."""
    if label not in colors:
        colors[label] = f"C{len(colors) % 10}"
    return colors[label]


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


def plot_losses(
    history: History,
    ax: Axes | None = None,
    title: str = "Loss per epoch",
    ylabel: str = "MSE (log scale)",
) -> Axes:
    """Training (and validation) loss per epoch on a log scale."""
    ax = _axes(ax)
    epochs = np.arange(1, history.epochs + 1)
    ax.semilogy(epochs, history.train_loss, "o-", ms=3, label="train")
    if history.val_loss:
        ax.semilogy(epochs, history.val_loss, "s-", ms=3, label="validation")
    if history.best_epoch:
        ax.axvline(
            history.best_epoch, color="gray", ls=":", label=f"best (epoch {history.best_epoch})"
        )
    ax.set(title=title, xlabel="epoch", ylabel=ylabel)
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
    ax.semilogy(norms, lw=3, alpha=0.35, label="before clipping")
    if max_norm is not None:
        clipped = np.minimum(norms, max_norm)
        ax.semilogy(clipped, lw=1, color="C1", label=f"after clipping (max_norm={max_norm:g})")
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


_GATE_LABELS = {
    "i": "input gate i",
    "f": "forget gate f",
    "g": "cell candidate g",
    "o": "output gate o",
    "c": "cell state c",
    "h": "hidden state h",
}


def plot_gates(
    trace: GateTrace,
    window: int = 0,
    layer: int = -1,
    x: np.ndarray | torch.Tensor | None = None,
    names: str = "ifgoc",
    axes: np.ndarray | None = None,
) -> np.ndarray:
    """Heatmaps of an LSTM's gates and cell state over one window: units down, steps across.

    One panel per letter in `names` (from "ifgoch"), on fixed colour ranges: the sigmoid
    gates i, f, o on [0, 1], g and h on [-1, 1], c symmetric around 0. With `x`, the input
    window is drawn on top. Returns the array of Axes (pass `axes` with one per panel).
    Shape: trace from `collect_gates`, (B, T, H) per layer; x (T,) or (T, F) or (B, T, F).
    """
    labels = _GATE_LABELS
    unknown = [n for n in names if n not in labels]
    if unknown or not names:
        raise ValueError(f"names must be letters from 'ifgoch', got {names!r}.")
    panels = len(names) + (x is not None)
    if axes is None:
        _, axes = plt.subplots(
            panels, 1, figsize=(8, 1.0 + 1.6 * panels), sharex=True, layout="constrained"
        )
    axes = np.atleast_1d(np.asarray(axes, dtype=object)).reshape(-1)
    if len(axes) != panels:
        raise ValueError(f"axes must hold {panels} Axes (one per panel), got {len(axes)}.")
    level = layer % trace.num_layers
    row = 0
    if x is not None:
        xs = torch.as_tensor(x).detach().cpu()
        xs = xs[window] if xs.dim() == 3 else xs  # (B, T, F) -> (T, F)
        xs = xs.reshape(xs.size(0), -1)  # (T,) or (T, F) -> (T, F)
        axes[0].plot(xs.numpy(), lw=1.5)
        axes[0].set(title=f"input window {window}", ylabel="x", xlim=(-0.5, xs.size(0) - 0.5))
        row = 1
    for name in names:
        values = getattr(trace, name)[layer][window].detach().cpu().T.numpy()  # (T, H) -> (H, T)
        if name in "ifo":
            vmin, vmax, cmap = 0.0, 1.0, "viridis"
        elif name == "c":
            vmax = max(float(np.abs(values).max()), 1e-12)
            vmin, cmap = -vmax, "RdBu_r"
        else:
            vmin, vmax, cmap = -1.0, 1.0, "RdBu_r"
        ax = axes[row]
        image = ax.imshow(
            values, aspect="auto", interpolation="nearest", cmap=cmap, vmin=vmin, vmax=vmax
        )
        ax.figure.colorbar(image, ax=ax, pad=0.01)
        ax.set(title=f"{labels[name]} (layer {level})", ylabel="unit")
        if row == 1 and x is not None:  # an invisible colour bar keeps the input panel aligned
            axes[0].figure.colorbar(image, ax=axes[0], pad=0.01).ax.set_visible(False)
        row += 1
    axes[-1].set_xlabel("step in window")
    return axes


def plot_gate_lines(
    trace: GateTrace,
    name: str = "f",
    window: int = 0,
    layer: int = -1,
    units: int | list[int] = 6,
    ax: Axes | None = None,
) -> Axes:
    """One gate (or state) of a few units over one window, with the mean over all units.

    `units` is a list of unit indices, or a number n: the n units whose values change most
    over the window (largest standard deviation across steps).
    Shape: trace from `collect_gates`, (B, T, H) per layer.
    """
    if name not in "ifgoch" or len(name) != 1:
        raise ValueError(f"name must be one of 'i', 'f', 'g', 'o', 'c', 'h', got {name!r}.")
    ax = _axes(ax)
    values = getattr(trace, name)[layer][window].detach().cpu()  # (T, H)
    if isinstance(units, int):
        units = values.std(dim=0).argsort(descending=True)[:units].tolist()
    for j in units:
        ax.plot(values[:, j].numpy(), lw=1, alpha=0.8, label=f"unit {j}")
    ax.plot(values.mean(dim=1).numpy(), "k", lw=2.5, label=f"mean of {values.size(1)} units")
    level = layer % trace.num_layers
    ax.set(title=f"{_GATE_LABELS[name]} (layer {level})", xlabel="step in window", ylabel=name)
    ax.legend(fontsize="small", ncols=2)
    return ax


def plot_input_gradients(
    norms: dict[str, np.ndarray | torch.Tensor],
    ax: Axes | None = None,
    title: str = "Gradient reaching each input step from the prediction",
) -> Axes:
    """Per-step input gradient norms of several models on a log scale, one line per model.

    Shape: each value (T,), as returned by `input_gradient_norms`; step T-1 is the last input.
    """
    ax = _axes(ax)
    for label, values in norms.items():
        values = torch.as_tensor(values).detach().cpu().numpy().reshape(-1)  # (T,)
        ax.semilogy(np.arange(len(values)), values, lw=1.5, label=label)
    ax.set(
        title=title,
        xlabel="input step t (the prediction comes after the last step)",
        ylabel="gradient norm (log scale)",
    )
    ax.legend()
    return ax


def _as_array(values: np.ndarray | torch.Tensor) -> np.ndarray:
    """A NumPy view of an array or tensor (detached, on the CPU)."""
    if isinstance(values, torch.Tensor):
        return values.detach().cpu().numpy()
    return np.asarray(values)


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
) -> Axes:
    """The known history, what happened next (`actual`), and one line per forecast.

    `history_x` and `future_x` place the points (e.g. datetime64 months); by default the
    history is at steps 0..N-1 and the forecast at N..N+K-1. A dotted line marks the origin.
    Shape: history (N,); each forecast (K,) or (1, K); actual (K,).
    """
    colors = dict(colors) if colors is not None else {}  # label -> colour, see label_colors
    ax = _axes(ax)
    hist = _as_array(history).reshape(-1)  # (N,)
    n = len(hist)
    hx = np.arange(n) if history_x is None else np.asarray(history_x)
    k = max(_as_array(f).size for f in forecasts.values())
    fx = np.arange(n, n + k) if future_x is None else np.asarray(future_x)
    ax.plot(hx, hist, color="black", lw=1.5, label="history")
    if actual is not None:
        act = _as_array(actual).reshape(-1)  # (K,)
        ax.plot(fx[: len(act)], act, color="black", lw=1.5, ls=":", label="actual")
    for label, values in forecasts.items():
        values = _as_array(values).reshape(-1)  # (1, K) -> (K,)
        ax.plot(fx[: len(values)], values, lw=1.5, label=label, color=_color(colors, label))
    ax.axvline(hx[-1], color="gray", ls="--", lw=1)
    ax.set(title=title, xlabel="step" if history_x is None else "", ylabel=ylabel)
    ax.legend(fontsize="small", ncols=2)
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
    noise floor, as a gray dotted line; `log=True` puts the errors on a log scale.
    Shape: each value (K,); floor () or (K,).
    """
    colors = dict(colors) if colors is not None else {}  # label -> colour, see label_colors
    ax = _axes(ax)
    k = 0
    for label, values in errors.items():
        values = _as_array(values).reshape(-1)  # (K,)
        k = max(k, len(values))
        steps = np.arange(1, len(values) + 1)
        ax.plot(steps, values, "o-", ms=3, lw=1.5, label=label, color=_color(colors, label))
    if floor is not None:
        level = np.broadcast_to(_as_array(floor).astype(float), (k,))  # () or (K,) -> (K,)
        ax.plot(np.arange(1, k + 1), level, color="gray", ls=":", lw=1.5, label="noise floor")
    if log:
        ax.set_yscale("log")
    ax.set(title=title, xlabel="steps ahead", ylabel=metric)
    ax.legend(fontsize="small", ncols=2)
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
    autoregression. Shape: last (M,); actual and each forecast (M,) or (M, 1).
    """
    colors = dict(colors) if colors is not None else {}  # label -> colour, see label_colors
    ax = _axes(ax, figsize=(6, 4))
    x = _as_array(last).reshape(-1)  # (M,)
    ax.plot(x, _as_array(actual).reshape(-1), ".", color="lightgray", label="actual next value")
    for label, values in forecasts.items():
        y = _as_array(values).reshape(-1)  # (M, 1) -> (M,)
        ax.plot(x, y, ".", ms=4, label=label, color=_color(colors, label))
    ax.set(title=title, xlabel="last value in the window, x[t-1]", ylabel="next value x[t]")
    ax.legend()
    return ax


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
    if axes is None:
        _, axes = plt.subplots(
            1, panels, figsize=(10, 3), layout="constrained", width_ratios=[2, 1][:panels]
        )
    axes = np.atleast_1d(np.asarray(axes, dtype=object)).reshape(-1)
    if len(axes) != panels:
        raise ValueError(f"axes must hold {panels} Axes, got {len(axes)}.")
    dates, values = np.asarray(dates), np.asarray(values)
    axes[0].plot(dates, values, lw=1)
    axes[0].set(title=title, ylabel=ylabel)
    if zoom_from is not None:
        recent = dates >= np.datetime64(zoom_from)
        axes[1].plot(dates[recent], values[recent], "o-", ms=3)
        axes[1].set(title=f"From {zoom_from} on")
        axes[1].tick_params(axis="x", labelrotation=45)
    return axes


def plot_decomposition(
    parts: Decomposition,
    magnify: float = 5.0,
    ylabel: str = "value",
    axes: np.ndarray | None = None,
) -> np.ndarray:
    """The trend with what is left (magnified), and the seasonal profile by calendar month.

    Returns the two Axes. Shape: `parts` from `decompose_monthly`: (N-12,) series, season (12,).
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3), layout="constrained", width_ratios=[2, 1])
    axes = np.atleast_1d(np.asarray(axes, dtype=object)).reshape(-1)
    if len(axes) != 2:
        raise ValueError(f"axes must hold 2 Axes, got {len(axes)}.")
    offset = 10 * np.floor(parts.trend.min() / 10) - 10  # a round number below the trend
    axes[0].plot(parts.dates, parts.trend, lw=1.5, label="trend (12-month moving average)")
    axes[0].plot(
        parts.dates,
        offset + magnify * parts.detrended,
        lw=0.6,
        label=f"{offset:g} + {magnify:g} x (data - trend)",
    )
    axes[0].set(title=f"Trend, and what is left (magnified {magnify:g}x)", ylabel=ylabel)
    axes[0].legend(fontsize="small")
    axes[1].bar(np.arange(1, 13), parts.season)
    axes[1].set(
        title="Seasonal profile", xlabel="month", ylabel=f"{ylabel} vs trend", xticks=range(1, 13)
    )
    return axes


def plot_class_examples(
    X: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    class_names: list[str] | None = None,
    ax: Axes | None = None,
    title: str = "One window of each class",
) -> Axes:
    """The first window of every class, one line each, labelled with its class.

    Shape: X (M, T) or (M, T, 1); y (M,) integer labels.
    """
    ax = _axes(ax)
    windows = _as_array(X).reshape(len(X), -1)  # (M, T, 1) -> (M, T)
    labels = _as_array(y).reshape(-1)  # (M,)
    for k in np.unique(labels):
        name = class_names[k] if class_names is not None else f"class {k}"
        ax.plot(windows[np.flatnonzero(labels == k)[0]], lw=1.2, label=name)
    ax.set(title=title, xlabel="step in window", ylabel="value")
    ax.legend(fontsize="small", ncols=2)
    return ax


def plot_histories(
    histories: dict[str, History],
    ax: Axes | None = None,
    title: str = "Training (solid) and validation (dashed) loss",
    ylabel: str = "loss",
    log: bool = False,
) -> Axes:
    """Several runs on one Axes: training loss solid, validation dashed, best epoch as a dot.

    The dot marks each run's lowest validation loss: where it starts to overfit, if the
    validation curve rises afterwards while the training curve keeps falling.
    """
    ax = _axes(ax)
    colors = label_colors(histories)
    for label, history in histories.items():
        color = colors[label]
        epochs = np.arange(1, history.epochs + 1)
        ax.plot(epochs, history.train_loss, color=color, lw=1.5, label=f"{label}")
        if history.val_loss:
            ax.plot(epochs, history.val_loss, color=color, lw=1.5, ls="--")
            best = int(np.argmin(history.val_loss))
            ax.plot(best + 1, history.val_loss[best], "o", color=color, ms=6)
    if log:
        ax.set_yscale("log")
    ax.set(title=title, xlabel="epoch", ylabel=ylabel)
    ax.legend(fontsize="small", ncols=2)
    return ax


def plot_clipping_runs(
    clipped: History,
    unclipped: History,
    max_norm: float,
    axes: np.ndarray | None = None,
) -> np.ndarray:
    """Two runs from the same start, with and without clipping: gradient norms and losses.

    Left: the clipped run's norms before and after clipping (`plot_grad_norms`) and the
    unclipped run's norms in black; right: both runs' losses per epoch, with a note when the
    unclipped run diverged. Returns the two Axes (pass `axes` with two to draw on them).
    Shape: each History's step_grad_norm (steps,), losses (epochs,).
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(12, 3.5), layout="constrained")
    axes = np.atleast_1d(np.asarray(axes, dtype=object)).reshape(-1)
    if len(axes) != 2:
        raise ValueError(f"axes must hold 2 Axes (norms, losses), got {len(axes)}.")
    ax_norm, ax_loss = axes
    plot_grad_norms(clipped, max_norm=max_norm, ax=ax_norm, title="Gradient norm per step")
    diverged = unclipped.stop_reason == "diverged"
    label = "no clipping" + (" (until NaN)" if diverged else "")
    ax_norm.semilogy(unclipped.step_grad_norm, color="black", lw=1, label=label)
    ax_norm.legend()
    plot_losses(clipped, ax=ax_loss, title="MSE per epoch")
    for line in ax_loss.get_lines():
        if not line.get_label().startswith("best"):
            line.set_label(f"{line.get_label()}, clipped")
    if unclipped.epochs:
        epochs = np.arange(1, unclipped.epochs + 1)
        ax_loss.semilogy(epochs, unclipped.train_loss, "k^-", ms=3, label="train, no clipping")
    if diverged:
        ax_loss.text(
            0.35,
            0.85,
            f"without clipping: NaN in epoch {unclipped.epochs + 1}"
            + (",\nno epoch completed" if not unclipped.epochs else ""),
            transform=ax_loss.transAxes,
        )
    ax_loss.legend()
    return axes


def plot_gate_movement(
    trace: GateTrace,
    x: np.ndarray | torch.Tensor,
    names: str = "fi",
    window: int = 0,
    layer: int = -1,
    units: int = 6,
    axes: np.ndarray | None = None,
) -> np.ndarray:
    """The input window on top, then one `plot_gate_lines` panel per letter in `names`.

    Each panel picks its own `units` most varying units, so the panels may show different
    units; legends sit to the right of the panels. Returns the Axes (input first).
    Shape: trace from `collect_gates`, (B, T, H) per layer; x (B, T, F) or (T, F) or (T,).
    """
    panels = 1 + len(names)
    if axes is None:
        _, axes = plt.subplots(
            panels, 1, figsize=(9, 1.0 + 2.0 * panels), sharex=True, layout="constrained"
        )
    axes = np.atleast_1d(np.asarray(axes, dtype=object)).reshape(-1)
    if len(axes) != panels:
        raise ValueError(f"axes must hold {panels} Axes (input + one per gate), got {len(axes)}.")
    xs = torch.as_tensor(x).detach().cpu()
    xs = xs[window] if xs.dim() == 3 else xs  # (B, T, F) -> (T, F)
    axes[0].plot(xs.reshape(xs.size(0), -1).numpy(), lw=2)
    axes[0].set(title=f"input window {window}", ylabel="x")
    for ax, name in zip(axes[1:], names, strict=True):
        plot_gate_lines(trace, name, window=window, layer=layer, units=units, ax=ax)
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
        ax.set_xlabel("")
    axes[-1].set_xlabel("step in window")
    return axes
