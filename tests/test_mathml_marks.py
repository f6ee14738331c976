r"""The MathML rewrites for primes (`mathml_primes`), norms' bars (`mathml_norms`) and sized brackets under a script
(`mathml_sized`): which markup each rewrites and which it leaves, and that KaTeX's own output for `'`, `\lVert`,
`\parallel` and `\Big)^2` is what they expect.

tests/test_mathml_layout.py measures what they change in Chromium.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from proven_numbers.katex import get_renderer
from proven_numbers.katex.mathml_arrows import short_arrows
from proven_numbers.katex.mathml_norms import norm_bars
from proven_numbers.katex.mathml_primes import primes_beside

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
PRIME = '<mo lspace="0em" rspace="0em">′</mo>'
BAR = '<mo stretchy="false" lspace="0em" rspace="0em">‖</mo>'


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<msup><mi>f</mi><mo mathvariant="normal">′</mo></msup>', f"<mrow><mi>f</mi>{PRIME}</mrow>"),
        ('<msup><mi>f</mi><mo mathvariant="normal">″</mo></msup>', f"<mrow><mi>f</mi>{PRIME.replace('′', '″')}</mrow>"),
        ("<msup><mi>f</mi><mrow><mo>′</mo><mo>′</mo></mrow></msup>", f"<mrow><mi>f</mi>{PRIME}{PRIME}</mrow>"),
        (
            '<msup><mrow><mi>tanh</mi><mo>⁡</mo></mrow><mo mathvariant="normal" lspace="0em" rspace="0em">′</mo></msup>',
            f"<mrow><mrow><mi>tanh</mi><mo>⁡</mo></mrow>{PRIME}</mrow>",
        ),
        # a prime of a prime: both, inner and outer
        (
            "<msup><mrow><mo>(</mo><msup><mi>f</mi><mo>′</mo></msup><mo>)</mo></mrow><mo>′</mo></msup>",
            f"<mrow><mrow><mo>(</mo><mrow><mi>f</mi>{PRIME}</mrow><mo>)</mo></mrow>{PRIME}</mrow>",
        ),
        # two in a row, and a squared letter between them left alone
        (
            "<msup><mi>f</mi><mo>′</mo></msup><msup><mi>x</mi><mn>2</mn></msup><msup><mi>g</mi><mo>′</mo></msup>",
            f"<mrow><mi>f</mi>{PRIME}</mrow><msup><mi>x</mi><mn>2</mn></msup><mrow><mi>g</mi>{PRIME}</mrow>",
        ),
    ],
)  # fmt: skip
def test_a_prime_alone_in_a_superscript_goes_beside_its_base(markup: str, expected: str) -> None:
    assert primes_beside(markup) == expected


@pytest.mark.parametrize(
    "markup",
    [
        "<msup><mi>f</mi><mrow><mo>′</mo><mn>2</mn></mrow></msup>",  # f'^2: more than a prime
        "<msup><mi>x</mi><mn>2</mn></msup>",
        "<msup><mi>f</mi><mi>g</mi><mo>′</mo></msup>",  # not one base (not KaTeX's): left as it is
        "<mi>f</mi><mo>′</mo>",
    ],
)
def test_anything_else_is_left_alone(markup: str) -> None:
    assert primes_beside(markup) == markup


def test_norm_bars_and_not_the_relation() -> None:
    assert norm_bars('<mo stretchy="false">∥</mo><mi>x</mi><mo stretchy="false">∥</mo>') == f"{BAR}<mi>x</mi>{BAR}"
    assert norm_bars('<mo fence="true">∥</mo>') == '<mo fence="true" lspace="0em" rspace="0em">‖</mo>'
    assert norm_bars("<mi>a</mi><mo>∥</mo><mi>b</mi>") == "<mi>a</mi><mo>∥</mo><mi>b</mi>"


@pytest.mark.parametrize(
    ("tex", "has", "has_not"),
    [
        ("f'(x)", ["<mrow><mi>f</mi>" + PRIME + "</mrow>"], ["<msup>"]),
        ("\\tanh'(a)", [PRIME + "</mrow>"], ["<msup>"]),
        ("f''", ["<mrow><mi>f</mi>" + PRIME + PRIME + "</mrow>"], ["<msup>"]),
        ("\\lVert x \\rVert^2", [BAR + "<mi>x</mi><msup>" + BAR], ["∥"]),
        ("\\left\\lVert x \\right\\rVert", ['<mo fence="true" lspace="0em" rspace="0em">‖</mo>'], ["∥"]),
        ("a \\parallel b", ["<mo>∥</mo>"], ["‖"]),
        ("\\Big( a \\Big)^2", ['<msup><mrow><mo fence="false" stretchy="true" minsize="1.8em"'], ["<msup><mo"]),
        ("\\xrightarrow{\\ \\tanh\\ }", ['<mover><mo stretchy="false">⟶</mo><mrow><mrow><mtext>'], ["mpadded"]),
        ("\\xrightarrow{\\text{a long label}}", ['<mo stretchy="true" minsize="3.0em">→</mo><mpadded'], ["⟶"]),
        ("\\xrightarrow[b]{a}", ["<munderover>"], ["⟶"]),
    ],
)
def test_katexs_output_is_what_the_rewrites_expect(
    tmp_path: Path, tex: str, has: list[str], has_not: list[str]
) -> None:
    """Through the renderer the site uses (MathML alone): a KaTeX whose output changed shape fails here, not
    silently on the pages."""
    html = get_renderer(NODE_MODULES, tmp_path, {"output": "mathml"}).render(tex, display=False)
    for markup in has:
        assert markup in html, html
    for markup in has_not:
        assert markup not in html.split("<annotation")[0], html


def test_a_short_labelled_arrow_becomes_the_long_arrow() -> None:
    padded = '<mpadded width="+0.6em" lspace="0.3em">'
    arrow = f'<mover><mo stretchy="true" minsize="3.0em">⇒</mo>{padded}<mi>f</mi></mpadded></mover>'
    assert short_arrows(arrow) == '<mover><mo stretchy="false">⟹</mo><mrow><mi>f</mi></mrow></mover>'
    six = f'<mover><mo stretchy="true" minsize="3.0em">→</mo>{padded}<mtext>abcdef</mtext></mpadded></mover>'
    assert short_arrows(six) == six
