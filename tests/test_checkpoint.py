"""Checkpoints: round trips, atomic writes, config checks, weights-only loading, resuming."""

import dataclasses
import os
import pickle
import stat

import numpy as np
import pytest
import torch
from torch import nn

import lstm_helpers as lh
from lstm_helpers.checkpoint import FORMAT, BestCheckpoint

# Side effects of unpickling show up here: a refused file must leave it empty.
UNPICKLED: list[str] = []


def _record(message: str) -> str:
    UNPICKLED.append(message)
    return message


class Payload:
    """A custom object: loading it needs arbitrary code, so weights_only must refuse it."""

    def __init__(self) -> None:
        self.weights = torch.ones(2)

    def __reduce__(self):
        return (_record, ("code ran while loading",))


def _windows(n: int = 40, t: int = 6, seed: int = 0) -> torch.Tensor:
    return torch.randn(n, t, 1, generator=torch.Generator().manual_seed(seed))


def test_round_trip_gives_identical_predictions(tmp_path):
    model = lh.LSTMPredictor(hidden_size=8, num_layers=2).eval()
    x = _windows()
    path = lh.save_checkpoint(tmp_path / "model.pt", model)
    same_config = lh.LSTMPredictor(hidden_size=8, num_layers=2)
    loaded, checkpoint = lh.load_checkpoint(path, same_config)
    assert loaded is same_config and not loaded.training
    assert torch.equal(lh.predict(loaded, x), lh.predict(model, x))
    rebuilt, _ = lh.load_checkpoint(path)  # from the checkpoint alone
    assert isinstance(rebuilt, lh.LSTMPredictor) and rebuilt.config == model.config
    assert torch.equal(lh.predict(rebuilt, x), lh.predict(model, x))
    assert checkpoint["format"] == FORMAT and checkpoint["config_type"] == "ModelConfig"
    assert checkpoint["optimizer"] is None and checkpoint["extra"] == {}


def test_classifier_round_trip_rebuilds_the_classifier(tmp_path):
    model = lh.BiLSTMClassifier(hidden_size=5, num_layers=2, num_classes=4, readout="last_step")
    x = _windows()
    path = lh.save_checkpoint(tmp_path / "clf.pt", model.eval())
    rebuilt, checkpoint = lh.load_checkpoint(path)
    assert isinstance(rebuilt, lh.BiLSTMClassifier) and rebuilt.config == model.config
    assert checkpoint["config_type"] == "ClassifierConfig"
    assert torch.equal(lh.predict(rebuilt, x), lh.predict(model, x))


def test_rnn_predictor_is_rebuilt_as_an_rnn(tmp_path):
    model = lh.RNNPredictor(hidden_size=4, num_layers=1)
    rebuilt, _ = lh.load_checkpoint(lh.save_checkpoint(tmp_path / "rnn.pt", model))
    assert isinstance(rebuilt, lh.RNNPredictor)


