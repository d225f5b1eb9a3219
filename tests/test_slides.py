"""Slide metadata by rules (tools/slides.py): the rules, idempotence, and the notebooks.

Every notebook carries slide metadata (`python3 tasks.py slides` sets it); the hygiene check
below requires it to match the rules, so run the command again after editing a notebook.
"""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path

import nbformat
import pytest

from tools import slides as sl

# Tools, not numbers: run once, not again on every CPU path (tasks.py test --other-cpus).
pytestmark = pytest.mark.tooling

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*.ipynb"))
md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell


def png(width: int, height: int) -> str:
    """A real (blank, grey) PNG of the given size, base64 as notebooks store it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    raw = b"\x89PNG\r\n\x1a\n" + chunk(
        b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    )
    raw += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return base64.b64encode(raw).decode()


def figure_cell(height: int) -> nbformat.NotebookNode:
    cell = code("ax = lh.plot_series(series)")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", {"image/png": png(800, height), "text/plain": "<Figure>"}
        )
    ]
    return cell


def notebook(*cells) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=list(cells))


def test_rules_headings_setup_fragments_and_solutions():
    nb = notebook(
        md("# 01 · Title\n\n**What you will learn**"),
        code("import torch\n\nimport lstm_helpers as lh\n%matplotlib inline"),
        md("## A section"),
        code("x = 1\nprint(x)"),
        md("What to notice: x is one."),
        md("### A subsection"),
        figure_cell(300),
        md("*Figure:* a grey rectangle."),
        md("## Solutions"),
        code("assert check.f(1)"),
        md("## Where next"),
    )
    assert sl.plan(nb).types == [
        "slide",  # the title
        "skip",  # imports only, no output
        "slide",  # ##
        "-",
        "fragment",  # the sentence after a result appears on the next key press
        "subslide",  # ###
        "-",
        "-",  # a figure's description stays with its figure
        "skip",  # the Solutions section
        "skip",
        "slide",  # the next ## heading ends the Solutions section
    ]


def test_a_cell_that_does_not_fit_starts_a_subslide_and_a_giant_one_is_flagged():
    nb = notebook(md("## Plots"), figure_cell(400), figure_cell(400), figure_cell(900))
    result = sl.plan(nb)
    assert result.types == ["slide", "-", "subslide", "subslide"]
    assert result.too_tall == [3]
    slides = sl.slides(nb)
    assert [s.id for s in slides] == ["slide-0-0", "slide-0-1", "slide-0-2"]
    assert [s.too_tall for s in slides] == [False, False, True]
    assert all(s.height <= sl.BUDGET for s in slides[:2]) and slides[2].height > sl.BUDGET


def test_a_setup_cell_with_output_is_shown():
    cell = code("import torch")
    cell.outputs = [nbformat.v4.new_output("stream", text="warning\n")]
    assert not sl.is_setup(cell) and sl.is_setup(code("# setup\nimport torch"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_applying_twice_changes_nothing(path):
    nb = nbformat.read(path, as_version=4)
    sl.apply(nb)
    once = nbformat.writes(nb)
    assert sl.apply(nb) is False
    assert nbformat.writes(nb) == once
    assert sl.differences(nb) == []
    assert nb.metadata["rise"]["width"] == 1280 and nb.metadata["rise"]["height"] == 720


def test_differences_name_the_cell_and_what_the_rules_want():
    nb = notebook(md("## A"), code("x = 1"))
    sl.apply(nb)
    nb.cells[1].metadata["slideshow"] = {"slide_type": "slide"}
    assert sl.differences(nb) == ["cell 1: 'slide', the rules say '-'"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_slide_metadata_follows_the_rules(path):
    nb = nbformat.read(path, as_version=4)
    assert sl.has_slides(nb), "no slide metadata: run `python3 tasks.py slides`"
    assert sl.differences(nb) == [], "run `python3 tasks.py slides` after editing the notebook"
