"""A table's headings are text, with math as on a page ("loss $`Z`$"): never math alone, which a screen reader
cannot read as a column's heading (axe-core's empty-table-header; tests/test_reader_axe.py checks the site)."""

from __future__ import annotations

import pytest

from proven_numbers.markers.render import Showing
from proven_numbers.value import RegistryError, table

ROWS = [[0, 1.5], [1, 2.5]]


def showing() -> Showing:
    """A Showing whose TeX renders as a visible stand-in, so the page's HTML shows what was math."""
    return Showing(digits=3, render_tex=lambda tex, display: f"<m>{tex}</m>", values={}, id_prefix="t-", prefix="p")


def test_a_heading_shows_its_text_escaped_and_its_math_rendered() -> None:
    html = table("t", ROWS, ("step", "loss $`Z < 1`$ & more")).show("table", showing())
    assert '<th scope="col">step</th>' in html
    assert '<th scope="col">loss <m>Z < 1</m> &amp; more</th>' in html


@pytest.mark.parametrize("heading", ["$`Z`$", " $`w`$ ", "$`w`$$`y`$"])
def test_a_heading_of_math_alone_is_refused(heading: str) -> None:
    with pytest.raises(RegistryError, match=r"table 't': the heading .* is math alone; give it some text"):
        table("t", ROWS, ("step", heading))


def test_a_heading_whose_math_is_not_closed_is_refused() -> None:
    with pytest.raises(RegistryError, match=r"table 't': the heading 'loss \$`Z' opens math with \$` and does not"):
        table("t", ROWS, ("step", "loss $`Z"))
