r"""Gradient descent on the network with one hidden layer, recording the loss and the parameters at each step.

The run mirrors `gradient_descent` on the linear layer: the same learning rate, reductions, bounds on the
number of steps and stop at the first overflow. Unlike the linear layer's loss, the network's is not
quadratic, so no learning rate is stable from every start; the trace says whether a run diverged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnla import _checks
from nnla.backward import _backward
from nnla.network import _batch, _forward


@dataclass(frozen=True, eq=False)
class NetworkTrace:
    r"""The record of a run of gradient descent on the network (immutable; its arrays are read-only).

    Point $`s`$ is the network after $`s`$ steps: run it with
    `network_forward(X, trace.W1[s], trace.b1[s], trace.W2[s], trace.b2[s])`.

    Attributes:
        losses: the loss before each step and after the last, array of shape (s,): `steps + 1` values,
            fewer if the run diverged. Every value is finite.
        W1: the hidden layer's weights at each of those points, array of shape (s, n, k).
        b1: the hidden layer's bias at each of those points, array of shape (s, 1, k).
        W2: the output layer's weights at each of those points, array of shape (s, k, z).
        b2: the output layer's bias at each of those points, array of shape (s, 1, z).
        diverged: whether the run stopped early because the loss or a parameter stopped being finite.
        lr: the learning rate $`\eta`$.
        reduction: "sum" (the loss is the SSE) or "mean" (the MSE).
    """

    losses: NDArray[np.float64]
    W1: NDArray[np.float64]
    b1: NDArray[np.float64]
    W2: NDArray[np.float64]
    b2: NDArray[np.float64]
    diverged: bool
    lr: float
    reduction: str


def _recorded(record: NDArray[np.float64], points: int) -> NDArray[np.float64]:
    """The first `points` entries of a record, as an array of their own, read-only."""
    a = record[:points].copy()
    a.flags.writeable = False
    return a


def _columns(
    path: NDArray[np.float64], n: int, k: int, z: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Views of a record whose rows are points (W1, b1, W2, b2 flattened): arrays of shape (s, n, k), (s, 1, k),
    (s, k, z) and (s, 1, z)."""
    s = path.shape[0]
    W1, b1, W2, b2 = np.split(path, np.cumsum([n * k, k, k * z]), axis=1)
    return W1.reshape(s, n, k), b1.reshape(s, 1, k), W2.reshape(s, k, z), b2.reshape(s, 1, z)


def _settings(lr: object, steps: object, reduction: object) -> tuple[float, int, str]:
    """Check a run's settings, as `network_descent` and `network_descent_many` take them: lr, steps, reduction."""
    return _checks.positive(lr, "lr"), _checks.steps(steps), _checks.reduction(reduction)


