r"""A sign after a relation, a bracket or a comma is a prefix with MathML alone, as TeX sets it (`a = -2`).

Chromium and Firefox drew KaTeX's `<mo>=</mo><mo>−</mo><mn>2</mn>` as "a = − 2", the minus spaced as a binary
operator; `tests/test_mathml_layout.py` measures the gap in Chromium on a built page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support_katex import render

from proven_numbers.katex.mathml_signs import prefix_signs


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<mo>=</mo><mo>−</mo><mn>2</mn>", '<mo>=</mo><mo form="prefix">−</mo><mn>2</mn>'),
        (  # an opening bracket with KaTeX's attributes, and a plus
            '<mo stretchy="false">(</mo><mo>+</mo><mn>1</mn>',
            '<mo stretchy="false">(</mo><mo form="prefix">+</mo><mn>1</mn>',
        ),
        ("<mo>,</mo><mo>±</mo><mi>x</mi>", '<mo>,</mo><mo form="prefix">±</mo><mi>x</mi>'),
        ("<mo>&lt;</mo><mo>−</mo><mi>x</mi>", '<mo>&lt;</mo><mo form="prefix">−</mo><mi>x</mi>'),
        (  # a sign after a sign: both
            "<mo>=</mo><mo>−</mo><mo>−</mo><mn>2</mn>",
            '<mo>=</mo><mo form="prefix">−</mo><mo form="prefix">−</mo><mn>2</mn>',
        ),
        (
            "<mi>sin</mi><mo>\u2061</mo><mo>−</mo><mi>x</mi>",
            '<mi>sin</mi><mo>\u2061</mo><mo form="prefix">−</mo><mi>x</mi>',
        ),
    ],
)
def test_a_sign_after_an_operator_is_a_prefix(markup: str, expected: str) -> None:
    assert prefix_signs(markup) == expected


@pytest.mark.parametrize(
    "markup",
    [
        "<mi>a</mi><mo>−</mo><mi>b</mi>",  # after a letter: binary
        '<mo stretchy="false">)</mo><mo>+</mo><mi>b</mi>',  # after a closing bracket: binary
        "<mi>x</mi><mo>⋯</mo><mo>+</mo><mi>y</mi>",  # after \cdots (an inner atom in TeX): binary
        "<mrow><mo>−</mo><mn>2</mn></mrow>",  # first in its row: the browser's prefix already
        "<mo>=</mo></mrow><mrow><mo>−</mo><mn>2</mn>",  # not siblings
        "<mo>=</mo><mo>×</mo><mn>2</mn>",  # a binary operator that is no sign
    ],
)
def test_anything_else_is_left_as_it_is(markup: str) -> None:
    assert prefix_signs(markup) == markup


def test_katex_writes_every_sign_bare_and_mathml_alone_marks_those_tex_makes_signs(tmp_path: Path) -> None:
    """KaTeX itself, through the renderer the site uses: the four signs TeX sets against their operand are
    marked with MathML alone, the two binary operators are not, and KaTeX's HTML output is left as KaTeX wrote
    it."""
    tex = r"a = -2, \quad (-1, +x), \quad b \le -c, \quad (a) - b, \quad x \cdots + y"
    rendered = {output: render(tex, output, tmp_path / output) for output in ("mathml", "htmlAndMathml")}
    assert "form=" not in rendered["htmlAndMathml"], "KaTeX now marks signs itself: this rewrite may go"
    assert len(re.findall(r'<mo form="prefix">[−+]</mo>', rendered["mathml"])) == 4
    assert len(re.findall(r"<mo>[−+]</mo>", rendered["mathml"])) == 2
