"""Formulas in random Markdown contexts: each renders where it was written, or the build fails at its line.

Hypothesis builds pages of blocks, each a context holding one formula, good or bad, inline or display. In code
the formula's syntax is shown as written; elsewhere a good formula is rendered by KaTeX there, between the blocks
around it; a bad one fails with its own line. Never a page with a red formula, never a formula left as code.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import markdown  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_markers import EXTENSIONS

from proven_numbers import katex
from proven_numbers.mdext import MathError

ROOT = Path(__file__).resolve().parent.parent
#: Pages each property tries.
EXAMPLES = 150

#: Contexts of an inline formula ({F} is ``$`TeX`$``): code shows it as written, text renders it.
INLINE_CODE = [
    "```\n{F}\n```",
    "~~~markdown\nA {F} here\n~~~",
    "Text ``{F}`` text.",
    "Code:\n\n    {F}",
    "> ```\n> {F}\n> ```",
    "- item\n\n        {F}",
]
INLINE_TEXT = [
    "Text {F} text.",
    "- item {F}\n- two",
    "> quoted {F}",
    "| a | b |\n|---|---|\n| {F} | x |",
    "!!! note\n\n    Inside {F} here.",
    "## A heading {F}",
    "*emphasis {F}*",
]
#: Contexts of a display formula ({D} is a ```math fence; {D4} and {D8} indented by four and eight spaces, {D>}
#: quoted, {D>4} quoted and indented, {D~} a ~~~ fence): where Markdown reads a fence, the formula is rendered;
#: in code it is shown as written.
DISPLAY_TEXT = ["{D}", "{D~}", "- item\n\n{D4}", "!!! note\n\n{D4}", "> {D>}", "> Quoted:\n>\n> {D>}", "1. one\n\n{D4}"]
DISPLAY_CODE = ["Code:\n\n{D4}", "````markdown\n{D}\n````", "- item\n\n{D8}", "> Code:\n>\n> {D>4}"]
GOOD = ["x^2", r"\frac{\partial \ell_k}{\partial b_j}", r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}", r"\mathbf{e}"]
BAD = [
    (r"\frac{1}", "KaTeX cannot render"),
    (r"\href{javascript:alert(1)}{x}", r"\href is not allowed on this site"),
    (r"\url{https://example.org}", r"\url is not allowed"),
    ("é", "unicode"),
]


@dataclass(frozen=True)
class Block:
    text: str
    tex: str
    outcome: str  # "code", "rendered" or "error"
    first_line: int  # the line of the block, from 1, where its formula starts
    message: str = ""


def inline(context: str, tex: str, outcome: str, message: str = "") -> Block:
    formula = f"$`{tex}`$"
    text = context.replace("{F}", formula)
    return Block(text, tex, outcome, text[: text.index(formula)].count("\n"), message)


def display(context: str, tex: str, outcome: str, message: str = "") -> Block:
    fence = f"```math\n{tex}\n```"
    forms = {
        "{D4}": "\n".join("    " + line for line in fence.splitlines()),
        "{D8}": "\n".join("        " + line for line in fence.splitlines()),
        "{D>4}": "\n>     ".join(fence.splitlines()).join(["    ", ""]),
        "{D>}": "\n> ".join(fence.splitlines()),
        "{D~}": f"~~~math\n{tex}\n~~~",
        "{D}": fence,
    }
    text = context
    for slot, form in forms.items():
        text = text.replace(slot, form)
    opening = "~~~math" if "{D~}" in context else "```math"
    return Block(text, tex, outcome, text[: text.index(opening)].count("\n"), message)


code_blocks = st.one_of(
    st.builds(inline, st.sampled_from(INLINE_CODE), st.sampled_from(GOOD + [b for b, _ in BAD]), st.just("code")),
    st.builds(display, st.sampled_from(DISPLAY_CODE), st.sampled_from(GOOD + [b for b, _ in BAD]), st.just("code")),
)
good_blocks = st.one_of(
    code_blocks,
    st.builds(inline, st.sampled_from(INLINE_TEXT), st.sampled_from(GOOD), st.just("rendered")),
    st.builds(display, st.sampled_from(DISPLAY_TEXT), st.sampled_from(GOOD), st.just("rendered")),
)
bad_blocks = st.one_of(
    st.sampled_from(INLINE_TEXT).flatmap(lambda c: st.sampled_from(BAD).map(lambda b: inline(c, b[0], "error", b[1]))),
    st.sampled_from(DISPLAY_TEXT).flatmap(
        lambda c: st.sampled_from(BAD).map(lambda b: display(c, b[0], "error", b[1]))
    ),
)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("katex-cache")
    katex.close_all()


def page_of(blocks: list[Block]) -> tuple[str, list[int]]:
    """The page, a sentinel paragraph before each block, and the line of each block's formula."""
    parts, lines, line = [], [], 1
    for index, item in enumerate(blocks):
        text = f"Sentinel{index} opens block {index}.\n\n{item.text}\n\n"
        lines.append(line + 2 + item.first_line)
        parts.append(text)
        line += text.count("\n")
    return "".join(parts) + "The end.\n", lines


