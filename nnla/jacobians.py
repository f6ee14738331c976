r"""The Jacobians of the loss vector with respect to the bias and the weights, and the gradients they sum to.

Layout, everywhere in `nnla`: the parameter's indices come first and the loss component comes last, so
the gradient of the SSE is always the Jacobian summed over its last axis, `.sum(axis=-1)`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnla import _checks
from nnla.forward import _predict

NO_TENSOR = "use nnla.gradients, which builds no tensor"


def _one_error(
    x: ArrayLike, W: ArrayLike, b: ArrayLike, t: ArrayLike, where: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], dict[str, NDArray[np.float64]]]:
    """Check one example; return its input row x (n,), its error e = t - p (z,) and the checked arguments.

    Under `_checks.quiet()`: a `ValueError` names what overflows.
    """
    x_row = _checks.one_example(x, "x", "n")
    x_row, W, b = _checks.layer(x_row, W, b, x_name="x")
    t_row = _checks.targets(t, b.shape, "t", f"W of shape {W.shape}")
    inputs = {"x": x_row, "W": W, "b": b, "t": t_row}
    e = t_row - _predict(x_row, W, b, where, x_name="x")
    _checks.finite_result(e, f"{where}: e = t - (xW + b)", inputs)
    return x_row[0], e[0], inputs


def jacobian_bias(x: ArrayLike, W: ArrayLike, b: ArrayLike, t: ArrayLike) -> NDArray[np.float64]:
    r"""The Jacobian of the loss vector with respect to the bias, for one example.

    Entry $`[j, k]`$ is $`\partial \ell_k / \partial b_j`$: the bias index first, the loss component last.
    Only $`b_k`$ reaches $`\ell_k = (t_k - p_k)^2`$, so the matrix is diagonal:

    ```math
    \begin{aligned}
    \frac{\partial \ell_k}{\partial b_j} &= -2 e_k \delta_{jk}, \qquad
    \frac{\partial \boldsymbol{\ell}}{\partial b} = -2 \operatorname{diag}(e), \\
    e &= t - (xW + b)
    \end{aligned}
    ```

    Summing over the last axis gives the gradient of the SSE, $`-2e`$. Its $`z^2`$ entries are at most
    `nnla.MAX_ENTRIES`.

    Args:
        x: one input, array of shape (n,) or (1, n).
        W: weights, array of shape (n, z).
        b: bias, array of shape (z,) or (1, z).
        t: the target, array of shape (z,) or (1, z).

    Returns:
        The Jacobian, array of shape (z, z), `[j, k]` = $`\partial \ell_k / \partial b_j`$.

    Raises:
        ValueError: if a shape does not fit the convention, an entry is not finite or too large for float64,
            the matrix would hold more than `nnla.MAX_ENTRIES` entries, or $`e`$ or $`-2e`$ overflows float64.
        TypeError: if an argument is not an array of real numbers, or is a masked array.

    Examples:
        >>> jacobian_bias([1, 2, -1], [[0.5, -1], [0.25, 0.5], [1, 0]], [0.1, -0.2], [1, 2])
        array([[-1.8,  0. ],
               [ 0. , -4.4]])
    """
    with _checks.quiet():
        _, e, inputs = _one_error(x, W, b, t, "jacobian_bias")
        z = e.shape[0]
        _checks.size("jacobian_bias", "the Jacobian of shape (z, z)", (z, z), NO_TENSOR)
        _checks.finite_result(-2 * e, "jacobian_bias: -2 e", inputs)  # the z entries the loop writes
    J = np.zeros((z, z))
    for k in range(z):
        J[k, k] = -2 * e[k]  # b_k reaches only l_k; every other entry stays 0
    return J


def jacobian_weights(x: ArrayLike, W: ArrayLike, b: ArrayLike, t: ArrayLike) -> NDArray[np.float64]:
    r"""The essay's "Jacobian tensor": the loss vector differentiated by the weight matrix, for one example.

    Entry $`[i, j, k]`$ is $`\partial \ell_k / \partial w_{ij}`$: the weight's row and column first, the
    loss component last. Weight $`w_{ij}`$ reaches only $`p_j`$, so only the $`n z`$ entries with
    $`j = k`$ of the $`n z^2`$ can be nonzero:

    ```math
    \frac{\partial \ell_k}{\partial w_{ij}} = -2 e_k x_i \delta_{jk},
    ```

    ```math
    \sum_{k=1}^{z} \frac{\partial \ell_k}{\partial w_{ij}} = -2 x_i e_j, \qquad
    \frac{\partial\, \mathrm{SSE}}{\partial W} = -2 x^\top e
    ```

    Summing over the last axis, `.sum(axis=-1)`, gives the gradient of the SSE, the rank-1 matrix
    $`-2 x^\top e`$ of shape (n, z). The tensor is built entry by entry for display and checking; to
    train, use `gradients`, which never builds it. Its $`n z^2`$ entries are at most `nnla.MAX_ENTRIES`
    ($`2^{27}`$, 1 GiB: n = z = 512).

    Args:
        x: one input, array of shape (n,) or (1, n).
        W: weights, array of shape (n, z).
        b: bias, array of shape (z,) or (1, z).
        t: the target, array of shape (z,) or (1, z).

    Returns:
        The Jacobian tensor, array of shape (n, z, z), `[i, j, k]` = $`\partial \ell_k / \partial w_{ij}`$.

    Raises:
        ValueError: if a shape does not fit the convention, an entry is not finite or too large for float64,
            the tensor would hold more than `nnla.MAX_ENTRIES` entries, or an entry of it overflows float64.
        TypeError: if an argument is not an array of real numbers, or is a masked array.

    Examples:
        >>> J = jacobian_weights([1, 2, -1], [[0.5, -1], [0.25, 0.5], [1, 0]], [0.1, -0.2], [1, 2])
        >>> J.shape
        (3, 2, 2)
        >>> J.sum(axis=-1)
        array([[-1.8, -4.4],
               [-3.6, -8.8],
               [ 1.8,  4.4]])
    """
    with _checks.quiet():
        x_row, e, inputs = _one_error(x, W, b, t, "jacobian_weights")
        n, z = x_row.shape[0], e.shape[0]
        _checks.size("jacobian_weights", "the Jacobian tensor of shape (n, z, z)", (n, z, z), NO_TENSOR)
        # the n z entries the loop writes, in the same float64 products: if they are finite, no write overflows
        _checks.finite_result(np.multiply.outer(x_row, -2 * e), "jacobian_weights: -2 e_k x_i", inputs)
    J = np.zeros((n, z, z))
    for k in range(z):
        J[:, k, k] = -2 * e[k] * x_row  # w_ik reaches only l_k, for every row i; entries j != k stay 0
    return J


def gradients(
    X: ArrayLike, W: ArrayLike, b: ArrayLike, T: ArrayLike, reduction: str = "sum"
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""The gradient of the SSE (or the MSE) over a batch, with respect to the weights and the bias.

    Summing the Jacobians over the loss component and over the examples gives, without building any
    tensor:

    ```math
    \begin{aligned}
    E &= T - (XW + \mathbf{1}b), \\
    \frac{\partial\, \mathrm{SSE}}{\partial W} &= -2 X^\top E, \qquad
    \frac{\partial\, \mathrm{SSE}}{\partial b} = -2 \mathbf{1}^\top E
    \end{aligned}
    ```

    and the MSE's gradients are these divided by $`m z`$. For one example, `dW` is
    `jacobian_weights(x, W, b, t).sum(axis=-1)` and `db` is `jacobian_bias(x, W, b, t).sum(axis=-1)`; over a
    batch the examples' contributions add up.

    Args:
        X: inputs, array of shape (m, n); a 1-D array of length n is one row.
        W: weights, array of shape (n, z).
        b: bias, array of shape (1, z) or (z,).
        T: targets, array of shape (m, z); a 1-D array of length z is one row.
        reduction: "sum" for the gradient of the SSE, "mean" for that of the MSE.

    Returns:
        `(dW, db)`: arrays of shapes (n, z) and (1, z).

    Raises:
        ValueError: if a shape does not fit the convention, an entry is not finite or too large for float64,
            the reduction is unknown, or a gradient overflows float64.
        TypeError: if an argument is not an array of real numbers, or is a masked array.

    Examples:
        >>> dW, db = gradients([1, 2, -1], [[0.5, -1], [0.25, 0.5], [1, 0]], [0.1, -0.2], [1, 2])
        >>> db
        array([[-1.8, -4.4]])
    """
    X, W, b = _checks.layer(X, W, b)
    T = _checks.targets(T, (X.shape[0], W.shape[1]), "T", f"X of shape {X.shape} and W of shape {W.shape}")
    return _checked_gradients(X, W, b, T, _checks.reduction(reduction), "gradients")


