r"""The forward pass of a network with one hidden layer, keeping what the backward pass needs.

The convention is the linear layer's, twice, with $`\tanh`$ between: for a batch $`X`$ of shape (m, n),

```math
A_1 = X W_1 + \mathbf{1} b_1, \qquad H = \tanh(A_1), \qquad P = H W_2 + \mathbf{1} b_2
```

with $`W_1`$ of shape (n, k), $`b_1`$ of shape (1, k), $`W_2`$ of shape (k, z) and $`b_2`$ of shape (1, z):
k hidden units between n inputs and z outputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnla import _checks

#: The network's parameters (W1, b1, W2, b2), as the checks return them.
Parameters = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]


def _affine(
    W: ArrayLike, b: ArrayLike, names: tuple[str, str], letters: tuple[str, str], rows: int, context: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Check one layer's weights (rows, cols) and bias (1, cols); `context` says what fixes `rows`."""
    W_name, b_name = names
    r, c = letters
    W_a = _checks.as_array(W, W_name)
    b_a = _checks.as_array(b, b_name)
    if W_a.ndim != 2 or W_a.shape[0] != rows or W_a.shape[1] == 0:
        b_is_a_row = b_a.size > 0 and (b_a.ndim == 1 or (b_a.ndim == 2 and b_a.shape[0] == 1))
        expected = f"({r}, {c}) = ({rows}, {b_a.shape[-1]})" if b_is_a_row else f"({r}, {c}) with {r} = {rows}"
        raise ValueError(f"{W_name} must have shape {expected} to match {context}; got {W_a.shape}")
    cols = W_a.shape[1]
    if b_a.shape not in ((cols,), (1, cols)):
        raise ValueError(
            f"{b_name} must have shape (1, {c}) = (1, {cols}) or ({c},) = ({cols},) to match {W_name} of shape "
            f"{W_a.shape}; got {b_a.shape}"
        )
    _checks.check_finite(W_a, W_name)
    _checks.check_finite(b_a, b_name)
    return W_a, b_a.reshape(1, cols)


def _parameters(
    X: ArrayLike, W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike, x_name: str = "X"
) -> tuple[NDArray[np.float64], Parameters]:
    r"""Check the arguments of the network: `X` (m, n), `W1` (n, k), `b1` (1, k), `W2` (k, z), `b2` (1, z).

    Returns:
        `X` and `(W1, b1, W2, b2)` as float64 arrays, the biases as rows.
    """
    X_a = _checks.as_rows(X, x_name)
    W1_a, b1_a = _affine(W1, b1, ("W1", "b1"), ("n", "k"), X_a.shape[1], f"{x_name} of shape {X_a.shape}")
    W2_a, b2_a = _affine(W2, b2, ("W2", "b2"), ("k", "z"), W1_a.shape[1], f"W1 of shape {W1_a.shape}")
    return X_a, (W1_a, b1_a, W2_a, b2_a)


def _batch(
    X: ArrayLike, W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike, T: ArrayLike
) -> tuple[NDArray[np.float64], Parameters, NDArray[np.float64]]:
    """Check a batch: the network's arguments and the targets `T` of shape (m, z)."""
    X_a, params = _parameters(X, W1, b1, W2, b2)
    shape = (X_a.shape[0], params[2].shape[1])
    T_a = _checks.targets(T, shape, "T", f"X of shape {X_a.shape} and W2 of shape {params[2].shape}")
    return X_a, params, T_a


def _batch_of_runs(
    X: ArrayLike, W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike, T: ArrayLike
) -> tuple[NDArray[np.float64], Parameters, NDArray[np.float64]]:
    """Check a batch with r starts, the run axis leading: W1 (r, n, k), b1 (r, 1, k), W2 (r, k, z), b2 (r, 1, z).

    The first run's start is checked against `X` and `T` by `_batch`, with the messages of a single run; the others
    must share its shapes, and every entry must be finite.
    """
    names = ("W1", "b1", "W2", "b2")
    arrays = [_checks.as_array(a, name) for a, name in zip((W1, b1, W2, b2), names, strict=True)]
    runs = arrays[0].shape[0] if arrays[0].ndim == 3 else -1
    letters = ("(r, n, k)", "(r, 1, k)", "(r, k, z)", "(r, 1, z)")
    for a, name, shape in zip(arrays, names, letters, strict=True):
        if a.ndim != 3 or a.shape[0] != runs or runs == 0:
            raise ValueError(
                f"{name} must hold one start per run, of shape {shape} with the same r > 0 for all four; got {a.shape}"
            )
    W1_a, b1_a, W2_a, b2_a = arrays
    try:
        X_a, _, T_a = _batch(X, W1_a[0], b1_a[0], W2_a[0], b2_a[0], T)
    except ValueError as error:  # said of one run's start: say what the caller passed, the run axis first
        given = ", ".join(f"{name} {a.shape}" for name, a in zip(names, arrays, strict=True))
        raise ValueError(f"{error}, in each run's start (the run axis first; given {given})") from None
    for a, name in zip(arrays, names, strict=True):
        _checks.check_finite(a, name)
    return X_a, (W1_a, b1_a, W2_a, b2_a), T_a


