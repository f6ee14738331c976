"""No line starts with the comma or full stop that follows an inline formula, on the essay's pages, in Chromium.

A formula is an inline box of its own, and Chromium broke lines after one even where the text goes on with a
comma: ", so from any start" and ".) See" began lines of Part II at 1280 px, ": a weight" one of Part III at 390
px (found by a reader's review; a word joiner, U+2060, did not stop it). The build keeps each inline formula and
the punctuation right after it in one span that does not wrap (`proven_numbers.katex.deferral`). Measured here on
every page with inline formulas, at a laptop's width and a phone's, every block laid out (`content-visibility`
overridden, so that nothing is skipped); and on Part II with the spans taken out, to see the check fail.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ServedSite

from proven_numbers.katex.deferral import NOWRAP_CLASS, Deferral

PAGES = ("part-1/", "part-2/", "part-3/", "errata/", "derivations/")
WIDTHS = (1280, 390)

#: Each inline formula followed by punctuation: how many, and the text of those whose punctuation starts a line.
PUNCTUATION_JS = """() => {
    let total = 0;
    const broken = [];
    for (const formula of document.querySelectorAll('.md-content span.katex')) {
        let element = formula;
        while (!element.nextSibling && element.parentElement && element.parentElement.tagName === 'SPAN') {
            element = element.parentElement;
        }
        const next = element.nextSibling;
        if (!next || next.nodeType !== Node.TEXT_NODE || !/^[,.;:!?)]/.test(next.data)) continue;
        total += 1;
        const range = document.createRange();
        range.setStart(next, 0);
        range.setEnd(next, 1);
        const mark = range.getBoundingClientRect();
        const box = formula.getBoundingClientRect();
        if (mark.top >= box.bottom - 2 || mark.left < box.left) broken.push(next.data.slice(0, 16));
    }
    return [total, broken];
}"""
#: Take the spans that keep a formula and its punctuation together out of the page.
UNWRAP_JS = (
    """() => document.querySelectorAll('.pn-math-nowrap').forEach((span) => span.replaceWith(...span.childNodes))"""
)


def punctuation(chromium: Any, url: str, width: int, unwrap: bool = False) -> tuple[int, list[str]]:
    context = chromium.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.add_style_tag(content="* { content-visibility: visible !important; }")
        page.evaluate("document.fonts.ready.then(() => true)")
        if unwrap:
            page.evaluate(UNWRAP_JS)
        total, broken = page.evaluate(PUNCTUATION_JS)
        return int(total), list(broken)
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_no_line_starts_with_a_formulas_punctuation(
    chromium: Any, served_site: ServedSite, path: str, width: int
) -> None:
    total, broken = punctuation(chromium, served_site.url(path), width)
    assert total > 10, f"{path}: only {total} inline formulas followed by punctuation found"
    assert broken == [], f"{path} at {width} px: lines start with {broken}"


def test_without_the_spans_lines_start_with_punctuation(chromium: Any, served_site: ServedSite) -> None:
    """The check can fail: Part II at 1280 px, the spans taken out, breaks lines before punctuation again."""
    _, broken = punctuation(chromium, served_site.url("part-2/"), 1280, unwrap=True)
    assert broken, "Part II at 1280 px broke no line before punctuation even without the spans"


def stand_in(deferral: Deferral, tex: str) -> str:
    return deferral.defer(f'<span class="katex"><math><mi>{tex}</mi></math></span>', tex)


@pytest.mark.parametrize(
    ("after", "wrapped"),
    [(", so", True), (".) See", True), (": a", True), ("; b", True), (" and", False), ("x", False), ("", False)],
)
def test_the_span_holds_a_formula_and_the_punctuation_after_it(after: str, wrapped: bool) -> None:
    deferral = Deferral(nowrap=True)
    formula = stand_in(deferral, "w")
    page = deferral.restore(f"<p>Then {formula}{after} on.</p>")
    punctuation = after[: len(after) - len(after.lstrip(",.;:!?)"))]
    shown = '<span class="katex"><math><mi>w</mi></math></span>'
    if wrapped:
        assert f'<span class="{NOWRAP_CLASS}">{shown}{punctuation}</span>{after[len(punctuation) :]}' in page
    else:
        assert NOWRAP_CLASS not in page


def test_a_shown_value_is_held_whole() -> None:
    """A value shown as a formula is the formula inside the value's element: the span holds the element."""
    deferral = Deferral(nowrap=True)
    value = f'<span class="nnla-value" data-nnla-name="w" data-nnla-value="2.5">{stand_in(deferral, "w")}</span>'
    page = deferral.restore(f"<p>It is {value}, here.</p>")
    assert page.startswith(f'<p>It is <span class="{NOWRAP_CLASS}"><span class="nnla-value" data-nnla-name="w"')
    assert page.endswith("</span></span>,</span> here.</p>")


def test_without_nowrap_nothing_is_wrapped() -> None:
    deferral = Deferral()
    assert NOWRAP_CLASS not in deferral.restore(f"<p>{stand_in(deferral, 'w')}, so.</p>")
