"""Rolling-origin backtests: folds in time, refits that see only the past, scores per seed and fold."""

import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import lstm_helpers as lh
from lstm_helpers.backtesting import Backtest, Fold

MONTHS = np.arange("1960-01", "1980-01", dtype="datetime64[M]")  # 240 months
TINY = lh.LSTMRecipe(seq_length=13, hidden_size=4, max_epochs=2, stop_months=12, batch_size=64)


def co2_like(seed=0):
    n = len(MONTHS)
    t = np.arange(n, dtype=float)
    noise = np.random.default_rng(seed).normal(0, 0.05, n)
    return 300 + 0.1 * t + 0.0002 * t**2 + 3 * np.sin(2 * np.pi * t / 12) + noise


def test_make_folds_places_cutoffs_origins_and_scored_months():
    folds = lh.make_folds(MONTHS, ["1970-01", "1972-01"], origins=24, horizon=12)
    assert [f.label for f in folds] == ["1970-71", "1972-73"]
    assert folds[0] == Fold(label="1970-71", cutoff=120, origins=24, stop=120 + 24 + 11)
    one_year = lh.make_folds(MONTHS, ["1975-01"], origins=12, horizon=6)[0]
    assert one_year.label == "1975" and one_year.stop == 180 + 12 + 5


@pytest.mark.parametrize(
    ("cutoffs", "match"),
    [
        (["1950-01"], "not a month of the series"),
        (["1972-01", "1970-01"], "increasing order"),
        (["1978-01"], "series ends at 1979-12"),
        ([], "at least one cut-off"),
    ],
)
def test_make_folds_rejects_impossible_folds(cutoffs, match):
    with pytest.raises(ValueError, match=match):
        lh.make_folds(MONTHS, cutoffs)


def test_backtest_scores_persistence_exactly_on_a_straight_line():
    series = 2.0 * np.arange(240.0)  # persistence is off by 2k at step k
    folds = lh.make_folds(MONTHS, ["1965-01", "1970-01"], origins=10, horizon=5)
    result = lh.backtest(series, folds, lambda cut: lh.persistence, 12, 5)
    expected = np.sqrt(np.mean((2.0 * np.arange(1, 6)) ** 2))
    np.testing.assert_allclose(result.rmse, [[expected, expected]])
    assert result.rmse.shape == (1, 2) and len(result.targets) == 2
    assert result.predictions[0][0].shape == result.targets[0].shape == (10, 5)


@settings(max_examples=40, deadline=None)
@given(
    first=st.integers(30, 150),
    gap=st.integers(1, 40),
    origins=st.integers(1, 12),
    horizon=st.integers(1, 12),
)
def test_every_fold_scores_its_origins_on_the_months_after_its_cutoff(first, gap, origins, horizon):
    series = np.arange(240.0)  # value = month index, so targets name their months
    cutoffs = [str(MONTHS[first]), str(MONTHS[first + gap])]
    folds = lh.make_folds(MONTHS, cutoffs, origins=origins, horizon=horizon)
    seen = []

    def fit_at(cut):
        seen.append(cut)
        return lh.persistence

    result = lh.backtest(series, folds, fit_at, 12, horizon)
    assert seen == [f.cutoff for f in folds]  # one refit per fold, at its cut-off
    for fold, targets in zip(folds, result.targets, strict=True):
        assert targets.shape == (origins, horizon)
        assert targets.min() == fold.cutoff and targets.max() == fold.stop - 1  # months scored
        assert (targets[:, 0] == fold.cutoff + np.arange(origins)).all()  # the origins


def test_seeds_give_one_row_each_and_the_fitted_models_forecast_again():
    series = co2_like()
    folds = lh.make_folds(MONTHS, ["1972-01", "1974-01"], origins=6, horizon=6)
    calls = []

    def fit_at(cut, seed):
        calls.append((cut, seed))
        return lambda X, k: lh.persistence(X, k) + seed  # seed 1 is off by one more

    result = lh.backtest(series, folds, fit_at, 13, 6, seeds=[0, 1])
    assert calls == [(144, 0), (168, 0), (144, 1), (168, 1)]
    assert result.rmse.shape == (2, 2) and (result.rmse[1] != result.rmse[0]).all()
    np.testing.assert_array_equal(result.median, np.median(result.rmse, axis=0))
    X = series[:13].reshape(1, 13, 1)
    np.testing.assert_array_equal(result.forecast(X, 3, fold=0, seed=1), lh.persistence(X, 3) + 1)
    with pytest.raises(ValueError, match="seed must index"):
        result.forecast(X, 3, seed=2)
    with pytest.raises(ValueError, match="fold must index"):
        result.forecast(X, 3, fold=2)


