r"""The values of "The site's own additions, derived": the Hessians behind the step limit, and least squares.

Every value is computed by `nnla` (its gradients, its central differences, its descent) or by NumPy's linear
algebra, from `nnla.examples`. A Hessian is the Jacobian of the gradient, taken by `nnla.numerical_jacobian`
with a step of one: the losses are quadratic, so central differences are exact at any step, up to rounding. That
rounding can set an entry and its mirror image a float64 spacing apart, on either side of a tie at the decimals a
page shows (the batch's block has two such pairs), so a layer's Hessian is published as the symmetric part
$`(H + H^{\mathsf{T}})/2`$ of its central differences, as the page says: symmetric, like every Hessian.

The parameters of one output are a column of $`[W; \mathbf{b}]`$, $`(w_{1k}, \dots, w_{nk}, b_k)`$; the Hessians
list them output by output, so that they are block-diagonal, one block per output.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

import nnla
from nnla import examples
from nnla_essay.kinds import trace
from proven_numbers.value import Value, array, scalar

__all__ = ["derivation_values"]

#: How far above the batch's step limit the step of the trace that first falls, then diverges, is.
ABOVE_FACTOR = 1.05
#: Steps of that trace.
ABOVE_STEPS = 30
#: Eigenvalues are rounded to this many decimals: below it, float64 cannot tell these from zero.
EIGEN_DECIMALS = 12
#: The arguments of the essay's f(w) = w² where the text evaluates it.
SQUARE_ARGS = (4.0, 6.0)

Gradient = Callable[[NDArray[np.float64]], NDArray[np.float64]]


def _by_output(W: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """The parameters as one vector, output by output: the columns of [W; b], one after the other."""
    return np.vstack([W, b]).T.ravel()


def _from_output_order(theta: NDArray[np.float64], n: int, z: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    columns = theta.reshape(z, n + 1).T
    return columns[:-1], columns[-1:]


def _layer_hessian(
    X: NDArray[np.float64], W: NDArray[np.float64], b: NDArray[np.float64], T: NDArray[np.float64], reduction: str
) -> NDArray[np.float64]:
    """The Hessian of the SSE or MSE in the parameters, output by output: the symmetric part of central differences
    of nnla's gradient (each entry and its mirror image, which differ by rounding alone, replaced by their mean)."""
    n, z = W.shape

    def gradient(theta: NDArray[np.float64]) -> NDArray[np.float64]:
        dW, db = nnla.gradients(X, *_from_output_order(theta, n, z), T, reduction=reduction)
        return _by_output(dW, db)

    H = nnla.numerical_jacobian(gradient, _by_output(W, b), eps=1.0)
    return (H + H.T) / 2.0


def _eigenvalues(H: NDArray[np.float64]) -> NDArray[np.float64]:
    """The eigenvalues of a Hessian, largest first, as one row (symmetrised first; + 0.0 writes -0 as 0)."""
    return np.round(np.linalg.eigvalsh((H + H.T) / 2)[::-1], EIGEN_DECIMALS)[np.newaxis, :] + 0.0


