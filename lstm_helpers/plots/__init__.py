"""Plotting helpers: each takes `ax=None` (a new figure) and returns the Axes; none calls show().

    style.py     the shared look: colour-blind-safe palette, line styles, markers, legends
    training.py  losses, gradient norms, clipping runs, gradient profiles
    series.py    windows, predictions, forecasts, errors by horizon, the CO2 data set
    backtest.py  periods of a split, folds of a rolling-origin backtest and their scores
    gates.py     what happens inside an LSTM: gate and state heatmaps and lines
    text.py      language models: bits per character, temperatures, units over the text
    anomaly.py   labelled faults up close; signal, scores, thresholds and alarms in time
    classes.py   sequence classification: multi-feature sequences as heatmaps, a confusion matrix
    residuals.py what is left after a forecast: residual autocorrelation against noise

Every function is importable from here: `from lstm_helpers.plots import plot_losses`.
"""

from lstm_helpers.plots.anomaly import plot_detection, plot_faults
from lstm_helpers.plots.backtest import plot_backtest, plot_folds, plot_periods
from lstm_helpers.plots.classes import plot_confusion, plot_sequences
from lstm_helpers.plots.gates import plot_gate_lines, plot_gate_movement, plot_gates
from lstm_helpers.plots.residuals import plot_autocorrelation
from lstm_helpers.plots.series import (
    plot_class_examples,
    plot_decomposition,
    plot_error_by_horizon,
    plot_forecast,
    plot_monthly,
    plot_next_vs_last,
    plot_noisy_class_examples,
    plot_predictions,
    plot_series,
    plot_window,
)
from lstm_helpers.plots.style import PALETTE, label_colors, label_styles
from lstm_helpers.plots.text import (
    plot_bpc_by,
    plot_lm_history,
    plot_next_char_probs,
    plot_text_heat,
)
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
    "plot_backtest",
    "plot_bpc_by",
    "plot_class_examples",
    "plot_clipping_runs",
    "plot_confusion",
    "plot_decomposition",
    "plot_detection",
    "plot_error_by_horizon",
    "plot_faults",
    "plot_folds",
    "plot_forecast",
    "plot_gate_lines",
    "plot_gate_movement",
    "plot_gates",
    "plot_grad_norms",
    "plot_histories",
    "plot_input_gradients",
    "plot_lm_history",
    "plot_losses",
    "plot_monthly",
    "plot_next_char_probs",
    "plot_next_vs_last",
    "plot_noisy_class_examples",
    "plot_periods",
    "plot_predictions",
    "plot_sequences",
    "plot_series",
    "plot_text_heat",
    "plot_window",
]
