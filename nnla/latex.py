r"""LaTeX for numbers and matrices, as the pages show them.

Every number a page shows in a formula is written by `format_number`, so a test that reads the TeX back
(KaTeX keeps it in the MathML ``annotation``) knows the grammar: an optional minus sign, digits, an optional
fraction, and for very large or very small magnitudes a power of ten, as in $`1.69 \times 10^{5}`$.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["format_number", "matrix", "shape"]

#: Magnitudes at or above this are written with a power of ten.
SCIENTIFIC_ABOVE = 1e6


def format_number(value: float, digits: int = 4) -> str:
    r"""Write a float for a formula, rounded to at most `digits` decimals.

    Trailing zeros are dropped (``0.5``, not ``0.5000``), a value that rounds to zero is ``0`` (never ``-0``),
    and a magnitude of at least $`10^6`$, or one too small to show in `digits` decimals, is written as
    $`m \times 10^{k}`$ with `digits` decimals in the mantissa.

    Args:
        value: a finite number.
        digits: the most decimals to show; at least 0.

    Returns:
        The TeX for the number.

    Raises:
        ValueError: `value` is not finite or `digits` is negative.
    """
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"value must be a finite number to be written in a formula; got {value!r}")
    if digits < 0:
        raise ValueError(f"digits must be at least 0; got {digits}")
    if value == 0.0:
        return "0"
    magnitude = abs(value)
    if magnitude >= SCIENTIFIC_ABOVE or magnitude < 0.5 * 10.0**-digits:
        mantissa, exponent = f"{value:.{digits}e}".split("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    text = np.format_float_positional(value, precision=digits, unique=True, fractional=True, trim="-")
    return "0" if text in {"-0", "0"} else text


def matrix(values: ArrayLike, digits: int = 4) -> str:
    r"""Write a 1-D or 2-D array as a ``bmatrix``; a 1-D array is one row, as in the essay's convention.

    Args:
        values: array of shape (z,) or (m, z).
        digits: passed to `format_number` for every entry.

    Returns:
        ``\begin{bmatrix} a & b \\ c & d \end{bmatrix}``.

    Raises:
        ValueError: `values` has more than two axes.
    """
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 1:
        array = array[np.newaxis, :]
    if array.ndim != 2:
        raise ValueError(f"values must be a 1-D or 2-D array to be written as a matrix; got shape {array.shape}")
    rows = [" & ".join(format_number(v, digits) for v in row) for row in array]
    return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"


def shape(dims: tuple[int, ...]) -> str:
    r"""Write an array's shape as the set it lives in, such as $`\mathbb{R}^{1 \times 3}`$."""
    return r"\mathbb{R}^{" + r" \times ".join(str(d) for d in dims) + "}"
