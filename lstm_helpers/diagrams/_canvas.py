"""The drawing kit every diagram shares: the Diagram it returns, boxes, nodes and arrows.

Coordinates are data units on an axes with no ticks (`canvas`), so a diagram is laid out on
a grid in its own module and drawn with these few primitives. Colours come from the series'
colour-blind-safe palette (plots/style.py); every element also carries a text label, so no
diagram relies on colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from matplotlib.text import Text

from lstm_helpers.plots.style import GUIDE, PALETTE, REFERENCE

# One colour per role, the same in every diagram.
COLORS = {
    "i": PALETTE[0],  # input gate: blue
    "f": PALETTE[1],  # forget gate: vermillion
    "g": PALETTE[2],  # candidate: bluish green
    "o": PALETTE[3],  # output gate: reddish purple
    "c": PALETTE[4],  # cell state, the conveyor belt: orange
    "h": PALETTE[5],  # hidden state: sky blue
    "x": REFERENCE,  # inputs: black
    "y": PALETTE[2],  # predictions
    "guide": GUIDE,
}
BOX_FILL = "#F2F2F2"  # the cell body and other neutral boxes
LIGHT = {"i": "#CCE3F0", "f": "#F7DFCC", "g": "#CCECE3", "o": "#F5E4ED", "c": "#FAECCC"}


@dataclass(frozen=True)
class Diagram:
    """A drawn diagram: its Figure, its Axes and a one-sentence description (the alt text).

    The description is what the notebook's `*Figure:*` line says about it.
    """

    figure: Figure
    axes: tuple[Axes, ...]
    description: str

    @property
    def ax(self) -> Axes:
        """The first (often the only) Axes."""
        return self.axes[0]

    def texts(self) -> list[str]:
        """Every text label drawn, in drawing order (titles included)."""
        found = [t.get_text() for t in self.figure.findobj(Text)]
        return [t for t in found if t]


def canvas(
    ax: Axes | None, size: tuple[float, float], xlim: tuple[float, float], ylim: tuple[float, float]
) -> Axes:
    """`ax`, or a new figure's Axes, set up as a blank drawing area with equal units.

    Shape: none.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    ax.set(xlim=xlim, ylim=ylim, aspect="equal")
    ax.axis("off")
    return ax


def box(
    ax: Axes,
    center: tuple[float, float],
    width: float,
    height: float,
    text: str = "",
    color: str = REFERENCE,
    fill: str = BOX_FILL,
    fontsize: float = 11,
    lw: float = 1.5,
    zorder: float = 2,
    **text_kw: Any,
) -> FancyBboxPatch:
    """A rounded box centred on `center`, with `text` in its middle.

    Shape: none.
    """
    x, y = center
    patch = FancyBboxPatch(
        (x - width / 2, y - height / 2),
        width,
        height,
        boxstyle="round,pad=0.02,rounding_size=0.12",
        ec=color,
        fc=fill,
        lw=lw,
        zorder=zorder,
    )
    ax.add_patch(patch)
    if text:
        ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=4, **text_kw)
    return patch


def node(
    ax: Axes, center: tuple[float, float], symbol: str, color: str, radius: float = 0.28
) -> None:
    """A round operation node (×, +, tanh) on a line.

    Shape: none.
    """
    ax.add_patch(Circle(center, radius, ec=color, fc="white", lw=1.8, zorder=3))
    size = 9 if len(symbol) > 1 else 13
    ax.text(*center, symbol, ha="center", va="center", fontsize=size, zorder=4)


def arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    color: str = REFERENCE,
    lw: float = 1.5,
    head: bool = True,
    ls: str = "-",
    shrink: float = 0.0,
) -> None:
    """A straight line from `start` to `end`, with an arrow head at `end` unless head=False.

    Shape: none.
    """
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>" if head else "-",
            mutation_scale=12,
            color=color,
            lw=lw,
            ls=ls,
            shrinkA=shrink,
            shrinkB=shrink,
            zorder=1,
        )
    )


def path(
    ax: Axes, points: list[tuple[float, float]], color: str = REFERENCE, lw: float = 1.5
) -> None:
    """A line through several points whose last segment ends in an arrow head.

    Shape: none.
    """
    xs, ys = zip(*points[:-1], strict=True)
    ax.plot(xs, ys, color=color, lw=lw, zorder=1, solid_capstyle="butt")
    arrow(ax, points[-2], points[-1], color=color, lw=lw)


def label(ax: Axes, xy: tuple[float, float], text: str, **kw: Any) -> Text:
    """A text label at `xy` (centred unless `ha`/`va` say otherwise).

    Shape: none.
    """
    options = {"ha": "center", "va": "center", "fontsize": 11, "zorder": 5, **kw}
    return ax.text(*xy, text, **options)


def value_tag(ax: Axes, xy: tuple[float, float], text: str, color: str, **kw: Any) -> Text:
    """A value printed in a small white box edged in `color`, so it reads over any line.

    Shape: none.
    """
    options = {"ha": "center", "va": "center", "fontsize": 9.5, "zorder": 6, **kw}
    bbox = {"boxstyle": "round,pad=0.18", "fc": "white", "ec": color, "lw": 1.0}
    return ax.text(*xy, text, bbox=bbox, **options)


def figure_of(ax: Axes) -> Figure:
    """The Figure an Axes belongs to (its top-level figure, not a subfigure).

    Shape: none.
    """
    return ax.get_figure(root=True) if hasattr(ax, "get_figure") else ax.figure