def convert(text: str, cache_dir: Path) -> str:
    settings_ = {"node_modules": str(ROOT / "node_modules"), "cache_dir": str(cache_dir), "enabled": True}
    md = markdown.Markdown(
        extensions=[*EXTENSIONS, "proven_numbers.mdext"], extension_configs={"proven_numbers.mdext": settings_}
    )
    return str(md.convert(text))


def between(page: str, index: int, count: int) -> str:
    start = page.index(f"Sentinel{index} ")
    end = page.index(f"Sentinel{index + 1} ") if index + 1 < count else len(page)
    return page[start:end]


def text_of(fragment: str) -> str:
    """What a reader sees of the HTML: its text, tags (a highlighter's spans among them) taken out."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def tex_of(fragment: str) -> list[str]:
    found = re.findall(r'<annotation encoding="application/x-tex">(.*?)</annotation>', fragment, re.DOTALL)
    return [html.unescape(tex) for tex in found]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(good_blocks, min_size=1, max_size=5))
def test_every_good_formula_renders_where_it_was_written(cache_dir: Path, blocks: list[Block]) -> None:
    text, _ = page_of(blocks)
    page = convert(text, cache_dir)
    assert "katex-error" not in page
    for index, item in enumerate(blocks):
        fragment = between(page, index, len(blocks))
        if item.outcome == "code":
            written = f"$`{item.tex}`$" if "$`" in item.text else f"math\n{item.tex}\n"
            assert written in text_of(fragment).replace("\n> ", "\n"), (item, fragment)
            assert tex_of(fragment) == []
        elif "## A heading" in item.text:
            assert item.tex in tex_of(fragment) or html.escape(item.tex, quote=False) in fragment
        else:
            assert tex_of(fragment) == [item.tex], (item, fragment)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(good_blocks, max_size=3), bad_blocks, st.lists(good_blocks, max_size=3))
def test_a_bad_formula_anywhere_fails_at_its_own_line(
    cache_dir: Path, before: list[Block], bad: Block, after: list[Block]
) -> None:
    text, lines = page_of([*before, bad, *after])
    with pytest.raises(MathError, match=re.escape(bad.message)) as caught:
        convert(text, cache_dir)
    assert caught.value.lineno == lines[len(before)], text


@pytest.mark.parametrize("text", ["Code:\n\n    $`x^2`$\n", "> ```\n> $`x^2`$\n> ```\n"])
def test_a_formula_in_indented_or_quoted_code_is_shown_as_written(cache_dir: Path, text: str) -> None:
    """Found by the property above, when the extension told code by its own fence scanner."""
    page = convert(text, cache_dir)
    assert "$`x^2`$" in text_of(page)


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("> ```math\n> x^2\n> ```\n", True),  # was shown as code: the extension's own scanner skipped quotes
        ("Code:\n\n    ```math\n    x^2\n    ```\n", False),  # was rendered: an indented block is code
        ("Code:\n\n    ```math\n    \\frac{1}\n    ```\n", False),  # was a build error for code
    ],
)
def test_display_math_is_where_markdown_reads_a_fence(cache_dir: Path, text: str, rendered: bool) -> None:
    """Found by the property above, when the extension told fences by its own line scanner."""
    page = convert(text, cache_dir)
    assert (tex_of(page) != []) is rendered
    if not rendered:
        assert "```math\n" in text_of(page)
