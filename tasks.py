#!/usr/bin/env python3
"""Project commands: set up the environment, open the notebooks, run the tests.

    python3 tasks.py lab        create/update .venv (learner set), then open JupyterLab
    python3 tasks.py test       create/update .venv (full set), then ruff + unit tests + nbval
    python3 tasks.py test --cpu generic      the same on another CPU code path (see CPU_PATHS)
    python3 tasks.py test --other-cpus       the suite on the generic path, then AVX2 with 2 threads
    python3 tasks.py execute    re-execute notebooks in place (all, or the ones named)
    python3 tasks.py bench      run the benchmarks in benchmarks/
    python3 tasks.py student    student copies (no solutions) in build/student/; --nbgrader
                                also writes an nbgrader course in build/nbgrader/
    python3 tasks.py slides     set slide metadata on notebooks by the rules (--check: only check)
    python3 tasks.py site       a static HTML site of the executed notebooks in build/site/
    python3 tasks.py screenshot regenerate docs/images/explorer.png (JupyterLab + Chromium)

Only the standard library is used here, so this file runs with any Python >= 3.10.
The environment is `.venv/` beside this file. Two pinned sets: requirements/lab.lock (what the
notebooks need: `lab`, `student`, `slides`) and requirements/test.lock (a superset: tests,
nbgrader, the site's MathJax: `test`, `site`, `screenshot`, `execute`, `bench`). A set is
(re)installed whenever its lock file or `pyproject.toml` changes.
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
NOTEBOOKS = ROOT / "notebooks"
# The pinned package sets: the learner set, and the full set (a superset with the same pins).
LOCKS = {"lab": ROOT / "requirements" / "lab.lock", "test": ROOT / "requirements" / "test.lock"}
EXTRAS = {"lab": "notebooks", "test": "notebooks,teach,test"}


def run(*cmd: str | Path, env: dict[str, str] | None = None) -> None:
    """Run a command from the project root; stop with its exit code if it fails."""
    print("+", " ".join(str(c) for c in cmd), flush=True)
    code = subprocess.call([str(c) for c in cmd], cwd=ROOT, env=env)
    if code != 0:
        sys.exit(code)


def stamp(kind: str) -> Path:
    return VENV / f".installed-{kind}"


def wanted(kind: str) -> str:
    """A hash of what the set `kind` installs from: its lock file and pyproject.toml."""
    inputs = [LOCKS[kind], ROOT / "pyproject.toml"]
    return hashlib.sha256(b"".join(p.read_bytes() for p in inputs)).hexdigest()


def installed(kind: str) -> bool:
    path = stamp(kind)
    return PY.exists() and path.exists() and path.read_text().strip() == wanted(kind)


def ensure_env(kind: str = "test") -> None:
    """Create .venv and install the pinned set `kind` ("lab" or "test") plus this package.

    The full set contains the learner set with the same pins, so an environment with the
    full set installed serves `lab` too; `lab` never removes the test packages.
    """
    if installed(kind) or (kind == "lab" and installed("test")):
        return
    if not PY.exists():
        print(f"Creating a virtual environment in {VENV.name}/ ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    # The lock file pins every package (direct and transitive) to the tested versions.
    lock = LOCKS[kind].relative_to(ROOT)
    run(PY, "-m", "pip", "install", "--quiet", "-r", lock, "-e", f".[{EXTRAS[kind]}]")
    stamp(kind).write_text(wanted(kind) + "\n")
    if kind == "test":
        stamp("lab").write_text(wanted("lab") + "\n")  # same pins: the learner set is there


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
    # Threads that wait sleep instead of spinning, so several multi-threaded processes can
    # share the cores (see `pytest`). It changes how threads wait, not what they compute.
    env["OMP_WAIT_POLICY"] = "PASSIVE"
    env["PYTHONHASHSEED"] = "0"
    env.pop("MPLBACKEND", None)  # notebooks choose `%matplotlib inline` themselves
    return env


def cmd_lab(args: argparse.Namespace) -> None:
    ensure_env("lab")
    run(BIN / "jupyter", "lab", str(NOTEBOOKS), *args.extra)


def cmd_test(args: argparse.Namespace) -> None:
    ensure_env("test")
    run(PY, "-m", "ruff", "check", ".")
    run(PY, "-m", "ruff", "format", "--check", "lstm_helpers", "tests", "tools", "benchmarks")
    if not args.other_cpus:
        pytest(args.threads, args.cpu, args.workers, args.extra)
        return
    # What CI adds to the plain run: the unit tests and notebooks on the generic CPU path, and
    # on the AVX2 path with 2 threads. One run varies two things at once (a third run would
    # add about five minutes to CI on 2 cores); a failure there is narrowed down with `--cpu avx2`
    # or `--threads 2` alone. The browser and tooling tests check the front end, the classroom
    # tools and the plumbing (worker processes, what an import loads), not numbers: once is enough.
    runs = [(1, "generic"), (2, "avx2")]
    for threads, cpu in runs:
        print(f"=== tests with {threads} thread(s) on the {cpu} CPU path ===", flush=True)
        start = time.perf_counter()
        pytest(threads, cpu, 0, ["-m", "not browser and not tooling", *args.extra])
        print(f"=== {cpu}, {threads} thread(s): passed in {time.perf_counter() - start:.0f} s")


def pytest(threads: int, cpu: str, workers: int, extra: list[str]) -> None:
    """Unit tests and nbval over every notebook, with `threads` torch threads per process."""
    # One pytest-xdist worker per core, whatever `threads` is. With 2 threads per process that
    # oversubscribes the cores; with OpenMP's default busy-waiting the threads then spun against
    # each other (minutes per notebook), but with OMP_WAIT_POLICY=PASSIVE (test_env) the 2-thread
    # suite on 2 cores took 352 s with two workers against 485 s with one.
    n = workers or max(1, os.cpu_count() or 1)
    # Whole files per worker (a notebook's cells share one kernel), in xdist's order. Starting
    # the longest files first was slower in the one comparison made (native 411 s against 368 s):
    # the browser and classroom-tool tests run several processes each (JupyterLab, Chromium, a
    # kernel), which then competed with the heaviest notebooks instead of filling the end.
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


def cmd_student(args: argparse.Namespace) -> None:
    # Student copies need only nbformat (learner set); nbgrader comes with the full set.
    ensure_env("test" if args.nbgrader else "lab")
    opts = ["--nbgrader"] * args.nbgrader + ["--validate"] * args.validate
    run(PY, ROOT / "tools" / "student_copies.py", *opts, *args.notebooks, env=test_env(1))


def cmd_slides(args: argparse.Namespace) -> None:
    ensure_env("lab")
    run(PY, ROOT / "tools" / "slides.py", *["--check"] * args.check, *args.notebooks)


def cmd_site(args: argparse.Namespace) -> None:
    ensure_env("test")  # the local MathJax (jupyter-server-mathjax) is in the full set
    run(PY, ROOT / "tools" / "build_site.py", *args.extra)


def cmd_screenshot(args: argparse.Namespace) -> None:
    ensure_env("test")  # playwright; Chromium from Debian (apt-get install chromium)
    run(PY, ROOT / "tools" / "screenshot_explorer.py", *args.extra, env=test_env(1))


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
        help="run the suite on the generic path, then on AVX2 with 2 threads (CI runs this too)",
    )
    test.set_defaults(func=cmd_test)
    ex = sub.add_parser("execute", help="re-execute notebooks in place, top to bottom")
    ex.add_argument("notebooks", nargs="*", help="notebook paths (default: all numbered ones)")
    ex.add_argument("--threads", type=int, default=1)
    ex.set_defaults(func=cmd_execute)
    bench = sub.add_parser("bench", help="run benchmarks/bench_*.py")
    bench.add_argument("--threads", type=int, default=1)
    bench.set_defaults(func=cmd_bench)
    student = sub.add_parser("student", help="student copies without solutions in build/student/")
    student.add_argument("notebooks", nargs="*", help="notebook paths (default: all numbered ones)")
    student.add_argument(
        "--nbgrader", action="store_true", help="also an nbgrader course in build/nbgrader/"
    )
    student.add_argument(
        "--validate", action="store_true", help="with --nbgrader: execute every source version"
    )
    student.set_defaults(func=cmd_student)
    slides = sub.add_parser("slides", help="set RISE slide metadata on notebooks by the rules")
    slides.add_argument("notebooks", nargs="*", help="notebook paths (default: all numbered ones)")
    slides.add_argument("--check", action="store_true", help="only report differences")
    slides.set_defaults(func=cmd_slides)
    site = sub.add_parser("site", help="static HTML site of the executed notebooks in build/site/")
    site.set_defaults(func=cmd_site)
    shot = sub.add_parser("screenshot", help="regenerate docs/images/explorer.png")
    shot.set_defaults(func=cmd_screenshot)
    args, extra = parser.parse_known_args()
    if args.command in ("execute", "student", "slides") and extra:
        parser.error(f"unknown arguments: {extra}")
    args.extra = extra
    args.func(args)


if __name__ == "__main__":
    main()
