#!/usr/bin/env python3
"""A static HTML site of the executed notebooks, for reading without Python: build/site/.

Usage (through the task runner):  python3 tasks.py site   (then open build/site/index.html)

nbconvert's HTML exporter with the "lab" template (tools/site_template/lstm_site extends it),
on the notebooks as committed: their stored outputs, nothing executed. Every page has
previous / index / next links; the index page is the README's title, opening paragraph and
"The notebooks" section (its table). Figures are embedded as data: URIs; each gets alt text
from its description (docs/contributing.md, "Figure descriptions"). Links between notebooks
(.ipynb) point at their pages, links to the README at the index, links to other Markdown files
at pages made from them. The Solutions section is folded into a <details> element, as it is
collapsed in JupyterLab.

Offline at build and view time: no require.js, no Mermaid loader, MathJax 2.7 copied from the
jupyter-server-mathjax package into build/site/mathjax/ (so $math$ renders offline), the
widget state dropped (widgets cannot run in a static page: their plain-text form shows, and
the explorer of notebook 06 is shown as a screenshot, docs/images/explorer.png, made by
`python3 tasks.py screenshot`).
"""

from __future__ import annotations

import argparse
import base64
import copy
import html
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import nbformat
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
TEMPLATES = Path(__file__).resolve().parent / "site_template"
SCREENSHOT = ROOT / "docs" / "images" / "explorer.png"
MATHJAX, MATHJAX_CONFIG = "mathjax/MathJax.js", "?config=TeX-AMS-MML_HTMLorMML-full,Safe"
WIDGET = "application/vnd.jupyter.widget-view+json"
FIGURE = "*Figure:*"
NO_DESCRIPTION = "A figure made by the code above (its description is still to be written)."
HREF = re.compile(r'(href|src)="([^"#?]*)((?:[#?][^"]*)?)"')
EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|//|#|$)", re.I)
STATIC_NOTE = (
    "<strong>This is a static page.</strong> The interactive widgets of this notebook "
    "(sliders, buttons, live plots) need a running Python kernel and cannot run here; their "
    "places below show a short note or a screenshot. To use them, open the notebook in "
    "JupyterLab: <code>python3 tasks.py lab</code>."
)


# --- figure descriptions ----------------------------------------------------------------------


def image_count(cell: nbformat.NotebookNode) -> int:
    return sum(
        "image/png" in o.get("data", {}) or "image/jpeg" in o.get("data", {})
        for o in cell.get("outputs", [])
    )


