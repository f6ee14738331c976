"""Links to a place in a page land on it, in Chromium, although most of the page is laid out only when seen.

`content-visibility: auto` (docs/stylesheets/nnla.css) makes the browser count off-screen blocks at a
placeholder height, so a linked target drifts once the blocks around it are laid out for real;
overrides/partials/javascripts/anchors.html holds it in place until it settles, and lets go when the reader
moves. Every fragment the site links to in the essay's pages is visited here, from a fresh load, on a phone and
(for Part II, the longest page) on a laptop.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import BuiltSite, ServedSite
from selectolax.lexbor import LexborHTMLParser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}
#: The essay's pages, whose fragments the errata and the parts link to each other.
ESSAY = ("", "part-1/", "part-2/", "errata/")

#: Once the fonts are in, wait until the element has not moved for 15 frames (or 10 s); say where it is then.
SETTLED_JS = """async (id) => {
    await document.fonts.ready;
    const element = document.getElementById(id);
    let last = null, still = 0, frames = 0;
    await new Promise((done) => {
        const step = () => {
            const top = element.getBoundingClientRect().top;
            still = last !== null && Math.abs(top - last) < 1 ? still + 1 : 0;
            last = top;
            frames += 1;
            if (still >= 15 || frames > 600) done(); else requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
    });
    const end = document.documentElement.scrollHeight - innerHeight;
    return {
        top: element.getBoundingClientRect().top,
        margin: parseFloat(getComputedStyle(element).scrollMarginTop) || 0,
        atEnd: scrollY >= end - 1,
        scrollY,
    };
}"""


def linked_fragments(site_dir: Path) -> list[tuple[str, str]]:
    """(page, fragment) for every link in the site's articles to a place in one of the essay's pages."""
    found = set()
    for html in sorted(site_dir.rglob("index.html")):
        page = html.relative_to(site_dir).as_posix().removesuffix("index.html")
        # Lexbor parses as a browser does, and a page of KaTeX in milliseconds (html.parser took seconds a page).
        article = LexborHTMLParser(html.read_text(encoding="utf-8")).css_first("article")
        for link in article.css("a[href]:not(.headerlink)") if article else []:
            href = link.attributes["href"] or ""
            url = urlsplit(urljoin(f"http://site/{page}", href))
            target = url.path.lstrip("/")
            if url.netloc == "site" and url.fragment and target in ESSAY and target != page:
                found.add((target, url.fragment))
    return sorted(found)


def problem(where: str, at: dict[str, Any]) -> str | None:
    """None if the target sits at its scroll margin below the top of the window, or the page cannot scroll on."""
    if abs(at["top"] - at["margin"]) <= 2 or (at["atEnd"] and at["top"] >= at["margin"] - 2):
        return None
    return f"{where}: the target settled {at['top']:.0f} px from the top of the window, not {at['margin']:.0f} px"


@pytest.fixture
def context(chromium: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    viewport = getattr(request, "param", PHONE)
    context = chromium.new_context(viewport=viewport)
    try:
        yield context
    finally:
        context.close()


def visit(context: Any, url: str, fragment: str) -> dict[str, Any]:
    page = context.new_page()
    try:
        page.goto(f"{url}#{fragment}", wait_until="load")
        at: dict[str, Any] = page.evaluate(SETTLED_JS, fragment)
        return at
    finally:
        page.close()


def test_the_essay_links_to_places_in_its_pages(built_site: BuiltSite) -> None:
    targets = linked_fragments(built_site.site_dir)
    pages = {page for page, _ in targets}
    assert {"part-1/", "part-2/", "errata/"} <= pages, f"links between the essay's pages are missing: {pages}"
    assert len(targets) >= 40, targets


def misplaced(context: Any, served: ServedSite, targets: list[tuple[str, str]], where: str) -> list[str]:
    """Visit each (page, fragment) afresh; say where each target that did not land settled instead."""
    found = []
    for page, fragment in targets:
        at = visit(context, served.url(page), fragment)
        if (text := problem(f"/{page}#{fragment} at {where}", at)) is not None:
            found.append(text)
    return found


def test_every_linked_place_is_where_a_phone_lands(context: Any, served_site: ServedSite) -> None:
    targets = linked_fragments(served_site.site.site_dir)
    found = misplaced(context, served_site, targets, f"{PHONE['width']} px")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("context", [LAPTOP], indirect=True, ids=["1280px"])
def test_part_ii_places_on_a_laptop(context: Any, served_site: ServedSite) -> None:
    targets = [(page, f) for page, f in linked_fragments(served_site.site.site_dir) if page == "part-2/"]
    assert targets
    found = misplaced(context, served_site, targets, f"{LAPTOP['width']} px")
    assert not found, "\n".join(found)


def test_a_link_within_the_page_lands_too(context: Any, served_site: ServedSite) -> None:
    """A same-page jump: the browser scrolls, then the hash changes, and the target is held again."""
    page = context.new_page()
    page.goto(served_site.url("part-2/"), wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    targets = [f for p, f in linked_fragments(served_site.site.site_dir) if p == "part-2/"]
    fragment = targets[len(targets) // 2]
    page.evaluate("(id) => { location.hash = id; }", fragment)
    assert problem(f"/part-2/ then #{fragment}", page.evaluate(SETTLED_JS, fragment)) is None


#: Hold back `document.fonts.ready`, which the anchor script waits for, until the test calls __release().
GATE_FONTS_JS = """
const gate = new Promise((resolve) => { window.__release = resolve; });
const ready = document.fonts.ready;
Object.defineProperty(document.fonts, "ready", { get: () => gate.then(() => ready), configurable: true });
"""
FRAMES_JS = "(n) => new Promise((done) => { const f = () => (n-- > 0 ? requestAnimationFrame(f) : done()); f(); })"


@pytest.mark.parametrize("reader_scrolls", [True, False], ids=["reader-scrolls-first", "reader-waits"])
def test_the_reader_who_scrolls_away_is_not_pulled_back(
    context: Any, served_site: ServedSite, reader_scrolls: bool
) -> None:
    """The reader moves before the page's fonts arrive: the target must not take them back once they do."""
    context.add_init_script(GATE_FONTS_JS)
    page = context.new_page()
    page.goto(served_site.url("part-2/#fix-18"), wait_until="load")
    if reader_scrolls:
        # A key the reader presses (a wheel would start a smooth scroll that ends on its own schedule), then a
        # scroll back to the top.
        page.keyboard.press("Shift")
        page.evaluate("window.scrollTo(0, 0)")
    page.evaluate("window.__release()")
    page.evaluate(FRAMES_JS, 60)
    if reader_scrolls:
        assert page.evaluate("scrollY") == 0, "the page scrolled the reader back to #fix-18"
    else:  # the same set-up without the reader: the target is held, so the test above can tell
        assert problem("/part-2/#fix-18", page.evaluate(SETTLED_JS, "fix-18")) is None