def derivation_values() -> list[Value]:
    """The Hessians of the toy, the running example and the batch; the step limit; least squares."""
    # The toy, Z = w² + y², whose gradient is (2w, 2y).
    start = np.array(examples.TOY_START)

    def toy_gradient(point: NDArray[np.float64]) -> NDArray[np.float64]:
        return 2.0 * point

    toy_hessian = nnla.numerical_jacobian(toy_gradient, start, eps=1.0)
    toy_minimum = start - np.linalg.solve(toy_hessian, toy_gradient(start))  # one Newton step, exact for a quadratic

    # The running example, one row x.
    ex = examples.running
    x, W, b, t = ex.X, ex.W, ex.b, ex.T
    n, z = W.shape
    x_bar = np.hstack([x, np.ones((1, 1))])
    hessian = _layer_hessian(x, W, b, t, "sum")

    # The batch with its column of ones, X̄ = [X, 1].
    noisy = examples.batch_noisy
    X = noisy.X
    m = X.shape[0]
    X_bar = np.hstack([X, np.ones((m, 1))])
    batch_hessian = _layer_hessian(X, noisy.W, noisy.b, noisy.T, "mean")
    # The page says the Hessian is one block per output; the doc-test checks that against its own second
    # differences, so a wrong engine still builds and is reported with the page (tests/doccheck_derivations.py).
    block = batch_hessian[: n + 1, : n + 1]
    sigma_max = float(np.linalg.svd(X_bar, compute_uv=False)[0])
    lr_max = nnla.max_stable_lr(X, z, reduction="mean")
    above_lr = ABOVE_FACTOR * lr_max
    above = nnla.gradient_descent(X, noisy.W, noisy.b, noisy.T, lr=above_lr, steps=ABOVE_STEPS, reduction="mean")
    batch_lambda_max = 2.0 * sigma_max**2 / (m * z)

    return [
        scalar("square_arg_4", SQUARE_ARGS[0], "The first w where the text evaluates f(w) = w²."),
        scalar("square_arg_6", SQUARE_ARGS[1], "The second w where the text evaluates f(w) = w²."),
        array(
            "toy_hessian",
            toy_hessian,
            r"\nabla^2 Z",
            "The Hessian of the toy Z = w² + y²: central differences of 2(w, y).",
        ),
        array("toy_minimum", toy_minimum, r"(w, y)", "The toy's minimum: one Newton step from its start."),
        scalar("running_n", n, "The running example's number of inputs n."),
        scalar("running_z", z, "The running example's number of outputs z."),
        array(
            "deriv_a",
            x_bar,
            r"\bar{\mathbf{x}}",
            "The running example's input with a 1 appended for the bias: x̄ = [x, 1].",
        ),
        scalar("deriv_a_norm2", float((x_bar @ x_bar.T)[0, 0]), "‖x̄‖² = 1 + ‖x‖²."),
        array(
            "hessian_sse",
            hessian,
            r"\nabla^2 L",
            "The Hessian of the running example's SSE in (W, b), output by output: the symmetric part of central "
            "differences of nnla's gradient.",
        ),
        array("hessian_sse_eigenvalues", _eigenvalues(hessian), r"\lambda", "Its eigenvalues, largest first."),
        scalar("batch_m", m, "The number of examples m in the batch."),
        scalar("batch_params_per_output", n + 1, "The parameters per output, n + 1: the columns of X̄."),
        scalar("batch_rank_A", np.linalg.matrix_rank(X_bar), "The rank of X̄ = [X, 1]."),
        array(
            "batch_hessian_block",
            block,
            r"\tfrac{2}{m z} \bar{X}^{\mathsf{T}} \bar{X}",
            "One output's block of the batch MSE's Hessian: the symmetric part of central differences of nnla's "
            "gradient.",
        ),
        array(
            "batch_hessian_eigenvalues",
            _eigenvalues(block),
            r"\lambda",
            "The eigenvalues of that block, largest first; the whole Hessian has each once per output.",
        ),
        scalar("batch_sigma_max", sigma_max, "σ_max(X̄), the largest singular value of X̄ = [X, 1]."),
        scalar("batch_lambda_max", batch_lambda_max, "λ_max = 2 σ_max(X̄)² / (m z), for the batch MSE."),
        scalar("batch_sse_lambda_max", 2.0 * sigma_max**2, "λ_max = 2 σ_max(X̄)² for the batch SSE."),
        scalar("batch_above_factor", ABOVE_FACTOR, "How far above the batch's step limit the next trace steps."),
        scalar("batch_above_lr", above_lr, "A step 1.05 times the batch's limit 2/λ_max."),
        scalar(
            "batch_above_growth",
            (1.0 - above_lr * batch_lambda_max) ** 2,
            "What each such step multiplies the top eigen-direction's share of the loss by: (1 − ηλ_max)².",
        ),
        trace(
            "trace_batch_noisy_above",
            above,
            {"X": "batch_X", "W": "batch_W0", "b": "batch_b0", "T": "batch_T_noisy"},
            "Descent on the noisy batch with a step above its limit: the MSE falls at the first step, then grows.",
        ),
        scalar("batch_above_mse0", above.losses[0], "The noisy batch's MSE at the start."),
        scalar("batch_above_mse1", above.losses[1], "Its MSE after one step above the limit."),
    ]
