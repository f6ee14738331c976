r"""LaTeX for the matrices and shapes the pages show; every number in them is written by `proven_numbers.numbers`.

A test that reads the TeX back (KaTeX keeps it in the MathML ``annotation``) knows the grammar of each entry
from `proven_numbers.numbers.decimals`: an optional minus sign, digits, an optional fraction, and for very large or
very small magnitudes a power of ten, as in $`1.69 \times 10^{5}`$.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from proven_numbers.numbers import decimals

__all__ = ["matrix", "number", "shape"]


def number(value: float, digits: int = 4) -> str:
    r"""Write a float for a formula, rounded to at most `digits` decimals (see `proven_numbers.numbers.decimals`)."""
    return decimals(value, digits).tex()


def matrix(values: ArrayLike, digits: int = 4) -> str:
    r"""Write a 1-D or 2-D array as a ``bmatrix``; a 1-D array is one row, as in the essay's convention.

    Args:
        values: array of shape (z,) or (m, z).
        digits: the most decimals of every entry.

    Returns:
        ``\begin{bmatrix} a & b \\ c & d \end{bmatrix}``.

    Raises:
        ValueError: `values` has more than two axes, or an entry is not finite.
    """
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 1:
        array = array[np.newaxis, :]
    if array.ndim != 2:
        raise ValueError(f"values must be a 1-D or 2-D array to be written as a matrix; got shape {array.shape}")
    rows = [" & ".join(number(v, digits) for v in row) for row in array]
    return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"


def shape(dims: tuple[int, ...]) -> str:
    r"""Write an array's shape as the set it lives in, such as $`\mathbb{R}^{1 \times 3}`$."""
    return r"\mathbb{R}^{" + r" \times ".join(str(d) for d in dims) + "}"
