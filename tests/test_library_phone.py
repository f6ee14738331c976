"""The library page read on a phone (390 px) and on a laptop (1280 px), in Chromium.

- A docstring's parameters, returns and errors are lists, not tables (mkdocs.yml: mkdocstrings'
  `docstring_section_style: list`): every item is at least MIN_CHARACTERS characters wide. As tables of four
  columns, a description had about ten at 390 px, and 21 tables scrolled.
- No formula is cut: each display formula fits its box, or its box scrolls (overflow-x), is reached by the
  keyboard (tabindex) and shows that it scrolls (the scroll cue's gradient, docs/stylesheets/nnla.css; its
  pixels are checked by test_phone_formulas.py). None scrolls, at either width: a docstring's formula is set
  at the text's size (nnla.css, "The library page"), and the long ones set their equations in rows
  (`\begin{aligned}`, two at most side by side).

Each check has a twin that takes the fix out (a copy of the project built with mkdocstrings' tables; the built
page without the rules or attributes) and sees it fail.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import BuiltSite, build_copy, copy_project, serve
from test_browser import UNSKIP_JS

pytestmark = pytest.mark.slow  # site and browser come from the fixtures (conftest.py)

WIDTHS = (1280, 390)
#: The narrowest a docstring's item (a parameter, what is returned, an error raised) may be, in characters ("0").
MIN_CHARACTERS = 30
#: How many of the page's display formulas may scroll at each width. Before their docstrings set them in rows, 2
#: scrolled at 1280 px (nnla.backprop, nnla.examples.toy_descent) and 10 at 390 px (MathML alone, STIX Two Math).
MAY_SCROLL = {1280: 0, 390: 0}

#: Every docstring item's description's width in characters of its font, and every docstring display formula's box.
MEASURE_JS = """() => {
    const chars = (element) => {
        const probe = document.createElement('span');
        probe.style.cssText = 'position:absolute;visibility:hidden;white-space:pre';
        probe.textContent = '0'.repeat(100);
        element.append(probe);
        const width = probe.getBoundingClientRect().width / 100;
        probe.remove();
        return element.clientWidth / width;
    };
    const name = (element) => {
        const heading = element.closest('.doc-object')?.querySelector('.doc-heading');
        return heading ? heading.id : '?';
    };
    return {
        tables: document.querySelectorAll('.doc-contents table').length,
        // A description's width is its box's: the list item, or the table's cell.
        items: [...document.querySelectorAll('.doc-section-item .doc-md-description')].map(d => ({
            object: name(d), chars: chars(d.parentElement),
            text: d.textContent.trim().replace(/\\s+/g, ' ').slice(0, 50),
        })),
        formulas: [...document.querySelectorAll('.doc-contents .nnla-math-display')].map(box => ({
            object: name(box),
            scrolls: box.scrollWidth > box.clientWidth,
            overflowX: getComputedStyle(box).overflowX,
            tabIndex: box.tabIndex,
            cue: getComputedStyle(box).backgroundImage,
            tex: (box.querySelector('annotation')?.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50),
        })),
    };
}"""


def measure(browser: Any, base_url: str, width: int) -> dict[str, Any]:
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(base_url + "library/", wait_until="load")
        page.evaluate(UNSKIP_JS)
        page.evaluate("document.fonts.ready")
        result: dict[str, Any] = page.evaluate(MEASURE_JS)
        return result
    finally:
        page.close()


def item_problems(measured: dict[str, Any], width: int) -> list[str]:
    problems = [f"{width} px: {measured['tables']} tables in docstrings"] if measured["tables"] else []
    if not measured["items"]:
        problems.append(f"{width} px: no docstring item found: update this test")
    for item in measured["items"]:
        if item["chars"] < MIN_CHARACTERS:
            problems.append(
                f"{width} px: {item['object']}: {item['text']!r} is {item['chars']:.0f} characters wide "
                f"(at least {MIN_CHARACTERS})"
            )
    return problems


def formula_problems(measured: dict[str, Any], width: int) -> list[str]:
    problems = []
    scrolling = [f for f in measured["formulas"] if f["scrolls"]]
    if not measured["formulas"]:
        problems.append(f"{width} px: no docstring formula found: update this test")
    for formula in scrolling:
        where = f"{width} px: {formula['object']}: {formula['tex']!r} scrolls"
        if formula["overflowX"] not in {"auto", "scroll"}:
            problems.append(f"{where} but is cut (overflow-x: {formula['overflowX']})")
        if formula["tabIndex"] < 0:
            problems.append(f"{where} but the keyboard cannot reach it (no tabindex)")
        if "gradient" not in formula["cue"]:
            problems.append(f"{where} but shows no scroll cue")
    if len(scrolling) > MAY_SCROLL[width]:
        names = "; ".join(f"{f['object']}: {f['tex']!r}" for f in scrolling)
        problems.append(f"{width} px: {len(scrolling)} formulas scroll (at most {MAY_SCROLL[width]}): {names}")
    return problems


@pytest.fixture(scope="module")
def measured(chromium: Any, built_site: BuiltSite, summary: list[str]) -> dict[int, dict[str, Any]]:
    with serve(built_site.site_dir) as base_url:
        found = {width: measure(chromium, base_url, width) for width in WIDTHS}
    for width, page in found.items():
        narrowest = min((item["chars"] for item in page["items"]), default=0)
        scrolling = sum(f["scrolls"] for f in page["formulas"])
        summary.append(
            f"library page at {width} px: {scrolling} of {len(page['formulas'])} formulas scroll, "
            f"narrowest docstring item {narrowest:.0f} characters"
        )
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_docstring_items_are_wide_enough_to_read(measured: dict[int, dict[str, Any]], width: int) -> None:
    problems = item_problems(measured[width], width)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_docstring_formula_is_cut(measured: dict[int, dict[str, Any]], width: int) -> None:
    problems = formula_problems(measured[width], width)
    assert not problems, "\n".join(problems)


def test_the_checks_catch_tables_and_formulas_that_do_not_show_they_scroll(
    chromium: Any, built_site: BuiltSite, tmp_path: Path
) -> None:
    """The page built with mkdocstrings' tables; the built page without the library's size rule, the boxes'
    tabindex and the scroll cue: each check reports."""
    copy = copy_project(tmp_path / "project")
    config = copy / "mkdocs.yml"
    yml, count = re.subn(r"docstring_section_style: list", "docstring_section_style: table", config.read_text())
    assert count == 1, "mkdocs.yml no longer sets docstring_section_style: update this test"
    config.write_text(yml, encoding="utf-8")
    status, output = build_copy(copy, tmp_path / "tables")
    assert status == 0, output
    with serve(tmp_path / "tables") as base_url:
        tables = measure(chromium, base_url, 390)
    problems = item_problems(tables, 390)
    assert any("tables in docstrings" in p for p in problems), problems
    assert any("characters wide" in p for p in problems), problems

    site = tmp_path / "site"
    shutil.copytree(built_site.site_dir, site)
    page = site / "library" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(' tabindex="0"', ""), encoding="utf-8")
    css = site / "stylesheets" / "nnla.css"
    rules = css.read_text(encoding="utf-8")
    assert rules.count(".doc-contents .nnla-math-display") == 2, "the library's size rule changed: update this test"
    css.write_text(
        rules.replace(".doc-contents .nnla-math-display", ".no-such-page")
        + "\n.md-typeset .nnla-math-display { background: none !important; animation: none !important; }\n",
        encoding="utf-8",
    )
    # At the display size, formulas set in rows for a phone's width at the text's size are too wide for it.
    with serve(site) as base_url:
        broken = formula_problems(measure(chromium, base_url, 390), 390)
    assert any("the keyboard cannot reach it" in p for p in broken), broken
    assert any("shows no scroll cue" in p for p in broken), broken
    assert any("formulas scroll (at most 0)" in p for p in broken), broken
