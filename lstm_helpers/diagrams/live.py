"""The cell diagram annotated with a trained model's own numbers, and a slider over the steps.

`draw_cell_step` draws the LSTM cell with one unit's gate and state values at one step of
one window (read from a `GateTrace`, i.e. from the model itself), above the input window
with that step marked. `CellStepExplorer` puts it behind two sliders (step, unit): each
move redraws a `matplotlib.figure.Figure` (not pyplot) into a `widgets.Image`, which works
in JupyterLab, VS Code and under nbval, where no front end runs. ipywidgets is imported only
when an explorer is built, so importing this module needs no widgets.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from lstm_helpers.diagrams._canvas import COLORS, Diagram
from lstm_helpers.diagrams.cell import cell_values, draw_lstm_cell
from lstm_helpers.introspection import collect_gates
from lstm_helpers.plots.style import GUIDE, REFERENCE
from lstm_helpers.scratch import GateTrace


def draw_cell_step(
    trace: GateTrace,
    x: torch.Tensor,
    step: int,
    window: int = 0,
    layer: int = 0,
    unit: int = 0,
    figure: Figure | None = None,
) -> Diagram:
    """The cell diagram with one unit's values at `step`, above the input window with the step marked.

    Pass a `matplotlib.figure.Figure` to draw into it (widgets do), or None for a pyplot figure.
    Shape: trace (B, T, H) per layer, from `collect_gates`; x (B, T, F), the traced inputs.
    """
    if figure is None:
        import matplotlib.pyplot as plt

        figure = plt.figure(figsize=(10.5, 4.6), layout="constrained")
    else:
        figure.clear()
        figure.set_layout_engine("constrained")
    grid = figure.add_gridspec(3, 2, width_ratios=[3.3, 1.0], height_ratios=[1.0, 1.3, 1.0])
    cell_ax, strip = figure.add_subplot(grid[:, 0]), figure.add_subplot(grid[1, 1])
    values = cell_values(trace, step, window, layer, unit, x)
    level = layer % trace.num_layers
    title = f"unit {unit} of {trace.h[layer].shape[-1]} in layer {level}, step t = {step}"
    draw_lstm_cell(values, title=title, ax=cell_ax)
    xs = torch.as_tensor(x)[window, :, 0].detach().cpu().numpy()  # (T,)
    strip.plot(np.arange(len(xs)), xs, color=REFERENCE, lw=1.5)
    strip.axvline(step, color=GUIDE, lw=1.2, ls="--")
    strip.plot([step], [xs[step]], "o", color=COLORS["x"], ms=7, mfc="white", mew=2)
    strip.set(
        xlabel="step t",
        ylabel="$x_t$",
        xlim=(-0.5, len(xs) - 0.5),
        title=f"input window {window},\nstep {step} marked",
    )
    strip.title.set_fontsize(9.5)
    description = (
        f"The LSTM cell of layer {level} at step {step} of window {window}, annotated with unit "
        f"{unit}'s own gate values, candidate, cell state before and after, and hidden state, "
        "beside the input window with that step marked."
    )
    return Diagram(figure, (cell_ax, strip), description)


class CellStepExplorer:
    """Sliders over the steps (and units) of one window: the annotated cell, redrawn as a PNG.

    The values come from the model itself: `collect_gates(model, x)` records every gate and
    state (the model is not changed). `step` and `unit` are the IntSliders; `image` the
    widgets.Image; `values` the numbers shown. Display the explorer as a cell's last value.
    Shape: x (B, T, F), the windows to trace; `window` picks one of them.
    """

    def __init__(
        self,
        model: nn.Module,
        x: torch.Tensor,
        window: int = 0,
        layer: int = 0,
        unit: int = 0,
        step: int = 0,
        dpi: int = 80,
    ) -> None:
        import ipywidgets as widgets

        self.trace = collect_gates(model, x)
        self.x = torch.as_tensor(x).detach().cpu()
        self.window, self.layer = window, layer
        steps, units = self.trace.h[layer].shape[1:]
        self.step = widgets.IntSlider(
            value=step, min=0, max=steps - 1, description="step t", continuous_update=False
        )
        self.unit = widgets.IntSlider(
            value=unit, min=0, max=units - 1, description="unit", continuous_update=False
        )
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="760px"))
        self.figure = Figure(figsize=(10.5, 4.6), dpi=dpi)
        self.widget = widgets.VBox([widgets.HBox([self.step, self.unit]), self.image])
        for slider in (self.step, self.unit):
            slider.observe(self._redraw, names="value")
        self._redraw()

    @property
    def values(self) -> dict[str, float]:
        """The numbers the picture shows (see `cell_values`)."""
        return cell_values(
            self.trace, self.step.value, self.window, self.layer, self.unit.value, self.x
        )

    def render(self) -> bytes:
        """The current picture as PNG bytes."""
        draw_cell_step(
            self.trace,
            self.x,
            self.step.value,
            self.window,
            self.layer,
            self.unit.value,
            figure=self.figure,
        )
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        return buffer.getvalue()

    def _redraw(self, change: Any = None) -> None:
        self.image.value = self.render()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        """Show the widget; the plain-text form stays short and stable (nbval compares it)."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = (
            f"<CellStepExplorer: window {self.window}, layer {self.layer}; sliders: step, unit>"
        )
        return bundle
