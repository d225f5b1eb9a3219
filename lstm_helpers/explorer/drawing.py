"""What the explorer shows: PNG figures of a run, its metrics line, the run table, the status.

Every function here turns a `RunResult` (or a `History` during training) into PNG bytes or an
HTML string; the explorer puts them into its widgets. Figures are `matplotlib.figure.Figure`s,
not pyplot, so nothing depends on pyplot's state; they are redrawn in place with fixed margins
(a layout engine would double the time of every redraw). Legends sit to the right of the
axes, off the data; lines differ by style and marker as well as colour.
"""

from __future__ import annotations

import html
import io
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lstm_helpers.explorer.runner import CELL_LABELS, DEFAULTS, SAME_DATA, RunResult, best_run
from lstm_helpers.plots import plot_grad_norms, plot_losses, plot_predictions
from lstm_helpers.training import History

PLOTS = ("losses", "predictions", "grad_norms")
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
COLORS = {"": "inherit", "success": "#1a7f37", "warning": "#b35900", "error": "#c62828"}
# Okabe and Ito's palette, safe for the common colour-vision deficiencies; each run also
# gets its own marker, so the curves are told apart without colour too.
RUN_STYLES = (("#0072B2", "o"), ("#E69F00", "s"), ("#009E73", "^"), ("#CC79A7", "D"))


def new_figure() -> Figure:
    """An empty figure for one plot, with room on the right for the legend."""
    fig = Figure(figsize=(5.6, 2.9), dpi=90)
    fig.subplots_adjust(left=0.14, right=0.72, bottom=0.18, top=0.89)
    return fig


