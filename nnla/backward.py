r"""Backpropagation: the gradients of the network's batch loss, by $`\delta`$'s and outer products.

Summing the chain rule's Jacobians (`network_jacobians`) over the loss component and over the examples
collapses each product, from the right, into one matrix per layer, the derivative of the loss with respect
to the layer's pre-activation: $`\Delta_2 = \partial L / \partial P`$ and $`\Delta_1 = \partial L / \partial A_1`$.
Each gradient is then one matrix product with the layer's input. No Jacobian is built.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnla import _checks
from nnla.network import Parameters, _batch, _checked_forward


def backprop(
    X: ArrayLike,
    W1: ArrayLike,
    b1: ArrayLike,
    W2: ArrayLike,
    b2: ArrayLike,
    T: ArrayLike,
    reduction: str = "sum",
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    r"""The gradient of the SSE (or the MSE) over a batch, with respect to every parameter of the network.

    After the forward pass ($`A_1 = X W_1 + \mathbf{1} b_1`$, $`H = \tanh(A_1)`$, $`P = H W_2 + \mathbf{1} b_2`$),
    the backward pass carries $`\Delta_2 = \partial L / \partial P`$ back through each layer:

    ```math
    \begin{aligned}
    \Delta_2 &= -2E, \\
    \frac{\partial L}{\partial W_2} &= H^\top \Delta_2, \qquad
    \frac{\partial L}{\partial b_2} = \mathbf{1}^\top \Delta_2, \\
    \Delta_1 &= (\Delta_2 W_2^\top) \circ (1 - H \circ H), \\
    \frac{\partial L}{\partial W_1} &= X^\top \Delta_1, \qquad
    \frac{\partial L}{\partial b_1} = \mathbf{1}^\top \Delta_1
    \end{aligned}
    ```

    for the SSE, with $`E = T - P`$; for the MSE, $`\Delta_2`$ (and so every gradient) is divided by
    $`m z`$. The factor $`1 - H \circ H`$ is $`\tanh'(A_1)`$. For one example and the SSE, each gradient is
    the matching Jacobian of `network_jacobians` summed over its last axis; over a batch the examples'
    contributions add up, as $`X^\top \Delta_1 = \sum_r x_r^\top \delta_r`$ (with $`x_r`$ and $`\delta_r`$
    the rows of $`X`$ and $`\Delta_1`$) adds one outer product per example.

    Args:
        X: inputs, array of shape (m, n); a 1-D array of length n is one row.
        W1: the hidden layer's weights, array of shape (n, k).
        b1: the hidden layer's bias, array of shape (1, k) or (k,).
        W2: the output layer's weights, array of shape (k, z).
        b2: the output layer's bias, array of shape (1, z) or (z,).
        T: targets, array of shape (m, z); a 1-D array of length z is one row.
        reduction: "sum" for the gradient of the SSE, "mean" for that of the MSE.

    Returns:
        `(dW1, db1, dW2, db2)`: arrays of shapes (n, k), (1, k), (k, z) and (1, z).

    Raises:
        ValueError: if a shape does not fit the convention, an entry is not finite or too large for float64,
            the reduction is unknown, or the forward pass ($`A_1`$, $`P`$) or a gradient overflows float64.
        TypeError: if an argument is not an array of real numbers, or is a masked array.

    Examples:
        >>> dW1, db1, dW2, db2 = backprop(
        ...     [1.0, 0.0], [[1.0, -1.0], [0.5, 2.0]], [0.0, 1.0], [[2.0], [1.0]], [0.5], [1.0])
        >>> db1.round(6), db2.round(6)
        (array([[1.718851, 2.046377]]), array([[2.046377]]))
    """
    X_a, params, T_a = _batch(X, W1, b1, W2, b2, T)
    reduction = _checks.reduction(reduction)
    H, P = _checked_forward(X_a, params, "backprop")[1:]  # A1 is not needed: let it go before the backward pass
    with _checks.quiet():
        gradients = _backward(X_a, H, P, params[2], T_a, reduction)
    inputs = {"X": X_a, "W1": params[0], "b1": params[1], "W2": params[2], "b2": params[3], "T": T_a}
    for name, formula, g in zip(_FORMULAS, _FORMULAS.values(), gradients, strict=True):
        _checks.finite_result(g, f"backprop: {name} = {formula}", inputs)
    return gradients


_FORMULAS = {"dW1": "X^T Δ1", "db1": "1^T Δ1", "dW2": "H^T Δ2", "db2": "1^T Δ2"}
"""The gradients `backprop` returns, in order, and how each is made from the δ's."""


def _backward(
    X: NDArray[np.float64],
    H: NDArray[np.float64],
    P: NDArray[np.float64],
    W2: NDArray[np.float64],
    T: NDArray[np.float64],
    reduction: str,
) -> Parameters:
    r"""The backward pass on checked arguments and a forward pass's `H` and `P`. It overwrites both.

    $`\Delta_2`$ is built in the buffer of $`P`$, and $`\tanh'(A_1) = 1 - H \circ H`$ in that of $`H`$ once
    $`H^\top \Delta_2`$ has been taken, so the only arrays made are $`\Delta_1`$ and the four gradients.
    """
    D2 = P
    D2 -= T  # P - T = -E
    D2 *= 2.0 if reduction == "sum" else 2.0 / D2.size
    dW2 = H.T @ D2
    db2 = D2.sum(axis=0, keepdims=True)
    D1 = D2 @ W2.T
    tanh_prime = H
    tanh_prime *= H
    np.subtract(1.0, tanh_prime, out=tanh_prime)  # tanh'(A1) = 1 - tanh(A1)^2 = 1 - H∘H
    D1 *= tanh_prime
    dW1 = X.T @ D1
    db1 = D1.sum(axis=0, keepdims=True)
    return dW1, db1, dW2, db2
