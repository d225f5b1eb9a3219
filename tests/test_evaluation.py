import math

import numpy as np
import pytest
import torch

import lstm_helpers as lh


def test_metrics_on_hand_checkable_values():
    m = lh.regression_metrics(
        torch.tensor([[1.0], [2.0], [4.0]]), torch.tensor([[1.0], [1.0], [1.0]])
    )
    assert m.mse == pytest.approx((0 + 1 + 9) / 3)
    assert m.rmse == pytest.approx(math.sqrt(10 / 3))
    assert m.mae == pytest.approx(4 / 3)
    assert str(m) == "MSE 3.33 | RMSE 1.83 | MAE 1.33"


def test_metrics_refuse_shapes_that_would_broadcast():
    with pytest.raises(ValueError, match=r"same shape.*\(3, 1\) and \(3,\)"):
        lh.regression_metrics(torch.zeros(3, 1), torch.zeros(3))


def test_predict_uses_eval_mode_and_restores_training_mode():
    model = lh.LSTMPredictor(dropout=0.5).train()
    x = torch.randn(10, 12, 1)
    a, b = lh.predict(model, x), lh.predict(model, x)
    assert torch.equal(a, b)  # dropout off while predicting
    assert model.training  # mode restored
    assert not a.requires_grad and a.shape == (10, 1)


def test_predict_batches_and_loader_give_the_same_result():
    model = lh.LSTMPredictor(hidden_size=8)
    X, y = lh.make_windows(lh.sine_series(120), 10)
    loader = lh.make_loader(X, y, batch_size=7)
    torch.testing.assert_close(
        lh.predict(model, loader),
        lh.predict(model, torch.as_tensor(X, dtype=torch.float32), batch_size=5),
    )


def test_evaluate_scores_each_window_against_its_own_target():
    """Hand-made targets: a model that predicts 0 scores exactly the targets' squares."""

    class Zero(torch.nn.Module):
        def forward(self, x, hidden=None):
            return x.new_zeros(len(x), 1), hidden

    X = torch.zeros(6, 3, 1)
    y = torch.tensor([[1.0], [2.0], [0.0], [3.0], [0.0], [1.0]])
    for shuffle in (False, True):
        metrics = lh.evaluate(Zero(), lh.make_loader(X, y, batch_size=4, shuffle=shuffle))
        assert metrics.mse == pytest.approx((1 + 4 + 0 + 9 + 0 + 1) / 6)
        assert metrics.mae == pytest.approx((1 + 2 + 3 + 1) / 6)


def test_evaluate_pairs_predictions_with_targets_on_a_shuffled_loader():
    """A model that echoes each window's last value: perfect only if pairs stay aligned."""

    class Echo(torch.nn.Module):
        def forward(self, x, hidden=None):
            return x[:, -1, :], hidden

    X = torch.arange(40.0).reshape(40, 1, 1)
    loader = lh.make_loader(X, X[:, 0, :], batch_size=8, shuffle=True)
    assert lh.evaluate(Echo(), loader).mse == 0.0


# ---------------------------------------------------------------- residual autocorrelation


def test_autocorrelation_by_hand_and_of_an_alternating_series():
    e = np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])
    r = lh.autocorrelation(e, max_lag=2)
    np.testing.assert_allclose(
        r, [-5 / 6, 4 / 6]
    )  # sums of neighbouring products over sum of squares
    np.testing.assert_allclose(lh.autocorrelation(torch.tensor(e)[:, None], 2), r)  # (M, 1) tensor


def test_autocorrelation_of_noise_stays_in_the_band_and_of_ar1_does_not():
    rng = np.random.default_rng(0)
    noise = rng.normal(size=2000)
    band = 2 / np.sqrt(len(noise))
    assert np.sum(np.abs(lh.autocorrelation(noise, 20)) > band) <= 3  # about 1 in 20 by chance
    ar1 = np.zeros(2000)
    for t in range(1, 2000):
        ar1[t] = 0.8 * ar1[t - 1] + noise[t]
    r = lh.autocorrelation(ar1, 3)
    np.testing.assert_allclose(r, [0.8, 0.64, 0.512], atol=0.06)  # r_k = 0.8^k


