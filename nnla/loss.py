r"""The squared error: the loss vector and its two reductions, the SSE and the MSE."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnla import _checks


def _pair(T: ArrayLike, P: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    T = _checks.as_rows(T, "T", "m", "z")
    P = _checks.targets(P, T.shape, "P", f"T of shape {T.shape}")
    return T, P


def _squared(T: NDArray[np.float64], P: NDArray[np.float64], where: str) -> NDArray[np.float64]:
    r"""$`E \circ E`$, $`E = T - P`$, on checked arguments under `_checks.quiet()`; a `ValueError` if it overflows."""
    E = T - P
    _checks.finite_result(E, f"{where}: E = T - P", {"T": T, "P": P})
    L = E * E
    _checks.finite_result(L, f"{where}: E ∘ E", {"T": T, "P": P})
    return L


def _total(T: ArrayLike, P: ArrayLike, where: str) -> tuple[NDArray[np.float64], float]:
    """The loss vector and its sum, for `sse` and `mse`; a `ValueError` if either overflows."""
    T, P = _pair(T, P)
    with _checks.quiet():
        ell = _squared(T, P, where)
        total = ell.sum()
    _checks.finite_result(total, f"{where}: the sum of E ∘ E", {"T": T, "P": P})
    return ell, total


def loss_vector(T: ArrayLike, P: ArrayLike) -> NDArray[np.float64]:
    r"""Square the error entry by entry: one loss per example and output.

    ```math
    E = T - P, \qquad L = E \circ E, \qquad \ell_{rk} = (t_{rk} - p_{rk})^2
    ```

    Args:
        T: targets, array of shape (m, z); a 1-D array of length z is one row.
        P: predictions, array of the same shape as `T`.

    Returns:
        The loss vector (one row per example), array of shape (m, z).

    Raises:
        ValueError: if the shapes differ, an entry is not finite or too large for float64, or $`E`$ or
            $`E \circ E`$ overflows float64.
        TypeError: if an argument is not an array of real numbers, or is a masked array.

    Examples:
        >>> loss_vector([1, 2], [0.1, -0.2])
        array([[0.81, 4.84]])
    """
    T, P = _pair(T, P)
    with _checks.quiet():
        return _squared(T, P, "loss_vector")


def sse(T: ArrayLike, P: ArrayLike) -> float:
    r"""Sum the squared errors over all examples and outputs.

    ```math
    \mathrm{SSE} = \sum_{r=1}^{m} \sum_{k=1}^{z} (t_{rk} - p_{rk})^2 = \lVert T - P \rVert_F^2
    ```

    Args:
        T: targets, array of shape (m, z); a 1-D array of length z is one row.
        P: predictions, array of the same shape as `T`.

    Returns:
        The sum of squared errors.

    Raises:
        ValueError: as `loss_vector`, and if the sum overflows float64.
        TypeError: as `loss_vector`.

    Examples:
        >>> round(sse([1, 2], [0.1, -0.2]), 12)
        5.65
    """
    return float(_total(T, P, "sse")[1])


def mse(T: ArrayLike, P: ArrayLike) -> float:
    r"""Average the squared errors over all $`m z`$ entries.

    ```math
    \mathrm{MSE} = \frac{1}{m z} \sum_{r=1}^{m} \sum_{k=1}^{z} (t_{rk} - p_{rk})^2 = \frac{\mathrm{SSE}}{m z}
    ```

    Args:
        T: targets, array of shape (m, z); a 1-D array of length z is one row.
        P: predictions, array of the same shape as `T`.

    Returns:
        The mean squared error.

    Raises:
        ValueError: as `loss_vector`, and if the sum overflows float64 (even where the mean would not).
        TypeError: as `loss_vector`.

    Examples:
        >>> round(mse([1, 2], [0.1, -0.2]), 12)
        2.825
    """
    ell, total = _total(T, P, "mse")
    return float(total / ell.size)
