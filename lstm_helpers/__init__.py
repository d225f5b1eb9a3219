"""lstm_helpers: the reusable code behind the LSTM notebooks.

One module per concern. The names the notebooks use are re-exported here, so a notebook
writes `import lstm_helpers as lh` and `lh.fit(...)`; everything else is reached through its
module (`from lstm_helpers.forecasting import ForecastTable`).

    config         frozen dataclasses: DataConfig, ModelConfig, TrainConfig, ClassifierConfig, PerStepConfig,
                   CharLMConfig
    runtime        set_seed, get_device, eval_mode (eval mode inside a block, the mode restored
                   after), expect_error (show a mistake's error as one line)
    data           series generators, windowing, time-ordered splits by target time, loaders
    model_base     SequenceModel, the base every model shares (config, checks, from_config)
    models         RecurrentPredictor (LSTMPredictor, RNNPredictor, ScratchLSTMPredictor), BiLSTMClassifier,
                   PerStepLSTM, build_model, parameter counts, with_forget_bias
    language       CharLSTM (a character language model), fit_char_lm, evaluate_bpc, char_bits,
                   sample, temperature_probs, next_char_probs
    text           Vocab (encode/decode), text_chunks, random_windows, bits_per_char, perplexity
    ngrams         character n-gram baselines: add-k, interpolated, Kneser-Ney
    scratch        ScratchLSTM: the LSTM written out from its equations, GateTrace
    training       fit -> History, gradient_norm, mean_loss, TrainingDiverged
    evaluation     predict, evaluate, regression_metrics, Metrics
    baselines      persistence, seasonal_naive, fit_ar (linear autoregression)
    forecasting    multi-step rollouts, forecast_windows, error_by_horizon, compare_forecasts,
                   ScaledForecaster
    scaling        fit_scaler (fitted on the training part only), BoundedOutput (a sigmoid output)
    backtesting    rolling-origin evaluation: make_folds, backtest, baseline_backtests, backtest_table,
                   fit_lstm_forecaster (notebook 07's recipe, LSTMRecipe), fit_ar_forecaster
    datasets       load_co2, decompose_monthly (the shipped Mauna Loa CO2 series), load_sonnets,
                   split_sonnets (Shakespeare's Sonnets), load_japanese_vowels (nine speakers,
                   variable-length utterances), load_gait_faults
    anomaly        anomaly scores (forecast errors, rolling statistics), alarm_threshold, detect
    detection_metrics  alarms against labelled episodes: point-wise, point-adjusted, event-level
    classification wave_classes, loaders with integer labels, fit_classifier, accuracy, confusion_matrix
    sequences      per-step targets, padding and packing, make_sequence_loader, stateful (truncated BPTT) training
    introspection  input_gradient_norms, gradient_profile, collect_gates, r_squared,
                   char_states, unit_correlations, scale_recurrent_weights
    checkpoint     save_checkpoint, load_checkpoint (weights_only, config check), BestCheckpoint
    plots          plot_*(..., ax=None) -> Axes, with a colour-blind-safe style (plots/style.py)
    diagrams       draw_*(...) -> Diagram (figure, axes, alt text): the LSTM cell, unrolled stacks,
                   input-output patterns, bidirectional readouts, windowing and the split; the
                   cell with a trained model's values behind a slider (CellStepExplorer)
    explorer       the slider explorers of notebook 06 and their runner; not imported here:
                   `from lstm_helpers.explorer import Explorer`
    exercises      the checkers of each notebook's exercises, one module per notebook; not
                   imported here: `from lstm_helpers.exercises import nb03 as check`
    environment    setup_check: the class's "run this cell" (versions, threads, widgets render?)

Importing this package does no work: no seeding, no plotting settings, no downloads.
"""

