"""Multi-step forecasts: the carried-state rollout against re-reading, and error by horizon."""

import numpy as np
import pytest
import torch

import lstm_helpers as lh
from lstm_helpers.baselines import ARModel, fit_ar, persistence
from lstm_helpers.forecasting import (
    baseline_forecasts,
    error_by_horizon,
    forecast_windows,
    rollout_stateful,
    rollout_window,
)


@pytest.fixture
def model():
    torch.manual_seed(1)
    return lh.LSTMPredictor(hidden_size=16, num_layers=2, dropout=0.2)


@pytest.fixture
def history():
    series = lh.sine_series(200, x_max=20.0, noise_std=0.05)
    X, _ = lh.make_windows(series, seq_length=30)
    return torch.as_tensor(X[::40], dtype=torch.float32)  # (B=5, T0=30, 1)


def test_stateful_rollout_equals_rereading_the_whole_history(model, history):
    horizon = 25
    carried = rollout_stateful(model, history, horizon)
    reread = rollout_window(model, history, horizon, window=None)
    assert carried.predictions.shape == reread.predictions.shape == (5, horizon)
    torch.testing.assert_close(carried.predictions, reread.predictions, rtol=1e-5, atol=1e-6)
    # Same numbers, far fewer LSTM steps: T0 + K - 1 against sum of T0 + k for k < K.
    t0 = history.shape[1]
    assert carried.lstm_steps == t0 + horizon - 1 == 54
    assert reread.lstm_steps == sum(t0 + k for k in range(horizon)) == 1050
    assert reread.lstm_steps > 15 * carried.lstm_steps


def test_first_step_is_the_ordinary_one_step_prediction(model, history):
    carried = rollout_stateful(model, history, horizon=3)
    torch.testing.assert_close(carried.predictions[:, :1], lh.predict(model, history))


def test_sliding_window_reads_only_the_last_values(model, history):
    horizon, window = 10, 30
    sliding = rollout_window(model, history, horizon, window=window)
    assert sliding.lstm_steps == horizon * window
    # a window at least as long as history + forecast never drops a value: same as re-reading all
    long = rollout_window(model, history, horizon, window=history.shape[1] + horizon)
    torch.testing.assert_close(
        long.predictions, rollout_stateful(model, history, horizon).predictions
    )
    # its step k reads exactly the last `window` values of history + predictions so far
    seq = torch.cat([history[:, :, 0], sliding.predictions], dim=1)  # (B, T0 + K)
    k = 6
    x_k = seq[:, k : k + window, None]  # the window re-read at step k
    torch.testing.assert_close(sliding.predictions[:, k : k + 1], lh.predict(model, x_k))


def test_rollout_runs_in_eval_mode_and_restores_training_mode(model, history):
    model.train()
    a = rollout_stateful(model, history, 5).predictions
    b = rollout_stateful(model, history, 5).predictions
    torch.testing.assert_close(a, b, rtol=0, atol=0)  # dropout off: deterministic
    assert model.training


def test_rollout_accepts_a_plain_series_and_an_rnn():
    torch.manual_seed(0)
    rnn = lh.RNNPredictor(hidden_size=8, num_layers=1)
    series = np.sin(np.linspace(0, 6, 40))
    carried = rollout_stateful(rnn, series, 7)
    assert carried.predictions.shape == (1, 7)
    torch.testing.assert_close(carried.predictions, rollout_window(rnn, series, 7).predictions)


def test_rollout_rejects_multi_output_models_and_bad_history(history):
    with pytest.raises(ValueError, match="output_size=1"):
        rollout_stateful(lh.LSTMPredictor(output_size=3), history, 3)
    with pytest.raises(ValueError, match="history must be"):
        rollout_stateful(lh.LSTMPredictor(), torch.zeros(2, 5, 2), 3)
    with pytest.raises(ValueError, match="positive integer"):
        rollout_window(lh.LSTMPredictor(), history, 0)


