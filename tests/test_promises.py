"""Every finished page keeps the site's promises, or the build fails naming the page and what it broke.

That it requests nothing from another host and runs no script of its own is checked on what ships:
tests/test_issue17_shipped.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError
from support_markdown import convert, math_extension, math_markdown, site_build
from test_plugin_config import dice_page_errors, dice_site

from proven_numbers.promises import broken, opening_line


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        ('<span class="katex-error" title="ParseError">x</span>', "a formula shows KaTeX's error"),
        ('<p id="a"></p><p id="a"></p>', "ids used more than once: a"),
    ],
)
def test_each_broken_promise_is_named(page: str, problem: str) -> None:
    assert any(problem in found for found in broken(page)), broken(page)


@pytest.mark.parametrize(
    "page",
    [
        '<a href="https://example.org/essay">the essay</a>',
        '<span class="katex"><span class="katex-html">x</span></span>',
        '<p id="a"></p><p id="b"></p>',
    ],
)
def test_a_page_that_keeps_them_passes(page: str) -> None:
    assert broken(page) == []


def test_a_token_on_the_page_is_named() -> None:
    assert broken("<p>NNLAABCDT0001Z</p>", re.compile("NNLAABCDT[0-9]{4}Z")) == [
        "an internal marker token reached the page: NNLAABCDT0001Z"
    ]


def test_a_math_token_on_the_page_is_named() -> None:
    """Each Markdown object has its own nonce, which the build does not know: the tokens' shape is checked."""
    md = math_markdown()
    md.preprocessors["pn_math"].run(["A $`x`$ here.", "```math", "y", "```"])
    math = math_extension(md)
    assert len(math.formulas) == len(math.fences) == 1
    for token in [*math.formulas, *math.fences]:
        assert broken(f"<p>{token}</p>") == [f"an internal math token reached the page: {token}"]


def test_the_build_fails_on_a_page_that_breaks_one() -> None:
    build, config = site_build()
    page = '<html><head><meta charset="utf-8"></head><body><p id="x"></p><p id="x"></p></body></html>'
    build.page_output(page, "demo.md")
    build.page_output(page.replace('"x"', '"y"'), "other.md")
    with pytest.raises(PluginError, match=r"demo\.md: the page breaks the site's promises: ids used more than once: x"):
        build.finish(config.site_dir)
    with pytest.raises(
        PluginError, match=r"other\.md: the page breaks the site's promises: ids used more than once: y"
    ):
        build.finish(config.site_dir)


def test_a_formula_split_across_lines_is_named_not_shown_as_code() -> None:
    """Markdown reads a $`...`$ over two lines as a code span between two dollars; the reader would see the TeX."""
    page = convert("The sum $`a +\nb`$ here.\n")
    assert "$<code>a +\nb</code>$" in page  # what Markdown makes of it: the case the promise is about
    assert broken(page) == [
        "a formula split across lines shows as code between dollars: $`a + b`$ (write an inline formula on one "
        "line, or as a ```math fence)"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Code `a + b` and a price of $5.\n",
        "Dollars $ `x` $ apart.\n",
        "A fence:\n\n```\n$`x`$\n```\n",
        "In code: `` $`x `` and ```` ```$`` ````.\n",
        "    $`x indented code\n",
    ],
)
def test_code_near_dollars_is_not_a_split_formula(text: str) -> None:
    assert broken(convert(text)) == []


def test_a_formula_not_closed_on_its_line_is_named_not_shown_as_text() -> None:
    """An opening $` with no closing backtick on its line is text to Markdown: the reader would see the TeX."""
    page = convert("Missing close: the weight $`w_1 is 3.\n\nAnd $``x too.\n")
    assert "the weight $`w_1 is 3." in page  # what Markdown makes of it: the case the promise is about
    assert broken(page) == [
        "a formula not closed on its line shows as text: $`w_1 is 3. (close it on the same line with as many "
        "backticks as open it, then $)",
        "a formula not closed on its line shows as text: $``x too. (close it on the same line with as many "
        "backticks as open it, then $)",
    ]


@pytest.mark.parametrize(
    ("markdown", "start", "line"),
    [
        ("One.\n\nThe sum $`a +\nb`$ here.\n", "a + b", 3),
        ("One.\r\nTwo $`` w_1 is 3.\r\n", "`` w_1 is 3.", 2),  # as `formula_problems` gives it: $` stripped
        ("$`other`$ first, then\n$`w_1 open\n", "w_1 open", 2),
        ("Nothing here.\n", "w_1", 0),
    ],
)
def test_the_opening_line_is_found_on_the_pages_markdown(markdown: str, start: str, line: int) -> None:
    assert opening_line(markdown, start.lstrip("`")) == line


def test_the_build_names_the_line_of_a_formula_markdown_did_not_read(tmp_path: Path) -> None:
    """Both cases at the line of the page's file where the formula opens, front matter counted."""
    added = "\nSplit: $`a +\n\\beta`$ here.\n\nOpen: the weight $`w_1 is 3.\n"
    told, lines = dice_page_errors(dice_site(tmp_path), added, before="---\ntitle: Dice\n---\n")
    assert f"index.md:{lines + 2}: the page breaks the site's promises: a formula split across lines" in told
    assert f"index.md:{lines + 5}: the page breaks the site's promises: a formula not closed on its line" in told
