r"""The forward pass of a linear layer: a batch of inputs times the weights, plus the bias."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnla import _checks


def forward(X: ArrayLike, W: ArrayLike, b: ArrayLike) -> NDArray[np.float64]:
    r"""Predict the outputs of a linear layer, one row per example.

    ```math
    P = XW + \mathbf{1}b, \qquad p_{rj} = \sum_{i=1}^{n} x_{ri} w_{ij} + b_j
    ```

    Args:
        X: inputs, array of shape (m, n), one example per row; a 1-D array of length n is one row.
        W: weights, array of shape (n, z).
        b: bias, array of shape (1, z) or (z,), added to every row.

    Returns:
        The predictions $`P`$, array of shape (m, z).

    Raises:
        ValueError: if a shape does not fit the convention, an entry is not finite or too large for float64,
            or the product $`XW`$ or the sum $`XW + \mathbf{1}b`$ overflows float64.
        TypeError: if an argument is not an array of real numbers, or is a masked array.

    Examples:
        >>> forward([1, 2, -1], [[0.5, -1], [0.25, 0.5], [1, 0]], [0.1, -0.2])
        array([[ 0.1, -0.2]])
    """
    X, W, b = _checks.layer(X, W, b)
    with _checks.quiet():
        return _predict(X, W, b, "forward")


def _predict(
    X: NDArray[np.float64], W: NDArray[np.float64], b: NDArray[np.float64], where: str, x_name: str = "X"
) -> NDArray[np.float64]:
    r"""$`P = XW + \mathbf{1}b`$ on checked arguments, under `_checks.quiet()`; a `ValueError` if it overflows.

    One `np.isfinite` pass on the way to a result; the product is recomputed only to say which part overflowed.
    """
    P = X @ W
    P += b
    if not np.isfinite(P).all():
        _checks.finite_result(X @ W, f"{where}: {x_name} @ W", {x_name: X, "W": W})
        _checks.finite_result(P, f"{where}: {x_name} @ W + b", {x_name: X, "W": W, "b": b})
    return P
