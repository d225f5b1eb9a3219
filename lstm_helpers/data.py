"""Series generators, windowing, time-ordered splits and batching.

Shape legend: N points in a series, M windows, T steps per window (`seq_length`),
F features per step, K steps predicted (`horizon`), B batch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import torch
from torch.utils.data import DataLoader, TensorDataset

from lstm_helpers import _checks
from lstm_helpers._checks import Pair
from lstm_helpers.config import DataConfig


def sine_series(
    num_points: int = 1000, x_max: float = 100.0, noise_std: float = 0.0, seed: int = 0
) -> np.ndarray:
    """The tutorial's series sin(x), x = linspace(0, x_max, num_points), plus optional noise.

    Shape: returns (N,) float64.
    """
    _checks.positive_int("num_points", num_points)
    y = np.sin(np.linspace(0, x_max, num_points))
    if noise_std > 0:
        y = y + np.random.default_rng(seed).normal(0.0, noise_std, size=num_points)
    return y


def threshold_rule(x: np.ndarray | float) -> np.ndarray:
    """The threshold autoregression's rule, without noise: 0.9 x + 0.3 if x < 0, else -0.8 x - 0.1.

    Two line segments, rising left of 0 and falling right of it, with a jump at 0.
    Shape: x () or (N,) -> the same shape, float64.
    """
    x = np.asarray(x, dtype=np.float64)
    return np.where(x < 0, 0.9 * x + 0.3, -0.8 * x - 0.1)


def threshold_series(num_points: int = 1000, noise_std: float = 0.1, seed: int = 0) -> np.ndarray:
    """A threshold autoregression: x[t] = threshold_rule(x[t-1]) + N(0, noise_std^2), x[0] = 0.

    A nonlinear series: no single linear autoregression follows both branches of the rule.
    Shape: returns (N,) float64.
    """
    _checks.positive_int("num_points", num_points)
    noise = np.random.default_rng(seed).normal(0.0, noise_std, num_points)
    x = np.zeros(num_points)
    for t in range(1, num_points):
        x[t] = threshold_rule(x[t - 1]) + noise[t]
    return x


def create_sine_data(
    seq_length: int = 50, num_samples: int = 1000
) -> tuple[np.ndarray, np.ndarray]:
    """The tutorial's function: windows of a sine wave and the value that follows each.

    Shape: returns X (M, T) and y (M,) float64 with M = num_samples - seq_length.
    """
    X, y = make_windows(sine_series(num_samples), seq_length)
    return X[:, :, 0].astype(np.float64), y[:, 0].astype(np.float64)


def make_windows(
    series: np.ndarray,
    seq_length: int,
    horizon: int = 1,
    target: int = 0,
    dtype: npt.DTypeLike = np.float64,
) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into overlapping input windows and the `horizon` values after each.

    Window i is series[i : i+T]; its target is series[i+T : i+T+K, target].
    Shape: series (N,) or (N, F) -> X (M, T, F), y (M, K) with M = N - T - K + 1.
    """
    arr = np.asarray(series)
    _checks.finite("series", arr)
    if arr.ndim == 1:
        arr = arr[:, None]  # (N,) -> (N, 1)
    if arr.ndim != 2:
        raise ValueError(
            f"series must be 1-D (N,) or 2-D (N, features), got shape {arr.shape}. "
            "Flatten extra dimensions first."
        )
    n, num_features = arr.shape
    _checks.positive_int("seq_length", seq_length, "It is the number of input steps per window.")
    _checks.positive_int("horizon", horizon)
    if seq_length + horizon > n:
        raise ValueError(
            f"seq_length + horizon must be at most the series length ({n}) so that one window fits, "
            f"got seq_length={seq_length}, horizon={horizon}. Use a shorter window or a longer series."
        )
    if not 0 <= target < num_features:
        raise ValueError(f"target must index a feature column 0..{num_features - 1}, got {target}.")
    m = n - seq_length - horizon + 1
    # sliding_window_view: (N, F) -> (N - T + 1, F, T); keep the first M, put time before features.
    X = np.lib.stride_tricks.sliding_window_view(arr, seq_length, axis=0)[:m].transpose(0, 2, 1)
    # Targets: (N - K + 1, K) windows of the target column, starting right after each input window.
    y = np.lib.stride_tricks.sliding_window_view(arr[:, target], horizon)[
        seq_length : seq_length + m
    ]
    return X.astype(dtype), y.astype(dtype)


