"""Exercise checkers (lstm_helpers.exercises) accept right answers and reject typical wrong ones without giving them away."""

import dataclasses

import numpy as np
import pytest
import torch
from torch import nn

import lstm_helpers as lh
from lstm_helpers.exercises import nb01, nb02, nb02b, nb03, nb04, nb04b, nb05, nb05b, nb06, nb07
from lstm_helpers.exercises._result import Result


def wrong(result, capsys, *secrets, hint=""):
    """Assert a rejected answer: printed text equals the result, leaks no secret, has the hint."""
    printed = capsys.readouterr().out
    assert not result and result.status == "wrong"
    assert printed.strip() == str(result)
    assert "✗" in printed
    for secret in secrets:
        assert str(secret) not in printed, f"the hint gives away {secret!r}: {printed}"
    assert hint in printed
    return printed


def right(result, capsys):
    printed = capsys.readouterr().out
    assert result and result.status == "correct"
    assert "✗" not in printed and printed.count("✓") == len(result.lines)
    return printed


def test_placeholder_is_not_answered_and_falsy(capsys):
    result = nb01.window_shapes(..., (3, 4), num_points=100, seq_length=10)
    assert not result and result.status == "unanswered"
    assert capsys.readouterr().out.startswith("… Not answered yet")
    assert nb01.batches((..., 3), 5, num_windows=10, batch_size=3).status == "unanswered"


