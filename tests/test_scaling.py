"""The scaler: fitted on training data only, invertible, loud on constant or NaN data."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import lstm_helpers as lh
from lstm_helpers.scaling import Scaler, fit_scaler


@pytest.fixture
def growing_series():
    t = np.arange(200.0)
    return 300.0 + 0.1 * t + 3.0 * np.sin(2 * np.pi * t / 12)  # trend + season, like CO2


def test_standard_scaler_statistics_are_those_of_the_train_slice_only(growing_series):
    n_train = 150
    train = growing_series[:n_train]
    scaler = fit_scaler(train)
    assert scaler.center == pytest.approx((train.mean(),))
    assert scaler.scale == pytest.approx((train.std(),))
    # ... and not those of the whole series, which would leak the test part
    assert scaler.center[0] != pytest.approx(growing_series.mean())
    scaled_train = scaler.transform(train)
    assert scaled_train.mean() == pytest.approx(0.0, abs=1e-12)
    assert scaled_train.std() == pytest.approx(1.0)


def test_minmax_fitted_on_train_leaves_later_values_above_one(growing_series):
    n_train = 150
    scaler = fit_scaler(growing_series[:n_train], kind="minmax")
    assert scaler.center == (growing_series[:n_train].min(),)
    assert scaler.scale[0] == pytest.approx(np.ptp(growing_series[:n_train]))
    scaled = scaler.transform(growing_series)
    assert scaled[:n_train].min() == pytest.approx(0.0)
    assert scaled[:n_train].max() == pytest.approx(1.0)
    assert scaled[n_train:].max() > 1.0  # the test part lies outside what training saw
    leaky = fit_scaler(growing_series, kind="minmax").transform(growing_series)
    assert leaky[n_train:].max() == pytest.approx(1.0)  # the leak: test values pinned inside [0, 1]


def test_inverse_transform_round_trips_numpy_and_torch(growing_series):
    scaler = fit_scaler(growing_series[:100])
    np.testing.assert_allclose(
        scaler.inverse_transform(scaler.transform(growing_series)), growing_series
    )
    x = torch.tensor(growing_series[:10], dtype=torch.float32).reshape(10, 1)  # (M, K) predictions
    back = scaler.inverse_transform(scaler.transform(x))
    assert isinstance(back, torch.Tensor) and back.dtype == torch.float32
    torch.testing.assert_close(back, x)


def test_per_feature_statistics_and_column():
    data = np.stack([np.arange(10.0), 100.0 + 10.0 * np.arange(10.0)], axis=1)  # (N, 2)
    scaler = fit_scaler(data, kind="minmax")
    np.testing.assert_allclose(scaler.transform(data)[[0, -1]], [[0.0, 0.0], [1.0, 1.0]])
    # a model predicting column 1 gets that column's statistics back
    np.testing.assert_allclose(scaler.inverse_transform(np.array([[0.5]]), column=1), [[145.0]])
    with pytest.raises(ValueError, match="column must index"):
        scaler.transform(data, column=2)


def test_scaler_is_frozen():
    scaler = fit_scaler(np.arange(5.0))
    assert isinstance(scaler, Scaler)
    with pytest.raises(AttributeError):
        scaler.center = (0.0,)


@pytest.mark.parametrize("kind", ["standard", "minmax"])
def test_constant_data_is_rejected(kind):
    with pytest.raises(ValueError, match="constant"):
        fit_scaler(np.full(20, 3.7), kind=kind)


def test_nan_and_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="NaN or infinite"):
        fit_scaler(np.array([1.0, np.nan, 3.0]))
    with pytest.raises(ValueError, match="kind must be one of"):
        fit_scaler(np.arange(5.0), kind="robust")
    with pytest.raises(ValueError, match="non-empty"):
        fit_scaler(np.array([]))


@settings(max_examples=30, deadline=None)
@given(
    center=st.floats(-500.0, 500.0),
    scale=st.floats(0.01, 100.0),
    order=st.integers(1, 12),
)
def test_a_linear_model_forecasts_the_same_in_any_affine_units(center, scale, order):
    """Why a leaky scaler cannot change a linear model: an affine change of units is absorbed."""
    t = np.arange(240.0)
    series = 300.0 + 0.1 * t + 3.0 * np.sin(2 * np.pi * t / 12) + 0.1 * np.cos(t)
    scalers = [fit_scaler(series[:200]), Scaler(kind="standard", center=(center,), scale=(scale,))]
    X = lh.forecast_windows(series, 24, 12, start=200)[0]
    forecasts = []
    for scaler in scalers:
        z = scaler.transform(series[:200])
        ar = lh.fit_ar(*lh.forecast_windows(z, 24, 1), order=order)
        forecasts.append(lh.ScaledForecaster(ar, scaler).predict(X, 12))
    np.testing.assert_allclose(forecasts[0], forecasts[1], rtol=1e-7, atol=1e-6)


def test_bounded_output_squashes_into_the_unit_interval_and_keeps_the_config():
    inner = lh.LSTMPredictor(hidden_size=3, num_layers=1, dropout=0.0)
    model = lh.BoundedOutput(inner)
    x = torch.randn(4, 6, 1) * 50
    y, (h, _) = model(x)
    raw, _ = inner(x)
    torch.testing.assert_close(y, torch.sigmoid(raw))
    assert model.config == inner.config and h.shape == (1, 4, 3)
    rollout = lh.rollout_window(model, x[:, :, 0], 5, window=6)  # accepted like any one-step model
    assert ((rollout.predictions > 0) & (rollout.predictions < 1)).all()
