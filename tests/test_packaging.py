"""The two dependency descriptions agree, and the README's commands are what CI runs."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from PyPI's
CONDA_TO_PIP = {"pytorch": "torch"}


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def conda_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        m = re.match(r"^\s+-\s+([A-Za-z0-9_.-]+)=([0-9][^\s#]*)", line)
        if m and m.group(1) != "python":
            pins[CONDA_TO_PIP.get(m.group(1), m.group(1)).lower()] = m.group(2)
    return pins


def direct_dependencies() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    return {re.split(r"[<>=\[ ;]", r, maxsplit=1)[0].lower() for r in reqs}


def test_environment_yml_pins_equal_the_pip_lock():
    lock, conda = lock_pins(), conda_pins()
    assert conda, "no pinned packages found in environment.yml"
    mismatched = {name: (v, lock.get(name)) for name, v in conda.items() if lock.get(name) != v}
    assert not mismatched, f"environment.yml vs requirements.lock (conda, pip): {mismatched}"


def test_every_direct_dependency_is_pinned_in_both():
    lock, conda = lock_pins(), conda_pins()
    direct = direct_dependencies()
    assert {"torch", "numpy", "matplotlib", "jupyterlab", "ipywidgets", "nbval", "pytest"} <= direct
    assert not direct - lock.keys(), f"not in requirements.lock: {direct - lock.keys()}"
    assert not direct - conda.keys(), f"not in environment.yml: {direct - conda.keys()}"


def test_torch_pin_is_a_plain_version():
    """A local tag such as +cpu would not install on other platforms."""
    assert re.fullmatch(r"\d+\.\d+\.\d+", lock_pins()["torch"])


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 tasks.py test" in readme and "python3 tasks.py lab" in readme
    assert re.search(r"^python3 tasks.py test$", ci, re.M)