def test_backtest_rejects_bad_forecasters_and_empty_inputs():
    series = co2_like()
    folds = lh.make_folds(MONTHS, ["1972-01"], origins=6, horizon=6)
    with pytest.raises(ValueError, match="expected \\(6, 6\\)"):
        lh.backtest(series, folds, lambda cut: lambda X, k: lh.persistence(X, 1), 13, 6)
    with pytest.raises(ValueError, match="must return a forecaster"):
        lh.backtest(series, folds, lambda cut: 42, 13, 6)
    with pytest.raises(ValueError, match="at least one fold"):
        lh.backtest(series, [], lambda cut: lh.persistence, 13, 6)
    with pytest.raises(ValueError, match="seeds is empty"):
        lh.backtest(series, folds, lambda cut, seed: lh.persistence, 13, 6, seeds=[])
    with pytest.raises(ValueError, match="1-D"):
        lh.backtest(series.reshape(-1, 1), folds, lambda cut: lh.persistence, 13, 6)


def test_baseline_backtests_and_the_table():
    series = co2_like()
    folds = lh.make_folds(MONTHS, ["1972-01", "1974-01"], origins=6, horizon=6)
    results = lh.baseline_backtests(series, folds, 13, 6, season=12)
    assert list(results) == ["persistence", "seasonal naive (12)"]
    assert (results["seasonal naive (12)"].rmse < results["persistence"].rmse).all()  # a season
    results["noisy"] = lh.backtest(
        series,
        folds,
        lambda cut, seed: lambda X, k: lh.persistence(X, k) + seed,
        13,
        6,
        seeds=[0, 1, 2],
    )
    text = str(lh.backtest_table(results))
    assert text.splitlines()[0].split()[-5:] == ["1972", "1974", "mean", "of", "folds"]
    noisy = results["noisy"].rmse
    assert f"{np.median(noisy[:, 0]):.3g} ({noisy[:, 0].min():.3g}-{noisy[:, 0].max():.3g})" in text
    other = lh.make_folds(MONTHS, ["1970-01"], origins=6, horizon=6)
    results["elsewhere"] = lh.backtest(series, other, lambda cut: lh.persistence, 13, 6)
    with pytest.raises(ValueError, match="same folds"):
        lh.backtest_table(results)
    with pytest.raises(ValueError, match="at least one"):
        lh.backtest_table({})


@pytest.mark.parametrize("changes", [False, True])
def test_fitted_forecasters_use_only_the_months_before_the_cutoff(changes):
    series, cut = co2_like(), 150
    changed = series.copy()
    changed[cut:] += 50.0  # a different future
    X = series[cut - 13 : cut].reshape(1, 13, 1)
    ar = [
        lh.fit_ar_forecaster(s, cut, 12, seq_length=13, changes=changes) for s in (series, changed)
    ]
    np.testing.assert_array_equal(ar[0].predict(X, 6), ar[1].predict(X, 6))
    recipe = dataclasses.replace(TINY, changes=changes)
    lstm = [lh.fit_lstm_forecaster(s, cut, recipe, seed=1) for s in (series, changed)]
    np.testing.assert_array_equal(lstm[0].predict(X, 6), lstm[1].predict(X, 6))


def test_ar_forecaster_on_changes_follows_a_trend_and_a_season():
    series = co2_like(seed=3)
    folds = lh.make_folds(MONTHS, ["1975-01"], origins=12, horizon=12)
    ar = lh.backtest(
        series, folds, lambda cut: lh.fit_ar_forecaster(series, cut, 24, changes=True), 25, 12
    )
    naive = lh.baseline_backtests(series, folds, 25, 12, season=12)["seasonal naive (12)"]
    assert ar.rmse[0, 0] < 0.5 * naive.rmse[0, 0] and ar.rmse[0, 0] < 0.3


def test_fit_lstm_forecaster_is_the_inline_recipe():
    """The same seed and settings written out by hand give the same model, as notebook 07 shows."""
    series, cut = co2_like(), 150
    recipe = dataclasses.replace(TINY, changes=False, scaler="minmax")
    scaler = lh.fit_scaler(series[:cut], kind="minmax")
    z = scaler.transform(series[:cut])
    train = lh.make_loader(
        *lh.forecast_windows(z, 13, 1, stop=cut - 12), batch_size=64, shuffle=True
    )
    stop = lh.make_loader(*lh.forecast_windows(z, 13, 1, start=cut - 12), batch_size=1024)
    lh.set_seed(4)
    model = lh.LSTMPredictor(hidden_size=4, num_layers=1, dropout=0.0)
    lh.fit(
        model,
        train,
        lh.TrainConfig(lr=3e-3, max_epochs=2, patience=10),
        val_loader=stop,
        progress=False,
    )
    packaged = lh.fit_lstm_forecaster(series, cut, recipe, seed=4)
    for p, q in zip(model.parameters(), packaged.model.parameters(), strict=True):
        torch.testing.assert_close(p, q, rtol=0, atol=0)
    assert packaged.scaler == scaler and not packaged.changes


