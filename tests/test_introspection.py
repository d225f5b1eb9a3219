"""Input-gradient norms against hand-computed cases; gate collection; their plots."""

import math

import numpy as np
import pytest
import torch
from torch import nn

import lstm_helpers as lh
from lstm_helpers.introspection import collect_gates, input_gradient_norms
from lstm_helpers.scratch import GateTrace


class LinearWindow(nn.Module):
    """y = sum over t and f of weight[t, f] * x[t, f]: its input gradient is `weight` itself."""

    def __init__(self, weight: torch.Tensor) -> None:
        super().__init__()
        self.weight = nn.Parameter(weight)  # (T, F)

    def forward(self, x, hidden=None):
        return (x * self.weight).sum(dim=(1, 2)).unsqueeze(-1), None  # (B, T, F) -> (B, 1)


def test_linear_model_gives_row_norms_of_its_weight():
    weight = torch.tensor([[3.0, 4.0], [0.0, 1.0], [-2.0, 0.0]])  # (T=3, F=2)
    model = LinearWindow(weight)
    norms = input_gradient_norms(model, torch.randn(5, 3, 2))
    torch.testing.assert_close(norms, torch.tensor([5.0, 1.0, 2.0]))  # |(3, 4)| = 5, ...
    assert model.weight.grad is None  # parameters' gradients untouched


def _one_unit_rnn(w: float, u: float, b: float, a: float) -> lh.RNNPredictor:
    """h_t = tanh(w x_t + u h_{t-1} + b), y = a h_T: a 1-unit RNN with known weights."""
    model = lh.RNNPredictor(1, 1, 1, 1, dropout=0.0).double()
    with torch.no_grad():
        model.rnn.weight_ih_l0.fill_(w)
        model.rnn.weight_hh_l0.fill_(u)
        model.rnn.bias_ih_l0.fill_(b)
        model.rnn.bias_hh_l0.zero_()
        model.fc.weight.fill_(a)
        model.fc.bias.fill_(0.3)
    return model


def test_one_unit_rnn_at_zero_input_decays_geometrically():
    """At x = 0 and no bias every h is 0, so dy/dx_t = a * w * u^(T-1-t) exactly."""
    w, u, a, T = 0.7, 0.5, 2.0, 12
    model = _one_unit_rnn(w, u, 0.0, a)
    norms = input_gradient_norms(model, torch.zeros(1, T, 1, dtype=torch.float64))
    want = torch.tensor([abs(a * w * u ** (T - 1 - t)) for t in range(T)], dtype=torch.float64)
    torch.testing.assert_close(norms, want)


def test_one_unit_rnn_matches_chain_rule_by_hand():
    """dy/dx_t = a * w * (1 - h_t^2) * prod over s > t of u * (1 - h_s^2)."""
    w, u, b, a = 1.3, -0.8, 0.2, 1.5
    xs = [0.5, -1.0, 0.3, 0.9, -0.2]
    h, hs = 0.0, []
    for x_t in xs:
        h = math.tanh(w * x_t + u * h + b)
        hs.append(h)
    want = []
    for t in range(len(xs)):
        d = a * w * (1 - hs[t] ** 2)
        for s in range(t + 1, len(xs)):
            d *= u * (1 - hs[s] ** 2)
        want.append(abs(d))
    model = _one_unit_rnn(w, u, b, a)
    x = torch.tensor(xs, dtype=torch.float64).reshape(1, -1, 1)  # (1, T, 1)
    torch.testing.assert_close(
        input_gradient_norms(model, x), torch.tensor(want, dtype=torch.float64)
    )


def test_batch_gives_mean_over_windows():
    model = lh.LSTMPredictor(1, 8, 2)
    x = torch.randn(3, 7, 1)
    each = torch.stack([input_gradient_norms(model, x[b : b + 1]) for b in range(3)])
    torch.testing.assert_close(input_gradient_norms(model, x), each.mean(dim=0))


