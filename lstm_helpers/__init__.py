"""lstm_helpers: the reusable code behind the LSTM notebooks.

One module per concern; the names below are re-exported for short imports in notebooks:

    config      DataConfig, ModelConfig, TrainConfig (frozen dataclasses)
    runtime     set_seed, get_device
    data        sine_series, threshold_series, threshold_rule, create_sine_data, make_windows,
                time_split, make_loader, sine_data
    models      LSTMPredictor, RNNPredictor, build_model, count_parameters,
                BiLSTMClassifier, PerStepLSTM, with_forget_bias
    training    fit, History, gradient_norm, mean_loss, TrainingDiverged
    evaluation  predict, regression_metrics, evaluate, Metrics
    plots       plot_series, plot_window, plot_losses, plot_grad_norms, plot_predictions
                plot_clipping_runs, plot_forecast, plot_error_by_horizon, plot_next_vs_last,
                plot_monthly, plot_decomposition, label_colors, ...
    checkpoint  save_checkpoint, load_checkpoint, BestCheckpoint
    scratch     ScratchLSTM, ScratchLSTMPredictor, GateTrace (the LSTM from its equations)
    introspection  input_gradient_norms, gradient_profile, collect_gates, r_squared
    baselines   persistence, seasonal_naive, fit_ar, ARModel
    forecasting rollout_stateful, rollout_window, Rollout, forecast_windows,
                baseline_forecasts, error_by_horizon, compare_forecasts, ScaledForecaster
    scaling     fit_scaler, Scaler (fitted on the training part only)
    datasets    load_co2, MonthlySeries (monthly Mauna Loa CO2, notebooks/data/),
                decompose_monthly (trend and season)
    classification  wave_classes, make_class_loader, fit_classifier, accuracy, confusion_matrix
    sequences   per_step_windows, rollout_per_step, pad_sequences, last_valid_step,
                stream_chunks, detach_hidden, train_stateful
    widgets     Explorer, clipping_explorer, run_experiment (slider explorers; not imported
                here: `from lstm_helpers.widgets import Explorer`)
    environment setup_check (the class's "run this cell": versions, threads, widgets render?)
    check       exercise checkers for the notebooks' exercises (not imported here:
                `from lstm_helpers import check`)

Importing this package does no work: no seeding, no plotting settings, no downloads.
"""

from lstm_helpers.baselines import ARModel, fit_ar, persistence, seasonal_naive
from lstm_helpers.checkpoint import BestCheckpoint, load_checkpoint, save_checkpoint
from lstm_helpers.classification import (
    accuracy,
    class_tensors,
    confusion_matrix,
    fit_classifier,
    make_class_loader,
    wave_classes,
)
from lstm_helpers.config import ClassifierConfig, DataConfig, ModelConfig, TrainConfig
from lstm_helpers.data import (
    SeriesData,
    Split,
    create_sine_data,
    make_loader,
    make_windows,
    prepare_series,
    sine_data,
    sine_series,
    threshold_rule,
    threshold_series,
    time_split,
    to_tensors,
)
from lstm_helpers.datasets import (
    Decomposition,
    MonthlySeries,
    decompose_monthly,
    load_co2,
)
from lstm_helpers.environment import setup_check
from lstm_helpers.evaluation import Metrics, evaluate, predict, regression_metrics, targets
from lstm_helpers.forecasting import (
    ForecastTable,
    Rollout,
    ScaledForecaster,
    baseline_forecasts,
    compare_forecasts,
    error_by_horizon,
    forecast_windows,
    rollout_stateful,
    rollout_window,
)
from lstm_helpers.introspection import (
    collect_gates,
    gradient_profile,
    input_gradient_norms,
    r_squared,
)
from lstm_helpers.models import (
    BiLSTMClassifier,
    LSTMPredictor,
    PerStepLSTM,
    RNNPredictor,
    build_model,
    count_parameters,
    lstm_parameter_count,
    with_forget_bias,
)
from lstm_helpers.plots import (
    label_colors,
    plot_class_examples,
    plot_clipping_runs,
    plot_decomposition,
    plot_error_by_horizon,
    plot_forecast,
    plot_gate_lines,
    plot_gate_movement,
    plot_gates,
    plot_grad_norms,
    plot_histories,
    plot_input_gradients,
    plot_losses,
    plot_monthly,
    plot_next_vs_last,
    plot_predictions,
    plot_series,
    plot_window,
)
from lstm_helpers.runtime import get_device, set_seed
from lstm_helpers.scaling import Scaler, fit_scaler
from lstm_helpers.scratch import GateTrace, ScratchLSTM, ScratchLSTMPredictor
from lstm_helpers.sequences import (
    detach_hidden,
    last_valid_step,
    pad_sequences,
    per_step_windows,
    rollout_per_step,
    stream_chunks,
    train_stateful,
)
from lstm_helpers.training import History, TrainingDiverged, fit, gradient_norm, mean_loss

__all__ = [
    "ARModel",
    "BestCheckpoint",
    "BiLSTMClassifier",
    "ClassifierConfig",
    "DataConfig",
    "Decomposition",
    "ForecastTable",
    "GateTrace",
    "History",
    "LSTMPredictor",
    "Metrics",
    "ModelConfig",
    "MonthlySeries",
    "PerStepLSTM",
    "RNNPredictor",
    "Rollout",
    "ScaledForecaster",
    "Scaler",
    "ScratchLSTM",
    "ScratchLSTMPredictor",
    "SeriesData",
    "Split",
    "TrainConfig",
    "TrainingDiverged",
    "accuracy",
    "baseline_forecasts",
    "build_model",
    "class_tensors",
    "collect_gates",
    "compare_forecasts",
    "confusion_matrix",
    "count_parameters",
    "create_sine_data",
    "decompose_monthly",
    "detach_hidden",
    "error_by_horizon",
    "evaluate",
    "fit",
    "fit_ar",
    "fit_classifier",
    "fit_scaler",
    "forecast_windows",
    "get_device",
    "gradient_norm",
    "gradient_profile",
    "input_gradient_norms",
    "label_colors",
    "last_valid_step",
    "load_checkpoint",
    "load_co2",
    "lstm_parameter_count",
    "make_class_loader",
    "make_loader",
    "make_windows",
    "mean_loss",
    "pad_sequences",
    "per_step_windows",
    "persistence",
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
    "predict",
    "prepare_series",
    "r_squared",
    "regression_metrics",
    "rollout_per_step",
    "rollout_stateful",
    "rollout_window",
    "save_checkpoint",
    "seasonal_naive",
    "set_seed",
    "setup_check",
    "sine_data",
    "sine_series",
    "stream_chunks",
    "targets",
    "threshold_rule",
    "threshold_series",
    "time_split",
    "to_tensors",
    "train_stateful",
    "wave_classes",
    "with_forget_bias",
]