def test_autocorrelation_ranks_ar_baselines_on_a_noisy_sine_as_the_floor_does():
    data = lh.sine_data(lh.DataConfig(noise_std=0.1, train_frac=0.7, val_frac=0.1))
    (X_train, y_train), (X_test, y_test) = data.split.train, data.split.test
    band = 2 / np.sqrt(len(y_test))
    outside = {}
    for k in (2, 50):
        e = lh.fit_ar(X_train, y_train, k).predict(X_test) - y_test.numpy()
        outside[k] = int(np.sum(np.abs(lh.autocorrelation(e, 20)) > band))
    assert outside[2] >= 8 and outside[50] <= 2


def test_autocorrelation_rejects_bad_input():
    with pytest.raises(ValueError, match=r"\(M,\) or \(M, 1\).*\(5, 2\)"):
        lh.autocorrelation(np.zeros((5, 2)))
    with pytest.raises(ValueError, match="max_lag must be below"):
        lh.autocorrelation(np.arange(5.0), max_lag=4)
    with pytest.raises(ValueError, match="max_lag must be a positive integer"):
        lh.autocorrelation(np.arange(50.0), max_lag=0)
    with pytest.raises(ValueError, match="all equal"):
        lh.autocorrelation(np.ones(30), max_lag=3)
    with pytest.raises(ValueError, match="all equal"):
        lh.autocorrelation(np.r_[np.arange(29.0), np.nan], max_lag=3)


def test_plot_autocorrelation_draws_one_line_per_forecaster_and_the_noise_band():
    rng = np.random.default_rng(1)
    residuals = {"white": rng.normal(size=100), "smooth": np.sin(np.arange(100) / 5)}
    ax = lh.plot_autocorrelation(residuals, max_lag=10)
    lines = [line for line in ax.lines if line.get_label() in residuals]
    assert [line.get_label() for line in lines] == ["white", "smooth"]
    np.testing.assert_allclose(lines[1].get_ydata(), lh.autocorrelation(residuals["smooth"], 10))
    assert lines[1].get_zorder() > lines[0].get_zorder()  # the last one on top
    band = [p for p in ax.patches if "noise band" in p.get_label()]
    assert len(band) == 1 and band[0].get_label() == "noise band ±2/√100"
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None
    with pytest.raises(ValueError, match="at least one"):
        lh.plot_autocorrelation({})


class Square(torch.nn.Module):
    """y = (w * x)^2 summed: autograd saves x for the product and w * x for the square."""

    def __init__(self) -> None:
        super().__init__()
        self.w = torch.nn.Parameter(torch.tensor(2.0))

    def forward(self, x, hidden=None):
        return (self.w * x).pow(2).sum(dim=(1, 2)).unsqueeze(-1), None  # (B, T, F) -> (B, 1)


def test_saved_tensor_bytes_counts_what_backward_needs_and_nothing_under_no_grad():
    x = torch.randn(4, 5, 1)  # 20 float32 values: 80 bytes
    saved = lh.saved_tensor_bytes(Square(), x)
    assert saved >= 2 * 80  # at least x and w * x, both (4, 5, 1)
    with torch.no_grad():
        assert lh.saved_tensor_bytes(Square(), x) == 0
    assert lh.saved_tensor_bytes(Square(), torch.randn(8, 5, 1)) == 2 * saved  # per window


def test_saved_tensor_bytes_of_an_lstm_grows_with_the_windows():
    lh.set_seed(0)
    model = lh.LSTMPredictor(hidden_size=8).eval()
    a, b, c = (lh.saved_tensor_bytes(model, torch.randn(n, 10, 1)) for n in (3, 6, 9))
    assert a < b < c  # the weights once, then the gates and states of every window
    assert c - a > 6 * 10 * 8 * 4  # 6 more windows: more than one hidden state per step each
