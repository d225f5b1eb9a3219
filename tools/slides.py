#!/usr/bin/env python3
"""Slide metadata for presenting the notebooks with RISE, set by rules, idempotent.

Usage (through the task runner):
    python3 tasks.py slides                  # set the metadata on every numbered notebook
    python3 tasks.py slides --check          # only report notebooks whose metadata differ
    python3 tasks.py slides notebooks/03_training_with_clipping.ipynb

The rules, applied to each cell in order (the first that matches decides):
1. the Solutions section (its "## Solutions" heading up to the next "## " heading): skip;
2. a markdown cell starting with "# " or "## ": slide (a new horizontal slide);
3. a markdown cell starting with "### ": subslide (a new vertical slide);
4. a set-up code cell (only imports, `%` magics, `torch.set_num_threads`, comments) without
   output: skip (it still runs with Run All before the talk);
5. a cell that would make the current (sub)slide taller than a projector's 720 pixels (by the
   estimate below) starts a subslide; a cell taller than that on its own gets a subslide of
   its own (and `too_tall` reports it: shorten it, or split its output);
6. a markdown cell right after a code cell on the same slide (the "what to notice" sentence):
   fragment, so the class can answer before it appears; figure descriptions ("*Figure:*") stay
   with their figure ("-");
7. anything else: "-" (continues the current slide).

Heights are estimated in CSS pixels at 1280x720, the size the notebook's `rise` metadata sets
(RISE scales that box to the screen, so 1024x768 shows the same slides smaller): code and
text lines, markdown lines wrapped at the slide's width, tables by rows, images by their
pixel size scaled to the slide's width, widgets by a fixed height. tests/test_browser_slides.py
measures the real slides in Chromium. Running the tool twice changes nothing.
"""

from __future__ import annotations

import argparse
import base64
import math
import re
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

WIDTH, HEIGHT = 1280, 720  # the slide box; RISE scales it to the window
RISE = {
    "width": WIDTH,
    "height": HEIGHT,
    "scroll": True,
    "theme": "white",
    "start_slideshow_at": "beginning",
}
BUDGET = 600  # px of content per slide: 720 less reveal's margins, the cell chrome and controls
CODE_LINE, TEXT_LINE, MD_LINE = 20, 19, 24  # px per line: code, output text, markdown text
MD_CHARS = 105  # characters per markdown line at the slide's width
CODE_COLUMNS = 110  # characters of code or output before the line wraps or scrolls
HEADING = {1: 60, 2: 50, 3: 40, 4: 32}  # px a heading line takes
CELL_CHROME = 24  # px around each cell (padding, prompt margins)
WIDGET = {"Explorer": 560, "default": 40}  # px for widget views by their text/plain start
IMAGE_WIDTH = WIDTH - 120  # images wider than this are scaled down to it
SETUP_LINE = re.compile(
    r"^\s*($|#|import\s|from\s+\S+\s+import\s|%|torch\.set_num_threads\()", re.ASCII
)
FIGURE_DESCRIPTION = "*Figure:*"
OUTPUT_GAP = 10  # px between outputs
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def markdown_height(source: str) -> int:
    height = 0
    for line in source.splitlines():
        stripped = line.strip()
        heading = re.match(r"^(#{1,6})\s", stripped)
        if heading:
            height += HEADING.get(len(heading.group(1)), 28)
        elif stripped.startswith("|"):
            height += 33 if not re.fullmatch(r"\|[\s:|-]+\|?", stripped) else 0
        elif stripped.startswith("$$"):
            height += 2 * MD_LINE
        elif stripped:
            height += MD_LINE * max(1, math.ceil(len(stripped) / MD_CHARS))
        else:
            height += MD_LINE // 2  # paragraph gap
    return height


def png_size(data: str) -> tuple[int, int]:
    head = base64.b64decode(data[:64])
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def text_lines(text: str) -> int:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return sum(max(1, math.ceil(len(line) / CODE_COLUMNS)) for line in lines)


def output_height(output: dict) -> int:
    kind = output.get("output_type")
    if kind == "stream":
        text = output.get("text", "")
        text = "".join(text) if isinstance(text, list) else text
        return TEXT_LINE * text_lines(re.sub(r"[^\n]*\r", "", text))
    if kind == "error":  # the whole traceback shows, ANSI colour codes aside
        traceback = ANSI.sub("", "\n".join(output.get("traceback", [])))
        return OUTPUT_GAP + TEXT_LINE * text_lines(traceback)
    data = output.get("data", {})
    if "application/vnd.jupyter.widget-view+json" in data:
        plain = "".join(data.get("text/plain", ""))
        for name, px in WIDGET.items():
            if name in plain:
                return px
        return WIDGET["default"]
    if "image/png" in data:
        png = data["image/png"]
        width, height = png_size("".join(png) if isinstance(png, list) else png)
        return OUTPUT_GAP + math.ceil(height * min(1.0, IMAGE_WIDTH / width))
    if "text/html" in data:
        html = "".join(data["text/html"])
        return TEXT_LINE * max(2, html.count("<tr") + html.count("<br") + html.count("<p"))
    if "text/plain" in data:
        return TEXT_LINE * text_lines("".join(data["text/plain"]))
    return 0


def cell_height(cell: nbformat.NotebookNode) -> int:
    if cell.cell_type == "markdown":
        return CELL_CHROME + markdown_height(cell.source)
    if cell.cell_type != "code":
        return CELL_CHROME + TEXT_LINE * len(cell.source.splitlines())
    code = CODE_LINE * max(1, len(cell.source.splitlines()))
    return CELL_CHROME + code + sum(output_height(o) for o in cell.get("outputs", []))


