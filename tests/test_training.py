import math

import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

import lstm_helpers as lh


@pytest.fixture(scope="module")
def small_task():
    return lh.sine_data(
        lh.DataConfig(seq_length=20, num_points=400, train_frac=0.7, val_frac=0.1, batch_size=32)
    )


def small_model(**kwargs):
    lh.set_seed(0)
    return lh.LSTMPredictor(hidden_size=16, num_layers=1, **kwargs)


def test_short_fit_brings_loss_below_bar(small_task):
    model = small_model()
    before = lh.evaluate(model, small_task.test_loader).mse
    history = lh.fit(
        model, small_task.train_loader, lh.TrainConfig(lr=1e-2, max_epochs=15), progress=False
    )
    after = lh.evaluate(model, small_task.test_loader).mse
    assert before > 0.1 and after < 5e-3
    assert history.train_loss[-1] < history.train_loss[0] / 20


def recording_adam(model, seen: list) -> torch.optim.Adam:
    """Adam (lr 1e-2) that appends the total gradient norm it is about to apply to `seen`."""

    class RecordingAdam(torch.optim.Adam):
        def step(self, closure=None):
            seen.append(lh.gradient_norm(list(model.parameters())).item())
            return super().step(closure)

    return RecordingAdam(model.parameters(), lr=1e-2)


def test_clipping_bounds_the_norm_the_optimizer_sees(small_task):
    model = small_model()
    seen = []
    clip = 0.05
    history = lh.fit(
        model,
        small_task.train_loader,
        lh.TrainConfig(clip_norm=clip, max_epochs=2),
        optimizer=recording_adam(model, seen),
        progress=False,
    )
    assert len(seen) == len(history.step_grad_norm) > 0
    assert max(history.step_grad_norm) > clip  # clipping had work to do ...
    assert max(seen) <= clip * (1 + 1e-5)  # ... and the optimizer never saw more than max_norm
    for before, after in zip(history.step_grad_norm, seen, strict=True):
        assert after == pytest.approx(min(before, clip), rel=1e-4)


def test_without_clipping_gradients_are_untouched(small_task):
    model = small_model()
    seen = []

    history = lh.fit(
        model,
        small_task.train_loader,
        lh.TrainConfig(clip_norm=None, max_epochs=1),
        optimizer=recording_adam(model, seen),
        progress=False,
    )
    assert seen == pytest.approx(history.step_grad_norm, rel=1e-6)


def test_stops_at_target_with_validation(small_task):
    model = small_model()
    cfg = lh.TrainConfig(lr=1e-2, max_epochs=50, target_loss=2e-3)
    history = lh.fit(
        model, small_task.train_loader, cfg, val_loader=small_task.val_loader, progress=False
    )
    assert history.stop_reason.startswith("reached target loss")
    assert history.val_loss[-1] <= 2e-3 and history.epochs < 50
    assert all(v > 2e-3 for v in history.val_loss[:-1])
    assert len(history.epoch_seconds) == len(history.grad_norm) == history.epochs


def test_validation_loss_is_the_mse_on_the_validation_windows(small_task):
    model = small_model()
    history = lh.fit(
        model,
        small_task.train_loader,
        lh.TrainConfig(max_epochs=1, restore_best=False),
        val_loader=small_task.val_loader,
        progress=False,
    )
    assert history.val_loss[-1] == pytest.approx(
        lh.evaluate(model, small_task.val_loader).mse, rel=1e-5
    )


def test_patience_stops_and_restores_best_weights(small_task):
    model = small_model()
    # A learning rate this high makes the validation loss bounce, so patience triggers.
    cfg = lh.TrainConfig(lr=0.05, max_epochs=40, patience=2)
    history = lh.fit(
        model, small_task.train_loader, cfg, val_loader=small_task.val_loader, progress=False
    )
    assert history.stop_reason.startswith("no improvement for 2 epochs")
    assert history.epochs == history.best_epoch + 2
    restored = lh.evaluate(model, small_task.val_loader).mse
    assert restored == pytest.approx(history.best_loss, rel=1e-5)


def test_callback_can_stop_training(small_task):
    model = small_model()
    history = lh.fit(
        model,
        small_task.train_loader,
        lh.TrainConfig(max_epochs=10),
        callback=lambda h: h.epochs == 3,
        progress=False,
    )
    assert history.epochs == 3 and "callback" in history.stop_reason


def test_divergence_raises_naming_the_likely_cause(small_task):
    model = small_model()
    cfg = lh.TrainConfig(lr=1e30, clip_norm=None, max_epochs=5)
    with pytest.raises(
        lh.TrainingDiverged,
        match=r"learning rate too high \(lr=1e\+30\) with gradient clipping off.*clip_norm=1.0",
    ) as err:
        lh.fit(model, small_task.train_loader, cfg, progress=False)
    assert err.value.history.stop_reason == "diverged"


def test_divergence_can_stop_instead_of_raising(small_task):
    model = small_model()
    history = lh.fit(
        model,
        small_task.train_loader,
        lh.TrainConfig(lr=1e30, clip_norm=None, max_epochs=5),
        on_diverge="stop",
        progress=False,
    )
    assert history.stop_reason == "diverged"
    assert all(math.isfinite(p.detach().abs().max().item()) for p in model.parameters())


def test_nan_inputs_are_named_as_the_cause():
    X = torch.randn(8, 5, 1)
    X[3, 2, 0] = float("nan")
    loader = DataLoader(TensorDataset(X, torch.randn(8, 1)), batch_size=8)
    with pytest.raises(lh.TrainingDiverged, match="input batch holds NaN"):
        lh.fit(small_model(), loader, lh.TrainConfig(max_epochs=1), progress=False)


def test_mismatched_target_shape_is_caught_before_broadcasting():
    loader = DataLoader(TensorDataset(torch.randn(8, 5, 1), torch.randn(8)), batch_size=4)
    with pytest.raises(ValueError, match=r"predictions have shape \(4, 1\) but targets \(4,\)"):
        lh.fit(small_model(), loader, lh.TrainConfig(max_epochs=1), progress=False)


def test_fit_is_reproducible_with_the_same_seed(small_task):
    runs = []
    for _ in range(2):
        model = small_model()
        runs.append(
            lh.fit(
                model, small_task.train_loader, lh.TrainConfig(max_epochs=2), progress=False
            ).train_loss
        )
    assert runs[0] == runs[1]


def test_progress_bar_tracks_epochs(small_task, capsys):
    history = lh.fit(
        small_model(), small_task.train_loader, lh.TrainConfig(max_epochs=2), progress=True
    )
    assert history.epochs == 2
    # Outside a kernel display() prints the plain-text form that static notebook copies show.
    assert "[progress bar, live in Jupyter: up to 2 epochs]" in capsys.readouterr().out


def test_callback_sees_the_epoch_that_reaches_the_target(small_task):
    seen = []
    cfg = lh.TrainConfig(lr=1e-2, max_epochs=50, target_loss=2e-3)
    history = lh.fit(
        small_model(),
        small_task.train_loader,
        cfg,
        val_loader=small_task.val_loader,
        callback=lambda h: seen.append(h.epochs),
        progress=False,
    )
    assert history.stop_reason.startswith("reached target loss")
    assert seen == list(range(1, history.epochs + 1))
