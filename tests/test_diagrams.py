"""The diagrams draw what they claim: their labels, the model's own values, the package's split."""

import json
import re
from itertools import pairwise
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

import lstm_helpers as lh
from lstm_helpers.diagrams import split_spans

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def all_diagrams():
    return {
        "cell": lh.draw_lstm_cell(),
        "unrolled": lh.draw_unrolled_lstm(),
        "patterns": lh.draw_rnn_patterns(),
        "bidirectional": lh.draw_bidirectional_readouts(),
        "windowing": lh.draw_windowing(),
    }


def test_every_diagram_draws_and_has_a_one_sentence_description():
    for name, diagram in all_diagrams().items():
        assert isinstance(diagram, lh.Diagram), name
        assert diagram.figure is diagram.ax.figure
        assert diagram.texts(), f"{name}: no labels drawn"
        text = diagram.description
        assert 20 <= len(text) <= 300, f"{name}: {len(text)} characters"
        assert text.endswith(".") and text.count(". ") == 0, f"{name}: one sentence, please"


@pytest.mark.parametrize(
    ("name", "symbols"),
    [
        (
            "cell",
            [
                "$f_t$",
                "$i_t$",
                "$g_t$",
                "$o_t$",
                "$x_t$",
                "$c_{t-1}$",
                "$c_t$",
                "$h_{t-1}$",
                "$h_t$",
                r"\sigma",
                r"\tanh",
                "×",
                "+",
                "tanh",
            ],
        ),
        (
            "unrolled",
            [
                "h_n[0]",
                "c_n[0]",
                "h_n[1]",
                "c_n[1]",
                "output[:, -1]",
                "batch_first",
                "$x_T$",
                "hidden=None",
            ],
        ),
        (
            "patterns",
            [
                "many-to-one",
                "many-to-many",
                "sequence-to-sequence",
                "(h, c)",
                "out[:, -1]",
                r"$\hat y$",
            ],
        ),
        (
            "bidirectional",
            ["out[:, -1]", "h_n[-2]", "h_n[-1]", "has read $x_5$ only", r"$\overleftarrow{h}_1$"],
        ),
        (
            "windowing",
            [
                "window 0",
                "window 1",
                "train targets (665 windows)",
                "validation targets (95 windows)",
                "test targets (190 windows)",
            ],
        ),
    ],
)
def test_diagram_labels_carry_the_expected_symbols(name, symbols):
    texts = "\n".join(all_diagrams()[name].texts())
    for symbol in symbols:
        assert symbol in texts, f"{name}: {symbol!r} not drawn"


def test_the_cell_diagram_draws_on_a_given_axes_and_the_layers_are_checked():
    fig = Figure()
    ax = fig.add_subplot()
    assert lh.draw_lstm_cell(ax=ax).figure is fig
    assert lh.draw_unrolled_lstm(num_layers=3).texts().count("h_n[2]\nc_n[2]") == 1
    with pytest.raises(ValueError, match="num_layers must be 1, 2 or 3"):
        lh.draw_unrolled_lstm(num_layers=4)
    with pytest.raises(ValueError, match=r"steps must be 3\.\.8"):
        lh.draw_bidirectional_readouts(steps=2)


def test_each_backward_label_sits_beside_the_state_its_readout_takes():
    diagram = lh.draw_bidirectional_readouts(steps=5)
    for ax, highlighted_x in zip(diagram.axes, (6.5, 0.5), strict=True):  # step T, then step 1
        (text,) = [t for t in ax.texts if r"\overleftarrow{h}" in t.get_text()]
        x, _ = text.get_position()
        assert abs(x - highlighted_x) < 1.0, (text.get_text(), x)  # next to that box
        assert text.get_ha() == ("left" if x > highlighted_x else "right")  # pointing away


# ---------------------------------------------------------------- windowing and the split