from lstm_helpers.anomaly import (
    abs_zscore,
    alarm_threshold,
    detect,
    forecast_errors,
    rolling_std,
    rolling_zscore,
)
from lstm_helpers.backtesting import (
    LSTMRecipe,
    backtest,
    backtest_table,
    baseline_backtests,
    fit_ar_forecaster,
    fit_lstm_forecaster,
    make_folds,
)
from lstm_helpers.baselines import (
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
    CharLMConfig,
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
    load_gait_faults,
    load_japanese_vowels,
    load_sonnets,
    split_sonnets,
)
from lstm_helpers.detection_metrics import (
    DetectionReport,
    alarm_runs,
    detection_delays,
    detection_report,
    episodes,
    point_adjust,
    pointwise_scores,
)
from lstm_helpers.diagrams import (
    CellStepExplorer,
    Diagram,
    cell_values,
    draw_bidirectional_readouts,
    draw_cell_step,
    draw_lstm_cell,
    draw_rnn_patterns,
    draw_unrolled_lstm,
    draw_windowing,
)
from lstm_helpers.environment import setup_check
from lstm_helpers.evaluation import (
    Metrics,
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
    char_states,
    collect_gates,
    gradient_profile,
    input_gradient_norms,
    r_squared,
    scale_recurrent_weights,
    unit_correlations,
)
from lstm_helpers.language import (
    CharLSTM,
    LMHistory,
    char_bits,
    evaluate_bpc,
    fit_char_lm,
    next_char_probs,
    sample,
    temperature_probs,
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
from lstm_helpers.ngrams import (
    addk_bits,
    interpolated_bits,
    kneser_ney_bits,
)
from lstm_helpers.plots import (
    label_colors,
    plot_backtest,
    plot_bpc_by,
    plot_class_examples,
    plot_clipping_runs,
    plot_confusion,
    plot_decomposition,
    plot_detection,
    plot_error_by_horizon,
    plot_faults,
    plot_folds,
    plot_forecast,
    plot_gate_lines,
    plot_gate_movement,
    plot_gates,
    plot_grad_norms,
    plot_histories,
    plot_input_gradients,
    plot_lm_history,
    plot_losses,
    plot_monthly,
    plot_next_char_probs,
    plot_next_vs_last,
    plot_periods,
    plot_predictions,
    plot_sequences,
    plot_series,
    plot_text_heat,
    plot_window,
)
from lstm_helpers.runtime import (
    eval_mode,
    expect_error,
    get_device,
    set_seed,
)
from lstm_helpers.scaling import (
    BoundedOutput,
    fit_scaler,
)
from lstm_helpers.scratch import (
    ScratchLSTM,
)
from lstm_helpers.sequences import (
    detach_hidden,
    last_valid_step,
    make_sequence_loader,
    pad_sequences,
    per_step_windows,
    rollout_per_step,
    stream_chunks,
    stream_errors,
    train_stateful,
)
from lstm_helpers.summary_baselines import (
    FeatureClassifier,
    fit_logistic_regression,
    fit_mlp,
    summary_features,
)
from lstm_helpers.text import (
    Vocab,
    bits_per_char,
    chars_since_newline,
    perplexity,
    random_windows,
    text_chunks,
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
    "BoundedOutput",
    "CellStepExplorer",
    "CharLMConfig",
    "CharLSTM",
    "ClassifierConfig",
    "DataConfig",
    "DetectionReport",
    "Diagram",
    "FeatureClassifier",
    "History",
    "LMHistory",
    "LSTMPredictor",
    "LSTMRecipe",
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
    "Vocab",
    "abs_zscore",
    "accuracy",
    "addk_bits",
    "alarm_runs",
    "alarm_threshold",
    "backtest",
    "backtest_table",
    "baseline_backtests",
    "bits_per_char",
    "build_model",
    "cell_values",
    "char_bits",
    "char_states",
    "chars_since_newline",
    "collect_gates",
    "compare_forecasts",
    "confusion_matrix",
    "count_parameters",
    "create_sine_data",
    "decompose_monthly",
    "detach_hidden",
    "detect",
    "detection_delays",
    "detection_report",
    "draw_bidirectional_readouts",
    "draw_cell_step",
    "draw_lstm_cell",
    "draw_rnn_patterns",
    "draw_unrolled_lstm",
    "draw_windowing",
    "episodes",
    "error_by_horizon",
    "eval_mode",
    "evaluate",
    "evaluate_bpc",
    "expect_error",
    "fit",
    "fit_ar",
    "fit_ar_forecaster",
    "fit_char_lm",
    "fit_classifier",
    "fit_logistic_regression",
    "fit_lstm_forecaster",
    "fit_mlp",
    "fit_scaler",
    "forecast_errors",
    "forecast_windows",
    "get_device",
    "gradient_norm",
    "gradient_profile",
    "input_gradient_norms",
    "interpolated_bits",
    "kneser_ney_bits",
    "label_colors",
    "last_valid_step",
    "load_checkpoint",
    "load_co2",
    "load_gait_faults",
    "load_japanese_vowels",
    "load_sonnets",
    "lstm_parameter_count",
    "make_class_loader",
    "make_folds",
    "make_loader",
    "make_sequence_loader",
    "make_windows",
    "mean_loss",
    "next_char_probs",
    "pad_sequences",
    "per_step_windows",
    "perplexity",
    "persistence",
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
    "plot_periods",
    "plot_predictions",
    "plot_sequences",
    "plot_series",
    "plot_text_heat",
    "plot_window",
    "point_adjust",
    "pointwise_scores",
    "predict",
    "prepare_series",
    "r_squared",
    "random_windows",
    "regression_metrics",
    "rolling_std",
    "rolling_zscore",
    "rollout_per_step",
    "rollout_stateful",
    "rollout_window",
    "sample",
    "save_checkpoint",
    "scale_recurrent_weights",
    "seasonal_naive",
    "set_seed",
    "setup_check",
    "sine_data",
    "sine_series",
    "split_sonnets",
    "stream_chunks",
    "stream_errors",
    "summary_features",
    "temperature_probs",
    "text_chunks",
    "threshold_rule",
    "threshold_series",
    "time_split",
    "train_stateful",
    "unit_correlations",
    "wave_classes",
    "with_forget_bias",
]
