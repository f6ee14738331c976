"""Issue 17, class 11: a misspelled prefix, a fraction claim at float64's precision, a NUL byte, the sitemap's gzip."""

from __future__ import annotations

import gzip
import html
import math
import re
from pathlib import Path

import mkdocs.structure.pages
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_markers import SYNTAX, fake_tex, render
from test_plugin_config import build_site, dice_site

from nnla_essay.registry import compute_all
from proven_numbers.markers import Injector, MarkerError, check_claim
from proven_numbers.markers.claims import FRACTION_ULPS

PAGE = "part-9.md"
#: Generated pages each property tries.
EXAMPLES = 200
LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789-"


@st.composite
def one_typo(draw: st.DrawFn, prefix: str = "nnla") -> str:
    """The prefix with one letter dropped, added, changed, or swapped with its neighbour."""
    i = draw(st.integers(0, len(prefix) - 1))
    letter = draw(st.sampled_from(LETTERS).filter(lambda c: c != prefix[i]))
    edits = [prefix[:i] + prefix[i + 1 :], prefix[:i] + letter + prefix[i:], prefix[:i] + letter + prefix[i + 1 :]]
    if i + 1 < len(prefix) and prefix[i] != prefix[i + 1]:
        edits.append(prefix[:i] + prefix[i + 1] + prefix[i] + prefix[i + 2 :])
    typo = draw(st.sampled_from(edits))
    return typo.upper() if draw(st.booleans()) else typo


@settings(max_examples=EXAMPLES, deadline=None)
@given(one_typo(), st.integers(0, 4))
def test_a_marker_with_a_typo_in_its_prefix_fails_at_its_line(typo: str, lines_before: int) -> None:
    """``<!-- nlla:sse -->`` was an HTML comment, silently: now a malformed marker, at its line, with the fix."""
    text = "Text.\n\n" * lines_before + f"The SSE is <!-- {typo}:sse --> here.\n"
    with pytest.raises(MarkerError, match=r"malformed marker ") as caught:
        render(Injector(compute_all(), fake_tex, SYNTAX), text)
    assert caught.value.line == 2 * lines_before + 1
    if not typo.startswith("-"):  # <!-- -nnla:sse --> was a malformed marker already, said otherwise
        assert "did you mean <!-- nnla:sse -->?" in str(caught.value)


@settings(max_examples=EXAMPLES, deadline=None)
@given(one_typo())
def test_a_typo_of_the_prefix_in_code_is_shown_as_written(typo: str) -> None:
    written = f"<!-- {typo}:sse -->"
    page = render(Injector(compute_all(), fake_tex, SYNTAX), f"Write `{written}` to show it.\n")
    assert f"<code>{html.escape(written)}</code>" in page


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.text(alphabet=LETTERS, min_size=1, max_size=8).filter(
        # not dashes alone: `<!-- - nnla: -->` is a near miss of a marker by design, like `<!--- nnla:x --->`
        lambda word: (
            sum(a != b for a, b in zip(word, "nnla", strict=False)) + abs(len(word) - 4) >= 3 and word.strip("-") != ""
        )
    ),
    st.sampled_from(["{w}: a note", "{w}:x", "{w} nnla:", "a {w}:b", "{w}"]),
)
def test_other_comments_stay_comments(word: str, form: str) -> None:
    """A comment whose first word is not one typo from the prefix is the author's own: no error, not shown."""
    comment = f"<!-- {form.format(w=word)} -->"
    page = render(Injector(compute_all(), fake_tex, SYNTAX), f"Text {comment} here.\n")
    assert comment in page


def test_the_issues_example_and_ordinary_comments() -> None:
    injector = Injector(compute_all(), fake_tex, SYNTAX)
    assert "<!-- TODO: check the SSE -->" in render(injector, "A <!-- TODO: check the SSE --> b.\n")
    with pytest.raises(MarkerError, match=r"^part-9\.md:3: malformed marker '<!-- nlla:sse -->'"):
        render(injector, "One.\n\nThe SSE is <!-- nlla:sse -->.\n")


@pytest.mark.parametrize("ulps", range(-FRACTION_ULPS, FRACTION_ULPS + 1))
def test_a_fraction_claim_holds_within_a_few_ulps(ulps: int) -> None:
    value = 1 / 7
    for _ in range(abs(ulps)):
        value = math.nextafter(value, math.copysign(math.inf, ulps))
    assert check_claim("1/7", value) is None


@pytest.mark.parametrize("relative", [1e-10, -1e-10, 1e-12, 1e-14])
def test_a_fraction_claim_fails_beyond_float64_rounding(relative: float) -> None:
    """A relative 1e-9 passed 1/7 wrong in its tenth digit; float64 rounding is some 1e-16."""
    problem = check_claim("1/7", (1 / 7) * (1 + relative))
    assert problem is not None
    assert "not 1/7 = 0.14285714285714285" in problem


def test_the_sites_fraction_claims_hold() -> None:
    values = compute_all()
    assert check_claim("1/7", values["lr_max"].data) is None
    assert check_claim("1/14", values["lr_half"].data) is None


def test_a_nul_byte_fails_at_its_line() -> None:
    injector = Injector(compute_all(), fake_tex, SYNTAX)
    with pytest.raises(MarkerError, match=r"^part-9\.md:3: the line holds a NUL byte"):
        render(injector, "One.\n\nTwo\x00 three <!-- nnla:sse -->.\n")
    errors: list[MarkerError] = []

    def record(error: MarkerError) -> str:
        errors.append(error)
        return ""

    page = injector.inject(injector.replace_markers("A\x00\r\n\r\nB\x00 and \x00.\n", PAGE), PAGE, on_error=record)
    assert [error.line for error in errors] == [1, 3]
    assert "\x00" in page  # the page itself is the build's to refuse: it fails with these errors


def test_the_sitemaps_gzip_is_the_same_on_another_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs stamps sitemap.xml.gz with the build's day when SOURCE_DATE_EPOCH is not set: two builds of the same
    sources on two days differed there alone. ("Today" is MkDocs' get_build_date, set here to two days.)"""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    built = []
    for day in ("2026-12-07", "2026-12-10"):
        monkeypatch.setattr(mkdocs.structure.pages, "get_build_date", lambda day=day: day)
        site = build_site(dice_site(tmp_path / f"day{day}"))
        built.append(((site / "sitemap.xml").read_bytes(), (site / "sitemap.xml.gz").read_bytes()))
    (xml, packed), (xml_later, packed_later) = built
    assert xml == xml_later
    assert gzip.decompress(packed) == xml
    assert packed == packed_later
    assert re.search(rb"<urlset", xml)