@dataclass(frozen=True)
class Split:
    """Time-ordered train / validation / test parts of a windowed data set (tensors).

    No target time step belongs to two parts: with a horizon K > 1 the last K-1 windows before
    each cut are left out (the gap), since their later targets lie in the next part.
    `train_stop` is the series index where the training data ends: every input and target of
    a training window lies in `series[:train_stop]`, so fit a scaler on exactly that.
    """

    train: Pair
    val: Pair | None
    test: Pair
    train_stop: int  # series[:train_stop] holds every training input and target
    gap: int  # windows left out before each cut: horizon - 1


def time_split(
    X: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    train_frac: float = 0.8,
    val_frac: float = 0.0,
    horizon: int | None = None,
) -> Split:
    """Split windows in time order by target time: first `train_frac`, next `val_frac`, rest test.

    The windows must come from one series in order (as `make_windows` gives them): window i
    reads steps i..i+T-1 and predicts steps i+T..i+T+K-1, with K = `horizon` (default
    y.shape[1]). The cuts fall after `train_frac` and `train_frac + val_frac` of the windows;
    with K > 1 the K-1 windows before each cut are dropped, so that no target step of one part
    is also a target of the next (the model must not train on values it is validated or tested
    on). No shuffling: every test target comes after every training target. Every part must
    hold at least one window: there is always a test part.
    Shape: X (M, T, F), y (M, K) -> float32 tensors with the same trailing dimensions.
    """
    X_t, y_t = to_tensors(X, y)
    m, seq_length = X_t.shape[0], X_t.shape[1]
    k = y_t.shape[1] if horizon is None else _checks.positive_int("horizon", horizon)
    _checks.fraction("train_frac", train_frac, low=0.0, high=1.0, open_low=True)
    _checks.fraction("val_frac", val_frac, low=0.0, high=1.0)
    if train_frac + val_frac >= 1.0 - 1e-9:
        raise ValueError(
            f"train_frac + val_frac must be below 1 so that a test part remains, got "
            f"{train_frac} + {val_frac}. Use, for example, train_frac=0.7, val_frac=0.15."
        )
    # + 1e-9: 0.7 + 0.1 is 0.7999999999999999 in floating point; count it as 0.8.
    n_train = math.floor(train_frac * m + 1e-9)
    n_trainval = math.floor((train_frac + val_frac) * m + 1e-9)
    gap = k - 1
    train_end = n_train - gap  # windows [0, train_end) have all K targets before the cut
    val_end = n_trainval - gap
    sizes = {"train": train_end, "val": val_end - n_train, "test": m - n_trainval}
    if sizes["train"] < 1 or sizes["test"] < 1 or (val_frac > 0 and sizes["val"] < 1):
        shown = ", ".join(f"{name} {max(size, 0)}" for name, size in sizes.items())
        dropped = f", after dropping {gap} window(s) before each cut for horizon {k}" if gap else ""
        raise ValueError(
            f"train_frac={train_frac}, val_frac={val_frac} of {m} windows leaves an empty part "
            f"({shown}{dropped}). Use a longer series, other fractions or a shorter horizon."
        )
    val = (X_t[n_train:val_end], y_t[n_train:val_end]) if val_frac > 0 else None
    return Split(
        train=(X_t[:train_end], y_t[:train_end]),
        val=val,
        test=(X_t[n_trainval:], y_t[n_trainval:]),
        # The last training window starts at train_end - 1 and its last target is at
        # train_end - 1 + T + K - 1 = n_train + T - 1.
        train_stop=n_train + seq_length,
        gap=gap,
    )