def test_an_interrupted_save_leaves_the_previous_checkpoint_intact(tmp_path, monkeypatch):
    path = tmp_path / "best.pt"
    model = lh.LSTMPredictor(hidden_size=8, num_layers=1).eval()
    x = _windows()
    lh.save_checkpoint(path, model)
    before = lh.predict(model, x)

    def crash(obj, f, *args, **kwargs):
        f.write(b"PK\x03\x04 half a checkpoint")  # partial bytes, then the process "dies"
        raise KeyboardInterrupt

    with torch.no_grad():
        for p in model.parameters():
            p.add_(1.0)  # the model moved on; the save of its new state is interrupted
    monkeypatch.setattr(torch, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        lh.save_checkpoint(path, model)
    monkeypatch.undo()
    assert sorted(os.listdir(tmp_path)) == ["best.pt"]  # no temporary file left behind
    restored, _ = lh.load_checkpoint(path)
    assert torch.equal(lh.predict(restored, x), before)


def test_a_failing_save_into_a_new_path_leaves_nothing(tmp_path, monkeypatch):
    def fail(obj, f, *args, **kwargs):
        f.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", fail)
    with pytest.raises(OSError, match="disk full"):
        lh.save_checkpoint(tmp_path / "sub" / "new.pt", lh.LSTMPredictor(hidden_size=2))
    assert os.listdir(tmp_path / "sub") == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_checkpoint_gets_normal_file_permissions(tmp_path):
    mask = os.umask(0o022)
    try:
        path = lh.save_checkpoint(tmp_path / "m.pt", lh.LSTMPredictor(hidden_size=2))
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_loading_into_a_model_with_a_different_config_is_a_clear_error(tmp_path):
    path = lh.save_checkpoint(tmp_path / "m.pt", lh.LSTMPredictor(hidden_size=8, num_layers=2))
    with pytest.raises(ValueError, match=r"hidden_size: checkpoint 8, model 16") as info:
        lh.load_checkpoint(path, lh.LSTMPredictor(hidden_size=16, num_layers=2))
    assert "load_checkpoint(path) without a model" in str(info.value)
    with pytest.raises(ValueError, match=r"cell: checkpoint 'lstm', model 'rnn'"):
        lh.load_checkpoint(path, lh.RNNPredictor(hidden_size=8, num_layers=2))
    with pytest.raises(ValueError, match="holds a ModelConfig"):
        lh.load_checkpoint(path, lh.BiLSTMClassifier(hidden_size=8))
    with pytest.raises(ValueError, match="no config"):
        lh.load_checkpoint(path, nn.LSTM(1, 8))


def test_classifier_readout_mismatch_is_named(tmp_path):
    path = lh.save_checkpoint(tmp_path / "c.pt", lh.BiLSTMClassifier(hidden_size=4))
    with pytest.raises(ValueError, match=r"readout: checkpoint 'final_state', model 'last_step'"):
        lh.load_checkpoint(path, lh.BiLSTMClassifier(hidden_size=4, readout="last_step"))


def test_weights_only_loading_refuses_a_pickled_custom_object(tmp_path):
    UNPICKLED.clear()
    path = tmp_path / "evil.pt"
    torch.save({"format": FORMAT, "config": {}, "state_dict": Payload()}, path)
    with pytest.raises(ValueError, match="refusing to load") as info:
        lh.load_checkpoint(path)
    assert "_record" in str(info.value)  # names what it refused
    assert UNPICKLED == []  # the payload's code never ran
    assert isinstance(info.value.__cause__, pickle.UnpicklingError)


# torch warns that the file uses pickle protocol 4 before it refuses the file.
@pytest.mark.filterwarnings("ignore:Detected pickle protocol:UserWarning")
def test_weights_only_loading_refuses_a_plain_pickle_file(tmp_path):
    UNPICKLED.clear()
    path = tmp_path / "plain.pkl"
    with path.open("wb") as f:
        pickle.dump({"state_dict": Payload()}, f)
    with pytest.raises(ValueError, match="refusing to load"):
        lh.load_checkpoint(path)
    assert UNPICKLED == []
    # What weights_only prevents: a plain pickle.load runs the payload's code.
    with path.open("rb") as f:
        pickle.load(f)  # the point of the test
    assert UNPICKLED == ["code ran while loading"]


def test_a_whole_pickled_model_is_refused(tmp_path):
    path = tmp_path / "whole.pt"
    torch.save(lh.LSTMPredictor(hidden_size=2), path)  # the habit the checkpoint format replaces
    with pytest.raises(ValueError, match=r"refusing to load.*save_checkpoint"):
        lh.load_checkpoint(path)


def test_a_plain_state_dict_file_is_not_mistaken_for_a_checkpoint(tmp_path):
    path = tmp_path / "sd.pt"
    torch.save(lh.LSTMPredictor(hidden_size=2).state_dict(), path)
    with pytest.raises(ValueError, match="not an lstm_helpers checkpoint"):
        lh.load_checkpoint(path)


def test_format_1_checkpoints_still_load(tmp_path):
    model = lh.LSTMPredictor(hidden_size=3, num_layers=1).eval()
    path = tmp_path / "old.pt"
    torch.save(
        {
            "format": 1,
            "config": dataclasses.asdict(model.config),
            "state_dict": model.state_dict(),
            "optimizer": None,
            "extra": {},
        },
        path,
    )
    rebuilt, _ = lh.load_checkpoint(path)
    x = _windows()
    assert torch.equal(lh.predict(rebuilt, x), lh.predict(model, x))


def test_unknown_config_fields_are_a_clear_error(tmp_path):
    model = lh.LSTMPredictor(hidden_size=3)
    path = tmp_path / "future.pt"
    config = dataclasses.asdict(model.config) | {"attention": True}
    torch.save({"format": FORMAT, "config": config, "state_dict": model.state_dict()}, path)
    with pytest.raises(ValueError, match="cannot read"):
        lh.load_checkpoint(path)


def test_save_needs_a_model_with_a_config(tmp_path):
    with pytest.raises(ValueError, match=r"model\.config"):
        lh.save_checkpoint(tmp_path / "x.pt", nn.LSTM(1, 4))


@pytest.mark.parametrize(
    "make",
    [
        lambda: lh.LSTMPredictor(hidden_size=4, num_layers=2),
        lambda: lh.RNNPredictor(hidden_size=4, num_layers=1),
        lambda: lh.ScratchLSTMPredictor(hidden_size=4, num_layers=2),
        lambda: lh.BiLSTMClassifier(hidden_size=4, num_classes=5),
        lambda: lh.PerStepLSTM(hidden_size=4, bidirectional=True),
    ],
    ids=["lstm", "rnn", "scratch", "classifier", "per-step"],
)
def test_every_model_is_rebuilt_from_its_checkpoint_alone(tmp_path, make):
    model = make().eval()
    rebuilt, _ = lh.load_checkpoint(lh.save_checkpoint(tmp_path / "m.pt", model))
    assert type(rebuilt) is type(model) and rebuilt.config == model.config
    x = _windows(6, 5)
    torch.testing.assert_close(rebuilt(x)[0], model(x)[0], rtol=0, atol=0)


def test_extra_round_trips_and_unloadable_values_are_refused_at_save_time(tmp_path):
    model = lh.LSTMPredictor(hidden_size=2)
    extra = {"epoch": 3, "losses": [0.5, 0.25], "note": "best", "t": torch.ones(2), "x": None}
    _, checkpoint = lh.load_checkpoint(lh.save_checkpoint(tmp_path / "e.pt", model, extra=extra))
    assert checkpoint["extra"]["losses"] == [0.5, 0.25] and checkpoint["extra"]["epoch"] == 3
    for bad in ({"acc": np.float64(0.9)}, {"arr": np.zeros(3)}, {"h": lh.History()}):
        with pytest.raises(ValueError, match="weights_only"):
            lh.save_checkpoint(tmp_path / "bad.pt", model, extra=bad)
    assert not (tmp_path / "bad.pt").exists()


def _train_steps(model, optimizer, x, y, steps):
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x)[0], y)
        loss.backward()
        optimizer.step()


