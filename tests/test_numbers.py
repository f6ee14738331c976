"""The one number grammar: rounding into parts, and those parts written as TeX, HTML, plain text and labels."""

from __future__ import annotations

import pytest

from proven_numbers import latex
from proven_numbers.markers import claims
from proven_numbers.numbers import Number, decimals, grouped, significant

MINUS, TIMES = "\N{MINUS SIGN}", "\N{MULTIPLICATION SIGN}"


@pytest.mark.parametrize(
    ("value", "digits", "tex"),
    [
        (0.5, 4, "0.5"),
        (0.1 + 0.2, 4, "0.3"),
        (2.825, 4, "2.825"),
        (1 / 7, 4, "0.1429"),
        (1 / 7, 2, "0.14"),
        (-13.0, 4, "-13"),
        (-1e-9, 4, r"-1 \times 10^{-9}"),
        (0.00004, 4, r"4 \times 10^{-5}"),
        (0.00005, 4, "0.0001"),
        (-0.0, 4, "0"),
        (-0.00001, 2, r"-1 \times 10^{-5}"),
        (161369.65000000002, 2, r"161\,369.65"),
        (2023.0, 4, "2023"),
        (12345.0, 4, r"12\,345"),
        (-98765.4, 1, r"-98\,765.4"),
        (999999.0, 0, r"999\,999"),
        (27271470.85, 2, r"2.73 \times 10^{7}"),
        (1.5e300, 1, r"1.5 \times 10^{300}"),
        (7.999999999111822, 4, "8"),
        (2_000_000.0, 0, r"2 \times 10^{6}"),
    ],
)
def test_decimals_as_tex(value: float, digits: int, tex: str) -> None:
    assert decimals(value, digits).tex() == tex
    assert latex.number(value, digits) == tex


@pytest.mark.parametrize(
    ("value", "digits", "html"),
    [
        (-1.0, 4, f"{MINUS}1"),
        (161369.65, 2, "161\N{NARROW NO-BREAK SPACE}369.65"),
        (1.7e300, 2, f"1.7{TIMES}10<sup>300</sup>"),
        (-2.5e-9, 4, f"{MINUS}2.5{TIMES}10<sup>{MINUS}9</sup>"),
    ],
)
def test_decimals_as_html(value: float, digits: int, html: str) -> None:
    assert decimals(value, digits).html() == html


def test_text_and_labels_use_the_same_parts() -> None:
    number = decimals(-2.5e-9, 4)
    assert number == Number(True, "2.5", -9)
    assert number.text() == f"{MINUS}2.5{TIMES}10⁻⁹"
    assert number.label() == (f"{MINUS}2.5{TIMES}10", f"{MINUS}9")
    assert decimals(0.0714, 4).text() == "0.0714"
    assert decimals(0.0714, 4).label() == ("0.0714", "")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (5.65, "5.65"),
        (0.012345, "0.0123"),
        (1234.4, "1234"),
        (-0.5, f"{MINUS}0.5"),
        (1.234e-5, f"1.23{TIMES}10⁻⁵"),
        (161369.65, f"1.61{TIMES}10⁵"),
    ],
)
def test_significant_digits_for_figures(value: float, text: str) -> None:
    assert significant(value).text() == text


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_refuses_non_finite(bad: float) -> None:
    with pytest.raises(ValueError, match="value must be a finite number"):
        decimals(bad)
    with pytest.raises(ValueError, match="value must be a finite number"):
        significant(bad)


def test_refuses_negative_digits() -> None:
    with pytest.raises(ValueError, match="digits must be at least 0; got -1"):
        decimals(1.0, -1)


def test_matrix_rows_and_one_dimensional_input() -> None:
    assert latex.matrix([[1, -0.5], [0.25, 0]]) == r"\begin{bmatrix} 1 & -0.5 \\ 0.25 & 0 \end{bmatrix}"
    assert latex.matrix([1, 2, -1]) == r"\begin{bmatrix} 1 & 2 & -1 \end{bmatrix}"


def test_matrix_refuses_three_axes() -> None:
    with pytest.raises(ValueError, match=r"1-D or 2-D array .* got shape \(2, 2, 2\)"):
        latex.matrix([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])


def test_shape() -> None:
    assert latex.shape((3, 2)) == r"\mathbb{R}^{3 \times 2}"


@pytest.mark.parametrize(
    ("digits", "shown"),
    [
        ("1234", "1234"),
        ("12345", "12 345"),
        ("123456", "123 456"),
        ("1234567.891", "1 234 567.891"),
        ("0.12345", "0.12345"),
    ],
)
def test_whole_parts_of_five_digits_or_more_are_grouped_in_threes(digits: str, shown: str) -> None:
    assert grouped(digits, " ") == shown


@pytest.mark.parametrize(
    ("claim", "tex"),
    [
        ("161_369.65", r"161\,369.65"),
        ("161369.65", r"161\,369.65"),
        ("-13", "-13"),
        ("1/7", "1/7"),
        ("954.85", "954.85"),
    ],
)
def test_a_claim_is_typeset_as_a_computed_number_is(claim: str, tex: str) -> None:
    """However the prose groups its digits, a claim shows as `decimals` writes the same number."""
    assert claims.tex(claim) == tex
    if "/" not in claim:
        assert claims.tex(claim) == decimals(float(claim.replace("_", "")), 2).tex()
