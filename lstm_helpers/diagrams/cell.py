r"""The LSTM cell as a picture: three gates, the candidate, the cell-state conveyor belt.

`draw_lstm_cell()` draws one layer's step in the layout of Olah's "Understanding LSTM
Networks" (2015), labelled with the symbols of notebook 02's equations; given `values` (from
`cell_values`, i.e. from a model's `GateTrace`) it writes one unit's actual numbers beside
every symbol (a gate's inside its box, under the symbol's label), so the arithmetic
c_t = f_t c_{t-1} + i_t g_t can be checked on the picture.
"""

from __future__ import annotations

import math

import torch
from matplotlib.axes import Axes

from lstm_helpers.diagrams._canvas import (
    COLORS,
    LIGHT,
    Diagram,
    arrow,
    box,
    canvas,
    figure_of,
    label,
    node,
    path,
    value_tag,
)
from lstm_helpers.scratch import GateTrace

BELT_Y, BUS_Y, GATE_Y, TAG_Y = 5.3, 1.3, 2.45, 3.5  # heights of the main lines
GATE_X = {"f": 3.7, "i": 5.25, "g": 6.8, "o": 8.35}  # one column per gate
TANH_X = 9.9  # where h_t is made from the cell state
SYMBOLS = {
    "x": "x_t",
    "h_prev": "h_{t-1}",
    "c_prev": "c_{t-1}",
    "i": "i_t",
    "f": "f_t",
    "g": "g_t",
    "o": "o_t",
    "c": "c_t",
    "h": "h_t",
    "fc": r"f_t \odot c_{t-1}",
    "ig": r"i_t \odot g_t",
    "tanh_c": r"\tanh(c_t)",
}
CELL_DESCRIPTION = (
    "An LSTM cell: the cell state c runs along the top like a conveyor belt, scaled by the "
    "forget gate f and added to by the input gate i times the candidate g, while the output "
    "gate o decides how much of tanh(c) leaves as the hidden state h."
)


def _sym(name: str, values: dict[str, float] | None) -> str:
    """`$f_t$`, or `$f_t = +0.523$` when `values` has the value."""
    if values is None or name not in values:
        return f"${SYMBOLS[name]}$"
    return f"${SYMBOLS[name]} = {values[name]:+.3f}$"


