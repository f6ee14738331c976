r"""Gradient descent on the linear layer: one step, a whole run, and the largest step that converges."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnla import _checks
from nnla.jacobians import _checked_gradients, _gradients


def _batch(
    X: ArrayLike, W: ArrayLike, b: ArrayLike, T: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    X, W, b = _checks.layer(X, W, b)
    T = _checks.targets(T, (X.shape[0], W.shape[1]), "T", f"X of shape {X.shape} and W of shape {W.shape}")
    return X, W, b, T


def update(
    X: ArrayLike, W: ArrayLike, b: ArrayLike, T: ArrayLike, lr: float, reduction: str = "sum"
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Take one step of gradient descent on the SSE (or the MSE).

    ```math
    W^{*} = W - \eta \frac{\partial L}{\partial W}, \qquad b^{*} = b - \eta \frac{\partial L}{\partial b}
    ```

    with $`\eta`$ the learning rate `lr` and $`L`$ the SSE or the MSE (see `gradients`). The essay's rule is
    this with $`\eta = 1`$ and the SSE.

    Args:
        X: inputs, array of shape (m, n); a 1-D array of length n is one row.
        W: weights, array of shape (n, z).
        b: bias, array of shape (1, z) or (z,).
        T: targets, array of shape (m, z); a 1-D array of length z is one row.
        lr: the learning rate $`\eta`$, a finite number greater than 0.
        reduction: "sum" to descend the SSE, "mean" to descend the MSE.

    Returns:
        `(W_next, b_next)`: new arrays of shapes (n, z) and (1, z).

    Raises:
        ValueError: if a shape does not fit the convention, an entry is not finite or too large for float64,
            the learning rate is not greater than 0, the reduction is unknown, or a gradient or the step
            overflows float64.
        TypeError: if an argument is not an array of real numbers or is a masked array, or `lr` is not a
            real number.
    """
    X, W, b, T = _batch(X, W, b, T)
    lr = _checks.positive(lr, "lr")
    dW, db = _checked_gradients(X, W, b, T, _checks.reduction(reduction), "update")
    with _checks.quiet():
        W_next, b_next = W - lr * dW, b - lr * db
    inputs = {"X": X, "W": W, "b": b, "T": T, "lr": lr}
    _checks.finite_result(W_next, "update: W - lr dW", inputs)
    _checks.finite_result(b_next, "update: b - lr db", inputs)
    return W_next, b_next


@dataclass(frozen=True, eq=False)
class Trace:
    r"""The record of a run of gradient descent (immutable; its arrays are read-only).

    Attributes:
        losses: the loss before each step and after the last, array of shape (k,): `steps + 1` values,
            fewer if the run diverged. Every value is finite.
        W: the weights at each of those points, array of shape (k, n, z).
        b: the bias at each of those points, array of shape (k, 1, z).
        diverged: whether the run stopped early because the loss or a parameter stopped being finite.
        lr: the learning rate $`\eta`$.
        reduction: "sum" (the loss is the SSE) or "mean" (the MSE).
    """

    losses: NDArray[np.float64]
    W: NDArray[np.float64]
    b: NDArray[np.float64]
    diverged: bool
    lr: float
    reduction: str


def _loss(
    X: NDArray[np.float64],
    W: NDArray[np.float64],
    b: NDArray[np.float64],
    T: NDArray[np.float64],
    reduction: str,
) -> float:
    E = T - (X @ W + b)
    total = float((E * E).sum())  # the same sum as loss.sse, so the two agree to the last bit
    return total if reduction == "sum" else total / E.size


def _read_only(values: list[float] | list[NDArray[np.float64]], shape: tuple[int, ...]) -> NDArray[np.float64]:
    a = np.array(values, dtype=np.float64).reshape(shape)
    a.flags.writeable = False
    return a


