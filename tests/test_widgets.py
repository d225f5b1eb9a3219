"""The explorers driven headless, as a browser would: set `.value`, click, read the widgets.

Without a kernel ipywidgets uses a dummy comm, so setting a control's value runs its
observers at once and `button.click()` runs the click handlers. Runs are kept tiny. The
background mode (a worker process) is tested in test_explorer_background.py.
"""

import dataclasses
import math

import pytest

import lstm_helpers.config
import lstm_helpers.data
import lstm_helpers.evaluation
import lstm_helpers.explorer.widget as lw
from lstm_helpers import DataConfig, History, Metrics, ModelConfig, TrainConfig
from lstm_helpers.explorer import runner
from lstm_helpers.explorer.controls import OptionalLogSlider
from lstm_helpers.explorer.runner import DEFAULTS
from lstm_helpers.explorer.widget import Explorer, clipping_explorer

PNG = b"\x89PNG\r\n\x1a\n"
SMALL = {"hidden_size": 8, "max_epochs": 2}


@pytest.fixture
def explorer():
    ex = Explorer(background=False, auto_train=False, **SMALL)
    yield ex
    ex.close()


def png(ex: Explorer, name: str) -> bytes:
    return bytes(ex.images[name].value)


def test_defaults_are_the_controls_values_and_valid():
    ex = Explorer(background=False)
    assert ex.settings == DEFAULTS
    data, model, train = ex.configs()
    assert (model.cell, model.hidden_size, model.num_layers) == ("lstm", 32, 1)
    assert (data.seq_length, data.batch_size, data.val_frac > 0) == (20, 64, True)
    assert (train.lr, train.max_epochs) == (DEFAULTS["lr"], DEFAULTS["max_epochs"])
    assert png(ex, "losses") == b""  # nothing drawn before the first run
    ex.close()


def test_train_button_trains_with_the_slider_values(explorer):
    c = explorer.controls
    c["cell"].value = "rnn"
    c["hidden_size"].value = 6
    c["seq_length"].value = 12
    c["batch_size"].value = 32
    c["lr"].value = 0.01
    c["max_epochs"].value = 3
    c["noise_std"].value = 0.05
    explorer.train_button.click()

    assert len(explorer.runs) == 1
    run = explorer.runs[0]
    assert type(run.model).__name__ == "RNNPredictor"
    assert run.model.rnn.hidden_size == 6
    assert run.history.epochs == 3
    assert run.data_config.seq_length == 12
    assert run.data_config.batch_size == 32
    assert run.data_config.noise_std == 0.05
    assert run.train_config.lr == 0.01
    assert run.settings == explorer.settings
    first = {name: png(explorer, name) for name in explorer.plots}
    assert all(b.startswith(PNG) for b in first.values())
    metrics_text = explorer.metrics.value
    assert "Run 1" in metrics_text and f"validation MSE {run.val_mse:.3g}" in metrics_text
    assert "test" not in metrics_text.lower()  # runs are compared on validation data only
    assert "vanilla RNN, H=6" in metrics_text
    assert "done" in explorer.status.value
    assert explorer.progress.value == 3 and explorer.progress.bar_style == "success"

    c["hidden_size"].value = 16
    explorer.train_button.click()
    assert len(explorer.runs) == 2 and explorer.runs[1].model.rnn.hidden_size == 16
    assert explorer.metrics.value != metrics_text
    for name in explorer.plots:
        assert png(explorer, name) != first[name], f"the {name} plot was not redrawn"
    assert explorer.table.value.count("<tr>") == 3  # header and two runs


def test_releasing_a_slider_trains_when_auto_train_is_on():
    ex = Explorer(background=False, auto_train=True, **SMALL)
    ex.controls["hidden_size"].value = 4
    assert [r.model_config.hidden_size for r in ex.runs] == [4]
    ex.controls["hidden_size"].value = 4  # the same value again: no event, no run
    assert len(ex.runs) == 1
    ex.auto_train.value = False
    ex.controls["hidden_size"].value = 5
    assert len(ex.runs) == 1
    ex.close()


