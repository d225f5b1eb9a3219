"""Windowing and the time-ordered split, drawn from what `make_windows` and `time_split` do.

Top panel: the first overlapping windows over the start of the series, each with the value(s)
it predicts. Bottom panel: the whole series, coloured by which part each *target* belongs to
(train, validation, test), with the cuts, the gap of horizon-1 windows that `time_split`
leaves out before each cut, and the first test window, whose inputs reach back over the cut.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from lstm_helpers.data import make_windows, sine_series, time_split
from lstm_helpers.diagrams._canvas import Diagram, figure_of
from lstm_helpers.plots.style import GUIDE, PALETTE, REFERENCE, legend_outside

PART_COLORS = {"train": PALETTE[0], "validation": PALETTE[4], "test": PALETTE[1]}


def split_spans(
    num_points: int, seq_length: int, horizon: int, train_frac: float, val_frac: float
) -> dict[str, tuple[int, int, int, int]]:
    """Where each part's windows start and where its targets lie, as `time_split` cuts them.

    For each part: (first window, number of windows, first target step, last target step + 1),
    read from the split of an actual windowed series of `num_points` steps.
    Shape: none.
    """
    X, y = make_windows(np.zeros(num_points), seq_length, horizon)
    split = time_split(X, y, train_frac, val_frac)
    m = len(X)
    sizes = {"train": len(split.train[0]), "validation": 0, "test": len(split.test[0])}
    starts = {"train": 0, "test": m - sizes["test"]}
    if split.val is not None:
        sizes["validation"] = len(split.val[0])
        starts["validation"] = sizes["train"] + split.gap
    spans = {}
    for part in ("train", "validation", "test"):
        if sizes[part]:
            first, count = starts[part], sizes[part]
            spans[part] = (
                first,
                count,
                first + seq_length,
                first + count - 1 + seq_length + horizon,
            )
    return spans


def draw_windowing(
    num_points: int = 1000,
    seq_length: int = 50,
    horizon: int = 1,
    train_frac: float = 0.7,
    val_frac: float = 0.1,
    windows: tuple[int, ...] = (0, 1, 2, 12),
    axes: np.ndarray | None = None,
) -> Diagram:
    """Draw overlapping windows over the series and the train/validation/test split by target time.

    `windows` are the window indices drawn in the top panel. The series is the tutorial's sine (`sine_series(num_points)`); the split is the one
    `time_split(make_windows(...), train_frac, val_frac)` makes, read from its result.
    Shape: returns a Diagram with two Axes (the windows, the split).
    """
    series = sine_series(num_points)
    last = num_points - seq_length - horizon  # the last window's start
    if not windows or min(windows) < 0 or max(windows) > last:
        raise ValueError(
            f"windows must be window indices in 0..{last} (the series has {num_points} steps), "
            f"got {windows}. Pick smaller indices or a longer series."
        )
    spans = split_spans(num_points, seq_length, horizon, train_frac, val_frac)
    if axes is None:
        _, axes = plt.subplots(
            2, 1, figsize=(8.6, 5.2), layout="constrained", gridspec_kw={"height_ratios": [1.1, 1]}
        )
    top, bottom = np.asarray(axes).reshape(-1)
    # Top: the first windows, as bars under the start of the series.
    shown = max(windows) + seq_length + horizon + 3
    t = np.arange(min(shown, num_points))
    top.plot(t, series[t], color=REFERENCE, lw=1.5, label="series", zorder=3)
    for row, start in enumerate(windows):
        level = -1.35 - 0.38 * row
        color = PALETTE[row % 4 if row % 4 != 1 else 5]
        inputs = top.plot(
            [start, start + seq_length - 1], [level] * 2, color=color, lw=5, solid_capstyle="butt"
        )[0]
        targets = np.arange(start + seq_length, start + seq_length + horizon)
        top.plot(targets, [level] * horizon, "D", color=color, ms=6)
        top.plot(targets, series[targets], "D", color=color, ms=6, mec="white", zorder=4)
        top.text(start - 1, level, f"window {start}", ha="right", va="center", fontsize=8.5)
        if row == 0:
            inputs.set_label(f"inputs: {seq_length} steps")
            top.plot(
                [],
                [],
                "D",
                color=color,
                label=f"target: the next {horizon} value(s)"
                if horizon > 1
                else "target: the next value",
            )
    top.set(
        xlim=(-12, t[-1] + 1),
        ylim=(-1.45 - 0.38 * len(windows), 1.25),
        xlabel="time step",
        ylabel="value",
        title=f"Overlapping windows: window i reads steps i..i+{seq_length - 1}, predicts "
        f"step i+{seq_length}" + (f"..i+{seq_length + horizon - 1}" if horizon > 1 else ""),
    )
    top.set_yticks([-1, 0, 1])  # values only: the bars below -1 are windows, not values
    legend_outside(top)
    # Bottom: the whole series, coloured by the part its targets belong to.
    x = np.arange(num_points)
    bottom.plot(
        x[: seq_length + 1],
        series[: seq_length + 1],
        color=GUIDE,
        lw=1.2,
        ls=":",
        label="inputs only",
    )
    for part, (_, count, lo, hi) in spans.items():
        seg = x[lo:hi]
        style = {"train": "-", "validation": "--", "test": "-."}[part]
        bottom.plot(
            seg,
            series[seg],
            color=PART_COLORS[part],
            lw=1.6,
            ls=style,
            label=f"{part} targets ({count} windows)",
        )
        bottom.axvspan(lo - 0.5, hi - 0.5, color=PART_COLORS[part], alpha=0.1, lw=0)
        short = {"train": "train", "validation": "val", "test": "test"}[part]
        bottom.text(
            (lo + hi) / 2,
            1.36,
            short,
            ha="center",
            va="center",
            fontsize=9,
            color=PART_COLORS[part],
            fontweight="bold",
        )
    cuts = [spans[p][2] - 0.5 for p in ("validation", "test") if p in spans]
    for cut in cuts:
        bottom.axvline(cut, color=GUIDE, lw=1)
    first_test = spans["test"][0]
    bottom.annotate(
        "",
        xy=(first_test, -1.45),
        xytext=(first_test + seq_length, -1.45),
        arrowprops={"arrowstyle": "|-|", "color": PART_COLORS["test"], "lw": 1.4},
    )
    bottom.text(
        first_test - 5,
        -1.45,
        "first test window's inputs",
        ha="right",
        va="center",
        fontsize=8.5,
        color=PART_COLORS["test"],
    )
    gap = horizon - 1
    gap_note = f" ({gap} windows dropped at each cut)" if gap else ""
    bottom.set(
        xlim=(-12, num_points + 5),
        ylim=(-1.75, 1.55),
        xlabel="time step",
        ylabel="value",
        title=f"Split in time order, by target time{gap_note}",
    )
    bottom.set_yticks([-1, 0, 1])
    legend_outside(bottom)
    description = _description(seq_length, horizon, spans)
    return Diagram(figure_of(top), (top, bottom), description)


def _description(seq_length: int, horizon: int, spans: dict) -> str:
    parts = ", ".join(f"{count} {part}" for part, (_, count, _, _) in spans.items())
    ahead = "value" if horizon == 1 else f"{horizon} values"
    return (
        f"Windows of {seq_length} steps slide one step at a time, each predicting the next {ahead}, "
        f"and the series is split in time order by target time into {parts} windows, so every "
        "test target comes after every training target."
    )