def plain_text(markdown: str) -> str:
    """A Markdown sentence as plain text, for an alt attribute."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)  # links and images: their text
    text = re.sub(r"[*_`]", "", text)
    return " ".join(text.split())


def figure_descriptions(nb: nbformat.NotebookNode, index: int) -> list[str]:
    """The descriptions of the figures in code cell `index`: the paragraphs starting with
    "*Figure:*" at the top of the markdown cell right after it (one per figure, in order)."""
    if index + 1 >= len(nb.cells) or nb.cells[index + 1].cell_type != "markdown":
        return []
    found = []
    for paragraph in re.split(r"\n\s*\n", nb.cells[index + 1].source.strip()):
        if not paragraph.startswith(FIGURE):
            break
        found.append(plain_text(paragraph[len(FIGURE) :]))
    return found


def missing_descriptions(nb: nbformat.NotebookNode) -> list[str]:
    """Code cells whose figures lack a description, as 'code cell N: k figures, d described'."""
    problems = []
    code_number = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        code_number += 1
        n = image_count(cell)
        described = len(figure_descriptions(nb, i))
        if n and described != n:
            problems.append(f"code cell {code_number}: {n} figures, {described} described")
    return problems


# --- pages and links ---------------------------------------------------------------------------


@dataclass
class Page:
    source: Path  # in the repository
    site_path: str  # relative to the site root, POSIX
    title: str


def site_path_of(source: Path) -> str:
    """Where a repository file lands in the site."""
    source = source.resolve()
    if source == (ROOT / "README.md").resolve():
        return "index.html"
    try:
        rel = PurePosixPath(source.relative_to(NOTEBOOKS).as_posix())
    except ValueError:
        rel = PurePosixPath("repository") / source.relative_to(ROOT).as_posix()
    if rel.suffix in (".ipynb", ".md"):
        rel = rel.with_suffix(".html")
    return str(rel)


class Links:
    """Rewrites relative links of a page to site paths; collects what else must be built."""

    def __init__(self) -> None:
        self.markdown_pages: dict[Path, str] = {}  # Markdown files linked: rendered as pages
        self.files: dict[Path, str] = {}  # other linked files: copied

    def rewrite(self, page_html: str, source: Path, site_path: str) -> str:
        here = PurePosixPath(site_path).parent

        def repl(match: re.Match) -> str:
            attr, target, suffix = match.groups()
            if EXTERNAL.match(target) or target.startswith("data:"):
                return match.group(0)
            resolved = (source.parent / target).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                return match.group(0)  # left as is: the link test reports it
            dest = site_path_of(resolved)
            if resolved.suffix == ".md" and dest != "index.html":
                self.markdown_pages.setdefault(resolved, dest)
            elif resolved.suffix not in (".ipynb", ".md"):
                self.files.setdefault(resolved, dest)
            if dest == "index.html":
                suffix = ""  # the index holds the README's table only: no anchors to keep
            return f'{attr}="{os.path.relpath(dest, here or ".")}{suffix}"'

        return HREF.sub(repl, page_html)


def nav(pages: list[Page], i: int | None, where: str, site_path: str = "index.html") -> str:
    """Previous / index / next links for page i (None: a page that is not a notebook's)."""
    here = PurePosixPath(pages[i].site_path if i is not None else site_path).parent

    def link(page: Page, label: str) -> str:
        href = os.path.relpath(page.site_path, here)
        return f'<a href="{html.escape(href)}">{label}</a>'

    home = os.path.relpath("index.html", here)
    parts = [f'<a href="{home}">All notebooks</a>']
    if i is not None and i > 0:
        parts.insert(0, link(pages[i - 1], f"← {html.escape(pages[i - 1].title)}"))
    else:
        parts.insert(0, "<span></span>")
    if i is not None and i + 1 < len(pages):
        parts.append(link(pages[i + 1], f"{html.escape(pages[i + 1].title)} →"))
    elif i is None and pages:
        parts.append(link(pages[0], f"Start: {html.escape(pages[0].title)} →"))
    else:
        parts.append("<span></span>")
    return f'<nav class="site-nav {where}" aria-label="notebooks">{"".join(parts)}</nav>'


def notebook_title(nb: nbformat.NotebookNode, fallback: str) -> str:
    first = nb.cells[0].source if nb.cells and nb.cells[0].cell_type == "markdown" else ""
    m = re.match(r"#\s+(.+)", first)
    return m.group(1).strip() if m else fallback


def readme_index_markdown() -> str:
    """The README's title and opening paragraph, and its "The notebooks" section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    title = re.search(r"^# .+$", text, re.M)
    opening = text[title.end() :].strip().split("\n\n", 1)[0] if title else ""
    section = re.search(r"^## The notebooks\n(.*?)(?=^## )", text, re.M | re.S)
    if not title or not section:
        raise ValueError("README.md needs a '# ' title and a '## The notebooks' section")
    return f"{title.group(0)}\n\n{opening}\n\n## The notebooks\n{section.group(1)}"


# --- the notebook before conversion -----------------------------------------------------------


def screenshot_html(alt: str) -> str:
    if not SCREENSHOT.exists():
        return ""
    data = base64.b64encode(SCREENSHOT.read_bytes()).decode()
    return f'<br><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


def prepare(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, bool]:
    """A copy ready for the static page; True if it had interactive widgets."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    interactive = False
    shown_screenshot = False
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        descriptions = figure_descriptions(nb, i)
        figures = 0
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data:
                alt = descriptions[figures] if figures < len(descriptions) else NO_DESCRIPTION
                out.setdefault("metadata", {})["site_alt"] = alt
                figures += 1
            if WIDGET not in data:
                continue
            del data[WIDGET]  # no widget state: show the plain-text form instead
            plain = "".join(data.get("text/plain", ""))
            if plain.startswith("["):
                continue  # a widget that wrote its own static text, e.g. a progress bar
            interactive = True
            note = (
                "<strong>A live widget was here.</strong> It needs a running kernel and cannot "
                "run in a static page."
            )
            if plain.startswith("<Explorer") and not shown_screenshot and SCREENSHOT.exists():
                note += " This is what the explorer looks like in JupyterLab:" + screenshot_html(
                    "Screenshot of the hyperparameter explorer in JupyterLab: menus and sliders "
                    "for the model, training and data settings, Train and Reset buttons, the "
                    "metrics of the last run, its loss curves and its one-step forecast against "
                    "the test series, and a table of past runs."
                )
                shown_screenshot = True
            out["data"] = {"text/html": f'<div class="site-note">{note}</div>'}
    for cell in nb.cells:  # nbconvert names cell anchors after ids: make sure every cell has one
        cell.setdefault("id", f"cell-{nb.cells.index(cell)}")
    return nb, interactive


def fold_solutions(page_html: str, nb: nbformat.NotebookNode) -> str:
    """Wrap the Solutions section's cells in a closed <details> element."""
    md = [c.source if c.cell_type == "markdown" else "" for c in nb.cells]
    start = next((i for i, s in enumerate(md) if s.startswith("## Solutions")), None)
    if start is None:
        return page_html
    end = next((i for i, s in enumerate(md) if i > start and s.startswith("## ")), None)

    def tag_of(cell: nbformat.NotebookNode) -> int:
        """Where the <div> of a cell starts (its id attribute may follow its class)."""
        at = page_html.find(f'id="cell-id={cell.id}"')
        return page_html.rfind("<div", 0, at) if at >= 0 else -1

    open_at = tag_of(nb.cells[start])
    close_at = tag_of(nb.cells[end]) if end else -1
    if open_at < 0 or close_at < open_at:
        return page_html
    summary = (
        '<details class="site-solutions"><summary>Solutions (open after trying the exercises)'
        "</summary>\n"
    )
    return (
        page_html[:open_at]
        + summary
        + page_html[open_at:close_at]
        + "</details>\n"
        + page_html[close_at:]
    )


# --- building ---------------------------------------------------------------------------------


def exporter() -> HTMLExporter:
    return HTMLExporter(
        template_name="lstm_site",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_anchor_links=False,
    )


def render(
    ex: HTMLExporter, nb: nbformat.NotebookNode, title: str, site: dict, site_path: str
) -> str:
    nb.metadata["title"] = title
    here = PurePosixPath(site_path).parent
    ex.mathjax_url = os.path.relpath(MATHJAX, here) + MATHJAX_CONFIG  # from this page's folder
    body, _ = ex.from_notebook_node(nb, resources={"site": site})
    return body


def copy_mathjax(out: Path) -> None:
    import jupyter_server_mathjax

    static = Path(jupyter_server_mathjax.__file__).parent / "static"
    shutil.copytree(static, out / "mathjax")


def build(out: Path, paths: list[Path] | None = None) -> list[Path]:
    """Build the site into `out` (emptied first); return the HTML files written."""
    paths = paths or sorted(NOTEBOOKS.glob("[0-9][0-9]*.ipynb"))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    copy_mathjax(out)
    ex = exporter()
    links = Links()
    notebooks = [nbformat.read(p, as_version=4) for p in paths]
    pages = [
        Page(p, site_path_of(p), notebook_title(nb, p.stem))
        for p, nb in zip(paths, notebooks, strict=True)
    ]
    written = []

    def write(site_path: str, text: str) -> None:
        target = out / site_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)

    for i, (page, nb) in enumerate(zip(pages, notebooks, strict=True)):
        prepared, interactive = prepare(nb)
        site = {
            "nav_top": nav(pages, i, "top"),
            "nav_bottom": nav(pages, i, "bottom"),
            "banner": f'<div class="site-note">{STATIC_NOTE}</div>' if interactive else "",
        }
        body = fold_solutions(render(ex, prepared, page.title, site, page.site_path), prepared)
        write(page.site_path, links.rewrite(body, page.source, page.site_path))

    index_nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(readme_index_markdown())]
    )
    site = {
        "nav_top": nav(pages, None, "top"),
        "nav_bottom": nav(pages, None, "bottom"),
        "banner": "",
    }
    body = render(ex, index_nb, "Learn LSTMs in PyTorch: the notebooks", site, "index.html")
    write("index.html", links.rewrite(body, ROOT / "README.md", "index.html"))

    done: set[Path] = set()
    while set(links.markdown_pages) - done:  # Markdown pages linked from pages, and theirs
        source = sorted(set(links.markdown_pages) - done)[0]
        done.add(source)
        dest = links.markdown_pages[source]
        md_nb = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_markdown_cell(source.read_text(encoding="utf-8"))]
        )
        site = {"nav_top": nav(pages, None, "top", dest), "nav_bottom": "", "banner": ""}
        title = notebook_title(md_nb, source.name)
        body = render(ex, md_nb, title, site, dest)
        write(dest, links.rewrite(body, source, dest))
    for source, dest in links.files.items():
        (out / dest).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, out / dest)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    written = build(args.out, args.notebooks or None)
    for nb_path in args.notebooks or sorted(NOTEBOOKS.glob("[0-9][0-9]*.ipynb")):
        missing = missing_descriptions(nbformat.read(nb_path, as_version=4))
        if missing:
            print(f"{nb_path.name}: figures without a description: {len(missing)} cells")
    print(f"{len(written)} pages in {args.out}; open {args.out / 'index.html'}")


if __name__ == "__main__":
    sys.exit(main())
