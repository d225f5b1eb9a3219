"""Baselines on hand-checkable series: a ramp for persistence, a sine for AR(2)."""

import numpy as np
import pytest
import torch

import lstm_helpers as lh
from lstm_helpers.baselines import ARModel, fit_ar, persistence, seasonal_naive


def test_persistence_on_a_ramp_is_off_by_exactly_the_slope():
    slope = 0.5
    X, y = lh.make_windows(3.0 + slope * np.arange(100), seq_length=10)  # (90, 10, 1), (90, 1)
    pred = persistence(X)
    assert pred.shape == y.shape == (90, 1)
    np.testing.assert_allclose(y - pred, slope, rtol=0, atol=1e-12)
    assert lh.regression_metrics(pred, y).mae == pytest.approx(slope)


def test_persistence_multi_step_is_flat_and_off_by_k_slopes():
    X, y = lh.make_windows(2.0 * np.arange(40.0), seq_length=5, horizon=3)
    pred = persistence(X, horizon=3)
    np.testing.assert_array_equal(pred, np.repeat(X[:, -1, :], 3, axis=1))
    np.testing.assert_allclose(y - pred, np.broadcast_to([2.0, 4.0, 6.0], y.shape))


def test_persistence_accepts_tensors_and_2d_windows():
    X = torch.arange(12.0).reshape(2, 6, 1)
    np.testing.assert_array_equal(persistence(X), [[5.0], [11.0]])
    np.testing.assert_array_equal(persistence(X[:, :, 0]), [[5.0], [11.0]])


def test_seasonal_naive_is_exact_on_a_periodic_series():
    pattern = np.array([1.0, 4.0, 2.0, 8.0, 5.0, 7.0])
    series = np.tile(pattern, 10)
    X, y = lh.make_windows(series, seq_length=8, horizon=9)  # horizon longer than one season
    pred = seasonal_naive(X, season=6, horizon=9)
    np.testing.assert_array_equal(pred, y)
    # ... and persistence is not
    assert lh.regression_metrics(persistence(X, 9), y).mse > 1.0


def test_seasonal_naive_needs_a_full_season_in_the_window():
    X = np.zeros((3, 5, 1))
    with pytest.raises(ValueError, match="at least one season"):
        seasonal_naive(X, season=12)


def test_ar2_recovers_the_sine_recurrence_and_is_practically_exact():
    # sin(w t) satisfies x[t] = 2 cos(w) x[t-1] - x[t-2]: a two-term linear recurrence.
    series = lh.sine_series()  # the tutorial's sine, 1000 points on [0, 100]
    w = 100.0 / 999.0  # step in x between consecutive points
    X, y = lh.make_windows(series, seq_length=50)
    n_train = 760
    ar = fit_ar(X[:n_train], y[:n_train], order=2)  # fitted on training windows only
    assert ar.order == 2
    np.testing.assert_allclose(ar.coef, [-1.0, 2.0 * np.cos(w)], atol=1e-10)
    assert abs(ar.intercept) < 1e-10
    assert lh.regression_metrics(ar.predict(X[n_train:]), y[n_train:]).mse < 1e-20


def test_ar2_on_float32_test_windows_still_near_exact():
    data = lh.sine_data()  # float32 tensors, as the LSTM sees them
    X_train, y_train = data.split.train
    X_test, y_test = data.split.test
    ar = fit_ar(X_train, y_train, order=2)
    assert lh.regression_metrics(ar.predict(X_test), y_test).mse < 1e-12


def test_iterated_ar_equals_the_recurrence_multi_step():
    ar = ARModel(coef=(0.5, 1.0), intercept=1.0)  # x[t] = 1 + 0.5 x[t-2] + x[t-1]
    X = np.array([[[2.0], [3.0]]])
    # step 1: 1 + 0.5*2 + 3 = 5; step 2: 1 + 0.5*3 + 5 = 7.5; step 3: 1 + 0.5*5 + 7.5 = 11
    np.testing.assert_allclose(ar.predict(X, horizon=3), [[5.0, 7.5, 11.0]])


def test_iterated_ar2_follows_a_sine_many_steps_ahead():
    series = lh.sine_series()
    X, y = lh.make_windows(series, seq_length=20, horizon=100)
    ar = fit_ar(X[:500], y[:500], order=2)
    pred = ar.predict(X[500:], horizon=100)
    assert pred.shape == y[500:].shape
    np.testing.assert_allclose(pred, y[500:], atol=1e-8)


