#!/usr/bin/env python3
"""Project commands: set up the environment, open the notebooks, run the tests.

    python3 tasks.py lab        create/update .venv, then open JupyterLab on notebooks/
    python3 tasks.py test       create/update .venv, then ruff + unit tests + nbval
    python3 tasks.py test --cpu generic      the same on another CPU code path (see CPU_PATHS)
    python3 tasks.py test --other-cpus       the suite on the other CPU paths and with 2 threads
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
import time
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


# Other CPUs, emulated on this one: torch's vectorised kernels (ATen), MKL's BLAS and oneDNN's
# LSTM kernels each pick a code path per CPU, and each path rounds differently. Stored outputs
# must match on every path a learner's machine may take. "native" is what this CPU picks
# (AVX-512 on the machines the outputs were executed on); "avx2" is a typical laptop or older
# server; "generic" is the plain vector path every x86-64 CPU has. The variables reach the
# notebook kernels that nbval starts. (On ARM CPUs the x86 settings are ignored.)
CPU_PATHS: dict[str, dict[str, str]] = {
    "native": {},
    "avx2": {
        "ATEN_CPU_CAPABILITY": "avx2",
        "MKL_ENABLE_INSTRUCTIONS": "AVX2",
        "MKL_CBWR": "AVX2",
        "ONEDNN_MAX_CPU_ISA": "AVX2",
    },
    "generic": {
        "ATEN_CPU_CAPABILITY": "default",
        "MKL_ENABLE_INSTRUCTIONS": "SSE4_2",
        "MKL_CBWR": "COMPATIBLE",
        "ONEDNN_MAX_CPU_ISA": "SSE41",
    },
}


def test_env(threads: int, cpu: str = "native") -> dict[str, str]:
    """Environment for test runs: fixed thread count and CPU code path (reach the kernels too)."""
    env = dict(os.environ)
    for settings in CPU_PATHS.values():  # start from the native path, whatever the shell set
        for name in settings:
            env.pop(name, None)
    env.update(CPU_PATHS[cpu])
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
    run(PY, "-m", "ruff", "check", ".")
    run(PY, "-m", "ruff", "format", "--check", "lstm_helpers", "tests", "tools", "benchmarks")
    if not args.other_cpus:
        pytest(args.threads, args.cpu, args.workers, args.extra)
        return
    # What CI adds to the plain run: the unit tests and notebooks on every other CPU path and
    # with 2 threads (the browser tests check the front end, not numbers: once is enough).
    runs = [(1, cpu) for cpu in CPU_PATHS if cpu != "native"] + [(2, "native")]
    for threads, cpu in runs:
        print(f"=== tests with {threads} thread(s) on the {cpu} CPU path ===", flush=True)
        start = time.perf_counter()
        pytest(threads, cpu, 0, ["-m", "not browser", *args.extra])
        print(f"=== {cpu}, {threads} thread(s): passed in {time.perf_counter() - start:.0f} s")


def pytest(threads: int, cpu: str, workers: int, extra: list[str]) -> None:
    """Unit tests and nbval over every notebook, with `threads` torch threads per process."""
    # One pytest-xdist worker per `threads` cores: more would oversubscribe the CPU, and torch's
    # OpenMP threads then spin against each other (minutes per notebook instead of seconds).
    n = workers or max(1, (os.cpu_count() or 1) // threads)
    dist = ["-n", str(n), "--dist", "loadfile"] if n > 1 else []
    # --nbval-current-env: the kernels use this .venv, not whichever kernelspec is found.
    env = test_env(threads, cpu)
    run(PY, "-m", "pytest", "--nbval", "--nbval-current-env", *dist, *extra, env=env)


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
    test.add_argument(
        "--cpu",
        choices=list(CPU_PATHS),
        default="native",
        help="emulate another CPU's code path (default: this CPU's own)",
    )
    test.add_argument(
        "--other-cpus",
        action="store_true",
        help="run the suite on every other CPU path and with 2 threads (CI runs this too)",
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
