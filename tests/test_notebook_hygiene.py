"""Every committed notebook was run top to bottom in one kernel and carries clean outputs."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]*.ipynb"))
MACHINE_PATH = re.compile(
    r"(/home/\w+|/root/|/Users/\w+|/work/|C:\\\\Users|/tmp/(?!ipykernel_)[\w.-]+/)"
)


def cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return nb, [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executed_in_order_in_one_kernel(path):
    nb, code = cells(path)
    counts = [c.get("execution_count") for c in code]
    assert counts == list(range(1, len(code) + 1)), "re-execute: python3 tasks.py execute " + str(
        path.name
    )
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb["metadata"], "widget state stored: re-execute with tasks.py execute"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_errors_only_where_expected_and_no_machine_paths(path):
    _, code = cells(path)
    for i, c in enumerate(code, 1):
        source = "".join(c["source"])
        raises = "NBVAL_RAISES_EXCEPTION" in source
        errors = [o for o in c["outputs"] if o["output_type"] == "error"]
        assert bool(errors) == raises, (
            f"code cell {i}: error output {'missing' if raises else 'unexpected'}"
        )
        if raises:
            assert "raises-exception" in c["metadata"].get("tags", []), (
                f"code cell {i}: tag it raises-exception"
            )
        text = json.dumps(c["outputs"])
        match = MACHINE_PATH.search(text.replace("site-packages", ""))
        assert not match, f"code cell {i}: machine-specific path {match.group(0)!r} in outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_opens_with_objectives_and_ends_with_takeaways_exercises_and_links(path):
    nb, _ = cells(path)
    first = "".join(nb["cells"][0]["source"])
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert first.startswith("# ") and "What you will learn" in first and "Time:" in first
    assert "## Takeaways" in markdown and "## Exercises" in markdown
    assert "**Previous:**" in markdown or "**Next:**" in markdown
