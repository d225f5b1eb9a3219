"""The tutorial's training loop as written vs lstm_helpers.fit, side by side on the same task.

    python3 tasks.py bench benchmarks/bench_training.py      (or: .venv/bin/python benchmarks/bench_training.py)

Both train the tutorial's LSTMPredictor (2 layers, H=50) on its sine task and are scored on
the same 190 test windows (the last 20%). The tutorial trains 100 epochs on the first 80%;
fit() trains on the first 70%, watches the next 10% and stops at validation MSE <= 1e-4.
Prints wall time and test MSE per seed, then medians and the time ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.tutorial_reference

import lstm_helpers as lh
from tests.tutorial_reference import (
    TutorialLSTMPredictor,
    tutorial_create_sine_data,
    tutorial_train,
)


def tutorial_run(seed: int, epochs: int) -> tuple[float, float]:
    """The tutorial's code path: its data function, split, loader, model and loop."""
    lh.set_seed(seed)
    X, y = tutorial_create_sine_data(50, 1000)
    X, y = torch.FloatTensor(X).unsqueeze(-1), torch.FloatTensor(y)
    n_train = int(0.8 * len(X))
    loader = DataLoader(TensorDataset(X[:n_train], y[:n_train]), batch_size=32, shuffle=True)
    model = TutorialLSTMPredictor()
    start = time.perf_counter()
    tutorial_train(model, loader, num_epochs=epochs)
    seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        pred, _ = model(X[n_train:])
    return seconds, torch.mean((pred.squeeze() - y[n_train:]) ** 2).item()


def helpers_run(seed: int, target: float) -> tuple[float, float, int]:
    """lstm_helpers: the same model, trained to a validation target."""
    data = lh.sine_data(lh.DataConfig(train_frac=0.7, val_frac=0.1, batch_size=32))
    lh.set_seed(seed)
    model = lh.LSTMPredictor()
    config = lh.TrainConfig(lr=1e-3, clip_norm=1.0, target_loss=target, max_epochs=100)
    start = time.perf_counter()
    history = lh.fit(model, data.train_loader, config, val_loader=data.val_loader, progress=False)
    seconds = time.perf_counter() - start
    return seconds, lh.evaluate(model, data.test_loader).mse, history.epochs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=100, help="tutorial epochs (100)")
    parser.add_argument("--target", type=float, default=1e-4, help="fit's validation target")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)\n")
    print(
        f"{'seed':>4}  {'tutorial s':>10}  {'tutorial MSE':>12}  {'fit s':>6}  {'fit MSE':>8}  {'epochs':>6}"
    )
    tut_s, tut_mse, fit_s, fit_mse = [], [], [], []
    for seed in range(args.seeds):
        ts, tm = tutorial_run(seed, args.epochs)
        fs, fm, ep = helpers_run(seed, args.target)
        tut_s.append(ts), tut_mse.append(tm), fit_s.append(fs), fit_mse.append(fm)
        print(f"{seed:>4}  {ts:>10.1f}  {tm:>12.2e}  {fs:>6.1f}  {fm:>8.2e}  {ep:>6}", flush=True)
    med = statistics.median
    print(
        f"\nmedian: tutorial {med(tut_s):.1f} s, test MSE {med(tut_mse):.2e} | "
        f"fit {med(fit_s):.1f} s, test MSE {med(fit_mse):.2e} | "
        f"time ratio fit/tutorial {med(fit_s) / med(tut_s):.2f} (1/{med(tut_s) / med(fit_s):.0f})"
    )


if __name__ == "__main__":
    main()
