"""The explorer itself: controls, buttons, plots and a run table, wired to the runner.

`Explorer` turns control values into frozen configs, trains them with the runner and shows
the result with `drawing`; use it from code as well as with the mouse:

    explorer = Explorer()
    result = explorer.run(hidden_size=8, lr=3e-3)   # trains here, returns a RunResult
    explorer                                        # the controls, in JupyterLab

Runs are compared by validation MSE; **Test best run** (`evaluate_test()`) scores the chosen run on
the test windows, once: a second press is refused until **Reset**. In a Jupyter kernel, clicks and
slider releases train in a worker process (`background.py`), so the kernel and the learner's random
state are left alone, with the same results as `run()`. (A script that sets `background=True` must
guard its entry point with `if __name__ == "__main__":`, as "spawn" re-imports it.)
"""

from __future__ import annotations

import html
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets
import torch

from lstm_helpers.config import DataConfig, ModelConfig, TrainConfig
from lstm_helpers.explorer import drawing
from lstm_helpers.explorer.background import BackgroundRuns
from lstm_helpers.explorer.controls import COLUMNS, check_value, make_controls
from lstm_helpers.explorer.runner import (
    BASE_DATA,
    BASE_MODEL,
    BASE_TRAIN,
    DEFAULTS,
    RunResult,
    best_run,
    comparable,
    configs_for,
    evaluate_test,
    run_experiment,
)
from lstm_helpers.explorer.worker import Job
from lstm_helpers.training import History, _in_kernel

LIVE_REDRAW_SECONDS = 0.5  # during long runs, redraw the loss curves at most this often
READY = "Ready: press Train or release a slider."