def test_result_prints_nothing_more_as_a_cell_value(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    result = nb03.clip_factor(1.0, norm=0.5, max_norm=1.0)
    assert capsys.readouterr().out.startswith("✓")  # the checker printed its message once
    data, metadata = InteractiveShell.instance().display_formatter.format(result)
    assert (data, metadata) == ({}, {})  # as a cell's value it shows nothing more
    assert capsys.readouterr().out == ""
    assert str(result).startswith("✓")


# ---------------------------------------------------------------- 01


WIN = {"num_points": 1000, "seq_length": 20, "horizon": 5}


def test_window_shapes_accepts_make_windows(capsys):
    X, y = lh.make_windows(lh.sine_series(1000), seq_length=20, horizon=5)
    right(nb01.window_shapes(X.shape, y.shape, **WIN), capsys)
    right(nb01.window_shapes([976, 20, 1], torch.Size([976, 5]), **WIN), capsys)


@pytest.mark.parametrize(
    ("X_shape", "hint"),
    [
        ((980, 20, 1), "horizon"),  # N - T: forgot the horizon
        ((975, 20, 1), "off by one"),
        ((977, 20, 1), "off by one"),
        ((976, 20), "feature axis"),
        ((20, 976, 1), "wrong order"),
        ((976, 1, 20), "wrong order"),
        ((976, 5, 1), "seq_length"),
    ],
)
def test_window_shapes_hints_for_x(capsys, X_shape, hint):
    result = nb01.window_shapes(X_shape, (976, 5), **WIN)
    printed = wrong(result, capsys, "976", hint=hint)
    assert "✓ y" in printed


@pytest.mark.parametrize(
    ("y_shape", "hint"),
    [((976,), "2-D"), ((976, 1), "horizon"), ((976, 5, 1), "no feature axis"), ((980, 5), "row")],
)
def test_window_shapes_hints_for_y(capsys, y_shape, hint):
    wrong(nb01.window_shapes((976, 20, 1), y_shape, **WIN), capsys, hint=hint)


def test_window_shapes_wants_a_shape(capsys):
    X, _ = lh.make_windows(lh.sine_series(1000), seq_length=20, horizon=5)
    wrong(nb01.window_shapes(X, "976, 5", **WIN), capsys, "976", hint="shape")


def test_batch_first(capsys):
    tm = torch.randn(50, 32, 1)
    right(nb01.batch_first(tm, tm.transpose(0, 1)), capsys)
    right(nb01.batch_first(tm, tm.permute(1, 0, 2).contiguous()), capsys)
    wrong(nb01.batch_first(tm, tm.reshape(32, 50, 1)), capsys, hint="transpose")
    wrong(nb01.batch_first(tm, tm.view(32, 50, 1)), capsys, hint="scrambled")
    wrong(nb01.batch_first(tm, tm.permute(2, 1, 0)), capsys, hint="features stay last")
    wrong(nb01.batch_first(tm, tm), capsys, hint="time-major")
    wrong(nb01.batch_first(tm, tm.transpose(0, 1).squeeze(-1)), capsys, hint="reordered")
    wrong(nb01.batch_first(tm, (32, 50, 1)), capsys, hint="tensor")


def test_batches(capsys):
    right(nb01.batches(12, 56, num_windows=760, batch_size=64), capsys)
    right(nb01.batches(24, 24, num_windows=760, batch_size=32), capsys)
    right(nb01.batches(11, 64, num_windows=760, batch_size=64, drop_last=True), capsys)
    wrong(nb01.batches(11, 56, num_windows=760, batch_size=64), capsys, "12", hint="drop_last")
    wrong(nb01.batches(12, 64, num_windows=760, batch_size=64), capsys, "56", hint="smaller")
    wrong(nb01.batches(13, 8, num_windows=760, batch_size=64), capsys, "12", "56")
    wrong(nb01.batches("12", 56.5, num_windows=760, batch_size=64), capsys, hint="whole number")


# ---------------------------------------------------------------- 02


LSTM = {"input_size": 3, "hidden_size": 20, "num_layers": 2}


def test_lstm_parameters_accepts_torch_and_the_formula(capsys):
    expected = sum(p.numel() for p in nn.LSTM(3, 20, 2).parameters())
    assert expected == lh.lstm_parameter_count(3, 20, 2)
    right(nb02.lstm_parameters(expected, **LSTM), capsys)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (4 * (3 * 20 + 400 + 20) + 4 * (400 + 400 + 20), "two bias vectors"),
        (4 * (3 * 20 + 400) + 4 * (400 + 400), "biases"),
        (2 * 4 * (3 * 20 + 400 + 40), "hidden state of the layer below"),
        ((3 * 20 + 400 + 40) + (400 + 400 + 40), "four gates"),
        (4 * (3 * 20 + 400 + 40), "every layer"),
        (4 * (3 * 20 + 400 + 40) + 4 * (400 + 400 + 40) + 21, "linear head"),
        (1234, "4 gates"),
    ],
)
def test_lstm_parameters_hints(capsys, answer, hint):
    wrong(nb02.lstm_parameters(answer, **LSTM), capsys, "5360", hint=hint)


SHAPES = {"batch": 8, "seq_len": 30, "hidden_size": 16, "num_layers": 3}


def test_lstm_output_shapes(capsys):
    right(nb02.lstm_output_shapes((8, 30, 16), (3, 8, 16), (3, 8, 16), **SHAPES), capsys)
    printed = wrong(
        nb02.lstm_output_shapes((8, 30, 48), (8, 3, 16), (1, 8, 16), **SHAPES),
        capsys,
        "(3, 8, 16)",
        "(8, 30, 16)",
    )
    assert "only the top layer" in printed
    assert "always layers first" in printed
    assert "one final state per layer" in printed
    printed = wrong(
        nb02.lstm_output_shapes((30, 8, 16), (3, 8, 30, 16), (3, 8, 16), **SHAPES), capsys
    )
    assert "batch first" in printed and "final step" in printed and "✓ c_n" in printed
    wrong(
        nb02.lstm_output_shapes((8, 16), (3, 8, 16), (3, 8, 16), **SHAPES),
        capsys,
        hint="every step",
    )


