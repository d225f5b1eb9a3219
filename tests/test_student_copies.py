"""Student copies keep the exercises and lose the solutions; the nbgrader course builds.

Every notebook is checked structurally (no solution line survives, the code cells a student
runs are exactly the original's cells before its Solutions section, which nbval executes).
A few are executed for real in a fresh kernel of this environment: a student copy, and
nbgrader source versions (solutions merged into the exercise cells, hidden tests asserting
the checkers), which proves the merge. `python3 tasks.py student --nbgrader --validate`
executes every source version (about four minutes).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools import student_copies as sc

# Tools, not numbers: run once, not again on every CPU path (tasks.py test --other-cpus).
pytestmark = pytest.mark.tooling

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*.ipynb"))
# Executed for real (the rest structurally): small ones that cover a `with` block around a
# placeholder (04) and answers mapped from the solution's own names (02).
EXECUTED = ["02_the_lstm_model.ipynb", "04_evaluation.ipynb"]

try:
    import nbgrader
except ImportError:  # pragma: no cover - depends on the environment
    nbgrader = None
needs_nbgrader = pytest.mark.skipif(
    nbgrader is None,
    reason="nbgrader is not installed: it comes with the full set (`python3 tasks.py test`, "
    "requirements/test.lock)",
)


def execute(path: Path) -> None:
    """Execute a notebook in place, as `tasks.py execute` does (a fresh kernel of this Python,
    one torch thread), in a child process; fail with the cell's error if one raises."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    env.pop("MPLBACKEND", None)
    cmd = [sys.executable, str(ROOT / "tools" / "execute_notebooks.py"), str(path)]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, f"{path.name} failed:\n{result.stderr[-4000:]}"


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def solution_only_lines(nb: nbformat.NotebookNode) -> set[str]:
    """Lines of the Solutions section (sources and outputs) found nowhere else in the notebook."""
    _, start, end = sc.solutions_section(nb)

    def lines(cells):
        found = set()
        for cell in cells:
            found.update(cell.source.splitlines())
            for out in cell.get("outputs", []):
                text = out.get("text", "") or "".join(out.get("data", {}).get("text/plain", ""))
                found.update(text.splitlines())
        return {line.strip() for line in found if len(line.strip()) >= 6}

    outside = text_of(nbformat.v4.new_notebook(cells=nb.cells[:start] + nb.cells[end:]))
    return {
        line
        for line in lines(nb.cells[start:end])
        if line not in outside and not line.startswith("#")
    }