def test_dropout_is_disabled_at_one_layer(explorer):
    dropout = explorer.controls["dropout"]
    assert explorer.controls["num_layers"].value == 1 and dropout.disabled
    explorer.controls["num_layers"].value = 2
    assert not dropout.disabled
    dropout.value = 0.3
    explorer.train_button.click()
    assert explorer.runs[-1].model.lstm.dropout == pytest.approx(0.3)

    explorer.controls["num_layers"].value = 1
    assert dropout.disabled
    explorer.train_button.click()
    run = explorer.runs[-1]
    assert run.model.lstm.num_layers == 1
    assert run.model.lstm.dropout == 0 and run.model_config.dropout == 0.0


def test_an_error_inside_training_is_shown_in_the_status_line(explorer, monkeypatch):
    def broken_fit(*args, **kwargs):
        raise RuntimeError("simulated failure inside fit")

    monkeypatch.setattr(runner, "fit", broken_fit)
    explorer.train_button.click()  # must not raise: the error goes to the status widget
    assert "RuntimeError" in explorer.status.value
    assert "simulated failure inside fit" in explorer.status.value
    assert "broken_fit" in explorer.status.value  # the traceback, one click away
    assert explorer.progress.bar_style == "danger"
    assert explorer.runs == []
    with pytest.raises(RuntimeError, match="simulated failure"):
        explorer.run()  # the programmatic face raises, and shows it too


def test_an_error_in_a_control_callback_is_shown(explorer, monkeypatch):
    explorer.auto_train.value = True
    monkeypatch.setattr(explorer, "request", lambda: 1 / 0)
    explorer.controls["seed"].value = 3
    assert "ZeroDivisionError" in explorer.status.value


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_diverging_run_says_so_and_suggests_a_fix(seed):
    # Vanilla RNN, SGD with momentum at lr 1.0, clipping off: about five times the smallest
    # learning rate that diverges (0.2), so it diverges whatever the seed or the CPU path.
    ex = clipping_explorer(seed=seed)
    ex.background = False
    result = ex.run()
    assert result.diverged and result.failed and result.history.stop_reason == "diverged"
    assert "diverged" in ex.status.value
    assert "Lower the learning rate" in ex.status.value and "clipping on" in ex.status.value
    assert "DIVERGED" in str(result)
    assert "diverged" in ex.table.value
    assert ex.progress.bar_style == "danger"

    # Clipped hard, the same learning rate learns: below 0.05 (a tenth of predicting the mean)
    # on every seed and CPU path tried, 0.008 at most (the last epochs are bumpy: chaotic).
    clipped = ex.run(clip_norm=0.03)
    assert not clipped.failed and clipped.val_mse < 0.05
    assert "% of steps clipped" in ex.metrics.value
    ex.close()


def test_a_run_that_learns_nothing_is_flagged():
    cfg = TrainConfig(lr=0.5, clip_norm=None)
    history = History(train_loss=[0.5, 0.6], stop_reason="max_epochs=2 reached")
    problem = runner.diagnose(history, Metrics(0.6, 0.77, 0.7), baseline=0.5, cfg=cfg)
    assert "did not learn" in problem and "try 0.05" in problem and "validation MSE" in problem
    assert runner.diagnose(history, Metrics(1e-4, 1e-2, 1e-2), baseline=0.5, cfg=cfg) == ""


def test_set_and_run_from_code():
    ex = Explorer(background=False, auto_train=True)
    ex.set(hidden_size=12, lr=3e-3, max_epochs=2, clip_norm=None, target_loss=1e-3)
    assert ex.runs == []  # set() alone never trains
    result = ex.run()
    assert result.model.lstm.hidden_size == 12 and result.train_config.clip_norm is None
    assert result.train_config.lr == 3e-3 and result.train_config.target_loss == 1e-3
    assert ex.controls["clip_norm"].slider.disabled
    assert math.isfinite(result.val_mse) and result is ex.runs[-1]
    assert "H=12" in repr(result) and "lr=0.003" in str(result)
    assert ex.run(seed=1).data_config.seed == 1
    ex.close()


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("hidden_size", 1000),
        ("hidden_size", 8.5),
        ("lr", 5.0),
        ("cell", "gru"),
        ("batch_size", 48),
        ("clip_norm", 0.0),
        ("num_layers", True),
        ("no_such_setting", 1),
    ],
)
def test_set_rejects_values_the_controls_cannot_show(setting, value):
    ex = Explorer(background=False)
    with pytest.raises(ValueError, match=setting):
        ex.set(**{setting: value})
    assert ex.settings == DEFAULTS