@settings(max_examples=40, deadline=None)
@given(
    num_points=st.integers(60, 400),
    seq_length=st.integers(1, 20),
    horizon=st.integers(1, 6),
    train_frac=st.floats(0.3, 0.7),
    val_frac=st.sampled_from([0.0, 0.1, 0.2]),
)
def test_split_spans_are_the_target_times_of_time_split(
    num_points, seq_length, horizon, train_frac, val_frac
):
    series = np.arange(num_points, dtype=np.float64)  # each value is its own time step
    X, y = lh.make_windows(series, seq_length, horizon)
    try:
        split = lh.time_split(X, y, train_frac, val_frac)
    except ValueError:  # an empty part: the picture refuses it with the same message
        with pytest.raises(ValueError, match="leaves an empty part"):
            split_spans(num_points, seq_length, horizon, train_frac, val_frac)
        return
    spans = split_spans(num_points, seq_length, horizon, train_frac, val_frac)
    parts = {"train": split.train, "validation": split.val, "test": split.test}
    previous_end = seq_length
    for part, (first, count, lo, hi) in spans.items():
        X_part, y_part = parts[part]
        assert count == len(X_part)
        assert X_part[0, 0, 0].item() == first  # the part's first window starts there
        assert y_part.min().item() == lo and y_part.max().item() == hi - 1  # its target times
        assert lo == previous_end  # contiguous and disjoint, in time order
        previous_end = hi
    assert previous_end == num_points
    assert ("validation" in spans) == (val_frac > 0)


def test_windowing_draws_the_package_split_and_its_windows():
    d = lh.draw_windowing(num_points=300, seq_length=20, horizon=3, train_frac=0.6, val_frac=0.2)
    top, bottom = d.axes
    labels = [line.get_label() for line in bottom.lines]
    spans = split_spans(300, 20, 3, 0.6, 0.2)
    for part, (_, count, lo, hi) in spans.items():
        label = f"{part} targets ({count} windows)"
        line = bottom.lines[labels.index(label)]
        np.testing.assert_array_equal(line.get_xdata(), np.arange(lo, hi))
    assert "2 windows dropped at each cut" in bottom.get_title()
    assert "predicts step i+20..i+22" in top.get_title()
    assert top.get_xlabel() == bottom.get_xlabel() == "time step"
    assert list(top.get_yticks()) == [-1, 0, 1]  # no value ticks beside the window bars
    assert "2 windows dropped" not in lh.draw_windowing().axes[1].get_title()  # horizon 1: none
    assert str(spans["train"][1]) in d.description
    with pytest.raises(ValueError, match=r"window indices in 0\.\.949"):
        lh.draw_windowing(windows=(0, 950))


# ---------------------------------------------------------------- the cell with a model's values


@pytest.fixture(scope="module")
def traced():
    torch.manual_seed(3)
    model = lh.LSTMPredictor(hidden_size=6, num_layers=2)
    x = torch.randn(3, 9, 1)
    return model, x, lh.collect_gates(model, x)


def test_cell_values_are_the_models_own_numbers(traced):
    model, x, trace = traced
    with lh.eval_mode(model), torch.no_grad():
        out, (h_n, c_n) = model.lstm(x)  # nn.LSTM itself, not the scratch copy
    for layer in (0, 1):
        for step in (0, 4, 8):
            v = lh.cell_values(trace, step, window=2, layer=layer, unit=5, x=x)
            assert v["c"] == pytest.approx(v["f"] * v["c_prev"] + v["i"] * v["g"], abs=1e-6)
            assert v["h"] == pytest.approx(v["o"] * np.tanh(v["c"]), abs=1e-6)
            assert v["fc"] == pytest.approx(v["f"] * v["c_prev"])
            assert ("x" in v) == (layer == 0)
            if layer == 0:
                assert v["x"] == pytest.approx(x[2, step, 0].item())
            if layer == 1:
                assert v["h"] == pytest.approx(out[2, step, 5].item(), abs=1e-6)
        last = lh.cell_values(trace, 8, window=2, layer=layer, unit=5)
        assert last["h"] == pytest.approx(h_n[layer, 2, 5].item(), abs=1e-6)
        assert last["c"] == pytest.approx(c_n[layer, 2, 5].item(), abs=1e-6)
    first = lh.cell_values(trace, 0, window=0, layer=0, unit=0)
    assert first["c_prev"] == first["h_prev"] == 0.0  # nn.LSTM starts from zeros
    with pytest.raises(ValueError, match=r"step must be in 0\.\.8"):
        lh.cell_values(trace, 9)
    with pytest.raises(ValueError, match=r"unit must be in 0\.\.5"):
        lh.cell_values(trace, 0, unit=6)
    with pytest.raises(ValueError, match=r"window must be in 0\.\.2"):
        lh.cell_values(trace, 0, window=3)


def test_the_annotated_cell_shows_exactly_those_values(traced):
    _, x, trace = traced
    values = lh.cell_values(trace, 4, window=1, layer=0, unit=2, x=x)
    texts = "\n".join(lh.draw_cell_step(trace, x, 4, window=1, layer=0, unit=2).texts())
    for name, value in values.items():
        assert f"{value:+.3f}$" in texts, f"{name} = {value:+.3f} not shown"
    for gate in "ifgo":  # a gate's value sits in its box, under the symbol's label
        assert f"${values[gate]:+.3f}$" in texts
    assert "unit 2 of 6 in layer 0, step t = 4" in texts


