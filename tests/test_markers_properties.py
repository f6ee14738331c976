"""Markers in random Markdown contexts: each renders where it was written, or the build fails at its line.

Hypothesis builds pages of blocks, each a context (code of every kind, text of every kind, a block value on its
own, or a place no value can stand) holding one marker, good or bad. The rule checked for every page: a marker in
code is shown as written; a good marker in text shows its value there, between the blocks around it; anything
else fails with the page and the marker's own line. Never a page that silently lacks a value, never a token.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_markers import SYNTAX, convert, fake_tex

from nnla_essay.registry import compute_all
from proven_numbers.markers import Injector, MarkerError

PAGE = "generated.md"
#: Pages each property tries.
EXAMPLES = 300

#: Contexts where Markdown makes code of the marker: it must be shown as written. {M} is the marker.
CODE = [
    "```\n{M}\n```",
    "````markdown\n{M}\n````",
    "```python\nx = 1  # {M}\n```",
    "```html\n<p>{M}</p>\n```",
    "~~~\n{M}\n~~~",
    "Code follows.\n\n    {M}",
    "Text `{M}` text.",
    "Text ``a ` {M}`` text.",
    "> ```\n> {M}\n> ```",
    "- item\n\n    ```\n    {M}\n    ```",
    "!!! note\n\n    ```\n    {M}\n    ```",
]
#: Contexts where an inline marker shows its value.
TEXT = [
    "Text {M} text.",
    "- item {M} here\n- another",
    "1. first {M}\n2. second",
    "> quoted {M} here",
    "| a | b |\n|---|---|\n| {M} | x |",
    "!!! note\n\n    Inside {M} here.",
    '??? note "More"\n\n    Inside {M}.',
    "[link {M} text](https://example.org)",
    "*emphasis {M} here*",
    "```python```\n\nAfter a line that starts with a span, {M}.",
    "An unclosed ``` fence, then {M}.",
]
#: Contexts where a block marker shows its value (it stands alone).
BLOCK = ["{M}", "- {M}\n- two", "!!! note\n\n    {M}", "> {M}"]
#: Contexts where no value can stand: the build must fail at the marker's line.
FORBIDDEN = [
    ("## A heading {M}", "a heading cannot show a computed value"),
    ('See [this](https://example.org "{M}").', "inside a link title"),
    ("Some text\n{{: title='{M}' }}", "inside a link title, an attribute"),
    ("The SSE here.\n\n*[SSE]: {M}", "inside a link title, an attribute"),
    ("<!-- a note {M} -->", "inside another HTML comment"),
    ("<script>let a = '{M}';</script>", "inside a <script>"),
]
#: Text contexts where the marker shares its element with other text: no place for a block.
SENTENCES = [context for context in TEXT if not context.startswith("|")]

GOOD_INLINE = [
    ("<!-- nnla:sse -->", "sse"),
    ("<!-- nnla:mse digits=2 -->", "mse"),
    ("<!-- nnla:sse claim=5.65 -->", "sse"),
    ("<!-- nnla:x as=inline -->", "x"),
]
GOOD_BLOCK = [("<!-- nnla:W -->", "W"), ("<!-- nnla:trace_stable -->", "trace_stable")]
BAD = [
    ("<!-- nnla: W -->", "malformed marker"),
    ("<!-- nnla_sse -->", "malformed marker"),
    ("<!-- nnla:nope -->", "unknown value 'nope'"),
    ("<!-- nnla:sse claim=5.66 -->", "the prose claims sse = 5.66"),
    ("<!-- nnla:sse colour=red -->", "unknown option 'colour'"),
]


@dataclass(frozen=True)
class Block:
    """One block of a generated page: its Markdown, the marker in it, and what must become of it."""

    text: str
    marker: str
    outcome: str  # "code", "value" or "error"
    name: str = ""  # the value's name, for "value"
    message: str = ""  # what the error says, for "error"


def block(context: str, marker: str, outcome: str, name: str = "", message: str = "") -> Block:
    return Block(context.replace("{M}", marker).replace("{{", "{").replace("}}", "}"), marker, outcome, name, message)


code_blocks = st.builds(
    block, st.sampled_from(CODE), st.sampled_from([m for m, _ in GOOD_INLINE + BAD]), st.just("code")
)
inline_values = st.sampled_from(TEXT).flatmap(
    lambda c: st.sampled_from(GOOD_INLINE).map(lambda m: block(c, m[0], "value", name=m[1]))
)
block_values = st.sampled_from(BLOCK).flatmap(
    lambda c: st.sampled_from(GOOD_BLOCK).map(lambda m: block(c, m[0], "value", name=m[1]))
)
good_blocks = st.one_of(code_blocks, inline_values, block_values)
bad_blocks = st.one_of(
    st.sampled_from(TEXT).flatmap(lambda c: st.sampled_from(BAD).map(lambda m: block(c, m[0], "error", message=m[1]))),
    st.sampled_from(FORBIDDEN).flatmap(
        lambda c: st.sampled_from(GOOD_INLINE).map(lambda m: block(c[0], m[0], "error", message=c[1]))
    ),
    st.sampled_from(SENTENCES).map(
        lambda c: block(c, "<!-- nnla:W -->", "error", message="as=display is a block: put <!-- nnla:W -->")
    ),
)


def page_of(blocks: list[Block]) -> tuple[str, list[int]]:
    """The page's Markdown, a sentinel paragraph before each block, and each block's marker line."""
    parts, lines, line = [], [], 1
    for index, item in enumerate(blocks):
        head = f"Sentinel{index} opens block {index}."
        text = f"{head}\n\n{item.text}\n\n"
        offset = item.text.index(item.marker)
        lines.append(line + 2 + item.text.count("\n", 0, offset))
        parts.append(text)
        line += text.count("\n")
    return "".join(parts) + "The end.\n", lines


def build(text: str) -> tuple[str, Injector]:
    injector = Injector(compute_all(), fake_tex, SYNTAX)
    replaced = injector.replace_markers(text, PAGE)
    return injector.inject(convert(replaced), PAGE), injector


def between(page: str, index: int, count: int) -> str:
    """The HTML of block `index`: from its sentinel to the next one (or the end)."""
    start = page.index(f"Sentinel{index} ")
    end = page.index(f"Sentinel{index + 1} ") if index + 1 < count else len(page)
    return page[start:end]


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(good_blocks, min_size=1, max_size=6))
def test_every_good_marker_renders_where_it_was_written(blocks: list[Block]) -> None:
    text, _ = page_of(blocks)
    page, injector = build(text)
    assert injector.nonce not in page
    for index, item in enumerate(blocks):
        html_of_block = between(page, index, len(blocks))
        if item.outcome == "code":
            assert html.escape(item.marker) in html_of_block, (item, html_of_block)
        else:
            assert f'data-nnla-name="{item.name}"' in html_of_block, (item, html_of_block)
            assert html.escape(item.marker) not in html_of_block
    shown = {item.name for item in blocks if item.outcome == "value"}
    assert set(injector.shown) == shown


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(good_blocks, max_size=4), bad_blocks, st.lists(good_blocks, max_size=4))
def test_a_bad_marker_anywhere_fails_at_its_own_line(before: list[Block], bad: Block, after: list[Block]) -> None:
    blocks = [*before, bad, *after]
    text, lines = page_of(blocks)
    with pytest.raises(MarkerError, match=re.escape(bad.message)) as caught:
        build(text)
    assert (caught.value.page, caught.value.line) == (PAGE, lines[len(before)]), text
