"""Train notebook 08's character language model on the Sonnets and save its checkpoint.

    .venv/bin/python tools/train_char_lm.py                  # the shipped checkpoint, seed 0
    .venv/bin/python tools/train_char_lm.py --out /tmp/x.pt --seed 1
    .venv/bin/python tools/train_char_lm.py --compare --seeds 0 1 2   # stateful vs stateless

The recipe (chosen on validation, see notebooks/data/README.md): `lh.CharLSTM` with its
defaults (embedding 32, one LSTM layer of 256 units, dropout 0.3 on the embeddings and the
LSTM output), 32 parallel streams of the training sonnets in chunks of 64 characters with
(h, c) carried and detached, Adam at 1e-2 decaying along a cosine to 5e-4 over 600 steps,
gradients clipped to norm 1. It reads 1.2 M characters (16 passes) in about 45-100 s on one
CPU thread. One thread makes the run bit-identical from run to run.

The checkpoint is `lh.save_checkpoint`'s format (state_dict + config, loaded with
`weights_only=True`); its `extra` holds the vocabulary, the recipe and the validation and
test bits per character. `--compare` trains stateful and stateless models with the same
recipe and budget for each seed and writes their bits per character under three
evaluations to a JSON file (notebook 08 reads it).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing the package

import lstm_helpers as lh  # noqa: E402

RECIPE = {
    "batch_size": 32,
    "chunk_length": 64,
    "steps": 600,
    "lr": 1e-2,
    "final_lr": 5e-4,
    "clip_norm": 1.0,
}
CHECKPOINT = ROOT / "notebooks" / "data" / "char_lstm_sonnets.pt"
COMPARISON = ROOT / "notebooks" / "data" / "char_lm_stateful_vs_stateless.json"


def data() -> tuple[lh.Vocab, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The vocabulary of the whole text, and the encoded train, validation and test parts."""
    text = lh.load_sonnets()
    vocab = lh.Vocab.from_text(text)  # the whole text: ")" occurs only in validation
    parts = lh.split_sonnets(text)
    return vocab, *(vocab.encode(p) for p in parts)


def train(seed: int, steps: int, stateful: bool = True) -> tuple[lh.CharLSTM, lh.LMHistory]:
    """The recipe's model, trained from `seed`."""
    vocab, train_ids, val_ids, _ = data()
    lh.set_seed(seed)
    model = lh.CharLSTM(vocab_size=len(vocab))
    recipe = {**RECIPE, "steps": steps}
    history = lh.fit_char_lm(
        model, train_ids, val_ids, stateful=stateful, eval_every=100, seed=seed, **recipe
    )
    return model, history


def make_checkpoint(args: argparse.Namespace) -> dict:
    vocab, _, val_ids, test_ids = data()
    start = time.perf_counter()
    model, history = train(args.seed, args.steps)
    wall = time.perf_counter() - start
    val_bpc = lh.evaluate_bpc(model, val_ids)
    test_bpc = lh.evaluate_bpc(model, test_ids)
    extra = {
        "vocab": vocab.chars,
        "seed": args.seed,
        "recipe": {**RECIPE, "steps": args.steps, "stateful": True},
        "val_bpc": val_bpc,
        "test_bpc": test_bpc,
        "val_curve": {"steps": history.val_steps, "bpc": history.val_bpc},
    }
    lh.save_checkpoint(args.out, model, extra=extra)
    return {
        "out": str(args.out),
        "bytes": Path(args.out).stat().st_size,
        "seed": args.seed,
        "steps": args.steps,
        "chars": history.chars,
        "train_seconds": round(history.seconds, 1),
        "wall_seconds": round(wall, 1),
        "val_bpc": round(val_bpc, 4),
        "test_bpc": round(test_bpc, 4),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "machine": platform.machine(),
    }


def compare(args: argparse.Namespace) -> dict:
    """Stateful vs stateless, same recipe and budget, each seed; three evaluations each."""
    _, _, val_ids, test_ids = data()
    runs = []
    for seed in args.seeds:
        for stateful in (True, False):
            model, history = train(seed, args.steps, stateful)
            run = {
                "seed": seed,
                "training": "stateful" if stateful else "stateless",
                "train_seconds": round(history.seconds, 1),
                "chars": history.chars,
                "val_carried": lh.evaluate_bpc(model, val_ids),
                "val_windows_256": lh.evaluate_bpc(model, val_ids, window=256),
                "val_windows_64": lh.evaluate_bpc(model, val_ids, window=64),
                "test_carried": lh.evaluate_bpc(model, test_ids),
            }
            print(json.dumps(run), flush=True)
            runs.append(run)
    result = {
        "command": "python tools/train_char_lm.py --compare --seeds "
        + " ".join(map(str, args.seeds))
        + (f" --steps {args.steps}" if args.steps != RECIPE["steps"] else ""),
        "recipe": {**RECIPE, "steps": args.steps},
        "torch": torch.__version__,
        "runs": runs,
    }
    Path(args.results).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return {"results": str(args.results), "runs": len(runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=RECIPE["steps"])
    parser.add_argument("--out", type=Path, default=CHECKPOINT, help="checkpoint path")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1: reproducible)")
    parser.add_argument("--compare", action="store_true", help="stateful vs stateless, per seed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--results", type=Path, default=COMPARISON, help="--compare's JSON file")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    summary = compare(args) if args.compare else make_checkpoint(args)
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