def draw(
    fig: Figure,
    name: str,
    *,
    history: History,
    result: RunResult | None = None,
    title: str | None = None,
) -> bytes:
    """Redraw plot `name` ("losses", "predictions" or "grad_norms") into `fig`; return PNG bytes.

    Shape: result.y_true and result.y_pred (M, 1), one row per validation window.
    """
    if name not in PLOTS:
        raise ValueError(f"plot must be one of {PLOTS}, got {name!r}.")
    if not fig.axes:
        fig.add_subplot()
    ax = fig.axes[0]
    ax.clear()  # keeps the figure's fixed margins (fig.clear() would reset them)
    n = f"Run {result.number}: " if result is not None else ""
    if name == "losses":
        # The explorer scores the last epoch, not the best one: the marker's label says so.
        kept = f"lowest validation\n(epoch {history.best_epoch});\nthe run keeps\nits last epoch"
        plot_losses(history, ax=ax, title=title or f"{n}loss per epoch", best_label=kept)
        if not history.train_loss:
            ax.text(0.5, 0.5, "diverged in epoch 1", ha="center", transform=ax.transAxes)
    elif name == "predictions" and result is not None:
        plot_predictions(
            result.y_true, result.y_pred, ax=ax, title=f"{n}one-step forecast, validation"
        )
        ax.set_xlabel("validation window")
    elif name == "grad_norms" and result is not None:
        clip = result.train_config.clip_norm
        plot_grad_norms(history, max_norm=clip, ax=ax, title=f"{n}gradient norm per step")
        for line in ax.get_lines():  # the long label, on two lines beside the plot
            line.set_label(line.get_label().replace(" (", "\n("))
    if ax.get_lines():
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small", frameon=False)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def plot_loss_curves(
    histories: dict[str, History],
    ax: Axes | None = None,
    title: str = "Training (solid) and validation (dashed) loss per epoch",
) -> Axes:
    """Several runs' training (solid) and validation (dashed) MSE per epoch, log scale.

    Each run has its own colour and marker; the legend sits to the right of the axes.
    Shape: each History's train_loss and val_loss (epochs,).
    """
    if not histories or len(histories) > len(RUN_STYLES):
        raise ValueError(
            f"give 1 to {len(RUN_STYLES)} runs as {{label: History}}, got {len(histories)}."
        )
    if ax is None:
        import matplotlib.pyplot as plt  # a figure the notebook shows

        _, ax = plt.subplots(figsize=(8, 3), layout="constrained")
    for (label, history), (color, marker) in zip(histories.items(), RUN_STYLES, strict=False):
        epochs = np.arange(1, history.epochs + 1)
        ax.semilogy(epochs, history.train_loss, color=color, marker=marker, ms=4, label=label)
        if history.val_loss:
            ax.semilogy(
                epochs, history.val_loss, color=color, marker=marker, ms=4, ls="--", mfc="white"
            )
    ax.set(title=title, xlabel="epoch", ylabel="MSE (log scale)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return ax


def model_text(settings: dict[str, Any]) -> str:
    """ "LSTM, H=32, 1 layer": the model of a run, for the metrics line."""
    layers = settings["num_layers"]
    return (
        f"{CELL_LABELS.get(settings['cell'], settings['cell'])}, H={settings['hidden_size']}, "
        f"{layers} layer{'s' if layers > 1 else ''}"
    )


def metrics_html(result: RunResult, *, clipping: bool = False) -> str:
    """The metrics line of a run: its validation scores, epochs and time (3 significant digits)."""
    h, m = result.history, result.val_metrics
    extra = f" · {clipped_fraction(result):.0%} of steps clipped" if clipping else ""
    return (
        f"<b>Run {result.number}</b> · {model_text(result.settings)} · validation MSE "
        f"{m.mse:.3g} · RMSE {m.rmse:.3g} · MAE {m.mae:.3g} · {h.epochs} epochs in "
        f"{result.seconds:.2f} s{extra}"
    )


def data_text(result: RunResult) -> str:
    """ "noise 0, seed 0": the settings a run shares with the runs it is compared with."""
    s = result.settings
    return ", ".join(f"{SHORT_LABELS[n]} {format_setting(n, s[n])}" for n in SAME_DATA)


def test_html(result: RunResult, runs: int) -> str:
    """The one line that shows a test score: the chosen run's, with why it is shown once."""
    assert result.test_metrics is not None
    return (
        f"<b>Test</b> · run {result.number}, the lowest validation MSE of {runs} run"
        f"{'s' if runs > 1 else ''} with {data_text(result)}: test MSE "
        f"{result.test_metrics.mse:.3g} (validation {result.val_mse:.3g}). The test set is now "
        "used: report this number and choose nothing by it (a test score that picks settings is "
        "one more validation score). Pressing again is refused until <b>Reset</b>."
    )


def refused_text(tested: RunResult) -> str:
    """Why a second look at the test set is refused (for the status line and the error)."""
    return (
        f"Refused: the test set was already used, for run {tested.number}. A second look after "
        "more runs would make it one more validation set. Reset (reset()) starts a new "
        "comparison."
    )


def table_html(runs: list[RunResult], last: int = 12) -> str:
    """The past runs, newest first, with the settings that differ; the best validation MSE bold."""
    best = best_run(runs, like=runs[-1]) if runs else None  # among runs like the newest
    runs = runs[-last:]
    settings = [r.settings for r in runs]
    cols = [c for c in DEFAULTS if len({repr(s[c]) for s in settings}) > 1]
    cols = cols or ["cell", "hidden_size"]
    head = "".join(f"<th>{SHORT_LABELS[c]}</th>" for c in cols)
    tested = any(r.test_metrics is not None for r in runs)
    rows = []
    for r, s in zip(reversed(runs), reversed(settings), strict=True):
        cells = "".join(f"<td>{format_setting(c, s[c])}</td>" for c in cols)
        mse = f"{r.val_mse:.3g}"
        if r is best:
            mse = f"<b>{mse}</b>"
        test = ""
        if tested:
            test = f"<td>{r.test_metrics.mse:.3g}</td>" if r.test_metrics else "<td></td>"
        rows.append(
            f"<tr><td>{r.number}</td>{cells}<td>{r.history.epochs}</td><td>{mse}</td>{test}"
            f"<td>{r.seconds:.2f}</td><td>{outcome(r)}</td></tr>"
        )
    test_head = "<th>test MSE</th>" if tested else ""
    return (
        "<details open><summary><b>Past runs</b> (newest first; the settings that differ; in "
        "bold the lowest validation MSE of the runs with the newest run's noise and seed)"
        "</summary><table style='border-collapse:collapse;"
        "line-height:1.3;white-space:nowrap;font-size:90%' cellpadding='4'>"
        f"<tr><th>run</th>{head}<th>epochs</th><th>val MSE</th>{test_head}<th>s</th>"
        f"<th>ended</th></tr>{''.join(rows)}</table></details>"
    )


def status_html(message: str, level: str = "") -> str:
    """A status line in the colour of its level ("", "success", "warning" or "error")."""
    return f"<span style='color:{COLORS[level]}'>{message}</span>"


def error_html(type_name: str, message: str, traceback_text: str) -> str:
    """An error for the status line, with its traceback one click away."""
    return (
        f"<span style='color:{COLORS['error']}'><b>Error:</b> "
        f"{html.escape(type_name)}: {html.escape(message)}</span>"
        f"<details><summary>traceback</summary><pre>{html.escape(traceback_text)}</pre></details>"
    )


def format_setting(name: str, value: Any) -> str:
    """A setting's value as the run table shows it."""
    if value is None:
        return "off"
    if name == "cell":
        return CELL_LABELS.get(value, value)
    if isinstance(value, float):
        return f"{value:.2g}"
    return html.escape(str(value))


def outcome(result: RunResult) -> str:
    """How a run ended, in a word or two."""
    reason = result.history.stop_reason
    if result.failed:
        return "diverged" if result.diverged else "did not learn"
    if reason.startswith("reached target"):
        return "reached target"
    if reason.startswith("max_epochs"):
        return "max epochs"
    return html.escape(reason)


def clipped_fraction(result: RunResult) -> float:
    """The share of training steps whose gradient norm was above the max-norm (0 without one)."""
    clip = result.train_config.clip_norm
    norms = np.asarray(result.history.step_grad_norm)
    return float((norms > clip).mean()) if clip is not None and norms.size else 0.0