def _one(
    x: ArrayLike, W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike, t: ArrayLike
) -> tuple[NDArray[np.float64], Parameters, NDArray[np.float64]]:
    """Check one example: `x` (1, n), the network's arguments and its target `t` of shape (1, z)."""
    x_row = _checks.one_example(x, "x", "n")
    x_row, params = _parameters(x_row, W1, b1, W2, b2, x_name="x")
    t_row = _checks.targets(t, params[3].shape, "t", f"W2 of shape {params[2].shape}")
    return x_row, params, t_row


def _forward(
    X: NDArray[np.float64],
    W1: NDArray[np.float64],
    b1: NDArray[np.float64],
    W2: NDArray[np.float64],
    b2: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """The forward pass on checked arguments: `(A1, H, P)`, each a new array."""
    A1 = X @ W1
    A1 += b1
    H = np.tanh(A1)
    P = H @ W2
    P += b2
    return A1, H, P


def _checked_forward(
    X: NDArray[np.float64], params: Parameters, where: str, x_name: str = "X"
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """`_forward` with a `ValueError` naming the stage that overflows float64 (`A1` or `P`; `H` cannot)."""
    with _checks.quiet():
        A1, H, P = _forward(X, *params)
    inputs = dict(zip((x_name, "W1", "b1", "W2", "b2"), (X, *params), strict=True))
    _checks.finite_result(A1, f"{where}: A1 = {x_name} W1 + 1 b1", inputs)
    _checks.finite_result(P, f"{where}: P = H W2 + 1 b2", inputs)
    return A1, H, P


def _read_only(a: NDArray[np.float64]) -> NDArray[np.float64]:
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False)
class ForwardPass:
    r"""What the forward pass computed, kept for the backward pass (immutable; its arrays are read-only).

    Attributes:
        X: a copy of the inputs, array of shape (m, n).
        A1: the hidden layer's pre-activation $`A_1 = X W_1 + \mathbf{1} b_1`$, array of shape (m, k).
        H: the hidden layer's activation $`H = \tanh(A_1)`$, array of shape (m, k).
        P: the predictions $`P = H W_2 + \mathbf{1} b_2`$, array of shape (m, z).
    """

    X: NDArray[np.float64]
    A1: NDArray[np.float64]
    H: NDArray[np.float64]
    P: NDArray[np.float64]


def network_forward(X: ArrayLike, W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike) -> ForwardPass:
    r"""Run the network with one hidden layer on a batch, keeping every intermediate result.

    ```math
    \begin{aligned}
    A_1 &= X W_1 + \mathbf{1} b_1, \qquad H = \tanh(A_1), \\
    P &= H W_2 + \mathbf{1} b_2
    \end{aligned}
    ```

    Args:
        X: inputs, array of shape (m, n), one example per row; a 1-D array of length n is one row.
        W1: the hidden layer's weights, array of shape (n, k).
        b1: the hidden layer's bias, array of shape (1, k) or (k,).
        W2: the output layer's weights, array of shape (k, z).
        b2: the output layer's bias, array of shape (1, z) or (z,).

    Returns:
        A `ForwardPass` with `X` (m, n), `A1` (m, k), `H` (m, k) and the predictions `P` (m, z).

    Raises:
        ValueError: if a shape does not fit the convention, an entry is not finite or too large for float64,
            or $`A_1`$ or $`P`$ overflows float64.
        TypeError: if an argument is not an array of real numbers, or is a masked array.

    Examples:
        >>> out = network_forward([[1.0, 0.0]], [[1.0, -1.0], [0.5, 2.0]], [0.0, 1.0], [[2.0], [1.0]], [0.5])
        >>> out.A1
        array([[1., 0.]])
        >>> out.P.round(6)
        array([[2.023188]])
    """
    X_a, params = _parameters(X, W1, b1, W2, b2)
    A1, H, P = _checked_forward(X_a, params, "network_forward")
    return ForwardPass(X=_read_only(X_a.copy()), A1=_read_only(A1), H=_read_only(H), P=_read_only(P))
