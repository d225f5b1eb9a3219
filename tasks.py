#!/usr/bin/env python3
"""Project commands: set up the environment, open the notebooks, run the tests.

    python3 tasks.py lab        create/update .venv, then open JupyterLab on notebooks/
    python3 tasks.py test       create/update .venv, then ruff + unit tests + nbval
    python3 tasks.py execute    re-execute notebooks in place (all, or the ones named)
    python3 tasks.py bench      run the benchmarks in benchmarks/

Only the standard library is used here, so this file runs with any Python >= 3.10.
The environment is `.venv/` beside this file; it is (re)installed from `requirements.lock`
whenever that file or `pyproject.toml` changes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed-from"
NOTEBOOKS = ROOT / "notebooks"


def run(*cmd: str | Path, env: dict[str, str] | None = None) -> None:
    """Run a command from the project root; stop with its exit code if it fails."""
    print("+", " ".join(str(c) for c in cmd), flush=True)
    code = subprocess.call([str(c) for c in cmd], cwd=ROOT, env=env)
    if code != 0:
        sys.exit(code)


def ensure_env() -> None:
    """Create .venv and install the pinned dependencies plus this package (editable)."""
    inputs = [ROOT / "requirements.lock", ROOT / "pyproject.toml"]
    wanted = hashlib.sha256(b"".join(p.read_bytes() for p in inputs)).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted and PY.exists():
        return
    if not PY.exists():
        print(f"Creating a virtual environment in {VENV.name}/ ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    # requirements.lock pins every package (direct and transitive) to the tested versions.
    run(PY, "-m", "pip", "install", "--quiet", "-r", "requirements.lock", "-e", ".[notebooks,test]")
    STAMP.write_text(wanted + "\n")


def test_env(threads: int) -> dict[str, str]:
    """Environment for test runs: fixed thread count (reaches the notebook kernels too)."""
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = str(threads)
    env["MKL_NUM_THREADS"] = str(threads)
    env["PYTHONHASHSEED"] = "0"
    env.pop("MPLBACKEND", None)  # notebooks choose `%matplotlib inline` themselves
    return env


def cmd_lab(args: argparse.Namespace) -> None:
    ensure_env()
    run(BIN / "jupyter", "lab", str(NOTEBOOKS), *args.extra)


def cmd_test(args: argparse.Namespace) -> None:
    ensure_env()
    env = test_env(args.threads)
    run(PY, "-m", "ruff", "check", ".", env=env)
    # One pytest-xdist worker per `threads` cores: more would oversubscribe the CPU, and torch's
    # OpenMP threads then spin against each other (minutes per notebook instead of seconds).
    n = args.workers or max(1, (os.cpu_count() or 1) // args.threads)
    workers = ["-n", str(n), "--dist", "loadfile"] if n > 1 else []
    # --nbval-current-env: the kernels use this .venv, not whichever kernelspec is found.
    run(PY, "-m", "pytest", "--nbval", "--nbval-current-env", *workers, *args.extra, env=env)


def cmd_execute(args: argparse.Namespace) -> None:
    ensure_env()
    paths = args.notebooks or sorted(str(p) for p in NOTEBOOKS.glob("[0-9][0-9]*.ipynb"))
    run(PY, ROOT / "tools" / "execute_notebooks.py", *paths, env=test_env(args.threads))


def cmd_bench(args: argparse.Namespace) -> None:
    ensure_env()
    scripts = args.extra or sorted(str(p) for p in (ROOT / "benchmarks").glob("bench_*.py"))
    for script in scripts:
        run(PY, script, env=test_env(args.threads))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    lab = sub.add_parser("lab", help="set up and open JupyterLab on notebooks/")
    lab.set_defaults(func=cmd_lab)
    test = sub.add_parser("test", help="set up and run ruff, unit tests and nbval")
    test.add_argument("--threads", type=int, default=1, help="torch threads per process (1)")
    test.add_argument(
        "--workers", type=int, default=0, help="pytest-xdist workers (default: cores / threads)"
    )
    test.set_defaults(func=cmd_test)
    ex = sub.add_parser("execute", help="re-execute notebooks in place, top to bottom")
    ex.add_argument("notebooks", nargs="*", help="notebook paths (default: all numbered ones)")
    ex.add_argument("--threads", type=int, default=1)
    ex.set_defaults(func=cmd_execute)
    bench = sub.add_parser("bench", help="run benchmarks/bench_*.py")
    bench.add_argument("--threads", type=int, default=1)
    bench.set_defaults(func=cmd_bench)
    args, extra = parser.parse_known_args()
    if args.command == "execute" and extra:
        parser.error(f"unknown arguments: {extra}")
    args.extra = extra
    args.func(args)


if __name__ == "__main__":
    main()