@pytest.mark.parametrize("value", [-0.999, 0.5, -0.061])
def test_the_values_fit_inside_the_gate_boxes(traced, value):
    _, x, trace = traced
    figure = lh.draw_cell_step(trace, x, 4).figure  # the notebook's layout and size
    ax = figure.axes[0]
    ax.clear()  # the same Axes, redrawn with the widest values a unit can have
    names = ["i", "f", "g", "o", "c", "h", "c_prev", "h_prev", "fc", "ig", "tanh_c", "x"]
    lh.draw_lstm_cell(dict.fromkeys(names, value), ax=ax)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    boxed = 0
    for patch in ax.patches:
        if not isinstance(patch, FancyBboxPatch):
            continue
        corner, size = np.array(patch.get_bbox().p0), np.array(patch.get_bbox().size)
        centre = corner + size / 2
        outline = patch.get_window_extent(renderer)
        for text in ax.texts:
            if np.allclose(text.get_position(), centre) and text.get_text():
                inside = text.get_window_extent(renderer)
                margin = 2  # pixels clear of the box's edge on either side
                assert outline.x0 + margin <= inside.x0 and inside.x1 <= outline.x1 - margin, (
                    f"{text.get_text()!r} overflows its box"
                )
                boxed += 1
    assert boxed == 4  # the three gates and the candidate
    plt.close(figure)


def test_draw_cell_step_draws_into_a_figure_without_pyplot(traced):
    _, x, trace = traced
    before = plt.get_fignums()
    fig = Figure()
    d = lh.draw_cell_step(trace, x, 3, figure=fig)
    assert d.figure is fig and len(fig.axes) == 2 and plt.get_fignums() == before
    assert d.axes[1].lines[1].get_xdata()[0] == 3  # the step marked on the input window
    lh.draw_cell_step(trace, x, 5, figure=fig)  # redrawing replaces the picture
    assert len(fig.axes) == 2


def test_the_slider_moves_the_step_and_the_image_changes(traced):
    model, x, trace = traced
    model.train()
    explorer = lh.CellStepExplorer(model, x, window=1, layer=0, unit=2)
    assert model.training  # the model's mode is left alone
    first = bytes(explorer.image.value)
    assert first.startswith(b"\x89PNG")
    explorer.step.value = 6
    assert bytes(explorer.image.value) != first
    assert explorer.values == lh.cell_values(trace, 6, window=1, layer=0, unit=2, x=x)
    after_step = bytes(explorer.image.value)
    explorer.unit.value = 4
    assert bytes(explorer.image.value) != after_step
    assert explorer.values["f"] == pytest.approx(trace.f[0][1, 6, 4].item())
    assert explorer.step.max == 8 and explorer.unit.max == 5
    plain = explorer._repr_mimebundle_()["text/plain"]
    assert plain == "<CellStepExplorer: window 1, layer 0; sliders: step, unit>"


def test_the_explorer_needs_an_lstm_predictor():
    with pytest.raises(ValueError, match="collect_gates needs"):
        lh.CellStepExplorer(lh.RNNPredictor(), torch.zeros(1, 4, 1))


# ---------------------------------------------------------------- the notebooks say the same


CALL = re.compile(r"^\w+ = (lh\.draw_\w+\([^\n]*\))", re.M)


def notebook_descriptions():
    """(notebook, call, the *Figure:* line after it) for diagram calls with literal arguments."""
    found = []
    for path in sorted(NOTEBOOKS.glob("0[12]*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell, after in pairwise(cells):
            match = CALL.search("".join(cell["source"])) if cell["cell_type"] == "code" else None
            if match and "draw_cell_step" not in match.group(1):
                found.append((path.name, match.group(1), "".join(after["source"])))
    return found


def test_the_notebooks_figure_lines_are_the_diagrams_descriptions():
    found = notebook_descriptions()
    assert {call.split("(")[0] for _, call, _ in found} >= {
        "lh.draw_windowing",
        "lh.draw_lstm_cell",
        "lh.draw_unrolled_lstm",
        "lh.draw_rnn_patterns",
    }
    for name, call, markdown in found:
        description = eval(call, {"lh": lh}).description  # literal arguments only
        assert markdown.startswith(f"*Figure:* {description}"), f"{name}: {call}"
