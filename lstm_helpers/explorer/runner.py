"""The explorer's runner: settings in, a trained model and its scores out. No widgets here.

`run_experiment(data_config, model_config, train_config)` seeds, makes the sine data, builds
the model, trains it with `fit` and evaluates it; `RunResult` holds what happened. The
explorer (`lstm_helpers.explorer.widget`) turns slider values into those frozen configs and
calls this function; scripts and the exercise checkers call it directly:

    from lstm_helpers.explorer.runner import run_experiment
    result = run_experiment(DataConfig(), ModelConfig(hidden_size=8), TrainConfig(lr=1e-2))
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from lstm_helpers.config import DataConfig, ModelConfig, TrainConfig
from lstm_helpers.data import sine_data
from lstm_helpers.evaluation import Metrics, predict, regression_metrics, targets
from lstm_helpers.models import build_model
from lstm_helpers.runtime import set_seed
from lstm_helpers.training import History, fit

OPTIMIZERS = ("adam", "sgd")  # SGD uses momentum 0.9

# Each explorer setting and the config field it sets ("optimizer" is passed to fit directly).
SETTING_FIELDS: dict[str, tuple[str, str]] = {
    "cell": ("model", "cell"),
    "hidden_size": ("model", "hidden_size"),
    "num_layers": ("model", "num_layers"),
    "dropout": ("model", "dropout"),
    "lr": ("train", "lr"),
    "clip_norm": ("train", "clip_norm"),
    "max_epochs": ("train", "max_epochs"),
    "target_loss": ("train", "target_loss"),
    "seq_length": ("data", "seq_length"),
    "batch_size": ("data", "batch_size"),
    "noise_std": ("data", "noise_std"),
    "seed": ("data", "seed"),
}

# Quick enough for a retrain and redraw per slider release on a 2-core CPU (median about
# 0.4 s, under 1 s on a busy machine: benchmarks/bench_explorer.py), and accurate: test MSE
# around 3e-5.
DEFAULTS: dict[str, Any] = {
    "cell": "lstm",
    "hidden_size": 32,
    "num_layers": 1,
    "dropout": 0.0,
    "optimizer": "adam",
    "lr": 2e-2,
    "clip_norm": 1.0,
    "seq_length": 20,
    "max_epochs": 8,
    "target_loss": None,
    "batch_size": 64,
    "noise_std": 0.0,
    "seed": 0,
}

CELL_LABELS = {"lstm": "LSTM", "rnn": "vanilla RNN", "scratch_lstm": "LSTM from scratch"}


# The settings shown: two columns of (heading, names) groups.
@dataclass(eq=False)
class RunResult:
    """One training run: its configs, what `fit` recorded, test metrics and the trained model."""

    data_config: DataConfig
    model_config: ModelConfig
    train_config: TrainConfig
    optimizer: str
    model: nn.Module = field(repr=False)
    history: History = field(repr=False)
    metrics: Metrics
    y_true: torch.Tensor = field(repr=False)  # (M, 1) test targets
    y_pred: torch.Tensor = field(repr=False)  # (M, 1) one-step predictions
    baseline_mse: float  # MSE of always predicting the test targets' mean
    seconds: float  # data, model, training and evaluation
    problem: str = ""  # why the run failed to learn, with a suggestion; "" if it did
    number: int = 0  # position in an explorer's run table

    @property
    def settings(self) -> dict[str, Any]:
        """The explorer settings that produced this run."""
        configs = {"data": self.data_config, "model": self.model_config, "train": self.train_config}
        out = {name: getattr(configs[kind], f) for name, (kind, f) in SETTING_FIELDS.items()}
        return {**out, "optimizer": self.optimizer}

    @property
    def diverged(self) -> bool:
        """True if the loss or gradient became NaN or infinite (`fit` stopped)."""
        return self.history.stop_reason == "diverged"

    @property
    def failed(self) -> bool:
        """True if the run diverged or ended no better than predicting the mean."""
        return bool(self.problem)

    def __str__(self) -> str:
        # Three significant digits: stable across machines and thread counts.
        s = self.settings
        clip = "off" if s["clip_norm"] is None else f"{s['clip_norm']:.3g}"
        what = (
            f"{CELL_LABELS.get(s['cell'], s['cell'])} H={s['hidden_size']} "
            f"layers={s['num_layers']} lr={s['lr']:.3g} clip={clip}"
        )
        if self.diverged:  # when exactly is chaotic (it differs between CPUs): say only that
            return f"{what}: DIVERGED (loss or gradient NaN or infinite)"
        outcome = f"test {self.metrics}"
        if self.failed:
            outcome += " (did not learn)"
        return f"{what}: {outcome} after {self.history.epochs} epochs"

    def __repr__(self) -> str:
        return f"<RunResult {self}>"


def run_experiment(
    data_config: DataConfig,
    model_config: ModelConfig,
    train_config: TrainConfig,
    *,
    optimizer: str = "adam",
    callback: Callable[[History], bool | None] | None = None,
) -> RunResult:
    """Seed, make the sine data, build the model, train it, evaluate on the test windows.

    The plain function behind every explorer. `callback(history)` runs after each epoch;
    returning True stops training. A run that produces NaN, or ends no better than always
    predicting the mean, gets a `problem` message suggesting a lower learning rate or clipping.
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}.")
    start = time.perf_counter()
    set_seed(data_config.seed)
    data = sine_data(data_config)
    model = build_model(model_config)
    opt = (
        torch.optim.SGD(model.parameters(), lr=train_config.lr, momentum=0.9)
        if optimizer == "sgd"
        else None  # fit's default: Adam at train_config.lr
    )
    history = fit(
        model,
        data.train_loader,
        train_config,
        val_loader=data.val_loader,
        optimizer=opt,
        on_diverge="stop",
        progress=False,
        callback=callback,
    )
    y_true = targets(data.test_loader)  # (M, 1)
    y_pred = predict(model, data.test_loader)  # (M, 1)
    metrics = regression_metrics(y_pred, y_true)
    baseline = float(((y_true - y_true.mean()) ** 2).mean())
    return RunResult(
        data_config=data_config,
        model_config=model_config,
        train_config=train_config,
        optimizer=optimizer,
        model=model,
        history=history,
        metrics=metrics,
        y_true=y_true,
        y_pred=y_pred,
        baseline_mse=baseline,
        seconds=time.perf_counter() - start,
        problem=diagnose(history, metrics, baseline, train_config),
    )


def diagnose(history: History, metrics: Metrics, baseline: float, cfg: TrainConfig) -> str:
    """A message if the run diverged or learned nothing, with what to try instead; else ""."""
    if history.stop_reason == "diverged":
        what = "Training diverged: the loss or the gradient became NaN or infinite."
    elif not math.isfinite(metrics.mse) or metrics.mse >= baseline:
        what = (
            f"This run did not learn: its test MSE ({metrics.mse:.3g}) is no better than always "
            f"predicting the average ({baseline:.3g})."
        )
    else:
        return ""
    fix = f"Lower the learning rate (try {cfg.lr / 10:.2g})"
    if cfg.clip_norm is None:
        return f"{what} {fix} or turn gradient clipping on."
    return f"{what} {fix} or clip the gradient norm harder (max-norm below {cfg.clip_norm:.3g})."
