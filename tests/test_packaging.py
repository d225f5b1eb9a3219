"""The dependency descriptions agree, and the README's commands are what CI runs.

Two pinned sets: the learner set (requirements/lab.lock, environment.yml: the package and its
`notebooks` extra) and the full set (requirements/test.lock, environment-test.yml: plus the
`teach` and `test` extras). The full set contains the learner set with identical pins.
"""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from PyPI's
CONDA_TO_PIP = {"pytorch": "torch"}
# set name -> (lock file, conda environment file, extras of pyproject.toml it installs)
SETS = {
    "lab": ("requirements/lab.lock", "environment.yml", ["notebooks"]),
    "test": ("requirements/test.lock", "environment-test.yml", ["notebooks", "teach", "test"]),
}
TEST_ONLY = {"pytest", "nbval", "pytest-xdist", "ruff", "playwright", "hypothesis", "nbgrader"}


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins(kind: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / SETS[kind][0]).read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[norm(name)] = version
    return pins


def conda_pins(kind: str) -> dict[str, str]:
    """Pins of environment*.yml: conda's `name=version` and its pip section's `name==version`."""
    pins = {}
    for line in (ROOT / SETS[kind][1]).read_text().splitlines():
        m = re.match(r"^\s+-\s+([A-Za-z0-9_.-]+)==?([0-9][^\s#]*)", line)
        if m and m.group(1) != "python":
            pins[norm(CONDA_TO_PIP.get(m.group(1), m.group(1)))] = m.group(2)
    return pins


def direct_dependencies(kind: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in SETS[kind][2]:
        reqs += project["optional-dependencies"][extra]
    return {norm(re.split(r"[<>=\[ ;]", r, maxsplit=1)[0]) for r in reqs}


@pytest.mark.parametrize("kind", SETS)
def test_conda_environment_pins_equal_the_pip_lock(kind):
    lock, conda = lock_pins(kind), conda_pins(kind)
    assert conda, f"no pinned packages found in {SETS[kind][1]}"
    mismatched = {name: (v, lock.get(name)) for name, v in conda.items() if lock.get(name) != v}
    assert not mismatched, f"{SETS[kind][1]} vs {SETS[kind][0]} (conda, pip): {mismatched}"


@pytest.mark.parametrize("kind", SETS)
def test_every_direct_dependency_is_pinned_in_both(kind):
    lock, conda = lock_pins(kind), conda_pins(kind)
    direct = direct_dependencies(kind)
    assert {"torch", "numpy", "matplotlib", "jupyterlab", "ipywidgets", "jupyterlab-rise"} <= direct
    assert not direct - lock.keys(), f"not in {SETS[kind][0]}: {direct - lock.keys()}"
    assert not direct - conda.keys(), f"not in {SETS[kind][1]}: {direct - conda.keys()}"


def test_the_learner_set_is_lean_and_the_full_set_contains_it_with_the_same_pins():
    lab, full = lock_pins("lab"), lock_pins("test")
    assert not TEST_ONLY & lab.keys(), f"test tools in the learner set: {TEST_ONLY & lab.keys()}"
    assert TEST_ONLY <= full.keys()
    differ = {n: (v, full.get(n)) for n, v in lab.items() if full.get(n) != v}
    assert not differ, f"lab.lock pins that test.lock lacks or pins differently: {differ}"
    assert conda_pins("lab").items() <= conda_pins("test").items()


@pytest.mark.parametrize("kind", SETS)
def test_torch_pin_is_a_plain_version(kind):
    """A local tag such as +cpu would not install on other platforms."""
    assert re.fullmatch(r"\d+\.\d+\.\d+", lock_pins(kind)["torch"])


def test_tasks_installs_each_set_from_its_lock_with_its_extras():
    tasks = (ROOT / "tasks.py").read_text()
    for kind, (lock, _, extras) in SETS.items():
        assert f'"{kind}": ROOT / "requirements" / "{Path(lock).name}"' in tasks
        assert f'"{kind}": "{",".join(extras)}"' in tasks
    assert 'ensure_env("lab")' in tasks.split("def cmd_lab", 1)[1].split("def ", 1)[0]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 tasks.py test" in readme and "python3 tasks.py lab" in readme
    assert re.search(r"^python3 tasks.py test$", ci, re.M)
