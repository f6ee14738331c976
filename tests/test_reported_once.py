"""A marker's mistake is reported once, at the marker: not also as a value "shown on no page", nor as a leak.

`<!-- calc:variance digits=44 -->` gave two errors: the right one at its line, and "the value 'variance' is shown
on no page: show it with <!-- calc:variance -->", telling the author to add the marker that is already there.
A marker in code is an example, not a value's place: it still leaves the value unshown. And a marker in a heading
gave, beside its error at its line, one more for every page of the site: "an internal marker token reached the
page", from the page's title and the navigation, which hold the heading's text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support_tiny_site import BuildError
from test_markers import PAGE, SYNTAX, convert, fake_tex
from test_plugin_config import build_site, dice_site

from nnla_essay.registry import compute_all
from proven_numbers.markers import Injector, MarkerError


def errors_and_unshown(text: str) -> tuple[list[str], list[str]]:
    """The page's marker errors (the preview's way: each said, the page goes on) and the values left unshown."""
    injector = Injector(compute_all(), fake_tex, SYNTAX)
    said: list[str] = []

    def keep(error: MarkerError) -> str:
        said.append(str(error))
        return ""

    injector.inject(convert(injector.replace_markers(text, PAGE)), PAGE, on_error=keep)
    return said, injector.unshown()


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("One.\n\nThe SSE is <!-- nnla:sse digits=44 -->.\n", 3),  # an option out of range
        ("The SSE is <!-- nnla:sse claim=9.99 -->.\n", 1),  # a claim the value does not hold
        ("# The SSE, <!-- nnla:sse -->\n", 1),  # a place no value can stand
        ("The SSE is <!-- nnla:sse as=table -->.\n", 1),  # a form it has not
    ],
)
def test_a_value_named_by_a_wrong_marker_is_not_also_unshown(text: str, line: int) -> None:
    said, unshown = errors_and_unshown(text)
    assert len(said) == 1, said
    assert said[0].startswith(f"{PAGE}:{line}: "), said
    assert "sse" not in unshown
    assert "W" in unshown  # the others are unshown still


def test_a_marker_in_code_leaves_its_value_unshown() -> None:
    said, unshown = errors_and_unshown("Write `<!-- nnla:sse -->` to show it.\n")
    assert said == []
    assert "sse" in unshown


def test_the_build_reports_the_marker_alone(tmp_path: Path) -> None:
    site = dice_site(tmp_path)
    page = site / "docs" / "index.md"
    text = page.read_text(encoding="utf-8")
    assert text.count("<!-- calc:variance digits=4 -->") == 1
    page.write_text(text.replace("<!-- calc:variance digits=4 -->", "<!-- calc:variance digits=44 -->"), "utf-8")
    with pytest.raises(BuildError) as failed:
        build_site(site)
    told = str(failed.value)
    assert "digits= takes a whole number from 0 to 12; got '44'" in told
    assert "shown on no page" not in told


def test_a_marker_in_a_heading_is_reported_once(tmp_path: Path) -> None:
    site = dice_site(tmp_path)
    page = site / "docs" / "index.md"
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[0].startswith("# ")
    page.write_text("# Two dice, mean <!-- calc:mean -->\n" + "".join(lines[1:]), encoding="utf-8")
    (site / "docs" / "other.md").write_text("# Other\n\nA page beside it.\n", encoding="utf-8")
    with pytest.raises(BuildError) as failed:
        build_site(site)
    told = str(failed.value)
    assert "index.md:1: " in told
    assert "heading" in told
    assert "internal marker token" not in told, told


def test_only_the_reported_tokens_are_let_through() -> None:
    injector = Injector(compute_all(), fake_tex, SYNTAX)
    first, second = (f"PNUM{injector.nonce}T{n:04d}Z" for n in (1, 2))
    assert injector.unreported_token.search(first)
    injector.failed.add(first)
    assert injector.unreported_token.search(f"<title>{first}</title>") is None
    assert injector.unreported_token.search(f"<title>{first} {second}</title>").group() == second  # type: ignore[union-attr]