def test_reset_restores_defaults_and_clears_the_table(explorer):
    explorer.set(hidden_size=4, num_layers=2, dropout=0.2)
    explorer.run()
    explorer.reset()
    assert explorer.settings == {**DEFAULTS, **SMALL}
    assert explorer.runs == [] and explorer.table.value == ""
    assert explorer.controls["dropout"].disabled


def test_model_types_are_read_when_the_explorer_is_made(monkeypatch):
    default = dict(Explorer(background=False).controls["cell"].options)
    assert default == {"LSTM": "lstm", "vanilla RNN": "rnn", "LSTM from scratch": "scratch_lstm"}
    monkeypatch.setattr(lstm_helpers.config, "CELLS", ("rnn", "lstm"))  # fewer, reordered
    options = Explorer(background=False, cell="rnn").controls["cell"].options
    assert list(options) == [("vanilla RNN", "rnn"), ("LSTM", "lstm")]


def test_the_plain_text_repr_is_short_and_stable():
    ex = Explorer(background=False)
    bundle = ex._repr_mimebundle_()
    assert bundle["text/plain"].startswith("<Explorer: cell, hidden_size")
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert clipping_explorer()._repr_mimebundle_()["text/plain"] == "<Explorer: clip_norm, lr>"


def test_loss_curves_are_redrawn_live_during_long_runs(explorer, monkeypatch):
    monkeypatch.setattr(lw, "LIVE_REDRAW_SECONDS", 0.0)
    seen = []
    explorer.images["losses"].observe(lambda ch: seen.append(bytes(ch["new"])), "value")
    explorer.run(max_epochs=3)
    assert len(seen) == 3 + 1  # after epochs 1, 2 and 3, then the final drawing
    assert len(set(seen)) == 4


def test_optional_log_slider_is_one_value():
    w = OptionalLogSlider(None, description="clip", min=-2, max=2)
    events = []
    w.observe(lambda ch: events.append(ch["new"]), "value")
    assert w.value is None and w.slider.disabled
    w.toggle.value = True
    assert w.value == 1.0 and not w.slider.disabled
    w.slider.value = 0.1
    assert w.value == pytest.approx(0.1)
    w.value = 5.0
    assert (w.toggle.value, w.slider.value) == (True, 5.0)
    w.value = None
    assert not w.toggle.value and w.slider.disabled
    assert events == [1.0, pytest.approx(0.1), 5.0, None]  # one event per change


def test_run_experiment_is_a_plain_function():
    data = DataConfig(seq_length=10, num_points=300, train_frac=0.7, val_frac=0.15)
    model = ModelConfig(hidden_size=4, num_layers=1, dropout=0.0)
    result = runner.run_experiment(data, model, TrainConfig(lr=1e-2, max_epochs=2))
    assert result.history.epochs == 2 and len(result.history.val_loss) == 2
    assert result.y_pred.shape == result.y_true.shape == (len(result.y_true), 1)
    assert result.baseline_mse == pytest.approx(float(result.y_true.var(unbiased=False)))


def test_runs_are_ranked_by_validation_and_tested_once_on_request(explorer):
    slow = explorer.run(lr=1e-4)  # barely learns in 2 epochs
    good = explorer.run(lr=2e-2)
    assert good.val_mse < slow.val_mse / 10
    assert slow.test_metrics is None and good.test_metrics is None  # no test score yet
    table = explorer.table.value
    assert "val MSE" in table and "test MSE" not in table
    assert f"<b>{good.val_mse:.3g}</b>" in table and f"<b>{slow.val_mse:.3g}</b>" not in table
    assert explorer.test_line.value == ""

    explorer.test_button.click()
    assert good.test_metrics is not None and slow.test_metrics is None  # only the chosen run
    assert math.isfinite(good.test_metrics.mse) and good.test_metrics.mse != good.val_mse
    line = explorer.test_line.value
    assert f"run {good.number}" in line and f"test MSE {good.test_metrics.mse:.3g}" in line
    assert "choose nothing by it" in line
    assert "test MSE" in explorer.table.value
    # The same numbers as scoring the model on the test windows by hand.
    data = lstm_helpers.data.sine_data(good.data_config)
    expected = lstm_helpers.evaluation.evaluate(good.model, data.test_loader)
    assert good.test_metrics == expected


