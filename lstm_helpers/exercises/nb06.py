"""The checks of notebook 06 · Hyperparameter explorer: `from lstm_helpers.exercises import nb06 as check`."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from lstm_helpers.exercises._result import Result, approx_equal, is_number, right, unanswered, wrong
from lstm_helpers.explorer.runner import run_experiment

__all__ = ["best_learning_rate", "largest_stable_lr", "smallest_hidden_size"]


def _runs(explorer: object, changes: list[dict]) -> list:
    """One run per settings change, from the explorer's current settings."""
    runs = []
    for change in changes:
        s = {**explorer.settings, **change}
        runs.append(run_experiment(*explorer.configs(s), optimizer=s["optimizer"]))
    return runs


def smallest_hidden_size(explorer: object, answer: object, *, max_mse: float) -> Result:
    """Check the smallest hidden size whose run, with the explorer's other settings, has validation MSE < max_mse.

    Trains one run per hidden size from 1 to `answer` (about 0.3 s each with the defaults).
    """
    if (r := unanswered(answer)) is not None:
        return r
    if not is_number(answer) or int(answer) != answer or answer < 1:
        return wrong("give the hidden size as a whole number of at least 1.")
    if answer > 64:
        return wrong("that is large: try the small sizes first, one at a time.")
    sizes = range(1, int(answer) + 1)
    runs = _runs(explorer, [{"hidden_size": h} for h in sizes])
    mse = {h: run.val_mse for h, run in zip(sizes, runs, strict=True)}
    if mse[answer] >= max_mse:
        return wrong(
            f"with hidden size {answer} the validation MSE is {mse[answer]:.2g}, not below {max_mse:g}: try others."
        )
    if any(mse[h] < max_mse for h in range(1, int(answer))):
        return wrong(
            f"hidden size {answer} gets below {max_mse:g}, but a smaller one does too: try every size below it, in order."
        )
    return right(
        f"hidden size {answer} is the smallest below {max_mse:g} (validation MSE {mse[answer]:.2g}); every smaller size stays above it."
    )


def best_learning_rate(
    explorer: object, answer: object, *, candidates: Sequence[float], seeds: Sequence[int] = (0,)
) -> Result:
    """Check which of `candidates` gives the lowest median validation MSE over `seeds`.

    Trains one run per candidate and seed, with the explorer's other settings (about 0.3 s
    each with the defaults). One seed can name a different winner than several: the median
    over a few seeds is what a comparison should rest on.
    """
    if (r := unanswered(answer)) is not None:
        return r
    if not is_number(answer) or not any(approx_equal(answer, c) for c in candidates):
        return wrong(f"pick one of the candidates {tuple(candidates)}.")
    if not seeds:
        raise ValueError("seeds must hold at least one seed, got none.")
    changes = [{"lr": lr, "seed": seed} for lr in candidates for seed in seeds]
    mse = [run.val_mse for run in _runs(explorer, changes)]
    k = len(seeds)
    median = {lr: statistics.median(mse[i * k : (i + 1) * k]) for i, lr in enumerate(candidates)}
    chosen = next(c for c in candidates if approx_equal(answer, c))
    over = f"over seeds {tuple(seeds)}" if k > 1 else f"with seed {seeds[0]}"
    if median[chosen] > min(median.values()):
        return wrong(
            f"with lr={chosen:g} the median validation MSE {over} is {median[chosen]:.2g}, and "
            "another candidate ends lower: train each one on every seed and compare medians."
        )
    return right(
        f"lr={chosen:g} has the lowest median validation MSE {over} ({median[chosen]:.2g}): "
        "smaller rates have not finished learning in these epochs, larger ones end noisier."
    )


def largest_stable_lr(explorer: object, answer: object, *, candidates: Sequence[float]) -> Result:
    """Check the largest of `candidates` at which a run with clipping off does not diverge.

    Trains one run per candidate with the explorer's other settings and `clip_norm=None`.
    """
    if (r := unanswered(answer)) is not None:
        return r
    if not is_number(answer) or not any(approx_equal(answer, c) for c in candidates):
        return wrong(f"pick one of the candidates {tuple(candidates)}.")
    runs = _runs(explorer, [{"lr": lr, "clip_norm": None} for lr in candidates])
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