def test_runs_in_eval_mode_and_restores_mode():
    model = lh.LSTMPredictor(1, 8, 2, dropout=0.5).train()
    x = torch.randn(4, 6, 1)
    first, second = input_gradient_norms(model, x), input_gradient_norms(model, x)
    torch.testing.assert_close(first, second)  # no dropout masks
    assert model.training
    assert all(p.grad is None for p in model.parameters())
    assert first.shape == (6,)
    assert (first > 0).all()


def test_same_for_lstm_and_scratch_predictor():
    ref = lh.LSTMPredictor(2, 6, 2)
    scratch = lh.ScratchLSTMPredictor(2, 6, 2)
    scratch.load_state_dict(ref.state_dict())
    x = torch.randn(3, 9, 2)
    torch.testing.assert_close(input_gradient_norms(scratch, x), input_gradient_norms(ref, x))


def test_gradient_norms_reject_bad_input():
    with pytest.raises(ValueError, match="unsqueeze"):
        input_gradient_norms(lh.LSTMPredictor(1, 4, 1), torch.randn(3, 10))


def test_collect_gates_shapes_ranges_and_identities():
    torch.manual_seed(0)
    model = lh.LSTMPredictor(1, 12, 2, dropout=0.3).train()
    x = torch.randn(4, 9, 1) * 3  # large inputs push the gates towards their limits
    before = {k: v.clone() for k, v in model.state_dict().items()}
    trace = collect_gates(model, x)
    assert isinstance(trace, GateTrace)
    assert trace.num_layers == 2
    for name in "ifgoch":
        assert [tuple(t.shape) for t in getattr(trace, name)] == [(4, 9, 12)] * 2
    for k in range(2):
        for name in "ifo":
            values = getattr(trace, name)[k]
            assert ((values > 0) & (values < 1)).all(), name
        assert ((trace.g[k] > -1) & (trace.g[k] < 1)).all()
        torch.testing.assert_close(trace.h[k], trace.o[k] * torch.tanh(trace.c[k]))
        # c_t = f_t * c_{t-1} + i_t * g_t, starting from c = 0
        c_prev = torch.cat([torch.zeros(4, 1, 12), trace.c[k][:, :-1]], dim=1)
        torch.testing.assert_close(trace.c[k], trace.f[k] * c_prev + trace.i[k] * trace.g[k])
    # The top layer's last h, through fc, is the predictor's own prediction (in eval mode).
    model.eval()
    torch.testing.assert_close(model.fc(trace.h[-1][:, -1]), model(x)[0].detach())
    assert not any(t.requires_grad for t in trace.h)
    for k, v in model.state_dict().items():
        assert torch.equal(v, before[k])


def test_collect_gates_from_scratch_predictor_keeps_its_mode():
    model = lh.ScratchLSTMPredictor(1, 5, 1).train()
    trace = collect_gates(model, torch.randn(2, 3, 1))
    assert trace.f[0].shape == (2, 3, 5)
    assert model.training


def test_collect_gates_rejects_models_without_lstm():
    with pytest.raises(ValueError, match="LSTMPredictor"):
        collect_gates(lh.RNNPredictor(1, 4, 1), torch.randn(2, 3, 1))


def test_plot_gates_panels_and_colour_ranges():
    trace = collect_gates(lh.LSTMPredictor(1, 6, 2), torch.randn(3, 10, 1))
    axes = lh.plot_gates(trace, window=1, x=torch.randn(3, 10, 1))
    assert len(axes) == 6  # input + i, f, g, o, c
    assert axes[0].get_lines()  # the input window
    assert axes[2].get_images()[0].get_clim() == (0.0, 1.0)  # forget gate on [0, 1]
    assert axes[3].get_images()[0].get_clim() == (-1.0, 1.0)  # g on [-1, 1]
    assert axes[1].get_images()[0].get_array().shape == (6, 10)  # units x steps
    assert len(lh.plot_gates(trace, names="fc", layer=0)) == 2
    with pytest.raises(ValueError, match="ifgoch"):
        lh.plot_gates(trace, names="fz")


