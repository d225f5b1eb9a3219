"""Exercise checkers (lstm_helpers.exercises) accept right answers and reject typical wrong ones without giving them away."""

import dataclasses
import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch import nn

import lstm_helpers as lh
from lstm_helpers.exercises import (
    nb01,
    nb02,
    nb02b,
    nb03,
    nb04,
    nb04b,
    nb05,
    nb05b,
    nb06,
    nb07,
    nb08,
    nb09,
    nb10,
)
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


TASK = {"input_size": 3, "hidden_size": 8, "num_layers": 2, "output_size": 2}


class Learner(nn.Module):
    """A learner's predictor, with switches for the typical mistakes."""

    def __init__(self, batch_first=True, hidden_size=8, step=-1, state=True, pass_hidden=True):
        super().__init__()
        self.lstm = nn.LSTM(3, hidden_size, 2, batch_first=batch_first)
        self.fc = nn.Linear(hidden_size, 2)
        self.step, self.state, self.pass_hidden = step, state, pass_hidden

    def forward(self, x, hidden=None):
        out, hidden = self.lstm(x, hidden if self.pass_hidden else None)
        if self.step is None:
            return self.fc(out), hidden  # every step
        return self.fc(out[:, self.step]), (hidden if self.state else None)


def test_predictor_builds_and_compares_the_learners_model(capsys):
    model = Learner().train()
    state = torch.get_rng_state()
    right(nb02.predictor(model, **TASK), capsys)
    assert model.training and torch.equal(torch.get_rng_state(), state)
    named = nn.Module()  # any attribute names will do: the checker finds the two layers
    named.rnn, named.head = nn.LSTM(3, 8, 2, batch_first=True), nn.Linear(8, 2)
    named.forward = lambda x, hidden=None: (lambda o, h: (named.head(o[:, -1]), h))(
        *named.rnn(x, hidden)
    )
    right(nb02.predictor(named, **TASK), capsys)


@pytest.mark.parametrize(
    ("model", "hint"),
    [
        (Learner, "instance"),
        ("model", "nn.Module"),
        (nn.LSTM(3, 8, 2, batch_first=True), "one nn.LSTM"),
        (Learner(batch_first=False), "(batch, steps, features)"),
        (Learner(hidden_size=16), "hidden_size"),
        (Learner(step=0), "first step"),
        (Learner(step=None), "every step"),
        (Learner(state=False), "(h_n, c_n)"),
        (Learner(pass_hidden=False), "pass `hidden` on"),
    ],
)
def test_predictor_hints(capsys, model, hint):
    wrong(nb02.predictor(model, **TASK), capsys, hint=hint)


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


def test_max_norm_choice(capsys):
    history = make_history([*np.linspace(0.1, 0.3, 195), 0.8, 1.0, 1.5, 2.0, 3.0])  # 200 steps
    right(nb03.max_norm_choice(history, 1.0), capsys)  # 3 steps above: 1.5%
    right(nb03.max_norm_choice(history, 0.5), capsys)  # 5 steps: 2.5%
    right(nb03.max_norm_choice(history, 0.29), capsys)  # about 15 steps: under 10%
    wrong(nb03.max_norm_choice(history, 5.0), capsys, hint="never acts")
    wrong(nb03.max_norm_choice(history, 2.5), capsys, hint="hardly ever acts")  # 1 step: 0.5%
    wrong(nb03.max_norm_choice(history, 0.27), capsys, hint="ordinary steps")  # over 10%
    wrong(nb03.max_norm_choice(history, 0.1), capsys, hint="ordinary steps")
    wrong(nb03.max_norm_choice(history, -1), capsys, hint="positive")


LOOP_DATA = lh.DataConfig(num_points=300, seq_length=10, train_frac=0.6, val_frac=0.2)
LOOP_MODEL = lh.ModelConfig(hidden_size=4)  # two layers with dropout: eval mode matters
LOOP_TRAIN = lh.TrainConfig(lr=0.3, patience=2, max_epochs=15)