class Explorer:
    """Sliders for the model, training and data settings; Train, Reset and Test buttons; plots.

    `controls` picks the settings shown (all by default; the others keep their values),
    `plots` the figures ("losses", "predictions", "grad_norms"), and keyword arguments
    override `DEFAULTS`. `background=None` trains clicks and slider releases in a worker
    process inside a Jupyter kernel and in the caller's thread elsewhere (tests, scripts);
    `run()` always trains in the caller's thread and returns the RunResult.
    """

    def __init__(
        self,
        *,
        controls: Sequence[str] | None = None,
        plots: Sequence[str] = ("losses", "predictions"),
        title: str = "LSTM hyperparameter explorer",
        auto_train: bool = True,
        background: bool | None = None,
        data_config: DataConfig | None = None,
        model_config: ModelConfig | None = None,
        train_config: TrainConfig | None = None,
        **defaults: Any,
    ) -> None:
        unknown = set(defaults) - set(DEFAULTS)
        if unknown:
            raise ValueError(
                f"unknown settings {sorted(unknown)}; the settings are {list(DEFAULTS)}."
            )
        shown = list(DEFAULTS) if controls is None else list(controls)
        if set(shown) - set(DEFAULTS) or set(plots) - set(drawing.PLOTS) or not plots:
            raise ValueError(
                f"controls must be names from {list(DEFAULTS)} and plots (at least one) from "
                f"{list(drawing.PLOTS)}, got controls={shown}, plots={list(plots)}."
            )
        self.defaults = {**DEFAULTS, **defaults}
        self.data_config = data_config or BASE_DATA  # with a validation part to compare on
        self.model_config = model_config or BASE_MODEL
        self.train_config = train_config or BASE_TRAIN  # keeps the last epoch's weights
        self.background = _in_kernel() if background is None else background
        self.runs: list[RunResult] = []
        self.tested: RunResult | None = None  # the run whose test score is shown, until reset()
        self.shown = shown
        self._quiet = False  # True while set()/reset() change several controls at once
        self._background = BackgroundRuns(
            on_start=self._on_start,
            on_progress=self._on_progress,
            on_done=self._on_done,
            on_error=self._on_error,
        )
        self._last_draw = 0.0

        self.controls = make_controls(self.defaults, min(100, self.data_config.num_points // 4))
        for name in self.defaults:
            check_value(self.controls, name, self.defaults[name])
        self._apply(self.defaults)
        self.train_button = widgets.Button(
            description="Train", button_style="primary", icon="play", tooltip="train now"
        )
        self.reset_button = widgets.Button(description="Reset", icon="undo")
        self.test_button = widgets.Button(
            description="Test best run",
            icon="flag-checkered",
            layout=widgets.Layout(width="150px"),  # the default width cuts the label
            tooltip="score the run with the lowest validation MSE on the test windows, once; "
            "Reset starts a new comparison",
        )
        self.auto_train = widgets.Checkbox(
            value=auto_train, description="train when a control is released", indent=False
        )
        self.progress = widgets.IntProgress(
            value=0, min=0, max=self.defaults["max_epochs"], description="epochs"
        )
        self.status = widgets.HTML(value=READY)
        self.metrics = widgets.HTML(value="No run yet.")
        self.test_line = widgets.HTML(value="")
        self.table = widgets.HTML(value="")
        self.plots = tuple(plots)
        self.figures = {name: drawing.new_figure() for name in plots}
        self.images = {
            # Side by side, scaled down in a narrow notebook.
            name: widgets.Image(format="png", layout=widgets.Layout(width="49%", max_width="500px"))
            for name in plots
        }
        self.train_button.on_click(self._guarded(lambda _b: self.request()))
        self.reset_button.on_click(self._guarded(lambda _b: self.reset()))
        self.test_button.on_click(self._guarded(lambda _b: self._test_once()))
        for control in self.controls.values():
            control.observe(self._guarded(self._on_change), "value")
        self.widget = self._layout(title)

    def _layout(self, title: str) -> widgets.VBox:
        columns = []
        for groups in COLUMNS:
            column = []
            for heading, names in groups:
                names = [n for n in names if n in self.shown]
                if names:
                    column += [
                        widgets.HTML(f"<b>{heading}</b>"),
                        *(self.controls[n] for n in names),
                    ]
            if column:
                columns.append(widgets.VBox(column, layout=widgets.Layout(margin="0 16px 0 0")))
        buttons = [self.train_button, self.reset_button, self.test_button]
        for part, name in (
            (self.metrics, "metrics"),
            (self.status, "status"),
            (self.table, "runs"),
        ):
            part.add_class(f"lstm-explorer-{name}")
        self.test_line.add_class("lstm-explorer-test")
        box = widgets.VBox(
            [
                widgets.HTML(f"<h3 style='margin:4px 0'>{html.escape(title)}</h3>"),
                widgets.HBox(columns, layout=widgets.Layout(flex_flow="row wrap")),
                widgets.HBox([*buttons, self.auto_train, self.progress]),
                self.status,
                self.metrics,
                widgets.HBox(
                    list(self.images.values()), layout=widgets.Layout(flex_flow="row wrap")
                ),
                self.table,
                self.test_line,
            ]
        )
        box.add_class("lstm-explorer")
        return box

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        """Show the controls; the plain-text form stays short and stable (nbval compares it)."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"<{type(self).__name__}: {', '.join(self.shown)}>"
        return bundle

    # ------------------------------------------------------------------ settings
    @property
    def settings(self) -> dict[str, Any]:
        """The current value of every setting, shown or not."""
        return {name: control.value for name, control in self.controls.items()}

    def configs(
        self, settings: dict[str, Any] | None = None
    ) -> tuple[DataConfig, ModelConfig, TrainConfig]:
        """The frozen configs these settings (default: the current ones) describe."""
        s = self.settings if settings is None else settings
        return configs_for(s, self.data_config, self.model_config, self.train_config)

    def set(self, **settings: Any) -> None:
        """Change settings (the controls move); every value is checked first. Does not train."""
        for name, value in settings.items():
            check_value(self.controls, name, value)
        self._apply(settings)

    def _apply(self, settings: dict[str, Any]) -> None:
        with self._quietly():
            for name, value in settings.items():
                self.controls[name].value = value
        self._update_enabled()

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Change controls without auto-training after each one."""
        quiet, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = quiet

    def _update_enabled(self) -> None:
        """Prevent invalid combinations: dropout needs at least two stacked layers."""
        one_layer = self.controls["num_layers"].value == 1
        self.controls["dropout"].disabled = one_layer
        self.controls["dropout"].tooltip = (
            "PyTorch applies dropout between stacked layers only: add a layer to use it"
            if one_layer
            else "dropout between stacked layers"
        )

    def _on_change(self, change: dict) -> None:
        self._update_enabled()
        if self.auto_train.value and not self._quiet:
            self.request()

    def reset(self) -> None:
        """Back to the default settings, with an empty run table."""
        self.cancel()
        self.wait()
        self._apply(self.defaults)
        self.runs.clear()
        self.tested = None
        self.table.value = self.test_line.value = ""
        self.metrics.value = "No run yet."
        self.progress.value, self.progress.bar_style = 0, ""
        self.status.value = drawing.status_html("Reset to the default settings.")
        if self.auto_train.value:
            self.request()

    # ------------------------------------------------------------------ running
    def run(self, **settings: Any) -> RunResult:
        """Train now, in this thread, with the current settings after `set(**settings)`.

        Cancels a background run in progress. Errors are shown in the status line and raised.
        """
        if settings:
            self.set(**settings)
        self.cancel()
        self.wait()
        return self._foreground(self.settings, raise_errors=True)

    def request(self) -> None:
        """Train with the current settings: the Train button and auto-training call this.

        In background mode the newest request replaces any waiting one and stops the
        running one at the end of its epoch, so the latest settings win.
        """
        settings = self.settings
        if not self.background:
            self._foreground(settings, raise_errors=False)
            return
        data_config, model_config, train_config = self.configs(settings)
        job = Job(
            generation=0,  # BackgroundRuns numbers the jobs
            data_config=data_config,
            model_config=model_config,
            train_config=train_config,
            optimizer=settings["optimizer"],
            threads=torch.get_num_threads(),  # the worker trains with as many as this kernel
            live="losses" in self.plots,
        )
        self._background.request(job)

    def cancel(self) -> None:
        """Stop the background run in progress (at the end of its epoch), drop a waiting one."""
        self._background.cancel()

    def wait(self, timeout: float | None = None) -> RunResult | None:
        """Block until no background run is waiting or in progress; return the latest result."""
        self._background.wait(timeout)
        return self.runs[-1] if self.runs else None

    def evaluate_test(self) -> RunResult:
        """Score the chosen run on the test windows and show it, once: then refuse until reset().

        The chosen run: the lowest validation MSE among runs on the newest run's data and seed.
        """
        self.wait()
        if self.tested is not None:
            raise ValueError(drawing.refused_text(self.tested))
        best = best_run(self.runs, like=self.runs[-1]) if self.runs else None
        if best is None:
            raise ValueError(
                "no run to test yet: train some runs first (every run so far failed or none "
                "ran), then test the one with the lowest validation MSE."
            )
        evaluate_test(best)
        self.tested = best
        self.test_line.value = drawing.test_html(best, len(comparable(self.runs, best)))
        self.table.value = drawing.table_html(self.runs)
        return best

    def _test_once(self) -> None:
        """The Test best run button: test, or say in the status line why it refuses."""
        if self.tested is None:
            self.evaluate_test()
        else:
            self.status.value = drawing.status_html(drawing.refused_text(self.tested), "warning")

    def close(self) -> None:
        """End the worker process and the relay thread, and close the widgets."""
        self._background.close()
        _close_tree(self.widget)

    def _foreground(self, settings: dict[str, Any], raise_errors: bool) -> RunResult | None:
        """Train in this thread, showing progress; errors are shown (and raised if asked)."""
        try:
            data_config, model_config, train_config = self.configs(settings)
            job = Job(0, data_config, model_config, train_config, settings["optimizer"], 0)
            self._on_start(job)
            result = run_experiment(
                data_config,
                model_config,
                train_config,
                optimizer=settings["optimizer"],
                callback=lambda history: self._on_progress(job, history),
            )
        except Exception as exc:
            self._show_exception(exc)
            if raise_errors:
                raise
            return None
        self._on_done(job, result)
        return result

    # ------------------------------------------------------------------ showing what happens
    def _on_start(self, job: Job) -> None:
        self.progress.max = job.train_config.max_epochs
        self.progress.value = 0
        self.progress.bar_style = "info"
        self.status.value = drawing.status_html(f"Training run {len(self.runs) + 1}…")
        self._last_draw = time.perf_counter()

    def _on_progress(self, job: Job, history: History) -> None:
        self.progress.value = history.epochs
        if "losses" in self.plots and time.perf_counter() - self._last_draw > LIVE_REDRAW_SECONDS:
            title = f"Run {len(self.runs) + 1}: loss (training…)"
            self._draw("losses", history=history, title=title)
            self._last_draw = time.perf_counter()

    def _on_done(self, job: Job, result: RunResult) -> None:
        result.number = len(self.runs) + 1
        self.runs.append(result)
        h = result.history
        for name in self.plots:
            self._draw(name, result=result, history=h)
        self.progress.value = h.epochs
        self.progress.bar_style = "danger" if result.failed else "success"
        clipping = "grad_norms" in self.plots and bool(h.step_grad_norm)
        self.metrics.value = drawing.metrics_html(result, clipping=clipping)
        if result.failed:
            self.status.value = drawing.status_html(html.escape(result.problem), "warning")
        else:
            done = f"Run {result.number} done ({html.escape(h.stop_reason)})."
            self.status.value = drawing.status_html(done, "success")
        self.table.value = drawing.table_html(self.runs)

    def _on_error(self, job: Job | None, type_name: str, message: str, text: str) -> None:
        """Put an error into the status line, with its traceback one click away."""
        self.progress.bar_style = "danger"
        self.status.value = drawing.error_html(type_name, message, text)

    def _show_exception(self, exc: BaseException) -> None:
        self._on_error(None, type(exc).__name__, str(exc), "".join(traceback.format_exception(exc)))

    def _draw(self, name: str, **kwargs: Any) -> None:
        self.images[name].value = drawing.draw(self.figures[name], name, **kwargs)

    def _guarded(self, handler: Callable[..., None]) -> Callable[..., None]:
        """Wrap a widget callback so an exception is shown in the status line, not lost."""

        def call(*args: Any) -> None:
            try:
                handler(*args)
            except Exception as exc:
                self._show_exception(exc)

        return call


def _close_tree(widget: widgets.Widget) -> None:
    """Close a widget and everything inside it (Widget.close does not recurse)."""
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    widget.close()


def clipping_explorer(**overrides: Any) -> Explorer:
    """An explorer for clipping alone: max-norm and learning rate against the gradient norms.

    A vanilla RNN on SGD with momentum, windows of 50, lr 1.0: about five times the smallest
    rate at which it diverges unclipped (0.2, for some seeds), so it diverges on every CPU.
    """
    rnn = dict(cell="rnn", optimizer="sgd", lr=1.0, clip_norm=None, seq_length=50, max_epochs=10)
    settings = {**rnn, **overrides}
    return Explorer(
        controls=("clip_norm", "lr"),
        plots=("grad_norms", "losses"),
        title="Gradient clipping explorer",
        **settings,
    )
