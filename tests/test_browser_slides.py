"""Slides and the set-up check in a real browser: JupyterLab + RISE in headless Chromium.

One JupyterLab server (tools/labserver.py) on a folder holding a copy of notebook 01 with the
slide metadata of tools/slides.py applied, and a one-cell notebook running `lh.setup_check()`.

- The slideshow: RISE's presenter (what JupyterLab's "RISE: Slideshow" commands open) at
  1280x720, stepped with the space bar through every slide and fragment. Every slide the
  rules place must be reached in order, every slide must fit the 720-pixel box unless the
  rules flagged one of its cells as taller than a slide (those are reported), and the page
  must not reach past 127.0.0.1 (offline: no fonts or scripts from the web). Screenshots and
  a JSON report of slide heights go to test-artifacts/.
- The set-up check: run in JupyterLab, its widget line must turn into "widgets render here".

Needs Debian's Chromium and playwright, like tests/test_browser_e2e.py; skipped without them.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat
import pytest

from tools import slides as sl
from tools.labserver import (
    ALL_CELLS_RAN,
    CHROMIUM,
    CHROMIUM_ARGS,
    KERNEL_IDLE,
    Lab,
    lab_server,
    only_local,
)

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
DECK = "01_data_and_shapes.ipynb"
SETUP = "setup_check.ipynb"
PRESENT = """() => {
  const s = document.querySelector('.reveal .slides section.present > section.present')
    || document.querySelector('.reveal .slides section.present');
  return {id: s.id, height: s.scrollHeight,
          fragments: document.querySelectorAll('.reveal .fragment.visible').length};
}"""

# Tools, not numbers: run once, not again on every CPU path (tasks.py test --other-cpus).
pytestmark = [
    pytest.mark.tooling,
    pytest.mark.browser,
    pytest.mark.skipif(
        sync_playwright is None or not CHROMIUM.exists(),
        reason=(
            "real-browser test: needs Debian's Chromium at /usr/bin/chromium "
            "(enable with `apt-get update && apt-get install -y chromium`, as root) and the "
            "playwright package (`python3 tasks.py test` installs it); never `playwright install`"
        ),
    ),
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("slides")
    nb = nbformat.read(ROOT / "notebooks" / DECK, as_version=4)
    sl.apply(nb)
    nbformat.write(nb, folder / DECK)
    check = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import lstm_helpers as lh\n\nlh.setup_check()")]
    )
    check.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(check, folder / SETUP)
    with lab_server(folder) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def test_slideshow_steps_through_every_slide_offline_and_slides_fit(lab: Lab, browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    planned = sl.slides(nbformat.read(ROOT / "notebooks" / DECK, as_version=4))
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    external: list[str] = []
    page.on("request", lambda r: None if only_local(r.url) else external.append(r.url))
    started = time.perf_counter()
    try:
        page.goto(lab.url_for(f"rise/{DECK}"))
        page.wait_for_selector(".reveal .slides section.present .jp-Cell", timeout=90_000)
        state = page.evaluate(PRESENT)
        seen = {state["id"]: state["height"]}
        page.screenshot(path=str(ARTIFACTS / "slides-01-first.png"))
        still = 0
        while still < 2:  # the last slide: space no longer changes anything
            page.keyboard.press("Space")
            time.sleep(0.3)
            new = page.evaluate(PRESENT)
            still = still + 1 if new == state else 0
            if new["id"] not in seen:
                seen[new["id"]] = new["height"]
                if len(seen) == 3:  # a slide with a figure
                    page.screenshot(path=str(ARTIFACTS / "slides-01-figure.png"))
            state = new
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "slides-01-failure.png"))
        print(f"JupyterLab log (last lines):\n{lab.tail()}")
        raise
    finally:
        page.close()
    report = [
        {
            "slide": s.id,
            "cells": s.cells,
            "estimated": s.height,
            "measured": seen.get(s.id),
            "flagged_too_tall": s.too_tall,
        }
        for s in planned
    ]
    (ARTIFACTS / "slides-01.json").write_text(json.dumps(report, indent=1))
    overflow = [r for r in report if (r["measured"] or 0) > sl.HEIGHT]
    print(
        f"{len(seen)} slides in {time.perf_counter() - started:.1f} s; taller than "
        f"{sl.HEIGHT} px (they scroll): {[(r['slide'], r['measured']) for r in overflow]}"
    )
    assert list(seen) == [s.id for s in planned], "RISE's slides differ from the rules' plan"
    assert not external, f"the slideshow reached past this machine: {external[:3]}"
    unexpected = [r for r in overflow if not r["flagged_too_tall"]]
    assert not unexpected, f"slides the rules expected to fit overflow: {unexpected}"
    assert sum(r["measured"] <= sl.HEIGHT for r in report) >= len(report) * 2 // 3


def test_setup_check_reports_that_widgets_render_in_jupyterlab(lab: Lab, browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(60_000)
    try:
        page.goto(lab.url_for(f"lab/tree/{SETUP}"))
        page.wait_for_function(KERNEL_IDLE, timeout=120_000)
        for command in ("RISE:preview", "RISE:slideshow"):  # JupyterLab's slideshow commands
            assert page.evaluate(f"() => window.jupyterapp.commands.hasCommand('{command}')")
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(ALL_CELLS_RAN, timeout=120_000, polling=250)
        line = page.locator(".lstm-setup-check").first
        expect(line).to_contain_text("widgets render here")
        expect(line).to_contain_text("jupyterlab-rise")
        page.screenshot(path=str(ARTIFACTS / "setup-check.png"))
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "setup-check-failure.png"))
        print(f"JupyterLab log (last lines):\n{lab.tail()}")
        raise
    finally:
        page.close()
