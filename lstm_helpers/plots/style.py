"""The look shared by every plot: a colour-blind-safe palette, line styles, markers, legends.

Lines are told apart by colour AND line style AND marker, so a figure still reads in grey
scale or for a reader who cannot tell red from green. Legends go beside the axes, never over
the data. Nothing here changes matplotlib's global settings.

    styles = label_styles(["LSTM", "AR(2)"])   # one style per label, in order
    ax.plot(x, y, label="LSTM", **styles["LSTM"])
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

# Okabe & Ito's palette (2008), safe for the common colour-vision deficiencies; black is
# kept for the reference lines (history, actual values).
PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow (light: last)
)
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 1)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
REFERENCE = "black"  # history, actual values and other references
GUIDE = "#555555"  # thresholds, origins, best-epoch markers


def style(i: int) -> dict[str, Any]:
    """The i-th line style: colour, line style and marker, all three changing together.

    Shape: none.
    """
    return {
        "color": PALETTE[i % len(PALETTE)],
        "ls": LINESTYLES[i % len(LINESTYLES)],
        "marker": MARKERS[i % len(MARKERS)],
    }


def label_styles(labels: Iterable[str]) -> dict[str, dict[str, Any]]:
    """One style per label, in order; pass it to several plots to keep them consistent.

    Shape: none.
    """
    return {label: style(i) for i, label in enumerate(labels)}


def label_colors(labels: Iterable[str]) -> dict[str, str]:
    """One palette colour per label, in order (the colour of `label_styles`).

    Shape: none.
    """
    return {label: s["color"] for label, s in label_styles(labels).items()}


def style_for(colors: dict[str, str], label: str) -> dict[str, Any]:
    """The style of `label`: its colour from `colors` (added if new), line style by position.

    Shape: none.
    """
    if label not in colors:
        colors[label] = PALETTE[len(colors) % len(PALETTE)]
    i = list(colors).index(label)
    return {
        "color": colors[label],
        "ls": LINESTYLES[i % len(LINESTYLES)],
        "marker": MARKERS[i % len(MARKERS)],
    }


def new_axes(ax: Axes | None, figsize: tuple[float, float] = (8, 3)) -> Axes:
    """`ax`, or the Axes of a new figure laid out so that an outside legend fits.

    Shape: none.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def new_axes_grid(axes: object, panels: int, what: str, **subplots: Any) -> np.ndarray:
    """`axes` as a flat array, checked to hold `panels` Axes; a new figure's when None.

    `subplots` go to plt.subplots (rows, columns, figsize, ...) for the new figure.
    Shape: none.
    """
    if axes is None:
        _, axes = plt.subplots(**subplots, layout="constrained")
    axes = np.atleast_1d(np.asarray(axes, dtype=object)).reshape(-1)
    if len(axes) != panels:
        what = f" ({what})" if what else ""
        raise ValueError(f"axes must hold {panels} Axes{what}, got {len(axes)}.")
    return axes


def legend_outside(ax: Axes, **kwargs: Any) -> None:
    """A legend to the right of the axes, where it cannot hide any data.

    Shape: none.
    """
    options = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "fontsize": "small"}
    ax.legend(**{**options, **kwargs})


def markevery(n: int, marks: int = 12) -> int:
    """Draw a marker on every k-th point so a line of n points carries about `marks` markers.

    Shape: none.
    """
    return max(1, n // marks)