def to_tensors(X: np.ndarray | torch.Tensor, y: np.ndarray | torch.Tensor) -> Pair:
    """Convert windows and targets to float32 tensors, checking their shapes agree.

    Shape: X (M, T, F), y (M, K) -> the same shapes as float32 tensors.
    """
    X_t = _checks.windows(X)
    y_t = torch.as_tensor(y, dtype=torch.float32)
    if y_t.dim() == 1:
        raise ValueError(
            f"y must be 2-D (windows, outputs), got shape {tuple(y_t.shape)}: a (B,) target against "
            "the model's (B, 1) output broadcasts to (B, B) in MSELoss. Use y.unsqueeze(-1)."
        )
    _checks.same_length(X_t, y_t)
    _checks.finite("X", X_t)
    _checks.finite("y", y_t)
    return X_t, y_t


def make_loader(
    X: np.ndarray | torch.Tensor,
    y: np.ndarray | torch.Tensor,
    batch_size: int = 32,
    shuffle: bool = False,
    drop_last: bool = False,
) -> DataLoader:
    """A DataLoader over (X, y); shuffling draws from torch's global RNG, seeded by `set_seed`.

    So `lh.set_seed(0)` before building and training a model reproduces the whole run,
    however often the loader was used before.

    Shape: X (M, T, F), y (M, K) -> batches of X (B, T, F) and y (B, K).
    """
    return loader_of(*to_tensors(X, y), batch_size=batch_size, shuffle=shuffle, drop_last=drop_last)


def loader_of(
    X: torch.Tensor, y: torch.Tensor, batch_size: int, shuffle: bool, drop_last: bool
) -> DataLoader:
    """The DataLoader behind make_loader and make_class_loader, for already checked tensors.

    Shape: X (M, T, F), y (M, ...) -> batches of X (B, T, F) and y (B, ...).
    """
    _checks.positive_int("batch_size", batch_size, "It is the number of windows per step.")
    return DataLoader(
        TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle, drop_last=drop_last
    )


@dataclass(frozen=True)
class SeriesData:
    """A series cut into windows, split in time order, with a loader for each part."""

    series: np.ndarray  # (N,) or (N, F)
    split: Split
    train_loader: DataLoader  # shuffled
    val_loader: DataLoader | None
    test_loader: DataLoader

    @property
    def seq_length(self) -> int:
        return self.split.train[0].shape[1]


def prepare_series(
    series: np.ndarray,
    seq_length: int,
    horizon: int = 1,
    train_frac: float = 0.8,
    val_frac: float = 0.0,
    batch_size: int = 32,
) -> SeriesData:
    """Window a series, split it in time order, and build the three loaders.

    Shape: series (N,) or (N, F) -> loader batches of X (B, T, F) and y (B, K).
    """
    X, y = make_windows(series, seq_length, horizon)
    split = time_split(X, y, train_frac, val_frac)
    big = 1024  # evaluation batches: no gradients, so larger batches are fine
    return SeriesData(
        series=np.asarray(series),
        split=split,
        train_loader=make_loader(*split.train, batch_size=batch_size, shuffle=True),
        val_loader=make_loader(*split.val, batch_size=big) if split.val is not None else None,
        test_loader=make_loader(*split.test, batch_size=big),
    )


def sine_data(config: DataConfig | None = None) -> SeriesData:
    """The tutorial's task (or a variant of it) described by a DataConfig, ready to train on.

    Shape: loader batches of X (B, T, 1) and y (B, K).
    """
    cfg = config or DataConfig()
    series = sine_series(cfg.num_points, cfg.x_max, cfg.noise_std, cfg.seed)
    return prepare_series(
        series, cfg.seq_length, cfg.horizon, cfg.train_frac, cfg.val_frac, cfg.batch_size
    )
