"""Slider explorers: a thin ipywidgets UI over the runner (`explorer/runner.py`).

The work is done by one plain function, `run_experiment(data_config, model_config,
train_config)`; `Explorer` only turns control values into those frozen configs (with
`dataclasses.replace`), calls it, and draws the result into `widgets.Image`s (PNG bytes of
a `matplotlib.figure.Figure`, so nothing depends on pyplot state and tests can compare the
bytes). Use it from code as well as with the mouse:

    explorer = Explorer()
    explorer.set(hidden_size=8, lr=3e-3)
    result = explorer.run()          # trains now, returns a RunResult (metrics, history, model)
    explorer                         # the controls, in JupyterLab

Inside a Jupyter kernel, clicks and slider releases train on a background thread, so the
kernel stays free to receive the next event: newer settings cancel the run in progress at
the end of its current epoch, and only the latest settings are trained (no queue of runs).
Errors are caught and shown in the explorer's status line instead of being lost.
"""

from __future__ import annotations

import html
import io
import math
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import ipywidgets as widgets
import numpy as np
import traitlets
from matplotlib.figure import Figure

from lstm_helpers import config as _config
from lstm_helpers.config import DataConfig, ModelConfig, TrainConfig
from lstm_helpers.explorer.runner import (
    CELL_LABELS,
    DEFAULTS,
    SETTING_FIELDS,
    RunResult,
    run_experiment,
)
from lstm_helpers.plots import plot_grad_norms, plot_losses, plot_predictions
from lstm_helpers.training import History, _in_kernel

LABELS = {
    "cell": "model",
    "hidden_size": "hidden size",
    "num_layers": "layers",
    "dropout": "dropout",
    "optimizer": "optimizer",
    "lr": "learning rate",
    "clip_norm": "clip max-norm",
    "seq_length": "window length",
    "max_epochs": "max epochs",
    "target_loss": "stop at val MSE",
    "batch_size": "batch size",
    "noise_std": "noise std",
    "seed": "seed",
}

SHORT_LABELS = {  # column headings of the run table
    "cell": "model",
    "hidden_size": "H",
    "num_layers": "layers",
    "dropout": "dropout",
    "optimizer": "optimizer",
    "lr": "lr",
    "clip_norm": "clip",
    "max_epochs": "max epochs",
    "target_loss": "target",
    "batch_size": "batch",
    "seq_length": "window",
    "noise_std": "noise",
    "seed": "seed",
}

COLUMNS = (
    (
        ("Model", ("cell", "hidden_size", "num_layers", "dropout")),
        ("Data", ("seq_length", "noise_std", "seed")),
    ),
    (("Training", ("optimizer", "lr", "clip_norm", "max_epochs", "target_loss", "batch_size")),),
)
CONTROL_WIDTH, LABEL_WIDTH = 370, 120  # px
PLOTS = ("losses", "predictions", "grad_norms")
LIVE_REDRAW_SECONDS = 0.5  # during long runs, redraw the loss curves at most this often


class OptionalLogSlider(widgets.HBox):
    """A log-scale slider with an on/off checkbox: `value` is a float, or None while off."""

    value = traitlets.Float(None, allow_none=True)

    def __init__(
        self,
        value: float | None,
        *,
        description: str,
        min: float,  # exponents of 10, as FloatLogSlider takes them
        max: float,
        on_value: float = 1.0,
        step: float = 0.25,
        readout_format: str = ".2g",
    ) -> None:
        self.toggle = widgets.Checkbox(
            value=value is not None,
            description=description,
            indent=False,
            layout=widgets.Layout(width=f"{LABEL_WIDTH + 4}px"),
        )
        self.slider = widgets.FloatLogSlider(
            value=on_value if value is None else value,
            base=10,
            min=min,
            max=max,
            step=step,
            readout_format=readout_format,
            continuous_update=False,
            disabled=value is None,
            layout=widgets.Layout(width=f"{CONTROL_WIDTH - LABEL_WIDTH - 4}px"),
        )
        super().__init__([self.toggle, self.slider])
        self._syncing = False
        self.value = value
        self.toggle.observe(self._from_parts, "value")
        self.slider.observe(self._from_parts, "value")
        self.observe(self._to_parts, "value")

    @property
    def bounds(self) -> tuple[float, float]:
        return 10.0**self.slider.min, 10.0**self.slider.max

    def _from_parts(self, _change: dict) -> None:
        self.slider.disabled = not self.toggle.value
        if not self._syncing:
            self.value = self.slider.value if self.toggle.value else None

    def _to_parts(self, change: dict) -> None:
        self._syncing = True  # one change event for `value`, not one per part
        try:
            self.toggle.value = change["new"] is not None
            if change["new"] is not None:
                self.slider.value = change["new"]
        finally:
            self._syncing = False


