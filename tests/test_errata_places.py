"""Each erratum names the section of the essay it corrects, and the link it gives lands in that section.

Errata 6 and 7 said "Part I, the loss vector" and "Part I, the mean squared error" while their corrections stand
under "The bias": the links worked, the names did not (found by a reader's review). Read on the built site: each
"In the essay:" link's text, against the heading of the section that holds the link's target.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag
from conftest import BuiltSite


def words(text: str) -> str:
    """Lower case, letters and digits, one space between words: "Gradients, and their shapes" is
    "gradients and their shapes"."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def section_of(page: BeautifulSoup, anchor: str) -> str:
    """The text of the last h2 before the element with id `anchor` ("the introduction" before the first h2)."""
    target = page.find(id=anchor)
    assert isinstance(target, Tag), f"no element with id {anchor!r}"
    heading = target.find_previous("h2")
    if heading is None:
        return "the introduction"
    return heading.get_text(" ", strip=True).removesuffix("¶").strip()


def places(site: BuiltSite) -> list[tuple[str, str, str]]:
    """Each erratum's "In the essay:" link: its text, its page's path and its anchor."""
    errata = BeautifulSoup(site.page("errata/index.html"), "html.parser")
    found = []
    for label in errata.find_all("strong", string="In the essay:"):
        link = label.find_next_sibling("a")
        assert isinstance(link, Tag), f"an 'In the essay:' without a link: {label.parent}"
        href = str(link["href"])
        path, _, anchor = href.partition("#")
        found.append((link.get_text(" ", strip=True), path, anchor))
    return found


def test_every_erratum_names_the_section_its_link_lands_in(built_site: BuiltSite) -> None:
    found = places(built_site)
    assert len(found) >= 20, found
    pages: dict[str, BeautifulSoup] = {}
    wrong = []
    for text, path, anchor in found:
        part, _, name = text.partition(", ")
        page_path = path.removeprefix("../").rstrip("/") + "/index.html"
        page = pages.setdefault(page_path, BeautifulSoup(built_site.page(page_path), "html.parser"))
        title = page.find("h1")
        assert isinstance(title, Tag)
        section = section_of(page, anchor)
        if words(title.get_text()) != words(part) or not words(section).startswith(words(name)):
            wrong.append(f"{text!r} links to #{anchor} of {title.get_text(strip=True)!r}, in {section!r}")
    assert wrong == []


def test_the_check_sees_a_wrong_name() -> None:
    page = BeautifulSoup('<h1>Part I</h1><h2>The bias</h2><p><a id="fix-6"></a>x</p>', "html.parser")
    assert section_of(page, "fix-6") == "The bias"
    assert not words(section_of(page, "fix-6")).startswith(words("the loss vector"))
