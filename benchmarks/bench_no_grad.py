#!/usr/bin/env python3
"""Evaluation with and without torch.no_grad(): time and memory, side by side in one run.

    python3 tasks.py bench benchmarks/bench_no_grad.py
    .venv/bin/python benchmarks/bench_no_grad.py [--repeats 100]

The tutorial's model (2 layers, H=50, in eval mode: dropout off in both variants) and its
190 test windows of 50 steps (notebook 04), read in one forward pass as `lh.predict` reads
them. The only difference between the variants is whether autograd records the pass.

What is measured, and how:

- time: the median of `--repeats` passes per variant, the two alternated so that a busy
  neighbour slows both alike, after one warm-up pass each (oneDNN builds its kernels on
  first use). One thread.
- memory, from PyTorch's CPU allocator: PyTorch has no allocator statistics for the CPU
  like CUDA's `torch.cuda.max_memory_allocated`, but its profiler (`profile_memory=True`)
  records every allocation and release of tensor memory. Summing them in time order gives
  the peak allocated during the pass and what is still allocated after it while the
  prediction is kept: with autograd recording, that is the graph saved for `backward()`.
- tracemalloc, for comparison: it traces Python's own allocator only, and tensor storage
  comes from PyTorch's C++ allocator, so it sees a few KiB in both variants. It is the
  wrong tool for tensor memory; the table shows why.

Exit status 1 if no_grad is not faster, or does not allocate less at peak and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import torch
from torch.profiler import ProfilerActivity, profile

from lstm_helpers.data import sine_data
from lstm_helpers.models import LSTMPredictor
from lstm_helpers.runtime import eval_mode

VARIANTS = {"recording (no no_grad)": nullcontext, "inside torch.no_grad()": torch.no_grad}
MIB = 2**20


def forward(model: LSTMPredictor, X: torch.Tensor, variant: str) -> torch.Tensor:
    """One evaluation pass, in eval mode, with or without autograd recording.

    Shape: X (B, T, 1) -> (B, 1).
    """
    with eval_mode(model), VARIANTS[variant]():
        prediction, _ = model(X)  # (190, 50, 1) -> (190, 1)
    return prediction


@contextmanager
def quiet_stderr() -> Iterator[None]:
    """Silence the profiler's start/stop lines, which its C++ side writes to file descriptor 2."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def allocated(model: LSTMPredictor, X: torch.Tensor, variant: str) -> tuple[int, int]:
    """(peak bytes allocated during one pass, bytes still allocated after it), prediction kept."""
    with quiet_stderr(), profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        prediction = forward(model, X, variant)  # kept alive, as a caller keeps its predictions
    events = [e for e in prof.profiler.kineto_results.events() if e.name() == "[memory]"]
    current = peak = 0
    for event in sorted(events, key=lambda e: e.start_ns()):
        current += event.nbytes()  # positive: allocated, negative: released
        peak = max(peak, current)
    del prediction
    return peak, current


def traced_peak(model: LSTMPredictor, X: torch.Tensor, variant: str) -> int:
    """tracemalloc's peak during one pass: Python's allocator only."""
    tracemalloc.start()
    prediction = forward(model, X, variant)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del prediction
    return peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=100)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)  # untrained weights: the cost does not depend on them
    model = LSTMPredictor()
    X, _ = sine_data().split.test  # the tutorial's split: (190, 50, 1)

    seconds: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for name in VARIANTS:  # warm-up
        forward(model, X, name)
    for _ in range(args.repeats):
        for name in VARIANTS:
            start = time.perf_counter()
            prediction = forward(model, X, name)
            seconds[name].append(time.perf_counter() - start)
            del prediction  # frees the graph before the next pass
    memory = {name: allocated(model, X, name) for name in VARIANTS}
    traced = {name: traced_peak(model, X, name) for name in VARIANTS}

    print(
        f"tutorial's model (2 layers, H=50), {len(X)} windows of {X.shape[1]} steps, one pass in "
        f"eval mode, median of {args.repeats}, 1 thread, torch {torch.__version__}"
    )
    print(
        f"\n{'':24s} {'median ms':>10s} {'peak allocated':>15s} {'kept after':>11s} "
        f"{'tracemalloc':>12s}"
    )
    for name in VARIANTS:
        peak, kept = memory[name]
        print(
            f"{name:24s} {1000 * statistics.median(seconds[name]):10.1f} "
            f"{peak / MIB:11.1f} MiB {kept / MIB:7.2f} MiB {traced[name] / 1024:8.1f} KiB"
        )
    recording, plain = VARIANTS
    ratio = statistics.median(seconds[recording]) / statistics.median(seconds[plain])
    print(
        f"\nno_grad: {ratio:.2f}x as fast, {memory[recording][0] / memory[plain][0]:.1f}x less "
        "memory at peak"
    )
    ok = ratio > 1 and all(memory[plain][i] < memory[recording][i] for i in (0, 1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