def test_output_gate(capsys):
    lstm = nn.LSTM(1, 4, batch_first=True)
    x = torch.randn(8, 50, 1)
    _, (h_n, c_n) = lstm(x)
    right(nb02.output_gate(lstm, x, h_n[-1] / torch.tanh(c_n[-1])), capsys)
    right(nb02.output_gate(lstm, x, h_n / torch.tanh(c_n)), capsys)  # (1, B, H) is fine
    wrong(nb02.output_gate(lstm, x, h_n[-1] / c_n[-1]), capsys, hint="squashed")
    wrong(nb02.output_gate(lstm, x, torch.tanh(c_n[-1])), capsys, hint="solve")
    wrong(nb02.output_gate(lstm, x, h_n[-1, :4]), capsys, hint="shape")
    wrong(nb02.output_gate(lstm, x, 0.5), capsys, hint="tensor")


# ---------------------------------------------------------------- 03


def test_clip_factor(capsys):
    right(nb03.clip_factor(0.4, norm=2.5, max_norm=1.0), capsys)
    right(nb03.clip_factor(1 / 2.5, norm=2.5, max_norm=1.0), capsys)
    right(nb03.clip_factor(1, norm=0.4, max_norm=1.0), capsys)
    wrong(nb03.clip_factor(2.5, norm=2.5, max_norm=1.0), capsys, "0.4", hint="longer")
    wrong(nb03.clip_factor(1.0, norm=2.5, max_norm=1.0), capsys, "0.4", hint="below 1")
    wrong(nb03.clip_factor(0.6, norm=2.5, max_norm=1.0), capsys, "0.4", hint="same factor")
    wrong(nb03.clip_factor(0.4, norm=0.4, max_norm=1.0), capsys, hint="only acts")


def make_history(norms, per_epoch=4):
    steps = list(norms)
    epochs = [max(steps[i : i + per_epoch]) for i in range(0, len(steps), per_epoch)]
    return lh.History(train_loss=[0.0] * len(epochs), grad_norm=epochs, step_grad_norm=steps)


def test_clipped_steps(capsys):
    history = make_history([0.1, 0.3, 0.2, 2.0, 0.5, 1.5, 1.2, 0.1] + [0.1] * 8)
    right(nb03.clipped_steps(history, 1.0, 3), capsys)
    right(nb03.clipped_steps(history, 0.25, 5), capsys)
    wrong(nb03.clipped_steps(history, 1.0, 2), capsys, hint="per epoch")
    wrong(nb03.clipped_steps(history, 1.0, 13), capsys, hint="at or below")
    wrong(nb03.clipped_steps(history, 1.0, 16), capsys, hint="every step")
    wrong(nb03.clipped_steps(history, 1.0, 7), capsys, hint="step_grad_norm")


def test_max_norm_choice(capsys):
    history = make_history([*np.linspace(0.1, 0.3, 95), 0.8, 1.0, 1.5, 2.0, 3.0])
    right(nb03.max_norm_choice(history, 1.0), capsys)
    right(nb03.max_norm_choice(history, 0.5), capsys)
    wrong(nb03.max_norm_choice(history, 5.0), capsys, hint="never acts")
    wrong(nb03.max_norm_choice(history, 0.1), capsys, hint="ordinary steps")
    wrong(nb03.max_norm_choice(history, -1), capsys, hint="positive")


# ---------------------------------------------------------------- 04


@pytest.fixture(scope="module")
def trained():
    """A briefly trained model and test windows: eval MSE well below the training-mode MSE."""
    data = lh.sine_data(lh.DataConfig(seq_length=20, num_points=400, batch_size=32))
    lh.set_seed(0)
    model = lh.LSTMPredictor(hidden_size=16)
    lh.fit(model, data.train_loader, lh.TrainConfig(lr=1e-2, max_epochs=8), progress=False)
    return model, *data.split.test


