"""Every committed notebook was run top to bottom in one kernel and carries clean outputs.

It also has the classroom structure: an opening cell with objectives, prerequisites and time;
2-4 exercises whose checkers are proven by asserting solutions under a collapsed heading; and a
last cell linking the previous and next notebooks of the series.
"""

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


ORDER = [p.name for p in NOTEBOOKS]
LINK = re.compile(r"\]\(([^)#\s]+\.ipynb)(?:#[^)]*)?\)")


def markdown_of(cell):
    return "".join(cell["source"]) if cell["cell_type"] == "markdown" else ""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_opening_cell_states_objectives_prerequisites_and_time(path):
    nb, _ = cells(path)
    first = markdown_of(nb["cells"][0])
    for part in ("What you will learn", "**Prerequisites:**", "**Time:**"):
        assert part in first, f"the opening cell needs {part!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_cells_that_show_something_kept_their_outputs(path):
    _, code = cells(path)
    for i, c in enumerate(code, 1):
        source = "".join(c["source"])
        if re.search(r"^\s*(print\(|ax = lh\.plot_|check\.)", source, re.M) and not c["outputs"]:
            pytest.fail(f"code cell {i} prints or plots but has no stored output: re-execute")


def exercise_parts(nb):
    """(scaffold code cells, solutions heading cell, solution code cells) of a notebook."""
    md = [markdown_of(c) for c in nb["cells"]]
    start = next(i for i, s in enumerate(md) if s.startswith("## Exercises"))
    sol = next(i for i, s in enumerate(md) if s.startswith("## Solutions"))
    end = next(i for i, s in enumerate(md) if i > sol and s.startswith("## "))
    code = lambda a, b: [c for c in nb["cells"][a:b] if c["cell_type"] == "code"]  # noqa: E731
    return code(start, sol), nb["cells"][sol], code(sol, end)


def outputs_text(cell):
    return "".join("".join(o.get("text", "")) for o in cell["outputs"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_check_themselves_and_solutions_prove_the_checkers(path):
    nb, _ = cells(path)
    scaffolds, heading, solutions = exercise_parts(nb)
    asked = [c for c in scaffolds if re.search(r"^check\.\w+\(", "".join(c["source"]), re.M)]
    assert 2 <= len(asked) <= 4, "end with 2-4 exercises, each calling a checker"
    for c in asked:
        assert "= ..." in "".join(c["source"]), "an exercise cell leaves its answer as ..."
        assert "Not answered yet" in outputs_text(c), "stored with the answer left open"
    assert heading["metadata"].get("jp-MarkdownHeadingCollapsed") is True, "collapse the solutions"
    used = {m for c in asked for m in re.findall(r"check\.(\w+)\(", "".join(c["source"]))}
    proven = {
        m for c in solutions for m in re.findall(r"assert check\.(\w+)\(", "".join(c["source"]))
    }
    assert used <= proven, f"no solution asserts {sorted(used - proven)}"
    for c in solutions:
        assert "✗" not in outputs_text(c) and "Not answered" not in outputs_text(c)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_ends_with_links_to_the_previous_and_next_notebooks(path):
    nb, _ = cells(path)
    last = markdown_of(nb["cells"][-1])
    assert last.startswith("## "), "a heading keeps the last cell out of the collapsed solutions"
    i = ORDER.index(path.name)
    for label, neighbour in (("**Previous:**", i - 1), ("**Next:**", i + 1)):
        if 0 <= neighbour < len(ORDER):
            after = last.split(label, 1)[1] if label in last else ""
            first = LINK.search(after)
            assert first and first.group(1) == ORDER[neighbour], (
                f"{label} should link {ORDER[neighbour]} first"
            )
    for c in nb["cells"]:
        for target in LINK.findall(markdown_of(c)):
            assert (path.parent / target).exists(), f"broken link to {target}"