def test_a_trained_lstm_rolls_out_a_sine_with_fewer_steps_when_carrying_state():
    lh.set_seed(0)
    data = lh.sine_data(lh.DataConfig(seq_length=20, batch_size=64))
    model = lh.LSTMPredictor(hidden_size=32, num_layers=1)
    lh.fit(model, data.train_loader, lh.TrainConfig(lr=1e-2, max_epochs=8), progress=False)
    horizon = 20
    X_k, y_test = lh.make_windows(data.series[800:], 20, horizon=horizon)  # after training data
    carried = rollout_stateful(model, X_k, horizon)
    sliding = rollout_window(model, X_k, horizon, window=20)
    errors = error_by_horizon(carried.predictions, y_test, "rmse")
    assert errors.shape == (horizon,)
    assert errors[0] < 0.02  # one step ahead: the model has learnt the sine
    # 20 steps ahead the errors have grown, yet stay far below persistence's (about 1.2)
    assert errors[-1] < error_by_horizon(persistence(X_k, horizon), y_test, "rmse")[-1] / 3
    assert sliding.lstm_steps == horizon * 20 > 2 * carried.lstm_steps
    # the two inputs differ (whole history vs the last 20 values), and so do the forecasts:
    # the carried state runs past the 20 steps the model was trained on
    torch.testing.assert_close(carried.predictions[:, 0], sliding.predictions[:, 0])
    assert (carried.predictions - sliding.predictions).abs().max() > 1e-3


def test_baseline_forecasts_fit_ar_on_train_only():
    series = lh.sine_series(300, x_max=30.0)
    X, y = lh.make_windows(series, seq_length=24, horizon=5)
    out = baseline_forecasts(X[200:], 5, train=(X[:200], y[:200]), ar_orders=(2, 4), season=12)
    assert list(out) == ["persistence", "seasonal naive (12)", "AR(2)", "AR(4)"]
    assert all(v.shape == (len(X) - 200, 5) for v in out.values())
    np.testing.assert_array_equal(out["AR(2)"], fit_ar(X[:200], y[:200], 2).predict(X[200:], 5))
    assert error_by_horizon(out["AR(2)"], y[200:]).max() < 1e-8


def test_error_by_horizon_by_hand():
    y_true = np.zeros((2, 3))
    y_pred = np.array([[1.0, -2.0, 0.0], [1.0, 2.0, 4.0]])
    np.testing.assert_allclose(error_by_horizon(y_pred, y_true, "mse"), [1.0, 4.0, 8.0])
    np.testing.assert_allclose(error_by_horizon(y_pred, y_true, "rmse"), [1.0, 2.0, np.sqrt(8.0)])
    np.testing.assert_allclose(error_by_horizon(y_pred, y_true, "mae"), [1.0, 2.0, 2.0])
    with pytest.raises(ValueError, match="metric must be"):
        error_by_horizon(y_pred, y_true, "mape")
    with pytest.raises(ValueError, match=r"\(windows, horizon\)"):
        error_by_horizon(y_pred[:, :2], y_true)


def test_horizon_table_shows_one_value_or_the_range_over_seeds_at_each_step():
    one = np.linspace(0.01, 0.05, 50)  # (K,): one forecaster
    seeds = np.stack([one, 2 * one])  # (S=2, K)
    lines = lh.horizon_table({"AR": one, "LSTM": seeds}, steps=(1, 50)).splitlines()
    assert lines[0].split()[-2:] == ["k=1", "k=50"]
    assert lines[1].split() == ["AR", "0.01", "0.05"]
    assert lines[2].split() == ["LSTM", "0.01-0.02", "0.05-0.1"]
    with pytest.raises(ValueError, match="no step"):
        lh.horizon_table({"AR": one}, steps=(51,))


