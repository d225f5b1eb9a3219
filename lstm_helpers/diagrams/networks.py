r"""LSTMs drawn over time: a stack unrolled, the three input-output patterns, bidirectional readouts.

draw_unrolled_lstm()          what `output`, `h_n` and `c_n` are, and what batch_first changes
draw_rnn_patterns()           many-to-one (the tutorial), many-to-many, sequence-to-sequence
draw_bidirectional_readouts() which inputs out[:, -1] and (h_n[-2], h_n[-1]) have read
"""

from __future__ import annotations

from itertools import pairwise

import matplotlib.pyplot as plt
import numpy as np
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
)

CELL_W, CELL_H = 1.3, 0.9


def _states_arrow(ax: Axes, x0: float, x1: float, y: float, dashed: bool = False) -> None:
    """The pair (h, c) passed from one step to the next: two parallel arrows."""
    ls = "--" if dashed else "-"
    arrow(ax, (x0, y + 0.16), (x1, y + 0.16), COLORS["h"], lw=1.6, ls=ls)
    arrow(ax, (x0, y - 0.16), (x1, y - 0.16), COLORS["c"], lw=2.2, ls=ls)


def _bracket(ax: Axes, x0: float, x1: float, y: float, color: str, down: bool = False) -> None:
    """A square bracket from x0 to x1 at height y, its ends pointing up (or down)."""
    tip = -0.15 if not down else 0.15
    ax.plot([x0, x0, x1, x1], [y - tip, y, y, y - tip], color=color, lw=1.6, zorder=3)


def draw_unrolled_lstm(num_layers: int = 2, ax: Axes | None = None) -> Diagram:
    """Draw a stacked LSTM unrolled over T steps, marking `output`, `h_n` and `c_n`.

    Each row is a layer, each column a time step; (h, c) flow right, h flows up. The top
    row's h at every step is `output`; the last column's states of every layer are h_n, c_n.
    Shape: num_layers rows (1 to 3); returns a Diagram with one Axes.
    """
    if num_layers not in (1, 2, 3):
        raise ValueError(f"num_layers must be 1, 2 or 3 to fit the picture, got {num_layers}.")
    top_y = 1.5 + 1.9 * (num_layers - 1)
    ax = canvas(ax, (8.6, 2.2 + 1.1 * num_layers), (-2.3, 15.7), (-1.55, top_y + 2.35))
    columns = {"1": 1.6, "2": 4.0, "3": 6.4, "T": 9.8}  # the steps drawn; "..." between 3 and T
    rows = [1.5 + 1.9 * k for k in range(num_layers)]
    for k, y in enumerate(rows):
        for x in columns.values():
            box(ax, (x, y), CELL_W, CELL_H, f"LSTM\nlayer {k}", COLORS["i"], LIGHT["i"], 9)
        xs = list(columns.values())
        _states_arrow(ax, -0.75, xs[0] - CELL_W / 2, y)
        for a, b in pairwise(xs):
            _states_arrow(ax, a + CELL_W / 2, b - CELL_W / 2, y, dashed=b == columns["T"])
        label(ax, (8.1, y + 0.45), "⋯", fontsize=14)
        label(ax, (-0.8, y), f"$h_0, c_0$\nlayer {k}", ha="right", fontsize=8.5)
        # The last step's states of this layer leave to the right: row k of h_n and c_n.
        _states_arrow(ax, columns["T"] + CELL_W / 2, 11.6, y)
        label(ax, (11.7, y), f"h_n[{k}]\nc_n[{k}]", ha="left", fontsize=9.5)
    label(
        ax,
        (-2.2, -0.45),
        "$h_0, c_0$: zeros\nwhen hidden=None",
        ha="left",
        fontsize=8,
        color=COLORS["guide"],
    )
    label(
        ax,
        (11.7, rows[-1] + 0.95),
        "output[:, -1] is h_n[-1]",
        ha="left",
        fontsize=8.5,
        color=COLORS["guide"],
    )
    # What the two arrow colours carry.
    arrow(ax, (11.3, -0.3), (12.1, -0.3), COLORS["h"], lw=1.6)
    label(ax, (12.25, -0.3), "h: hidden state", ha="left", fontsize=8.5)
    arrow(ax, (11.3, -0.75), (12.1, -0.75), COLORS["c"], lw=2.2)
    label(ax, (12.25, -0.75), "c: cell state", ha="left", fontsize=8.5)
    for step, x in columns.items():
        arrow(ax, (x, -0.15), (x, rows[0] - CELL_H / 2), COLORS["x"], lw=1.6)
        label(ax, (x, -0.45), f"$x_{step}$", fontsize=11)
        for y0, y1 in pairwise(rows):  # h feeds the layer above
            arrow(ax, (x, y0 + CELL_H / 2), (x, y1 - CELL_H / 2), COLORS["h"], lw=1.6)
        arrow(ax, (x, rows[-1] + CELL_H / 2), (x, rows[-1] + 1.15), COLORS["h"], lw=1.6)
        label(
            ax,
            (x, rows[-1] + 1.35),
            f"output[:, {'-1' if step == 'T' else int(step) - 1}]",
            fontsize=8.5,
        )
    _bracket(ax, columns["1"] - 0.7, columns["T"] + 0.7, top_y + 1.6, COLORS["h"])
    label(
        ax,
        (5.7, top_y + 1.95),
        "output: the top layer's $h_t$ at every step, (B, T, H) with batch_first=True",
        fontsize=9.5,
    )
    ax.plot([13.55] * 2, [rows[0] - 0.4, rows[-1] + 0.4], color=COLORS["c"], lw=1.6)
    label(
        ax,
        (13.7, (rows[0] + rows[-1]) / 2),
        "h_n, c_n:\nevery layer's\nlast step,\n(L, B, H)",
        ha="left",
        fontsize=8.5,
        va="center",
    )
    label(
        ax,
        (5.0, -1.3),
        "batch_first=True: x (B, T, F), output (B, T, H).   Default (False): x (T, B, F), "
        "output (T, B, H).   h_n, c_n: (L, B, H) either way.",
        fontsize=8.5,
        color=COLORS["guide"],
    )
    description = (
        f"A {num_layers}-layer LSTM unrolled over T steps: (h, c) flows right along each layer "
        "and h flows up; output collects the top layer's h at every step, while h_n and c_n "
        "hold every layer's states after the last step."
    )
    return Diagram(figure_of(ax), (ax,), description)


