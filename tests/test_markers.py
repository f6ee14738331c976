"""The marker machinery on strings: candidates, errors with page and line, claims, and injection.

Pages are made by Python-Markdown with the site's extensions (all but the math one, which needs node), so that
what counts as code, a heading or an attribute is the parser's own answer, as in the real build.
"""

from __future__ import annotations

import html
import json
import re

import markdown  # type: ignore[import-untyped]  # untyped; types-Markdown is not in requirements-dev.txt
import numpy as np
import pytest

from nnla_essay.registry import compute_all
from proven_numbers.markers import Injector, MarkerError, Syntax, check_claim
from proven_numbers.markers.render import TABLE_HEAD, TABLE_TAIL

#: The essay's markers: <!-- nnla:NAME -->, four decimals unless they say.
SYNTAX = Syntax("nnla")

PAGE = "part-9.md"


def fake_tex(tex: str, display: bool) -> str:
    """Stands in for KaTeX: keeps the TeX visible so the tests can read it back."""
    return f'<span class="tex" data-display="{display}">{html.escape(tex)}</span>'


@pytest.fixture
def injector() -> Injector:
    return Injector(compute_all(), fake_tex, SYNTAX)


def values_in(page_html: str) -> dict[str, object]:
    """Every data-nnla-name with its decoded data-nnla-value."""
    found = re.findall(r'data-nnla-name="([^"]+)" data-nnla-value="([^"]*)"', page_html)
    return {name: json.loads(html.unescape(value)) for name, value in found}


#: The site's Markdown extensions, but the math one.
EXTENSIONS = [
    "abbr",
    "admonition",
    "attr_list",
    "footnotes",
    "md_in_html",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.highlight",
    "pymdownx.inlinehilite",
    "pymdownx.superfences",
]


def convert(text: str) -> str:
    rendered: str = markdown.Markdown(extensions=EXTENSIONS).convert(text)
    return rendered


def render(injector: Injector, text: str) -> str:
    """A page through the injector and Python-Markdown, as the build makes it."""
    return injector.inject(convert(injector.replace_markers(text, PAGE)), PAGE)


def test_scan_finds_markers_with_lines_and_options() -> None:
    text = "intro\n\n<!-- nnla:W -->\n\nThe SSE is <!-- nnla:sse digits=2 --> here.\n"
    found = SYNTAX.scan(text, PAGE)
    assert [(m.name, m.line, dict(m.options)) for m in found] == [("W", 3, {}), ("sse", 5, {"digits": "2"})]


def test_candidates_include_near_misses() -> None:
    text = "<!--- nnla:sse --->\n<!-- nnla_sse -->\n<!-- NNLA:x -->\n<!-- nnla:W\n<!-- other -->\n"
    assert [(c.line, c.text) for c in SYNTAX.candidates(text)] == [
        (1, "<!--- nnla:sse --->"),
        (2, "<!-- nnla_sse -->"),
        (3, "<!-- NNLA:x -->"),
        (4, "<!-- nnla:W"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "```markdown\n<!-- nnla:nope -->\n```\n",
        "Write `<!-- nnla:nope2 -->` to show it.\n",
        "~~~~\n<!-- nnla:x -->\n~~~~\n",
        "Text.\n\n    <!-- nnla:indented -->\n",
        "> ```\n> <!-- nnla:quoted -->\n> ```\n",
        "- item\n\n    ```\n    <!-- nnla: malformed -->\n    ```\n",
        "````\n```\n<!-- nnla:inside -->\n````\n",
        "Code `x <!-- nnla:sse --> y` here.\n",
        "```python```\n\n`<!-- nnla:after_a_span_at_line_start -->`\n",
    ],
)
def test_markers_in_code_are_shown_as_written(injector: Injector, text: str) -> None:
    """Authors document the marker syntax in code: wherever Markdown says code, the marker stays as written."""
    page = render(injector, text)
    (written,) = (c.text for c in SYNTAX.candidates(text))
    assert html.escape(written) in page
    assert "data-nnla-name" not in page
    assert "NNLA" not in page
    assert injector.shown == {}