def test_forecast_windows_score_only_the_period():
    series = np.arange(100.0)
    X, y = forecast_windows(series, seq_length=10, horizon=5, start=80)
    # origins 80..95: inputs may start before 80, every target is at index >= 80
    assert X.shape == (16, 10, 1) and y.shape == (16, 5)
    assert y.min() == 80.0 and y.max() == 99.0 and X.min() == 70.0
    X2, y2 = forecast_windows(series, 10, 5, start=0, stop=50)
    assert y2.max() == 49.0 and len(X2) == 50 - 10 - 5 + 1
    with pytest.raises(ValueError, match="no window"):
        forecast_windows(series, 10, 30, start=80)


def test_plot_forecast_and_error_by_horizon_draw_one_line_each():
    history = np.sin(np.linspace(0, 6, 30))
    dates = np.arange("2000-01", "2002-10", dtype="datetime64[M]")  # 33 months
    ax = lh.plot_forecast(
        history,
        {"flat": np.full(3, history[-1]), "model": torch.zeros(1, 3)},
        actual=np.ones(3),
        history_x=dates[:30],
        future_x=dates[30:],
    )
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:4] == ["history", "actual", "flat", "model"]
    np.testing.assert_array_equal(ax.get_lines()[3].get_ydata(), [0.0, 0.0, 0.0])
    ax = lh.plot_error_by_horizon({"a": np.array([1.0, 2.0]), "b": torch.tensor([0.5, 0.7])})
    assert [line.get_label() for line in ax.get_lines()] == ["a", "b"]
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [1, 2])


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_rollouts_on_cuda_match_the_cpu(model, history):
    cpu = rollout_stateful(model, history, 12).predictions
    gpu_model = model.to("cuda")
    carried = rollout_stateful(gpu_model, history, 12)  # CPU history: moved to the model's device
    reread = rollout_window(gpu_model, history.numpy(), 12)
    assert carried.predictions.device.type == "cpu"
    # cuDNN may use TF32 on recent GPUs: agree to about 1e-3, not to float32 rounding
    torch.testing.assert_close(carried.predictions, cpu, rtol=1e-3, atol=1e-4)
    torch.testing.assert_close(reread.predictions, carried.predictions, rtol=1e-3, atol=1e-4)


def test_compare_forecasts_scores_every_forecast_against_every_target_set():
    y = np.zeros((4, 2))
    clean = np.ones((4, 2))
    table = lh.compare_forecasts(
        {"zero": np.zeros((4, 2)), "one": torch.ones(4, 2)}, {"noisy": y, "clean": clean}
    )
    assert table["zero"] == {"noisy": 0.0, "clean": 1.0}
    assert table["one"] == {"noisy": 1.0, "clean": 0.0}
    text = str(table).splitlines()
    assert "MSE vs noisy" in text[0] and "MSE vs clean" in text[0]
    assert text[1].split() == ["zero", "0", "1"]
    rmse = lh.compare_forecasts({"a": np.full((2, 1), 2.0)}, {"y": np.zeros((2, 1))}, "rmse")
    assert rmse["a"]["y"] == 2.0
    with pytest.raises(ValueError, match="metric must be"):
        lh.compare_forecasts({"a": y}, {"y": y}, "mape")
    with pytest.raises(ValueError, match="same shape"):
        lh.compare_forecasts({"a": y[:, :1]}, {"y": y})


def _levels():
    t = np.arange(60.0)
    return 300 + 0.1 * t + 0.002 * t**2 + np.sin(2 * np.pi * t / 12)  # trend + season


def test_scaled_forecaster_on_changes_undoes_differencing_and_scaling():
    series = _levels()
    X, _ = lh.make_windows(series, seq_length=13)
    changes = np.diff(series)
    scaler = lh.fit_scaler(changes[:30])
    ar = ARModel(coef=(1.0,), intercept=0.0)  # next scaled change = the last one
    out = lh.ScaledForecaster(ar, scaler, changes=True).predict(X, 4)
    last_change = X[:, -1, 0] - X[:, -2, 0]
    expected = X[:, -1, :] + np.outer(last_change, np.arange(1, 5))  # (M, 4)
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-9)
    with pytest.raises(ValueError, match="at least 2 levels"):
        lh.ScaledForecaster(ar, scaler, changes=True).predict(X[:, :1], 2)