def test_ar_without_intercept_and_on_a_line():
    line = 1.0 + 0.25 * np.arange(50.0)
    X, y = lh.make_windows(line, seq_length=4)
    ar = fit_ar(X, y, order=2, intercept=True)  # x[t] = 2x[t-1] - x[t-2] or any exact mix
    np.testing.assert_allclose(ar.predict(X), y, atol=1e-9)
    assert fit_ar(X, y, order=1, intercept=False).intercept == 0.0


def test_fit_ar_rejects_bad_inputs():
    X, y = lh.make_windows(np.arange(30.0), seq_length=3)
    with pytest.raises(ValueError, match="at least 5 steps"):
        fit_ar(X, y, order=5)
    with pytest.raises(ValueError, match="same number of windows"):
        fit_ar(X, y[:-1], order=2)
    with pytest.raises(ValueError, match="positive integer"):
        fit_ar(X, y, order=0)
    with pytest.raises(ValueError, match="parameters but only"):
        fit_ar(X[:2], y[:2], order=3)
    with pytest.raises(ValueError, match=r"\(windows, seq_length, features\)"):
        persistence(np.zeros(5))


# ---------------------------------------------------------------- WindowMLP


def test_window_mlp_reads_only_the_last_lags_values():
    mlp = lh.WindowMLP(lags=3)
    x = torch.randn(4, 10, 1)
    changed = x.clone()
    changed[:, :7] = 99.0  # everything before the last 3 steps
    torch.testing.assert_close(mlp(x)[0], mlp(changed)[0])
    other = x.clone()
    other[:, -1] += 1.0  # the newest value does matter
    assert not torch.allclose(mlp(x)[0], mlp(other)[0])
    y, hidden = mlp(x)
    assert y.shape == (4, 1) and hidden is None


def test_window_mlp_size_grows_with_lags_and_has_a_config():
    small, large = lh.WindowMLP(lags=1), lh.WindowMLP(lags=50)
    assert lh.count_parameters(large) - lh.count_parameters(small) == 49 * 32  # first layer only
    assert large.config.lags == 50 and large.config.hidden_size == 32
    two_features = lh.WindowMLP(lags=2, input_size=2, output_size=3)
    assert two_features(torch.randn(5, 4, 2))[0].shape == (5, 3)


def test_window_mlp_learns_the_threshold_rule_from_one_value():
    data = lh.prepare_series(lh.threshold_series(800), seq_length=5, train_frac=0.8, batch_size=32)
    torch.manual_seed(0)
    mlp = lh.WindowMLP(lags=1)
    lh.fit(mlp, data.train_loader, lh.TrainConfig(lr=1e-2, max_epochs=60), progress=False)
    X_test, y_test = data.split.test
    ar = lh.fit_ar(*data.split.train, order=5)
    mlp_mse = lh.regression_metrics(lh.predict(mlp, X_test), y_test).mse
    ar_mse = lh.regression_metrics(ar.predict(X_test), y_test).mse
    assert mlp_mse < 0.6 * ar_mse  # a nonlinear rule of one value: no linear model follows it


def test_window_mlp_rolls_out_by_rereading_and_refuses_state():
    mlp = lh.WindowMLP(lags=4)
    history = torch.randn(3, 6, 1)
    rollout = lh.rollout_window(mlp, history, 5, window=6)
    assert rollout.predictions.shape == (3, 5)
    first = lh.predict(mlp, history)
    torch.testing.assert_close(rollout.predictions[:, :1], first)
    with pytest.raises(ValueError, match="keeps no state"):
        mlp(history, hidden=(torch.zeros(1), torch.zeros(1)))


def test_window_mlp_rejects_bad_settings_and_inputs():
    with pytest.raises(ValueError, match="lags must be a positive integer"):
        lh.WindowMLP(lags=0)
    mlp = lh.WindowMLP(lags=5)
    with pytest.raises(ValueError, match=r"seq_length >= 5.*got \(2, 3, 1\)"):
        mlp(torch.zeros(2, 3, 1))  # windows shorter than the lags
    with pytest.raises(ValueError, match="unsqueeze"):
        mlp(torch.zeros(2, 8))  # the feature axis is missing