@pytest.mark.parametrize(
    "text",
    [
        "```python```\n\nThe SSE is <!-- nnla:sse -->.\n",
        "An unclosed ``` fence.\n\nThe SSE is <!-- nnla:sse -->.\n",
        "A literal \\` then <!-- nnla:sse --> and a ` later.\n",
    ],
)
def test_what_only_looks_like_code_leaves_later_markers_working(injector: Injector, text: str) -> None:
    """A line that starts with a code span, or an unclosed fence, does not swallow the markers after it."""
    page = render(injector, text)
    assert 'data-nnla-name="sse"' in page
    assert injector.shown == {"sse": {PAGE}}


def test_the_value_goes_where_the_marker_is_not_its_copy_in_code(injector: Injector) -> None:
    page = render(injector, "Write `<!-- nnla:sse -->` and you get <!-- nnla:sse -->.\n")
    assert "<code>&lt;!-- nnla:sse --&gt;</code> and you get <span" in page


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Intro.\n\n## Loss is <!-- nnla:sse -->\n", 3, "a heading cannot show a computed value"),
        ('Intro.\n\nSee [this](https://x.org "<!-- nnla:sse -->").\n', 3, "inside a link title"),
        ("Intro.\n\nSome text\n{: title='<!-- nnla:sse -->' }\n", 4, "inside a link title, an attribute"),
        ("Intro.\n\nThe SSE here.\n\n*[SSE]: <!-- nnla:sse -->\n", 5, "inside a link title, an attribute"),
        ("Intro.\n\n<!-- a note <!-- nnla:sse --> -->\n", 3, "inside another HTML comment"),
        ("Intro.\n\n<script>let a = '<!-- nnla:sse -->';</script>\n", 3, "inside a <script>"),
        ("Text.\n\n[x]: https://x.org '<!-- nnla:sse -->'\n", 3, "did not reach the page"),
    ],
)
def test_a_marker_where_no_value_can_stand_fails_at_its_line(
    injector: Injector, text: str, line: int, message: str
) -> None:
    with pytest.raises(MarkerError, match=re.escape(message)) as caught:
        render(injector, text)
    assert caught.value.line == line
    assert caught.value.page == PAGE


def test_the_word_nnla_in_prose_is_no_token(injector: Injector) -> None:
    """The build's tokens carry a nonce of its own: prose that mentions NNLAVALUE0000Z is left alone."""
    page = render(injector, "The token NNLAVALUE0000Z and NNLA are words. The SSE is <!-- nnla:sse -->.\n")
    assert "NNLAVALUE0000Z and NNLA are words" in page


def test_the_same_figure_twice_keeps_its_ids_unique(injector: Injector) -> None:
    page = render(injector, "<!-- nnla:trace_batch as=figure -->\n\nText.\n\n<!-- nnla:trace_batch as=figure -->\n")
    ids = re.findall(r'id="([^"]+)"', page)
    first, second = ids[: len(ids) // 2], ids[len(ids) // 2 :]
    assert first
    assert all(i.startswith("nnla-trace-batch") for i in first)
    assert second == [i.replace("nnla-trace-batch", "nnla-trace-batch-2", 1) for i in first]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("<!-- nnla: W -->", "malformed marker"),
        ("<!-- nnla:W", "malformed marker"),
        ("<!-- NNLA W -->", "malformed marker"),
        ("<!--- nnla:sse --->", "malformed marker"),
        ("<!-- nnla_sse -->", "malformed marker"),
        ("<!-- nnla:W as=table as=figure -->", "gives the option 'as' twice"),
        ("<!-- nnla:W colour=red -->", "unknown option 'colour'"),
        ("<!-- nnla:sse digits=many -->", "digits= takes a whole number"),
        ("<!-- nnla:sse claim=about5 -->", "claim= takes a number"),
        ("<!-- nnla:sse claim=5.65 digits=2 -->", "takes no other option"),
        ("<!-- nnla:sse digits=² -->", "digits= takes a whole number from 0 to 12; got '²'"),
        ("<!-- nnla:sse digits=13 -->", "digits= takes a whole number from 0 to 12"),
        ("<!-- nnla:sse claim=٥.٦٥ -->", "claim= takes a number as written in prose"),
        ("<!-- nnla:sse claim=5.65000000000000001 -->", "writes 18 significant digits, more than"),
        (f"<!-- nnla:sse claim={'9' * 400} -->", "writes 400 significant digits"),
        (f"<!-- nnla:sse claim=1/{'3' * 5000} -->", "writes 5000 significant digits"),
    ],
)
def test_malformed_markers_name_page_and_line(injector: Injector, line: str, message: str) -> None:
    with pytest.raises(MarkerError, match=re.escape(message)) as caught:
        render(injector, f"# Title\n\ntext\n{line}\n")
    assert caught.value.page == PAGE
    assert caught.value.line == 4
    assert str(caught.value).startswith(f"{PAGE}:4: ")


