r"""The worked examples the pages use: named, immutable, and seeded.

- `running`: the essay's single example, small enough to check by hand.
- `batch_consistent`: a batch of 8 examples whose targets a linear layer fits exactly.
- `batch_noisy`: the same inputs with noise added to the targets, so no linear layer fits them exactly.
- `toy_descent`: the essay's warm-up, gradient descent on $`Z = w^2 + y^2`$, with its rule as printed or
  corrected.
- `xor`: XOR of two bits, which no linear layer fits, and a seeded start for a network with one hidden layer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nnla import _checks, network

SEED = 2023
"""The seed of the `np.random.default_rng` generator that draws the batch examples."""

TOY_START = (4.0, 3.0)
r"""The starting point $`(w, y)`$ of the toy descent, where $`Z = 25`$."""


def _frozen(values: object) -> NDArray[np.float64]:
    a = np.array(values, dtype=np.float64)
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False)
class Example:
    r"""A worked example: inputs, targets and the parameters gradient descent starts from.

    The arrays are float64 and read-only. The shapes are checked when the example is made.

    Attributes:
        name: a short identifier, such as "running".
        description: one sentence saying what the example shows.
        X: inputs, array of shape (m, n), one example per row.
        W: starting weights, array of shape (n, z).
        b: starting bias, array of shape (1, z).
        T: targets, array of shape (m, z).
    """

    name: str
    description: str
    X: NDArray[np.float64]
    W: NDArray[np.float64]
    b: NDArray[np.float64]
    T: NDArray[np.float64]

    def __post_init__(self) -> None:
        X, W, b = _checks.layer(self.X, self.W, self.b)
        T = _checks.targets(self.T, (X.shape[0], W.shape[1]), "T", f"X of shape {X.shape} and W of shape {W.shape}")
        for field, value in (("X", X), ("W", W), ("b", b), ("T", T)):
            object.__setattr__(self, field, _frozen(value))

    @property
    def m(self) -> int:
        """The number of examples (rows of X)."""
        return int(self.X.shape[0])

    @property
    def n(self) -> int:
        """The number of inputs (columns of X)."""
        return int(self.X.shape[1])

    @property
    def z(self) -> int:
        """The number of outputs (columns of W)."""
        return int(self.W.shape[1])


running = Example(
    name="running",
    description="One example checkable by hand: p = [0.1, -0.2], e = [0.9, 2.2], SSE = 5.65, MSE = 2.825.",
    X=_frozen([[1.0, 2.0, -1.0]]),
    W=_frozen([[0.5, -1.0], [0.25, 0.5], [1.0, 0.0]]),
    b=_frozen([[0.1, -0.2]]),
    T=_frozen([[1.0, 2.0]]),
)

BATCH_W_TRUE = _frozen([[2.0, -1.0], [0.5, 1.5], [-1.0, 0.5]])
"""The weights, array of shape (3, 2), that generate the consistent batch's targets."""

BATCH_B_TRUE = _frozen([[1.0, -0.5]])
"""The bias, array of shape (1, 2), that generates the consistent batch's targets."""


def _batches() -> tuple[Example, Example]:
    rng = np.random.default_rng(SEED)
    X = rng.normal(size=(8, 3)).round(2)
    # X has 2 decimals and W_true, b_true are multiples of 1/2, so X W_true + b_true has at most 3 decimals:
    # rounding to 3 only removes float rounding error, and T is exactly consistent.
    T = (X @ BATCH_W_TRUE + BATCH_B_TRUE).round(3)
    noise = rng.normal(scale=0.5, size=T.shape).round(2)
    W0, b0 = np.zeros((3, 2)), np.zeros((1, 2))
    consistent = Example(
        name="batch_consistent",
        description="8 examples whose targets are exactly X W_true + b_true: least squares fits them with zero loss.",
        X=X,
        W=W0,
        b=b0,
        T=T,
    )
    noisy = Example(
        name="batch_noisy",
        description="The same 8 inputs with noise on the targets: the least-squares loss stays above zero.",
        X=X,
        W=W0,
        b=b0,
        T=(T + noise).round(3),
    )
    return consistent, noisy


batch_consistent, batch_noisy = _batches()