def test_train_mode_mse(capsys, trained):
    model, X, y = trained
    model.train()
    with torch.no_grad():
        answer = (model(X)[0] - y).square().mean()
    model.eval()
    eval_mse = (lh.predict(model, X) - y).square().mean().item()
    state = torch.get_rng_state()
    right(nb04.train_mode_mse(model, X, y, answer), capsys)  # a tensor is fine
    assert not model.training, "the checker restores the model's mode"
    assert torch.equal(state, torch.get_rng_state()), "the checker leaves the RNG alone"
    wrong(nb04.train_mode_mse(model, X, y, eval_mse), capsys, hint="model.train()")
    wrong(nb04.train_mode_mse(model, X, y, answer.sqrt().item()), capsys, hint="root")
    wrong(nb04.train_mode_mse(model, X, y, 50.0), capsys, hint="mean((prediction")


def test_step_change(capsys):
    y = torch.sin(torch.linspace(0, 20, 200)).unsqueeze(-1)
    d = y.flatten().diff()
    right(nb04.step_change(y, d.abs().mean()), capsys)
    secret = f"{d.abs().mean().item():.3g}"
    wrong(nb04.step_change(y, d.mean().item()), capsys, secret, hint="cancel")
    wrong(nb04.step_change(y, d.square().mean().sqrt().item()), capsys, secret, hint="squared")
    wrong(nb04.step_change(y, d.abs().max().item()), capsys, secret, hint="largest")
    wrong(nb04.step_change(y, 0.5), capsys, secret, hint="y[1:] - y[:-1]")


def test_reloaded_latest(capsys, trained, tmp_path):
    model, X, _ = trained
    path = lh.save_checkpoint(tmp_path / "m.pt", model)
    first, _ = lh.load_checkpoint(path)
    changed = lh.LSTMPredictor(hidden_size=16)
    changed.load_state_dict(model.state_dict())
    with torch.no_grad():
        changed.fc.bias += 0.1  # "trained further" after the first save
    wrong(nb04.reloaded_latest(first, changed, X), capsys, hint="saved again")
    lh.save_checkpoint(path, changed)
    right(nb04.reloaded_latest(lh.load_checkpoint(path)[0], changed, X), capsys)
    wrong(nb04.reloaded_latest(lh.load_checkpoint(path), changed, X), capsys, hint="unpack")
    wrong(nb04.reloaded_latest(changed, changed, X), capsys, hint="in memory")


# ---------------------------------------------------------------- 02b


def test_lstm_step(capsys):
    lstm = nn.LSTM(2, 3, batch_first=True)
    x_t, h, c = torch.randn(4, 2), torch.randn(4, 3), torch.randn(4, 3)
    with torch.no_grad():
        gates = (
            x_t @ lstm.weight_ih_l0.T + h @ lstm.weight_hh_l0.T + lstm.bias_ih_l0 + lstm.bias_hh_l0
        )
        i, f, g, o = gates.chunk(4, dim=1)
        c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h_new = torch.sigmoid(o) * torch.tanh(c_new)
        right(nb02b.lstm_step(lstm, x_t, h, c, (h_new, c_new)), capsys)
        wrong(
            nb02b.lstm_step(lstm, x_t, h, c, (torch.sigmoid(o) * c_new, c_new)),
            capsys,
            hint="squashed",
        )
        i2, f2, o2, g2 = gates.chunk(4, dim=1)  # the i, f, o, g order of some papers
        c2 = torch.sigmoid(f2) * c + torch.sigmoid(i2) * torch.tanh(g2)
        h2 = torch.sigmoid(o2) * torch.tanh(c2)
        wrong(nb02b.lstm_step(lstm, x_t, h, c, (h2, c2)), capsys, hint="order i, f, g, o")
        i3, f3, g3, o3 = (gates - lstm.bias_hh_l0).chunk(4, dim=1)
        c3 = torch.sigmoid(f3) * c + torch.sigmoid(i3) * torch.tanh(g3)
        h3 = torch.sigmoid(o3) * torch.tanh(c3)
        wrong(nb02b.lstm_step(lstm, x_t, h, c, (h3, c3)), capsys, hint="bias_hh")
        wrong(nb02b.lstm_step(lstm, x_t, h, c, (h_new, c_new[:2])), capsys, hint="shapes")
        wrong(nb02b.lstm_step(lstm, x_t, h, c, h_new), capsys, hint="pair")


