r"""The registry of named values the pages show, all computed by `nnla` from `nnla.examples`.

A page names a value in a marker (`<!-- nnla:W -->`); the proven-numbers plugin calls `compute_all` (mkdocs.yml's
``values``) and looks the name up in what it returns. Nothing on a page is typed in by hand: what the reader sees
is one of these values, or a claim the build checks against one.

Each value is made by `proven_numbers.value`'s `scalar`, `array` and `table`, or by the essay's own kinds'
`tensor` and `trace` (`nnla_essay.kinds`), which say what shape of data it is and so how a page can show it.
"""

from __future__ import annotations

import functools
import platform
import types
from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import NDArray

import nnla
from nnla import examples
from nnla_essay.kinds import tensor, trace
from nnla_essay.values_derivations import derivation_values
from nnla_essay.values_explorers import explorer_values
from nnla_essay.values_landscape import landscape_values
from nnla_essay.values_network import network_values
from nnla_essay.values_worked import worked_values
from proven_numbers.value import TableValue, Value, array, scalar, table

__all__ = ["Value", "about", "compute_all"]

#: The step size of the single update the pages show in full.
UPDATE_LR = 0.05
#: Steps of each loss trace of the running example; the literal rule stops earlier, when it overflows.
TRACE_STEPS = 12
#: The literal rule is run until float64 overflows, which takes about 140 steps.
LITERAL_STEPS = 400
#: A step above the stable range for the running example (its bound is 1/7).
ABOVE_LR = 0.15
#: The step of the toy descent that converges (it converges for any step below 1).
TOY_LR = 0.25
#: Steps of the batch traces.
BATCH_STEPS = 200


def _running_values() -> list[Value]:
    ex = examples.running
    x, W, b, t = ex.X, ex.W, ex.b, ex.T
    z = W.shape[1]
    p = nnla.forward(x, W, b)
    e = t - p
    J_b = nnla.jacobian_bias(x, W, b, t)
    J_W = nnla.jacobian_weights(x, W, b, t)
    dW, db = nnla.gradients(x, W, b, t, reduction="sum")
    W_next, b_next = nnla.update(x, W, b, t, UPDATE_LR, reduction="sum")
    lr_max = nnla.max_stable_lr(x, z, reduction="sum")
    inputs = {"X": "x", "W": "W", "b": "b", "T": "t"}

    literal = nnla.gradient_descent(x, W, b, t, lr=1.0, steps=LITERAL_STEPS, reduction="sum")
    e_after_one = t - nnla.forward(x, literal.W[1], literal.b[1])

    return [
        array("x", x, r"\mathbf{x}", "The running example's input, one row of n features."),
        array("W", W, r"W", "The running example's weight matrix, n × z."),
        array("b", b, r"\mathbf{b}", "The running example's bias, one row of z."),
        array("t", t, r"\mathbf{t}", "The running example's target."),
        array("xW", nnla.forward(x, W, np.zeros_like(b)), r"\mathbf{x}W", "The product xW, before the bias."),
        array("p", p, r"\mathbf{p}", "The prediction p = xW + b."),
        array("e", e, r"\mathbf{e}", "The error e = t − p."),
        array("loss_vector", nnla.loss_vector(t, p), r"\boldsymbol{\ell}", "The loss vector ℓ = e∘e."),
        scalar("sse", nnla.sse(t, p), "The sum of squared errors, the sum of the loss vector."),
        scalar("mse", nnla.mse(t, p), "The mean squared error, SSE / z."),
        array(
            "jacobian_bias",
            J_b,
            r"\left[\frac{\partial \ell_k}{\partial b_j}\right]_{j,k}",
            "The Jacobian of the loss vector with respect to the bias, [j, k] = ∂ℓ_k/∂b_j.",
        ),
        array(
            "grad_bias",
            db,
            r"\frac{\partial\, \mathrm{SSE}}{\partial \mathbf{b}}",
            "The gradient of the SSE with respect to b: the Jacobian summed over k.",
        ),
        tensor(
            "jacobian_weights",
            J_W,
            "The 'Jacobian tensor' of the loss vector with respect to W, [i, j, k] = ∂ℓ_k/∂w_ij.",
        ),
        array(
            "grad_weights",
            dW,
            r"\frac{\partial\, \mathrm{SSE}}{\partial W}",
            "The gradient of the SSE with respect to W: the tensor summed over k, −2xᵀe.",
        ),
        scalar("jw_entries", J_W.size, "How many entries the Jacobian tensor has: n·z²."),
        scalar("jw_nonzeros", np.count_nonzero(J_W), "How many of them are nonzero: n·z, all at j = k."),
        scalar("lr", UPDATE_LR, "The step size of the update shown in full."),
        array("W_next", W_next, r"W^{*}", "W after one gradient-descent step on the SSE with step lr."),
        array("b_next", b_next, r"\mathbf{b}^{*}", "b after the same step."),
        scalar("sse_next", nnla.sse(t, nnla.forward(x, W_next, b_next)), "The SSE after that step."),
        scalar("lr_max", lr_max, "2/λ_max for the SSE of the running example: the largest stable step."),
        scalar("lambda_max", 2.0 / lr_max, "The largest eigenvalue of the SSE's Hessian in (W, b)."),
        scalar("lr_half", lr_max / 2, "Half the largest stable step, which here reaches zero loss in one step."),
        scalar(
            "literal_factor",
            float(e_after_one[0, 0] / e[0, 0]),
            "What one step of the essay's literal rule (a unit step on the SSE) multiplies the error e by.",
        ),
        scalar(
            "literal_growth",
            float(literal.losses[1] / literal.losses[0]),
            "What one literal step multiplies the SSE by.",
        ),
        scalar("trace_literal_sse1", literal.losses[1], "The SSE after one literal step."),
        scalar("trace_literal_sse2", literal.losses[2], "The SSE after two literal steps."),
        scalar(
            "trace_literal_overflow_step",
            len(literal.losses),
            "The step at which the literal rule's SSE overflows float64.",
        ),
        trace("trace_literal", literal, inputs, "The essay's literal rule: a unit step on the SSE. It diverges."),
        trace(
            "trace_stable",
            nnla.gradient_descent(x, W, b, t, lr=lr_max / 2, steps=TRACE_STEPS, reduction="sum"),
            inputs,
            "Gradient descent on the SSE with step lr_max / 2: zero loss after one step.",
        ),
        trace(
            "trace_boundary",
            nnla.gradient_descent(x, W, b, t, lr=lr_max, steps=TRACE_STEPS, reduction="sum"),
            inputs,
            "Gradient descent on the SSE with step lr_max: the loss oscillates and never falls.",
        ),
        scalar("lr_above", ABOVE_LR, "A step just above the largest stable step, for the trace that diverges."),
        trace(
            "trace_above",
            nnla.gradient_descent(x, W, b, t, lr=ABOVE_LR, steps=TRACE_STEPS * 4, reduction="sum"),
            inputs,
            "Gradient descent on the SSE with a step just above lr_max: the loss grows.",
        ),
    ]


