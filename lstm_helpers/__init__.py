"""lstm_helpers: the reusable code behind the LSTM notebooks.

One module per concern; the names below are re-exported for short imports in notebooks:

    config      DataConfig, ModelConfig, TrainConfig (frozen dataclasses)
    runtime     set_seed, get_device
    data        sine_series, create_sine_data, make_windows, time_split, make_loader, sine_data
    models      LSTMPredictor, RNNPredictor, build_model, count_parameters
    training    fit, History, gradient_norm, mean_loss, TrainingDiverged
    evaluation  predict, regression_metrics, evaluate, Metrics
    plots       plot_series, plot_window, plot_losses, plot_grad_norms, plot_predictions
    checkpoint  save_checkpoint, load_checkpoint

Importing this package does no work: no seeding, no plotting settings, no downloads.
"""

from lstm_helpers.checkpoint import load_checkpoint, save_checkpoint
from lstm_helpers.config import DataConfig, ModelConfig, TrainConfig
from lstm_helpers.data import (
    SeriesData,
    Split,
    create_sine_data,
    make_loader,
    make_windows,
    prepare_series,
    sine_data,
    sine_series,
    time_split,
    to_tensors,
)
from lstm_helpers.evaluation import Metrics, evaluate, predict, regression_metrics, targets
from lstm_helpers.models import (
    LSTMPredictor,
    RNNPredictor,
    build_model,
    count_parameters,
    lstm_parameter_count,
)
from lstm_helpers.plots import (
    plot_grad_norms,
    plot_losses,
    plot_predictions,
    plot_series,
    plot_window,
)
from lstm_helpers.runtime import get_device, set_seed
from lstm_helpers.training import History, TrainingDiverged, fit, gradient_norm, mean_loss

__all__ = [
    "DataConfig",
    "History",
    "LSTMPredictor",
    "Metrics",
    "ModelConfig",
    "RNNPredictor",
    "SeriesData",
    "Split",
    "TrainConfig",
    "TrainingDiverged",
    "build_model",
    "count_parameters",
    "create_sine_data",
    "evaluate",
    "fit",
    "get_device",
    "gradient_norm",
    "load_checkpoint",
    "lstm_parameter_count",
    "make_loader",
    "make_windows",
    "mean_loss",
    "plot_grad_norms",
    "plot_losses",
    "plot_predictions",
    "plot_series",
    "plot_window",
    "predict",
    "prepare_series",
    "regression_metrics",
    "save_checkpoint",
    "set_seed",
    "sine_data",
    "sine_series",
    "targets",
    "time_split",
    "to_tensors",
]