def test_plot_gate_lines_picks_most_varying_units():
    trace = collect_gates(lh.LSTMPredictor(1, 6, 1), torch.randn(2, 10, 1))
    ax = lh.plot_gate_lines(trace, "i", units=3)
    assert len(ax.get_lines()) == 4  # 3 units + mean
    ax = lh.plot_gate_lines(trace, "c", units=[0, 5])
    assert len(ax.get_lines()) == 3
    with pytest.raises(ValueError, match="name"):
        lh.plot_gate_lines(trace, "x")


def test_plot_input_gradients_log_scale_one_line_per_model():
    norms = {"a": torch.tensor([1e-6, 1e-3, 1.0]), "b": np.array([0.1, 0.2, 0.3])}
    ax = lh.plot_input_gradients(norms)
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == ["a", "b"]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_introspection_on_a_cuda_model_with_cpu_input(monkeypatch):
    monkeypatch.setattr(torch.backends.cudnn, "allow_tf32", False)
    model = lh.LSTMPredictor(1, 8, 2)
    x = torch.randn(3, 12, 1)
    want_norms, want_trace = input_gradient_norms(model, x), collect_gates(model, x)
    model.cuda()
    norms, trace = input_gradient_norms(model, x), collect_gates(model, x)
    assert norms.device.type == "cpu" and trace.f[0].device.type == "cpu"
    torch.testing.assert_close(norms, want_norms, rtol=1e-4, atol=1e-6)
    torch.testing.assert_close(trace.c[-1], want_trace.c[-1], rtol=1e-4, atol=1e-5)


def test_gradient_profile_is_the_geometric_mean_over_seeds():
    x = torch.randn(4, 6, 1)
    per_seed = []
    for seed in (3, 4):
        lh.set_seed(seed)
        per_seed.append(input_gradient_norms(lh.LSTMPredictor(hidden_size=5), x))
    profile = lh.gradient_profile(lambda: lh.LSTMPredictor(hidden_size=5), x, seeds=[3, 4])
    assert profile.shape == (6,)
    torch.testing.assert_close(profile, (per_seed[0] * per_seed[1]).sqrt())


def test_gradient_profile_follows_the_input_dtype_and_needs_seeds():
    x = torch.randn(2, 5, 1, dtype=torch.float64)
    assert lh.gradient_profile(lh.RNNPredictor, x, seeds=[0]).dtype == torch.float64
    with pytest.raises(ValueError, match="at least one seed"):
        lh.gradient_profile(lh.RNNPredictor, x, seeds=[])


def test_r_squared_of_exact_noisy_and_useless_features():
    g = torch.Generator().manual_seed(0)
    features = torch.randn(10, 7, 3, generator=g)  # (B, T, D): one row of 3 per target value
    target = features @ torch.tensor([1.0, -2.0, 0.5]) + 4.0  # (B, T), an exact line
    assert lh.r_squared(features, target) == pytest.approx(1.0)
    noisy = target + torch.randn(10, 7, generator=g) * target.std()  # half the variance
    assert 0.3 < lh.r_squared(features, noisy) < 0.7
    useless = torch.randn(10, 7, 1, generator=g)
    assert lh.r_squared(useless, target) < 0.1  # near 0 (a fitted line is never below 0)


def test_r_squared_by_hand_and_bad_input():
    # Least squares by hand: the line 2.3x + 0.8 leaves 0.3 of the total 26.75 unexplained.
    x, y = torch.tensor([0.0, 1.0, 2.0, 3.0]), torch.tensor([1.0, 3.0, 5.0, 8.0])
    assert lh.r_squared(x, y) == pytest.approx(1 - 0.3 / 26.75)
    with pytest.raises(ValueError, match="whole row"):
        lh.r_squared(torch.zeros(5), torch.zeros(4))
    with pytest.raises(ValueError, match="constant"):
        lh.r_squared(x, torch.ones(4))


