"""Plots for sequence classification: multi-feature sequences as heatmaps, and a confusion matrix.

Heatmaps use a blue-red diverging map around 0 and the confusion matrix a single-hue blue
scale, both readable with the common colour-vision deficiencies; the confusion matrix also
writes every count in its cell and outlines the mistakes, so nothing rests on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from lstm_helpers._checks import as_numpy
from lstm_helpers.plots.style import PALETTE, new_axes, new_axes_grid

MISTAKE = PALETTE[1]  # vermillion: the outline of an off-diagonal (wrong) cell


def plot_sequences(
    sequences: Sequence[np.ndarray | torch.Tensor],
    titles: Sequence[str],
    axes: np.ndarray | None = None,
    feature_name: str = "feature ",
    value_label: str = "value",
) -> np.ndarray:
    """One heatmap per sequence, features down and steps across, on one shared colour range.

    All panels share the step axis up to the longest sequence, so shorter ones end early
    (blank beyond their end). Every feature row is labelled when there are at most 12, else
    the first and the last. `value_label` names the colour bar.
    Returns the array of Axes (pass `axes` with one per sequence).
    Shape: sequences of (T_i, F) each, as many titles.
    """
    if len(sequences) == 0 or len(titles) != len(sequences):
        raise ValueError(
            f"give at least one sequence and one title per sequence, got {len(sequences)} "
            f"sequences and {len(titles)} titles."
        )
    arrays = [as_numpy(s, np.float64) for s in sequences]
    if any(a.ndim != 2 for a in arrays):
        raise ValueError(
            f"each sequence must be (steps, features), got {[a.shape for a in arrays]}."
        )
    axes = new_axes_grid(
        axes, len(arrays), "one per sequence", ncols=len(arrays), figsize=(2.6 * len(arrays), 2.8)
    )
    vmax = max(float(np.abs(a).max()) for a in arrays) or 1.0
    longest = max(len(a) for a in arrays)
    for ax, a, title in zip(axes, arrays, titles, strict=True):
        image = ax.imshow(
            a.T, aspect="auto", interpolation="nearest", cmap="RdBu_r", vmin=-vmax, vmax=vmax
        )  # (T, F) -> features down, steps across
        ax.set(title=title, xlabel="frame", xlim=(-0.5, longest - 0.5))
        rows = range(a.shape[1]) if a.shape[1] <= 12 else [0, a.shape[1] - 1]  # all, or the ends
        ax.set_yticks(list(rows), [f"{feature_name}{i + 1}" for i in rows], fontsize=8)
    axes[0].figure.colorbar(image, ax=list(axes), pad=0.01, label=value_label)
    return axes


def plot_confusion(
    matrix: np.ndarray | torch.Tensor,
    class_names: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str = "Confusion matrix",
    xlabel: str = "predicted class",
    ylabel: str = "true class",
) -> Axes:
    """A confusion matrix: every count written in its cell, shaded by its share of the row.

    Rows are true classes, columns predicted ones. The shade is the count divided by the row's
    total (so small and large classes read alike); off-diagonal cells with a count, the
    mistakes, get an outline.
    Shape: matrix (C, C) of counts.
    """
    counts = as_numpy(matrix)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or counts.shape[0] == 0:
        raise ValueError(f"matrix must be square (classes, classes), got shape {counts.shape}.")
    if (counts < 0).any() or not np.allclose(counts, np.round(counts)):
        raise ValueError("matrix must hold counts: whole numbers >= 0 (lh.confusion_matrix).")
    c = counts.shape[0]
    names = list(class_names) if class_names is not None else [str(k) for k in range(c)]
    if len(names) != c:
        raise ValueError(f"class_names must name {c} classes, got {len(names)}.")
    ax = new_axes(ax, figsize=(5.5, 4.5))
    rows = counts.sum(axis=1, keepdims=True)
    share = np.divide(counts, rows, out=np.zeros(counts.shape), where=rows > 0)  # (C, C)
    image = ax.imshow(share, cmap="Blues", vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.figure.colorbar(image, ax=ax, pad=0.02, label="share of the row (true class)")
    for i in range(c):
        for j in range(c):
            if counts[i, j] == 0:
                continue
            dark = share[i, j] > 0.6
            ax.text(
                j,
                i,
                f"{int(counts[i, j])}",
                ha="center",
                va="center",
                fontsize="small",
                color="white" if dark else "black",
                fontweight="normal" if i == j else "bold",
            )
            if i != j:
                ax.add_patch(
                    Rectangle((j - 0.45, i - 0.45), 0.9, 0.9, fill=False, edgecolor=MISTAKE, lw=1.8)
                )
    ax.set_xticks(range(c), names)
    ax.set_yticks(range(c), names)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return ax
