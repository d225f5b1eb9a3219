"""Non-recurrent baselines for sequence classification: summary features into logistic regression or an MLP.

Before believing that an LSTM needs to read a sequence step by step, summarise each sequence
by a few statistics (per-feature mean and standard deviation over its steps, optionally its
length) and classify those with a model that knows nothing of order:

    F_train = summary_features(train_sequences)             # (M, 2F): means, then stds
    clf = fit_logistic_regression(F_train, y_train)          # standardised on F_train only
    clf.accuracy(summary_features(test_sequences), y_test)

Both fitters standardise the features with statistics of the training features only (the
classifier keeps them) and need no scikit-learn. Logistic regression is fitted by full-batch
L-BFGS from zero weights, so it has no seed; the MLP uses its own seed and leaves torch's
global random state alone.

Shape legend: M sequences, T_i steps of sequence i, F features per step, D summary features,
C classes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from lstm_helpers import _checks
from lstm_helpers.scaling import fit_scaler

STATS = ("mean", "std", "first", "last")


def summary_features(
    sequences: Sequence[np.ndarray | torch.Tensor],
    stats: Sequence[str] = ("mean", "std"),
    length: bool = False,
) -> np.ndarray:
    """Per-feature statistics of each sequence over its own steps (no padding), side by side.

    `stats` from "mean", "std" (population, ddof=0), "first", "last" (the first and last
    step); `length=True` appends the number of steps as one more column.
    Shape: M sequences (T_i, F) -> (M, F * len(stats) + length) float32.
    """
    if not stats or any(s not in STATS for s in stats):
        raise ValueError(f"stats must be a non-empty selection of {STATS}, got {tuple(stats)!r}.")
    if len(sequences) == 0:
        raise ValueError("sequences must hold at least one sequence.")
    rows, widths = [], set()
    for i, seq in enumerate(sequences):
        s = _checks.as_numpy(seq, np.float64)
        if s.ndim == 1:
            s = s[:, None]  # (T,) -> (T, 1)
        if s.ndim != 2 or len(s) == 0:
            raise ValueError(
                f"sequences[{i}] must be a non-empty (steps, features) array, got shape {s.shape}."
            )
        _checks.finite(f"sequences[{i}]", s)
        widths.add(s.shape[1])
        parts = {
            "mean": s.mean(axis=0),
            "std": s.std(axis=0),
            "first": s[0],
            "last": s[-1],
        }  # each (F,)
        row = [parts[name] for name in stats] + ([np.array([len(s)])] if length else [])
        rows.append(np.concatenate(row))
    if len(widths) != 1:
        raise ValueError(f"every sequence must have the same number of features, got {widths}.")
    return np.stack(rows).astype(np.float32)


class FeatureClassifier(nn.Module):
    """Standardise summary features with training statistics, then score classes (a linear layer or an MLP)."""

    def __init__(self, net: nn.Module, center: np.ndarray, scale: np.ndarray) -> None:
        super().__init__()
        self.net = net
        self.register_buffer("center", torch.as_tensor(center, dtype=torch.float32))
        self.register_buffer("scale", torch.as_tensor(scale, dtype=torch.float32))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """Class scores (logits). Shape: features (M, D) -> (M, C)."""
        return self.net((features - self.center) / self.scale)

    @torch.no_grad()
    def predict(self, features: np.ndarray | torch.Tensor) -> np.ndarray:
        """The highest-scoring class of each row. Shape: (M, D) -> (M,) int64."""
        x = _features(features, "features", width=len(self.center))
        return self(x).argmax(dim=1).numpy()

    def accuracy(self, features: np.ndarray | torch.Tensor, labels: np.ndarray) -> float:
        """Fraction of rows whose predicted class is the label. Shape: (M, D), (M,) -> float."""
        y = _labels(labels, len(_checks.as_numpy(features)))
        return float((self.predict(features) == y.numpy()).mean())


def fit_logistic_regression(
    features: np.ndarray | torch.Tensor,
    labels: np.ndarray | torch.Tensor,
    l2: float = 1e-2,
    max_iter: int = 200,
    num_classes: int | None = None,
) -> FeatureClassifier:
    """Multinomial logistic regression with an L2 penalty `l2 * sum(W**2)`, by full-batch L-BFGS.

    Starts from zero weights, so the fit is deterministic (no seed).
    Shape: features (M, D), labels (M,) int -> a FeatureClassifier scoring C classes.
    """
    if isinstance(l2, bool) or not isinstance(l2, (int, float)) or not l2 >= 0:
        raise ValueError(f"l2 must be a number >= 0 (0 for no penalty), got {l2!r}.")
    _checks.positive_int("max_iter", max_iter)
    x, y, scaler, classes = _prepared(features, labels, num_classes)
    linear = nn.Linear(x.size(1), classes)
    nn.init.zeros_(linear.weight)
    nn.init.zeros_(linear.bias)
    optimizer = torch.optim.LBFGS(
        linear.parameters(),
        lr=1,
        max_iter=max_iter,
        history_size=20,
        line_search_fn="strong_wolfe",
        tolerance_grad=1e-9,
        tolerance_change=1e-12,
    )
    loss_fn = nn.CrossEntropyLoss()

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = loss_fn(linear(x), y) + l2 * (linear.weight**2).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    return FeatureClassifier(linear.requires_grad_(False), *scaler)


def fit_mlp(
    features: np.ndarray | torch.Tensor,
    labels: np.ndarray | torch.Tensor,
    hidden_size: int = 64,
    epochs: int = 300,
    lr: float = 1e-2,
    weight_decay: float = 1e-3,
    seed: int = 0,
    num_classes: int | None = None,
) -> FeatureClassifier:
    """A one-hidden-layer ReLU network trained full batch with Adam on cross-entropy.

    `seed` fixes the initial weights; torch's global random state is left as it was.
    Shape: features (M, D), labels (M,) int -> a FeatureClassifier scoring C classes.
    """
    _checks.positive_int("hidden_size", hidden_size)
    _checks.positive_int("epochs", epochs)
    _checks.positive_float("lr", lr)
    x, y, scaler, classes = _prepared(features, labels, num_classes)
    with torch.random.fork_rng(devices=[]):  # the seed is this model's own
        torch.manual_seed(seed)
        net = nn.Sequential(
            nn.Linear(x.size(1), hidden_size), nn.ReLU(), nn.Linear(hidden_size, classes)
        )
    optimizer = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=weight_decay)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(epochs):  # full batch: one step per epoch
        optimizer.zero_grad()
        loss_fn(net(x), y).backward()
        optimizer.step()
    return FeatureClassifier(net.requires_grad_(False), *scaler)


def _features(
    values: np.ndarray | torch.Tensor, name: str, width: int | None = None
) -> torch.Tensor:
    """Features as a checked float32 (M, D) tensor. Shape: (M, D) -> (M, D)."""
    x = torch.as_tensor(_checks.as_numpy(values, np.float32))
    if x.dim() != 2 or len(x) == 0 or (width is not None and x.size(1) != width):
        want = f"(rows, {width})" if width is not None else "(rows, features)"
        raise ValueError(
            f"{name} must be a non-empty 2-D array {want}, got shape {tuple(x.shape)}. "
            "Build it with lh.summary_features, with the same options as for training."
        )
    _checks.finite(name, x)
    return x


def _labels(values: np.ndarray | torch.Tensor, rows: int) -> torch.Tensor:
    """Class labels as a checked int64 (M,) tensor. Shape: (M,) -> (M,)."""
    y = torch.as_tensor(values)
    if y.dim() != 1 or y.is_floating_point() or y.dtype == torch.bool:
        raise ValueError(
            f"labels must be 1-D integer class indices, got shape {tuple(y.shape)} and dtype "
            f"{y.dtype}. Use y.astype(np.int64)."
        )
    if len(y) != rows:
        raise ValueError(f"features and labels must have the same rows, got {rows} and {len(y)}.")
    if len(y) and y.min() < 0:
        raise ValueError(f"labels must be class indices >= 0, got {int(y.min())}.")
    return y.to(torch.int64)


def _prepared(
    features: np.ndarray | torch.Tensor, labels: np.ndarray | torch.Tensor, num_classes: int | None
) -> tuple[torch.Tensor, torch.Tensor, tuple[np.ndarray, np.ndarray], int]:
    """Standardised training features, labels, the standardisation and the number of classes."""
    raw = _features(features, "features")
    y = _labels(labels, len(raw))
    classes = int(y.max()) + 1 if num_classes is None else num_classes
    if _checks.positive_int("num_classes", classes) < 2 or int(y.max()) >= classes:
        raise ValueError(
            f"need at least 2 classes and labels below num_classes={classes}, got labels up to "
            f"{int(y.max())}."
        )
    scaler = fit_scaler(raw.numpy())  # the training features' mean and std, per column
    center, scale = np.asarray(scaler.center), np.asarray(scaler.scale)
    x = (raw - torch.as_tensor(center, dtype=torch.float32)) / torch.as_tensor(
        scale, dtype=torch.float32
    )
    return x, y, (center, scale), classes
