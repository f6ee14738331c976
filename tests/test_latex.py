"""How numbers and matrices are written in formulas."""

from __future__ import annotations

import pytest

from nnla import latex


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
        (161369.65000000002, 2, "161369.65"),
        (27271470.85, 2, r"2.73 \times 10^{7}"),
        (1.5e300, 1, r"1.5 \times 10^{300}"),
        (7.999999999111822, 4, "8"),
    ],
)
def test_format_number(value: float, digits: int, tex: str) -> None:
    assert latex.format_number(value, digits) == tex


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_format_number_refuses_non_finite(bad: float) -> None:
    with pytest.raises(ValueError, match="value must be a finite number"):
        latex.format_number(bad)


def test_format_number_refuses_negative_digits() -> None:
    with pytest.raises(ValueError, match="digits must be at least 0; got -1"):
        latex.format_number(1.0, -1)


def test_matrix_rows_and_one_dimensional_input() -> None:
    assert latex.matrix([[1, -0.5], [0.25, 0]]) == r"\begin{bmatrix} 1 & -0.5 \\ 0.25 & 0 \end{bmatrix}"
    assert latex.matrix([1, 2, -1]) == r"\begin{bmatrix} 1 & 2 & -1 \end{bmatrix}"


def test_matrix_refuses_three_axes() -> None:
    with pytest.raises(ValueError, match=r"1-D or 2-D array .* got shape \(2, 2, 2\)"):
        latex.matrix([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])


def test_shape() -> None:
    assert latex.shape((3, 2)) == r"\mathbb{R}^{3 \times 2}"