class Explorer:
    """Sliders for the model, training and data settings; a Train button; plots and a run table.

    `controls` picks the settings shown (all by default; the others keep their values),
    `plots` the figures ("losses", "predictions", "grad_norms"), and keyword arguments
    override `DEFAULTS`. `background=None` trains clicks and slider releases on a background
    thread inside a Jupyter kernel and in the caller's thread elsewhere (tests, scripts);
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
        if set(shown) - set(DEFAULTS) or set(plots) - set(PLOTS) or not plots:
            raise ValueError(
                f"controls must be names from {list(DEFAULTS)} and plots (at least one) from "
                f"{list(PLOTS)}, got controls={shown}, plots={list(plots)}."
            )
        self.defaults = {**DEFAULTS, **defaults}
        # Validation and test parts for the loss curves and the metrics, in time order.
        self.data_config = data_config or DataConfig(train_frac=0.7, val_frac=0.15)
        self.model_config = model_config or ModelConfig()
        self.train_config = train_config or TrainConfig()
        self.background = _in_kernel() if background is None else background
        self.runs: list[RunResult] = []
        self.shown = shown

        self._generation = 0  # bumped by every request; a run whose number is stale stops
        self._pending: tuple[dict[str, Any], int] | None = None
        self._busy = False
        self._closed = False
        self._quiet = False  # True while set()/reset() change several controls at once
        self._cond = threading.Condition()
        self._worker: threading.Thread | None = None

        self.controls = self._make_controls()
        for name in self.defaults:
            self._check_value(name, self.defaults[name])
        self._apply(self.defaults)
        self.train_button = widgets.Button(
            description="Train", button_style="primary", icon="play", tooltip="train now"
        )
        self.reset_button = widgets.Button(description="Reset", icon="undo")
        self.auto_train = widgets.Checkbox(
            value=auto_train, description="train when a control is released", indent=False
        )
        self.progress = widgets.IntProgress(
            value=0, min=0, max=self.defaults["max_epochs"], description="epochs"
        )
        self.status = widgets.HTML(value="Ready: press Train or release a slider.")
        self.metrics = widgets.HTML(value="No run yet.")
        self.table = widgets.HTML(value="")
        self.plots = tuple(plots)
        # Fixed margins, not a layout engine: that would double the time of every redraw.
        self.figures = {name: Figure(figsize=(5.2, 2.9), dpi=90) for name in plots}
        for fig in self.figures.values():
            fig.subplots_adjust(left=0.15, right=0.97, bottom=0.18, top=0.9)
        self.images = {
            # Side by side, scaled down in a narrow notebook.
            name: widgets.Image(format="png", layout=widgets.Layout(width="49%", max_width="470px"))
            for name in plots
        }
        self.train_button.on_click(self._guarded(lambda _b: self.request()))
        self.reset_button.on_click(self._guarded(lambda _b: self.reset()))
        for control in self.controls.values():
            control.observe(self._guarded(self._on_change), "value")
        self.widget = self._layout(title)

    # ------------------------------------------------------------------ building the UI
    def _make_controls(self) -> dict[str, widgets.Widget]:
        d, style = self.defaults, {"description_width": f"{LABEL_WIDTH}px"}
        wide = widgets.Layout(width=f"{CONTROL_WIDTH}px")

        def slider(cls: type, name: str, **kw: Any) -> widgets.Widget:
            return cls(
                value=d[name],
                description=LABELS[name],
                continuous_update=False,
                style=style,
                layout=wide,
                **kw,
            )

        cells = _config.CELLS  # read now: a from-scratch cell added later shows up here
        return {
            "cell": widgets.Dropdown(
                options=[(CELL_LABELS.get(c, c), c) for c in cells],
                value=d["cell"],
                description=LABELS["cell"],
                style=style,
                layout=wide,
            ),
            "hidden_size": slider(widgets.IntSlider, "hidden_size", min=1, max=128),
            "num_layers": slider(widgets.IntSlider, "num_layers", min=1, max=4),
            # PyTorch applies dropout only between stacked layers: disabled at one layer.
            "dropout": slider(
                widgets.FloatSlider, "dropout", min=0.0, max=0.5, step=0.05, readout_format=".2f"
            ),
            "optimizer": widgets.Dropdown(
                options=[("Adam", "adam"), ("SGD, momentum 0.9", "sgd")],
                value=d["optimizer"],
                description=LABELS["optimizer"],
                style=style,
                layout=wide,
            ),
            "lr": slider(
                widgets.FloatLogSlider, "lr", base=10, min=-4, max=0, step=0.1, readout_format=".2g"
            ),
            "clip_norm": OptionalLogSlider(
                d["clip_norm"], description=LABELS["clip_norm"], min=-2, max=2
            ),
            "max_epochs": slider(widgets.IntSlider, "max_epochs", min=1, max=100),
            "target_loss": OptionalLogSlider(
                d["target_loss"],
                description=LABELS["target_loss"],
                min=-6,
                max=-2,
                on_value=1e-4,
                readout_format=".0e",
            ),
            "batch_size": slider(
                widgets.SelectionSlider, "batch_size", options=[8, 16, 32, 64, 128, 256]
            ),
            # Long windows need a long enough series to leave windows for all three parts.
            "seq_length": slider(
                widgets.IntSlider,
                "seq_length",
                min=2,
                max=min(100, self.data_config.num_points // 4),
            ),
            "noise_std": slider(
                widgets.FloatSlider, "noise_std", min=0.0, max=0.5, step=0.01, readout_format=".2f"
            ),
            "seed": widgets.BoundedIntText(
                value=d["seed"],
                min=0,
                max=10**6,
                description=LABELS["seed"],
                style=style,
                layout=widgets.Layout(width="220px"),
            ),
        }

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
        buttons = widgets.HBox(
            [self.train_button, self.reset_button, self.auto_train, self.progress]
        )
        self.metrics.add_class("lstm-explorer-metrics")
        self.status.add_class("lstm-explorer-status")
        self.table.add_class("lstm-explorer-runs")
        box = widgets.VBox(
            [
                widgets.HTML(f"<h3 style='margin:4px 0'>{html.escape(title)}</h3>"),
                widgets.HBox(columns, layout=widgets.Layout(flex_flow="row wrap")),
                buttons,
                self.status,
                self.metrics,
                widgets.HBox(
                    list(self.images.values()), layout=widgets.Layout(flex_flow="row wrap")
                ),
                self.table,
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
        """The frozen configs these settings describe (each checks its own values)."""
        s = self.settings if settings is None else settings
        changes: dict[str, dict[str, Any]] = {"data": {}, "model": {}, "train": {}}
        for name, (kind, config_field) in SETTING_FIELDS.items():
            changes[kind][config_field] = s[name]
        if s["num_layers"] == 1:
            changes["model"]["dropout"] = 0.0  # PyTorch ignores it with one layer: record that
        return (
            replace(self.data_config, **changes["data"]),
            replace(self.model_config, **changes["model"]),
            replace(self.train_config, **changes["train"]),
        )

    def set(self, **settings: Any) -> Explorer:
        """Change settings from code (without training): `explorer.set(hidden_size=32, lr=3e-3)`.

        Values outside a control's range raise ValueError instead of being clamped.
        """
        for name, value in settings.items():
            self._check_value(name, value)
        self._apply(settings)
        return self

    def _apply(self, settings: dict[str, Any]) -> None:
        with self._quietly():
            for name, value in settings.items():
                self.controls[name].value = value
        self._update_enabled()

    def _check_value(self, name: str, value: Any) -> None:
        if name not in self.controls:
            raise ValueError(f"unknown setting {name!r}; the settings are {list(self.controls)}.")
        w = self.controls[name]
        label = LABELS[name]
        if isinstance(w, (widgets.Dropdown, widgets.SelectionSlider)):
            allowed = (
                [v for _, v in w.options] if isinstance(w.options[0], tuple) else list(w.options)
            )
            if value not in allowed:
                raise ValueError(f"{name} ({label}) must be one of {allowed}, got {value!r}.")
            return
        if isinstance(w, OptionalLogSlider):
            if value is None:
                return
            low, high = w.bounds
        elif isinstance(w, widgets.FloatLogSlider):
            low, high = w.base**w.min, w.base**w.max
        else:
            low, high = w.min, w.max
        integral = isinstance(w, (widgets.IntSlider, widgets.BoundedIntText))
        ok_type = isinstance(value, int) if integral else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok_type or not low <= value <= high:
            kind = "an integer" if integral else "a number"
            off = " or None (off)" if isinstance(w, OptionalLogSlider) else ""
            raise ValueError(
                f"{name} ({label}) must be {kind} from {low:g} to {high:g}{off}, got {value!r}."
            )

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
        self.table.value = ""
        self.metrics.value = "No run yet."
        self._set_status("Reset to the default settings.", "")
        if self.auto_train.value:
            self.request()

    # ------------------------------------------------------------------ running
    def run(self, **settings: Any) -> RunResult:
        """Train now with the current settings (after `set(**settings)`) and return the result.

        Cancels a background run in progress. Errors are shown in the status line and raised.
        """
        if settings:
            self.set(**settings)
        self.cancel()
        self.wait()
        result = self._execute(self.settings, generation=None)
        assert result is not None  # a run that cannot be cancelled always finishes
        return result

    def request(self) -> None:
        """Train with the current settings: the Train button and auto-training call this.

        In background mode the newest request replaces any waiting one and stops the
        running one at the end of its epoch, so the latest settings win.
        """
        settings = self.settings
        with self._cond:
            self._generation += 1
            generation = self._generation
            if self.background:
                self._pending = (settings, generation)
                self._cond.notify_all()
        if not self.background:
            self._execute(settings, generation, raise_errors=False)
        elif self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(
                target=self._work, name="explorer-training", daemon=True
            )
            self._worker.start()

    def cancel(self) -> None:
        """Stop the background run in progress (at the end of its epoch) and drop any waiting one."""
        with self._cond:
            self._generation += 1
            self._pending = None
            self._cond.notify_all()

    def wait(self, timeout: float | None = None) -> RunResult | None:
        """Block until no background run is waiting or in progress; return the latest result."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._pending is None and not self._busy, timeout):
                raise TimeoutError(f"the explorer was still training after {timeout} s")
        return self.runs[-1] if self.runs else None

    def close(self) -> None:
        """Stop the background thread and close the widgets."""
        with self._cond:
            self._closed = True
            self._generation += 1
            self._pending = None
            self._cond.notify_all()
        if self._worker is not None:
            self._worker.join(timeout=30)
        _close_tree(self.widget)

    def _work(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._closed)
                if self._closed:
                    return
                settings, generation = self._pending
                self._pending = None
                self._busy = True
            try:
                self._execute(settings, generation, raise_errors=False)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _stale(self, generation: int | None) -> bool:
        return generation is not None and generation != self._generation

    def _execute(
        self, settings: dict[str, Any], generation: int | None, raise_errors: bool = True
    ) -> RunResult | None:
        """Train, then show the result; None if newer settings superseded the run."""
        try:
            return self._train(settings, generation)
        except Exception as exc:
            self._show_error(exc)
            if raise_errors:
                raise
            return None

    def _train(self, settings: dict[str, Any], generation: int | None) -> RunResult | None:
        number = len(self.runs) + 1
        data_config, model_config, train_config = self.configs(settings)
        self.progress.max = train_config.max_epochs
        self.progress.value = 0
        self.progress.bar_style = "info"
        self._set_status(f"Training run {number}…", "")
        last_draw = time.perf_counter()

        def on_epoch(history: History) -> bool:
            nonlocal last_draw
            if self._stale(generation):
                return True  # newer settings arrived: stop, they will be trained next
            self.progress.value = history.epochs
            if "losses" in self.plots and time.perf_counter() - last_draw > LIVE_REDRAW_SECONDS:
                self._draw("losses", history=history, title=f"Run {number}: loss (training…)")
                last_draw = time.perf_counter()
            return False

        result = run_experiment(
            data_config,
            model_config,
            train_config,
            optimizer=settings["optimizer"],
            callback=on_epoch,
        )
        if self._stale(generation):
            return None
        result.number = number
        self.runs.append(result)
        self._show(result)
        return result

    # ------------------------------------------------------------------ showing results
    def _show(self, result: RunResult) -> None:
        h, m, n = result.history, result.metrics, result.number
        for name in self.plots:
            self._draw(name, result=result, history=h, title=None)
        self.progress.value = h.epochs
        self.progress.bar_style = "danger" if result.failed else "success"
        s = result.settings
        model = (
            f"{CELL_LABELS.get(s['cell'], s['cell'])}, H={s['hidden_size']}, "
            f"{s['num_layers']} layer{'s' if s['num_layers'] > 1 else ''}"
        )
        extra = ""
        if "grad_norms" in self.plots and h.step_grad_norm:
            extra = f" · {_clipped_fraction(result):.0%} of steps clipped"
        self.metrics.value = (
            f"<b>Run {n}</b> · {model} · test MSE {m.mse:.3g} · RMSE {m.rmse:.3g} · "
            f"MAE {m.mae:.3g} · {h.epochs} epochs in {result.seconds:.2f} s{extra}"
        )
        if result.failed:
            self._set_status(html.escape(result.problem), "warning")
        else:
            self._set_status(f"Run {n} done ({html.escape(h.stop_reason)}).", "success")
        self.table.value = self._table_html()

    def _draw(
        self,
        name: str,
        *,
        history: History,
        result: RunResult | None = None,
        title: str | None = None,
    ) -> None:
        """Redraw one figure in place and put its PNG bytes into its Image widget."""
        fig = self.figures[name]
        if not fig.axes:
            fig.add_subplot()
        ax = fig.axes[0]
        ax.clear()  # keeps the figure's fixed margins (fig.clear() would reset them)
        n = f"Run {result.number}: " if result is not None else ""
        if name == "losses":
            plot_losses(history, ax=ax, title=title or f"{n}loss per epoch")
            if not history.train_loss:
                ax.text(0.5, 0.5, "diverged in epoch 1", ha="center", transform=ax.transAxes)
        elif name == "predictions" and result is not None:
            plot_predictions(
                result.y_true, result.y_pred, ax=ax, title=f"{n}one-step forecast, test windows"
            )
        elif name == "grad_norms" and result is not None:
            clip = result.train_config.clip_norm
            plot_grad_norms(history, max_norm=clip, ax=ax, title=f"{n}gradient norm per step")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        self.images[name].value = buffer.getvalue()

    def _table_html(self, last: int = 12) -> str:
        """The past runs, newest first, with the settings that differ between them.

        The best test MSE is in bold.
        """
        runs = self.runs[-last:]
        settings = [r.settings for r in runs]
        cols = [c for c in DEFAULTS if len({repr(s[c]) for s in settings}) > 1]
        cols = cols or ["cell", "hidden_size"]
        head = "".join(f"<th>{SHORT_LABELS[c]}</th>" for c in cols)
        best = min((r.metrics.mse for r in runs if math.isfinite(r.metrics.mse)), default=None)
        rows = []
        for r, s in zip(reversed(runs), reversed(settings), strict=True):
            cells = "".join(f"<td>{_format_setting(c, s[c])}</td>" for c in cols)
            mse = f"{r.metrics.mse:.3g}"
            if r.metrics.mse == best:
                mse = f"<b>{mse}</b>"
            rows.append(
                f"<tr><td>{r.number}</td>{cells}<td>{r.history.epochs}</td><td>{mse}</td>"
                f"<td>{r.seconds:.2f}</td><td>{_outcome(r)}</td></tr>"
            )
        return (
            "<details open><summary><b>Past runs</b> (newest first; the settings that differ)"
            "</summary><table style='border-collapse:collapse;line-height:1.3;"
            "white-space:nowrap;font-size:90%' cellpadding='4'>"
            f"<tr><th>run</th>{head}<th>epochs</th><th>test MSE</th><th>s</th><th>ended</th></tr>"
            f"{''.join(rows)}</table></details>"
        )

    def _set_status(self, message: str, level: str) -> None:
        colors = {"": "inherit", "success": "#1a7f37", "warning": "#b35900", "error": "#c62828"}
        self.status.value = f"<span style='color:{colors[level]}'>{message}</span>"

    def _show_error(self, exc: BaseException) -> None:
        """Put an exception into the status line, with its traceback one click away."""
        self.progress.bar_style = "danger"
        tb = html.escape("".join(traceback.format_exception(exc)))
        self.status.value = (
            f"<span style='color:#c62828'><b>Error:</b> "
            f"{html.escape(type(exc).__name__)}: {html.escape(str(exc))}</span>"
            f"<details><summary>traceback</summary><pre>{tb}</pre></details>"
        )

    def _guarded(self, handler: Callable[..., None]) -> Callable[..., None]:
        """Wrap a widget callback so an exception is shown in the status line, not lost."""

        def call(*args: Any) -> None:
            try:
                handler(*args)
            except Exception as exc:
                self._show_error(exc)

        return call