def hand_loop(data, seed=0, *, validation="loader", stop="right", dropout=False):
    """The loop of notebook 03's exercise 2, written by hand, with the usual mistakes on demand."""
    cfg = LOOP_TRAIN
    lh.set_seed(seed)
    model = lh.build_model(LOOP_MODEL)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.MSELoss()
    train_losses, val_losses = [], []
    best_loss, best_epoch = float("inf"), 0
    for epoch in range(1, cfg.max_epochs + 1):
        model.train()
        total = 0.0
        for xb, yb in data.train_loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb)[0], yb)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.clip_norm)
            optimizer.step()
            total += loss.item() * len(xb)
        train_losses.append(total / len(data.train_loader.dataset))
        model.train(dropout)
        X, y = data.split.val
        batches = data.val_loader if validation == "loader" else [(X, y)]
        with torch.no_grad():
            total = sum(loss_fn(model(xb)[0], yb).item() * len(xb) for xb, yb in batches)
        val_losses.append(total if validation == "sum" else total / len(X))
        if val_losses[-1] < best_loss:
            best_loss, best_epoch = val_losses[-1], epoch
        patience = {"right": cfg.patience, "late": cfg.patience + 1, "early": cfg.patience - 1}
        if stop != "never" and epoch - best_epoch >= patience[stop]:
            break
    return train_losses, val_losses, best_epoch


@pytest.fixture(scope="module")
def loop_data():
    return lh.sine_data(LOOP_DATA)


def check_loop(data, train_losses, val_losses, best_epoch):
    return nb03.validation_and_stopping(
        train_losses, val_losses, best_epoch,
        data=data, model_config=LOOP_MODEL, config=LOOP_TRAIN, seed=0,
    )  # fmt: skip


def test_validation_and_stopping_accepts_a_right_loop(capsys, loop_data):
    train_losses, val_losses, best = hand_loop(loop_data)
    assert 3 <= len(val_losses) < LOOP_TRAIN.max_epochs, "patience must stop this run early"
    state = torch.get_rng_state(), np.random.get_state()[1].copy()  # noqa: NPY002
    right(check_loop(loop_data, train_losses, val_losses, best), capsys)
    assert torch.equal(state[0], torch.get_rng_state()), "the checker leaves torch's RNG alone"
    assert np.array_equal(state[1], np.random.get_state()[1])  # noqa: NPY002
    # Validating on the tensors draws nothing from the RNG, so later epochs shuffle differently:
    # also right.
    tensors = hand_loop(loop_data, validation="tensors")
    assert tensors[0][1:] != train_losses[1:]
    right(check_loop(loop_data, *tensors), capsys)
    as_tensors = [torch.tensor(v) for v in val_losses]  # losses appended without .item()
    right(check_loop(loop_data, train_losses, as_tensors, best), capsys)


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        ({"stop": "late"}, "past the stopping point"),
        ({"stop": "early"}, "too early"),
        ({"stop": "never"}, "ran all max_epochs"),
        ({"dropout": True}, "training mode"),
        ({"dropout": True, "validation": "tensors"}, "training mode"),
        ({"validation": "sum"}, "sum over the windows"),
        ({"seed": 1}, "first training loss"),
    ],
)
def test_validation_and_stopping_hints(capsys, loop_data, mistake, hint):
    wrong(check_loop(loop_data, *hand_loop(loop_data, **mistake)), capsys, hint=hint)


def test_validation_and_stopping_other_answers(capsys, loop_data):
    train_losses, val_losses, best = hand_loop(loop_data)
    wrong(check_loop(loop_data, train_losses, val_losses, best - 1), capsys, hint="from 1")
    wrong(check_loop(loop_data, train_losses, val_losses, best + 1), capsys, hint="lowest")
    wrong(check_loop(loop_data, train_losses, train_losses, best), capsys, hint="training loss")
    wrong(check_loop(loop_data, train_losses, val_losses[:-1], best), capsys, hint="per epoch")
    wrong(check_loop(loop_data, train_losses, "low", best), capsys, hint="lists of numbers")
    placeholder = check_loop(loop_data, train_losses[:1], [...], 0)
    assert placeholder.status == "unanswered"
    with pytest.raises(ValueError, match="patience rule alone"):
        nb03.validation_and_stopping(
            train_losses, val_losses, best, data=loop_data, model_config=LOOP_MODEL,
            config=lh.TrainConfig(target_loss=1e-3, patience=2), seed=0,
        )  # fmt: skip


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
    # The notebook's own rounded answers are right: within 5%, and within 0.001 of the gate.
    right(nb02b.memory_left(0.001, forget=0.5, steps=10), capsys)
    right(nb02b.forget_for_half_life(0.986, steps=50), capsys)
    wrong(nb02b.memory_left(0.002, forget=0.5, steps=10), capsys, "0.000977", hint="off by one")
    wrong(nb02b.memory_left(0.0009, forget=0.5, steps=10), capsys, "0.000977")
    wrong(nb02b.forget_for_half_life(0.984, steps=50), capsys, "0.986", hint="less than half")
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
        hint="before the cut-off",
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