def test_the_test_set_is_used_once_and_a_second_press_is_refused(explorer):
    first = explorer.run(lr=2e-2)
    explorer.test_button.click()
    assert explorer.tested is first and first.test_metrics is not None
    line = explorer.test_line.value
    assert "now used" in line and "refused until <b>Reset</b>" in line

    better = explorer.run(lr=3e-2, max_epochs=4)  # more runs after the look...
    assert better.val_mse < first.val_mse
    explorer.test_button.click()  # ...and a second press: refused, nothing else is scored
    assert better.test_metrics is None and explorer.tested is first
    assert "Refused" in explorer.status.value and f"run {first.number}" in explorer.status.value
    assert explorer.test_line.value == line  # the first (and only) test score stays shown
    with pytest.raises(ValueError, match="already used"):
        explorer.evaluate_test()  # from code it raises

    explorer.reset()  # a new comparison may use it again
    assert explorer.tested is None and explorer.test_line.value == ""
    again = explorer.run()
    assert explorer.evaluate_test() is again and again.test_metrics is not None


def test_the_best_run_is_chosen_among_runs_on_the_same_data_and_seed(explorer):
    seed0 = [explorer.run(lr=lr, seed=0) for lr in (1e-3, 2e-2)]
    lucky = explorer.run(seed=1)  # another seed: not in the comparison of seed-0 runs
    noisy = explorer.run(seed=0, noise_std=0.2)  # another series: its errors are larger
    assert runner.best_run(explorer.runs) is not noisy
    assert runner.best_run(explorer.runs, like=lucky) is lucky
    assert runner.comparable(explorer.runs, noisy) == [noisy]
    assert runner.best_run(explorer.runs, like=seed0[0]) is min(seed0, key=lambda r: r.val_mse)
    explorer.set(noise_std=0.0)
    newest = explorer.run(lr=1e-3)  # the newest run decides which runs compete
    best = explorer.evaluate_test()
    assert best in [*seed0, newest] and best.settings["seed"] == 0
    assert "of 3 runs with noise 0, seed 0" in explorer.test_line.value
    assert f"<b>{best.val_mse:.3g}</b>" in explorer.table.value  # bold: the same choice


# Settings that the notebook, its exercises and docs/teaching.md ask learners to set with the
# mouse: each must be a value the control stops at, so learners repeat those numbers exactly.
MENTIONED = {
    "lr": (1e-4, 1e-3, 1e-2, 2e-2, 0.1, 0.3, 1.0),
    "clip_norm": (0.01, 0.03, 0.1, 1.0, 10.0),
    "target_loss": (1e-4,),
    "hidden_size": (1, 2, 4, 8, 32),
    "num_layers": (1, 2),
    "dropout": (0.3,),
    "seq_length": (1, 2, 5, 20, 50),
    "max_epochs": (8, 100),
    "batch_size": (8, 256),
    "noise_std": (0.2,),
}


def stops_at(control, value) -> bool:
    """True if dragging `control` can land exactly on `value`."""
    if isinstance(control, OptionalLogSlider):
        return value in control.values
    if hasattr(control, "options"):
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        return value in options
    steps = (value - control.min) / control.step
    return control.min <= value <= control.max and abs(steps - round(steps)) < 1e-9


@pytest.mark.parametrize("name", sorted(MENTIONED))
def test_the_sliders_stop_at_the_values_the_notebook_and_notes_use(name):
    ex = clipping_explorer() if name == "clip_norm" else Explorer(background=False)
    control = ex.controls[name]
    missing = [v for v in MENTIONED[name] if not stops_at(control, v)]
    assert not missing, f"the {name} control cannot be moved to {missing}"
    if name in ("lr", "clip_norm"):  # and exactly: 0.3, not 3 * 0.1 = 0.30000000000000004
        assert 0.3 in (control.values if name == "clip_norm" else dict(control.options).values())


