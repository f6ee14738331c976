"""Part II's weight stays within issue 20's budget: at most 10,000 elements and 400 KB of HTML as the host sends it raw.

Every whole-page style recalculation costs in proportion to the elements, and a host that does not compress
sends the HTML as it is (docs/building.md, "Light pages"). KaTeX's HTML beside its MathML made Part II 23,000
elements and a megabyte; MathML alone makes it a third of that. A change that brings the bulk back (another
`katex.output`, a figure's data inlined twice) fails here, at the page, with the figures.
"""

from __future__ import annotations

import html.parser

from conftest import BuiltSite

PAGE = "part-2/index.html"
MAX_ELEMENTS = 10_000
MAX_BYTES = 400_000


class _Count(html.parser.HTMLParser):
    """Counts elements as a browser's parser makes them: one a start tag (a void or self-closed tag included)."""

    def __init__(self) -> None:
        super().__init__()
        self.elements = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements += 1


def elements(html_text: str) -> int:
    count = _Count()
    count.feed(html_text)
    count.close()
    return count.elements


def test_counting_counts_every_start_tag() -> None:
    assert elements('<p>a<br>b<math><mi>x</mi><mspace width="1em"/></math></p>') == 5


def test_part_2_holds_at_most_its_budget_of_elements_and_bytes(built_site: BuiltSite) -> None:
    raw = (built_site.site_dir / PAGE).read_bytes()
    count = elements(raw.decode("utf-8"))
    assert count <= MAX_ELEMENTS, f"{PAGE}: {count:,} elements, more than the budget of {MAX_ELEMENTS:,}"
    assert len(raw) <= MAX_BYTES, f"{PAGE}: {len(raw):,} bytes of HTML, more than the budget of {MAX_BYTES:,}"
    assert count > 1_000, f"{PAGE}: {count:,} elements; the page looks empty"
