"""The teachers' answer key (docs/going-further.md) answers every Going further question.

That the static site leaves the key out is checked on the built site (tests/test_site.py).
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*.ipynb"))
KEY = ROOT / "docs" / "going-further.md"
QUESTION = re.compile(r"^(?:\d+\.|-) ", re.M)  # a numbered or bulleted question line


def questions_in(path: Path) -> int:
    """Questions in the notebook's Going further cell and the markdown cells that continue it."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    start = next(i for i, s in enumerate(markdown) if s.startswith("**Going further**"))
    count = 0
    for text in markdown[start:]:
        if text.startswith("#"):  # the next section (Solutions, Where next) ends the list
            break
        count += len(QUESTION.findall(text))
    return count


def answers_for(number: str) -> list[int]:
    """The answer numbers under the key's section for notebook `number` (e.g. "05b")."""
    sections = re.split(r"^## ", KEY.read_text(encoding="utf-8"), flags=re.M)
    section = next(s for s in sections if s.startswith(f"{number} "))
    return [int(n) for n in re.findall(r"^\*\*(\d+)\. ", section, re.M)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_answer_key_has_one_answer_per_question_in_order(path):
    number = path.name.split("_")[0]
    asked = questions_in(path)
    assert asked >= 2, f"{path.name}: its Going further cell should ask at least two questions"
    assert answers_for(number) == list(range(1, asked + 1)), (
        f"docs/going-further.md, section {number}: expected answers 1..{asked}, one per question "
        f"of the notebook's Going further cell; update the key when the questions change"
    )


def test_every_answer_says_whether_it_was_measured():
    key = KEY.read_text(encoding="utf-8")
    answers = re.split(r"^\*\*\d+\. ", key, flags=re.M)[1:]
    for answer in answers:
        assert "*Measured" in answer or "*Expected, not measured" in answer, answer[:120]
