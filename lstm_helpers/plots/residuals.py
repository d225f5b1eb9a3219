"""What is left after a forecast: residual autocorrelation against the band of pure noise.

A forecaster that has learnt everything it can leaves errors that look like the noise:
one error says nothing about the next. `plot_autocorrelation` draws each forecaster's
residual autocorrelation by lag, with the band (±2/√n) inside which about 19 in 20 values of
independent noise fall.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from lstm_helpers.evaluation import autocorrelation
from lstm_helpers.plots.style import GUIDE, legend_outside, new_axes, style_for


def plot_autocorrelation(
    residuals: dict[str, np.ndarray | torch.Tensor],
    max_lag: int = 20,
    ax: Axes | None = None,
    title: str = "Autocorrelation of the residuals",
    colors: dict[str, str] | None = None,
) -> Axes:
    """One line per forecaster: the autocorrelation of its residuals at lags 1..max_lag.

    The grey band is ±2/√n for n residuals (the first forecaster's n): where independent
    noise falls about 19 times in 20. The last forecaster is drawn on top.
    Shape: each residual series (M,) or (M, 1), in time order.
    """
    if not residuals:
        raise ValueError("give at least one forecaster's residuals, as {name: errors}.")
    colors = dict(colors) if colors is not None else {}  # label -> colour, see label_colors
    ax = new_axes(ax)
    lags = np.arange(1, max_lag + 1)
    n = len(next(iter(residuals.values())))
    band = 2 / np.sqrt(n)
    ax.axhspan(-band, band, color="#DDDDDD", zorder=0, label=f"noise band ±2/√{n}")
    ax.axhline(0.0, color=GUIDE, lw=0.8, zorder=1)
    for i, (label, values) in enumerate(residuals.items()):
        r = autocorrelation(values, max_lag)  # (max_lag,)
        ax.plot(lags, r, ms=5, lw=1.5, label=label, zorder=2 + i, **style_for(colors, label))
    ax.set(
        title=title,
        xlabel="lag (windows apart)",
        ylabel="autocorrelation",
        xlim=(0.5, max_lag + 0.5),
    )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # lags are whole numbers
    legend_outside(ax)
    return ax
