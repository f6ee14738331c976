"""One line index for every offset: the HTML parser's, which counts lines at "\\n" alone.

Text pasted from PDFs and word processors brings characters that `str.splitlines` also reads as line breaks
(U+2028, U+2029, NEL, a form feed, a vertical tab, \\x1c-\\x1e). Markdown and html.parser do not: a second line
counter that did shifted every splice after one of them (issue 17, class 1: ``One``U+2028``two.`` then a formula
shipped ``<p<span class="katex">…`` with the sentence gone). Hypothesis generates the characters and where they
stand; every marker and formula must still land where it was written, and every error at its own line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import markdown  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_markers import EXTENSIONS, SYNTAX, fake_tex

from nnla_essay.registry import compute_all
from proven_numbers import katex, places
from proven_numbers.markers import Injector, MarkerError
from proven_numbers.mdext import MathError

ROOT = Path(__file__).resolve().parent.parent
PAGE = "breaks.md"
#: Pages each property tries.
EXAMPLES = 150
#: What `str.splitlines` splits at besides "\n" and "\r": none is a line break to Markdown or to html.parser.
INVISIBLE_BREAKS = ["\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e"]
#: Line breaks as Markdown reads them: "\r" and "\r\n" become "\n" (MkDocs reads files in universal-newline mode;
#: a host calling Markdown itself may hand them over).
MARKDOWN_BREAKS = ["\n", "\r\n", "\r"]

breaks = st.sampled_from(INVISIBLE_BREAKS)
#: A run of prose with invisible breaks anywhere in it.
prose = st.lists(st.one_of(st.sampled_from(["One", "two", "words", "here", " "]), breaks), min_size=1, max_size=8).map(
    "".join
)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("katex-cache")
    katex.close_all()


def convert(text: str, cache_dir: Path) -> tuple[str, Injector]:
    """A page as the build makes it: markers swapped, Markdown with the math extension, values put in place."""
    injector = Injector(compute_all(), fake_tex, SYNTAX)
    settings_ = {"node_modules": str(ROOT / "node_modules"), "cache_dir": str(cache_dir), "enabled": True}
    md = markdown.Markdown(
        extensions=[*EXTENSIONS, "proven_numbers.mdext"], extension_configs={"proven_numbers.mdext": settings_}
    )
    return injector.inject(md.convert(injector.replace_markers(text, PAGE)), PAGE), injector


def tex_of(fragment: str) -> list[str]:
    found = re.findall(r'<annotation encoding="application/x-tex">(.*?)</annotation>', fragment, re.DOTALL)
    return [html.unescape(tex) for tex in found]


@pytest.mark.parametrize("character", INVISIBLE_BREAKS)
def test_the_issues_example_renders_its_sentence_and_its_formula(cache_dir: Path, character: str) -> None:
    """The example of issue 17 class 1, with each character: the sentence is kept, the formula rendered in place."""
    page, _ = convert(f"One{character}two.\n\nHalf is $`\\frac{{1}}{{2}}`$ here, <!-- nnla:sse -->.\n", cache_dir)
    assert page.startswith(f'<p>One{character}two.</p>\n<p>Half is <span class="katex">'), page[:200]
    assert tex_of(page) == [r"\frac{1}{2}"]
    assert 'data-nnla-name="sse"' in page
    assert page.endswith("</span></span>.</p>")
    assert "PNUM" not in page


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.tuples(prose, st.sampled_from([("<p>", "</p>"), ('<p class="x">', "</p>"), ("<em>", "</em>")]))))
def test_every_token_is_found_at_its_own_offset(parts: list[tuple[str, tuple[str, str]]]) -> None:
    """`places.find` on HTML holding generated breaks: each place's offset is where its token stands."""
    token = re.compile("TOK[0-9]+Z")
    page = "".join(f"{start}{text}TOK{index}Z{text}{end}\n" for index, (text, (start, end)) in enumerate(parts))
    found = places.find(page, token)
    assert [place.token for place in found] == [f"TOK{index}Z" for index in range(len(parts))]
    for place in found:
        assert page[place.start : place.start + len(place.token)] == place.token
        assert place.where == "text"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(prose, prose, st.sampled_from(["marker", "formula", "both"])), min_size=1, max_size=5))
def test_markers_and_formulas_land_where_written_whatever_breaks_the_prose_holds(
    cache_dir: Path, paragraphs: list[tuple[str, str, str]]
) -> None:
    """Paragraphs of generated prose, each with a marker, a formula or both: each lands in its own paragraph."""
    blocks = []
    for index, (before, after, what) in enumerate(paragraphs):
        middle = {"marker": "<!-- nnla:sse -->", "formula": f"$`x_{{{index}}}`$"}.get(
            what, f"<!-- nnla:sse --> and $`x_{{{index}}}`$"
        )
        blocks.append(f"Para{index} {before}{middle}{after} end{index}.")
    page, injector = convert("\n\n".join(blocks) + "\n", cache_dir)
    assert "PNUM" not in page
    assert injector.nonce not in page
    pieces = re.findall(r"<p>Para([0-9]+) (.*?) end\1\.</p>", page, re.DOTALL)
    assert [int(index) for index, _ in pieces] == list(range(len(paragraphs)))
    for (index, body), (before, after, what) in zip(pieces, paragraphs, strict=True):
        assert body.startswith(before), (body, before)
        assert body.endswith(after), (body, after)
        assert ('data-nnla-name="sse"' in body) is (what != "formula")
        assert tex_of(body) == ([] if what == "marker" else [f"x_{{{index}}}"])


def lines_page(separators: list[str], last: str) -> tuple[str, int]:
    """Lines of prose joined by the generated separators (the paragraphs apart), then `last`; its line, as
    Markdown counts lines."""
    before = "".join(f"Line {index}.{separator}" for index, separator in enumerate(separators)) + "\n\n"
    return f"{before}{last}\n", 1 + len(re.findall("\r\n?|\n", before))


separators = st.lists(st.one_of(st.sampled_from(MARKDOWN_BREAKS), breaks.map(lambda b: b + "\n")), max_size=6)


@settings(max_examples=EXAMPLES, deadline=None)
@given(separators)
def test_a_bad_marker_is_reported_at_the_line_markdown_counts(generated: list[str]) -> None:
    """The marker's line counts "\\r\\n", "\\r" and "\\n" as Markdown does, and nothing else."""
    text, line = lines_page(generated, "The value <!-- nnla:nope --> here.")
    injector = Injector(compute_all(), fake_tex, SYNTAX)
    replaced = injector.replace_markers(text, PAGE)
    with pytest.raises(MarkerError, match="unknown value 'nope'") as caught:
        injector.inject(markdown.Markdown(extensions=EXTENSIONS).convert(replaced), PAGE)
    assert caught.value.line == line


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(separators, st.sampled_from([r"$`\frac{1}`$", "```math\n\\frac{1}\n```"]))
def test_a_bad_formula_is_reported_at_the_line_markdown_counts(
    cache_dir: Path, generated: list[str], formula: str
) -> None:
    """The math extension counts lines as Markdown does: its line and the marker's agree."""
    text, line = lines_page(generated, formula)
    with pytest.raises(MathError) as caught:
        convert(text, cache_dir)
    assert caught.value.lineno == line
    assert SYNTAX.candidates(text.replace(formula, "<!-- nnla:x -->"))[0].line == line
