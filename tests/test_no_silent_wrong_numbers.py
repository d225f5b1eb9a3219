"""Regression tests: every place that once returned a wrong number without saying so.

Each test names the failure it guards against. All of them failed before the fix.
"""

import collections
import enum
import math
import os
import pickle

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import lstm_helpers as lh
from lstm_helpers.evaluation import targets

# ---------------------------------------------------------------- evaluate reads a loader once


@pytest.fixture(scope="module")
def trained():
    """A small model that has learned the sine, and its data (shuffled training loader)."""
    data = lh.sine_data(lh.DataConfig(seq_length=20, num_points=400, batch_size=32))
    lh.set_seed(0)
    model = lh.LSTMPredictor(hidden_size=16, num_layers=1)
    lh.fit(model, data.train_loader, lh.TrainConfig(lr=1e-2, max_epochs=10), progress=False)
    return model, data


def test_evaluate_on_a_shuffled_loader_equals_the_unshuffled_result(trained):
    model, data = trained
    X, y = data.split.train
    ordered = lh.make_loader(X, y, batch_size=32)
    shuffled = data.train_loader  # shuffle=True: the trap
    expected = lh.evaluate(model, ordered)
    got = lh.evaluate(model, shuffled)
    assert expected.mse < 1e-2  # the model has learned: misaligned pairs would be ~1
    assert got.mse == pytest.approx(expected.mse, rel=1e-5)
    assert got.mae == pytest.approx(expected.mae, rel=1e-5)


@pytest.mark.parametrize("reader", [targets, lambda loader: lh.predict(nn.Linear(1, 1), loader)])
def test_two_pass_readers_refuse_a_shuffled_loader(trained, reader):
    _, data = trained
    with pytest.raises(ValueError, match=r"fixed order.*RandomSampler.*unshuffled"):
        reader(data.train_loader)


def test_empty_loaders_are_errors_not_nan():
    empty = DataLoader(TensorDataset(torch.zeros(0, 5, 1), torch.zeros(0, 1)), batch_size=4)
    model = lh.LSTMPredictor(hidden_size=2, num_layers=1).train()
    for call in (lh.evaluate, lh.mean_loss, lh.predict, lambda m, dl: targets(dl)):
        with pytest.raises(ValueError, match=r"empty|no windows"):
            call(model, empty)
    assert model.training  # mean_loss restored the mode although it failed
    with pytest.raises(ValueError, match="empty"):
        lh.regression_metrics(torch.zeros(0, 1), torch.zeros(0, 1))
    with pytest.raises(ValueError, match="nothing to train on"):
        lh.fit(model, empty, lh.TrainConfig(max_epochs=1), progress=False)


def test_predict_restores_the_mode_when_the_model_raises():
    model = lh.LSTMPredictor(hidden_size=2, num_layers=1).train()
    with pytest.raises(ValueError, match="expected input of shape"):
        lh.predict(model, torch.zeros(3, 4, 2))  # two features for a one-feature model
    assert model.training


def test_nan_windows_are_refused_when_they_become_tensors():
    X = torch.zeros(4, 3, 1)
    X[2, 1, 0] = float("nan")
    with pytest.raises(ValueError, match=r"X must hold only finite numbers.*index \(2, 1, 0\)"):
        lh.make_loader(X, torch.zeros(4, 1))
    with pytest.raises(ValueError, match="y must hold only finite"):
        lh.make_loader(torch.zeros(4, 3, 1), torch.full((4, 1), float("inf")))
    with pytest.raises(ValueError, match="X must hold only finite"):
        lh.make_class_loader(X, torch.zeros(4, dtype=torch.int64))


# ---------------------------------------------------------------- splits by target time


def _target_times(part, first_window: int, seq_length: int) -> set[int]:
    """Series indices of every target of a part whose first window is `first_window`."""
    X, y = part
    return {first_window + i + seq_length + k for i in range(len(X)) for k in range(y.shape[1])}


