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

import math
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnla import _checks
from nnla.network import _batch_of_runs
from nnla.training import _columns, _settings

__all__ = ["ManyTraces", "network_descent_many"]

_Array = TypeVar("_Array", bound=np.ndarray[Any, Any])

#: The losses and norms of the runs going are written to the record whenever a run stops, and at least this often.
_RECORD_EVERY = 256


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
    Its losses agree with `network_descent`'s to float64 rounding at each step (the sums are the same, in a
    different order); along a run that oscillates, later steps can amplify that rounding, as any change of the
    order of the sums would.
    A run stops at its first point whose loss is below `until`, if given (`reached`), or before its first point
    whose loss or parameters are not finite (`diverged`); it then keeps that point to the end.

    Work and memory: at most `nnla.MAX_STEPS` steps, each about $`r\, m k (2n + 3z)`$ multiply-adds for the runs
    still going; a record of $`r\,(\text{steps} + 1)`$ losses, at most `nnla.MAX_ENTRIES`, and as many norms (up to
    256 steps of both wait in a buffer before they are written to it).

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
    # Every parameter of every run in one array, run last: rows n k of W1, k of b1, k z of W2, z of b2. The rows of
    # W1 and b1 are the matrix [W1; b1] of shape (n + 1, k r), so that A1 = [X, 1] [W1; b1] is one product, and so
    # is the gradient [dW1; db1] = [X, 1]^T Delta_1.
    theta = np.concatenate([a.reshape(runs, -1).T for a in (W1_a, b1_a, W2_a, b2_a)])
    X1 = np.hstack([X_a, np.ones((m, 1))])
    X1_T = X1.T
    T3 = T_a[:, :, np.newaxis]
    scale = 1.0 if reduction == "sum" else 1.0 / (m * z)
    losses = np.empty((runs, steps + 1))
    norms = np.empty((runs, steps + 1))
    stopped = np.full(runs, steps)
    reached = np.zeros(runs, dtype=bool)
    diverged = np.zeros(runs, dtype=bool)
    last = np.empty_like(theta)  # each run's last point, written when it stops or at the end
    going = np.arange(runs)  # the runs still in `point`, in order
    point, before = theta, np.empty(theta.shape)  # the points of the runs going, and one step before
    step = 0
    with _checks.quiet():  # overflow is the divergence this function reports
        while True:
            # A stretch: the steps with the same runs going, until one stops or _RECORD_EVERY steps have passed.
            # Its arrays are made here and each step writes into them. After the first few hundred steps only a few
            # runs are left, and a step then costs the number of NumPy calls it makes, not the size of its arrays.
            # (C order, for `_parts` to give views: concatenated transposes and `point[:, keep]` are in Fortran order.)
            point, before = np.ascontiguousarray(point), np.ascontiguousarray(before)
            r = len(going)
            first, length = step, min(_RECORD_EVERY, steps + 1 - step)
            loss_rows, norm_rows = np.empty((length, r)), np.empty((length, r))
            A = np.empty((m, k * r))  # A1, then H = tanh(A1), then tanh'(A1) = 1 - H∘H, each over the one before
            H3 = A.reshape(m, k, r)
            E = np.empty((m, z, r))
            D1 = np.empty((m, k, r))
            gradient = np.empty(point.shape)
            dW1b1, dW2, db2 = _parts(gradient, n, k, z)
            # This step's point and the one before (which a run that diverges keeps), with their views: each step
            # writes the next point over the one before.
            current, previous = (point, *_parts(point, n, k, z)), (before, *_parts(before, n, k, z))
            stopping = False
            for i in range(length):
                if i:  # the step from the point before; the first of a stretch was taken when the last one ended
                    gradient *= lr
                    np.subtract(current[0], gradient, out=previous[0])
                    current, previous = previous, current
                    step += 1
                theta, W1b1, W2, b2 = current
                np.matmul(X1, W1b1, out=A)  # A1 = [X, 1] [W1; b1] = X W1 + 1 b1
                np.tanh(A, out=A)
                np.einsum("mkr,kzr->mzr", H3, W2, out=E)
                E += b2
                E -= T3  # P - T = -E
                loss = loss_rows[i]
                np.einsum("mzr,mzr->r", E, E, out=loss)
                loss *= scale
                # Most steps stop no run, and two sums of squares say so: a sum is finite only if every term is (it
                # may also overflow, rarely). Only when they do not is each run tested.
                quick = np.vdot(theta, theta) + np.vdot(loss, loss)
                if not math.isfinite(quick) or (stop_below is not None and loss.min() < stop_below):
                    finite = np.isfinite(loss) & np.isfinite(theta).all(axis=0)
                    stop = ~finite
                    if step == 0 and stop.any():
                        raise ValueError(
                            "network_descent_many: the starting loss of run "
                            f"{int(going[np.argmax(stop)])} overflows float64"
                        )
                    if stop_below is not None:
                        stop |= finite & (loss < stop_below)
                    stopping = bool(stop.any())
                # The gradient at every run's point, also where a run reaches `until` (its norm is recorded there).
                E *= 2.0 * scale  # Delta_2 = dL/dP
                np.einsum("mkr,mzr->kzr", H3, E, out=dW2)
                E.sum(axis=0, out=db2)
                np.einsum("mzr,kzr->mkr", E, W2, out=D1)
                A *= A
                np.subtract(1.0, A, out=A)  # tanh'(A1) = 1 - H∘H
                D1 *= H3
                np.matmul(X1_T, D1.reshape(m, k * r), out=dW1b1)
                # Each run's squares are summed down a contiguous column (of a copy in Fortran order), in the order
                # NumPy sums a contiguous axis in: the order the norms the pages show were first computed in, kept
                # to the last bit.
                norm, G = norm_rows[i], np.asfortranarray(gradient)
                np.einsum("pr,pr->r", G, G, out=norm)
                np.sqrt(norm, out=norm)
                if stopping:
                    break
            # The stretch's steps, `first` to `step`, go to the record together.
            losses[going, first : step + 1] = loss_rows[: i + 1].T
            norms[going, first : step + 1] = norm_rows[: i + 1].T
            point, before = current[0], previous[0]
            if stopping:
                ended = going[stop]
                bad = ~finite[stop]
                # A run that reached keeps this point; one that diverged, the point before.
                if bad.any():
                    losses[ended[bad], step] = losses[ended[bad], step - 1]
                    norms[ended[bad], step] = norms[ended[bad], step - 1]
                last[:, ended] = np.where(bad, before[:, stop], point[:, stop])
                stopped[ended] = np.where(bad, step - 1, step)
                diverged[ended] = bad
                reached[ended] = ~bad
                keep = ~stop
                going, point, gradient = going[keep], point[:, keep], gradient[:, keep]
            if step == steps or len(going) == 0:
                break
            point, before = point - lr * gradient, point  # the next stretch's first step
            step += 1
    last[:, going] = point
    for q in range(runs):
        losses[q, stopped[q] + 1 :] = losses[q, stopped[q]]
        norms[q, stopped[q] + 1 :] = norms[q, stopped[q]]
    W1_e, b1_e, W2_e, b2_e = (_read_only(a.copy()) for a in _columns(last.T, n, k, z))
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


def _parts(
    theta: NDArray[np.float64], n: int, k: int, z: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Views of the parameters in `theta`, of shape (n k + k + k z + z, r): [W1; b1] of shape (n + 1, k r), W2 of
    shape (k, z, r) and b2 of shape (z, r); writing into them writes into `theta`."""
    r = theta.shape[1]
    W1b1 = theta[: (n + 1) * k].reshape(n + 1, k * r)
    W2 = theta[(n + 1) * k : (n + 1 + z) * k].reshape(k, z, r)
    return W1b1, W2, theta[(n + 1 + z) * k :]


def _read_only(a: _Array) -> _Array:
    a.flags.writeable = False
    return a