def _batch_values() -> list[Value]:
    consistent, noisy = examples.batch_consistent, examples.batch_noisy
    X, W0, b0 = consistent.X, consistent.W, consistent.b
    m, z = consistent.T.shape
    lr_max = nnla.max_stable_lr(X, z, reduction="mean")
    lr = 0.9 * lr_max
    A = np.hstack([X, np.ones((m, 1))])
    solution = np.linalg.lstsq(A, noisy.T, rcond=None)[0]
    W_lstsq, b_lstsq = solution[:-1], solution[-1:]
    lstsq_mse = nnla.mse(noisy.T, nnla.forward(X, W_lstsq, b_lstsq))

    return [
        array("batch_X", X, "X", "The batch's inputs: m rows of n features, drawn from the seeded generator."),
        array("batch_T", consistent.T, "T", "A consistent target: exactly X W_true + b_true."),
        array("batch_T_noisy", noisy.T, r"\tilde{T}", "A noisy target: the consistent one plus seeded noise."),
        array("batch_W0", W0, r"W_0", "The starting weights of the batch traces."),
        array("batch_b0", b0, r"\mathbf{b}_0", "The starting bias of the batch traces."),
        scalar("batch_lr_max", lr_max, "2/λ_max for the batch MSE: the largest stable step."),
        scalar("batch_lr", lr, "The step the batch traces use, a little below the largest stable step."),
        scalar("batch_lstsq_mse", lstsq_mse, "The least-squares residual MSE of the noisy batch (lstsq)."),
        array("batch_W_lstsq", W_lstsq, r"W_{\mathrm{lstsq}}", "The least-squares weights for the noisy batch."),
        array(
            "batch_b_lstsq",
            b_lstsq,
            r"\mathbf{b}_{\mathrm{lstsq}}",
            "The least-squares bias for the noisy batch.",
        ),
        trace(
            "trace_batch",
            nnla.gradient_descent(X, W0, b0, consistent.T, lr=lr, steps=BATCH_STEPS, reduction="mean"),
            {"X": "batch_X", "W": "batch_W0", "b": "batch_b0", "T": "batch_T"},
            "Gradient descent on the batch MSE with a consistent target: the loss goes to zero.",
        ),
        trace(
            "trace_batch_noisy",
            nnla.gradient_descent(X, W0, b0, noisy.T, lr=lr, steps=BATCH_STEPS, reduction="mean"),
            {"X": "batch_X", "W": "batch_W0", "b": "batch_b0", "T": "batch_T_noisy"},
            "Gradient descent on the batch MSE with a noisy target: it settles on the least-squares residual.",
            reference="batch_lstsq_mse",
            floor=True,
        ),
    ]