def _row(ax: Axes, xs: list[float], y: float, text: str, color: str, fill: str) -> None:
    """A row of cells at height y, with (h, c) passed between neighbours."""
    for x in xs:
        box(ax, (x, y), 0.8, 0.7, text, color, fill, 8)
    for a, b in pairwise(xs):
        arrow(ax, (a + 0.4, y), (b - 0.4, y), COLORS["c"], lw=1.8)


def _io(ax: Axes, x: float, y: float, text: str, up: bool, color: str) -> None:
    """An input arrow into a cell from below (up=True) or an output arrow out of its top."""
    if up:
        arrow(ax, (x, y - 0.95), (x, y - 0.35), color, lw=1.4)
        label(ax, (x, y - 1.2), text, fontsize=10)
    else:
        arrow(ax, (x, y + 0.35), (x, y + 0.95), color, lw=1.4)
        label(ax, (x, y + 1.22), text, fontsize=10)


def draw_rnn_patterns(axes: np.ndarray | None = None) -> Diagram:
    """Draw many-to-one (the tutorial), many-to-many and sequence-to-sequence side by side.

    Shape: axes None or three Axes; returns a Diagram with three Axes.
    """
    if axes is None:
        _, axes = plt.subplots(
            1,
            3,
            figsize=(10, 3.0),
            layout="constrained",
            gridspec_kw={"width_ratios": [4.3, 4.3, 7.0]},
        )
    axes = np.asarray(axes).reshape(-1)
    y = 1.4
    xs = [0.6, 1.6, 2.6, 3.6]
    titles = [
        "many-to-one\nthe tutorial: fc(out[:, -1])",
        "many-to-many\na prediction per step: fc(out)",
        "sequence-to-sequence\nencoder reads, decoder writes K values",
    ]
    for ax, title, width in zip(axes, titles, (4.2, 4.2, 6.9), strict=True):
        canvas(ax, (4, 3), (-0.1, width), (-0.1, 3.1))
        ax.set_title(title, fontsize=9.5)
    for ax, per_step in ((axes[0], False), (axes[1], True)):
        _row(ax, xs, y, "LSTM", COLORS["i"], LIGHT["i"])
        for t, x in enumerate(xs, 1):
            step = "T" if t == 4 else str(t)
            _io(ax, x, y, f"$x_{step}$", True, COLORS["x"])
            if per_step or t == 4:
                _io(ax, x, y, rf"$\hat y_{step}$" if per_step else r"$\hat y$", False, COLORS["y"])
    enc, dec = [0.6, 1.6, 2.6], [4.3, 5.3, 6.3]
    _row(axes[2], enc, y, "enc.", COLORS["i"], LIGHT["i"])
    _row(axes[2], dec, y, "dec.", COLORS["o"], LIGHT["o"])
    arrow(axes[2], (enc[-1] + 0.4, y), (dec[0] - 0.4, y), COLORS["c"], lw=2.4)
    label(axes[2], ((enc[-1] + dec[0]) / 2, y + 0.3), "(h, c)", fontsize=9)
    for t, x in enumerate(enc, 1):
        _io(axes[2], x, y, f"$x_{'T' if t == 3 else t}$", True, COLORS["x"])
    for k, x in enumerate(dec, 1):
        _io(axes[2], x, y, rf"$\hat y_{{T+{k}}}$", False, COLORS["y"])
        fed_back = rf"$\hat y_{{T+{k - 1}}}$" if k > 1 else "start"
        _io(axes[2], x, y, fed_back, True, COLORS["y"] if k > 1 else COLORS["x"])
    label(
        axes[2],
        (5.3, -0.05),
        "each prediction is the next input",
        fontsize=8,
        color=COLORS["guide"],
    )
    description = (
        "Three ways to use an LSTM: many-to-one reads a whole window and predicts once from the "
        "last step (the tutorial), many-to-many predicts at every step, and sequence-to-sequence "
        "passes the encoder's (h, c) to a decoder that feeds each prediction back in."
    )
    return Diagram(figure_of(axes[0]), tuple(axes), description)


