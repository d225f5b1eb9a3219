"""The checks of notebook 06 · Hyperparameter explorer: `from lstm_helpers.exercises import nb06 as check`."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import torch

from lstm_helpers.exercises._result import Result, approx_equal, is_number, right, unanswered, wrong
from lstm_helpers.explorer.runner import run_experiment

__all__ = ["best_learning_rate", "largest_stable_lr", "smallest_hidden_size"]


@contextmanager
def _same_random_state() -> Iterator[None]:
    """Run code that seeds (as every explorer run does) without changing the caller's RNGs."""
    py_state, np_state = random.getstate(), np.random.get_state()  # noqa: NPY002 (set_seed seeds it)
    with torch.random.fork_rng():
        yield
    random.setstate(py_state)
    np.random.set_state(np_state)  # noqa: NPY002


def smallest_hidden_size(explorer: object, answer: object, *, max_mse: float) -> Result:
    """Check the smallest hidden size whose run, with the explorer's other settings, has test MSE < max_mse.

    Trains one run per hidden size from 1 to `answer` (about 0.3 s each with the defaults).
    """
    if (r := unanswered(answer)) is not None:
        return r
    if not is_number(answer) or int(answer) != answer or answer < 1:
        return wrong("give the hidden size as a whole number of at least 1.")
    if answer > 64:
        return wrong("that is large: try the small sizes first, one at a time.")
    settings = dict(explorer.settings)
    mse = {}
    with _same_random_state():
        for h in range(1, int(answer) + 1):
            s = {**settings, "hidden_size": h}
            mse[h] = run_experiment(*explorer.configs(s), optimizer=s["optimizer"]).metrics.mse
    if mse[answer] >= max_mse:
        return wrong(
            f"with hidden size {answer} the test MSE is {mse[answer]:.2g}, not below {max_mse:g}: try others."
        )
    if any(mse[h] < max_mse for h in range(1, int(answer))):
        return wrong(
            f"hidden size {answer} gets below {max_mse:g}, but a smaller one does too: try every size below it, in order."
        )
    return right(
        f"hidden size {answer} is the smallest below {max_mse:g} (test MSE {mse[answer]:.2g}); every smaller size stays above it."
    )


def _explorer_runs(explorer: object, changes: list[dict]) -> list:
    """One run per settings change, from the explorer's current settings; RNGs left alone."""
    runs = []
    with _same_random_state():
        for change in changes:
            s = {**explorer.settings, **change}
            runs.append(run_experiment(*explorer.configs(s), optimizer=s["optimizer"]))
    return runs


def best_learning_rate(explorer: object, answer: object, *, candidates: Sequence[float]) -> Result:
    """Check which of `candidates` gives the lowest test MSE with the explorer's other settings.

    Trains one run per candidate (about 0.3 s each with the defaults).
    """
    if (r := unanswered(answer)) is not None:
        return r
    if not is_number(answer) or not any(approx_equal(answer, c) for c in candidates):
        return wrong(f"pick one of the candidates {tuple(candidates)}.")
    runs = _explorer_runs(explorer, [{"lr": lr} for lr in candidates])
    mse = {lr: run.metrics.mse for lr, run in zip(candidates, runs, strict=True)}
    chosen = next(c for c in candidates if approx_equal(answer, c))
    if mse[chosen] > min(mse.values()):
        return wrong(
            f"with lr={chosen:g} the test MSE is {mse[chosen]:.2g}, and another candidate ends "
            "lower: train each one with the same settings and compare."
        )
    return right(
        f"lr={chosen:g} ends lowest (test MSE {mse[chosen]:.2g}): smaller rates have not "
        "finished learning in these epochs, larger ones end noisier."
    )


def largest_stable_lr(explorer: object, answer: object, *, candidates: Sequence[float]) -> Result:
    """Check the largest of `candidates` at which a run with clipping off does not diverge.

    Trains one run per candidate with the explorer's other settings and `clip_norm=None`.
    """
    if (r := unanswered(answer)) is not None:
        return r
    if not is_number(answer) or not any(approx_equal(answer, c) for c in candidates):
        return wrong(f"pick one of the candidates {tuple(candidates)}.")
    runs = _explorer_runs(explorer, [{"lr": lr, "clip_norm": None} for lr in candidates])
    stable = {lr: not run.diverged for lr, run in zip(candidates, runs, strict=True)}
    chosen = next(c for c in candidates if approx_equal(answer, c))
    if not stable[chosen]:
        return wrong(f"without clipping, lr={chosen:g} diverges: try smaller rates.")
    if any(ok and lr > chosen for lr, ok in stable.items()):
        return wrong(
            f"lr={chosen:g} trains without clipping, but a larger candidate does too: try the "
            "larger ones."
        )
    return right(
        f"lr={chosen:g} is the largest candidate that trains without clipping; every larger "
        "one diverges."
    )
