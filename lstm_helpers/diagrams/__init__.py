"""Diagrams drawn by code (matplotlib only, no network, no Graphviz), each with its alt text.

Every `draw_*` function returns a `Diagram`: the figure, its axes and a one-sentence
description, which the notebook's `*Figure:*` line repeats and the static site uses as alt
text. Colours follow the series' colour-blind-safe palette, and every element is labelled.

    cell.py      draw_lstm_cell (gates, candidate, the cell-state belt, h), cell_values
    networks.py  draw_unrolled_lstm, draw_rnn_patterns, draw_bidirectional_readouts
    windows.py   draw_windowing: overlapping windows and the split by target time
    live.py      draw_cell_step and CellStepExplorer: the cell with a trained model's values,
                 behind a slider over the steps (ipywidgets imported only when built)
    _canvas.py   the Diagram type and the boxes, nodes and arrows they are drawn with
"""

from lstm_helpers.diagrams._canvas import Diagram
from lstm_helpers.diagrams.cell import cell_values, draw_lstm_cell
from lstm_helpers.diagrams.live import CellStepExplorer, draw_cell_step
from lstm_helpers.diagrams.networks import (
    draw_bidirectional_readouts,
    draw_rnn_patterns,
    draw_unrolled_lstm,
)
from lstm_helpers.diagrams.windows import draw_windowing, split_spans

__all__ = [
    "CellStepExplorer",
    "Diagram",
    "cell_values",
    "draw_bidirectional_readouts",
    "draw_cell_step",
    "draw_lstm_cell",
    "draw_rnn_patterns",
    "draw_unrolled_lstm",
    "draw_windowing",
    "split_spans",
]