def test_resuming_from_a_checkpoint_continues_training_exactly(tmp_path):
    x, y = _windows(32, 8), torch.randn(32, 1)
    torch.manual_seed(1)
    straight = lh.LSTMPredictor(hidden_size=6, num_layers=2, dropout=0.0)
    optimizer = torch.optim.Adam(straight.parameters(), lr=1e-2)
    start = {k: v.clone() for k, v in straight.state_dict().items()}
    _train_steps(straight, optimizer, x, y, 6)  # six steps without interruption

    interrupted = lh.LSTMPredictor(hidden_size=6, num_layers=2, dropout=0.0)
    interrupted.load_state_dict(start)
    optimizer = torch.optim.Adam(interrupted.parameters(), lr=1e-2)
    _train_steps(interrupted, optimizer, x, y, 3)
    path = lh.save_checkpoint(tmp_path / "resume.pt", interrupted, optimizer, {"step": 3})

    resumed, checkpoint = lh.load_checkpoint(path)  # a fresh process: model from the file alone
    resumed_opt = torch.optim.Adam(resumed.parameters(), lr=0.5)  # lr comes from the checkpoint
    lh.load_checkpoint(path, resumed, resumed_opt)
    assert resumed_opt.param_groups[0]["lr"] == 1e-2
    assert checkpoint["extra"]["step"] == 3
    resumed.train()
    _train_steps(resumed, resumed_opt, x, y, 3)
    for name, value in straight.state_dict().items():
        torch.testing.assert_close(resumed.state_dict()[name], value, msg=name)


