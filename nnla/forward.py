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
        ValueError: if a shape does not fit the convention or an entry is not finite.
        TypeError: if an argument is not an array of real numbers.

    Examples:
        >>> forward([1, 2, -1], [[0.5, -1], [0.25, 0.5], [1, 0]], [0.1, -0.2])
        array([[ 0.1, -0.2]])
    """
    X, W, b = _checks.layer(X, W, b)
    return X @ W + b