def test_gate_rows(capsys):
    right(nb02b.gate_rows("f", range(50, 100), hidden_size=50), capsys)
    right(nb02b.gate_rows("f", slice(50, 100), hidden_size=50), capsys)
    right(nb02b.gate_rows("o", list(range(150, 200)), hidden_size=50), capsys)
    wrong(nb02b.gate_rows("f", range(0, 50), hidden_size=50), capsys, "range(50", hint="input gate")
    wrong(nb02b.gate_rows("f", range(100, 150), hidden_size=50), capsys, hint="candidate g")
    wrong(nb02b.gate_rows("f", range(50, 101), hidden_size=50), capsys, hint="off by one")
    wrong(nb02b.gate_rows("f", range(51, 101), hidden_size=50), capsys, hint="off by one")
    wrong(nb02b.gate_rows("f", "50:100", hidden_size=50), capsys, hint="range")


def test_memory_left_and_half_life(capsys):
    right(nb02b.memory_left(0.5**10, forget=0.5, steps=10), capsys)
    right(nb02b.memory_left(torch.tensor(0.5) ** 10, forget=0.5, steps=10), capsys)
    wrong(
        nb02b.memory_left(1 - 0.5**10, forget=0.5, steps=10), capsys, "0.000977", hint="forgotten"
    )
    wrong(nb02b.memory_left(5.0, forget=0.5, steps=10), capsys, "0.000977", hint="multiplies")
    wrong(nb02b.memory_left(0.5**9, forget=0.5, steps=10), capsys, "0.000977", hint="off by one")
    right(nb02b.forget_for_half_life(0.5 ** (1 / 50), steps=50), capsys)
    wrong(nb02b.forget_for_half_life(0.99, steps=50), capsys, "0.986", hint="more than half")
    wrong(nb02b.forget_for_half_life(0.5, steps=50), capsys, "0.986", hint="less than half")
    wrong(nb02b.forget_for_half_life(1.5, steps=50), capsys, hint="between 0 and 1")


# ---------------------------------------------------------------- 04b


def test_noise_floor(capsys):
    right(nb04b.noise_floor(0.05**2, noise_std=0.05), capsys)
    wrong(nb04b.noise_floor(0.05, noise_std=0.05), capsys, "0.0025", hint="squared")
    wrong(
        nb04b.noise_floor(2 * 0.05**2, noise_std=0.05), capsys, "0.0025", hint="target's own noise"
    )
    wrong(nb04b.noise_floor(0.1, noise_std=0.05), capsys, "0.0025", hint="mean square")


def test_rollout_steps(capsys):
    right(nb04b.rollout_steps(99, 2500, seq_length=50, horizon=50), capsys)
    right(nb04b.rollout_steps(69, 1000, seq_length=50, horizon=20), capsys)
    printed = wrong(nb04b.rollout_steps(70, 69, seq_length=50, horizon=20), capsys, "1000")
    assert "off by one" in printed and "one step per new value" in printed
    wrong(nb04b.rollout_steps(20, 1050, seq_length=50, horizon=20), capsys, "69", "1000")


def test_sine_recurrence(capsys):
    step = 100 / 999
    a1, a2 = 2 * np.cos(step), -1.0
    right(nb04b.sine_recurrence(a1, a2, step=step), capsys)
    wrong(nb04b.sine_recurrence(a2, a1, step=step), capsys, f"{a1:.3f}", hint="swapped")
    printed = wrong(nb04b.sine_recurrence(np.cos(step), a2, step=step), capsys, f"{a1:.3f}")
    assert "a2 is right" in printed and "sum formula" in printed


# ---------------------------------------------------------------- 05


