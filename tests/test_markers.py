"""The marker machinery on strings: scanning, errors with page and line, claims, and injection."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest
from nnla_site.markers import Injector, MarkerError, check_claim, scan
from nnla_site.markers.render import TABLE_HEAD, TABLE_TAIL
from nnla_site.values import Value, compute_all

PAGE = "part-9.md"


def fake_tex(tex: str, display: bool) -> str:
    """Stands in for KaTeX: keeps the TeX visible so the tests can read it back."""
    return f'<span class="tex" data-display="{display}">{html.escape(tex)}</span>'


def fake_figure(value: Value, values: object) -> str:
    return f'<svg data-figure="{value.name}"></svg>'


@pytest.fixture
def injector() -> Injector:
    return Injector(compute_all(), fake_tex, fake_figure)


def values_in(page_html: str) -> dict[str, object]:
    """Every data-nnla-name with its decoded data-nnla-value."""
    found = re.findall(r'data-nnla-name="([^"]+)" data-nnla-value="([^"]*)"', page_html)
    return {name: json.loads(html.unescape(value)) for name, value in found}


def render(injector: Injector, markdown: str) -> str:
    """Markdown stand-in: a line holding only a token becomes a paragraph, as Python-Markdown does."""
    replaced = injector.replace_markers(markdown, PAGE)
    paragraphs = "\n".join(f"<p>{line}</p>" if line.strip() else "" for line in replaced.splitlines())
    return injector.inject(paragraphs, PAGE)


def test_scan_finds_markers_with_lines_and_options() -> None:
    text = "intro\n\n<!-- nnla:W -->\n\nThe SSE is <!-- nnla:sse digits=2 --> here.\n"
    found = scan(text, PAGE)
    assert [(m.name, m.line, dict(m.options), m.alone) for m in found] == [
        ("W", 3, {}, True),
        ("sse", 5, {"digits": "2"}, False),
    ]


def test_scan_skips_code_fences_and_code_spans() -> None:
    """Authors document the marker syntax in code; those examples must stay as written."""
    text = (
        "```markdown\n<!-- nnla:nope -->\n```\n\nWrite `<!-- nnla:nope2 -->` to show it.\n~~~~\n<!-- nnla:x -->\n~~~~\n"
    )
    assert scan(text, PAGE) == []


def test_an_escaped_backtick_opens_no_code_span() -> None:
    """Code spans are found as the math extension finds them: \\` is a literal backtick, so the marker is prose."""
    text = "A literal \\` then <!-- nnla:sse --> and a ` later.\n"
    assert [m.name for m in scan(text, PAGE)] == ["sse"]
    assert scan("Code `x <!-- nnla:sse --> y` here.\n", PAGE) == []


def test_fence_is_closed_only_by_a_fence_as_long() -> None:
    text = "````\n```\n<!-- nnla:inside -->\n````\n<!-- nnla:outside -->\n"
    assert [m.name for m in scan(text, PAGE)] == ["outside"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("<!-- nnla: W -->", "malformed marker"),
        ("<!-- nnla:W", "malformed marker"),
        ("<!-- NNLA W -->", "malformed marker"),
        ("<!-- nnla:W as=table as=figure -->", "gives the option 'as' twice"),
        ("<!-- nnla:W colour=red -->", "unknown option 'colour'"),
        ("<!-- nnla:sse digits=many -->", "digits= takes a whole number"),
        ("<!-- nnla:sse claim=about5 -->", "claim= takes a number"),
        ("<!-- nnla:sse claim=5.65 digits=2 -->", "takes no other option"),
    ],
)
def test_malformed_markers_name_page_and_line(line: str, message: str) -> None:
    with pytest.raises(MarkerError, match=re.escape(message)) as caught:
        scan(f"# Title\n\ntext\n{line}\n", PAGE)
    assert caught.value.page == PAGE
    assert caught.value.line == 4
    assert str(caught.value).startswith(f"{PAGE}:4: ")


def test_unknown_name_suggests_the_nearest(injector: Injector) -> None:
    with pytest.raises(MarkerError, match=r"unknown value 'grad_weight'.*did you mean 'grad_weights'") as caught:
        injector.replace_markers("one\ntwo\nthree <!-- nnla:grad_weight as=inline -->\n", PAGE)
    assert caught.value.line == 3


def test_form_the_value_does_not_have(injector: Injector) -> None:
    with pytest.raises(MarkerError, match=r"'sse' is a scalar .* cannot be shown as=table; it can be shown as: inline"):
        injector.replace_markers("<!-- nnla:sse as=table -->\n", PAGE)


def test_block_marker_must_stand_alone(injector: Injector) -> None:
    with pytest.raises(MarkerError, match=r"as=display is a block: put <!-- nnla:W --> on a line of its own"):
        injector.replace_markers("The weights <!-- nnla:W --> are these.\n", PAGE)


def test_replacement_keeps_every_line_in_place(injector: Injector) -> None:
    """Later extensions report errors by line: a marker must not add or remove lines."""
    text = "a\n<!-- nnla:W -->\nb <!-- nnla:sse --> c\nd\n"
    replaced = injector.replace_markers(text, PAGE)
    assert len(replaced.splitlines()) == len(text.splitlines())
    assert "nnla:" not in replaced


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
    assert "NNLAVALUE" not in page


def test_display_tex_shows_label_matrix_and_shape(injector: Injector) -> None:
    page = render(injector, "<!-- nnla:W -->\n")
    tex = html.unescape(re.search(r'data-display="True">([^<]*)<', page).group(1))  # type: ignore[union-attr]
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


def test_claim_is_shown_as_written_and_checked(injector: Injector) -> None:
    page = render(injector, "The SSE is <!-- nnla:trace_literal_sse2 claim=161_369.65 --> now.\n")
    assert "161\N{NARROW NO-BREAK SPACE}369.65</span>" in page
    assert 'data-nnla-claim="161_369.65"' in page


def test_false_claim_fails_with_line_and_value(injector: Injector) -> None:
    with pytest.raises(MarkerError, match=r"claims sse = 5.66, but the engine computes 5.65") as caught:
        injector.replace_markers("x\nThe SSE is <!-- nnla:sse claim=5.66 -->.\n", PAGE)
    assert caught.value.line == 2


def test_claim_needs_a_scalar(injector: Injector) -> None:
    with pytest.raises(MarkerError, match=r"claim= checks a number, but 'W' is an array"):
        injector.replace_markers("<!-- nnla:W claim=1 -->\n", PAGE)


def test_trace_table_elides_long_traces_and_formats_numbers(injector: Injector) -> None:
    page = render(injector, "<!-- nnla:trace_literal -->\n")
    rows = re.findall(r"<tr>(.*?)</tr>", page)
    assert len(rows) == 1 + TABLE_HEAD + TABLE_TAIL
    assert "nnla-elided" in page
    assert "<td>1</td><td>954.85</td>" in page
    assert "\N{MULTIPLICATION SIGN}10<sup>" in page


def test_figures_and_slices(injector: Injector) -> None:
    page = render(injector, "<!-- nnla:trace_batch as=figure -->\n\n<!-- nnla:jacobian_weights -->\n")
    assert '<svg data-figure="trace_batch">' in page
    slices = re.findall(r'data-display="True">([^<]*)<', page)
    assert len(slices) == 3