def draw_bidirectional_readouts(steps: int = 5, axes: np.ndarray | None = None) -> Diagram:
    """Draw which inputs the two readouts of a bidirectional LSTM have read.

    Top: `out[:, -1]` joins the forward state after step T (it has read x_1..x_T) with the
    backward state at step T (it has read x_T only). Bottom: `torch.cat([h_n[-2], h_n[-1]], 1)`
    joins the forward state after step T with the backward state after step 1: both halves
    have read the whole window.
    Shape: steps (3 to 8) columns; returns a Diagram with two Axes.
    """
    if not 3 <= steps <= 8:
        raise ValueError(f"steps must be 3..8 to fit the picture, got {steps}.")
    if axes is None:
        _, axes = plt.subplots(2, 1, figsize=(8, 5.2), layout="constrained")
    axes = np.asarray(axes).reshape(-1)
    xs = [0.5 + 1.5 * t for t in range(steps)]
    right = xs[-1] + 4.3
    last = f"x_{steps}"
    panels = [
        (
            axes[0],
            steps - 1,
            "out[:, -1]",
            rf"$\overleftarrow{{h}}_{{{steps}}}$ has read ${last}$ only",
        ),
        (
            axes[1],
            0,
            "torch.cat([h_n[-2], h_n[-1]], dim=1)",
            r"$\overleftarrow{h}_1$ has read" + "\n" + rf"${last} \dots x_1$: all",
        ),
    ]
    for ax, backward_at, title, backward_text in panels:
        canvas(ax, (8, 2.8), (-2.2, right), (-1.1, 3.05))  # room on the left for a label
        fwd_y, x_y, bwd_y = 2.55, 1.6, 0.65  # the inputs sit between the two directions
        for t, x in enumerate(xs):
            rows = ((fwd_y, "fwd", "i", t == steps - 1), (bwd_y, "bwd", "f", t == backward_at))
            for y, name, role, read in rows:  # a state the readout takes is drawn bold
                fill = LIGHT[role] if read else "white"
                box(ax, (x, y), 1.0, 0.62, name, COLORS[role], fill, 8.5, lw=3 if read else 1.2)
            label(ax, (x, x_y), f"$x_{t + 1}$", fontsize=10)
            arrow(ax, (x, x_y + 0.22), (x, fwd_y - 0.31), COLORS["x"], lw=1.2)
            arrow(ax, (x, x_y - 0.22), (x, bwd_y + 0.31), COLORS["x"], lw=1.2)
        for a, b in pairwise(xs):
            arrow(ax, (a + 0.5, fwd_y), (b - 0.5, fwd_y), COLORS["i"], lw=1.6)
            arrow(ax, (b - 0.5, bwd_y), (a + 0.5, bwd_y), COLORS["f"], lw=1.6)
        text_x = xs[-1] + 0.75
        label(
            ax,
            (text_x, fwd_y),
            rf"$\overrightarrow{{h}}_{{{steps}}}$ has read $x_1 \dots {last}$",
            ha="left",
            fontsize=9.5,
            color=COLORS["i"],
        )
        # The backward label sits beside the state the readout takes: right of it, or left.
        at_right = backward_at == steps - 1
        beside = (text_x, bwd_y) if at_right else (xs[0] - 0.75, bwd_y)
        ha = "left" if at_right else "right"
        label(ax, beside, backward_text, ha=ha, fontsize=9.5, color=COLORS["f"])
        # What each half has read, as brackets under the backward row.
        _bracket(ax, xs[0] - 0.4, xs[-1] + 0.4, -0.2, COLORS["i"], down=True)
        lo = xs[backward_at] if backward_at == steps - 1 else xs[0]
        _bracket(ax, lo - 0.4, xs[-1] + 0.4, -0.65, COLORS["f"], down=True)
        label(
            ax,
            (text_x, -0.2),
            "inputs the forward half has read",
            ha="left",
            fontsize=8.5,
            color=COLORS["i"],
        )
        label(
            ax,
            (text_x, -0.65),
            "inputs the backward half has read",
            ha="left",
            fontsize=8.5,
            color=COLORS["f"],
        )
        ax.set_title(f"readout {title}", fontsize=10.5, family="monospace")
    description = (
        "In a bidirectional LSTM, out[:, -1] pairs the forward state that has read the whole "
        "window with a backward state that has read only the last step, while h_n[-2] and "
        "h_n[-1] are both states that have read the whole window."
    )
    return Diagram(figure_of(axes[0]), tuple(axes), description)