def test_least_squares_predict_fits_on_one_set_and_predicts_another():
    g = torch.Generator().manual_seed(1)
    features = torch.randn(6, 5, 3, generator=g)  # (B, T, D): 30 training rows
    line = torch.tensor([1.0, -2.0, 0.5])
    target = features @ line + 4.0  # (B, T), an exact line
    new = torch.randn(4, 3, generator=g)  # (M, D): other rows, another layout
    pred = lh.least_squares_predict(features, target, new)
    assert pred.shape == (4,) and pred.dtype == torch.float64
    torch.testing.assert_close(pred, (new @ line + 4.0).double())
    # One feature per sample, 1-D: the line 2.3x + 0.8 of the by-hand test below.
    x, y = torch.tensor([0.0, 1.0, 2.0, 3.0]), torch.tensor([1.0, 3.0, 5.0, 8.0])
    torch.testing.assert_close(
        lh.least_squares_predict(x, y, torch.tensor([10.0])), torch.tensor([23.8]).double()
    )
    with pytest.raises(ValueError, match="rows of 3 features"):
        lh.least_squares_predict(features, target, torch.randn(4, 2))
    with pytest.raises(ValueError, match="whole row"):
        lh.least_squares_predict(torch.zeros(5), torch.zeros(4), torch.zeros(2))


def test_held_out_r_squared_scores_a_line_fitted_elsewhere():
    g = torch.Generator().manual_seed(2)
    train_x = torch.randn(40, 2, generator=g)
    train_y = train_x @ torch.tensor([1.0, 1.0]) + 0.1 * torch.randn(40, generator=g)
    test_x = torch.randn(30, 2, generator=g)
    test_y = test_x @ torch.tensor([1.0, 1.0])
    held_out = lh.r_squared(test_x, test_y, fit_on=(train_x, train_y))
    assert 0.95 < held_out < 1.0  # the line found on train_x carries over
    # By hand: the line fitted on train, scored on the test samples.
    pred = lh.least_squares_predict(train_x, train_y, test_x)
    y = test_y.double()
    assert held_out == pytest.approx(
        (1 - (y - pred).square().sum() / (y - y.mean()).square().sum()).item()
    )
    # A line fitted on pure noise does worse than the test mean: R² below 0.
    noise = torch.randn(40, generator=g)
    assert lh.r_squared(test_x, test_y, fit_on=(train_x, noise)) < 0
    with pytest.raises(ValueError, match="rows of 3 features"):
        lh.r_squared(test_x, test_y, fit_on=(torch.randn(40, 3, generator=g), train_y))
    with pytest.raises(ValueError, match="as wide"):  # one feature per row there, two here
        lh.r_squared(test_x, test_y, fit_on=(train_x[:, 0], train_y))


def test_plot_gate_movement_draws_the_input_then_one_panel_per_gate():
    x = torch.linspace(-1, 1, 2 * 7).reshape(2, 7, 1)
    trace = collect_gates(lh.LSTMPredictor(hidden_size=5, num_layers=1), x)
    axes = lh.plot_gate_movement(trace, x, names="fio", window=1, units=2)
    assert len(axes) == 4
    np.testing.assert_allclose(axes[0].lines[0].get_ydata(), x[1, :, 0].numpy())
    assert [ax.get_title() for ax in axes[1:]] == [
        "forget gate f (layer 0)",
        "input gate i (layer 0)",
        "output gate o (layer 0)",
    ]
    assert all(len(ax.lines) == 3 for ax in axes[1:])  # 2 units and the mean
    # The same units in every panel, each in one colour across the panels.
    for line in range(2):
        labels = {ax.lines[line].get_label() for ax in axes[1:]}
        colors = {ax.lines[line].get_color() for ax in axes[1:]}
        assert len(labels) == 1 and len(colors) == 1
    spread = sum(getattr(trace, n)[0][1].std(dim=0) for n in "fio")
    expected = {f"unit {j}" for j in spread.argsort(descending=True)[:2].tolist()}
    assert {line.get_label() for line in axes[1].lines[:2]} == expected
    with pytest.raises(ValueError, match="3 Axes"):
        lh.plot_gate_movement(trace, x, names="fi", axes=axes[:2])