def _close_tree(widget: widgets.Widget) -> None:
    """Close a widget and everything inside it (Widget.close does not recurse)."""
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    widget.close()


def _format_setting(name: str, value: Any) -> str:
    if value is None:
        return "off"
    if name == "cell":
        return CELL_LABELS.get(value, value)
    if isinstance(value, float):
        return f"{value:.2g}"
    return html.escape(str(value))


def _outcome(result: RunResult) -> str:
    """How a run ended, in a word or two."""
    reason = result.history.stop_reason
    if result.failed:
        return "diverged" if result.diverged else "did not learn"
    if reason.startswith("reached target"):
        return "reached target"
    if reason.startswith("max_epochs"):
        return "max epochs"
    return html.escape(reason)


def _clipped_fraction(result: RunResult) -> float:
    clip = result.train_config.clip_norm
    norms = np.asarray(result.history.step_grad_norm)
    return float((norms > clip).mean()) if clip is not None and norms.size else 0.0


def clipping_explorer(**overrides: Any) -> Explorer:
    """A small explorer for gradient clipping alone: max-norm and learning rate against the
    gradient-norm trace. Its defaults (a vanilla RNN on SGD with momentum, long windows)
    explode without clipping, so the slider's effect is plain to see.

    The learning rate, 1.0, is about five times the smallest at which this run diverges
    without clipping (0.2, for some seeds), so it diverges on every CPU and seed tried.
    """
    settings = {
        "cell": "rnn",
        "optimizer": "sgd",
        "lr": 1.0,
        "clip_norm": None,
        "seq_length": 50,
        "max_epochs": 10,
        **overrides,
    }
    return Explorer(
        controls=("clip_norm", "lr"),
        plots=("grad_norms", "losses"),
        title="Gradient clipping explorer",
        **settings,
    )