def gradient_descent(
    X: ArrayLike, W: ArrayLike, b: ArrayLike, T: ArrayLike, lr: float, steps: int, reduction: str = "sum"
) -> Trace:
    r"""Run gradient descent from `(W, b)` for `steps` steps, recording the loss and the parameters.

    Each step is `update`: $`W \leftarrow W - \eta\, \partial L / \partial W`$ and
    $`b \leftarrow b - \eta\, \partial L / \partial b`$, with $`L`$ the SSE or the MSE. It converges from
    every start exactly when $`0 < \eta <`$ `max_stable_lr(X, z, reduction)`; at or above that bound, a start
    whose distance to the minimum has a component along the top eigen-direction of the loss's Hessian does not
    converge (a start already at the minimum stays there). The run stops at the first step whose loss or
    parameters are not finite (an overflow) and sets `diverged`; that step is left out, so the trace never
    holds NaN or infinity.

    Work and memory are bounded: at most `nnla.MAX_STEPS` ($`10^6`$) steps, each about $`3 m n z`$
    multiply-adds, and a trace of at most `nnla.MAX_ENTRIES` ($`2^{27}`$) numbers, $`1 + n z + z`$ a point.
    A longer run is several calls, each starting from the last one's `trace.W[-1]` and `trace.b[-1]`.

    Args:
        X: inputs, array of shape (m, n); a 1-D array of length n is one row.
        W: starting weights, array of shape (n, z).
        b: starting bias, array of shape (1, z) or (z,).
        T: targets, array of shape (m, z); a 1-D array of length z is one row.
        lr: the learning rate $`\eta`$, a finite number greater than 0.
        steps: the number of steps, an integer from 0 to `nnla.MAX_STEPS`.
        reduction: "sum" to descend the SSE, "mean" to descend the MSE.

    Returns:
        A `Trace` with `steps + 1` points (fewer if the run diverged; none if the starting loss itself
        overflows).

    Raises:
        ValueError: if a shape does not fit the convention, an entry is not finite or too large for float64,
            the learning rate is not greater than 0, `steps` is negative or above `nnla.MAX_STEPS`, the trace
            would hold more than `nnla.MAX_ENTRIES` numbers, or the reduction is unknown.
        TypeError: if an argument is not an array of real numbers or is a masked array, `lr` is not a real
            number or `steps` is not an integer.

    Examples:
        >>> trace = gradient_descent([1, 2, -1], [[0.5, -1], [0.25, 0.5], [1, 0]], [0.1, -0.2], [1, 2],
        ...                          lr=1, steps=2)
        >>> trace.losses.round(2).tolist()
        [5.65, 954.85, 161369.65]
    """
    X, W, b, T = _batch(X, W, b, T)
    lr = _checks.positive(lr, "lr")
    steps = _checks.steps(steps)
    _checks.trace("gradient_descent", steps, {"W": W.size, "b": b.size}, "trace.W[-1], trace.b[-1]")
    reduction = _checks.reduction(reduction)
    losses: list[float] = []
    Ws: list[NDArray[np.float64]] = []
    bs: list[NDArray[np.float64]] = []
    diverged = False
    with _checks.quiet():  # overflow is the divergence this function reports
        for step in range(steps + 1):
            if step > 0:
                dW, db = _gradients(X, W, b, T, reduction)
                W, b = W - lr * dW, b - lr * db
            loss = _loss(X, W, b, T, reduction)
            if not (np.isfinite(loss) and np.isfinite(W).all() and np.isfinite(b).all()):
                diverged = True
                break
            losses.append(loss)
            Ws.append(W)
            bs.append(b)
    n, z = W.shape
    return Trace(
        losses=_read_only(losses, (len(losses),)),
        W=_read_only(Ws, (len(Ws), n, z)),
        b=_read_only(bs, (len(bs), 1, z)),
        diverged=diverged,
        lr=lr,
        reduction=reduction,
    )


def max_stable_lr(X: ArrayLike, z: int, reduction: str = "sum") -> float:
    r"""The learning rate at and above which gradient descent on the linear layer stops converging.

    The loss is quadratic in $`(W, b)`$. With $`A = [X, \mathbf{1}]`$ of shape (m, n + 1), its Hessian is
    $`2 (A^\top A \otimes I_z)`$ for the SSE and that divided by $`m z`$ for the MSE, so its largest
    eigenvalue is

    ```math
    \begin{aligned}
    \lambda_{\max} &= 2 \sigma_{\max}(A)^2 \ \text{(SSE)}, \qquad
    \lambda_{\max} = \frac{2 \sigma_{\max}(A)^2}{m z} \ \text{(MSE)}, \\
    \eta_{\max} &= \frac{2}{\lambda_{\max}}
    \end{aligned}
    ```

    with $`\sigma_{\max}(A)`$ the largest singular value of $`A`$. Each step multiplies the component of
    the parameters' distance to a minimum along an eigenvector of eigenvalue $`\lambda`$ by
    $`1 - \eta \lambda`$, so gradient descent converges from every start iff $`0 < \eta < \eta_{\max}`$.
    The Hessian is never built. For one example and the SSE, $`\lambda_{\max} = 2 (1 + \lVert x \rVert^2)`$.

    Args:
        X: inputs, array of shape (m, n); a 1-D array of length n is one row.
        z: the number of outputs, an integer at least 1 (it matters only for the MSE).
        reduction: "sum" for the SSE, "mean" for the MSE.

    Returns:
        $`2 / \lambda_{\max}`$.

    Raises:
        ValueError: if `X` is not a non-empty matrix of finite numbers float64 can hold, `z` is less than 1,
            the reduction is unknown, or $`\lambda_{\max}`$ or $`2 / \lambda_{\max}`$ overflows float64
            (as it does once $`\sigma_{\max}(A)`$ passes $`10^{154}`$ for the SSE).
        TypeError: if `X` is not an array of real numbers or is a masked array, or `z` is not an integer.

    Examples:
        >>> round(1 / max_stable_lr([1, 2, -1], z=2), 12)
        7.0
    """
    X = _checks.as_rows(X, "X")
    z = _checks.count(z, "z", minimum=1)
    reduction = _checks.reduction(reduction)
    m = X.shape[0]
    A = np.hstack([X, np.ones((m, 1))])
    with _checks.quiet():
        sigma_max = float(np.linalg.norm(A, 2))
    inputs = {"X": X, "z": z}
    try:  # Python floats: ** raises OverflowError where * gives inf
        square = sigma_max**2
    except OverflowError:
        square = math.inf
    _checks.finite_result(square, "max_stable_lr: σ_max([X, 1])²", inputs)
    try:
        lam_max = 2 * square if reduction == "sum" else 2 * square / (m * z)
    except OverflowError:  # m z is an int too large for a float
        raise ValueError(
            f"max_stable_lr: m z = {_checks.describe(m * z)} overflows float64 for X of shape {X.shape} "
            f"and z = {_checks.describe(z)}"
        ) from None
    formula = "2 σ_max([X, 1])²" + ("" if reduction == "sum" else " / (m z)")
    _checks.finite_result(lam_max, f"max_stable_lr: λ_max = {formula}", inputs)
    lr = 2 / lam_max  # lam_max >= 2 / (m z) > 0: sigma_max(A) >= 1, as A has a column of ones
    _checks.finite_result(lr, "max_stable_lr: 2 / λ_max", inputs)
    return lr