def test_the_loss_plot_says_the_run_keeps_its_last_epoch(explorer):
    explorer.run(max_epochs=3)
    legend = explorer.figures["losses"].axes[0].get_legend()
    labels = " ".join(t.get_text() for t in legend.get_texts())
    assert "keeps" in labels and "last epoch" in labels and "best (" not in labels


def test_testing_needs_a_run_that_learned(explorer):
    with pytest.raises(ValueError, match="no run to test"):
        explorer.evaluate_test()
    explorer.test_button.click()  # the button shows the same error instead of raising
    assert "no run to test" in explorer.status.value


def test_the_explorer_keeps_the_last_epochs_weights(explorer):
    # restore_best is off, so the metrics are those at the end of the loss curve: this run's
    # validation loss rises 1.7x in its last epoch (on every CPU path tried), and it shows.
    result = explorer.run(hidden_size=32, max_epochs=4, lr=0.1)
    h = result.history
    assert result.train_config.restore_best is False
    assert h.best_epoch == 3 and h.val_loss[-1] > 1.5 * h.val_loss[2]
    assert result.val_mse == pytest.approx(h.val_loss[-1], rel=1e-5)
    # With restore_best (fit's default) the same run would report its best epoch instead.
    data, model, train = explorer.configs()
    best = runner.run_experiment(data, model, dataclasses.replace(train, restore_best=True))
    assert best.val_mse == pytest.approx(h.val_loss[2], rel=1e-5)


def test_the_window_slider_goes_down_to_one(explorer):
    assert explorer.controls["seq_length"].min == 1
    result = explorer.run(seq_length=1)
    assert result.data_config.seq_length == 1 and math.isfinite(result.val_mse)


def test_the_optimizer_and_seed_controls_explain_themselves(explorer):
    tip = explorer.controls["optimizer"].tooltip
    assert "Adam" in tip and "momentum" in tip
    assert "initial weights" in explorer.controls["seed"].tooltip


def test_a_foreground_run_leaves_the_global_rng_alone(explorer):
    import random

    import numpy as np
    import torch

    random.seed(7), np.random.seed(7), torch.manual_seed(7)  # noqa: NPY002
    expected = (random.random(), np.random.rand(), torch.rand(1).item())  # noqa: NPY002
    random.seed(7), np.random.seed(7), torch.manual_seed(7)  # noqa: NPY002
    explorer.run(num_layers=2, dropout=0.3)  # dropout draws from torch's global generator
    explorer.test_button.click()  # so does reading the test loader
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == expected  # noqa: NPY002


def test_a_run_needs_validation_data_and_every_setting():
    no_val = DataConfig(train_frac=0.8, val_frac=0.0)
    with pytest.raises(ValueError, match="validation part"):
        runner.run_experiment(no_val, ModelConfig(), TrainConfig(max_epochs=1))
    with pytest.raises(ValueError, match="settings lack"):
        runner.configs_for({"lr": 0.1})


@pytest.mark.tooling  # process plumbing, not numbers: one CPU path is enough
def test_the_runner_and_worker_import_no_widgets():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import lstm_helpers.explorer.runner, lstm_helpers.explorer.worker\n"
        "print('ipywidgets' in sys.modules)\n"
        "import lstm_helpers.explorer.widget\n"  # the check itself can see an import
        "print('ipywidgets' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_loss_curves_of_several_runs_differ_by_marker_and_keep_the_legend_off_the_data():
    from lstm_helpers.explorer.drawing import plot_loss_curves

    h = History(train_loss=[1.0, 0.5], val_loss=[0.9, 0.4])
    ax = plot_loss_curves({"a": h, "b": h, "c": h})
    lines = ax.get_lines()
    assert len(lines) == 6  # training and validation per run
    assert len({line.get_marker() for line in lines}) == 3
    assert {line.get_linestyle() for line in lines} == {"-", "--"}
    ax.figure.canvas.draw()
    legend, axes = ax.get_legend().get_window_extent(), ax.get_window_extent()
    assert legend.x0 >= axes.x1  # right of the axes, so it covers no curve
    with pytest.raises(ValueError, match="1 to 4 runs"):
        plot_loss_curves({str(i): h for i in range(5)})
