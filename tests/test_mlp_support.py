"""Shared by the tests of the hidden layer (tests/test_mlp_*.py): seeded problems and a reference in plain NumPy.

No tests here. The reference functions are written from the formulas, independently of `nnla`: the tests
compare `nnla` with them, with central differences of them, and with autograd.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
Network = tuple[Array, Array, Array, Array]
#: The parameters in the order every function takes and returns them.
NAMES = ("W1", "b1", "W2", "b2")

#: Central differences (eps = 1e-6) of the network's loss, which is not quadratic: truncation eps^2 / 6 times a
#: third derivative, plus rounding about 1e-16 |L| / eps. On these tests' problems (normal entries, sizes up to
#: 5) the largest difference from the exact gradient is 3e-8.
FD_RTOL = 1e-6
FD_ATOL = 1e-6
#: autograd does the same products in another order.
AD_RTOL = 1e-12
AD_ATOL = 1e-12


def network_problem(m: int, n: int, k: int, z: int, seed: int = 0) -> tuple[Array, Network, Array]:
    """A seeded batch: X (m, n), the parameters W1 (n, k), b1 (1, k), W2 (k, z), b2 (1, z), and T (m, z)."""
    rng = np.random.default_rng([seed, m, n, k, z])
    X = rng.normal(size=(m, n))
    params = (rng.normal(size=(n, k)), rng.normal(size=(1, k)), rng.normal(size=(k, z)), rng.normal(size=(1, z)))
    return X, params, rng.normal(size=(m, z))


def predict(X: Array, W1: Array, b1: Array, W2: Array, b2: Array) -> Array:
    """P = tanh(X W1 + b1) W2 + b2."""
    return np.tanh(X @ W1 + b1) @ W2 + b2


def loss(X: Array, params: Network, T: Array, reduction: str = "sum") -> float:
    """The SSE (or the MSE, over m z) of the network on a batch."""
    E = T - predict(X, *params)
    total = float((E**2).sum())
    return total if reduction == "sum" else total / E.size


def loss_in(X: Array, params: Network, T: Array, index: int, reduction: str = "sum") -> Callable[[Array], float]:
    """The loss as a function of the parameter at `index` alone (0 W1, 1 b1, 2 W2, 3 b2), the others held."""
    return lambda value: loss(X, replace(params, index, value), T, reduction)


def replace(params: Network, index: int, value: Array) -> Network:
    """The parameters with the one at `index` (0 W1, 1 b1, 2 W2, 3 b2) replaced by `value`."""
    out = list(params)
    out[index] = value
    return (out[0], out[1], out[2], out[3])