def test_bidirectional_shapes(capsys):
    bi = {**SHAPES, "num_layers": 2, "bidirectional": True}
    right(nb02.lstm_output_shapes((8, 30, 32), (4, 8, 16), (4, 8, 16), **bi), capsys)
    printed = wrong(
        nb02.lstm_output_shapes((8, 30, 16), (2, 8, 16), (8, 4, 16), **bi),
        capsys,
        "(4, 8, 16)",
        "(8, 30, 32)",
    )
    assert (
        "both directions" in printed
        and "per layer and direction" in printed
        and "layers first" in printed
    )


def test_bidirectional_rows(capsys):
    right(nb05.bidirectional_rows(-2, -1, num_layers=2), capsys)
    right(nb05.bidirectional_rows(2, 3, num_layers=2), capsys)
    right(nb05.bidirectional_rows(0, 1, num_layers=1), capsys)
    wrong(nb05.bidirectional_rows(0, 1, num_layers=2), capsys, "-2", hint="layer by layer")
    wrong(nb05.bidirectional_rows(-1, -2, num_layers=2), capsys, hint="swapped")
    wrong(nb05.bidirectional_rows(-1, -1, num_layers=2), capsys, hint="separate rows")
    wrong(nb05.bidirectional_rows(4, 0, num_layers=2), capsys, hint="row indices")


def test_last_step_index(capsys):
    lengths = torch.tensor([5, 12, 3])
    right(nb05.last_step_index(lengths - 1, lengths), capsys)
    right(nb05.last_step_index([4, 11, 2], lengths), capsys)
    wrong(nb05.last_step_index(lengths, lengths), capsys, "[4, 11, 2]", hint="off by one")
    wrong(nb05.last_step_index([11, 11, 11], lengths), capsys, hint="padding")
    wrong(nb05.last_step_index([-1, -1, -1], lengths), capsys, hint="padding")
    wrong(nb05.last_step_index(3, lengths), capsys, hint="one index per sequence")


# ---------------------------------------------------------------- 05b


def test_dropout_places(capsys):
    right(nb05b.dropout_places(0, 2), capsys)
    printed = wrong(nb05b.dropout_places(1, 3), capsys, hint="top layer")
    assert printed.count("✗") == 2
    printed = wrong(nb05b.dropout_places(0, 1), capsys, hint="feeds another layer")
    assert "✓ 1 layer" in printed
    wrong(nb05b.dropout_places(0.5, 2), capsys, hint="whole numbers")


STREAM = dict(series_length=1000, batch_size=8, chunk_length=25, chunk=2, row=3, step=4)


def test_stream_position(capsys):
    right(nb05b.stream_position(426, **STREAM), capsys)  # 3 * 124 + 2 * 25 + 4
    wrong(
        nb05b.stream_position(2 * 25 * 8 + 3 * 25 + 4, **STREAM), capsys, "426", hint="own stream"
    )
    wrong(nb05b.stream_position(3 * 125 + 54, **STREAM), capsys, "426", hint="value after it")
    wrong(nb05b.stream_position(427, **STREAM), capsys, "426", hint="off by one")
    wrong(nb05b.stream_position(100, **STREAM), capsys, "426", hint="where the row's stream")
    wrong(nb05b.stream_position("426", **STREAM), capsys, hint="whole number")


LOSSES = [1.10, 1.05, 0.90, 0.92, 0.93, 0.91, 0.85, 0.86, 0.87, 0.88, 0.89, 0.80]
PLATEAU = dict(val_losses=LOSSES, lr=0.01, factor=0.5, scheduler_patience=2, patience=4)