def test_scheduler_state_round_trips(tmp_path):
    model = lh.LSTMPredictor(hidden_size=2)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=0)
    for loss in (1.0, 2.0, 3.0):
        scheduler.step(loss)
    assert optimizer.param_groups[0]["lr"] == pytest.approx(2.5e-3)
    path = lh.save_checkpoint(tmp_path / "s.pt", model, optimizer, scheduler=scheduler)
    fresh_opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    fresh = torch.optim.lr_scheduler.ReduceLROnPlateau(fresh_opt, factor=0.5, patience=0)
    lh.load_checkpoint(path, model, fresh_opt, fresh)
    assert fresh.best == 1.0 and fresh_opt.param_groups[0]["lr"] == pytest.approx(2.5e-3)
    no_state = lh.save_checkpoint(tmp_path / "n.pt", model)
    with pytest.raises(ValueError, match="no optimizer state"):
        lh.load_checkpoint(no_state, model, fresh_opt)
    with pytest.raises(ValueError, match="no scheduler state"):
        lh.load_checkpoint(
            lh.save_checkpoint(tmp_path / "o.pt", model, fresh_opt), model, None, fresh
        )


def test_best_checkpoint_saves_exactly_the_improving_epochs(tmp_path):
    lh.set_seed(0)
    series = lh.sine_series(300, 30, noise_std=0.1)
    data = lh.prepare_series(series, seq_length=10, train_frac=0.6, val_frac=0.2, batch_size=32)
    model = lh.LSTMPredictor(hidden_size=8, num_layers=1)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    best = BestCheckpoint(tmp_path / "best.pt", model, optimizer)
    history = lh.fit(
        model,
        data.train_loader,
        lh.TrainConfig(max_epochs=8),
        val_loader=data.val_loader,
        optimizer=optimizer,
        callback=best,
        progress=False,
    )
    improving = [
        e
        for e in range(1, history.epochs + 1)
        if history.val_loss[e - 1] < min(history.val_loss[: e - 1], default=np.inf)
    ]
    assert best.saved_epochs == improving and best.saved_epochs[-1] == history.best_epoch
    assert history.epochs == 8  # the callback never stops training
    restored, checkpoint = lh.load_checkpoint(tmp_path / "best.pt")
    assert checkpoint["extra"]["epoch"] == history.best_epoch
    assert checkpoint["extra"]["monitored_loss"] == pytest.approx(history.best_loss)
    assert checkpoint["extra"]["history"]["val_loss"] == history.val_loss[: history.best_epoch]
    x = data.split.test[0]
    assert torch.equal(lh.predict(restored, x), lh.predict(model, x))  # fit restored the best too


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_checkpoints_load_on_the_cpu_and_resume_on_the_gpu(tmp_path):
    model = lh.BiLSTMClassifier(hidden_size=6, num_layers=2).to("cuda")
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    x, y = _windows(16, 8), torch.randint(0, 3, (16,))
    loss = nn.functional.cross_entropy(model(x.cuda())[0], y.cuda())
    loss.backward()
    optimizer.step()
    path = lh.save_checkpoint(tmp_path / "gpu.pt", model, optimizer)
    on_cpu, _ = lh.load_checkpoint(path)  # rebuilt on the CPU: no GPU needed to read it
    assert next(on_cpu.parameters()).device.type == "cpu"
    torch.testing.assert_close(
        lh.predict(on_cpu, x), lh.predict(model, x), rtol=1e-3, atol=1e-4
    )  # TF32 on the GPU
    gpu_model = lh.BiLSTMClassifier(hidden_size=6, num_layers=2).to("cuda")
    gpu_opt = torch.optim.Adam(gpu_model.parameters(), lr=1e-2)
    lh.load_checkpoint(path, gpu_model, gpu_opt)  # stays on the GPU, optimizer state too
    assert next(gpu_model.parameters()).device.type == "cuda"
    state = gpu_opt.state[next(gpu_model.parameters())]
    assert state["exp_avg"].device.type == "cuda" and int(state["step"]) == 1
    assert torch.equal(lh.predict(gpu_model, x), lh.predict(model, x))