def network_descent(
    X: ArrayLike,
    W1: ArrayLike,
    b1: ArrayLike,
    W2: ArrayLike,
    b2: ArrayLike,
    T: ArrayLike,
    lr: float,
    steps: int,
    reduction: str = "sum",
) -> NetworkTrace:
    r"""Run gradient descent on the network from `(W1, b1, W2, b2)` for `steps` steps, recording each point.

    Each step moves every parameter against its gradient (`backprop`):

    ```math
    \begin{aligned}
    W_1 &\leftarrow W_1 - \eta \frac{\partial L}{\partial W_1}, \qquad &
    b_1 &\leftarrow b_1 - \eta \frac{\partial L}{\partial b_1}, \\
    W_2 &\leftarrow W_2 - \eta \frac{\partial L}{\partial W_2}, \qquad &
    b_2 &\leftarrow b_2 - \eta \frac{\partial L}{\partial b_2}
    \end{aligned}
    ```

    with $`L`$ the SSE or the MSE. One forward pass per point gives both its loss and the gradient of the
    next step. The run stops at the first point whose loss or parameters are not finite (an overflow) and
    sets `diverged`; that point is left out, so the trace never holds NaN or infinity.

    Work and memory are bounded as for `gradient_descent`: at most `nnla.MAX_STEPS` ($`10^6`$) steps, each
    about $`m k (2n + 3z)`$ multiply-adds, and a trace of at most `nnla.MAX_ENTRIES` ($`2^{27}`$) numbers,
    $`1 + n k + k + k z + z`$ a point. A longer run is several calls, each starting from the last point of
    the one before.

    Args:
        X: inputs, array of shape (m, n); a 1-D array of length n is one row.
        W1: the starting hidden weights, array of shape (n, k).
        b1: the starting hidden bias, array of shape (1, k) or (k,).
        W2: the starting output weights, array of shape (k, z).
        b2: the starting output bias, array of shape (1, z) or (z,).
        T: targets, array of shape (m, z); a 1-D array of length z is one row.
        lr: the learning rate $`\eta`$, a finite number greater than 0.
        steps: the number of steps, an integer from 0 to `nnla.MAX_STEPS`.
        reduction: "sum" to descend the SSE, "mean" to descend the MSE.

    Returns:
        A `NetworkTrace` with `steps + 1` points (fewer if the run diverged; none if the starting loss
        itself overflows).

    Raises:
        ValueError: if a shape does not fit the convention, an entry is not finite or too large for float64,
            the learning rate is not greater than 0, `steps` is negative or above `nnla.MAX_STEPS`, the trace
            would hold more than `nnla.MAX_ENTRIES` numbers, or the reduction is unknown.
        TypeError: if an argument is not an array of real numbers or is a masked array, `lr` is not a real
            number or `steps` is not an integer.

    Examples:
        >>> trace = network_descent([1.0, 0.0], [[1.0, -1.0], [0.5, 2.0]], [0.0, 1.0], [[2.0], [1.0]], [0.5],
        ...                         [1.0], lr=0.05, steps=3)
        >>> trace.losses.round(4).tolist()
        [1.0469, 0.2518, 0.0493, 0.0081]
        >>> trace.W1.shape, trace.b2.shape
        ((4, 2, 2), (4, 1, 1))
    """
    X_a, (W1_a, b1_a, W2_a, b2_a), T_a = _batch(X, W1, b1, W2, b2, T)
    lr, steps, reduction = _settings(lr, steps, reduction)
    sizes = {"W1": W1_a.size, "b1": b1_a.size, "W2": W2_a.size, "b2": b2_a.size}
    _checks.trace("network_descent", steps, sizes, "trace.W1[-1], trace.b1[-1], trace.W2[-1], trace.b2[-1]")
    (n, k), z = W1_a.shape, W2_a.shape[1]
    # Each point's parameters in one row of `path`, W1, b1, W2 and b2 flattened, so that a point is tested for
    # finiteness and moved in one NumPy call each; W1s, b1s, W2s and b2s are views of its columns.
    path = np.empty((steps + 1, sum(sizes.values())))
    path[0] = np.concatenate((W1_a, b1_a, W2_a, b2_a), axis=None)
    W1s, b1s, W2s, b2s = _columns(path, n, k, z)
    lr_gradient = np.empty(path.shape[1])  # lr times the gradient at a point, laid out as a row of `path`
    lr_parts = _columns(lr_gradient[np.newaxis], n, k, z)
    losses = np.empty(steps + 1)
    points = 0  # the points recorded: steps + 1, fewer if the run diverged
    diverged = False
    with _checks.quiet():  # overflow is the divergence this function reports
        for step in range(steps + 1):
            point = (W1s[step], b1s[step], W2s[step], b2s[step])
            H, P = _forward(X_a, *point)[1:]
            E = T_a - P
            total = float((E * E).sum())  # the same sum as loss.sse, so the two agree to the last bit
            loss = total if reduction == "sum" else total / E.size
            # A sum of squares is finite only if every entry is; when it is not (it may also overflow), each is tested.
            row = path[step]
            if not (math.isfinite(loss) and (math.isfinite(row @ row) or np.isfinite(row).all())):
                diverged = True
                break
            losses[step] = loss
            points = step + 1
            if step == steps:
                break
            gradients = _backward(X_a, H, P, point[2], T_a, reduction)  # overwrites H and P
            for part, gradient in zip(lr_parts, gradients, strict=True):
                np.multiply(gradient, lr, out=part[0])
            np.subtract(row, lr_gradient, out=path[step + 1])
    return NetworkTrace(
        losses=_recorded(losses, points),
        W1=_recorded(W1s, points),
        b1=_recorded(b1s, points),
        W2=_recorded(W2s, points),
        b2=_recorded(b2s, points),
        diverged=diverged,
        lr=lr,
        reduction=reduction,
    )