def test_early_stop(capsys):
    right(nb05b.early_stop(11, 0.0025, **PLATEAU), capsys)
    right(nb05b.early_stop(11.0, 2.5e-3, **PLATEAU), capsys)
    printed = wrong(nb05b.early_stop(11, 0.00125, **PLATEAU), capsys, "0.0025", hint="next one")
    assert "✓ the stopping epoch" in printed
    wrong(nb05b.early_stop(11, 0.005, **PLATEAU), capsys, "0.0025", hint="lower twice")
    wrong(nb05b.early_stop(11, 0.01, **PLATEAU), capsys, "0.0025", hint="enough epochs")
    wrong(nb05b.early_stop(12, 0.0025, **PLATEAU), capsys, "11", hint="not after")
    wrong(nb05b.early_stop(9, 0.0025, **PLATEAU), capsys, "11", hint="since the best")
    wrong(nb05b.early_stop("11", 0.0025, **PLATEAU), capsys, hint="epoch number")
    # never stopped: training runs out of epochs; the rate was never lowered
    falling = dict(PLATEAU, val_losses=[1.0, 0.9, 0.8])
    right(nb05b.early_stop(3, 0.01, **falling), capsys)


def test_early_stop_agrees_with_fit(monkeypatch):
    """The checker's simulation stops where `fit` stops on the same validation losses."""
    import lstm_helpers.training as training
    from lstm_helpers.exercises.nb05b import _simulate

    losses = iter(LOSSES)
    monkeypatch.setattr(training, "mean_loss", lambda model, loader, loss_fn: next(losses))
    model = lh.LSTMPredictor(hidden_size=2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=2)
    loader = lh.make_loader(np.zeros((2, 3, 1)), np.zeros((2, 1)), batch_size=2)
    history = lh.fit(
        model,
        loader,
        lh.TrainConfig(max_epochs=12, patience=4),
        val_loader=loader,
        optimizer=optimizer,
        scheduler=scheduler,
        progress=False,
    )
    stop, last_lr, _ = _simulate(**PLATEAU)
    assert (history.epochs, history.lr[-1]) == (stop, last_lr) == (11, 0.0025)


# ---------------------------------------------------------------- 07


def test_train_only_scaler(capsys):
    series = np.linspace(300, 380, 500) + np.sin(np.arange(500))
    right(nb07.train_only_scaler(lh.fit_scaler(series[:300]), series, 300), capsys)
    right(nb07.train_only_scaler(lh.fit_scaler(series[:300], kind="minmax"), series, 300), capsys)
    wrong(nb07.train_only_scaler(lh.fit_scaler(series), series, 300), capsys, hint="leak")
    wrong(
        nb07.train_only_scaler(lh.fit_scaler(series[:200]), series, 300),
        capsys,
        hint="training part",
    )
    wrong(nb07.train_only_scaler(series[:300], series, 300), capsys, hint="Scaler")


def test_undifference(capsys):
    X = np.arange(2 * 5, dtype=float).reshape(2, 5, 1)
    changes = np.array([[1.0, 2.0, 3.0], [0.5, -0.5, 1.0]])
    expected = X[:, -1, :] + np.cumsum(changes, axis=1)
    right(nb07.undifference(expected, X, changes), capsys)
    right(nb07.undifference(torch.as_tensor(expected), X, changes), capsys)
    wrong(nb07.undifference(X[:, -1, :] + changes, X, changes), capsys, hint="accumulate")
    wrong(nb07.undifference(np.cumsum(changes, axis=1), X, changes), capsys, hint="starting level")
    wrong(nb07.undifference(expected[:, :2], X, changes), capsys, hint="shape")
    wrong(nb07.undifference(expected + 1, X, changes), capsys, hint="one month at a time")


def test_seasonal_naive_forecast(capsys):
    X = np.arange(3 * 14, dtype=float).reshape(3, 14, 1) ** 1.5
    right(
        nb07.seasonal_naive_forecast(lh.seasonal_naive(X, 12, 5), X, season=12, horizon=5), capsys
    )
    wrong(
        nb07.seasonal_naive_forecast(lh.persistence(X, 5), X, season=12, horizon=5),
        capsys,
        hint="persistence",
    )
    wrong(
        nb07.seasonal_naive_forecast(X[:, -5:, 0], X, season=12, horizon=5),
        capsys,
        hint="one season before",
    )
    wrong(nb07.seasonal_naive_forecast(X[:, -5:], X, season=12, horizon=5), capsys, hint="shape")