def _toy_values() -> list[Value]:
    w0, y0 = examples.TOY_START
    columns = ("step", "value of $`w`$", "value of $`y`$", "loss $`Z`$")

    def descent(name: str, lr: float, steps: int, swapped: bool, description: str) -> TableValue:
        rows = examples.toy_descent(w0, y0, lr, steps, swapped=swapped)
        numbered = np.column_stack([np.arange(len(rows), dtype=np.float64), rows])
        return table(name, numbered, columns, description)

    def toy_gradient(point: NDArray[np.float64]) -> NDArray[np.float64]:
        return 2.0 * point  # ∇(w² + y²), the essay's two partial derivatives

    hessian = nnla.numerical_jacobian(toy_gradient, np.array([w0, y0]))
    swapped = examples.toy_descent(w0, y0, 1.0, 1, swapped=True)
    return [
        array("toy_start", np.array([w0, y0]), r"(w, y)", "The toy's starting point."),
        scalar("toy_Z0", swapped[0, 2], "Z = w² + y² at the starting point."),
        descent("toy_swapped", 1.0, 3, True, "The essay's swapped rule with a unit step: Z goes up."),
        scalar("toy_swapped_Z1", swapped[1, 2], "Z after one step of the swapped rule."),
        descent("toy_unit", 1.0, 4, False, "The corrected rule with a unit step: it oscillates, Z stays put."),
        scalar("toy_lr", TOY_LR, "The step of the converging toy descent."),
        descent("toy_step", TOY_LR, 8, False, "The corrected rule with a quarter step: it converges."),
        scalar(
            "toy_lr_bound",
            2.0 / float(np.linalg.eigvalsh(hessian).max()),
            "The toy converges iff 0 < η < this bound, 2/λ_max of its Hessian (computed numerically).",
        ),
    ]


def _derivative_values() -> list[Value]:
    def square(w: NDArray[np.float64]) -> NDArray[np.float64]:
        return w**2

    slope = nnla.numerical_jacobian(square, np.array([4.0]))
    unsquared_e = np.array([[1.0, -1.0]])
    return [
        scalar("square_at_4", square(np.array(4.0)), "f(w) = w² at w = 4."),
        scalar("square_at_5", square(np.array(5.0)), "f(w) = w² at w = 5."),
        scalar("square_at_6", square(np.array(6.0)), "f(w) = w² at w = 6."),
        scalar("square_diff", square(np.array(5.0)) - square(np.array(4.0)), "f(5) − f(4): one unit more w."),
        scalar("square_slope_at_4", slope[0, 0], "The derivative 2w at w = 4, by central differences."),
        array("unsquared_e", unsquared_e, r"\mathbf{e}", "An error vector whose unsquared mean is zero."),
        scalar("unsquared_loss", float(unsquared_e.mean()), "The essay's unsquared 'MSE' of that error."),
        scalar("squared_mse", nnla.mse(unsquared_e, np.zeros_like(unsquared_e)), "Its real MSE."),
    ]


_SECTIONS: tuple[Callable[[], list[Value]], ...] = (
    _running_values,
    _batch_values,
    _toy_values,
    _derivative_values,
    derivation_values,
    network_values,
    worked_values,
    landscape_values,
    explorer_values,
)


@functools.cache
def compute_all() -> Mapping[str, Value]:
    """Compute every named value once.

    Returns:
        A read-only mapping from name to `Value`, in the order the pages meet them.

    Raises:
        ValueError: two values share a name.
    """
    registry: dict[str, Value] = {}
    for section in _SECTIONS:
        for value in section():
            if value.name in registry:
                raise ValueError(f"two values are named {value.name!r}")
            registry[value.name] = value
    return types.MappingProxyType(registry)


def about() -> dict[str, object]:
    """What values.json says about the build before its values: the engine's version, NumPy's, Python's, and the
    seed of the examples."""
    return {
        "nnla": nnla.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "seed": examples.SEED,
    }
