"""Plots for anomaly detection: each labelled fault up close, and signal, scores and alarms in time.

    plot_faults(clean, observed, labels, names=GAIT_FAULTS)        # one panel per episode
    plot_detection(signal, {"LSTM": score}, {"LSTM": thr}, labels, start=1600, stop=3424)

Labelled episodes are shaded bands (light orange, also readable in grey scale) behind every
panel; scores are drawn above the bands, the threshold as a dashed grey line, alarms as
vermillion ticks along the top of each score panel, whose axis is labelled "<name> score".
Time is in seconds (steps / rate).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes

from lstm_helpers.detection_metrics import check_labels, episodes
from lstm_helpers.plots.style import GUIDE, PALETTE, REFERENCE, legend_outside, new_axes_grid

BAND = "#E69F00"  # Okabe & Ito orange, light: the labelled episodes
ALARM = PALETTE[1]  # vermillion


def shade_episodes(ax: Axes, runs: Sequence[tuple[int, int]], rate: float, label: str = "") -> None:
    """Shade each (start, stop) run of steps as a band behind the data.

    Shape: none.
    """
    for i, (s, e) in enumerate(runs):
        ax.axvspan(
            s / rate,
            e / rate,
            color=BAND,
            alpha=0.3,
            lw=0,
            zorder=0,
            label=label if i == 0 else None,
        )


def plot_faults(
    clean: np.ndarray,
    observed: np.ndarray,
    labels: np.ndarray,
    names: Sequence[str] | None = None,
    rate: float = 32.0,
    pad: int = 48,
    axes: np.ndarray | None = None,
) -> np.ndarray:
    """One panel per labelled episode: the recording (black, dashed) and what the sensor reported.

    `pad` steps of normal signal are shown on each side. Returns the Axes, one per episode.
    Shape: clean, observed, labels (N,).
    """
    clean, observed = np.asarray(clean, dtype=float), np.asarray(observed, dtype=float)
    lab = check_labels(labels)
    if not clean.shape == observed.shape == lab.shape:
        raise ValueError(
            f"clean, observed and labels must have the same length, got {clean.shape}, "
            f"{observed.shape} and {lab.shape}."
        )
    runs = episodes(lab)
    if not runs:
        raise ValueError("labels hold no episode: nothing to show.")
    names = list(names) if names is not None else [f"episode {k + 1}" for k in range(len(runs))]
    if len(names) != len(runs):
        raise ValueError(f"names must name each of the {len(runs)} episodes, got {len(names)}.")
    cols = min(3, len(runs))
    rows = -(-len(runs) // cols)
    axes = new_axes_grid(
        axes,
        len(runs),
        "one per episode",
        nrows=rows,
        ncols=cols,
        figsize=(8, 2 * rows),
        sharey=True,
    )
    for ax, (s, e), name in zip(axes, runs, names, strict=True):
        lo, hi = max(0, s - pad), min(len(lab), e + pad)
        t = np.arange(lo, hi) / rate
        shade_episodes(ax, [(s, e)], rate, label="labelled episode")
        ax.plot(t, clean[lo:hi], color=REFERENCE, ls="--", lw=0.9, label="recording")
        ax.plot(t, observed[lo:hi], color=PALETTE[0], lw=1.2, label="observed (faults injected)")
        ax.set_title(f"{lab[s]} · {name}", fontsize="medium")
    for ax in axes[-cols:]:
        ax.set_xlabel("time (s)")
    for ax in axes[::cols]:
        ax.set_ylabel("mg")
    legend_outside(axes[cols - 1])
    return axes


def plot_detection(
    signal: np.ndarray,
    scores: Mapping[str, np.ndarray],
    thresholds: Mapping[str, float],
    labels: np.ndarray,
    start: int = 0,
    stop: int | None = None,
    rate: float = 32.0,
    names: Sequence[str] | None = None,
    marks: Mapping[str, int] | None = None,
    signal_label: str = "signal",
    axes: np.ndarray | None = None,
) -> np.ndarray:
    """The signal, then each detector's score with its threshold and alarms, on one time axis.

    Steps start..stop are drawn; labelled episodes are shaded in every panel and named
    (`names`) above the signal; `marks` ({"test": 2112}) draws a dotted line where a part
    begins. Each score axis ends at 2.5x the threshold: higher scores are cut off there.
    Returns the Axes: the signal's, then one per score. Shape: signal, labels, each score (N,).
    """
    signal = np.asarray(signal, dtype=float)
    lab = check_labels(labels)
    stop = len(signal) if stop is None else stop
    if not 0 <= start < stop <= len(signal) or lab.shape != signal.shape:
        raise ValueError(
            f"need 0 <= start < stop <= {len(signal)} and labels as long as the signal, got "
            f"start={start}, stop={stop}, {lab.shape} labels for {signal.shape} steps."
        )
    if set(scores) != set(thresholds):
        raise ValueError(
            f"give one threshold per score: scores {sorted(scores)}, thresholds {sorted(thresholds)}."
        )
    axes = new_axes_grid(
        axes,
        1 + len(scores),
        "the signal, then one per score",
        nrows=1 + len(scores),
        figsize=(8, 1.3 + len(scores)),
        sharex=True,
    )
    t = np.arange(start, stop) / rate
    runs = [(s, e) for s, e in episodes(lab) if s < stop and e > start]
    axes[0].plot(t, signal[start:stop], color=PALETTE[0], lw=0.6, label="signal", zorder=3)
    axes[0].set_ylabel(signal_label)
    for s, e in runs if names is not None else []:
        axes[0].annotate(
            names[lab[s] - 1],
            ((s + e) / 2 / rate, 1.0),
            ha="center",
            va="bottom",
            xycoords=("data", "axes fraction"),
            fontsize="small",
        )
    for part, step in (marks or {}).items():
        if start <= step < stop:
            axes[0].annotate(
                f" {part} →",
                (step / rate, 1.0),
                xycoords=("data", "axes fraction"),
                ha="left",
                va="bottom",
                fontsize="small",
                color=GUIDE,
            )
    for ax, (name, score) in zip(axes[1:], scores.items(), strict=True):
        s = np.asarray(score, dtype=float)[start:stop]
        thr = float(thresholds[name])
        top = 2.5 * thr
        ax.plot(t, np.minimum(s, top), color=PALETTE[0], lw=0.7, label="score", zorder=3)
        ax.axhline(thr, color=GUIDE, ls="--", lw=1.2, label="threshold", zorder=2)
        alarm = np.nan_to_num(s, nan=-np.inf) > thr
        ax.plot(
            t[alarm],
            np.full(int(alarm.sum()), 0.93 * top),
            "|",
            color=ALARM,
            ms=7,
            mew=1.2,
            label="alarm",
            zorder=4,
        )
        ax.set_ylim(0, top)
        ax.set_ylabel(f"{name} score")
    for ax in axes:
        shade_episodes(ax, runs, rate, label="labelled episode" if ax is axes[0] else "")
        for step in (marks or {}).values():
            if start < step < stop:
                ax.axvline(step / rate, color=GUIDE, ls=":", lw=1)
    legend_outside(axes[0])
    if len(axes) > 1:
        legend_outside(axes[1])
    axes[-1].set_xlabel("time (s)")
    axes[-1].set_xlim(start / rate, stop / rate)
    return axes