def is_setup(cell: nbformat.NotebookNode) -> bool:
    if cell.cell_type != "code" or cell.get("outputs"):
        return False
    lines = cell.source.splitlines()
    return bool(lines) and all(SETUP_LINE.match(line) for line in lines)


def solutions_range(nb: nbformat.NotebookNode) -> range:
    md = [c.source if c.cell_type == "markdown" else "" for c in nb.cells]
    start = next((i for i, s in enumerate(md) if s.startswith("## Solutions")), None)
    if start is None:
        return range(0)
    end = next((i for i, s in enumerate(md) if i > start and s.startswith("## ")), len(md))
    return range(start, end)


@dataclass
class Plan:
    types: list[str]  # one slide_type per cell
    too_tall: list[int]  # indices of cells estimated taller than a slide on their own


def plan(nb: nbformat.NotebookNode) -> Plan:
    """The slide type of every cell, by the rules in this module's docstring."""
    skipped = solutions_range(nb)
    types: list[str] = []
    too_tall: list[int] = []
    used = 0  # estimated px on the current (sub)slide
    previous: str | None = None  # cell type of the previous shown cell on this slide
    for i, cell in enumerate(nb.cells):
        src = cell.source.lstrip() if cell.cell_type == "markdown" else ""
        height = cell_height(cell)
        if i in skipped or is_setup(cell):
            types.append("skip")
            continue
        if re.match(r"#{1,2}\s", src):
            kind, used = "slide", 0
        elif src.startswith("### "):
            kind, used = "subslide", 0
        elif i > 0 and used + height > BUDGET and used > 0:
            kind, used = "subslide", 0
        elif (
            cell.cell_type == "markdown"
            and previous == "code"
            and not src.startswith(FIGURE_DESCRIPTION)
        ):
            kind = "fragment"
        else:
            kind = "-"
        if i == 0 and kind in ("-", "fragment", "subslide"):
            kind = "slide"
        if height > BUDGET:
            too_tall.append(i)
        used += height
        previous = cell.cell_type
        types.append(kind)
    return Plan(types, too_tall)


@dataclass
class Slide:
    """One (sub)slide as RISE shows it: reveal's section id is f"slide-{h}-{v}"."""

    h: int
    v: int
    cells: list[int]  # indices in nb.cells
    height: int  # estimated px, fragments included (they take their space from the start)
    too_tall: bool  # a cell on it is estimated taller than a slide on its own

    @property
    def id(self) -> str:
        return f"slide-{self.h}-{self.v}"


def slides(nb: nbformat.NotebookNode, types: list[str] | None = None) -> list[Slide]:
    """The slides that `types` (default: the rules' plan) make of the notebook's cells."""
    result = plan(nb)
    types = result.types if types is None else types
    found: list[Slide] = []
    for i, (cell, kind) in enumerate(zip(nb.cells, types, strict=True)):
        if kind in ("skip", "notes"):
            continue
        if not found or kind == "slide":
            h = found[-1].h + 1 if found else 0
            found.append(Slide(h, 0, [], 0, False))
        elif kind == "subslide":
            found.append(Slide(found[-1].h, found[-1].v + 1, [], 0, False))
        found[-1].cells.append(i)
        found[-1].height += cell_height(cell)
        found[-1].too_tall |= i in result.too_tall
    return found


def current_types(nb: nbformat.NotebookNode) -> list[str | None]:
    return [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]


def apply(nb: nbformat.NotebookNode) -> bool:
    """Set slide metadata (and the notebook's `rise` settings); True if anything changed."""
    wanted = plan(nb).types
    changed = False
    for cell, kind in zip(nb.cells, wanted, strict=True):
        if cell.metadata.get("slideshow") != {"slide_type": kind}:
            cell.metadata["slideshow"] = {"slide_type": kind}
            changed = True
    if nb.metadata.get("rise") != RISE:
        nb.metadata["rise"] = dict(RISE)
        changed = True
    return changed


def differences(nb: nbformat.NotebookNode) -> list[str]:
    """Where the stored slide metadata differs from the rules (empty: consistent)."""
    found = [
        f"cell {i}: {have!r}, the rules say {want!r}"
        for i, (have, want) in enumerate(zip(current_types(nb), plan(nb).types, strict=True))
        if have != want
    ]
    if nb.metadata.get("rise") != RISE:
        found.append(f"notebook metadata 'rise': {nb.metadata.get('rise')!r}, want {RISE!r}")
    return found


def has_slides(nb: nbformat.NotebookNode) -> bool:
    return any(t is not None for t in current_types(nb))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="report differences, change nothing")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("[0-9][0-9]*.ipynb"))
    status = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        result = plan(nb)
        slides = sum(t in ("slide", "subslide") for t in result.types)
        tall = (
            f"; estimated taller than a slide: cells {result.too_tall}" if result.too_tall else ""
        )
        if args.check:
            diff = differences(nb)
            status |= bool(diff)
            verdict = "consistent" if not diff else f"{len(diff)} differences, e.g. {diff[0]}"
            print(f"{path.name}: {verdict}")
            continue
        if apply(nb):
            nbformat.write(nb, path)
            print(f"{path.name}: slide metadata set, {slides} slides{tall}")
        else:
            print(f"{path.name}: unchanged, {slides} slides{tall}")
    return status


if __name__ == "__main__":
    sys.exit(main())
