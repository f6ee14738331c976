r"""Gradient descent on the network from many starts at once: one loop over the steps, every run in one array.

`network_descent` runs one start; a study of how descent behaves from many starts of the same recipe (how many
reach a small loss, how many stall on a plateau) would call it once a start, and pay Python's cost of a step once
a start and a step. Here the runs are one more axis of every array, last, so that each step is one handful of
NumPy operations for all of them: $`A_1 = X W_1 + \mathbf{1} b_1`$ is one matrix product of $`X`$ with every
run's $`W_1`$ side by side, and the products with $`W_2`$ are `einsum`s over the run axis.

A run may stop before the others: when its loss falls below `until` (it has reached what the study asks), or
before a point whose loss or parameters are not finite (it diverged, as `network_descent` stops). A stopped run
keeps its last point, its loss repeats to the end of the record, and it leaves the arrays, so that the runs still
going cost less.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnla import _checks
from nnla.network import _batch_of_runs
from nnla.training import _settings

__all__ = ["ManyTraces", "network_descent_many"]

_Array = TypeVar("_Array", bound=np.ndarray[Any, Any])


@dataclass(frozen=True, eq=False)
class ManyTraces:
    r"""The record of many runs of gradient descent on the network, all on one batch (immutable, read-only arrays).

    Attributes:
        losses: array of shape (r, steps + 1): `losses[q, s]` is run q's loss after s steps; after a run stops,
            its last loss repeats. Every value is finite.
        gradient_norms: array of shape (r, steps + 1): the norm of run q's gradient in all its parameters at once,
            $`\sqrt{\lVert \partial L/\partial W_1 \rVert^2 + \dots + \lVert \partial L/\partial b_2 \rVert^2}`$,
            at the same points as `losses`; after a run stops, its last norm repeats. Finite, but for the last point of
            a run that diverged, where the gradient that took it out of float64 may itself have overflowed.
        stopped: array of shape (r,), integers: the number of steps each run took (`steps` for a run that did not
            stop early).
        reached: array of shape (r,), booleans: whether the run stopped because its loss fell below `until`.
        diverged: array of shape (r,), booleans: whether the run stopped because its next point was not finite.
        W1: each run's hidden weights at its last point, array of shape (r, n, k).
        b1: each run's hidden bias at its last point, array of shape (r, 1, k).
        W2: each run's output weights at its last point, array of shape (r, k, z).
        b2: each run's output bias at its last point, array of shape (r, 1, z).
        lr: the learning rate $`\eta`$.
        reduction: "sum" (the loss is the SSE) or "mean" (the MSE).
        until: the loss below which a run stops, or `None`.
    """

    losses: NDArray[np.float64]
    gradient_norms: NDArray[np.float64]
    stopped: NDArray[np.int64]
    reached: NDArray[np.bool_]
    diverged: NDArray[np.bool_]
    W1: NDArray[np.float64]
    b1: NDArray[np.float64]
    W2: NDArray[np.float64]
    b2: NDArray[np.float64]
    lr: float
    reduction: str
    until: float | None


def network_descent_many(
    X: ArrayLike,
    W1: ArrayLike,
    b1: ArrayLike,
    W2: ArrayLike,
    b2: ArrayLike,
    T: ArrayLike,
    lr: float,
    steps: int,
    reduction: str = "sum",
    until: float | None = None,
) -> ManyTraces:
    r"""Run `network_descent` from r starts at once, on one batch, in one loop over the steps.

    Run q starts from `(W1[q], b1[q], W2[q], b2[q])` and takes the steps `network_descent` takes from that start:

    ```math
    \begin{aligned}
    W_1 &\leftarrow W_1 - \eta \frac{\partial L}{\partial W_1}, \qquad &
    b_1 &\leftarrow b_1 - \eta \frac{\partial L}{\partial b_1}, \\
    W_2 &\leftarrow W_2 - \eta \frac{\partial L}{\partial W_2}, \qquad &
    b_2 &\leftarrow b_2 - \eta \frac{\partial L}{\partial b_2}
    \end{aligned}
    ```

    with the gradients of the backward pass (`backprop`), the runs side by side along a last axis of every array.
    Its losses agree with `network_descent`'s to float64 rounding (the sums are the same, in a different order).
    A run stops at its first point whose loss is below `until`, if given (`reached`), or before its first point
    whose loss or parameters are not finite (`diverged`); it then keeps that point to the end.

    Work and memory: at most `nnla.MAX_STEPS` steps, each about $`r\, m k (2n + 3z)`$ multiply-adds for the runs
    still going; a record of $`r\,(\text{steps} + 1)`$ losses, at most `nnla.MAX_ENTRIES`.

    Args:
        X: inputs, array of shape (m, n), shared by every run; a 1-D array of length n is one row.
        W1: the starting hidden weights, one per run, array of shape (r, n, k).
        b1: the starting hidden biases, array of shape (r, 1, k).
        W2: the starting output weights, array of shape (r, k, z).
        b2: the starting output biases, array of shape (r, 1, z).
        T: targets, array of shape (m, z), shared by every run.
        lr: the learning rate $`\eta`$, a finite number greater than 0.
        steps: the number of steps, an integer from 0 to `nnla.MAX_STEPS`.
        reduction: "sum" to descend the SSE, "mean" to descend the MSE.
        until: a finite loss greater than 0 below which a run stops, or `None` to run every start to the end.

    Returns:
        A `ManyTraces`: each run's losses, the number of steps it took, why it stopped, and its last point.

    Raises:
        ValueError: if a shape does not fit (the four starts must share r), an entry is not finite, the learning
            rate or `until` is not greater than 0, `steps` is out of range, the record would hold more than
            `nnla.MAX_ENTRIES` numbers, the reduction is unknown, or a run's starting loss overflows float64.
        TypeError: if an argument is not an array of real numbers, or `lr`, `until` or `steps` is of the wrong type.

    Examples:
        >>> runs = network_descent_many([[0.0, 1.0], [1.0, 1.0]], [[[1.0], [0.5]], [[-1.0], [2.0]]],
        ...                             [[[0.0]], [[0.5]]], [[[2.0]], [[1.0]]], [[[0.0]], [[0.0]]],
        ...                             [[1.0], [0.0]], lr=0.1, steps=2)
        >>> runs.losses.shape, runs.stopped.tolist()
        ((2, 3), [2, 2])
    """
    X_a, (W1_a, b1_a, W2_a, b2_a), T_a = _batch_of_runs(X, W1, b1, W2, b2, T)
    lr, steps, reduction = _settings(lr, steps, reduction)
    stop_below = None if until is None else _checks.positive(until, "until")
    (m, n), (runs, _, k), z = X_a.shape, W1_a.shape, T_a.shape[1]
    _checks.size(
        "network_descent_many",
        "the record of the losses, of shape (r, steps + 1)",
        (runs, steps + 1),
        "take fewer steps or fewer runs in one call",
    )
    # Every parameter of every run in one array, run last: rows n k of W1, k of b1, k z of W2, z of b2.
    bounds = np.cumsum([n * k, k, k * z, z])
    theta = np.concatenate(
        [W1_a.reshape(runs, -1).T, b1_a.reshape(runs, -1).T, W2_a.reshape(runs, -1).T, b2_a.reshape(runs, -1).T]
    )
    scale = 1.0 if reduction == "sum" else 1.0 / (m * z)
    losses = np.empty((runs, steps + 1))
    norms = np.empty((runs, steps + 1))
    stopped = np.full(runs, steps)
    reached = np.zeros(runs, dtype=bool)
    diverged = np.zeros(runs, dtype=bool)
    last = np.empty_like(theta)  # each run's last point, written when it stops or at the end
    going = np.arange(runs)  # the runs still in `theta`, in order
    previous = theta
    T3 = T_a[:, :, np.newaxis]
    with _checks.quiet():  # overflow is the divergence this function reports
        for step in range(steps + 1):
            r = len(going)
            W1_s = theta[: bounds[0]].reshape(n, k * r)
            b1_s = theta[bounds[0] : bounds[1]].reshape(1, k * r)
            W2_s = theta[bounds[1] : bounds[2]].reshape(k, z, r)
            b2_s = theta[bounds[2] :]
            H = X_a @ W1_s
            H += b1_s
            np.tanh(H, out=H)
            H3 = H.reshape(m, k, r)
            E = np.einsum("mkr,kzr->mzr", H3, W2_s)
            E += b2_s
            E -= T3  # P - T = -E
            loss = np.einsum("mzr,mzr->r", E, E) * scale
            finite = np.isfinite(loss) & np.isfinite(theta).all(axis=0)
            stop = ~finite
            if step == 0 and stop.any():
                raise ValueError(
                    f"network_descent_many: the starting loss of run {int(going[np.argmax(stop)])} overflows float64"
                )
            if stop_below is not None:
                stop |= finite & (loss < stop_below)
            # The gradient at every run's point, also where a run reaches `until` (its norm is recorded there).
            E *= 2.0 * scale  # Delta_2 = dL/dP
            gradient = np.empty_like(theta)
            gradient[bounds[1] : bounds[2]] = np.einsum("mkr,mzr->kzr", H3, E).reshape(k * z, r)
            gradient[bounds[2] :] = E.sum(axis=0)
            D1 = np.einsum("mzr,kzr->mkr", E, W2_s).reshape(m, k * r)
            H *= H
            np.subtract(1.0, H, out=H)  # tanh'(A1) = 1 - H∘H
            D1 *= H
            gradient[: bounds[0]] = (X_a.T @ D1).reshape(n * k, r)
            gradient[bounds[0] : bounds[1]] = D1.sum(axis=0).reshape(k, r)
            losses[going, step] = loss
            norms[going, step] = np.sqrt(np.einsum("pr,pr->r", gradient, gradient))
            if stop.any():
                ended = going[stop]
                bad = ~finite[stop]
                # A run that reached keeps this point; one that diverged, the point before.
                if bad.any():
                    losses[ended[bad], step] = losses[ended[bad], step - 1]
                    norms[ended[bad], step] = norms[ended[bad], step - 1]
                last[:, ended] = np.where(bad, previous[:, stop], theta[:, stop])
                stopped[ended] = np.where(bad, step - 1, step)
                diverged[ended] = bad
                reached[ended] = ~bad
                keep = ~stop
                going, theta, gradient = going[keep], theta[:, keep], gradient[:, keep]
            if step == steps or len(going) == 0:
                break
            previous = theta
            theta = theta - lr * gradient
    last[:, going] = theta
    for q in range(runs):
        losses[q, stopped[q] + 1 :] = losses[q, stopped[q]]
        norms[q, stopped[q] + 1 :] = norms[q, stopped[q]]
    parts = np.split(last, bounds[:-1])
    shapes = ((n, k), (1, k), (k, z), (1, z))
    W1_e, b1_e, W2_e, b2_e = (
        _read_only(part.T.reshape(runs, *shape).copy()) for part, shape in zip(parts, shapes, strict=True)
    )
    return ManyTraces(
        losses=_read_only(losses),
        gradient_norms=_read_only(norms),
        stopped=_read_only(stopped),
        reached=_read_only(reached),
        diverged=_read_only(diverged),
        W1=W1_e,
        b1=b1_e,
        W2=W2_e,
        b2=b2_e,
        lr=lr,
        reduction=reduction,
        until=stop_below,
    )


def _read_only(a: _Array) -> _Array:
    a.flags.writeable = False
    return a
