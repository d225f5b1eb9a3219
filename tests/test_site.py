"""The static site (tools/build_site.py): offline pages, navigation, links, figures, alt text.

The site is built once per run into a temporary folder from the committed notebooks. The
browser test serves it on 127.0.0.1, follows every internal link from the index, and checks
that each page loads, is not empty, shows every image (naturalWidth > 0), renders its math
with the local MathJax, and requests nothing beyond 127.0.0.1.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import nbformat
import pytest

from tools import build_site as bs
from tools.labserver import CHROMIUM, CHROMIUM_ARGS

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


# Tools, not numbers: run once, not again on every CPU path (tasks.py test --other-cpus).
pytestmark = pytest.mark.tooling

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*.ipynb"))
ARTIFACTS = ROOT / "test-artifacts"
needs_browser = pytest.mark.skipif(
    sync_playwright is None or not CHROMIUM.exists(),
    reason=(
        "real-browser test: needs Debian's Chromium at /usr/bin/chromium "
        "(enable with `apt-get update && apt-get install -y chromium`, as root) and the "
        "playwright package (`python3 tasks.py test` installs it); never `playwright install`"
    ),
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    bs.build(out)
    return out


def figure_cell(images: int) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("ax = plot()")
    png = "iVBORw0KGgo="  # only its presence matters here
    cell.outputs = [
        nbformat.v4.new_output("display_data", {"image/png": png, "text/plain": "<Figure>"})
        for _ in range(images)
    ]
    return cell


def test_figure_descriptions_are_the_figure_paragraphs_after_the_cell():
    md = nbformat.v4.new_markdown_cell
    nb = nbformat.v4.new_notebook(
        cells=[
            figure_cell(2),
            md(
                "*Figure:* the **training** loss falls [fast](x.ipynb).\n\n"
                "*Figure:* the `grad` norms.\n\nWhat to notice: ..."
            ),
            figure_cell(1),
            md("What to notice: no description here."),
            figure_cell(1),
        ]
    )
    assert bs.figure_descriptions(nb, 0) == ["the training loss falls fast.", "the grad norms."]
    assert bs.figure_descriptions(nb, 2) == [] and bs.figure_descriptions(nb, 4) == []
    assert bs.missing_descriptions(nb) == [
        "code cell 2: 1 figures, 0 described",
        "code cell 3: 1 figures, 0 described",
    ]


def test_pages_exist_in_order_with_navigation_and_no_remote_scripts(site: Path):
    pages = [site / (p.stem + ".html") for p in NOTEBOOKS]
    assert all(p.exists() for p in pages) and (site / "index.html").exists()
    assert (site / "mathjax" / "MathJax.js").exists()
    for i, page in enumerate(pages):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<(script|link)[^>]+(src|href)=\"(https?:)?//", text), page.name
        assert "require.min.js" not in text and "mermaid" not in text.lower()
        if i > 0:
            assert f'href="{pages[i - 1].name}"' in text
        if i + 1 < len(pages):
            assert f'href="{pages[i + 1].name}"' in text
        assert 'href="index.html"' in text
        assert ".ipynb" not in "".join(re.findall(r'href="([^"]*)"', text)), page.name
    index = (site / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{p.name}"' in index for p in pages)  # the README's table


def test_solutions_are_folded_and_the_explorer_page_explains_its_widgets(site: Path):
    page = (site / "01_data_and_shapes.html").read_text(encoding="utf-8")
    before, _, after = page.partition('<details class="site-solutions">')
    assert after and "Where-next" not in after.split("</details>")[0]
    assert (
        "Not answered yet" in before and "✓ 12 batches per epoch." in after.split("</details>")[0]
    )
    explorer = (site / "06_hyperparameter_explorer.html").read_text(encoding="utf-8")
    assert "cannot run here" in explorer and "cannot run in a static page" in explorer
    if bs.SCREENSHOT.exists():
        assert 'alt="Screenshot of the hyperparameter explorer' in explorer
    assert "cannot run here" not in (site / "01_data_and_shapes.html").read_text(encoding="utf-8")


def test_the_teachers_answer_key_is_not_in_the_site(site: Path):
    """docs/going-further.md answers the exercises: no page links it, so it is never built."""
    key = bs.site_path_of(ROOT / "docs" / "going-further.md")
    assert not (site / key).exists(), f"{key} was built: a page links the answer key"
    for page in site.rglob("*.html"):
        links = re.findall(r'href="([^"]*)"', page.read_text(encoding="utf-8"))
        assert not [h for h in links if "going-further" in h], f"{page.name} links the key"


def test_every_figure_has_alt_text(site: Path):
    for path in NOTEBOOKS:
        page = (site / (path.stem + ".html")).read_text(encoding="utf-8")
        images = re.findall(r"<img [^>]*>", page)
        assert images or path.stem.startswith("02_")
        assert all(re.search(r'alt="[^"]{10,}"', img) for img in images), path.name


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # no access log on the test's output
        pass


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


PAGE_FACTS = """() => ({
  links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
  images: Array.from(document.images).map(i => ({src: i.src.slice(0, 40), ok: i.complete
    && i.naturalWidth > 0, alt: i.alt})),
  text: document.querySelector('main') ? document.querySelector('main').innerText.length : 0,
  math: document.querySelectorAll('.MathJax, .MathJax_Display, .MathJax_Preview').length,
})"""


@pytest.mark.browser
@needs_browser
def test_browser_follows_every_internal_link_and_sees_every_image(served: str, site: Path):
    ARTIFACTS.mkdir(exist_ok=True)
    started = time.perf_counter()
    queue, seen, external, problems = [served + "index.html"], set(), [], []
    math_pages = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on(
            "request",
            lambda r: None if r.url.startswith((served, "data:")) else external.append(r.url),
        )
        try:
            while queue:
                url = queue.pop(0)
                if url in seen:
                    continue
                seen.add(url)
                response = page.goto(url, wait_until="load")
                if response is None or not response.ok:
                    problems.append(f"{url}: HTTP {response.status if response else '?'}")
                    continue
                if "text/html" not in response.headers.get("content-type", ""):
                    # a linked data file or script, copied as is: it loaded, nothing to walk
                    if not response.body():
                        problems.append(f"{url}: empty file")
                    continue
                if "$" in page.inner_text("main"):  # math that MathJax has not typeset
                    page.wait_for_timeout(1500)
                facts = page.evaluate(PAGE_FACTS)
                if facts["math"]:
                    math_pages.append(url.rsplit("/", 1)[1])
                if facts["text"] < 200:
                    problems.append(f"{url}: nearly empty ({facts['text']} characters)")
                problems += [
                    f"{url}: image not loaded {i['src']}" for i in facts["images"] if not i["ok"]
                ]
                for link in facts["links"]:
                    link = urldefrag(urljoin(url, link)).url
                    if link.startswith(served) and link not in seen:
                        queue.append(link)
                if url.endswith("06_hyperparameter_explorer.html"):
                    page.locator(".jp-OutputArea .site-note").first.scroll_into_view_if_needed()
                    page.screenshot(path=str(ARTIFACTS / "site-06.png"))
        finally:
            browser.close()
    print(f"{len(seen)} pages in {time.perf_counter() - started:.1f} s; math on {math_pages}")
    assert not problems, problems
    assert not external, f"pages reached past this machine: {external[:3]}"
    expected = {served + p.stem + ".html" for p in NOTEBOOKS} | {served + "index.html"}
    assert expected <= seen, f"not reachable by links: {sorted(expected - seen)}"
    assert {"02_the_lstm_model.html", "02b_inside_the_lstm.html"} <= set(math_pages)
