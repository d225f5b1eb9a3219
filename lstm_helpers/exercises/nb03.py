"""The checks of notebook 03 · Training with gradient clipping: `from lstm_helpers.exercises import nb03 as check`."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader

from lstm_helpers.config import ModelConfig, TrainConfig
from lstm_helpers.exercises._result import (
    Result,
    approx_equal,
    as_number,
    is_number,
    report,
    right,
    unanswered,
    wrong,
)
from lstm_helpers.models import build_model
from lstm_helpers.runtime import set_seed
from lstm_helpers.training import History, fit, mean_loss

__all__ = ["clip_factor", "max_norm_choice", "validation_and_stopping"]


def clip_factor(answer: object, *, norm: float, max_norm: float) -> Result:
    """Check the factor by which `clip_grad_norm_` scales gradients of total norm `norm`."""
    if (r := unanswered(answer)) is not None:
        return r
    p = nn.Parameter(torch.zeros(2, dtype=torch.float64))
    p.grad = torch.tensor([norm, 0.0], dtype=torch.float64)
    torch.nn.utils.clip_grad_norm_([p], max_norm)
    expected = p.grad[0].item() / norm
    if not is_number(answer):
        return wrong("give the factor as a number.")
    if approx_equal(answer, expected, rtol=1e-4):
        if expected == 1.0:
            return right(
                f"norm {norm} is within max_norm {max_norm}: the gradients are left unchanged (factor 1)."
            )
        return right(
            f"norm {norm} > max_norm {max_norm}: every gradient is multiplied by max_norm / norm, so the new norm is max_norm."
        )
    if norm <= max_norm:
        return wrong(
            "clipping only acts when the total norm exceeds max_norm; is that the case here?"
        )
    if approx_equal(answer, norm / max_norm):
        return wrong(
            "that factor would make the gradients longer; clipping shrinks them to max_norm."
        )
    if answer >= 1:
        return wrong(
            "the norm is above max_norm, so the gradients must shrink: the factor is below 1."
        )
    return wrong(
        "after clipping the total norm equals max_norm exactly, and every gradient shrinks by the same factor."
    )


def max_norm_choice(history: object, max_norm: object) -> Result:
    """Check a `max_norm` chosen from a healthy run's step norms: it clips 1% to 10% of the steps."""
    if (r := unanswered(max_norm)) is not None:
        return r
    if not is_number(max_norm) or max_norm <= 0:
        return wrong("max_norm is a positive number.")
    norms = np.asarray(history.step_grad_norm)
    share = float((norms > max_norm).mean())
    if share == 0:
        return wrong(
            "no step of this run would be clipped: this max_norm is above the largest norm, so it never acts. Aim just above the typical steps."
        )
    if share < MIN_CLIPPED:
        return wrong(
            f"only {share:.1%} of the steps would be clipped: this max_norm hardly ever acts. Look at the upper tail of the norms (np.percentile) for a value a few percent of the steps exceed."
        )
    if share > MAX_CLIPPED:
        return wrong(
            f"{share:.0%} of the steps would be clipped: this max_norm shortens ordinary steps too, not only the rare spikes."
        )
    return right(
        f"{share:.1%} of the steps would be clipped: above the typical norm, below the largest ones."
    )


MIN_CLIPPED, MAX_CLIPPED = 0.01, 0.10  # the share of steps the exercise asks to clip

LOSS_RTOL = 1e-5  # float32 sums in another order differ by about 1e-7


def validation_and_stopping(
    train_losses: object,
    val_losses: object,
    best_epoch: object,
    *,
    data: object,
    model_config: ModelConfig,
    config: TrainConfig,
    seed: int,
) -> Result:
    """Check a hand-written loop's losses and best epoch against `lh.fit` with the same settings.

    Trains the reference run itself (`set_seed(seed)`, `build_model(model_config)`, `fit` on
    `data.train_loader` with `data.val_loader`, stopping on `config.patience`): a few seconds.
    A validation pass over the tensors instead of the loader is right too (it draws nothing
    from the random generator, so later epochs shuffle differently: a second reference run
    covers it). The caller's random state is left as it was. Losses agree within 1e-5.
    """
    if (r := unanswered(val_losses, best_epoch)) is not None:
        return r
    train_losses, val_losses = _numbers(train_losses), _numbers(val_losses)
    if train_losses is None or val_losses is None:
        return wrong("train_losses and val_losses are lists of numbers, one per epoch.")
    if config.patience is None or config.target_loss is not None:
        raise ValueError(
            "this check is for the patience rule alone: give config a patience and no "
            f"target_loss, got patience={config.patience}, target_loss={config.target_loss}."
        )
    run = dict(data=data, model_config=model_config, config=config, seed=seed)
    with _random_state_kept():
        _, ref = _reference_run(**run, epochs=config.max_epochs)
    if not train_losses or not _close(train_losses[0], ref.train_loss[0]):
        return wrong(
            "the first training loss is not the reference run's: run the whole cell again from "
            "its first line (it sets the seed) and keep the given training pass as it is."
        )
    if len(val_losses) != len(train_losses):
        return wrong("one validation loss per epoch: append it after each epoch's training pass.")
    if not _close(val_losses[0], ref.val_loss[0]):
        return wrong(_first_validation_hint(val_losses[0], train_losses[0], run))
    if not _agree(train_losses, val_losses, ref):
        with _random_state_kept():  # as a validation pass over tensors: no draw from the RNG
            _, ref = _reference_run(**run, epochs=config.max_epochs, draws=False)
        if not _agree(train_losses, val_losses, ref):
            return wrong(
                "the losses agree at first, then drift apart: the validation pass should only "
                "read the model (eval mode, no gradients) and the training pass stay as given."
            )
    return report(
        [
            (True, "validation losses: the same as lh.fit's for this seed and these settings."),
            _stopping_line(len(val_losses), ref, config),
            _best_epoch_line(best_epoch, val_losses),
        ]
    )


