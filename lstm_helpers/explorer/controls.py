"""The explorer's controls: one widget per setting, their labels, and checks of their values.

`make_controls(defaults, max_window)` builds a slider, dropdown or box per setting of
`runner.DEFAULTS`; `check_value(controls, name, value)` refuses, with a ValueError that names
the allowed range, a value the control cannot show (so `Explorer.set` fails before anything
moves). Settings that span decades (learning rate, clipping, target) move over the values
1, 2, 3, 5 of each decade (`log_values`), so a learner reaches 0.3 or 0.03 exactly, as the
notebook and the teaching notes use them. `OptionalLogSlider` adds an on/off box, for
settings that can be off (`None`): clipping and the validation target.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import traitlets

from lstm_helpers import config as _config
from lstm_helpers.explorer.runner import CELL_LABELS

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
TOOLTIPS = {
    "optimizer": "Adam adapts each weight's step to its recent gradients; SGD with momentum 0.9 "
    "takes the same learning rate for every weight and needs a larger one",
    "seed": "the noise, the initial weights and the order of the training batches",
}
# The settings shown: two columns of (heading, names) groups.
COLUMNS = (
    (
        ("Model", ("cell", "hidden_size", "num_layers", "dropout")),
        ("Data", ("seq_length", "noise_std", "seed")),
    ),
    (("Training", ("optimizer", "lr", "clip_norm", "max_epochs", "target_loss", "batch_size")),),
)
CONTROL_WIDTH, LABEL_WIDTH = 370, 120  # px
BATCH_SIZES = [8, 16, 32, 64, 128, 256]
MANTISSAS = (1, 2, 3, 5)  # the values of each decade a log-scale slider stops at


def log_values(low: int, high: int) -> list[float]:
    """1, 2, 3 and 5 times each power of ten from 10**low, up to 10**high itself.

    Written as decimal literals, so 0.3 is 0.3 (not 3 * 0.1 = 0.30000000000000004).
    Shape: none.
    """
    if low >= high:
        raise ValueError(f"low must be below high (exponents of 10), got {low} and {high}.")
    values = [float(f"{m}e{e}") for e in range(low, high) for m in MANTISSAS]
    return [*values, float(f"1e{high}")]


def log_options(low: int, high: int, fmt: str = "g") -> list[tuple[str, float]]:
    """(label, value) pairs of `log_values(low, high)` for a SelectionSlider.

    Shape: none.
    """
    return [(format(v, fmt), v) for v in log_values(low, high)]


class OptionalLogSlider(widgets.HBox):
    """A log-scale slider with an on/off checkbox: `value` is a float, or None while off.

    The slider stops at 1, 2, 3 and 5 times each power of ten from 10**min to 10**max.
    """

    value = traitlets.Float(None, allow_none=True)

    def __init__(
        self,
        value: float | None,
        *,
        description: str,
        min: int,  # exponents of 10
        max: int,
        on_value: float = 1.0,
        label_format: str = "g",
    ) -> None:
        self.toggle = widgets.Checkbox(
            value=value is not None,
            description=description,
            indent=False,
            layout=widgets.Layout(width=f"{LABEL_WIDTH + 4}px"),
        )
        self.slider = widgets.SelectionSlider(
            options=log_options(min, max, label_format),
            value=on_value if value is None else value,
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
    def values(self) -> list[float]:
        """Every value the slider can show, smallest first."""
        return [v for _, v in self.slider.options]

    @property
    def bounds(self) -> tuple[float, float]:
        """The smallest and largest value the slider can show."""
        return self.values[0], self.values[-1]

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


def make_controls(defaults: dict[str, Any], max_window: int) -> dict[str, widgets.Widget]:
    """One control per setting, set to `defaults`; windows from 1 up to `max_window` steps."""
    d, style = defaults, {"description_width": f"{LABEL_WIDTH}px"}
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
            tooltip=TOOLTIPS["optimizer"],
            style=style,
            layout=wide,
        ),
        "lr": slider(widgets.SelectionSlider, "lr", options=log_options(-4, 0)),
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
            label_format=".0e",
        ),
        "batch_size": slider(widgets.SelectionSlider, "batch_size", options=BATCH_SIZES),
        # From 1 (a single value cannot tell rising from falling); long windows need a long
        # enough series to leave windows for all three parts.
        "seq_length": slider(widgets.IntSlider, "seq_length", min=1, max=max_window),
        "noise_std": slider(
            widgets.FloatSlider, "noise_std", min=0.0, max=0.5, step=0.01, readout_format=".2f"
        ),
        "seed": widgets.BoundedIntText(
            value=d["seed"],
            min=0,
            max=10**6,
            description=LABELS["seed"],
            tooltip=TOOLTIPS["seed"],
            style=style,
            layout=widgets.Layout(width="220px"),
        ),
    }


def check_value(controls: dict[str, widgets.Widget], name: str, value: Any) -> None:
    """Raise ValueError unless control `name` exists and can show `value`."""
    if name not in controls:
        raise ValueError(f"unknown setting {name!r}; the settings are {list(controls)}.")
    w = controls[name]
    label = LABELS[name]
    if isinstance(w, OptionalLogSlider):
        if value is None:
            return
        w = w.slider  # one of its values, as below
    if isinstance(w, (widgets.Dropdown, widgets.SelectionSlider)):
        allowed = [v for _, v in w.options] if isinstance(w.options[0], tuple) else list(w.options)
        if isinstance(value, bool) or value not in allowed:
            off = " or None (off)" if w is not controls[name] else ""
            shown = ", ".join(format(v, "g") if isinstance(v, float) else repr(v) for v in allowed)
            raise ValueError(f"{name} ({label}) must be one of {shown}{off}, got {value!r}.")
        return
    low, high = w.min, w.max
    integral = isinstance(w, (widgets.IntSlider, widgets.BoundedIntText))
    ok_type = isinstance(value, int) if integral else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok_type or not low <= value <= high:
        kind = "an integer" if integral else "a number"
        raise ValueError(
            f"{name} ({label}) must be {kind} from {low:g} to {high:g}, got {value!r}."
        )