def test_a_bounded_output_never_forecasts_above_the_scalers_maximum():
    series, cut = co2_like(), 150
    recipe = dataclasses.replace(TINY, changes=False, scaler="minmax", bounded=True)
    forecaster = lh.fit_lstm_forecaster(series, cut, recipe, seed=0)
    assert isinstance(forecaster.model, lh.BoundedOutput)
    X = lh.forecast_windows(series, 13, 24, start=cut)[0]
    assert forecaster.predict(X, 24).max() <= series[:cut].max()
    y, hidden = forecaster.model(torch.randn(5, 13, 1) * 100)
    assert y.shape == (5, 1) and ((y > 0) & (y < 1)).all() and len(hidden) == 2
    assert forecaster.model.config == forecaster.model.model.config


def test_the_mlp_recipe_trains_a_window_mlp_on_the_same_windows():
    """network="mlp" swaps the LSTM for a WindowMLP reading the whole window; the rest is equal."""
    series, cut = co2_like(), 150
    recipe = dataclasses.replace(TINY, network="mlp")
    forecaster = lh.fit_lstm_forecaster(series, cut, recipe, seed=0)
    assert isinstance(forecaster.model, lh.WindowMLP)
    assert forecaster.model.config.lags == 12  # 13 levels -> 12 changes
    assert forecaster.changes and forecaster.scaler.kind == "standard"
    X = lh.forecast_windows(series, 13, 6, start=cut)[0]
    assert forecaster.predict(X, 6).shape == (len(X), 6)
    again = lh.fit_lstm_forecaster(series, cut, recipe, seed=0)
    np.testing.assert_array_equal(again.predict(X, 6), forecaster.predict(X, 6))


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"hidden_size": 0}, "hidden_size must be a positive integer"),
        ({"lr": -1.0}, "lr must be a finite number"),
        ({"scaler": "robust"}, "scaler must be one of"),
        ({"seq_length": 1}, "at least 2 levels"),
        ({"stop_months": 0}, "stop_months must be a positive integer"),
        ({"network": "gru"}, "network must be one of"),
    ],
)
def test_recipe_rejects_bad_settings(changes, match):
    with pytest.raises(ValueError, match=match):
        lh.LSTMRecipe(**changes)


def test_fit_lstm_forecaster_rejects_a_cutoff_without_room():
    series = co2_like()
    with pytest.raises(ValueError, match="cutoff must index the series"):
        lh.fit_lstm_forecaster(series, 0, TINY)
    with pytest.raises(ValueError, match="too few for windows"):
        lh.fit_lstm_forecaster(series, 20, TINY)
    with pytest.raises(ValueError, match="finite"):
        lh.fit_ar_forecaster(np.r_[series[:100], np.nan, series[101:]], 150, 12)


def result_with(rmse, folds):
    rmse = np.asarray(rmse, dtype=float)
    return Backtest(
        folds=tuple(folds), rmse=rmse, predictions=(), targets=(), forecasters=(), seconds=0.0
    )


def test_plot_backtest_draws_every_seed_and_the_highlight_on_top():
    folds = lh.make_folds(MONTHS, ["1972-01", "1974-01"], origins=6, horizon=6)
    results = {
        "AR": result_with([[1.0, 2.0]], folds),
        "LSTM": result_with([[1.0, 3.0], [2.0, 4.0]], folds),
    }
    ax = lh.plot_backtest(results, highlight="LSTM", ylabel="RMSE (ppm)")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["AR", "LSTM (2 seeds, line: median)"]
    lstm_lines = [line for line in ax.lines if line.get_zorder() >= 4]
    assert len(lstm_lines) == 3  # two seeds and the median, above the rest
    np.testing.assert_array_equal(lstm_lines[-1].get_ydata(), [1.5, 3.5])
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1972", "1974"]
    styles = {
        line.get_label(): (line.get_color(), line.get_linestyle(), line.get_marker())
        for line in ax.lines
    }
    assert styles["AR"] != styles["LSTM (2 seeds, line: median)"]
    with pytest.raises(ValueError, match="same folds"):
        lh.plot_backtest({"a": results["AR"], "b": result_with([[1.0]], folds[:1])})


def test_plot_folds_and_plot_periods_label_what_they_draw():
    folds = lh.make_folds(MONTHS, ["1972-01", "1974-01"], origins=6, horizon=6)
    ax = lh.plot_folds(MONTHS, folds, stop_months=12)
    assert len(ax.lines) == 8 and len(ax.get_legend().get_texts()) == 4
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1972", "1974"]
    ax = lh.plot_periods(MONTHS, co2_like(), {"training": "1960-01", "test": "1975-01"})
    assert [t.get_text() for t in ax.texts] == ["training", "test"]
    with pytest.raises(ValueError, match="increasing order"):
        lh.plot_periods(MONTHS, co2_like(), {"a": "1975-01", "b": "1960-01"})
    plt.close("all")
