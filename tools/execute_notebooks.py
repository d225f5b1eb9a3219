#!/usr/bin/env python3
"""Re-execute notebooks in place, top to bottom, in a fresh kernel of *this* Python.

Usage (through the task runner, which sets the thread count):
    python3 tasks.py execute [notebooks/02_the_lstm_model.ipynb ...]

Each notebook runs in its own directory with a fresh kernel started from sys.executable
(like nbval's --nbval-current-env), so outputs match what the tests will see. Stored
widget state is removed afterwards: it changes on every run and nbval ignores it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient


class CurrentEnvKernelSpecs(KernelSpecManager):
    """Every kernel name resolves to an ipykernel of the running interpreter."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            display_name="Python 3 (ipykernel)",
            language="python",
        )


def strip_machine_paths(nb: nbformat.NotebookNode) -> None:
    """Make tracebacks show paths relative to the repository, not this machine's folders."""
    root = str(Path(__file__).resolve().parents[1]) + "/"
    home = str(Path.home()) + "/"
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [
                    line.replace(root, "").replace(home, "~/") for line in output["traceback"]
                ]


def execute(path: Path, timeout: int = 600) -> float:
    """Execute one notebook in place and return the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    km = KernelManager(kernel_name="python3", kernel_spec_manager=CurrentEnvKernelSpecs())
    client = NotebookClient(
        nb,
        km=km,
        timeout=timeout,
        record_timing=False,  # per-cell timestamps would change every run: noisy diffs
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    strip_machine_paths(nb)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nbformat.write(nb, path)
    return seconds


def main(paths: list[str]) -> None:
    if not paths:
        sys.exit("usage: execute_notebooks.py NOTEBOOK.ipynb [...]")
    for p in paths:
        seconds = execute(Path(p))
        print(f"executed {p} in {seconds:.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
