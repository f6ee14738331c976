r"""The chain rule, explicitly: each stage's Jacobian for one example, and their products.

For one example, the network is a chain of vector functions (see `network_forward`):

```math
a = x W_1 + b_1, \qquad h = \tanh(a), \qquad p = h W_2 + b_2, \qquad \ell = e \circ e, \quad e = t - p
```

Every Jacobian keeps the library's layout, the input's (or parameter's) indices first and the output's last,
so the chain rule is a product of the stages' Jacobians in the order the stages run, with no transposes:

```math
\frac{\partial \ell}{\partial W_1} = \frac{\partial a}{\partial W_1} \frac{\partial h}{\partial a}
\frac{\partial p}{\partial h} \frac{\partial \ell}{\partial p}
```

and summing the product over its last axis gives the gradient of the SSE, as for the linear layer. These
Jacobians are built in full to be shown and checked; `backprop` computes the same sums without them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnla import _checks
from nnla.network import Parameters, _checked_forward, _one

NO_TENSOR = "for the gradients use nnla.backprop, which builds no tensor"


def chain(*factors: ArrayLike) -> NDArray[np.float64]:
    r"""Multiply the Jacobians of a chain of functions, in the library's layout, into the chain's Jacobian.

    For $`y = f_r(\cdots f_2(f_1(u)))`$ through vectors $`v_1, \ldots, v_{r-1}`$, with $`J_1`$ of shape
    `u.shape + (q_1,)` and each next $`J_s`$ of shape $`(q_{s-1}, q_s)`$ (input first, output last):

    ```math
    \begin{aligned}
    \frac{\partial y}{\partial u} &= J_1 J_2 \cdots J_r, \\
    \frac{\partial y_c}{\partial u_\alpha} &= \sum_{q_1, \ldots, q_{r-1}}
    [J_1]_{\alpha q_1} [J_2]_{q_1 q_2} \cdots [J_r]_{q_{r-1} c}
    \end{aligned}
    ```

    The product is taken from the right, as the backward pass goes, so the first (and largest) factor is
    read once. Each partial product, $`J_s \cdots J_r`$ of shape `factors[s].shape[:-1] + (q_r,)`, may hold at
    most `nnla.MAX_ENTRIES` ($`2^{27}`$) entries.

    Args:
        *factors: the Jacobians in the order the functions are applied: the first an array with at least
            one axis, each next one a matrix with as many rows as the previous factor's last axis has entries.

    Returns:
        The Jacobian of the chain, array of shape `factors[0].shape[:-1] + (factors[-1].shape[1],)`.

    Raises:
        ValueError: if there is no factor, a factor has the wrong number of axes, two neighbours do not
            share their inner size, an entry is not finite or too large for float64, a partial product would
            hold more than `nnla.MAX_ENTRIES` entries, or the product overflows float64.
        TypeError: if a factor is not an array of real numbers, or is a masked array.

    Examples:
        >>> chain([[1.0, 2.0]], [[3.0], [4.0]])  # (1, 2) then (2, 1): an ordinary matrix product
        array([[11.]])
    """
    if not factors:
        raise ValueError("chain needs at least one factor; got none")
    arrays: list[NDArray[np.float64]] = []
    for s, factor in enumerate(factors):
        J = _checks.as_array(factor, f"factors[{s}]")
        if s == 0 and J.ndim == 0:
            raise ValueError(f"factors[0] must have at least one axis, the output's; got shape {J.shape}")
        if s > 0:
            inner = arrays[-1].shape[-1]
            if J.ndim != 2 or J.shape[0] != inner:
                raise ValueError(
                    f"factors[{s}] must have shape ({inner}, q) to follow factors[{s - 1}] of shape "
                    f"{arrays[-1].shape}; got {J.shape}"
                )
        _checks.check_finite(J, f"factors[{s}]")
        arrays.append(J)
    q = arrays[-1].shape[-1]
    for s in range(len(arrays) - 1):  # the partial products, J_s ... J_r, the last of them first
        what = "the product" if s == 0 else f"the partial product from factors[{s}]"
        letters = f"(*factors[{s}].shape[:-1], factors[-1].shape[1])"
        _checks.size("chain", f"{what} of shape {letters}", (*arrays[s].shape[:-1], q), NO_TENSOR)
    return _product(arrays, "chain: the product", {f"factors[{s}]": J for s, J in enumerate(arrays)})


def _product(
    arrays: list[NDArray[np.float64]], what: str, inputs: dict[str, NDArray[np.float64]]
) -> NDArray[np.float64]:
    r"""$`J_1 J_2 \cdots J_r`$ of checked factors, from the right; a `ValueError` naming `what` if it overflows."""
    with _checks.quiet():
        product = arrays[-1].copy()  # a new array, also of one factor (not the caller's, which it may be)
        for J in reversed(arrays[:-1]):
            product = np.tensordot(J, product, axes=1)
    _checks.finite_result(product, what, inputs)
    return product


@dataclass(frozen=True, eq=False)
class Stages:
    r"""The Jacobian of each stage of the network, for one example, in the library's layout.

    With $`e = t - p`$ and $`\delta`$ the Kronecker delta:

    Attributes:
        dl_dp: $`\partial \ell / \partial p`$, array of shape (z, z): `[r, c]` = $`-2 e_c \delta_{rc}`$,
            that is $`-2 \operatorname{diag}(e)`$.
        dp_dh: $`\partial p / \partial h`$, array of shape (k, z): `[q, r]` = $`(W_2)_{qr}`$, that is $`W_2`$
            itself.
        dh_da1: $`\partial h / \partial a`$, array of shape (k, k): `[l, q]` = $`(1 - h_q^2) \delta_{lq}`$,
            that is $`\operatorname{diag}(1 - h \circ h)`$.
        da1_dW1: $`\partial a / \partial W_1`$, array of shape (n, k, k): `[i, j, l]` = $`x_i \delta_{jl}`$.
        da1_db1: $`\partial a / \partial b_1`$, array of shape (k, k): the identity.
        dp_dW2: $`\partial p / \partial W_2`$, array of shape (k, z, z): `[q, j, r]` = $`h_q \delta_{jr}`$.
        dp_db2: $`\partial p / \partial b_2`$, array of shape (z, z): the identity.
    """

    dl_dp: NDArray[np.float64]
    dp_dh: NDArray[np.float64]
    dh_da1: NDArray[np.float64]
    da1_dW1: NDArray[np.float64]  # noqa: N815  # named after the maths, as N802/N803/N806 are
    da1_db1: NDArray[np.float64]
    dp_dW2: NDArray[np.float64]  # noqa: N815
    dp_db2: NDArray[np.float64]


def stage_jacobians(x: ArrayLike, W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike, t: ArrayLike) -> Stages:
    r"""Each stage's Jacobian at one example, entry by entry, for display and checking.

    ```math
    \begin{aligned}
    \frac{\partial \ell}{\partial p} &= -2 \operatorname{diag}(e), \quad
    \frac{\partial p}{\partial h} = W_2, \\
    \frac{\partial h}{\partial a} &= \operatorname{diag}(1 - h \circ h), \\
    \frac{\partial a_l}{\partial (W_1)_{ij}} &= x_i \delta_{jl}, \quad
    \frac{\partial p_r}{\partial (W_2)_{qj}} = h_q \delta_{jr}
    \end{aligned}
    ```

    and the identity for each bias. See `Stages` for the layout of each array. The two tensors, of
    $`n k^2`$ and $`k z^2`$ entries, may hold at most `nnla.MAX_ENTRIES` ($`2^{27}`$) entries each.

    Args:
        x: one input, array of shape (n,) or (1, n).
        W1: the hidden layer's weights, array of shape (n, k).
        b1: the hidden layer's bias, array of shape (k,) or (1, k).
        W2: the output layer's weights, array of shape (k, z).
        b2: the output layer's bias, array of shape (z,) or (1, z).
        t: the target, array of shape (z,) or (1, z).

    Returns:
        The `Stages`, new arrays.

    Raises:
        ValueError: if a shape does not fit the convention, an entry is not finite or too large for float64,
            a tensor would hold more than `nnla.MAX_ENTRIES` entries, or the forward pass or $`-2e`$
            overflows float64.
        TypeError: if an argument is not an array of real numbers, or is a masked array.

    Examples:
        >>> s = stage_jacobians([1.0, 0.0], [[1.0, -1.0], [0.5, 2.0]], [0.0, 1.0], [[2.0], [1.0]], [0.5], [1.0])
        >>> s.dl_dp.round(6), s.dh_da1.round(6)
        (array([[2.046377]]), array([[0.419974, 0.      ],
               [0.      , 1.      ]]))
        >>> s.da1_dW1.shape
        (2, 2, 2)
    """
    x_row, params, t_row = _one(x, W1, b1, W2, b2, t)
    _stage_sizes("stage_jacobians", x_row, params)
    return _stages(x_row, params, t_row, "stage_jacobians")


def _stage_sizes(where: str, x_row: NDArray[np.float64], params: Parameters) -> None:
    """Bound the two stage tensors, (n, k, k) and (k, z, z); the matrices (k, k) and (z, z) are smaller."""
    n, (k, z) = x_row.shape[1], params[2].shape
    _checks.size(where, "the stage Jacobian ∂a/∂W1 of shape (n, k, k)", (n, k, k), NO_TENSOR)
    _checks.size(where, "the stage Jacobian ∂p/∂W2 of shape (k, z, z)", (k, z, z), NO_TENSOR)


def _stages(x_row: NDArray[np.float64], params: Parameters, t_row: NDArray[np.float64], where: str) -> Stages:
    """`stage_jacobians` on checked, bounded arguments."""
    _, H, P = _checked_forward(x_row, params, where, x_name="x")
    W2_a = params[2]
    with _checks.quiet():
        xv, h, e = x_row[0], H[0], (t_row - P)[0]
        minus_2e = -2.0 * e
    inputs = dict(zip(("x", "W1", "b1", "W2", "b2", "t"), (x_row, *params, t_row), strict=True))
    _checks.finite_result(minus_2e, f"{where}: -2 e = -2 (t - p)", inputs)
    n, k, z = xv.shape[0], h.shape[0], e.shape[0]
    da1_dW1 = np.zeros((n, k, k))
    for j in range(k):
        da1_dW1[:, j, j] = xv  # w_ij reaches only a_j, by x_i
    dp_dW2 = np.zeros((k, z, z))
    for j in range(z):
        dp_dW2[:, j, j] = h  # (W2)_qj reaches only p_j, by h_q
    return Stages(
        dl_dp=np.diag(minus_2e),
        dp_dh=W2_a.copy(),
        dh_da1=np.diag(1.0 - h * h),
        da1_dW1=da1_dW1,
        da1_db1=np.eye(k),
        dp_dW2=dp_dW2,
        dp_db2=np.eye(z),
    )


def network_jacobians(
    x: ArrayLike, W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike, t: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    r"""The Jacobians of the loss vector with respect to each parameter, for one example, by the chain rule.

    Each is the product (`chain`) of the stages' Jacobians (`stage_jacobians`) from the parameter to the loss:

    ```math
    \begin{aligned}
    \frac{\partial \ell}{\partial W_1} &= \frac{\partial a}{\partial W_1} \frac{\partial h}{\partial a}
    \frac{\partial p}{\partial h} \frac{\partial \ell}{\partial p}, \qquad &
    \frac{\partial \ell}{\partial b_1} &= \frac{\partial h}{\partial a}
    \frac{\partial p}{\partial h} \frac{\partial \ell}{\partial p}, \\
    \frac{\partial \ell}{\partial W_2} &= \frac{\partial p}{\partial W_2} \frac{\partial \ell}{\partial p}, \qquad &
    \frac{\partial \ell}{\partial b_2} &= \frac{\partial \ell}{\partial p}
    \end{aligned}
    ```

    Entry by entry, $`\partial \ell_c / \partial (W_1)_{ij} = x_i (1 - h_j^2) (W_2)_{jc} (-2 e_c)`$ and
    $`\partial \ell_c / \partial (W_2)_{qj} = -2 e_c h_q \delta_{jc}`$. Summing each over its last axis,
    `.sum(axis=-1)`, gives the gradient of the SSE that `backprop` computes directly. Each tensor, the
    stages' and the products' ($`n k^2`$, $`k z^2`$ and $`n k z`$ entries), may hold at most
    `nnla.MAX_ENTRIES` ($`2^{27}`$) entries.

    Args:
        x: one input, array of shape (n,) or (1, n).
        W1: the hidden layer's weights, array of shape (n, k).
        b1: the hidden layer's bias, array of shape (k,) or (1, k).
        W2: the output layer's weights, array of shape (k, z).
        b2: the output layer's bias, array of shape (z,) or (1, z).
        t: the target, array of shape (z,) or (1, z).

    Returns:
        `(J_W1, J_b1, J_W2, J_b2)`: arrays of shapes (n, k, z), (k, z), (k, z, z) and (z, z), the loss
        component last.

    Raises:
        ValueError: if a shape does not fit the convention, an entry is not finite or too large for float64,
            a tensor would hold more than `nnla.MAX_ENTRIES` entries, or the forward pass or a product
            overflows float64.
        TypeError: if an argument is not an array of real numbers, or is a masked array.

    Examples:
        >>> J_W1, J_b1, J_W2, J_b2 = network_jacobians(
        ...     [1.0, 0.0], [[1.0, -1.0], [0.5, 2.0]], [0.0, 1.0], [[2.0], [1.0]], [0.5], [1.0])
        >>> J_W1.shape, J_b1.shape, J_W2.shape, J_b2.shape
        ((2, 2, 1), (2, 1), (2, 1, 1), (1, 1))
        >>> J_b1.round(6)
        array([[1.718851],
               [2.046377]])
    """
    x_row, params, t_row = _one(x, W1, b1, W2, b2, t)
    _stage_sizes("network_jacobians", x_row, params)
    n, (k, z) = x_row.shape[1], params[2].shape
    _checks.size("network_jacobians", "the Jacobian tensor ∂ℓ/∂W1 of shape (n, k, z)", (n, k, z), NO_TENSOR)
    s = _stages(x_row, params, t_row, "network_jacobians")
    inputs = dict(zip(("x", "W1", "b1", "W2", "b2", "t"), (x_row, *params, t_row), strict=True))
    return (
        _product([s.da1_dW1, s.dh_da1, s.dp_dh, s.dl_dp], "network_jacobians: ∂ℓ/∂W1", inputs),
        _product([s.da1_db1, s.dh_da1, s.dp_dh, s.dl_dp], "network_jacobians: ∂ℓ/∂b1", inputs),
        _product([s.dp_dW2, s.dl_dp], "network_jacobians: ∂ℓ/∂W2", inputs),
        _product([s.dp_db2, s.dl_dp], "network_jacobians: ∂ℓ/∂b2", inputs),
    )
