#!/usr/bin/env python3
"""Latency of the hyperparameter explorer: one retrain plus redraw, as after a slider release.

    python3 tasks.py bench benchmarks/bench_explorer.py      (or .venv/bin/python this file)

Each repeat changes the seed (a fresh model and fresh noise, as a slider release gives) and
times the Train button's handler in the caller's thread: data, model, training, test
metrics, both PNG redraws, the run table. One warm-up run comes first (oneDNN builds its
kernels on first use). The budget: a median of at most 1.5 s with the default settings.
Exit status 1 if the default settings miss it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import torch

from lstm_helpers.explorer import Explorer, clipping_explorer

BUDGET_SECONDS = 1.5
VARIANTS = {  # other slider positions, for information
    "hidden size 64": {"hidden_size": 64},
    "2 layers, dropout 0.2": {"num_layers": 2, "dropout": 0.2},
    "window 50": {"seq_length": 50},
    "vanilla RNN": {"cell": "rnn"},
}


def time_clicks(explorer: Explorer, repeats: int) -> tuple[list[float], list[float]]:
    """Seconds per click (total) and per run_experiment (training part), `repeats` times."""
    explorer.run()  # warm-up
    total, train = [], []
    for i in range(repeats):
        explorer.controls["seed"].value = i + 1
        start = time.perf_counter()
        explorer.train_button.click()
        total.append(time.perf_counter() - start)
        train.append(explorer.runs[-1].seconds)
    return total, train


def row(name: str, total: list[float], train: list[float]) -> str:
    med, med_train = statistics.median(total), statistics.median(train)
    return (
        f"{name:<28} {med:6.3f} {min(total):6.3f} {max(total):6.3f} "
        f"{med_train:8.3f} {med - med_train:8.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1)")
    parser.add_argument("--quick", action="store_true", help="default settings only")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), {args.repeats} repeats")
    print(
        f"{'settings':<28} {'median':>6} {'min':>6} {'max':>6} {'training':>8} {'redraw':>8}  (s)"
    )

    explorer = Explorer(background=False, auto_train=False)
    total, train = time_clicks(explorer, args.repeats)
    print(row("defaults", total, train), flush=True)
    median = statistics.median(total)
    mse = statistics.median(r.metrics.mse for r in explorer.runs[1:])
    if not args.quick:
        for name, settings in VARIANTS.items():
            variant = Explorer(background=False, auto_train=False, **settings)
            print(row(name, *time_clicks(variant, args.repeats)), flush=True)
        clip = clipping_explorer(clip_norm=0.1)
        clip.background = False
        print(row("clipping explorer, clip 0.1", *time_clicks(clip, args.repeats)), flush=True)

    verdict = "within" if median <= BUDGET_SECONDS else "OVER"
    print(
        f"\ndefaults: median {median:.3f} s per retrain + redraw, {verdict} the "
        f"{BUDGET_SECONDS} s budget; median test MSE {mse:.2g}"
    )
    sys.exit(0 if median <= BUDGET_SECONDS else 1)


if __name__ == "__main__":
    main()
