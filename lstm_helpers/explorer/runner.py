"""The explorer's runner: settings in, a trained model and its validation scores out. No widgets.

`run_experiment(data_config, model_config, train_config)` seeds, makes the sine data, builds
the model, trains it with `fit` and scores it on the validation windows; `RunResult` holds what
happened. Runs are compared by their validation MSE; `evaluate_test(result)` scores a chosen
run on the test windows, once, at the end. The explorer (`lstm_helpers.explorer.widget`) turns
slider values into those frozen configs (`configs_for`) and calls these functions; scripts and
the exercise checkers call them directly:

    from lstm_helpers.explorer.runner import run_experiment
    result = run_experiment(DataConfig(), ModelConfig(hidden_size=8), TrainConfig(lr=1e-2))

A run leaves the caller's random state alone: it seeds Python's, NumPy's and torch's global
generators for itself inside `isolated_rng()`, which puts the caller's states back afterwards.
So the same settings give the same result wherever they run (here, or in the explorer's
worker process), and the cells around a run draw the same numbers as without it.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import torch
from torch import nn

from lstm_helpers.config import DataConfig, ModelConfig, TrainConfig
from lstm_helpers.data import sine_data
from lstm_helpers.evaluation import Metrics, evaluate, predict, regression_metrics, targets
from lstm_helpers.models import build_model
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
# 0.4 s: benchmarks/bench_explorer.py), and accurate: validation MSE a few 1e-5.
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

# The explorer's own configs, which the settings above change: a validation part to compare
# runs on, and the last epoch's weights kept (no `restore_best`), so the metrics of a run
# are those of the end of its loss curve.
BASE_DATA = DataConfig(train_frac=0.7, val_frac=0.15)
BASE_MODEL = ModelConfig()
BASE_TRAIN = TrainConfig(restore_best=False)

CELL_LABELS = {"lstm": "LSTM", "rnn": "vanilla RNN", "scratch_lstm": "LSTM from scratch"}


@contextmanager
def isolated_rng() -> Iterator[None]:
    """Inside the block, draw from Python's, NumPy's and torch's global RNGs; restore them after.

    The caller's generator states are saved on entry and put back on exit (also after an
    error), so code inside may seed and draw freely. CUDA generators are not touched: a run
    of the explorer uses the CPU only.
    Shape: none.
    """
    py_state = random.getstate()
    np_state = np.random.get_state()  # noqa: NPY002 - the legacy global generator is the point
    torch_state = torch.get_rng_state()
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)  # noqa: NPY002
        torch.set_rng_state(torch_state)


def seed_cpu(seed: int) -> None:
    """Seed Python's, NumPy's and torch's CPU generators (what `lh.set_seed` does, minus CUDA).

    Shape: none.
    """
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002
    torch.default_generator.manual_seed(seed)


def configs_for(
    settings: dict[str, Any],
    data_config: DataConfig = BASE_DATA,
    model_config: ModelConfig = BASE_MODEL,
    train_config: TrainConfig = BASE_TRAIN,
) -> tuple[DataConfig, ModelConfig, TrainConfig]:
    """The frozen configs that explorer `settings` describe, on top of the given base configs.

    Every name of `SETTING_FIELDS` must be in `settings`; each config checks its own values.
    Shape: none.
    """
    missing = set(SETTING_FIELDS) - set(settings)
    if missing:
        raise ValueError(f"settings lack {sorted(missing)}; give every one of {list(DEFAULTS)}.")
    changes: dict[str, dict[str, Any]] = {"data": {}, "model": {}, "train": {}}
    for name, (kind, config_field) in SETTING_FIELDS.items():
        changes[kind][config_field] = settings[name]
    if settings["num_layers"] == 1:
        changes["model"]["dropout"] = 0.0  # PyTorch ignores it with one layer: record that
    return (
        replace(data_config, **changes["data"]),
        replace(model_config, **changes["model"]),
        replace(train_config, **changes["train"]),
    )


@dataclass(eq=False)
class RunResult:
    """One training run: its configs, what `fit` recorded, validation metrics and the model."""

    data_config: DataConfig
    model_config: ModelConfig
    train_config: TrainConfig
    optimizer: str
    model: nn.Module = field(repr=False)
    history: History = field(repr=False)
    val_metrics: Metrics  # of the model at the end of training, on the validation windows
    y_true: torch.Tensor = field(repr=False)  # (M, 1) validation targets
    y_pred: torch.Tensor = field(repr=False)  # (M, 1) one-step predictions of them
    baseline_mse: float  # validation MSE of always predicting the validation targets' mean
    seconds: float  # data, model, training and validation scores
    problem: str = ""  # why the run failed to learn, with a suggestion; "" if it did
    number: int = 0  # position in an explorer's run table
    test_metrics: Metrics | None = None  # set by evaluate_test, once the run has been chosen

    @property
    def settings(self) -> dict[str, Any]:
        """The explorer settings that produced this run."""
        configs = {"data": self.data_config, "model": self.model_config, "train": self.train_config}
        out = {name: getattr(configs[kind], f) for name, (kind, f) in SETTING_FIELDS.items()}
        return {**out, "optimizer": self.optimizer}

    @property
    def val_mse(self) -> float:
        """The validation MSE, the number runs are compared by."""
        return self.val_metrics.mse

    @property
    def diverged(self) -> bool:
        """True if the loss or gradient became NaN or infinite (`fit` stopped)."""
        return self.history.stop_reason == "diverged"

    @property
    def failed(self) -> bool:
        """True if the run diverged or ended no better than predicting the mean."""
        return bool(self.problem)

    def describe(self) -> str:
        """The settings that matter most, in one short line."""
        s = self.settings
        clip = "off" if s["clip_norm"] is None else f"{s['clip_norm']:.3g}"
        return (
            f"{CELL_LABELS.get(s['cell'], s['cell'])} H={s['hidden_size']} "
            f"layers={s['num_layers']} lr={s['lr']:.3g} clip={clip}"
        )

    def __str__(self) -> str:
        # Three significant digits: stable across machines and thread counts.
        if self.diverged:  # when exactly is chaotic (it differs between CPUs): say only that
            return f"{self.describe()}: DIVERGED (loss or gradient NaN or infinite)"
        outcome = f"validation {self.val_metrics}"
        if self.failed:
            outcome += " (did not learn)"
        return f"{self.describe()}: {outcome} after {self.history.epochs} epochs"

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
    """Seed, make the sine data, build the model, train it, score it on the validation windows.

    The plain function behind every explorer. `callback(history)` runs after each epoch;
    returning True stops training. A run that produces NaN, or ends no better than always
    predicting the mean, gets a `problem` message suggesting a lower learning rate or
    clipping. The caller's global random state is the same afterwards (`isolated_rng`).
    Shape: the result's y_true and y_pred are (M, 1), one row per validation window.
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}.")
    if data_config.val_frac <= 0:
        raise ValueError(
            f"runs are compared on validation windows, but val_frac is {data_config.val_frac}. "
            "Give the DataConfig a validation part, e.g. train_frac=0.7, val_frac=0.15."
        )
    start = time.perf_counter()
    with isolated_rng():
        seed_cpu(data_config.seed)
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
        y_true = targets(data.val_loader)  # (M, 1)
        y_pred = predict(model, data.val_loader)  # (M, 1)
    metrics = regression_metrics(y_pred, y_true)
    baseline = float(((y_true - y_true.mean()) ** 2).mean())
    return RunResult(
        data_config=data_config,
        model_config=model_config,
        train_config=train_config,
        optimizer=optimizer,
        model=model,
        history=history,
        val_metrics=metrics,
        y_true=y_true,
        y_pred=y_pred,
        baseline_mse=baseline,
        seconds=time.perf_counter() - start,
        problem=diagnose(history, metrics, baseline, train_config),
    )


