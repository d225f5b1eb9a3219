"""The hyperparameter explorers of notebook 06, in three parts, and notebook 08's text sampler:

    runner.py   run_experiment and RunResult: settings in, a trained model out (no widgets)
    widget.py   Explorer and clipping_explorer: the sliders, buttons, plots and run table
    sampler.py  TextSampler: temperature, top-k, prompt and length sliders over a language model

    from lstm_helpers.explorer import Explorer, clipping_explorer
    from lstm_helpers.explorer import TextSampler

Importing `lstm_helpers.explorer.runner` does not import ipywidgets; `Explorer` and
`clipping_explorer` are loaded from `widget.py`, `TextSampler` from `sampler.py`, when first
asked for.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Explorer", "RunResult", "TextSampler", "clipping_explorer", "run_experiment"]


def __getattr__(name: str) -> Any:
    """Load the widget half only when it is asked for (it imports ipywidgets)."""
    if name in ("Explorer", "clipping_explorer"):
        from lstm_helpers.explorer import widget

        return getattr(widget, name)
    if name == "TextSampler":
        from lstm_helpers.explorer import sampler

        return sampler.TextSampler
    if name in ("RunResult", "run_experiment"):
        from lstm_helpers.explorer import runner

        return getattr(runner, name)
    raise AttributeError(f"module 'lstm_helpers.explorer' has no attribute {name!r}")