def _checked_gradients(
    X: NDArray[np.float64],
    W: NDArray[np.float64],
    b: NDArray[np.float64],
    T: NDArray[np.float64],
    reduction: str,
    where: str,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """`_gradients`, with a `ValueError` naming the gradient that overflows float64 (for `gradients`, `update`)."""
    with _checks.quiet():
        dW, db = _gradients(X, W, b, T, reduction)
    inputs = {"X": X, "W": W, "b": b, "T": T}
    _checks.finite_result(dW, f"{where}: dW = -2 X^T E", inputs)
    _checks.finite_result(db, f"{where}: db = -2 1^T E", inputs)
    return dW, db


def _gradients(
    X: NDArray[np.float64],
    W: NDArray[np.float64],
    b: NDArray[np.float64],
    T: NDArray[np.float64],
    reduction: str,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""`gradients` on checked arguments, through $`G = \partial L / \partial P = -2E`$ (over $`m z`$ for the MSE).

    $`G`$ is built in the buffer of $`P`$, and scaled there, so the only arrays made are $`P`$, `dW` and `db`.
    """
    G = X @ W
    G += b
    G -= T  # P - T = -E
    G *= 2.0 if reduction == "sum" else 2.0 / G.size
    dW = X.T @ G
    db = G.sum(axis=0, keepdims=True)
    return dW, db
