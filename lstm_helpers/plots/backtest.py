"""Plots of an evaluation in time: the periods of a split, the folds of a backtest, their scores.

`plot_periods` shades the training, validation and test periods of a series (labelled, so no
colour is needed to tell them apart). `plot_folds` draws what each fold of a rolling-origin
backtest fits on, stops on, forecasts from and scores. `plot_backtest` shows every fold's RMSE
of every forecaster, one marker per seed, so the spread is visible before a winner is named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from lstm_helpers.plots.style import GUIDE, PALETTE, legend_outside, new_axes, style_for

if TYPE_CHECKING:
    from lstm_helpers.backtesting import Backtest, Fold

SHADES = ("#FFFFFF", "#E8E8E8", "#C8C8C8")  # light to darker grey, one per period
HATCHES = ("", "", "//")


def plot_periods(
    dates: np.ndarray,
    values: np.ndarray,
    starts: Mapping[str, str],
    ax: Axes | None = None,
    title: str = "Series",
    ylabel: str = "value",
) -> Axes:
    """A monthly series with its periods shaded and named, e.g. training, validation, test.

    `starts` maps each period's name to its first month, in order; a period ends where the
    next begins. Shades grow darker (the last is hatched) and each carries its name.
    Shape: dates (N,) datetime64[M]; values (N,).
    """
    months = np.asarray(dates, dtype="datetime64[M]")
    values = np.asarray(values)
    if months.shape != values.shape or months.ndim != 1:
        raise ValueError(
            f"dates and values must be 1-D and of equal length, got {months.shape} and "
            f"{values.shape}."
        )
    if not starts:
        raise ValueError("starts must name at least one period, e.g. {'training': '1958-03'}.")
    firsts = [np.datetime64(s, "M") for s in starts.values()]
    if any(b <= a for a, b in pairwise(firsts)):
        raise ValueError(f"the periods must start in increasing order, got {dict(starts)}.")
    ax = new_axes(ax, figsize=(8, 3))
    ends = [*firsts[1:], months[-1] + 1]
    for i, (name, first, end) in enumerate(zip(starts, firsts, ends, strict=True)):
        shade = i * (len(SHADES) - 1) // max(1, len(starts) - 1)
        ax.axvspan(first, end, color=SHADES[shade], hatch=HATCHES[shade], ec=GUIDE, lw=0, zorder=0)
        middle = first + (end - first) // 2
        ax.text(middle, 1.02, name, transform=ax.get_xaxis_transform(), ha="center", va="bottom")
    ax.plot(months, values, lw=1, color=PALETTE[0], zorder=2)
    ax.set_xlim(months[0], months[-1] + 1)
    ax.set(ylabel=ylabel)
    ax.set_title(title, pad=18)
    return ax


def plot_folds(
    dates: np.ndarray,
    folds: Sequence[Fold],
    stop_months: int = 24,
    ax: Axes | None = None,
    title: str = "Folds of the backtest",
) -> Axes:
    """One row per fold: months fitted on, months kept for stopping, forecast origins, scored months.

    `stop_months` is how many of the last months before each cut-off the networks keep to
    decide when to stop (early stopping); the other models fit on them too, and the legend
    says so (the first bar ends where they begin).

    Shape: dates (N,) datetime64[M]; folds from `make_folds` on those dates.
    """
    months = np.asarray(dates, dtype="datetime64[M]")
    if not folds:
        raise ValueError("give at least one fold (lh.make_folds).")
    ax = new_axes(ax, figsize=(8, 0.6 * len(folds) + 1.6))
    stopping = f"last {stop_months} months: networks stop on them,\nthe others fit on them"
    parts = (
        ("fitted on (all models)", "-", "o", 0),
        (stopping, "--", "s", 1),
        ("forecast origins", "-", "^", 2),
        ("scored months (targets)", ":", "D", 4),
    )
    for row, fold in enumerate(folds):
        spans = (  # [first, end) month indices of each part
            (0, fold.cutoff - stop_months),
            (fold.cutoff - stop_months, fold.cutoff),
            (fold.cutoff, fold.cutoff + fold.origins),
            (fold.cutoff, fold.stop),
        )
        for (label, ls, marker, colour), (a, b), y in zip(
            parts, spans, (row, row, row + 0.22, row - 0.22), strict=True
        ):
            ax.plot(
                [months[a], months[b - 1] + 1],
                [y, y],
                ls=ls,
                lw=4 if colour < 2 else 2.5,
                color=PALETTE[colour],
                marker=marker,
                ms=5,
                label=label if row == 0 else None,
            )
    ax.set_yticks(range(len(folds)), [f.label for f in folds])
    ax.set_ylim(len(folds) - 0.5, -0.6)  # the first fold on top
    ax.set(title=title, ylabel="fold")
    legend_outside(ax)
    return ax


def plot_backtest(
    results: Mapping[str, Backtest],
    ax: Axes | None = None,
    title: str = "RMSE by fold",
    ylabel: str = "RMSE",
    highlight: str | None = None,
    colors: dict[str, str] | None = None,
    log: bool = True,
) -> Axes:
    """Every fold's RMSE of every forecaster: one marker per seed, a line through the medians.

    Forecasters sit side by side within each fold; each has its own colour, marker and line
    style. The one named `highlight` is drawn last, larger, on top.
    Shape: each result's rmse (S, F), the same F folds.
    """
    if not results:
        raise ValueError("give at least one backtest result.")
    folds = next(iter(results.values())).folds
    if any(r.folds != folds for r in results.values()):
        raise ValueError("every backtest in one plot must use the same folds.")
    colors = dict(colors) if colors is not None else {}  # label -> colour, see label_colors
    ax = new_axes(ax)
    names = list(results)
    for name in names:
        style_for(colors, name)  # styles follow the results' order, not the drawing order
    width = 0.7 / len(names)  # room per forecaster within a fold
    order = [n for n in names if n != highlight] + ([highlight] if highlight in results else [])
    for name in order:
        result, top = results[name], name == highlight
        s = style_for(colors, name)
        x = np.arange(len(folds)) + (names.index(name) - (len(names) - 1) / 2) * width  # (F,)
        seeds = result.rmse.shape[0]
        for row in result.rmse if seeds > 1 else []:  # one open marker per seed and fold
            ax.plot(
                x,
                row,
                ls="none",
                marker=s["marker"],
                color=s["color"],
                ms=8 if top else 5,
                mfc="none",
                zorder=5 if top else 3,
            )
        ax.plot(
            x,
            result.median,
            ls=s["ls"],
            color=s["color"],
            lw=2.2 if top else 1.0,
            marker=s["marker"],
            ms=8 if top else 5,
            mfc=s["color"],
            zorder=4 if top else 2,
            label=name if seeds == 1 else f"{name} ({seeds} seeds, line: median)",
        )
    ax.set_xticks(np.arange(len(folds)), [f.label for f in folds])
    ax.set(title=title, xlabel="fold (years of its forecast origins)", ylabel=ylabel)
    if log:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 3.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))  # 0.5, 1, 2: no 10^x
        ax.yaxis.set_minor_formatter(NullFormatter())
    handles, labels = ax.get_legend_handles_labels()
    position = {n: i for i, n in enumerate(names)}
    pairs = sorted(zip(labels, handles, strict=True), key=lambda p: position[_base(p[0], names)])
    legend_outside(ax, handles=[h for _, h in pairs], labels=[lab for lab, _ in pairs])
    return ax


def _base(label: str, names: list[str]) -> str:
    """The forecaster a legend label belongs to (labels may carry a note on seeds)."""
    return next(n for n in names if label == n or label.startswith(f"{n} ("))
