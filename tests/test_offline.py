"""The offline build (``NNLA_OFFLINE=true``) opened from a folder, as a reader who downloaded it would: ``file://``.

Chromium opens ``index.html`` from disk and, as a reader does, follows the navigation to every page, searches for
"jacobian" and opens a result, and moves each explorer's slider. Each page must be a page (not a folder listing),
its formulas typeset with the math font (MathML alone), its explorers showing the engine's numbers, and nothing
requested from anywhere but the folder. Each check has a twin that breaks what it checks (the published build,
whose addresses are folders; a site without the worker stand-in; without the math stylesheet; with an image from
another host) and sees the check report it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import BuiltSite, build_site, search_as_a_reader
from test_explorers import EXPLORERS, engine, moves, open_page, problems_of, where_each_move_lands

# Each test reads the offline variant, a build of its own (conftest marks `browser` from the fixtures).
pytestmark = pytest.mark.slow

#: The word a reader searches for, and the page its results must include.
QUERY, FOUND_ON = "jacobian", "part-2.html"
#: How long the search may take to answer (its index is read and built in the page on first use).
SEARCH_TIMEOUT_MS = 20_000

#: The family the site's math stylesheet sets its formulas in (mkdocs.yml: MathML alone, the plugin's default font).
MATH_FONT = "STIX Two Math"

#: What a finished page shows: its article's heading, the math stylesheet applied, and the fonts that loaded.
PAGE_JS = """async () => {
    await document.fonts.ready;
    const math = document.querySelector('.katex math');
    return {
        article: !!document.querySelector('article.md-content__inner h1'),
        listing: document.title.startsWith('Index of') || !!document.querySelector('#parentDirLinkBox, #listing'),
        mathFont: math ? getComputedStyle(math).fontFamily : null,
        loaded: [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replace(/"/g, '')),
    };
}"""


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The offline variant, built as the README says: NNLA_OFFLINE=true, strict."""
    return build_site(tmp_path_factory.mktemp("offline") / "site", env={"NNLA_OFFLINE": "true"})


@dataclass
class Reading:
    """What a reader met: the pages reached, and every problem on the way."""

    pages: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@pytest.fixture
def page_of(chromium: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def new_page() -> Any:
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.nnla_requests, page.nnla_errors = [], []
        page.on("request", lambda request: page.nnla_requests.append(request.url))
        page.on("pageerror", lambda error: page.nnla_errors.append(str(error)))
        page.on("console", lambda m: page.nnla_errors.append(m.text) if m.type == "error" else None)
        return page

    yield new_page
    for context in contexts:
        context.close()


def read_from_disk(page: Any, site_dir: Path) -> Reading:
    """Open the site's home page from disk, follow the navigation to every page, then search and open a result."""
    reading = Reading()
    navigate(page, site_dir, reading)
    search(page, site_dir, reading)
    return reading


def navigate(page: Any, site_dir: Path, reading: Reading) -> None:
    """From the home page, opened from disk, click each link of the navigation and look at the page it opens."""
    home = (site_dir / "index.html").as_uri()
    page.goto(home)
    links = page.eval_on_selector_all(
        "nav.md-nav--primary > ul > li > a.md-nav__link", "links => links.map(a => a.getAttribute('href'))"
    )
    if len(links) < 2:
        reading.problems.append(f"the home page's navigation has {len(links)} links")
    for href in links:
        page.goto(home)
        page.click(f'nav.md-nav--primary > ul > li > a.md-nav__link[href="{href}"]')
        page.wait_for_load_state("load")
        state = page.evaluate(PAGE_JS)
        reading.pages.append(page.url)
        if state["listing"] or not state["article"]:
            reading.problems.append(f"the link {href!r} opened {page.url}, which is no page of the site")
        elif state["mathFont"] is not None and not (MATH_FONT in state["mathFont"] and MATH_FONT in state["loaded"]):
            reading.problems.append(
                f"{page.url}: formulas not typeset with the math font (font {state['mathFont']!r}, "
                f"loaded {state['loaded']})"
            )
    if not any(url.endswith(FOUND_ON) for url in reading.pages):
        reading.problems.append(f"no navigation link reached {FOUND_ON}: {reading.pages}")


def search(page: Any, site_dir: Path, reading: Reading) -> None:
    """On the home page, opened from disk, search as a reader types, and open the first result."""
    page.goto((site_dir / "index.html").as_uri())
    box = page.locator("input.md-search__input")
    if not box.is_visible():
        reading.problems.append(f"the search box is hidden on {page.url}")
        return
    search_as_a_reader(page, QUERY, wait_until_ready=False)
    results = page.locator(".md-search-result__item a")
    try:
        results.first.wait_for(timeout=SEARCH_TIMEOUT_MS)
    except Exception:  # Playwright's TimeoutError: say what the reader saw instead
        meta = page.locator(".md-search-result__meta").inner_text()
        reading.problems.append(f"searching {QUERY!r} found nothing in {SEARCH_TIMEOUT_MS} ms: {meta!r}")
        return
    hrefs = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
    if not any(FOUND_ON in href for href in hrefs):
        reading.problems.append(f"searching {QUERY!r} lists no section of {FOUND_ON}: {hrefs}")
    results.first.click()
    page.wait_for_load_state("load")
    if not page.evaluate(PAGE_JS)["article"]:
        reading.problems.append(f"the first search result opened {page.url}, which is no page of the site")


def leaks(page: Any) -> list[str]:
    """Every request the page made that did not read a file, and everything it logged as an error."""
    problems = [f"requested {url}" for url in page.nnla_requests if not url.startswith("file://")]
    return problems + [f"the page logged: {error}" for error in page.nnla_errors]


# ------------------------------------------------------------------------------------------ the offline build


def test_every_page_is_a_file_and_the_search_index_a_script(offline_site: BuiltSite) -> None:
    """The offline build writes NAME.html pages, the index as a script, and the worker stand-in of its own."""
    site = offline_site.site_dir
    assert (site / "part-2.html").is_file()
    assert not (site / "part-2").exists()
    assert (site / "search" / "search_index.js").read_text(encoding="utf-8").startswith("var __index = ")
    home = offline_site.page("index.html")
    assert '<script src="assets/javascripts/nnla-file-worker.js">' in home
    assert "unpkg" not in home


def test_read_from_disk_navigation_search_and_formulas(page_of: Any, offline_site: BuiltSite) -> None:
    """From file://: every navigation link lands on a page, formulas are typeset, search finds jacobian, and
    nothing is requested but files."""
    page = page_of()
    reading = read_from_disk(page, offline_site.site_dir)
    problems = reading.problems + leaks(page)
    assert not problems, "\n".join(problems)
    assert len(reading.pages) == len(set(reading.pages)) >= 10, reading.pages


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_the_explorers_work_from_disk(chromium: Any, offline_site: BuiltSite, name: str) -> None:
    """Each explorer's slider, moved by keyboard and pointer on a page opened from disk, shows the engine's
    numbers."""
    values = engine(offline_site.site_dir)
    path = EXPLORERS[name][0].rstrip("/") + ".html"
    page = open_page(chromium, offline_site.site_dir.as_uri() + "/", path, 1280, "light")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        seen = moves(page, name)
        problems = where_each_move_lands(seen, values[name]["default"])
        for move, state in seen:
            problems += [f"after {move}: {problem}" for problem in problems_of(name, state, values)]
        problems += [f"the page logged: {error}" for error in page.nnla_errors]
        problems += [f"requested {url}" for url in requests if not url.startswith("file://")]
        assert not problems, "\n".join(problems)
    finally:
        page.context.close()


# ------------------------------------------------------------------------------------- the checks, seen to fail


def test_the_published_build_from_disk_is_reported(page_of: Any, built_site: BuiltSite) -> None:
    """The published build (directory addresses, no offline search) opened from disk: the check reports its
    folder listings and its hidden search box."""
    reading = read_from_disk(page_of(), built_site.site_dir)
    assert any("which is no page of the site" in problem for problem in reading.problems), reading.problems
    assert any("the search box is hidden" in problem for problem in reading.problems), reading.problems


@pytest.fixture
def offline_copy(offline_site: BuiltSite, tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(offline_site.site_dir, copy)
    return copy


def test_without_the_worker_stand_in_search_is_reported(page_of: Any, offline_copy: Path) -> None:
    """The offline build without the site's worker stand-in: Material's search cannot start its worker from disk
    and hides its box, and the search check reports it."""
    (offline_copy / "assets" / "javascripts" / "nnla-file-worker.js").write_text("", encoding="utf-8")
    reading = Reading()
    search(page_of(), offline_copy, reading)
    assert any("the search box is hidden" in problem for problem in reading.problems), reading.problems


def test_without_the_math_stylesheet_formulas_are_reported(page_of: Any, offline_copy: Path) -> None:
    """The offline build without the math font's stylesheet: the check reports formulas not typeset."""
    (offline_copy / "assets" / "fonts" / "math.css").write_text("", encoding="utf-8")
    reading = Reading()
    navigate(page_of(), offline_copy, reading)
    assert any("not typeset with the math font" in problem for problem in reading.problems), reading.problems


def test_a_request_to_another_host_is_reported(page_of: Any, offline_copy: Path) -> None:
    """An image from another host on a page: the check reports the request."""
    index = offline_copy / "index.html"
    index.write_text(
        index.read_text(encoding="utf-8").replace("</body>", '<img src="https://example.org/x.png" alt=""></body>'),
        encoding="utf-8",
    )
    page = page_of()
    page.goto(index.as_uri())
    page.wait_for_load_state("load")
    assert any("https://example.org/x.png" in problem for problem in leaks(page)), leaks(page)