def test_a_horizon_leaves_a_gap_so_no_target_step_is_in_two_parts():
    series = torch.arange(100, dtype=torch.float64).numpy()  # value = time index
    X, y = lh.make_windows(series, seq_length=10, horizon=5)  # 86 windows
    split = lh.time_split(X, y, train_frac=0.6, val_frac=0.2)
    train_targets = set(split.train[1].flatten().long().tolist())
    val_targets = set(split.val[1].flatten().long().tolist())
    test_targets = set(split.test[1].flatten().long().tolist())
    assert not train_targets & val_targets and not val_targets & test_targets
    assert max(train_targets) < min(val_targets) and max(val_targets) < min(test_targets)
    assert split.gap == 4
    assert len(split.train[0]) + len(split.val[0]) + len(split.test[0]) == 86 - 2 * 4
    assert max(split.train[0].flatten().max().item(), max(train_targets)) == split.train_stop - 1


def test_the_direct_multi_step_data_has_no_validation_target_in_training():
    data = lh.prepare_series(
        torch.arange(300.0).numpy(), seq_length=20, horizon=10, train_frac=0.7, val_frac=0.1
    )
    train_last = data.split.train[1].max().item()
    assert data.split.val[1].min().item() > train_last
    assert data.split.test[1].min().item() > data.split.val[1].max().item()


@pytest.mark.parametrize(
    ("train_frac", "val_frac"), [(1.0, 0.0), (0.8, 0.2), (0.5, 0.5), (0.9, 0.1)]
)
def test_a_split_without_a_test_part_is_refused(train_frac, val_frac):
    X, y = lh.make_windows(lh.sine_series(200), 10)
    with pytest.raises(ValueError, match=r"test part remains|must be in"):
        lh.time_split(X, y, train_frac=train_frac, val_frac=val_frac)
    with pytest.raises(ValueError, match=r"test part remains|must be in"):
        lh.DataConfig(train_frac=train_frac, val_frac=val_frac)


def test_a_horizon_too_long_for_the_parts_names_the_gap():
    X, y = lh.make_windows(lh.sine_series(60), seq_length=10, horizon=20)  # 31 windows
    with pytest.raises(ValueError, match=r"empty part.*dropping 19 window\(s\).*horizon 20"):
        lh.time_split(X, y, train_frac=0.5, val_frac=0.2)


# ---------------------------------------------------------------- the classifier's readouts


def test_last_step_readout_with_lengths_reads_each_window_at_its_own_end():
    lh.set_seed(0)
    model = lh.BiLSTMClassifier(hidden_size=4, readout="last_step").eval()
    seqs = [torch.randn(n, 1) for n in (7, 3, 5)]
    x, lengths = lh.pad_sequences(seqs)
    with torch.no_grad():
        logits, _ = model(x, lengths=lengths)
        for b, s in enumerate(seqs):
            alone, _ = model(s[None])  # the window alone, no padding
            torch.testing.assert_close(logits[b : b + 1], alone, rtol=1e-5, atol=1e-6)
    assert not torch.allclose(logits[1], model.fc.bias)  # not the zero padding's score


# ---------------------------------------------------------------- checkpoints


