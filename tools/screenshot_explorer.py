#!/usr/bin/env python3
"""Regenerate docs/images/explorer.png: the explorer of notebook 06, live in JupyterLab.

Usage (through the task runner):  python3 tasks.py screenshot

Runs JupyterLab headless (tools/labserver.py) on a copy of notebook 06 with its outputs
cleared, runs every cell in Chromium (Debian's /usr/bin/chromium, driven by Playwright) at
1280x1000, and saves the first explorer's element as a PNG reduced to a 96-colour palette (a
screenshot of flat colours loses nothing visible, and the file stays small). The static site
(tools/build_site.py) shows it where the live explorer would be. Takes about 30 s.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from labserver import (  # run as a script: tools/ is sys.path[0]
    ALL_CELLS_RAN,
    CHROMIUM,
    CHROMIUM_ARGS,
    KERNEL_IDLE,
    lab_server,
)
from PIL import Image
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "06_hyperparameter_explorer.ipynb"
TARGET = ROOT / "docs" / "images" / "explorer.png"
COLOURS = 96


def shrink(png: bytes) -> bytes:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main() -> None:
    if not CHROMIUM.exists():
        sys.exit(f"needs Chromium at {CHROMIUM}: apt-get update && apt-get install -y chromium")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        nb = nbformat.read(NOTEBOOK, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(nb, Path(tmp) / NOTEBOOK.name)
        with lab_server(Path(tmp)) as lab, sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(120_000)
            page.goto(lab.url_for(f"lab/tree/{NOTEBOOK.name}"))
            page.wait_for_function(KERNEL_IDLE, timeout=180_000)
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_function(ALL_CELLS_RAN, timeout=300_000, polling=250)
            explorer = page.locator(".lstm-explorer").first
            expect(explorer.locator(".lstm-explorer-metrics")).to_contain_text("Run")
            expect(explorer.locator("img")).to_have_count(2)
            explorer.scroll_into_view_if_needed()
            png = explorer.screenshot()
            browser.close()
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_bytes(shrink(png))
    size = Image.open(TARGET).size
    print(
        f"wrote {TARGET.relative_to(ROOT)}: {size[0]}x{size[1]}, "
        f"{TARGET.stat().st_size / 1024:.0f} KB, in {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