def _agree(train_losses: list[float], val_losses: list[float], ref: History) -> bool:
    """Both loss lists equal the reference's over the epochs they have in common."""
    pairs = [
        *zip(train_losses, ref.train_loss, strict=False),
        *zip(val_losses, ref.val_loss, strict=False),
    ]
    return all(_close(a, b) for a, b in pairs)


def _stopping_line(epochs: int, ref: History, config: TrainConfig) -> tuple[bool, str]:
    if epochs == ref.epochs:
        return True, f"stopping: after the same epoch as lh.fit with patience={config.patience}."
    if epochs > ref.epochs:
        if epochs == config.max_epochs:
            return False, (
                "your loop ran all max_epochs: stop as soon as `patience` epochs in a row have "
                "not improved on the best validation loss."
            )
        return False, (
            "your loop ran past the stopping point: count the epochs since the best one and stop "
            "when that count reaches `patience`."
        )
    return False, (
        "your loop stopped too early: only epochs after the best one count, and an epoch that "
        "sets a new best starts the count again."
    )


def _best_epoch_line(best_epoch: object, val_losses: list[float]) -> tuple[bool, str]:
    expected = int(np.argmin(val_losses)) + 1  # of the learner's own losses: 1-based
    if is_number(best_epoch) and best_epoch == expected:
        return True, "best_epoch: the epoch with the lowest validation loss."
    if is_number(best_epoch) and best_epoch == expected - 1:
        return False, "best_epoch counts epochs from 1, as `epoch` does in the loop."
    return False, (
        "best_epoch is the epoch (counted from 1) with the lowest validation loss: update it "
        "whenever an epoch's validation loss is below the best so far."
    )


def _first_validation_hint(val_loss: float, train_loss: float, run: dict) -> str:
    """Recognise the usual mistakes in the first epoch's validation loss."""
    data = run["data"]
    X, y = data.val_loader.dataset.tensors  # (M, T, F), (M, O)
    with _random_state_kept():  # the model after one epoch, the RNG where the loop's was
        model, _ = _reference_run(**run, epochs=1, val=False)
        with torch.no_grad():
            state = torch.get_rng_state()
            right_value = mean_loss(model, data.val_loader)
            model.train()  # the mistake: dropout still on during validation
            dropout_on = []
            for batches in (data.val_loader, [(X, y)]):  # a loader draws from the RNG first
                torch.set_rng_state(state)
                total = sum(
                    nn.functional.mse_loss(model(xb)[0], yb).item() * len(xb) for xb, yb in batches
                )
                dropout_on.append(total / len(X))
    if any(_close(val_loss, v) and not _close(v, right_value) for v in dropout_on):
        return (
            "the model was in training mode during the validation pass, so dropout was on: "
            "switch it to eval mode first (and back to training mode for the next epoch)."
        )
    if _close(val_loss, train_loss):
        return "that is the training loss: the validation pass runs the model on data.val_loader."
    if _close(val_loss, right_value * len(X)):
        return "that is the sum over the windows: divide by the number of validation windows."
    return (
        "the validation loss is the mean squared error per window over all of data.val_loader, "
        "in eval mode and without gradients, computed after the epoch's training pass."
    )


def _reference_run(
    data: object,
    model_config: ModelConfig,
    config: TrainConfig,
    seed: int,
    *,
    epochs: int,
    val: bool = True,
    draws: bool = True,
) -> tuple[nn.Module, History]:
    """`lh.fit` from `seed` for at most `epochs` epochs; the model keeps its last weights.

    `draws=False` validates through a loader with its own generator: like a validation pass
    over tensors, it leaves the global RNG (and so the next epoch's shuffle) alone.
    """
    set_seed(seed)
    model = build_model(model_config)
    val_loader = data.val_loader if val else None
    if val and not draws:
        val_loader = DataLoader(
            val_loader.dataset, batch_size=val_loader.batch_size, generator=torch.Generator()
        )
    history = fit(
        model,
        data.train_loader,
        dataclasses.replace(config, max_epochs=epochs, restore_best=False),
        val_loader=val_loader,
        progress=False,
    )
    return model, history


def _close(a: float, b: float) -> bool:
    return approx_equal(a, b, rtol=LOSS_RTOL)


def _numbers(values: object) -> list[float] | None:
    """A list of losses as floats (0-dim tensors too), or None if it is not one."""
    if not isinstance(values, (list, tuple)):
        return None
    numbers = [as_number(v) for v in values]
    return None if None in numbers else numbers


@contextmanager
def _random_state_kept() -> Iterator[None]:
    """Seed and train inside without changing the caller's Python, NumPy or torch RNG."""
    py_state, np_state = random.getstate(), np.random.get_state()  # noqa: NPY002
    try:
        with torch.random.fork_rng():
            yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)  # noqa: NPY002