def test_scaled_forecaster_on_levels_and_with_a_network_matches_doing_it_by_hand():
    series = _levels()
    X, _ = lh.make_windows(series, seq_length=12)
    scaler = lh.fit_scaler(series[:40])
    ar = lh.fit_ar(scaler.transform(X[:, :, 0]), scaler.transform(series[12:]), order=3)
    by_hand = scaler.inverse_transform(ar.predict(scaler.transform(X[:, :, 0]), 5))
    np.testing.assert_allclose(lh.ScaledForecaster(ar, scaler).predict(X, 5), by_hand)
    torch.manual_seed(0)
    net = lh.LSTMPredictor(hidden_size=8, num_layers=1, dropout=0.0)
    z = scaler.transform(np.diff(X[:, :, 0], axis=1))  # (M, 11) scaled changes
    steps = rollout_window(net, z, 3, window=11).predictions.numpy().astype(np.float64)
    by_hand = X[:, -1, :] + np.cumsum(scaler.inverse_transform(steps), axis=1)
    out = lh.ScaledForecaster(net, scaler, changes=True).predict(X, 3)
    assert out.shape == (len(X), 3) and out.dtype == np.float64
    np.testing.assert_allclose(out, by_hand)


def test_forecast_plots_share_colours_through_an_explicit_mapping():
    colors = lh.label_colors(["model p", "model q"])
    assert colors == {"model p": lh.plots.PALETTE[0], "model q": lh.plots.PALETTE[1]}
    ax = lh.plot_forecast(
        np.zeros(5), {"model p": np.ones(2), "model q": np.ones(2)}, colors=colors
    )
    ax2 = lh.plot_error_by_horizon({"model q": np.ones(2), "model p": np.ones(2)}, colors=colors)
    for axes in (ax, ax2):
        drawn = {line.get_label(): line.get_color() for line in axes.get_lines()}
        assert drawn["model p"] == lh.plots.PALETTE[0] and drawn["model q"] == lh.plots.PALETTE[1]


def test_forecast_plot_colours_do_not_depend_on_earlier_plots():
    first = lh.plot_error_by_horizon({"x": np.ones(2), "y": np.ones(2)})
    again = lh.plot_error_by_horizon({"x": np.ones(2), "y": np.ones(2)})
    assert [line.get_color() for line in first.get_lines()] == [
        line.get_color() for line in again.get_lines()
    ]


def test_error_by_horizon_plot_draws_the_floor_and_a_log_scale():
    ax = lh.plot_error_by_horizon({"a": np.array([1.0, 2.0, 3.0])}, floor=0.5, log=True)
    assert ax.get_yscale() == "log"
    floor = next(line for line in ax.get_lines() if line.get_label() == "noise floor")
    np.testing.assert_array_equal(floor.get_ydata(), [0.5, 0.5, 0.5])
    ax = lh.plot_error_by_horizon({"a": np.ones(2)}, floor=np.array([0.1, 0.2]))
    np.testing.assert_array_equal(ax.get_lines()[-1].get_ydata(), [0.1, 0.2])


def test_plot_next_vs_last_draws_actual_and_each_forecast_against_the_last_value():
    last = np.array([-1.0, 0.5])
    ax = lh.plot_next_vs_last(last, np.array([[0.1], [0.2]]), {"rule": lh.threshold_rule(last)})
    assert [line.get_label() for line in ax.get_lines()] == ["actual next value", "rule"]
    np.testing.assert_array_equal(ax.get_lines()[1].get_xdata(), last)
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), [-0.6, -0.5])
