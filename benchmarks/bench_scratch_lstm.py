#!/usr/bin/env python3
"""Forward+backward time of the from-scratch LSTM against nn.LSTM, side by side in one run.

    python3 tasks.py bench benchmarks/bench_scratch_lstm.py
    .venv/bin/python benchmarks/bench_scratch_lstm.py [--repeats 30]

The tutorial's sizes: 2 layers, H=50, window T=50, one feature; batch 32 (the tutorial's)
and 760 (its whole training set). One thread, as the notebooks and tests run. Both models
hold the same weights; the two are timed in alternation so a busy neighbour on this shared
machine slows both alike. Reported: the median of the repeats and the ratio of medians.
Goal (issue 3): the scratch LSTM at most 3x nn.LSTM at batch 32.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torch import nn

from lstm_helpers.scratch import ScratchLSTM


def step_seconds(model: nn.Module, x: torch.Tensor) -> float:
    """Seconds for one forward and backward pass (gradients reset first)."""
    model.zero_grad(set_to_none=True)
    start = time.perf_counter()
    out, _ = model(x)  # (B, T, F) -> (B, T, H)
    out[:, -1].sum().backward()
    return time.perf_counter() - start


def bench(batch: int, repeats: int, warmup: int = 3) -> tuple[float, float]:
    """Median forward+backward seconds of (nn.LSTM, ScratchLSTM) at one batch size."""
    torch.manual_seed(0)
    ref = nn.LSTM(1, 50, 2, batch_first=True)
    scratch = ScratchLSTM.from_torch(ref)
    x = torch.randn(batch, 50, 1)  # (B, T, F)
    times: dict[str, list[float]] = {"torch": [], "scratch": []}
    for r in range(warmup + repeats):
        for name, model in (("torch", ref), ("scratch", scratch)):
            seconds = step_seconds(model, x)
            if r >= warmup:
                times[name].append(seconds)
    return statistics.median(times["torch"]), statistics.median(times["scratch"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, 1 thread, 2-layer LSTM H=50 T=50 F=1, forward+backward")
    print(f"{'batch':>6} {'nn.LSTM ms':>11} {'scratch ms':>11} {'ratio':>6}")
    for batch, repeats in ((32, args.repeats), (760, max(5, args.repeats // 3))):
        t_ref, t_scratch = bench(batch, repeats)
        print(
            f"{batch:>6} {t_ref * 1e3:>11.2f} {t_scratch * 1e3:>11.2f} {t_scratch / t_ref:>5.2f}x",
            flush=True,
        )


if __name__ == "__main__":
    main()