def text_of(nb: nbformat.NotebookNode) -> str:
    return "\n".join(
        [c.source for c in nb.cells]
        + [json.dumps(o) for c in nb.cells for o in c.get("outputs", [])]
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_copy_has_no_solutions_and_keeps_the_exercises(path):
    nb = read(path)
    copy = sc.student_copy(nb)
    secret = solution_only_lines(nb)
    assert len(secret) >= 3, "the notebook should have solution lines to hide"
    text = text_of(copy)
    leaked = sorted(line for line in secret if line in text)
    assert not leaked, f"solution lines in the student copy: {leaked[:5]}"
    assert not any(c.source.startswith("## Solutions") for c in copy.cells)
    assert "**Solutions**" not in text  # no sentence points at what is gone
    # The code a student runs is the original's code before its Solutions section, in order:
    # nbval executes exactly those cells (and checks their outputs) in the original.
    _, start, _ = sc.solutions_section(nb)
    before = [c.source for c in nb.cells[:start] if c.cell_type == "code"]
    assert [c.source for c in copy.cells if c.cell_type == "code"] == before
    exercises = [c for c in copy.cells if re.search(r"^check\.\w+\(", c.source, re.M)]
    assert len(exercises) >= 2 and all("= ..." in c.source for c in exercises)
    assert copy.cells[-1].source.startswith("## Where next")
    assert nb.cells[start].source.startswith("## Solutions"), "the original is unchanged"


def test_sentences_pointing_at_the_solutions_are_dropped_and_others_kept():
    text = (
        "Fill in each cell. Worked solutions are at the end, under **Solutions**, collapsed.\n\n"
        "A second paragraph stays."
    )
    assert sc.drop_solution_sentences(text) == "Fill in each cell.\n\nA second paragraph stays."


def test_a_notebook_without_the_conventions_is_refused():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title")])
    with pytest.raises(sc.ConventionError, match="## Exercises"):
        sc.student_copy(nb)


def test_tasks_student_writes_every_copy_and_the_data(tmp_path):
    out = tmp_path / "student"
    cmd = [sys.executable, str(ROOT / "tools" / "student_copies.py"), "--out", str(out)]
    subprocess.run(cmd, check=True, capture_output=True)
    assert sorted(p.name for p in out.glob("*.ipynb")) == [p.name for p in NOTEBOOKS]
    assert (out / "data" / "README.md").exists()


@pytest.mark.parametrize("name", EXECUTED[:1])
def test_student_copy_runs_top_to_bottom(tmp_path, name):
    path = tmp_path / name
    nbformat.write(sc.student_copy(read(ROOT / "notebooks" / name)), path)
    execute(path)  # raises on any error a cell is not tagged to raise
    ran = read(path)
    printed = "".join("".join(o.get("text", "")) for c in ran.cells for o in c.get("outputs", []))
    assert printed.count("Not answered yet") >= 2


# --- nbgrader -------------------------------------------------------------------------------


def synthetic(exercise: str, solution: str) -> nbformat.NotebookNode:
    new_md, new_code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    return nbformat.v4.new_notebook(
        cells=[
            new_md("# T\n\n**What you will learn**"),
            new_md("## Exercises"),
            new_code(exercise),
            new_md("## Solutions"),
            new_code(solution),
            new_md("## Where next"),
        ]
    )


def test_merge_maps_the_solution_values_onto_the_placeholders_in_call_order():
    nb = synthetic(
        "a = ...\nb, c = ..., ...\ncheck.f(a, k=b)\ncheck.f(c)",
        "x = 1\nassert check.f(x + 1, k=2)\nassert check.f(3)\nprint('done')",
    )
    (ex,) = sc.exercises_with_solutions(nb)
    answer, test = sc.merged_answer_cell(ex)
    assert answer.splitlines() == [
        "a = ...",
        "b, c = ..., ...",
        "### BEGIN SOLUTION",
        "x = 1",
        "print('done')",
        "a = x + 1",
        "b = 2",
        "c = 3",
        "### END SOLUTION",
        "check.f(a, k=b)",
        "check.f(c)",
    ]
    assert "assert check.f(a, k=b)\nassert check.f(c)" in test
    assert "### BEGIN HIDDEN TESTS" in test and "### END HIDDEN TESTS" in test


def test_merge_refuses_what_it_cannot_map():
    nb = synthetic("a = ...\ncheck.f([a])", "assert check.f([2])")
    (ex,) = sc.exercises_with_solutions(nb)
    with pytest.raises(sc.ConventionError, match="cannot map"):
        sc.merged_answer_cell(ex)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_nbgrader_source_has_answer_and_test_cells_for_every_exercise(path):
    nb = read(path)
    source = sc.nbgrader_source(nb)
    answers = [c for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")]
    tests = [c for c in source.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(answers) == len(tests) == len(sc.exercises_with_solutions(nb)) >= 2
    for answer, test in zip(answers, tests, strict=True):
        assert "### BEGIN SOLUTION" in answer.source and "= ..." in answer.source
        assert test.metadata["nbgrader"]["locked"] and test.metadata["nbgrader"]["points"] >= 1
        assert re.search(r"^assert check\.\w+\(", test.source, re.M)
    ids = [c.metadata["nbgrader"]["grade_id"] for c in answers + tests]
    assert len(set(ids)) == len(ids)
    assert nbformat.validate(source) is None


@pytest.mark.parametrize("name", EXECUTED)
def test_nbgrader_source_runs_and_its_hidden_tests_pass(tmp_path, name):
    """The merged solutions answer every exercise: the hidden asserts pass in a real kernel."""
    path = tmp_path / name
    nbformat.write(sc.nbgrader_source(read(ROOT / "notebooks" / name)), path)
    execute(path)  # an AssertionError in a hidden test cell would raise here
    printed = "".join(
        "".join(o.get("text", "")) for c in read(path).cells for o in c.get("outputs", [])
    )
    assert "✓" in printed and "Not answered yet" not in printed and "✗" not in printed


@needs_nbgrader
def test_nbgrader_generate_assignment_releases_runnable_copies_without_solutions(tmp_path):
    course = tmp_path / "course"
    sc.write_nbgrader_course(NOTEBOOKS, course)
    released = sc.generate_assignments(course)
    assert [p.name for p in released] == [p.name for p in NOTEBOOKS]
    for path in NOTEBOOKS:
        release = course / "release" / path.stem / path.name
        assert release.exists(), f"nbgrader did not release {path.stem}"
        nb = read(release)
        text = text_of(nb)
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
        leaked = sorted(line for line in solution_only_lines(read(path)) if line in text)
        assert not leaked, f"{path.name}: solution lines released: {leaked[:5]}"
        assert sc.CODE_STUB in text and "raise NotImplementedError" not in text
        # Released code = the student copy's code (which runs: see the tests above), plus the
        # stub comment in each answer cell and the comment left in each hidden-test cell.
        released = [
            "\n".join(line for line in c.source.splitlines() if line != sc.CODE_STUB)
            for c in nb.cells
            if c.cell_type == "code" and not c.metadata.get("nbgrader", {}).get("grade")
        ]
        student = [c.source for c in sc.student_copy(read(path)).cells if c.cell_type == "code"]
        assert released == student
        tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
        assert all(line.startswith("#") for c in tests for line in c.source.splitlines())
