"""Plots of what happens inside an LSTM: gate and state heatmaps, a few units over a window.

Heatmaps use viridis (gates in [0, 1]) and a blue-red diverging map (values around 0), both
readable with the common colour-vision deficiencies. Each function returns its Axes.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.axes import Axes

from lstm_helpers.plots.style import (
    REFERENCE,
    label_styles,
    legend_outside,
    markevery,
    new_axes,
    new_axes_grid,
)
from lstm_helpers.scratch import GateTrace

GATE_LABELS = {
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
    unknown = [n for n in names if n not in GATE_LABELS]
    if unknown or not names:
        raise ValueError(f"names must be letters from 'ifgoch', got {names!r}.")
    panels = len(names) + (x is not None)
    axes = new_axes_grid(
        axes, panels, "one per panel", nrows=panels, figsize=(8, 1.0 + 1.6 * panels), sharex=True
    )
    level = layer % trace.num_layers
    row = 0
    if x is not None:
        xs = torch.as_tensor(x).detach().cpu()
        xs = xs[window] if xs.dim() == 3 else xs  # (B, T, F) -> (T, F)
        xs = xs.reshape(xs.size(0), -1)  # (T,) or (T, F) -> (T, F)
        axes[0].plot(xs.numpy(), lw=1.5, color=REFERENCE)
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
        ax.set(title=f"{GATE_LABELS[name]} (layer {level})", ylabel="unit")
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
    ax = new_axes(ax)
    values = getattr(trace, name)[layer][window].detach().cpu()  # (T, H)
    if isinstance(units, int):
        units = values.std(dim=0).argsort(descending=True)[:units].tolist()
    styles = label_styles(f"unit {j}" for j in units)
    for j in units:
        ax.plot(
            values[:, j].numpy(),
            lw=1,
            ms=3,
            markevery=markevery(values.size(0)),
            label=f"unit {j}",
            **styles[f"unit {j}"],
        )
    ax.plot(
        values.mean(dim=1).numpy(), color=REFERENCE, lw=2.5, label=f"mean of {values.size(1)} units"
    )
    level = layer % trace.num_layers
    ax.set(title=f"{GATE_LABELS[name]} (layer {level})", xlabel="step in window", ylabel=name)
    legend_outside(ax)
    return ax


def plot_gate_movement(
    trace: GateTrace,
    x: np.ndarray | torch.Tensor,
    names: str = "fi",
    window: int = 0,
    layer: int = -1,
    units: int | list[int] = 6,
    axes: np.ndarray | None = None,
) -> np.ndarray:
    """The input window on top, then one `plot_gate_lines` panel per letter in `names`.

    Every panel shows the same units, each in one colour (and line style and marker) across
    the panels: a list of unit indices, or a number n, the n units whose values in the named
    gates change most over the window (the sum of their standard deviations across steps).
    Legends sit to the right of the panels. Returns the Axes (input first).
    Shape: trace from `collect_gates`, (B, T, H) per layer; x (B, T, F) or (T, F) or (T,).
    """
    panels = 1 + len(names)
    axes = new_axes_grid(
        axes,
        panels,
        "input + one per gate",
        nrows=panels,
        figsize=(9, 1.0 + 2.0 * panels),
        sharex=True,
    )
    if isinstance(units, int):
        spread = sum(getattr(trace, n)[layer][window].detach().cpu().std(dim=0) for n in names)
        units = spread.argsort(descending=True)[:units].tolist()  # (H,) -> the top n units
    xs = torch.as_tensor(x).detach().cpu()
    xs = xs[window] if xs.dim() == 3 else xs  # (B, T, F) -> (T, F)
    axes[0].plot(xs.reshape(xs.size(0), -1).numpy(), lw=2, color=REFERENCE)
    axes[0].set(title=f"input window {window}", ylabel="x")
    for ax, name in zip(axes[1:], names, strict=True):
        plot_gate_lines(trace, name, window=window, layer=layer, units=units, ax=ax)
        ax.set_xlabel("")
    axes[-1].set_xlabel("step in window")
    return axes