def evaluate_test(result: RunResult) -> Metrics:
    """Score a chosen run's model on the test windows (and keep the metrics in the result).

    The test windows come after the validation windows in time and take no part in choosing
    settings: call this once, for the run the validation MSE picked. The global random state
    is left as it was.
    Shape: the model reads test windows (M, T, 1) and predicts (M, 1).
    """
    with isolated_rng():
        data = sine_data(result.data_config)
        result.test_metrics = evaluate(result.model, data.test_loader)
    return result.test_metrics


# Runs compared with each other share these settings: the same series and noise, and the same
# seed (initial weights, batch order). A lower validation MSE on other data, or with another
# seed, can be easier data or a luckier start rather than better settings.
SAME_DATA = ("noise_std", "seed")


def comparable(runs: list[RunResult], like: RunResult) -> list[RunResult]:
    """The runs with the same `SAME_DATA` settings as `like` (itself included), in order.

    Shape: none.
    """
    key = {name: like.settings[name] for name in SAME_DATA}
    return [r for r in runs if all(r.settings[n] == v for n, v in key.items())]


def best_run(runs: list[RunResult], like: RunResult | None = None) -> RunResult | None:
    """The run with the lowest validation MSE among those that learned, or None.

    With `like`, only runs on the same data and seed as `like` compete (`comparable`).
    Shape: none.
    """
    pool = runs if like is None else comparable(runs, like)
    ok = [r for r in pool if not r.failed and math.isfinite(r.val_mse)]
    return min(ok, key=lambda r: r.val_mse, default=None)


def diagnose(history: History, metrics: Metrics, baseline: float, cfg: TrainConfig) -> str:
    """A message if the run diverged or learned nothing, with what to try instead; else ""."""
    if history.stop_reason == "diverged":
        what = "Training diverged: the loss or the gradient became NaN or infinite."
    elif not math.isfinite(metrics.mse) or metrics.mse >= baseline:
        what = (
            f"This run did not learn: its validation MSE ({metrics.mse:.3g}) is no better than "
            f"always predicting the average ({baseline:.3g})."
        )
    else:
        return ""
    fix = f"Lower the learning rate (try {cfg.lr / 10:.2g})"
    if cfg.clip_norm is None:
        return f"{what} {fix} or turn gradient clipping on."
    return f"{what} {fix} or clip the gradient norm harder (max-norm below {cfg.clip_norm:.3g})."
