"""A marker written with another site's prefix is a mistake at its line, not an HTML comment that hides the value.

`<!-- value:sse -->` (the plugin's default prefix) or `<!-- nnla:mean -->` (copied from this site's docs into a
site whose prefix is `calc`) was an HTML comment: the build passed and the sentence read "the mean is , and".
A comment written whole as a marker (a name, options, the comment's end, on one line) that names one of the
site's values, or gives only a marker's options, is now reported; every other comment stays the author's own.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_markers import PAGE, SYNTAX, fake_tex, render
from test_plugin_config import dice_page_errors, dice_site

from nnla_essay.registry import compute_all
from proven_numbers.markers import Injector, MarkerError, Syntax

#: This site's syntax, knowing its values' names, as the plugin makes it.
NAMED = Syntax(SYNTAX.prefix, SYNTAX.digits, frozenset(compute_all()))
#: Words a foreign prefix is made of: none of them one typo from "nnla" (those are the typo test's).
PREFIXES = st.sampled_from(["value", "calc", "dice", "site", "docs", "n", "x1", "my-site", "VALUE"])


def injector() -> Injector:
    return Injector(compute_all(), fake_tex, NAMED)


@settings(max_examples=100, deadline=None)
@given(PREFIXES, st.sampled_from(["sse", "W", "x", "lr"]), st.sampled_from(["", " digits=2", " as=inline"]))
def test_a_marker_of_another_prefix_naming_a_value_fails_at_its_line(prefix: str, name: str, options: str) -> None:
    written = f"<!-- {prefix}:{name}{options} -->"
    with pytest.raises(MarkerError) as caught:
        render(injector(), f"One.\n\nThe value is {written} here.\n")
    assert caught.value.page == PAGE
    assert caught.value.line == 3
    assert f"with the prefix {prefix!r}, but the site's markers are <!-- nnla:NAME -->" in caught.value.message
    assert f"did you mean <!-- nnla:{name}{options} -->?" in caught.value.message


def test_a_marker_of_another_prefix_with_a_markers_options_fails_whatever_its_name() -> None:
    with pytest.raises(MarkerError, match=r"^part-9\.md:1: '<!-- value:not_a_value digits=2 -->' is written as a"):
        render(injector(), "The value is <!-- value:not_a_value digits=2 -->.\n")


@pytest.mark.parametrize(
    "comment",
    [
        "<!-- todo:later -->",  # a name the site does not have, no options
        "<!-- value: sse -->",  # a space after the colon: prose
        "<!-- see:W for the weights -->",  # words after the name that are no options
        "<!-- prettier-ignore -->",
        "<!-- markdownlint-disable MD013 -->",
        "<!-- value:sse",  # no end on its line: Markdown's text
        "<!-- tool:later key=1 -->",  # an option no marker has
    ],
)
def test_other_comments_stay_the_authors_own(comment: str) -> None:
    """The page is what it was before the site's names were known (a comment, or Markdown's text)."""
    text = f"Text {comment} here.\n"
    assert render(injector(), text) == render(Injector(compute_all(), fake_tex, SYNTAX), text)
    if comment.endswith("-->"):
        assert comment in render(injector(), text)


def test_a_marker_of_another_prefix_in_code_is_shown_as_written() -> None:
    page = render(injector(), "Another site writes `<!-- value:sse -->`.\n")
    assert f"<code>{html.escape('<!-- value:sse -->')}</code>" in page


def test_without_the_names_only_the_options_tell() -> None:
    """Syntax's names default to none (a tool that reads markers without the values): the options still tell."""
    assert "<!-- value:sse -->" in render(Injector(compute_all(), fake_tex, SYNTAX), "A <!-- value:sse --> b.\n")


def test_the_build_names_the_page_and_line(tmp_path: Path) -> None:
    """The dice site (prefix calc) with markers copied from this site's docs and the plugin's default prefix."""
    told, lines = dice_page_errors(
        dice_site(tmp_path), "\nAgain, the mean is <!-- value:mean -->, or <!-- nnla:mean -->.\n"
    )
    line = lines + 2
    assert f"index.md:{line}: '<!-- value:mean -->' is written as a marker with the prefix 'value'" in told
    assert f"index.md:{line}: '<!-- nnla:mean -->' is written as a marker with the prefix 'nnla'" in told
    assert "did you mean <!-- calc:mean -->?" in told
