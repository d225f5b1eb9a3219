"""The checks of notebook 05b · Stateful and production training: `from lstm_helpers.exercises import nb05b as check`."""

from __future__ import annotations

import numpy as np
import torch

from lstm_helpers.exercises._result import Result, is_number, report, unanswered, wrong
from lstm_helpers.sequences import stream_chunks

__all__ = ["dropout_places", "early_stop", "stream_position"]


def _dropout_places(num_layers: int) -> int:
    """The layer outputs nn.LSTM's `dropout` acts on: every layer's but the last (PyTorch's docs)."""
    return num_layers - 1


def dropout_places(one_layer: object, three_layers: object) -> Result:
    """Check how many layer outputs nn.LSTM's `dropout` acts on, for 1 and for 3 layers."""
    if (r := unanswered(one_layer, three_layers)) is not None:
        return r
    if not all(is_number(a) and int(a) == a and a >= 0 for a in (one_layer, three_layers)):
        return wrong("give two whole numbers: how many places dropout acts, for 1 and 3 layers.")
    lines = []
    for layers, answer in ((1, one_layer), (3, three_layers)):
        expected = _dropout_places(layers)
        if int(answer) == expected:
            lines.append((True, f"{layers} layer{'s' * (layers > 1)}: right."))
        elif int(answer) == layers:
            lines.append(
                (False, f"{layers} layer{'s' * (layers > 1)}: is the top layer's output dropped?")
            )
        else:
            lines.append(
                (
                    False,
                    f"{layers} layer{'s' * (layers > 1)}: PyTorch applies it to the output of a "
                    "layer that feeds another layer.",
                )
            )
    return report(lines)


def stream_position(
    index: object,
    *,
    series_length: int,
    batch_size: int,
    chunk_length: int,
    chunk: int,
    row: int,
    step: int,
) -> Result:
    """Check which series index `x[row, step]` of chunk `chunk` holds (stream_chunks' layout)."""
    if (r := unanswered(index)) is not None:
        return r
    if not is_number(index) or int(index) != index:
        return wrong("give one whole number: an index into the series.")
    chunks = stream_chunks(np.arange(series_length, dtype=np.float64), batch_size, chunk_length)
    expected = int(chunks[chunk][0][row, step, 0])  # the series holds its own indices
    index = int(index)
    if index == expected:
        return report([(True, "each row is one stream, a contiguous part of the series.")])
    steps = (series_length - 1) // batch_size
    if index == chunk * chunk_length * batch_size + row * chunk_length + step:
        return wrong(
            "the rows of a chunk are not consecutive pieces: each row is its own stream, one "
            "contiguous part of the series, and a chunk takes the same steps of every stream."
        )
    if index == row * (series_length // batch_size) + chunk * chunk_length + step and (
        series_length // batch_size != steps
    ):
        return wrong("every input needs the value after it as its target: how long is a stream?")
    if abs(index - expected) == 1:
        return wrong("off by one: rows, chunks and steps all count from 0.")
    return wrong("find where the row's stream starts, then how far into it the chunk begins.")


def early_stop(
    stop_epoch: object,
    last_lr: object,
    *,
    val_losses: list[float],
    lr: float,
    factor: float,
    scheduler_patience: int,
    patience: int,
) -> Result:
    """Check when `fit` stops on `val_losses` and with which learning rate that epoch trained.

    The answer is computed as `fit` does it: after each epoch a `ReduceLROnPlateau` steps with
    the validation loss, and training stops once `patience` epochs passed without a new best.
    """
    if (r := unanswered(stop_epoch, last_lr)) is not None:
        return r
    if not (is_number(stop_epoch) and is_number(last_lr)):
        return wrong("give an epoch number (counting from 1) and a learning rate.")
    expected_epoch, expected_lr, lowered = _simulate(
        val_losses, lr, factor, scheduler_patience, patience
    )
    lines = []
    if int(stop_epoch) == expected_epoch and stop_epoch == int(stop_epoch):
        lines.append((True, "the stopping epoch: patience counts epochs since the best one."))
    elif stop_epoch == expected_epoch + patience or stop_epoch == len(val_losses):
        lines.append((False, "the stopping epoch: count the epochs since the best one, not after."))
    else:
        lines.append(
            (
                False,
                "the stopping epoch: training stops once `patience` epochs passed since the best.",
            )
        )
    if np.isclose(float(last_lr), expected_lr, rtol=1e-6):
        lines.append((True, "the learning rate of that epoch."))
    elif lowered and np.isclose(float(last_lr), expected_lr * factor, rtol=1e-6):
        lines.append(
            (
                False,
                "the learning rate: a lowering at the end of an epoch applies to the next one.",
            )
        )
    elif lowered and np.isclose(float(last_lr), expected_lr / factor, rtol=1e-6):
        lines.append(
            (
                False,
                "the learning rate: after a lowering the scheduler counts again; did it lower twice?",
            )
        )
    elif lowered and np.isclose(float(last_lr), lr, rtol=1e-6):
        lines.append(
            (False, "the learning rate: did the scheduler see enough epochs without improvement?")
        )
    else:
        lines.append(
            (
                False,
                "the learning rate: the scheduler multiplies it by `factor` once it has waited "
                "`patience` epochs without improvement, then counts again from zero.",
            )
        )
    return report(lines)


def _simulate(
    val_losses: list[float], lr: float, factor: float, scheduler_patience: int, patience: int
) -> tuple[int, float, bool]:
    """(stopping epoch, learning rate of that epoch, whether it was ever lowered), as in `fit`."""
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=lr)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
        optimizer, factor=factor, patience=scheduler_patience
    )
    best_epoch, best = 0, float("inf")
    for epoch, loss in enumerate(val_losses, 1):
        used = optimizer.param_groups[0]["lr"]  # the rate this epoch trained with
        scheduler.step(loss)
        if loss < best:
            best_epoch, best = epoch, loss
        if epoch - best_epoch >= patience:
            return epoch, used, used != lr
    return len(val_losses), used, used != lr
