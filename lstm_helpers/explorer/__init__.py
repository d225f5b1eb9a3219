"""The hyperparameter explorers of notebook 06, one module per job, and notebook 08's text sampler:

    runner.py      run_experiment, RunResult, evaluate_test: settings in, a trained model and
                   its validation (and, once, test) scores out; no widgets
    worker.py      the worker process that runs background jobs, away from the kernel's RNG
    background.py  the newest request wins: a kernel thread relays jobs and their progress
    controls.py    the sliders and boxes, their labels, and checks of their values
    drawing.py     PNG figures, the metrics line, the run table and the status line
    widget.py      Explorer and clipping_explorer: the layout, the buttons and their events
    sampler.py     TextSampler: temperature, top-k, prompt and length sliders over a language model

    from lstm_helpers.explorer import Explorer, clipping_explorer
    from lstm_helpers.explorer import TextSampler

Importing `lstm_helpers.explorer.runner` (or `worker`) does not import ipywidgets; `Explorer`
and `clipping_explorer` are loaded from `widget.py`, `TextSampler` from `sampler.py`, when
first asked for.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "Explorer",
    "RunResult",
    "TextSampler",
    "clipping_explorer",
    "evaluate_test",
    "run_experiment",
]


def __getattr__(name: str) -> Any:
    """Load the widget half only when it is asked for (it imports ipywidgets)."""
    if name in ("Explorer", "clipping_explorer"):
        from lstm_helpers.explorer import widget

        return getattr(widget, name)
    if name == "TextSampler":
        from lstm_helpers.explorer import sampler

        return sampler.TextSampler
    if name in ("RunResult", "run_experiment", "evaluate_test"):
        from lstm_helpers.explorer import runner

        return getattr(runner, name)
    raise AttributeError(f"module 'lstm_helpers.explorer' has no attribute {name!r}")
