"""Hygiene: every figure a notebook shows has a one-sentence description (alt text).

The convention (docs/contributing.md, "Figure descriptions"): the markdown cell right after a
code cell that shows figures starts with one paragraph per figure, each beginning "*Figure:*".
The static site uses them as alt text. Every notebook is held to it.
"""

from pathlib import Path

import nbformat
import pytest

from tools import build_site as bs

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_has_a_description(path):
    nb = nbformat.read(path, as_version=4)
    missing = bs.missing_descriptions(nb)
    assert not missing, f"figures without a '*Figure:*' description after them: {missing}"
    for i in range(len(nb.cells)):
        for sentence in bs.figure_descriptions(nb, i):
            assert 20 <= len(sentence) <= 300, f"one sentence, please: {sentence!r}"
