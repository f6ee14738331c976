r"""An operator name in a script (`\lambda_{\max}`) is one argument of its script element with MathML alone.

KaTeX wrote `<msub><mi>λ</mi><mi>max</mi><mo>&#x2061;</mo></msub>`, three children where MathML takes two: the Nu
Html Checker reported it 64 times on the site, and MathML Core lays such an element out as invalid markup.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support_katex import render

from proven_numbers.katex.mathml_scripts import grouped_names

APPLY = "\u2061"
MATHML = "{http://www.w3.org/1998/Math/MathML}"
#: How many children MathML gives each script element.
ARGUMENTS = {"msub": 2, "msup": 2, "munder": 2, "mover": 2, "msubsup": 3, "munderover": 3, "mfrac": 2}


def miscounted(formula: str) -> list[str]:
    """The script elements of a formula's MathML (read as XML) whose children are not as many as MathML says."""
    math = re.search(r"<math[\s>].*</math>", formula, re.S)
    assert math is not None, formula
    wrong = []
    for element in ET.fromstring(math.group(0)).iter():
        tag = element.tag.removeprefix(MATHML)
        if tag in ARGUMENTS and len(element) != ARGUMENTS[tag]:
            wrong.append(f"<{tag}> with {len(element)} children")
    return wrong


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (
            f"<msub><mi>λ</mi><mi>max</mi><mo>{APPLY}</mo></msub>",
            f"<msub><mi>λ</mi><mrow><mi>max</mi><mo>{APPLY}</mo></mrow></msub>",
        ),
        (  # a base that is a group of its own, with a script inside, and a space that closes itself before it
            f'<mspace width="2em"/><msup><mrow><msub><mi>a</mi><mn>1</mn></msub></mrow><mi>min</mi><mo>{APPLY}</mo>'
            "</msup>",
            f'<mspace width="2em"/><msup><mrow><msub><mi>a</mi><mn>1</mn></msub></mrow><mrow><mi>min</mi>'
            f"<mo>{APPLY}</mo></mrow></msup>",
        ),
        (  # the character as an entity
            "<msub><mi>σ</mi><mi>max</mi><mo>&#x2061;</mo></msub>",
            "<msub><mi>σ</mi><mrow><mi>max</mi><mo>&#x2061;</mo></mrow></msub>",
        ),
    ],
)
def test_a_split_name_becomes_one_argument(markup: str, expected: str) -> None:
    assert grouped_names(markup) == expected


@pytest.mark.parametrize(
    "markup",
    [
        f"<msub><mi>max</mi><mo>{APPLY}</mo></msub>",  # two children already: the name is the base
        f"<mrow><mi>λ</mi><mi>max</mi><mo>{APPLY}</mo></mrow>",  # a row takes any number
        f"<msub><mi>λ</mi><mn>2</mn><mo>{APPLY}</mo></msub>",  # no name before the application
        f"<msub><mi>λ</mi><mi>max</mi><mo>{APPLY}</mo></msup>",  # tags that do not pair up: left alone
    ],
)
def test_anything_else_is_left_as_it_is(markup: str) -> None:
    assert grouped_names(markup) == markup


def test_katex_mathml_alone_has_two_arguments_in_every_script(tmp_path: Path) -> None:
    """KaTeX itself, through the renderer the site uses, with MathML alone and with its HTML beside it."""
    tex = r"0 < \eta < \frac{2}{\lambda_{\max}}, \quad \sigma_{\max}^2, \quad \max_i x_i, \quad \lambda_{\min}(A)"
    rendered = {output: render(tex, output, tmp_path / output) for output in ("mathml", "htmlAndMathml")}
    assert miscounted(rendered["htmlAndMathml"]), "KaTeX no longer splits the name: this rewrite may go"
    assert miscounted(rendered["mathml"]) == []


def test_a_name_in_either_script_of_a_pair() -> None:
    both = f"<msubsup><mi>σ</mi><mi>max</mi><mo>{APPLY}</mo><mn>2</mn></msubsup>"
    assert grouped_names(both) == f"<msubsup><mi>σ</mi><mrow><mi>max</mi><mo>{APPLY}</mo></mrow><mn>2</mn></msubsup>"
    upper = f"<msubsup><mi>σ</mi><mn>2</mn><mi>max</mi><mo>{APPLY}</mo></msubsup>"
    assert grouped_names(upper) == f"<msubsup><mi>σ</mi><mn>2</mn><mrow><mi>max</mi><mo>{APPLY}</mo></mrow></msubsup>"
