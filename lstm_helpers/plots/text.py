"""Plots for language models: learning curves in bits per character, next-character
distributions at several temperatures, bits per character against a feature of the text,
and a unit's activation drawn as colour behind the characters. Each returns its Axes.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.axes import Axes

from lstm_helpers._checks import as_numpy
from lstm_helpers.language import LMHistory
from lstm_helpers.plots.style import (
    GUIDE,
    PALETTE,
    label_styles,
    legend_outside,
    markevery,
    new_axes,
    style,
)
from lstm_helpers.text import Vocab

HATCHES = ("", "//", "..", "xx", "\\\\", "++")
BASELINE_DASHES = ("-.", ":", (0, (8, 2, 1, 2, 1, 2)), (0, (10, 3)))  # none like validation's "--"
SHOWN = {"\n": "⏎", " ": "␣"}  # characters that would be invisible as labels


def show_char(ch: str) -> str:
    """A character as a visible label: a newline as ⏎, a space as ␣.

    Shape: none.
    """
    return SHOWN.get(ch, ch)


def plot_lm_history(
    history: LMHistory,
    baselines: dict[str, float] | None = None,
    ax: Axes | None = None,
    title: str = "Bits per character while training",
    smooth: int = 10,
) -> Axes:
    """Training and validation bits per character while training, with baselines as lines.

    The training curve is a running mean over `smooth` steps (each step's batch is noisy);
    validation is drawn at its checks; each baseline's validation bpc is a horizontal grey line,
    told apart from the others by its dashes (and from the model's lines by its colour).

    Shape: history.train_bpc (steps,), history.val_bpc (checks,).
    """
    ax = new_axes(ax, figsize=(8, 3.5))
    train = np.asarray(history.train_bpc, dtype=float)
    if len(train):
        k = max(1, min(int(smooth), len(train)))
        running = np.convolve(train, np.ones(k) / k, mode="valid")  # (steps - k + 1,)
        steps = np.arange(k, len(train) + 1)
        ax.plot(
            steps,
            running,
            lw=1.5,
            ms=4,
            markevery=markevery(len(steps)),
            **style(0),
            label=f"training batches (mean of {k} steps)",
        )
    if history.val_bpc:
        ax.plot(
            history.val_steps, history.val_bpc, lw=2, ms=6, **style(1), label="validation", zorder=3
        )
    for i, (name, value) in enumerate((baselines or {}).items()):
        ax.axhline(
            value,
            color=GUIDE,
            lw=1.3,
            ls=BASELINE_DASHES[i % len(BASELINE_DASHES)],
            label=f"{name} (validation)",
        )
    shown = [*history.val_bpc, *(baselines or {}).values(), *train[-1:]]
    if shown:
        ax.set_ylim(bottom=min(shown) - 0.15)  # keep the lowest line off the frame
    ax.set(title=title, xlabel="training step", ylabel="bits per character")
    legend_outside(ax)
    return ax


def plot_next_char_probs(
    probs: dict[str, torch.Tensor | np.ndarray],
    vocab: Vocab,
    top: int = 10,
    ax: Axes | None = None,
    title: str = "The next character at three temperatures",
) -> Axes:
    """Bars of each distribution's probabilities of the characters most likely under the first.

    The `top` characters most likely under the first distribution, most likely first.

    Shape: each value (V,) probabilities, V = len(vocab).
    """
    if not probs:
        raise ValueError("probs must hold at least one distribution.")
    ax = new_axes(ax, figsize=(8, 3.2))
    first = as_numpy(next(iter(probs.values()))).reshape(-1)
    if first.shape != (len(vocab),):
        raise ValueError(f"each distribution must have {len(vocab)} values, got {first.shape}.")
    order = np.argsort(-first, kind="stable")[:top]  # the top characters, most likely first
    width = 0.8 / len(probs)
    for i, (label, p) in enumerate(probs.items()):
        values = as_numpy(p).reshape(-1)[order]
        ax.bar(
            np.arange(len(order)) + (i - (len(probs) - 1) / 2) * width,
            values,
            width,
            color=PALETTE[i % len(PALETTE)],
            hatch=HATCHES[i % len(HATCHES)],
            edgecolor="white",
            label=label,
        )
    ax.set_xticks(np.arange(len(order)), [show_char(vocab.chars[j]) for j in order])
    ax.set(title=title, xlabel="next character", ylabel="probability", ylim=(0, 1))
    legend_outside(ax)
    return ax


def plot_bpc_by(
    x: np.ndarray | list,
    curves: dict[str, np.ndarray | list],
    ax: Axes | None = None,
    xlabel: str = "",
    title: str = "",
    xticklabels: list[str] | None = None,
) -> Axes:
    """Bits per character of several models against one quantity, one line per model.

    Shape: x (K,), each curve (K,).
    """
    ax = new_axes(ax, figsize=(8, 3.2))
    for label, s in label_styles(curves).items():
        ax.plot(x, as_numpy(np.asarray(curves[label], dtype=float)), lw=1.8, ms=5, label=label, **s)
    if xticklabels is not None:
        ax.set_xticks(x, xticklabels)
    ax.set(title=title, xlabel=xlabel, ylabel="bits per character")
    legend_outside(ax)
    return ax


def plot_text_heat(
    text: str,
    values: np.ndarray | torch.Tensor,
    ax: Axes | None = None,
    title: str = "",
    label: str = "activation",
) -> Axes:
    """The text, line by line, each character on a cell coloured by its value (viridis).

    A newline is drawn as ⏎ at the end of its line, coloured by the value after reading it;
    a space is an empty coloured cell.
    Shape: text of N characters, values (N,).
    """
    v = np.asarray(as_numpy(values), dtype=float).reshape(-1)
    if len(v) != len(text):
        raise ValueError(f"values must have one entry per character ({len(text)}), got {len(v)}.")
    lines, row = [], []
    for ch in text:
        row.append(ch)
        if ch == "\n":
            lines.append(row)
            row = []
    if row:
        lines.append(row)
    width = max(len(r) for r in lines)
    grid = np.full((len(lines), width), np.nan)
    i = 0
    for r, chars in enumerate(lines):
        grid[r, : len(chars)] = v[i : i + len(chars)]
        i += len(chars)
    ax = new_axes(ax, figsize=(10, 0.3 * len(lines) + 0.8))
    image = ax.imshow(grid, aspect="auto", cmap="viridis", interpolation="nearest")
    lo, hi = np.nanmin(grid), np.nanmax(grid)
    for r, chars in enumerate(lines):
        for c, ch in enumerate(chars):
            bright = (grid[r, c] - lo) / (hi - lo + 1e-12) > 0.6  # dark text on light cells
            ax.text(
                c,
                r,
                "⏎" if ch == "\n" else ch,  # a space stays an empty cell
                ha="center",
                va="center",
                family="monospace",
                fontsize=8,
                color="black" if bright else "white",
            )
    ax.figure.colorbar(image, ax=ax, pad=0.01, label=label)
    ax.set(title=title, xticks=[], yticks=[])
    return ax
