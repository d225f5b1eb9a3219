"""Sequence classification: a labelled wave task, loaders with integer labels, accuracy.

The task for bidirectional LSTMs: each window is a noisy sine (as in `sine_series`, but with a
class-dependent period and a random phase) and the label says which period it has.
With `decay`, the wave rings down (amplitude exp(-t / decay)), so the evidence sits at the
START of the window and the end is mostly noise: a readout that only looks at the last step
of the backward direction has read almost nothing useful.

Shape legend: M windows, T steps per window, F features, B batch, C classes.
Labels are int64 class indices of shape (M,), as `nn.CrossEntropyLoss` expects (not one-hot,
not float, not (M, 1): `lh.make_loader` is for regression targets and rejects them).
`fit_classifier` trains a classifier on such windows and labels with `fit` and cross-entropy.
`periodogram_classify` is the rival with no training at all: the period with the strongest
Fourier component (weighted by the ring-down envelope when it is known).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader

from lstm_helpers import _checks
from lstm_helpers._checks import Pair
from lstm_helpers.batches import split_batch
from lstm_helpers.config import TrainConfig
from lstm_helpers.data import loader_of
from lstm_helpers.evaluation import predict
from lstm_helpers.training import History, fit


def wave_classes(
    num_windows: int = 600,
    seq_length: int = 60,
    periods: tuple[float, ...] = (6.0, 8.0, 10.0),
    noise_std: float = 0.5,
    decay: float | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Noisy sine windows labelled by their period: class k has period `periods[k]` steps.

    Each window starts at a random phase; classes are drawn uniformly. `decay` (in steps) makes
    the amplitude fall as exp(-t / decay) within the window; None keeps it constant. Gaussian
    noise of `noise_std` is added at every step.
    Shape: returns X (M, T, 1) float32 and y (M,) int64 with M = num_windows.
    """
    m = _checks.positive_int("num_windows", num_windows)
    t_len = _checks.positive_int("seq_length", seq_length, "It is the number of steps per window.")
    if len(periods) < 2 or any(not (p > 0) for p in periods):
        raise ValueError(f"periods must hold at least two positive periods, got {periods!r}.")
    if noise_std < 0:
        raise ValueError(f"noise_std must be >= 0, got {noise_std}.")
    if decay is not None:
        _checks.positive_float("decay", decay, "It is the ring-down time in steps; None for none.")
    rng = np.random.default_rng(seed)
    labels = rng.integers(len(periods), size=m)  # (M,)
    phases = rng.uniform(0.0, 2 * np.pi, size=(m, 1))  # (M, 1)
    period = np.asarray(periods, dtype=np.float64)[labels][:, None]  # (M, 1)
    X = np.sin(2 * np.pi * np.arange(t_len) / period + phases)  # (M, T)
    if decay is not None:
        X *= np.exp(-np.arange(t_len) / decay)  # (T,) envelope, broadcast over windows
    X += rng.normal(0.0, noise_std, size=X.shape) if noise_std > 0 else 0.0
    return X[:, :, None].astype(np.float32), labels.astype(np.int64)


def periodogram_classify(
    X: np.ndarray | torch.Tensor,
    periods: tuple[float, ...],
    decay: float | None = None,
) -> np.ndarray:
    """A rule with no training: the class whose period has the largest DFT magnitude.

    Class k scores |sum_t w_t x_t exp(-2 pi i t / periods[k])|, with w_t = exp(-t / decay)
    (the ring-down envelope of `wave_classes`) or 1 without `decay`. It knows the candidate
    periods (and the envelope, if given), which a trained model must learn from its windows.
    Shape: X (M, T, 1) or (M, T) -> (M,) int64 class indices.
    """
    x = _checks.as_numpy(X, np.float64)
    if x.ndim == 3 and x.shape[2] == 1:
        x = x[:, :, 0]  # (M, T, 1) -> (M, T)
    if x.ndim != 2:
        raise ValueError(f"X must be (windows, steps, 1) or (windows, steps), got {x.shape}.")
    if len(periods) < 2 or any(not (p > 0) for p in periods):
        raise ValueError(f"periods must hold at least two positive periods, got {periods!r}.")
    t = np.arange(x.shape[1])
    weights = np.ones(len(t)) if decay is None else np.exp(-t / decay)  # (T,)
    waves = np.exp(-2j * np.pi * t[:, None] / np.asarray(periods, dtype=np.float64))  # (T, C)
    return np.abs((x * weights) @ waves).argmax(axis=1).astype(np.int64)  # (M, C) -> (M,)