def toy_descent(w0: float, y0: float, lr: float, steps: int, *, swapped: bool = False) -> NDArray[np.float64]:
    r"""Gradient descent on the essay's toy loss $`Z = w^2 + y^2`$, by the corrected or the printed rule.

    The corrected rule moves each variable against its own partial derivative; the essay's printed rule
    (`swapped=True`) uses the other variable's:

    ```math
    \begin{aligned}
    \text{corrected:} \quad w &\leftarrow w - \eta \frac{\partial Z}{\partial w} = w - 2\eta w, \quad
    y \leftarrow y - 2\eta y; \\
    \text{printed:} \quad w &\leftarrow w - \eta \frac{\partial Z}{\partial y} = w - 2\eta y, \quad
    y \leftarrow y - 2\eta w
    \end{aligned}
    ```

    From `TOY_START` $`= (4, 3)`$, where $`Z = 25`$: the printed rule with $`\eta = 1`$ gives $`Z = 29`$
    after one step; the corrected rule with $`\eta = 1`$ oscillates with $`Z = 25`$; the corrected rule
    converges iff $`0 < \eta < 1`$.

    Args:
        w0: the starting $`w`$.
        y0: the starting $`y`$.
        lr: the learning rate $`\eta`$, a finite number greater than 0.
        steps: the number of steps, an integer from 0 to `nnla.MAX_STEPS` ($`10^6`$).
        swapped: use the essay's printed rule instead of the corrected one.

    Returns:
        Array of shape (steps + 1, 3): the columns are $`w`$, $`y`$ and $`Z`$, one row per point.

    Raises:
        ValueError: if `w0` or `y0` is not finite or too large for float64, `lr` is not greater than 0,
            `steps` is negative or above `nnla.MAX_STEPS`, or the run (its starting $`Z`$ included) overflows.
        TypeError: if `lr` or a starting value is not a real number, or `steps` is not an integer.

    Examples:
        >>> toy_descent(*TOY_START, lr=1, steps=1, swapped=True)
        array([[ 4.,  3., 25.],
               [-2., -5., 29.]])
    """
    w, y = _checks.real(w0, "w0"), _checks.real(y0, "y0")
    lr = _checks.positive(lr, "lr")
    steps = _checks.steps(steps)
    Z = w * w + y * y
    _checks.finite_result(Z, "toy_descent: Z = w0² + y0²", {"w0": w, "y0": y})
    rows = [(w, y, Z)]
    for step in range(1, steps + 1):
        dZ_dw, dZ_dy = 2 * w, 2 * y
        if swapped:
            w, y = w - lr * dZ_dy, y - lr * dZ_dw
        else:
            w, y = w - lr * dZ_dw, y - lr * dZ_dy
        Z = w * w + y * y
        if not math.isfinite(Z):
            raise ValueError(f"toy_descent overflows at step {step} of {steps}; take fewer steps or a smaller lr")
        rows.append((w, y, Z))
    return np.array(rows, dtype=np.float64)


# ------------------------------------------------------------------------------------ a hidden layer: XOR

XOR_SEED = 2023
"""The seed of the `np.random.default_rng` generator that draws the XOR network's starting parameters."""

XOR_HIDDEN = 3
"""The XOR network's number of hidden units, k."""

XOR_LR = 0.1
r"""The learning rate $`\eta`$ of gradient descent on the XOR network's MSE."""

XOR_STEPS = 500
"""The number of steps of gradient descent on the XOR network; its MSE falls below 1e-3 after 270."""


@dataclass(frozen=True, eq=False)
class NetworkExample:
    r"""A worked example for the network with one hidden layer: inputs, targets and a starting point.

    The arrays are float64 and read-only. The shapes are checked when the example is made.

    Attributes:
        name: a short identifier, such as "xor".
        description: one sentence saying what the example shows.
        X: inputs, array of shape (m, n), one example per row.
        T: targets, array of shape (m, z).
        W1: starting hidden weights, array of shape (n, k).
        b1: starting hidden bias, array of shape (1, k).
        W2: starting output weights, array of shape (k, z).
        b2: starting output bias, array of shape (1, z).
    """

    name: str
    description: str
    X: NDArray[np.float64]
    T: NDArray[np.float64]
    W1: NDArray[np.float64]
    b1: NDArray[np.float64]
    W2: NDArray[np.float64]
    b2: NDArray[np.float64]

    def __post_init__(self) -> None:
        X, params, T = network._batch(self.X, self.W1, self.b1, self.W2, self.b2, self.T)
        for field, value in zip(("X", "W1", "b1", "W2", "b2", "T"), (X, *params, T), strict=True):
            object.__setattr__(self, field, _frozen(value))

    @property
    def m(self) -> int:
        """The number of examples (rows of X)."""
        return int(self.X.shape[0])

    @property
    def n(self) -> int:
        """The number of inputs (columns of X)."""
        return int(self.X.shape[1])

    @property
    def k(self) -> int:
        """The number of hidden units (columns of W1)."""
        return int(self.W1.shape[1])

    @property
    def z(self) -> int:
        """The number of outputs (columns of W2)."""
        return int(self.W2.shape[1])


def _xor() -> NetworkExample:
    rng = np.random.default_rng(XOR_SEED)
    k = XOR_HIDDEN
    # Two decimals, like the batch inputs, so that a page can print the start exactly.
    W1, b1 = rng.normal(size=(2, k)).round(2), rng.normal(size=(1, k)).round(2)
    W2, b2 = rng.normal(size=(k, 1)).round(2), rng.normal(size=(1, 1)).round(2)
    return NetworkExample(
        name="xor",
        description="XOR of two bits: no linear layer fits it (its best MSE is 0.25); one hidden layer does.",
        X=_frozen([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]),
        T=_frozen([[0.0], [1.0], [1.0], [0.0]]),
        W1=W1,
        b1=b1,
        W2=W2,
        b2=b2,
    )


xor = _xor()
