"""lstm_helpers: the reusable code behind the LSTM notebooks.

One module per concern. The names the notebooks use are re-exported here, so a notebook
writes `import lstm_helpers as lh` and `lh.fit(...)`; everything else is reached through its
module (`from lstm_helpers.forecasting import ForecastTable`).

    config         frozen dataclasses: DataConfig, ModelConfig, TrainConfig, ClassifierConfig, PerStepConfig
    runtime        set_seed, get_device, eval_mode (eval mode inside a block, the mode restored
                   after), expect_error (show a mistake's error as one line)
    data           series generators, windowing, time-ordered splits by target time, loaders
    models         RecurrentPredictor (LSTMPredictor, RNNPredictor, ScratchLSTMPredictor), BiLSTMClassifier,
                   PerStepLSTM, build_model, parameter counts, with_forget_bias
    scratch        ScratchLSTM: the LSTM written out from its equations, GateTrace
    training       fit -> History, gradient_norm, mean_loss, TrainingDiverged
    evaluation     predict, evaluate, regression_metrics, Metrics, autocorrelation (of residuals)
    baselines      persistence, seasonal_naive, fit_ar (linear autoregression), WindowMLP (an
                   MLP on the last values of a window: nonlinear, without memory)
    forecasting    multi-step rollouts, forecast_windows, error_by_horizon, compare_forecasts,
                   ScaledForecaster
    scaling        fit_scaler (fitted on the training part only)
    datasets       load_co2, decompose_monthly (the shipped Mauna Loa CO2 series)
    classification wave_classes, loaders with integer labels, fit_classifier, accuracy, confusion_matrix
    sequences      per-step targets, padding and packing, stateful (truncated BPTT) training
    introspection  input_gradient_norms, gradient_profile, collect_gates, r_squared
    checkpoint     save_checkpoint, load_checkpoint (weights_only, config check), BestCheckpoint
    plots          plot_*(..., ax=None) -> Axes, with a colour-blind-safe style (plots/style.py)
    explorer       the slider explorers of notebook 06 and their runner; not imported here:
                   `from lstm_helpers.explorer import Explorer`
    exercises      the checkers of each notebook's exercises, one module per notebook; not
                   imported here: `from lstm_helpers.exercises import nb03 as check`
    environment    setup_check: the class's "run this cell" (versions, threads, widgets render?)

Importing this package does no work: no seeding, no plotting settings, no downloads.
"""

from lstm_helpers.baselines import (
    WindowMLP,
    fit_ar,
    persistence,
    seasonal_naive,
)
from lstm_helpers.checkpoint import (
    BestCheckpoint,
    load_checkpoint,
    save_checkpoint,
)
from lstm_helpers.classification import (
    accuracy,
    confusion_matrix,
    fit_classifier,
    make_class_loader,
    wave_classes,
)
from lstm_helpers.config import (
    ClassifierConfig,
    DataConfig,
    ModelConfig,
    PerStepConfig,
    TrainConfig,
)
from lstm_helpers.data import (
    create_sine_data,
    make_loader,
    make_windows,
    prepare_series,
    sine_data,
    sine_series,
    threshold_rule,
    threshold_series,
    time_split,
)
from lstm_helpers.datasets import (
    decompose_monthly,
    load_co2,
)
from lstm_helpers.environment import setup_check
from lstm_helpers.evaluation import (
    Metrics,
    autocorrelation,
    evaluate,
    predict,
    regression_metrics,
)
from lstm_helpers.forecasting import (
    ScaledForecaster,
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
    ScratchLSTMPredictor,
    build_model,
    count_parameters,
    lstm_parameter_count,
    with_forget_bias,
)
from lstm_helpers.plots import (
    label_colors,
    plot_autocorrelation,
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
from lstm_helpers.runtime import (
    eval_mode,
    expect_error,
    get_device,
    set_seed,
)
from lstm_helpers.scaling import (
    fit_scaler,
)
from lstm_helpers.scratch import (
    ScratchLSTM,
)
from lstm_helpers.sequences import (
    detach_hidden,
    last_valid_step,
    pad_sequences,
    per_step_windows,
    rollout_per_step,
    stream_chunks,
    train_stateful,
)
from lstm_helpers.training import (
    History,
    TrainingDiverged,
    fit,
    gradient_norm,
    mean_loss,
)

__all__ = [
    "BestCheckpoint",
    "BiLSTMClassifier",
    "ClassifierConfig",
    "DataConfig",
    "History",
    "LSTMPredictor",
    "Metrics",
    "ModelConfig",
    "PerStepConfig",
    "PerStepLSTM",
    "RNNPredictor",
    "ScaledForecaster",
    "ScratchLSTM",
    "ScratchLSTMPredictor",
    "TrainConfig",
    "TrainingDiverged",
    "WindowMLP",
    "accuracy",
    "autocorrelation",
    "build_model",
    "collect_gates",
    "compare_forecasts",
    "confusion_matrix",
    "count_parameters",
    "create_sine_data",
    "decompose_monthly",
    "detach_hidden",
    "error_by_horizon",
    "eval_mode",
    "evaluate",
    "expect_error",
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
    "threshold_rule",
    "threshold_series",
    "time_split",
    "train_stateful",
    "wave_classes",
    "with_forget_bias",
]
