"""Rolling-origin evaluation: refit at several cut-off dates and score the forecasts after each.

One validation period can mislead: a model may simply suit those years. A backtest repeats
the whole experiment at several cut-offs. At each one, every model is fitted on the months
before the cut-off only, then forecasts K months from each origin of the fold, and the fold's
RMSE is scored. The spread over folds (and over seeds, for a network) shows how far a
difference between two forecasters can be trusted.

    folds = make_folds(dates, ["1986-01", "1988-01", "1990-01"])   # 24 origins each
    results = baseline_backtests(co2, folds, 25, 24, season=12)    # persistence, seasonal naive
    ar = backtest(co2, folds, lambda cut: fit_ar_forecaster(co2, cut, 18), 25, 24)
    lstm = backtest(co2, folds, lambda cut, seed: fit_lstm_forecaster(co2, cut, LSTMRecipe(),
                    seed), 25, 24, seeds=range(3))
    print(backtest_table({**results, "AR(18)": ar, "LSTM": lstm}))

`fit_lstm_forecaster` is notebook 07's training recipe in one call: scale what lies before
the cut-off, keep its last months to decide when to stop, train, wrap in a ScaledForecaster.
`LSTMRecipe(network="mlp")` trains a `WindowMLP` on the same windows instead: the
non-recurrent rival, with the same recipe and seeds.

Shape legend: N months, F folds, S seeds, M forecast origins of a fold, T window, K horizon.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from lstm_helpers import _checks
from lstm_helpers._checks import ArrayLike, as_numpy
from lstm_helpers.baselines import WindowMLP, fit_ar, persistence, seasonal_naive
from lstm_helpers.config import TrainConfig
from lstm_helpers.data import make_loader
from lstm_helpers.evaluation import regression_metrics
from lstm_helpers.forecasting import ScaledForecaster, forecast_windows
from lstm_helpers.models import LSTMPredictor
from lstm_helpers.runtime import set_seed
from lstm_helpers.scaling import KINDS, BoundedOutput, Scaler, fit_scaler
from lstm_helpers.training import fit


@dataclass(frozen=True)
class Fold:
    """One fold: models see `series[:cutoff]`; forecasts from origins cutoff.. are scored up to `stop`."""

    label: str  # e.g. "1990-91": the years of its forecast origins
    cutoff: int  # index of the first month after the data the models may use
    origins: int  # forecasts start at months cutoff .. cutoff + origins - 1
    stop: int  # scored targets lie in series[cutoff:stop]


def make_folds(
    dates: np.ndarray, cutoffs: Sequence[str], origins: int = 24, horizon: int = 24
) -> list[Fold]:
    """Folds at the given cut-off months, each scoring `origins` forecasts of `horizon` months.

    A fold's forecast origins are its first `origins` months; their targets run
    `horizon - 1` months further, so folds may share target months (never training data).
    Shape: dates (N,) datetime64[M] -> F folds.
    """
    _checks.positive_int("origins", origins, "It is the number of forecasts scored per fold.")
    _checks.positive_int("horizon", horizon)
    months = np.asarray(dates, dtype="datetime64[M]")
    if months.ndim != 1 or len(months) == 0:
        raise ValueError(f"dates must be a non-empty 1-D array of months, got {months.shape}.")
    if len(cutoffs) == 0:
        raise ValueError("give at least one cut-off month, e.g. ['1990-01'].")
    folds, previous = [], -1
    for text in cutoffs:
        month = np.datetime64(text, "M")
        cutoff = int(np.searchsorted(months, month))
        if cutoff >= len(months) or months[cutoff] != month:
            raise ValueError(
                f"cut-off {text} is not a month of the series ({months[0]} to {months[-1]})."
            )
        if cutoff <= previous:
            raise ValueError(f"cut-offs must be in increasing order, got {list(cutoffs)}.")
        stop = cutoff + origins + horizon - 1
        if stop > len(months):
            raise ValueError(
                f"the fold at {text} needs {origins + horizon - 1} months from its cut-off "
                f"({origins} origins, {horizon} months ahead), but the series ends at "
                f"{months[-1]}. Use an earlier cut-off, fewer origins or a shorter horizon."
            )
        first, last = months[cutoff].astype(object), months[cutoff + origins - 1].astype(object)
        label = (
            f"{first.year}" if first.year == last.year else f"{first.year}-{last.year % 100:02d}"
        )
        folds.append(Fold(label=label, cutoff=cutoff, origins=origins, stop=stop))
        previous = cutoff
    return folds


NETWORKS = ("lstm", "mlp")


@dataclass(frozen=True)
class LSTMRecipe:
    """How `fit_lstm_forecaster` trains an LSTM at a cut-off (notebook 07's settings).

    `changes=True` models the monthly changes, else the levels; `stop_months` is how many of
    the last months before the cut-off are kept to decide when to stop (early stopping);
    `bounded=True` squashes the output into (0, 1) with a sigmoid (`BoundedOutput`);
    `network="mlp"` trains a `WindowMLP` reading the whole window (two ReLU layers of
    `hidden_size`) in place of the LSTM, with everything else the same.
    """

    seq_length: int = 25  # T: months of levels per window (T - 1 changes)
    changes: bool = True
    scaler: str = "standard"  # "standard" or "minmax", fitted on the months before the cut-off
    hidden_size: int = 32
    lr: float = 3e-3
    batch_size: int = 32
    patience: int = 10
    max_epochs: int = 300
    stop_months: int = 24
    bounded: bool = False
    network: str = "lstm"  # "lstm", or "mlp": a WindowMLP on the whole window, no memory

    def __post_init__(self) -> None:
        for name in ("seq_length", "hidden_size", "batch_size", "patience", "max_epochs"):
            _checks.positive_int(name, getattr(self, name))
        _checks.positive_int("stop_months", self.stop_months, "They decide when to stop.")
        _checks.positive_float("lr", self.lr)
        if self.scaler not in KINDS:
            raise ValueError(f"scaler must be one of {KINDS}, got {self.scaler!r}.")
        if self.network not in NETWORKS:
            raise ValueError(f"network must be one of {NETWORKS}, got {self.network!r}.")
        if self.changes and self.seq_length < 2:
            raise ValueError(
                f"windows of changes need at least 2 levels (seq_length >= 2), got {self.seq_length}."
            )


def fit_lstm_forecaster(
    series: ArrayLike,
    cutoff: int,
    recipe: LSTMRecipe | None = None,
    seed: int = 0,
    scaler: Scaler | None = None,
) -> ScaledForecaster:
    """Train a one-step LSTM (or the recipe's MLP) on series[:cutoff]; forecasts come back in data units.

    The scaler is fitted on the months before the cut-off (pass `scaler` to use another, e.g.
    to show a leak); windows whose target lies in the last `stop_months` of them only decide
    when to stop. Seeded with `seed` just before the model is built, as notebook 07 does inline.
    Shape: series (N,) levels -> a forecaster mapping windows (M, T, 1) to (M, K).
    """
    recipe = recipe or LSTMRecipe()
    values = _series(series)
    if not 0 < cutoff <= len(values):
        raise ValueError(f"cutoff must index the series (1..{len(values)}), got {cutoff}.")
    known = values[:cutoff]  # what the models may use
    inputs = np.diff(known) if recipe.changes else known  # (cutoff - 1,) changes or levels
    scaler = scaler if scaler is not None else fit_scaler(inputs, kind=recipe.scaler)
    z = scaler.transform(inputs)
    t = recipe.seq_length - 1 if recipe.changes else recipe.seq_length  # values per window
    split = len(z) - recipe.stop_months  # first target kept to decide when to stop
    if split <= t:
        raise ValueError(
            f"the cut-off leaves {len(z)} values: too few for windows of {t} plus "
            f"{recipe.stop_months} stopping months. Use a later cut-off or shorter windows."
        )
    train = make_loader(*forecast_windows(z, t, 1, stop=split), recipe.batch_size, shuffle=True)
    stop = make_loader(*forecast_windows(z, t, 1, start=split), batch_size=1024)
    config = TrainConfig(lr=recipe.lr, max_epochs=recipe.max_epochs, patience=recipe.patience)
    set_seed(seed)
    if recipe.network == "mlp":
        model = WindowMLP(lags=t, hidden_size=recipe.hidden_size)  # reads the whole window
    else:
        model = LSTMPredictor(hidden_size=recipe.hidden_size, num_layers=1, dropout=0.0)
    if recipe.bounded:
        model = BoundedOutput(model)
    fit(model, train, config, val_loader=stop, progress=False)
    return ScaledForecaster(model, scaler, changes=recipe.changes)


def fit_ar_forecaster(
    series: ArrayLike, cutoff: int, order: int, seq_length: int = 25, changes: bool = False
) -> ScaledForecaster:
    """Fit AR(order) by least squares on every window before the cut-off, levels or changes.

    On changes the AR reads the same scaled changes as the LSTM (a linear model gives the
    same forecasts in any units, so the scaler only keeps the two alike).
    Shape: series (N,) levels -> a forecaster mapping windows (M, T, 1) to (M, K).
    """
    values = _series(series)
    if not 0 < cutoff <= len(values):
        raise ValueError(f"cutoff must index the series (1..{len(values)}), got {cutoff}.")
    known = values[:cutoff]
    inputs = np.diff(known) if changes else known
    scaler = fit_scaler(inputs)
    t = seq_length - 1 if changes else seq_length
    ar = fit_ar(*forecast_windows(scaler.transform(inputs), t, 1), order=order)
    return ScaledForecaster(ar, scaler, changes=changes)


def _series(series: ArrayLike) -> np.ndarray:
    values = as_numpy(series, np.float64)
    if values.ndim != 1:
        raise ValueError(f"series must be 1-D (months,), got shape {values.shape}.")
    _checks.finite("series", values)
    return values


Forecaster = Callable[[np.ndarray, int], ArrayLike]


@dataclass(frozen=True)
class Backtest:
    """One forecaster's scores over the folds: RMSE per seed and fold, and what was forecast."""

    folds: tuple[Fold, ...]
    rmse: np.ndarray  # (S, F): one row per seed, one row for a deterministic forecaster
    predictions: tuple[tuple[np.ndarray, ...], ...]  # [seed][fold] -> (M, K)
    targets: tuple[np.ndarray, ...]  # [fold] -> (M, K)
    forecasters: tuple[tuple[object, ...], ...]  # [seed][fold]: what fit_at returned
    seconds: float  # fitting and forecasting, all folds and seeds

    @property
    def median(self) -> np.ndarray:
        """Median RMSE over seeds, per fold: (F,)."""
        return np.median(self.rmse, axis=0)

    def forecast(self, X: ArrayLike, horizon: int, fold: int = -1, seed: int = 0) -> np.ndarray:
        """Forecast new windows with the model fitted at one fold (the last by default).

        `seed` indexes the seeds given to `backtest` (0: the first). Shape: X (M, T, 1) -> (M, K).
        """
        if not -len(self.folds) <= fold < len(self.folds):
            raise ValueError(f"fold must index the {len(self.folds)} folds, got {fold}.")
        if not 0 <= seed < len(self.forecasters):
            raise ValueError(
                f"seed must index the {len(self.forecasters)} seeds run (0..{len(self.forecasters) - 1}), got {seed}."
            )
        return _predict(self.forecasters[seed][fold], X, horizon)


def backtest(
    series: ArrayLike,
    folds: Sequence[Fold],
    fit_at: Callable[..., object],
    seq_length: int,
    horizon: int,
    seeds: Iterable[int] | None = None,
) -> Backtest:
    """Refit at each fold's cut-off with `fit_at(cutoff)` (or `fit_at(cutoff, seed)`), then score.

    `fit_at` returns a forecaster: an object with `.predict(X, horizon)` or a function
    `f(X, horizon)`, given windows of levels. It must use only series[:cutoff].
    Shape: series (N,) -> rmse (S, F), predictions and targets (M, K) per fold.
    """
    _checks.positive_int("seq_length", seq_length)
    _checks.positive_int("horizon", horizon)
    values = _series(series)
    if len(folds) == 0:
        raise ValueError("give at least one fold (lh.make_folds).")
    seed_list = [None] if seeds is None else list(seeds)
    if not seed_list:
        raise ValueError("seeds is empty: give e.g. range(3), or None for a deterministic model.")
    windows = [forecast_windows(values, seq_length, horizon, f.cutoff, f.stop) for f in folds]
    start = time.perf_counter()
    rmse, predictions, fitted = [], [], []
    for seed in seed_list:
        row, preds, models = [], [], []
        for fold, (X, y) in zip(folds, windows, strict=True):
            forecaster = fit_at(fold.cutoff) if seed is None else fit_at(fold.cutoff, seed)
            pred = _predict(forecaster, X, horizon)
            if pred.shape != y.shape:
                raise ValueError(
                    f"the forecaster returned shape {pred.shape} for {len(X)} windows and "
                    f"horizon {horizon}; expected {y.shape}."
                )
            row.append(regression_metrics(pred, y).rmse)
            preds.append(pred)
            models.append(forecaster)
        rmse.append(row)
        predictions.append(tuple(preds))
        fitted.append(tuple(models))
    return Backtest(
        folds=tuple(folds),
        rmse=np.array(rmse),
        predictions=tuple(predictions),
        targets=tuple(y for _, y in windows),
        forecasters=tuple(fitted),
        seconds=time.perf_counter() - start,
    )


def baseline_backtests(
    series: ArrayLike,
    folds: Sequence[Fold],
    seq_length: int,
    horizon: int,
    season: int | None = None,
) -> dict[str, Backtest]:
    """Backtests of persistence and, given `season`, the seasonal naive: nothing to fit.

    Shape: series (N,) -> {name: Backtest with rmse (1, F)}.
    """
    out = {"persistence": backtest(series, folds, lambda cut: persistence, seq_length, horizon)}
    if season is not None:
        _checks.positive_int("season", season, "It is the period in steps, e.g. 12 for months.")
        naive = lambda X, k: seasonal_naive(X, season, k)  # noqa: E731 - the same at every cut-off
        out[f"seasonal naive ({season})"] = backtest(
            series, folds, lambda cut: naive, seq_length, horizon
        )
    return out


def _predict(forecaster: object, X: np.ndarray, horizon: int) -> np.ndarray:
    predict = getattr(forecaster, "predict", forecaster)
    if not callable(predict):
        raise ValueError(
            "fit_at must return a forecaster: an object with .predict(X, horizon) or a function "
            f"f(X, horizon), got {type(forecaster).__name__}."
        )
    return as_numpy(predict(X, horizon), np.float64)


@dataclass(frozen=True)
class BacktestTable:
    """RMSE per fold of several forecasters; prints the median and, over seeds, the range."""

    results: dict[str, Backtest]

    def __str__(self) -> str:
        # 3 significant digits: stable across machines and thread counts.
        folds = next(iter(self.results.values())).folds
        cells = {
            name: [_cell(r.rmse[:, i]) for i in range(len(folds))]
            for name, r in self.results.items()
        }
        for name, r in self.results.items():
            cells[name].append(_cell(r.rmse.mean(axis=1)))
        heads = [f.label for f in folds] + ["mean of folds"]
        widths = [max(len(h), *(len(c[i]) for c in cells.values())) for i, h in enumerate(heads)]
        first = max(len("RMSE by fold"), *(len(n) for n in cells))
        lines = [
            "RMSE by fold".ljust(first)
            + "".join(f"  {h:>{w}s}" for h, w in zip(heads, widths, strict=True))
        ]
        for name, row in cells.items():
            lines.append(
                name.ljust(first)
                + "".join(f"  {c:>{w}s}" for c, w in zip(row, widths, strict=True))
            )
        return "\n".join(lines)


def _cell(values: np.ndarray) -> str:
    """One number, or the median with the range over seeds: '0.81 (0.72-1.05)'."""
    if len(values) == 1:
        return f"{values[0]:.3g}"
    return f"{np.median(values):.3g} ({values.min():.3g}-{values.max():.3g})"


def backtest_table(results: Mapping[str, Backtest]) -> BacktestTable:
    """A table of several backtests over the same folds, one row per forecaster.

    Shape: each result's rmse (S, F), the same F folds -> a printable table.
    """
    if not results:
        raise ValueError("give at least one backtest result.")
    folds = [r.folds for r in results.values()]
    if any(f != folds[0] for f in folds):
        raise ValueError("every backtest in one table must use the same folds.")
    return BacktestTable(dict(results))