def _garbage(tmp_path, name, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_corrupt_and_foreign_files_are_value_errors(tmp_path):
    good = lh.save_checkpoint(tmp_path / "good.pt", lh.LSTMPredictor(hidden_size=4))
    data = good.read_bytes()
    torch.save([1, 2, 3], tmp_path / "list.pt")
    torch.save({"format": 2, "config": {"hidden_size": 4}}, tmp_path / "nostate.pt")
    torch.save(
        {"format": 2, "config": {"hidden_size": -4}, "state_dict": {}}, tmp_path / "badcfg.pt"
    )
    files = [
        _garbage(tmp_path, "empty.pt", b""),
        _garbage(tmp_path, "text.pt", b"this is not a checkpoint"),
        _garbage(tmp_path, "half.pt", data[: len(data) // 2]),
        _garbage(tmp_path, "zip.pt", b"PK\x03\x04" + b"\x00" * 40),
        tmp_path / "list.pt",
        tmp_path / "nostate.pt",
        tmp_path / "badcfg.pt",
    ]
    for path in files:
        with pytest.raises(ValueError, match=str(path.name)):
            lh.load_checkpoint(path)


def test_weights_that_do_not_fit_the_config_are_a_value_error(tmp_path):
    path = lh.save_checkpoint(tmp_path / "m.pt", lh.LSTMPredictor(hidden_size=4))
    checkpoint = torch.load(path, weights_only=True)
    checkpoint["state_dict"]["fc.weight"] = torch.zeros(1, 7)  # edited: wrong shape
    torch.save(checkpoint, path)
    with pytest.raises(ValueError, match="do not fit"):
        lh.load_checkpoint(path)
    del checkpoint["state_dict"]["fc.weight"]
    torch.save(checkpoint, path)
    with pytest.raises(ValueError, match="do not fit"):
        lh.load_checkpoint(path)


def test_optimizer_state_of_another_model_is_a_value_error(tmp_path):
    big = lh.LSTMPredictor(hidden_size=4, num_layers=2)
    path = lh.save_checkpoint(tmp_path / "m.pt", big, torch.optim.Adam(big.parameters()))
    small = lh.LSTMPredictor(hidden_size=4, num_layers=2)
    other = torch.optim.Adam(list(small.parameters())[:2])  # another parameter layout
    with pytest.raises(ValueError, match="optimizer state"):
        lh.load_checkpoint(path, small, other)


class Mode(str, enum.Enum):  # noqa: UP042 - the str mix-in is the case under test
    FAST = "fast"


Point = collections.namedtuple("Point", "x y")


@pytest.mark.parametrize(
    "value",
    [Point(1, 2), collections.defaultdict(list, {"a": [1]}), Mode.FAST, range(3)],
    ids=["namedtuple", "defaultdict", "str-enum", "range"],
)
def test_extras_that_save_but_would_not_load_are_refused_at_save_time(tmp_path, value):
    # Saved with plain torch.save, each of these makes a weights_only load fail:
    torch.save({"x": value}, tmp_path / "plain.pt")
    with pytest.raises(pickle.UnpicklingError):
        torch.load(tmp_path / "plain.pt", weights_only=True)
    with pytest.raises(ValueError, match="weights_only load refuses"):
        lh.save_checkpoint(tmp_path / "m.pt", lh.LSTMPredictor(hidden_size=2), extra={"x": value})
    assert not (tmp_path / "m.pt").exists()


def test_saving_never_touches_the_process_umask(tmp_path, monkeypatch):
    def forbidden(*args):
        raise AssertionError("os.umask was called: it races with other threads")

    monkeypatch.setattr(os, "umask", forbidden)
    path = lh.save_checkpoint(tmp_path / "m.pt", lh.LSTMPredictor(hidden_size=2))
    monkeypatch.undo()
    mask = os.umask(0)
    os.umask(mask)
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["m.pt"]


# ---------------------------------------------------------------- fit after divergence


@pytest.fixture(scope="module")
def sine_task():
    return lh.sine_data(
        lh.DataConfig(seq_length=20, num_points=400, train_frac=0.7, val_frac=0.1, batch_size=32)
    )


def _explodes_in_epoch_2(model, seen_epochs):
    """An SGD that behaves for one epoch, then takes an enormous step (a divergence)."""

    class Exploding(torch.optim.SGD):
        def step(self, closure=None):
            if len(seen_epochs) >= 1:  # after epoch 1 finished
                for group in self.param_groups:
                    group["lr"] = 1e30
            return super().step(closure)

    return Exploding(model.parameters(), lr=0.05)


@pytest.mark.parametrize("mode", ["raise", "stop"])
def test_after_divergence_the_model_holds_the_best_weights_and_says_so(sine_task, mode):
    lh.set_seed(0)
    model = lh.LSTMPredictor(hidden_size=8, num_layers=1)
    epochs: list[int] = []
    snapshots = []

    def remember(history):
        epochs.append(history.epochs)
        snapshots.append({k: v.clone() for k, v in model.state_dict().items()})

    optimizer = _explodes_in_epoch_2(model, epochs)
    cfg = lh.TrainConfig(lr=0.05, clip_norm=None, max_epochs=5)
    kwargs = dict(val_loader=sine_task.val_loader, optimizer=optimizer, callback=remember)
    if mode == "raise":
        with pytest.raises(lh.TrainingDiverged, match="holds the weights of epoch 1") as err:
            lh.fit(model, sine_task.train_loader, cfg, progress=False, **kwargs)
        history = err.value.history
    else:
        history = lh.fit(
            model, sine_task.train_loader, cfg, on_diverge="stop", progress=False, **kwargs
        )
    assert history.stop_reason == "diverged" and history.restored_epoch == 1
    for name, value in model.state_dict().items():
        assert torch.equal(value, snapshots[0][name]), name  # exactly epoch 1's weights


def test_divergence_in_the_first_epoch_restores_the_initial_weights(sine_task):
    lh.set_seed(0)
    model = lh.LSTMPredictor(hidden_size=8, num_layers=1)
    initial = {k: v.clone() for k, v in model.state_dict().items()}
    cfg = lh.TrainConfig(lr=1e30, clip_norm=None, max_epochs=3)
    with pytest.raises(lh.TrainingDiverged, match="initial weights again") as err:
        lh.fit(model, sine_task.train_loader, cfg, progress=False)
    assert err.value.history.restored_epoch == 0
    for name, value in model.state_dict().items():
        assert torch.equal(value, initial[name]), name


def test_the_divergence_advice_quotes_the_optimizers_learning_rate(sine_task):
    lh.set_seed(0)
    model = lh.LSTMPredictor(hidden_size=8, num_layers=1)
    sgd = torch.optim.SGD(model.parameters(), lr=1e30)
    cfg = lh.TrainConfig(lr=1e-3, clip_norm=None, max_epochs=2)  # config's lr is not used
    with pytest.raises(lh.TrainingDiverged, match=r"lr=1e\+30\).*try lr=1e\+29") as err:
        lh.fit(model, sine_task.train_loader, cfg, optimizer=sgd, progress=False)
    assert "lr=0.001" not in str(err.value)


def test_a_scheduler_of_another_optimizer_is_refused(sine_task):
    model = lh.LSTMPredictor(hidden_size=4, num_layers=1)
    used = torch.optim.Adam(model.parameters(), lr=1e-2)
    other = torch.optim.Adam(model.parameters(), lr=1e-2)
    for scheduler in (
        torch.optim.lr_scheduler.StepLR(other, step_size=1),
        torch.optim.lr_scheduler.ReduceLROnPlateau(other),
    ):
        with pytest.raises(ValueError, match="different optimizer"):
            lh.fit(model, sine_task.train_loader, optimizer=used, scheduler=scheduler)
        with pytest.raises(ValueError, match="different optimizer"):  # fit's own Adam
            lh.fit(model, sine_task.train_loader, scheduler=scheduler)


# ---------------------------------------------------------------- smaller ones


@pytest.mark.parametrize("window", [0, -3])
def test_rollout_per_step_refuses_a_window_that_is_not_positive(window):
    model = lh.PerStepLSTM(hidden_size=2)
    with pytest.raises(ValueError, match="window must be a positive integer"):
        lh.rollout_per_step(model, torch.zeros(10), steps=3, window=window)


def test_build_model_refuses_a_cell_it_has_no_predictor_for():
    config = lh.ModelConfig(hidden_size=2)
    object.__setattr__(config, "cell", "gru")  # past the config's own check
    with pytest.raises(ValueError, match="'gru'"):
        lh.build_model(config)


def test_accuracy_of_nothing_is_an_error():
    model = lh.BiLSTMClassifier(hidden_size=2)
    with pytest.raises(ValueError, match="no windows"):
        lh.accuracy(model, torch.zeros(0, 4, 1), torch.zeros(0, dtype=torch.int64))
    empty = lh.make_class_loader(torch.zeros(0, 4, 1), torch.zeros(0, dtype=torch.int64))
    with pytest.raises(ValueError, match="no windows"):
        lh.accuracy(model, empty)


def test_error_by_horizon_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="empty"):
        lh.error_by_horizon(torch.zeros(0, 3), torch.zeros(0, 3))
    assert math.isfinite(lh.error_by_horizon(torch.zeros(2, 3), torch.ones(2, 3))[0])