def test_scaled_rmse(capsys):
    series = np.linspace(300.0, 380.0, 500)
    honest, leaky = lh.fit_scaler(series[:300], kind="minmax"), lh.fit_scaler(series, kind="minmax")
    rmse = 1.83
    h, k = rmse / honest.scale[0], rmse / leaky.scale[0]
    right(nb07.scaled_rmse(h, k, rmse, honest, leaky), capsys)
    right(nb07.scaled_rmse(round(h, 4), float(f"{k:.3g}"), rmse, honest, leaky), capsys)  # rounded
    right(nb07.scaled_rmse(torch.tensor(h), np.float32(k), rmse, honest, leaky), capsys)
    secrets = (f"{h:.3g}", f"{k:.3g}")
    printed = wrong(nb07.scaled_rmse(k, h, rmse, honest, leaky), capsys, *secrets, hint="which one")
    assert printed.count("✗") == 2
    center = honest.center[0]
    minus_center = ((rmse - center) / honest.scale[0], (rmse - center) / leaky.scale[0])
    wrong(nb07.scaled_rmse(*minus_center, rmse, honest, leaky), capsys, *secrets, hint="centre")
    wrong(nb07.scaled_rmse(rmse * honest.scale[0], k, rmse, honest, leaky), capsys, hint="dividing")
    wrong(nb07.scaled_rmse(rmse, k, rmse, honest, leaky), capsys, hint="dividing")
    wrong(nb07.scaled_rmse(h * 1.05, k, rmse, honest, leaky), capsys, *secrets, hint="transform")
    printed = wrong(nb07.scaled_rmse("0.04", k, rmse, honest, leaky), capsys, hint="one number")
    assert "✓ leaky units" in printed  # the right half is still confirmed
    assert nb07.scaled_rmse(..., k, rmse, honest, leaky).status == "unanswered"


# ---------------------------------------------------------------- 08

TEXT8 = "Shall I compare thee"
VOCAB8 = lh.Vocab.from_text(TEXT8)


# ---------------------------------------------------------------- 09


