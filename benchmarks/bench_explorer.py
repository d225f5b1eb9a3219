#!/usr/bin/env python3
"""Latency of the hyperparameter explorer: one retrain plus redraw, as after a slider release.

    python3 tasks.py bench benchmarks/bench_explorer.py      (or .venv/bin/python this file)

Three ways a run happens, measured side by side in one run of this script:
  foreground   `explorer.run()` in the caller's thread (code cells, tests, scripts);
  background, first   a Train click in JupyterLab: the first one starts the worker process
               (spawn: a fresh Python imports torch and the package), then trains;
  background, later   later clicks reuse the process: the job and its progress and result
               travel through queues, the kernel thread redraws.
Each repeat changes the seed (a fresh model and fresh noise, as a slider release gives) and
times from the click (or call) until the metrics, both PNG redraws and the run table are
shown. One foreground warm-up run comes first (oneDNN builds its kernels on first use); the
first background run is timed on a new explorer each repeat, so each one starts a process.
The budget: a median of at most 1.5 s for a foreground run with the default settings, and for
a later background run. Exit status 1 if either misses it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from lstm_helpers.explorer import Explorer

# The explorer is imported inside main(): a spawned worker process re-imports this file (as a
# kernel's worker re-imports ipykernel_launcher), and should not import widgets it never uses.

BUDGET_SECONDS = 1.5
VARIANTS = {  # other slider positions, foreground, for information
    "hidden size 64": {"hidden_size": 64},
    "2 layers, dropout 0.2": {"num_layers": 2, "dropout": 0.2},
    "window 50": {"seq_length": 50},
    "vanilla RNN": {"cell": "rnn"},
}


def time_foreground(explorer: Explorer, repeats: int) -> tuple[list[float], list[float]]:
    """Seconds per Train click in the caller's thread (total) and per run_experiment."""
    explorer.background = False
    explorer.run()  # warm-up
    total, train = [], []
    for i in range(repeats):
        explorer.controls["seed"].value = i + 1
        start = time.perf_counter()
        explorer.train_button.click()
        total.append(time.perf_counter() - start)
        train.append(explorer.runs[-1].seconds)
    return total, train


def background_click(explorer: Explorer) -> float:
    """Seconds from a Train click until the worker's result is shown."""
    before = len(explorer.runs)
    start = time.perf_counter()
    explorer.train_button.click()
    explorer.wait(timeout=300)
    seconds = time.perf_counter() - start
    if len(explorer.runs) != before + 1:
        raise RuntimeError(f"the background run failed: {explorer.status.value}")
    return seconds


def time_background(repeats: int, firsts: int) -> tuple[list[float], list[float], list[float]]:
    """(first clicks, process starts within them, later clicks) in seconds."""
    first, starts, later = [], [], []
    from lstm_helpers.explorer import Explorer

    for i in range(firsts):
        explorer = Explorer(background=True, auto_train=False, seed=100 + i)
        first.append(background_click(explorer))
        starts.append(explorer._background.worker.started_seconds)
        explorer.close()
    explorer = Explorer(background=True, auto_train=False)
    background_click(explorer)  # starts the process; not counted
    for i in range(repeats):
        explorer.controls["seed"].value = i + 1
        later.append(background_click(explorer))
    explorer.close()
    return first, starts, later


def row(name: str, total: list[float], train: list[float] | None = None) -> str:
    med = statistics.median(total)
    extra = ""
    if train is not None:
        med_train = statistics.median(train)
        extra = f" {med_train:8.3f} {med - med_train:8.3f}"
    return f"{name:<34} {med:6.3f} {min(total):6.3f} {max(total):6.3f}{extra}"


def main() -> None:
    from lstm_helpers.explorer import Explorer, clipping_explorer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--firsts", type=int, default=5, help="process starts to time (5)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1)")
    parser.add_argument("--quick", action="store_true", help="default settings only")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), {args.repeats} repeats")
    print(f"{'settings':<34} {'median':>6} {'min':>6} {'max':>6} {'training':>8} {'rest':>8}  (s)")
    explorer = Explorer(background=False, auto_train=False)
    fg, train = time_foreground(explorer, args.repeats)
    print(row("defaults, foreground", fg, train), flush=True)
    first, starts, later = time_background(args.repeats, args.firsts)
    print(row("defaults, background, first click", first), flush=True)
    print(row("  of which: process start", starts), flush=True)
    print(row("defaults, background, later clicks", later), flush=True)
    mse = statistics.median(r.val_mse for r in explorer.runs[1:])
    if not args.quick:
        for name, settings in VARIANTS.items():
            variant = Explorer(background=False, auto_train=False, **settings)
            print(row(f"{name}, foreground", *time_foreground(variant, args.repeats)), flush=True)
        clip = clipping_explorer(clip_norm=0.03)
        print(row("clipping explorer, clip 0.03", *time_foreground(clip, args.repeats)), flush=True)

    med_fg, med_first, med_later = (statistics.median(x) for x in (fg, first, later))
    print(
        f"\nratios to the foreground run: first background click {med_first / med_fg:.1f}x, "
        f"later background clicks {med_later / med_fg:.2f}x"
    )
    ok = max(med_fg, med_later) <= BUDGET_SECONDS
    print(
        f"defaults: median {med_fg:.3f} s per retrain + redraw in the foreground, {med_later:.3f} s "
        f"in the background; {'within' if ok else 'OVER'} the {BUDGET_SECONDS} s budget; the first "
        f"background click {med_first:.2f} s (process start {statistics.median(starts):.2f} s); "
        f"median validation MSE {mse:.2g}"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
