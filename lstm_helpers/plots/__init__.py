"""Plotting helpers: each takes `ax=None` (a new figure) and returns the Axes; none calls show().

    style.py     the shared look: colour-blind-safe palette, line styles, markers, legends
    training.py  losses, gradient norms, clipping runs, gradient profiles
    series.py    windows, predictions, forecasts, errors by horizon, the CO2 data set
    gates.py     what happens inside an LSTM: gate and state heatmaps and lines
    residuals.py what is left after a forecast: residual autocorrelation against noise

Every function is importable from here: `from lstm_helpers.plots import plot_losses`.
"""

from lstm_helpers.plots.gates import plot_gate_lines, plot_gate_movement, plot_gates
from lstm_helpers.plots.residuals import plot_autocorrelation
from lstm_helpers.plots.series import (
    plot_class_examples,
    plot_decomposition,
    plot_error_by_horizon,
    plot_forecast,
    plot_monthly,
    plot_next_vs_last,
    plot_predictions,
    plot_series,
    plot_window,
)
from lstm_helpers.plots.style import PALETTE, label_colors, label_styles
from lstm_helpers.plots.training import (
    plot_clipping_runs,
    plot_grad_norms,
    plot_histories,
    plot_input_gradients,
    plot_losses,
)

__all__ = [
    "PALETTE",
    "label_colors",
    "label_styles",
    "plot_autocorrelation",
    "plot_class_examples",
    "plot_clipping_runs",
    "plot_decomposition",
    "plot_error_by_horizon",
    "plot_forecast",
    "plot_gate_lines",
    "plot_gate_movement",
    "plot_gates",
    "plot_grad_norms",
    "plot_histories",
    "plot_input_gradients",
    "plot_losses",
    "plot_monthly",
    "plot_next_vs_last",
    "plot_predictions",
    "plot_series",
    "plot_window",
]
