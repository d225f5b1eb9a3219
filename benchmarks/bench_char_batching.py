"""Character LM: 32 parallel streams vs one sequence at a time, time to the same validation bpc.

    python3 tasks.py bench benchmarks/bench_char_batching.py   (or: .venv/bin/python benchmarks/...)

Notebook 08's model (lh.CharLSTM: embedding 32, one LSTM layer of 256 units, dropout 0.3) on
the Sonnets, trained with Adam at a constant 1e-2 and clipping at 1, two ways:

- streams: the training text as 32 parallel streams, consecutive 64-character chunks, (h, c)
  carried and detached (2,048 characters per step), validated every 25 steps;
- batch 1: one random 64-character window per step from a zero state, as PyTorch's char-RNN
  tutorials train one example at a time (64 characters per step), validated every 200 steps.
  Its learning rate was chosen by 60-s runs of 1e-3, 3e-3 and 1e-2 (1e-2 got furthest).

Each run stops at the first validation check (state carried over the whole validation text)
at or below the target; the time is training time, validation excluded. The contenders
alternate seed by seed in one process. Prints each run, then medians and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lstm_helpers as lh

CONTENDERS = {
    "32 streams": {"batch_size": 32, "stateful": True, "eval_every": 25, "steps": 2_000},
    "batch 1": {"batch_size": 1, "stateful": False, "eval_every": 200, "steps": 40_000},
}


def run(name: str, seed: int, target: float, train_ids, val_ids, vocab_size: int) -> dict:
    """Train one contender from `seed` until the validation bpc reaches `target` (or its cap)."""
    lh.set_seed(seed)
    model = lh.CharLSTM(vocab_size=vocab_size)
    history = lh.fit_char_lm(
        model,
        train_ids,
        val_ids,
        lr=1e-2,
        chunk_length=64,
        seed=seed,
        target_bpc=target,
        **CONTENDERS[name],
    )
    reached = history.val_bpc[-1] <= target
    return {
        "name": name,
        "seed": seed,
        "reached": reached,
        "seconds": history.seconds,
        "steps": history.steps,
        "chars": history.chars,
        "ms_per_step": 1000 * history.seconds / history.steps,
        "bpc": history.val_bpc[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--target", type=float, default=2.6, help="validation bpc to reach")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    text = lh.load_sonnets()
    vocab = lh.Vocab.from_text(text)
    train_ids, val_ids, _ = (vocab.encode(p) for p in lh.split_sonnets(text))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), target {args.target}\n")
    print(
        f"{'contender':>10}  {'seed':>4}  {'seconds':>7}  {'steps':>6}  {'characters':>10}  "
        f"{'ms/step':>7}  {'val bpc':>7}"
    )
    results: dict[str, list[dict]] = {name: [] for name in CONTENDERS}
    for seed in range(args.seeds):
        for name in CONTENDERS:
            r = run(name, seed, args.target, train_ids, val_ids, len(vocab))
            results[name].append(r)
            flag = "" if r["reached"] else "  (target not reached)"
            print(
                f"{name:>10}  {seed:>4}  {r['seconds']:>7.1f}  {r['steps']:>6}  "
                f"{r['chars']:>10,}  {r['ms_per_step']:>7.1f}  {r['bpc']:>7.3f}{flag}",
                flush=True,
            )
    med = {name: statistics.median(r["seconds"] for r in runs) for name, runs in results.items()}
    print()
    for name, runs in results.items():
        print(
            f"median {name:>10}: {med[name]:.1f} s, "
            f"{statistics.median(r['chars'] for r in runs):,.0f} characters, "
            f"{statistics.median(r['ms_per_step'] for r in runs):.1f} ms per step"
        )
    print(f"batch 1 takes {med['batch 1'] / med['32 streams']:.1f}x as long as 32 streams")


if __name__ == "__main__":
    main()
