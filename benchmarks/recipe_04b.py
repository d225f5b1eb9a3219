#!/usr/bin/env python3
"""Notebook 04b's one training recipe, chosen on validation data only (no test data is read).

    python3 tasks.py bench benchmarks/recipe_04b.py
    .venv/bin/python benchmarks/recipe_04b.py [--seeds 3]

Notebook 04b trains an LSTM and an MLP on two series (a noisy sine, windows of 50, and a
threshold autoregression, windows of 10) and compares them with linear baselines. Every
neural contender gets the same recipe: Adam, batches of 64, gradient clipping at 1.0,
early stopping after 10 epochs without a better validation MSE (at most 100 epochs), the best
epoch's weights restored. What is chosen here:

1. the LSTM's size and the learning rate: each of 1x32, 2x32, 2x50 (layers x units) with
   each of 1e-3, 3e-3, 1e-2, over `--seeds` seeds on both series. The rule: the median
   validation MSE over seeds on each series, divided by the best recipe's on that series;
   the recipe whose worse ratio of the two is smallest wins (near-best on both series);
2. then, with that learning rate, the MLP's number of lags k (how many of the last values
   it reads): k in 1, 2, 5, 10 on the threshold series, 10, 20, 50 on the sine; the lowest
   median validation MSE wins.

The splits are the notebook's: 70% training, 10% validation, 20% test, in time order.
One thread. It took 35 minutes on the shared 2-core machine these notebooks target, while other
jobs kept both cores busy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import torch
from torch import nn

from lstm_helpers.baselines import WindowMLP
from lstm_helpers.config import TrainConfig
from lstm_helpers.data import SeriesData, prepare_series, sine_series, threshold_series
from lstm_helpers.models import LSTMPredictor
from lstm_helpers.runtime import set_seed
from lstm_helpers.training import fit

SIZES = {"1x32": (1, 32), "2x32": (2, 32), "2x50": (2, 50)}
LRS = (1e-3, 3e-3, 1e-2)
LAGS = {"threshold": (1, 2, 5, 10), "noisy sine": (10, 20, 50)}


def series() -> dict[str, SeriesData]:
    """The notebook's two data sets, split in time order (70/10/20), batches of 64."""
    make = lambda s, t: prepare_series(s, t, train_frac=0.7, val_frac=0.1, batch_size=64)  # noqa: E731
    return {
        "noisy sine": make(sine_series(noise_std=0.1), 50),
        "threshold": make(threshold_series(), 10),
    }


def best_val(build: Callable[[], nn.Module], data: SeriesData, lr: float, seed: int) -> float:
    """The best validation MSE of one training run with the notebook's recipe."""
    set_seed(seed)
    model = build()
    config = TrainConfig(lr=lr, max_epochs=100, patience=10)
    return fit(
        model, data.train_loader, config, val_loader=data.val_loader, progress=False
    ).best_loss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    seeds = range(args.seeds)
    sets = series()
    start = time.perf_counter()

    print(f"LSTM: median validation MSE over {args.seeds} seeds (ratio to the best on the series)")
    medians: dict[tuple[str, float], dict[str, float]] = {}
    for (size, (layers, hidden)), lr in ((s, lr) for s in SIZES.items() for lr in LRS):
        build = lambda: LSTMPredictor(hidden_size=hidden, num_layers=layers)  # noqa: B023, E731
        medians[size, lr] = {
            name: statistics.median(best_val(build, data, lr, seed) for seed in seeds)
            for name, data in sets.items()
        }
    best = {name: min(m[name] for m in medians.values()) for name in sets}
    score = {key: max(m[n] / best[n] for n in sets) for key, m in medians.items()}
    for key, m in medians.items():
        cells = "  ".join(f"{n} {m[n]:.4f} ({m[n] / best[n]:.2f})" for n in sets)
        print(f"  {key[0]} lr {key[1]:g}:  {cells}   worse ratio {score[key]:.2f}")
    size, lr = min(score, key=score.get)
    print(f"chosen: {size}, lr {lr:g}")

    print(f"\nMLP (2 hidden layers of 32, ReLU), lr {lr:g}: median validation MSE by lags k")
    for name, data in sets.items():
        by_k = {
            k: statistics.median(best_val(lambda: WindowMLP(lags=k), data, lr, s) for s in seeds)  # noqa: B023
            for k in LAGS[name]
        }
        cells = "  ".join(f"k={k} {v:.4f}" for k, v in by_k.items())
        print(f"  {name}: {cells}   chosen: k={min(by_k, key=by_k.get)}")
    print(f"\n{time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
