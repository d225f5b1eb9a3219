import math

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