def class_tensors(X: np.ndarray | torch.Tensor, y: np.ndarray | torch.Tensor) -> Pair:
    """Windows as float32 and labels as int64, checking their shapes agree.

    Shape: X (M, T, F), y (M,) integer class indices -> the same shapes as tensors.
    """
    X_t = _checks.windows(X)
    _checks.finite("X", X_t)
    y_t = torch.as_tensor(y)
    if y_t.dim() != 1:
        hint = " Use y.squeeze(-1)." if y_t.dim() == 2 and y_t.size(-1) == 1 else ""
        hint = " One-hot labels? Use y.argmax(-1)." if y_t.dim() == 2 and not hint else hint
        raise ValueError(
            f"labels must be 1-D (windows,) class indices for CrossEntropyLoss, got shape "
            f"{tuple(y_t.shape)}.{hint}"
        )
    if y_t.is_floating_point() or y_t.is_complex() or y_t.dtype == torch.bool:
        raise ValueError(
            f"labels must be integer class indices, got dtype {y_t.dtype}: CrossEntropyLoss reads "
            "float targets as class probabilities. Use y.long() (or y.astype(np.int64))."
        )
    y_t = y_t.to(torch.int64)
    if len(y_t) and y_t.min() < 0:
        raise ValueError(f"labels must be class indices >= 0, got {int(y_t.min())}.")
    _checks.same_length(X_t, y_t)
    return X_t, y_t


def make_class_loader(
    X: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    batch_size: int = 32,
    shuffle: bool = False,
    drop_last: bool = False,
) -> DataLoader:
    """A DataLoader over windows and integer labels; shuffling draws from torch's global RNG.

    Shape: X (M, T, F), y (M,) -> batches of X (B, T, F) float32 and y (B,) int64.
    """
    X_t, y_t = class_tensors(X, y)
    return loader_of(X_t, y_t, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last)


def fit_classifier(
    model: nn.Module,
    X: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    config: TrainConfig | None = None,
    *,
    val: tuple[np.ndarray | torch.Tensor, np.ndarray | torch.Tensor] | None = None,
    batch_size: int = 32,
    **fit_kwargs,
) -> History:
    """`fit` for a classifier: shuffled batches of windows and labels, cross-entropy loss.

    `val=(X_val, y_val)` adds a validation set (one unshuffled loader), which `fit` then monitors
    for early stopping, `restore_best` and any scheduler. Other keywords (optimizer, scheduler,
    callback, progress) go to `fit`. Shuffling draws from torch's global RNG: call
    `lh.set_seed(s)` before building the model to reproduce a run.
    Shape: X (M, T, F), y (M,) int64 class indices; the model returns (B, C) logits.
    """
    loader = make_class_loader(X, y, batch_size=batch_size, shuffle=True)
    val_loader = None
    if val is not None:
        X_val, y_val = val
        val_loader = make_class_loader(X_val, y_val, batch_size=max(len(X_val), 1))
    fit_kwargs.setdefault("loss_fn", nn.CrossEntropyLoss())
    return fit(model, loader, config, val_loader=val_loader, **fit_kwargs)


@torch.no_grad()
def accuracy(
    model: nn.Module,
    X: np.ndarray | torch.Tensor | DataLoader,
    y: np.ndarray | torch.Tensor | None = None,
    lengths: torch.Tensor | None = None,
) -> float:
    """Fraction of windows whose highest-scoring class is the label (eval mode, no gradients).

    Pass windows and labels (and `lengths` for padded sequences), or one loader of (X, y) or
    (X, lengths, y) batches (not shuffled or shuffled: both count every window once).
    Shape: X (M, T, F), y (M,), lengths (M,) or None; or a loader of such batches.
    """
    if isinstance(X, DataLoader):
        if y is not None or lengths is not None:
            raise ValueError("pass either a loader or windows and labels, not both.")
        correct, count = 0, 0
        for batch in X:
            xb, nb, yb = split_batch(batch)  # nb: the lengths, None unless padded sequences
            pred = predict(model, xb, lengths=nb).argmax(dim=1)  # (B, C) -> (B,)
            correct += int((pred == yb.cpu()).sum())
            count += len(yb)
        if count == 0:
            raise ValueError("the loader holds no windows: there is no accuracy to compute.")
        return correct / count
    if y is None:
        raise ValueError("labels y are needed to compute the accuracy of windows X.")
    X_t, y_t = class_tensors(X, y)
    if len(y_t) == 0:
        raise ValueError("X and y hold no windows: there is no accuracy to compute.")
    pred = predict(model, X_t, lengths=lengths).argmax(dim=1)  # (M, C) -> (M,)
    return float((pred == y_t).float().mean())


@torch.no_grad()
def confusion_matrix(
    model: nn.Module,
    X: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    lengths: torch.Tensor | None = None,
) -> torch.Tensor:
    """Counts of (true class, predicted class) pairs: row i, column j = class i predicted as j.

    `lengths` (padded sequences of different lengths) are passed to the model, which packs them.
    Shape: X (M, T, F), y (M,), lengths (M,) or None -> (C, C) int64, C the model's classes.
    """
    X_t, y_t = class_tensors(X, y)
    logits = predict(model, X_t, lengths=lengths)  # (M, C)
    num_classes = logits.size(1)
    if len(y_t) and y_t.max() >= num_classes:
        raise ValueError(
            f"labels go up to {int(y_t.max())} but the model scores {num_classes} classes."
        )
    pairs = y_t * num_classes + logits.argmax(dim=1)  # (M,) index into the flattened matrix
    return torch.bincount(pairs, minlength=num_classes * num_classes).reshape(
        num_classes, num_classes
    )
