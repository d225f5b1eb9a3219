#!/usr/bin/env python3
"""Multi-step forecasting cost: carrying (h, c) against re-reading the window, side by side.

    python3 tasks.py bench benchmarks/bench_rollout.py
    .venv/bin/python benchmarks/bench_rollout.py [--repeats 15] [--horizon 50]

The tutorial's model (2 layers, H=50, untrained weights: the cost does not depend on them),
windows of T=50, one feature, batches of 1 (one forecast, as in an application) and 190
(the tutorial's test set). Three rollouts of `horizon` steps: carried state (T + K - 1 LSTM
steps), re-read sliding window (K * T steps), re-read whole growing history (the reference
the carried state equals). Timed in alternation so a busy neighbour slows all alike; the
median of the repeats and the ratio to the carried state are reported. One thread.
Exit status 1 if the carried state is not faster than re-reading the window.
"""

from __future__ import annotations

import argparse
import statistics
import sys

import torch

from lstm_helpers.forecasting import rollout_stateful, rollout_window
from lstm_helpers.models import LSTMPredictor

WAYS = {
    "carried (h, c)": lambda m, x, k: rollout_stateful(m, x, k),
    "re-read window": lambda m, x, k: rollout_window(m, x, k, window=x.shape[1]),
    "re-read history": lambda m, x, k: rollout_window(m, x, k, window=None),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--horizon", type=int, default=50)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = LSTMPredictor()
    ok = True
    print(f"horizon {args.horizon}, window 50, median of {args.repeats} repeats, 1 thread")
    for batch in (1, 190):
        x = torch.randn(batch, 50, 1)
        for way in WAYS.values():  # warm-up: oneDNN builds its kernels on first use
            way(model, x, args.horizon)
        seconds = {name: [] for name in WAYS}
        steps = {}
        for _ in range(args.repeats):
            for name, way in WAYS.items():
                r = way(model, x, args.horizon)
                seconds[name].append(r.seconds)
                steps[name] = r.lstm_steps
        base = statistics.median(seconds["carried (h, c)"])
        print(f"\nbatch {batch}:")
        print(f"{'':16s} {'LSTM steps':>10s} {'median ms':>10s} {'vs carried':>10s}")
        for name, values in seconds.items():
            med = statistics.median(values)
            print(f"{name:16s} {steps[name]:10d} {1000 * med:10.2f} {med / base:9.1f}x")
        ok &= base < statistics.median(seconds["re-read window"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