def test_classifier_parameters(capsys):
    sizes = {"input_size": 12, "hidden_size": 32, "num_classes": 9}
    model = lh.BiLSTMClassifier(**sizes)
    right(nb09.classifier_parameters(lh.count_parameters(model), **sizes), capsys)
    right(nb09.classifier_parameters(12361.0, **sizes), capsys)
    one = lh.lstm_parameter_count(12, 32)
    wrong(nb09.classifier_parameters(one + 64 * 9 + 9, **sizes), capsys, "12361", hint="count both")
    wrong(nb09.classifier_parameters(one + 32 * 9 + 9, **sizes), capsys, hint="count both")
    wrong(nb09.classifier_parameters(2 * one + 32 * 9 + 9, **sizes), capsys, hint="concatenated")
    wrong(nb09.classifier_parameters(2 * one, **sizes), capsys, hint="linear layer")
    no_features = 2 * lh.lstm_parameter_count(1, 32) + 585
    wrong(nb09.classifier_parameters(no_features, **sizes), capsys, hint="one column per input")
    wrong(nb09.classifier_parameters(2 * (one - 128) + 585, **sizes), capsys, hint="two bias")
    wrong(nb09.classifier_parameters(2 * one // 4 + 585, **sizes), capsys, hint="four gate")
    wrong(nb09.classifier_parameters(12360, **sizes), capsys, "12361", hint="4 gate blocks")
    wrong(nb09.classifier_parameters("12361", **sizes), capsys, hint="whole number")


def test_masked_mean(capsys):
    seqs = [torch.arange(6.0).reshape(3, 2), torch.ones(1, 2), -torch.ones(4, 2)]
    X, lengths = lh.pad_sequences(seqs)
    expected = torch.stack([s.mean(dim=0) for s in seqs])
    right(nb09.masked_mean(expected, X, lengths), capsys)
    right(nb09.masked_mean(X.sum(dim=1) / lengths[:, None], X, lengths), capsys)
    right(nb09.masked_mean(expected.numpy(), X, lengths), capsys)
    wrong(nb09.masked_mean(X.mean(dim=1), X, lengths), capsys, hint="own length")
    wrong(nb09.masked_mean(X.sum(dim=1), X, lengths), capsys, hint="divides")
    wrong(nb09.masked_mean(X.mean(dim=2), X, lengths), capsys, hint="time axis")
    wrong(nb09.masked_mean(expected + 1, X, lengths), capsys, hint="divide by its length")
    wrong(nb09.masked_mean("mean", X, lengths), capsys, hint="one row per sequence")


def test_speaker_recall(capsys):
    cm = torch.tensor([[8, 2, 0], [1, 3, 0], [0, 5, 5]])
    recall = cm.diag() / cm.sum(dim=1)
    right(nb09.speaker_recall(recall, cm), capsys)
    right(nb09.speaker_recall([0.8, 0.75, 0.5], cm), capsys)
    wrong(nb09.speaker_recall(cm.diag() / cm.sum(dim=0), cm), capsys, "0.8", hint="columns")
    wrong(nb09.speaker_recall(cm.diag(), cm), capsys, hint="counts")
    wrong(nb09.speaker_recall(recall[:2], cm), capsys, hint="one value per speaker")
    wrong(nb09.speaker_recall(1 - recall, cm), capsys, "0.75", hint="row's total")
    wrong(nb09.speaker_recall({"a": 1}, cm), capsys, hint="one fraction per speaker")


# ---------------------------------------------------------------- 06


def test_next_char_targets(capsys):
    ids = VOCAB8.encode(TEXT8)
    right(nb08.next_char_targets(ids[:-1], ids[1:], TEXT8, VOCAB8), capsys)
    right(nb08.next_char_targets(ids[:-1].tolist(), ids[1:].tolist(), TEXT8, VOCAB8), capsys)
    wrong(nb08.next_char_targets(ids, ids, TEXT8, VOCAB8), capsys, hint="AFTER")
    wrong(nb08.next_char_targets(ids[1:], ids[:-1], TEXT8, VOCAB8), capsys, hint="swapped")
    wrong(nb08.next_char_targets(ids, ids[1:], TEXT8, VOCAB8), capsys, hint="same length")
    wrong(nb08.next_char_targets(ids[:-2], ids[1:-1], TEXT8, VOCAB8), capsys, hint="whole text")
    wrong(nb08.next_char_targets(TEXT8, TEXT8, TEXT8, VOCAB8), capsys, hint="vocab.encode")
    assert nb08.next_char_targets(..., ids, TEXT8, VOCAB8).status == "unanswered"


def test_bits_and_perplexity(capsys):
    bpc, ppl = 1.61 / math.log(2), math.exp(1.61)
    right(nb08.bits_and_perplexity(bpc, ppl, loss=1.61), capsys)
    right(nb08.bits_and_perplexity(round(bpc, 2), round(ppl, 1), loss=1.61), capsys)
    printed = wrong(nb08.bits_and_perplexity(1.61, ppl, loss=1.61), capsys, "2.32", hint="nats")
    assert printed.count("✓") == 1  # the perplexity part was right
    wrong(nb08.bits_and_perplexity(1.61 * math.log(2), ppl, loss=1.61), capsys, hint="larger")
    wrong(nb08.bits_and_perplexity(1.61 / math.log(10), ppl, loss=1.61), capsys, hint="base 10")
    wrong(nb08.bits_and_perplexity(bpc, 2**1.61, loss=1.61), capsys, "5.0", hint="the base")
    wrong(nb08.bits_and_perplexity("2.3", ppl, loss=1.61), capsys, hint="two numbers")


def test_temperature_distribution(capsys):
    logits = torch.tensor([2.0, 1.0, 0.5, -1.0])
    right(
        nb08.temperature_distribution(torch.softmax(logits / 0.5, -1), logits, temperature=0.5),
        capsys,
    )
    right(
        nb08.temperature_distribution(
            torch.softmax(logits / 0.5, -1).tolist(), logits, temperature=0.5
        ),
        capsys,
    )
    wrong(
        nb08.temperature_distribution(torch.softmax(logits, -1), logits, temperature=0.5),
        capsys,
        hint="temperature 1",
    )
    wrong(
        nb08.temperature_distribution(torch.softmax(logits * 0.5, -1), logits, temperature=0.5),
        capsys,
        hint="divide",
    )
    wrong(
        nb08.temperature_distribution(torch.softmax(logits, -1) / 0.5, logits, temperature=0.5),
        capsys,
        hint="sum to 1",
    )
    wrong(
        nb08.temperature_distribution(torch.ones(3) / 3, logits, temperature=0.5),
        capsys,
        hint="shape",
    )


# ---------------------------------------------------------------- 06
# The checkers train runs with `run_experiment`; these tests replace it with a table of fixed
# validation MSEs (and divergences), so each verdict is known in advance and instant.


class SettingsOnly:
    """What the checkers read of an explorer: its settings and the configs they describe."""

    def __init__(self, **settings):
        from lstm_helpers.explorer.runner import DEFAULTS

        self.settings = {**DEFAULTS, **settings}

    def configs(self, settings):
        from lstm_helpers.explorer.runner import configs_for

        return configs_for(settings)


@pytest.fixture
def fixed_runs(monkeypatch):
    """Make nb06's runs look up `table[key(configs)]`; record the configs of every run."""
    trained = []

    def install(table, key):
        def fake_run(data_config, model_config, train_config, *, optimizer):
            trained.append((data_config, model_config, train_config, optimizer))
            value = table[key(data_config, model_config, train_config)]
            diverged = value == "diverged"
            return SimpleNamespace(val_mse=math.nan if diverged else value, diverged=diverged)

        monkeypatch.setattr(nb06, "run_experiment", fake_run)
        return trained

    return install


SIZE_MSE = {1: 3e-2, 2: 3e-3, 3: 8e-4, 4: 6e-3, 5: 4e-4, 6: 7e-4}  # not monotonic in the size


def test_smallest_hidden_size(capsys, fixed_runs):
    trained = fixed_runs(SIZE_MSE, key=lambda d, m, t: m.hidden_size)
    explorer = SettingsOnly(lr=3e-3, seed=4)
    right(nb06.smallest_hidden_size(explorer, 3, max_mse=1e-3), capsys)
    assert [m.hidden_size for _, m, _, _ in trained] == [1, 2, 3]  # every size up to the answer
    assert {(t.lr, d.seed) for d, _, t, _ in trained} == {(3e-3, 4)}  # the explorer's settings
    wrong(nb06.smallest_hidden_size(explorer, 5, max_mse=1e-3), capsys, "3", hint="smaller one")
    wrong(nb06.smallest_hidden_size(explorer, 4, max_mse=1e-3), capsys, hint="try others")
    right(nb06.smallest_hidden_size(explorer, 2, max_mse=5e-3), capsys)
    trained.clear()
    wrong(nb06.smallest_hidden_size(explorer, 2.5, max_mse=1e-3), capsys, hint="whole number")
    wrong(nb06.smallest_hidden_size(explorer, 0, max_mse=1e-3), capsys, hint="at least 1")
    wrong(nb06.smallest_hidden_size(explorer, 500, max_mse=1e-3), capsys, hint="small sizes first")
    assert trained == []  # answers it can reject without training, it rejects without training
    assert nb06.smallest_hidden_size(explorer, ..., max_mse=1e-3).status == "unanswered"


LR_MSE = {  # (lr, seed): validation MSE; seed 2 alone would name 0.1, the median names 0.01
    (1e-3, 0): 5e-3,
    (1e-3, 1): 6e-3,
    (1e-3, 2): 4e-3,
    (1e-2, 0): 3e-5,
    (1e-2, 1): 7e-5,
    (1e-2, 2): 3e-5,
    (1e-1, 0): 1e-4,
    (1e-1, 1): 2e-4,
    (1e-1, 2): 1e-5,
}


def test_best_learning_rate(capsys, fixed_runs):
    trained = fixed_runs(LR_MSE, key=lambda d, m, t: (t.lr, d.seed))
    explorer = SettingsOnly(hidden_size=16)
    candidates = (1e-3, 1e-2, 1e-1)
    printed = right(
        nb06.best_learning_rate(explorer, 1e-2, candidates=candidates, seeds=(0, 1, 2)), capsys
    )
    assert "median validation MSE over seeds (0, 1, 2)" in printed and "test" not in printed
    assert sorted((t.lr, d.seed) for d, _, t, _ in trained) == sorted(LR_MSE)  # every pair
    assert {m.hidden_size for _, m, _, _ in trained} == {16}  # the explorer's other settings
    for answer in (1e-3, 1e-1):
        wrong(
            nb06.best_learning_rate(explorer, answer, candidates=candidates, seeds=(0, 1, 2)),
            capsys,
            "0.01",
            hint="another candidate ends lower",
        )
    right(nb06.best_learning_rate(explorer, 1e-1, candidates=candidates, seeds=(2,)), capsys)
    wrong(nb06.best_learning_rate(explorer, 0.5, candidates=candidates), capsys, hint="candidates")
    with pytest.raises(ValueError, match="at least one seed"):
        nb06.best_learning_rate(explorer, 1e-2, candidates=candidates, seeds=())


def test_largest_stable_lr(capsys, fixed_runs):
    table = {0.01: 4e-4, 0.03: 7e-5, 0.1: 1e-5, 0.3: "diverged"}
    trained = fixed_runs(table, key=lambda d, m, t: t.lr)
    explorer = SettingsOnly(cell="rnn", optimizer="sgd", lr=1.0, clip_norm=0.1)
    candidates = tuple(table)
    right(nb06.largest_stable_lr(explorer, 0.1, candidates=candidates), capsys)
    assert {t.clip_norm for _, _, t, _ in trained} == {None}  # clipping off for every run
    assert {(m.cell, o) for _, m, _, o in trained} == {("rnn", "sgd")}
    wrong(
        nb06.largest_stable_lr(explorer, 0.3, candidates=candidates), capsys, "0.1", hint="diverges"
    )
    wrong(
        nb06.largest_stable_lr(explorer, 0.01, candidates=candidates),
        capsys,
        "lr=0.1",
        hint="a larger candidate does too",
    )
    wrong(nb06.largest_stable_lr(explorer, 1.0, candidates=candidates), capsys, hint="candidates")


def test_nb06_checkers_train_real_runs_and_leave_the_global_rng_alone(capsys):
    """One real, tiny run: the checkers' runs draw nothing from the learner's generators."""
    explorer = SettingsOnly(max_epochs=1, hidden_size=4)
    torch.manual_seed(3)
    np.random.seed(3)  # noqa: NPY002
    expected = (torch.rand(1), np.random.rand())  # noqa: NPY002
    torch.manual_seed(3)
    np.random.seed(3)  # noqa: NPY002
    result = nb06.smallest_hidden_size(explorer, 1, max_mse=10.0)  # one epoch beats 10
    assert result and "validation MSE" in capsys.readouterr().out
    assert (torch.rand(1), np.random.rand()) == expected  # noqa: NPY002


# ---------------------------------------------------------------- 10


def test_random_alarm_scores(capsys):
    kw = dict(anomalous_fraction=0.25, alarm_rate=0.5)
    right(nb10.random_alarm_scores(0.25, 0.5, 1 / 3, **kw), capsys)
    right(nb10.random_alarm_scores(0.25, 0.5, 0.333, **kw), capsys)  # within 1%
    printed = wrong(nb10.random_alarm_scores(0.5, 0.25, 1 / 3, **kw), capsys, "0.25", "0.5")
    assert "how often it alarms" in printed and "share of anomalous steps" in printed
    wrong(nb10.random_alarm_scores(0.25, 0.5, 0.375, **kw), capsys, "0.333", hint="harmonic")
    wrong(nb10.random_alarm_scores(0.25, 0.5, 0.9, **kw), capsys, "0.333", hint="2PR / (P + R)")
    wrong(nb10.random_alarm_scores("a", 0.5, 1 / 3, **kw), capsys, hint="give a number")
    assert nb10.random_alarm_scores(0.25, ..., 1 / 3, **kw).status == "unanswered"


@pytest.fixture(scope="module")
def gait_scores():
    observed, _, episode = lh.load_gait_faults()
    energy = lh.abs_zscore(lh.rolling_std(observed, 64), fit=(831, 1664))  # as notebook 10
    return energy, episode


def test_quantile_threshold(capsys, gait_scores):
    score, labels = gait_scores
    val, test = (1664, 2112), (2112, 3424)
    thr = lh.alarm_threshold(score, val, q=0.99)
    n_false = lh.detection_report(
        lh.detect(score[test[0] : test[1]], thr), labels[test[0] : test[1]]
    ).n_false
    kw = dict(score=score, part=val, test=test, labels=labels)
    right(nb10.quantile_threshold(thr, n_false, **kw), capsys)
    secrets = (f"{thr:.3g}", f"{thr:.2f}")
    wrong(
        nb10.quantile_threshold(lh.alarm_threshold(score, val), n_false, **kw),
        capsys,
        *secrets,
        hint="largest validation score",
    )
    leak = float(np.quantile(score[test[0] : test[1]], 0.99))
    wrong(nb10.quantile_threshold(leak, n_false, **kw), capsys, *secrets, hint="a leak")
    wrong(
        nb10.quantile_threshold(thr * 1.5, n_false, **kw),
        capsys,
        *secrets,
        hint="validation part only",
    )
    alarms = lh.detect(score[test[0] : test[1]], thr)
    steps = int((alarms & (labels[test[0] : test[1]] == 0)).sum())
    assert steps != n_false
    wrong(nb10.quantile_threshold(thr, steps, **kw), capsys, hint="counts alarm steps")
    wrong(
        nb10.quantile_threshold(thr, len(lh.alarm_runs(alarms)), **kw),
        capsys,
        hint="inside episodes too",
    )
    wrong(nb10.quantile_threshold(thr, n_false + 40, **kw), capsys, hint="n_false")


def test_first_alarms(capsys):
    score = np.zeros(100)
    score[70], score[90] = 5.0, 5.0
    quiet = np.zeros(100)
    kw = dict(scores={"a": score, "b": quiet}, thresholds={"a": 1.0, "b": 1.0}, start=64, rate=32.0)
    right(nb10.first_alarms(70 / 32, None, **kw), capsys)
    right(nb10.first_alarms(71 / 32, None, **kw), capsys)  # one step either way
    wrong(nb10.first_alarms(70.0, None, **kw), capsys, hint="looks like a step")
    wrong(nb10.first_alarms(6 / 32, None, **kw), capsys, hint="since the recording began")
    wrong(nb10.first_alarms(90 / 32, None, **kw), capsys, "2.19", hint="first step from 64 on")
    wrong(nb10.first_alarms(None, None, **kw), capsys, hint="it does raise an alarm")
    wrong(nb10.first_alarms(70 / 32, 3.0, **kw), capsys, hint="b: look again")
    wrong(nb10.first_alarms(70 / 32, **kw), capsys, hint="one answer per detector")
    assert nb10.first_alarms(..., None, **kw).status == "unanswered"


# ---------------------------------------------------------------- all checkers


def test_checkers_leave_the_global_rng_alone(capsys):
    state = torch.get_rng_state()
    nb02.lstm_parameters(1, **LSTM)
    nb02.lstm_output_shapes((1,), (1,), (1,), **SHAPES)
    nb03.clip_factor(0.5, norm=2.0, max_norm=1.0)
    nb01.batches(1, 1, num_windows=10, batch_size=3)
    nb08.temperature_distribution(torch.ones(2) / 2, torch.zeros(2), temperature=0.5)
    nb09.classifier_parameters(1, input_size=12, hidden_size=32, num_classes=9)
    nb05.bidirectional_rows(-2, -1, num_layers=2)
    nb05b.early_stop(11, 0.0025, **PLATEAU)
    nb05b.stream_position(426, **STREAM)
    assert torch.equal(state, torch.get_rng_state())


def test_result_is_frozen():
    result = Result("correct", ("✓ fine",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.status = "wrong"