def draw_lstm_cell(
    values: dict[str, float] | None = None, title: str | None = None, ax: Axes | None = None
) -> Diagram:
    """Draw one LSTM step: gates f, i, o (sigmoid), candidate g (tanh), the c belt and h.

    `values` (from `cell_values`) annotates every symbol with one unit's number: the gates,
    x_t, h_{t-1}, c_{t-1}, c_t, h_t and the products f*c_{t-1}, i*g and tanh(c_t).
    Shape: values maps names to floats; returns a Diagram with one Axes.
    """
    ax = canvas(ax, (9, 5.2), (-0.1, 14.2), (-1.45, 7.35))
    v = values
    # The cell's body and its title.
    box(ax, (6.8, 3.35), 9.0, 5.7, color=COLORS["guide"], lw=1.0, zorder=0)
    label(ax, (3.0, 0.8), "one layer, one time step", ha="left", fontsize=9, color=COLORS["guide"])
    # The conveyor belt: c_{t-1} in on the left, c_t out on the right.
    arrow(ax, (0.1, BELT_Y), (14.1, BELT_Y), color=COLORS["c"], lw=4)
    node(ax, (GATE_X["f"], BELT_Y), "×", COLORS["f"])
    node(ax, (GATE_X["g"], BELT_Y), "+", COLORS["c"])
    label(ax, (0.0, BELT_Y + 0.45), _sym("c_prev", v), ha="left")
    label(ax, (14.1, BELT_Y + 0.45), _sym("c", v), ha="right")
    label(
        ax,
        (7.0, 6.95),
        r"cell state (the conveyor belt): $c_t = f_t \odot c_{t-1} + i_t \odot g_t$",
        color=COLORS["c"],
        fontsize=10.5,
        fontweight="bold",
    )
    # The bus: h_{t-1} from the left joined by x_t from below feeds all four gates.
    arrow(ax, (0.1, BUS_Y), (GATE_X["o"], BUS_Y), color=COLORS["h"], lw=2, head=False)
    arrow(ax, (2.75, -0.45), (2.75, BUS_Y), color=COLORS["x"], lw=2)
    label(ax, (0.1, BUS_Y + 0.42), _sym("h_prev", v), ha="left")
    label(ax, (2.6, -0.2), _sym("x", v), ha="right")
    height = 0.9 if v is None else 1.3  # room for the value inside each gate's box
    names = {"f": "forget", "i": "input", "g": "candidate", "o": "output"}
    for gate, x in GATE_X.items():
        arrow(ax, (x, BUS_Y), (x, GATE_Y - height / 2), color=COLORS["h"], lw=1.5)
        ax.plot([x], [BUS_Y], "o", color=COLORS["h"], ms=4, zorder=3)
        squash = r"$\tanh$" if gate == "g" else r"$\sigma$"
        # The value alone: the gate's symbol is printed just above its box, and "f_t = +0.555"
        # would be wider than the box.
        text = f"{names[gate]}\n{squash}" + (f"\n${v[gate]:+.3f}$" if v is not None else "")
        box(ax, (x, GATE_Y), 1.42, height, text, COLORS[gate], LIGHT[gate], 9)
        label(ax, (x - 0.12, TAG_Y + 0.25), f"${SYMBOLS[gate]}$", ha="right", color=COLORS[gate])
    top = GATE_Y + height / 2
    # f_t scales the belt; i_t times g_t is added to it.
    arrow(ax, (GATE_X["f"], top), (GATE_X["f"], BELT_Y - 0.3), color=COLORS["f"], lw=2)
    mix_y = 4.25
    path(ax, [(GATE_X["i"], top), (GATE_X["i"], mix_y), (GATE_X["g"] - 0.3, mix_y)], COLORS["i"], 2)
    arrow(ax, (GATE_X["g"], top), (GATE_X["g"], mix_y - 0.3), color=COLORS["g"], lw=2)
    node(ax, (GATE_X["g"], mix_y), "×", COLORS["i"])
    arrow(ax, (GATE_X["g"], mix_y + 0.28), (GATE_X["g"], BELT_Y - 0.3), color=COLORS["g"], lw=2)
    if v is not None:
        value_tag(ax, (GATE_X["f"], BELT_Y + 0.62), _sym("fc", v), COLORS["f"])
        value_tag(ax, (GATE_X["g"] + 0.38, mix_y), _sym("ig", v), COLORS["i"], ha="left")
    # The output: tanh of the belt, scaled by o_t, leaves as h_t.
    tanh_y, mul_y = 4.3, 3.4
    arrow(ax, (TANH_X, BELT_Y), (TANH_X, tanh_y + 0.4), color=COLORS["c"], lw=2)
    node(ax, (TANH_X, tanh_y), "tanh", COLORS["c"], radius=0.38)
    arrow(ax, (TANH_X, tanh_y - 0.38), (TANH_X, mul_y + 0.3), color=COLORS["c"], lw=2)
    path(ax, [(GATE_X["o"], top), (GATE_X["o"], mul_y), (TANH_X - 0.3, mul_y)], COLORS["o"], 2)
    node(ax, (TANH_X, mul_y), "×", COLORS["o"])
    if v is not None:
        value_tag(ax, (TANH_X + 0.5, tanh_y), _sym("tanh_c", v), COLORS["c"], ha="left")
    path(ax, [(TANH_X, mul_y - 0.28), (TANH_X, BUS_Y), (14.1, BUS_Y)], COLORS["h"], 2.5)
    label(ax, (14.1, BUS_Y + 0.42), _sym("h", v), ha="right")
    label(
        ax,
        (14.1, BUS_Y - 0.9),
        "to the next step, the layer\nabove and output[:, t]",
        ha="right",
        va="top",
        fontsize=8.5,
        color=COLORS["guide"],
    )
    label(
        ax,
        (10.1, 2.45),
        r"$h_t = o_t \odot \tanh(c_t)$",
        ha="left",
        fontsize=10.5,
        color=COLORS["o"],
    )
    # The gate equations, in notebook 02's notation.
    label(
        ax,
        (7.0, -1.0),
        r"$f_t = \sigma(W_{if}\,x_t + b_{if} + W_{hf}\,h_{t-1} + b_{hf})$ (likewise $i_t$, $o_t$);"
        r"  $g_t = \tanh(W_{ig}\,x_t + b_{ig} + W_{hg}\,h_{t-1} + b_{hg})$",
        fontsize=9,
    )
    if title:
        ax.set_title(title, fontsize=11)
    return Diagram(figure_of(ax), (ax,), CELL_DESCRIPTION)


def cell_values(
    trace: GateTrace,
    step: int,
    window: int = 0,
    layer: int = 0,
    unit: int = 0,
    x: torch.Tensor | None = None,
) -> dict[str, float]:
    """One unit's gates and states at one step of one window, read from a `GateTrace`.

    Keys: i, f, g, o, c, h (after the step), c_prev and h_prev (before it: zeros at step 0,
    the state nn.LSTM starts from), the products fc = f*c_prev, ig = i*g and tanh_c; and x,
    the input at that step, when `x` is given and `layer` is 0.
    Shape: trace from `collect_gates` or `ScratchLSTM.trace`, (B, T, H) per layer; x (B, T, F).
    """
    windows, steps, units = trace.h[layer].shape
    for name, value, limit in (
        ("window", window, windows),
        ("step", step, steps),
        ("unit", unit, units),
    ):
        if not 0 <= value < limit:
            raise ValueError(f"{name} must be in 0..{limit - 1}, got {value}.")
    values = {name: float(getattr(trace, name)[layer][window, step, unit]) for name in "ifgoch"}
    before = step - 1
    values["c_prev"] = float(trace.c[layer][window, before, unit]) if step else 0.0
    values["h_prev"] = float(trace.h[layer][window, before, unit]) if step else 0.0
    values["fc"] = values["f"] * values["c_prev"]
    values["ig"] = values["i"] * values["g"]
    values["tanh_c"] = math.tanh(values["c"])
    if x is not None and layer % trace.num_layers == 0:
        values["x"] = float(torch.as_tensor(x)[window, step, 0])
    return values
