"""A link to a correction (part-2/#fix-17) opens its collapsed note, and shows it.

The corrections of Parts I and II are collapsed notes (`??? note`), and each one's anchor stood before its note:
a link from the errata or from Part III scrolled to the note and left it closed (found by a reader's review).
The anchor is now the first thing inside the note, and the browser opens a closed `<details>` that holds the
target of the address's fragment (HTML's "ancestor details revealing algorithm"), as it does for find-in-page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import ROOT, ServedSite

#: Each correction's anchor, by page, read from the pages' Markdown.
CORRECTIONS = [
    (page, anchor)
    for page in ("part-1", "part-2")
    for anchor in re.findall(r'<a id="(fix-[0-9]+)"></a>', (ROOT / "docs" / f"{page}.md").read_text(encoding="utf-8"))
]


def test_every_correction_of_parts_1_and_2_is_found() -> None:
    assert len(CORRECTIONS) == 23, CORRECTIONS


@pytest.mark.parametrize(("page", "anchor"), CORRECTIONS)
def test_a_link_to_a_correction_opens_its_note(chromium: Any, served_site: ServedSite, page: str, anchor: str) -> None:
    tab = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        tab.goto(served_site.url(f"{page}/#{anchor}"), wait_until="load")
        assert tab.evaluate("(id) => document.getElementById(id).closest('details') !== null", anchor), anchor
        tab.wait_for_function("(id) => document.getElementById(id).closest('details').open", arg=anchor)
        in_view = "(id) => { const top = document.getElementById(id).getBoundingClientRect().top; "
        in_view += "return top >= 0 && top < innerHeight; }"
        tab.wait_for_function(in_view, arg=anchor)
    finally:
        tab.close()