# ---------------------------------------------------------------- 06


def test_smallest_hidden_size(capsys):
    from lstm_helpers.explorer import Explorer, run_experiment

    explorer = Explorer(max_epochs=3, seq_length=10)  # quick runs
    mse = {}
    for h in range(1, 9):
        s = {**explorer.settings, "hidden_size": h}
        mse[h] = run_experiment(*explorer.configs(s), optimizer=s["optimizer"]).metrics.mse
    bar = sorted(mse.values())[3]  # a threshold some sizes pass and some do not
    smallest = min(h for h in mse if mse[h] < bar)
    larger_pass = [h for h in mse if mse[h] < bar and h > smallest]
    state = (torch.get_rng_state(), np.random.get_state()[1].copy())  # noqa: NPY002
    right(nb06.smallest_hidden_size(explorer, smallest, max_mse=bar), capsys)
    assert torch.equal(state[0], torch.get_rng_state())
    assert np.array_equal(state[1], np.random.get_state()[1])  # noqa: NPY002
    if larger_pass:
        wrong(
            nb06.smallest_hidden_size(explorer, larger_pass[0], max_mse=bar),
            capsys,
            hint="smaller one",
        )
    failing = [h for h in mse if mse[h] >= bar]
    wrong(nb06.smallest_hidden_size(explorer, failing[0], max_mse=bar), capsys, hint="try others")
    wrong(nb06.smallest_hidden_size(explorer, 2.5, max_mse=bar), capsys, hint="whole number")
    wrong(nb06.smallest_hidden_size(explorer, 500, max_mse=bar), capsys, hint="small sizes first")
    explorer.close()


def test_best_learning_rate(capsys):
    from lstm_helpers.explorer import Explorer

    explorer = Explorer()
    candidates = (1e-4, 1e-2)  # 1e-4 barely moves in 8 epochs (notebook 06)
    right(nb06.best_learning_rate(explorer, 1e-2, candidates=candidates), capsys)
    wrong(
        nb06.best_learning_rate(explorer, 1e-4, candidates=candidates),
        capsys,
        "lr=0.01",
        hint="another candidate ends lower",
    )
    wrong(nb06.best_learning_rate(explorer, 0.5, candidates=candidates), capsys, hint="candidates")
    explorer.close()


def test_largest_stable_lr(capsys):
    from lstm_helpers.explorer import clipping_explorer

    explorer = clipping_explorer()
    candidates = (0.01, 0.1, 0.3)  # without clipping 0.3 diverges (notebook 06), 0.1 does not
    right(nb06.largest_stable_lr(explorer, 0.1, candidates=candidates), capsys)
    wrong(
        nb06.largest_stable_lr(explorer, 0.3, candidates=candidates),
        capsys,
        "lr=0.1",
        hint="diverges",
    )
    wrong(
        nb06.largest_stable_lr(explorer, 0.01, candidates=candidates),
        capsys,
        "lr=0.1",
        hint="a larger candidate does too",
    )
    explorer.close()


# ---------------------------------------------------------------- all checkers


def test_checkers_leave_the_global_rng_alone(capsys):
    state = torch.get_rng_state()
    nb02.lstm_parameters(1, **LSTM)
    nb02.lstm_output_shapes((1,), (1,), (1,), **SHAPES)
    nb03.clip_factor(0.5, norm=2.0, max_norm=1.0)
    nb01.batches(1, 1, num_windows=10, batch_size=3)
    nb05.bidirectional_rows(-2, -1, num_layers=2)
    nb05b.early_stop(11, 0.0025, **PLATEAU)
    nb05b.stream_position(426, **STREAM)
    assert torch.equal(state, torch.get_rng_state())


def test_result_is_frozen():
    result = Result("correct", ("✓ fine",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.status = "wrong"