def test_unknown_name_suggests_the_nearest(injector: Injector) -> None:
    with pytest.raises(MarkerError, match=r"unknown value 'grad_weight'.*did you mean 'grad_weights'") as caught:
        render(injector, "one\ntwo\nthree <!-- nnla:grad_weight as=inline -->\n")
    assert caught.value.line == 3


def test_form_the_value_does_not_have(injector: Injector) -> None:
    with pytest.raises(MarkerError, match=r"'sse' is a scalar .* cannot be shown as=table; it can be shown as: inline"):
        render(injector, "<!-- nnla:sse as=table -->\n")


def test_block_marker_must_stand_alone(injector: Injector) -> None:
    with pytest.raises(MarkerError, match=r"as=display is a block: put <!-- nnla:W --> on a line of its own"):
        render(injector, "The weights <!-- nnla:W --> are these.\n")


def test_replacement_keeps_every_line_in_place(injector: Injector) -> None:
    """Later extensions report errors by line: a marker must not add or remove lines."""
    text = "a\n<!-- nnla:W -->\nb <!-- nnla:sse --> c\nd\n"
    replaced = injector.replace_markers(text, PAGE)
    assert len(replaced.splitlines()) == len(text.splitlines())
    assert "nnla:" not in replaced
    assert [line.count(injector.nonce) for line in replaced.splitlines()] == [0, 1, 1, 0]


def test_injected_values_carry_full_precision_json(injector: Injector) -> None:
    page = render(injector, "<!-- nnla:W -->\n\nMSE <!-- nnla:mse -->\n\n<!-- nnla:trace_stable -->\n")
    found = values_in(page)
    np.testing.assert_array_equal(found["W"], [[0.5, -1.0], [0.25, 0.5], [1.0, 0.0]])
    assert found["mse"] == pytest.approx(2.825, abs=1e-15)
    trace = found["trace_stable"]
    assert isinstance(trace, dict)
    assert trace["inputs"] == {"X": "x", "W": "W", "b": "b", "T": "t"}
    assert trace["reduction"] == "sum"
    assert trace["losses"][0] == pytest.approx(5.65, abs=1e-12)
    assert injector.nonce not in page


def test_display_tex_shows_label_matrix_and_shape(injector: Injector) -> None:
    page = render(injector, "<!-- nnla:W -->\n")
    found = re.search(r'data-display="True">([^<]*)<', page)
    assert found is not None, page
    tex = html.unescape(found.group(1))
    assert tex == (r"W = \begin{bmatrix} 0.5 & -1 \\ 0.25 & 0.5 \\ 1 & 0 \end{bmatrix} \in \mathbb{R}^{3 \times 2}")


def test_digits_option_rounds_what_is_shown(injector: Injector) -> None:
    page = render(injector, "<!-- nnla:lr_max digits=2 -->\n")
    assert 'data-display="False">0.14<' in page


def test_each_marker_is_recorded_as_shown(injector: Injector) -> None:
    render(injector, "<!-- nnla:W -->\n\n<!-- nnla:b -->\n")
    assert injector.shown == {"W": {PAGE}, "b": {PAGE}}
    assert "x" in injector.unshown()
    assert "W" not in injector.unshown()


def test_marker_that_markdown_swallowed_is_an_error(injector: Injector) -> None:
    injector.replace_markers("text <!-- nnla:sse --> more\n", PAGE)
    with pytest.raises(MarkerError, match="did not reach the page"):
        injector.inject("<p>the token was lost</p>", PAGE)