def _classifier_run(tmp_path, epochs, callback_dir=None, seed=0):
    """Train a small classifier with shuffling, dropout and a scheduler; return its pieces."""
    X, y = lh.wave_classes(64, seq_length=8, seed=3)
    loader = lh.make_class_loader(X, y, batch_size=16, shuffle=True)
    val = lh.make_class_loader(*lh.wave_classes(32, seq_length=8, seed=4), batch_size=32)
    lh.set_seed(seed)
    model = lh.BiLSTMClassifier(hidden_size=4, num_layers=2, dropout=0.5)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=0)
    callback = None
    if callback_dir is not None:
        callback = BestCheckpoint(
            callback_dir / "best.pt", model, optimizer, scheduler, latest=callback_dir / "last.pt"
        )
    history = lh.fit(
        model,
        loader,
        lh.TrainConfig(max_epochs=epochs),
        val_loader=val,
        optimizer=optimizer,
        scheduler=scheduler,
        loss_fn=nn.CrossEntropyLoss(),
        callback=callback,
        progress=False,
    )
    return loader, val, history, callback


def _resume(path, loader, val, epochs, restore_rng):
    model, checkpoint = lh.load_checkpoint(path)
    optimizer = torch.optim.Adam(model.parameters())
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=0)
    lh.load_checkpoint(path, model, optimizer, scheduler, restore_rng=restore_rng)
    history = lh.fit(
        model,
        loader,
        lh.TrainConfig(max_epochs=epochs),
        val_loader=val,
        optimizer=optimizer,
        scheduler=scheduler,
        loss_fn=nn.CrossEntropyLoss(),
        progress=False,
    )
    return history, checkpoint


def test_latest_checkpoint_with_its_random_state_resumes_the_run_bit_for_bit(tmp_path):
    _, _, straight, _ = _classifier_run(tmp_path, epochs=6)  # no interruption
    loader, val, first, _ = _classifier_run(tmp_path, epochs=3, callback_dir=tmp_path)
    assert first.val_loss == straight.val_loss[:3]
    resumed, checkpoint = _resume(tmp_path / "last.pt", loader, val, 3, restore_rng=True)
    assert checkpoint["extra"]["epoch"] == 3  # the latest, whatever the best was
    assert resumed.train_loss == straight.train_loss[3:]  # shuffling and dropout as before
    assert resumed.val_loss == straight.val_loss[3:] and resumed.lr == straight.lr[3:]
    other, _ = _resume(tmp_path / "last.pt", loader, val, 1, restore_rng=False)
    assert other.train_loss[0] != straight.train_loss[3]  # another batch order and masks


def test_best_checkpoint_with_latest_writes_both_and_keeps_them_apart(tmp_path):
    _, _, history, saver = _classifier_run(tmp_path, epochs=5, callback_dir=tmp_path)
    _, best = lh.load_checkpoint(tmp_path / "best.pt")
    _, last = lh.load_checkpoint(tmp_path / "last.pt")
    assert best["extra"]["epoch"] == history.best_epoch == saver.saved_epochs[-1]
    assert last["extra"]["epoch"] == 5 and last["extra"]["history"]["val_loss"] == history.val_loss
    assert isinstance(best["rng"]["torch"], torch.Tensor)
    gpus = torch.cuda.device_count() if torch.cuda.is_available() else 0
    assert len(best["rng"]["cuda"]) == gpus
    model = lh.BiLSTMClassifier(hidden_size=4)
    with pytest.raises(ValueError, match="same file"):
        BestCheckpoint(tmp_path / "a.pt", model, latest=tmp_path / "." / "a.pt")


def test_restoring_the_random_state_needs_one_in_the_file(tmp_path):
    model = lh.LSTMPredictor(hidden_size=2)
    plain = lh.save_checkpoint(tmp_path / "plain.pt", model)
    _, checkpoint = lh.load_checkpoint(plain)
    assert checkpoint["rng"] is None
    with pytest.raises(ValueError, match="no random state"):
        lh.load_checkpoint(plain, restore_rng=True)
    torch.manual_seed(5)
    with_rng = lh.save_checkpoint(tmp_path / "rng.pt", model, rng_state=True)
    expected = torch.rand(3)
    torch.manual_seed(99)
    lh.load_checkpoint(with_rng, restore_rng=True)  # restored after the model is rebuilt
    assert torch.equal(torch.rand(3), expected)