def test_marker_that_markdown_copied_is_an_error(injector: Injector) -> None:
    token = injector.replace_markers("text <!-- nnla:sse --> more\n", PAGE).split()[1]
    with pytest.raises(MarkerError, match="reached the page 2 times"):
        injector.inject(f"<p>{token}</p><p>{token}</p>", PAGE)


def test_a_block_marker_in_a_list_item_or_a_table_cell(injector: Injector) -> None:
    page = render(injector, "- <!-- nnla:W -->\n- two\n\n| a |\n|---|\n| <!-- nnla:b -->  |\n")
    assert re.search(r"<li><div class=\"nnla-value\" data-nnla-name=\"W\"", page)
    assert re.search(r"<td><div class=\"nnla-value\" data-nnla-name=\"b\"", page)


def test_a_block_marker_replaces_its_paragraph(injector: Injector) -> None:
    """A block in a <p> would be invalid HTML: the block takes the paragraph's place."""
    page = render(injector, "Text.\n\n<!-- nnla:W -->\n\nMore.\n")
    assert "<p><div" not in page
    assert '<p>Text.</p>\n<div class="nnla-value" data-nnla-name="W"' in page


@pytest.mark.parametrize(
    ("claim", "value", "holds"),
    [
        ("5.65", 5.65, True),
        ("5.65", 5.6549, True),
        ("5.65", 5.656, False),
        ("-13", -13.0000001, True),
        ("-13", 13.0, False),
        ("169", 168.99999999999997, True),
        ("161_369.65", 161369.65000000002, True),
        ("161_369.65", 161369.7, False),
        ("1/7", 1 / 7, True),
        ("1/7", 0.1428, False),
        ("0", 0.4, True),
        ("0", 0.6, False),
    ],
)
def test_claims_hold_at_their_written_precision(claim: str, value: float, holds: bool) -> None:
    assert (check_claim(claim, value) is None) == holds


def test_claim_is_shown_as_written_typeset_as_computed_numbers_are_and_checked(injector: Injector) -> None:
    page = render(injector, "The SSE is <!-- nnla:trace_literal_sse2 claim=161_369.65 --> now.\n")
    assert '<span class="tex" data-display="False">161\\,369.65</span></span>' in page
    assert 'data-nnla-claim="161_369.65"' in page


def test_false_claim_fails_with_line_and_value(injector: Injector) -> None:
    with pytest.raises(MarkerError, match=r"claims sse = 5.66, but the engine computes 5.65") as caught:
        render(injector, "x\nThe SSE is <!-- nnla:sse claim=5.66 -->.\n")
    assert caught.value.line == 2


def test_claim_needs_a_scalar(injector: Injector) -> None:
    with pytest.raises(MarkerError, match=r"claim= checks a number, but 'W' is an array"):
        render(injector, "<!-- nnla:W claim=1 -->\n")


def test_trace_table_elides_long_traces_and_formats_numbers(injector: Injector) -> None:
    page = render(injector, "<!-- nnla:trace_literal -->\n")
    rows = re.findall(r"<tr>(.*?)</tr>", page)
    assert len(rows) == 1 + TABLE_HEAD + TABLE_TAIL
    assert "nnla-elided" in page
    assert "<td>1</td><td>954.85</td>" in page
    assert "\N{MULTIPLICATION SIGN}10<sup>" in page


def test_figures_and_slices(injector: Injector) -> None:
    page = render(injector, "<!-- nnla:trace_batch as=figure -->\n\n<!-- nnla:jacobian_weights -->\n")
    assert '<figure class="nnla-figure" data-nnla-name="trace_batch"' in page
    assert 'id="nnla-trace-batch-' in page
    slices = re.findall(r'data-display="True">([^<]*)<', page)
    assert len(slices) == 3


@pytest.mark.parametrize(
    ("claim", "value", "told"),
    [
        ("2.6", 2.75, "which is 2.8 to 1 decimal"),
        ("2.74", 2.75, "which is 2.75 to 2 decimals"),
        ("3", 2.25, "which is 2 to 0 decimals"),
    ],
)
def test_a_failed_claim_says_the_value_at_the_claims_precision(claim: str, value: float, told: str) -> None:
    said = check_claim(claim, value)
    assert said is not None
    assert said.endswith(told), said
