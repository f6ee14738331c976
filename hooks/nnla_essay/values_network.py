r"""Part III's values: XOR, the linear layer's floor on it, and a network with one hidden layer that fits it.

Every value is computed by `nnla` from `nnla.examples.xor` (the least-squares floor with `np.linalg.lstsq`). The
one-example Jacobians are those of the last corner of the square, $`\mathbf{x} = [1, 1]`$. XOR has one output,
so the loss component, last in every Jacobian, has one entry: the 3-D Jacobians are shown as that one slice.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import NDArray

import nnla
from nnla import examples
from nnla_essay.kinds import surface, trace
from proven_numbers.value import Value, array, scalar, table

__all__ = [
    "SURFACE_POINTS",
    "Params",
    "mse_hessian_eigenvalues",
    "network_values",
    "output_surface",
    "xor_descent",
    "xor_inputs",
]

#: Steps of Part II's descent of the linear layer on XOR; it reaches the floor to float64 precision.
LINEAR_STEPS = 100
#: The steps of the sweep: two too small to converge within the run's steps, four that converge, two that overflow.
SWEEP_LRS = (0.01, 0.03, 0.1, 0.3, 0.6, 0.65, 1.0, 3.0)
#: The step of the sweep whose run the page looks at closely: the largest that converges (the doc-test checks it).
SWEEP_LARGE_LR = 0.6
#: Points of the grid, on each axis, where the network's output over the input square is published.
SURFACE_POINTS = 5

Params = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]


def mse_hessian_eigenvalues(X: NDArray[np.float64], params: Params, T: NDArray[np.float64]) -> NDArray[np.float64]:
    """The eigenvalues, in increasing order, of the MSE's Hessian in all the parameters at once: central differences
    of backprop, symmetrised."""
    sizes = np.cumsum([a.size for a in params])[:-1]

    def gradient(theta: NDArray[np.float64]) -> NDArray[np.float64]:
        W1, b1, W2, b2 = (piece.reshape(a.shape) for piece, a in zip(np.split(theta, sizes), params, strict=True))
        return np.concatenate([g.ravel() for g in nnla.backprop(X, W1, b1, W2, b2, T, reduction="mean")])

    hessian = nnla.numerical_jacobian(gradient, np.concatenate([a.ravel() for a in params]))
    return np.asarray(np.linalg.eigvalsh((hessian + hessian.T) / 2), dtype=np.float64)


def _mse_hessian_lambda_max(X: NDArray[np.float64], params: Params, T: NDArray[np.float64]) -> float:
    """The largest eigenvalue of the MSE's Hessian in all the parameters at once."""
    return float(mse_hessian_eigenvalues(X, params, T)[-1])


def _largest_gap(pairs: list[tuple[NDArray[np.float64], NDArray[np.float64]]]) -> float:
    """The largest difference of any entry between each engine derivative and its central differences."""
    return max(float(np.abs(exact - np.reshape(numeric, exact.shape)).max()) for exact, numeric in pairs)


def output_surface(params: Params, grid: NDArray[np.float64]) -> NDArray[np.float64]:
    """The network's output at every (x1, x2) of the grid, x1 down the rows and x2 across the columns."""
    points = np.array([[x1, x2] for x1 in grid for x2 in grid])
    return nnla.network_forward(points, *params).P.reshape(len(grid), len(grid))


def xor_inputs() -> dict[str, str]:
    """The published names of the XOR network's batch and seeded start, the inputs of every run from it."""
    return {"X": "mlp_X", "W1": "mlp_W1", "b1": "mlp_b1", "W2": "mlp_W2", "b2": "mlp_b2", "T": "mlp_T"}


@functools.cache
def xor_descent(lr: float) -> nnla.NetworkTrace:
    """Gradient descent on XOR's MSE from the page's start, for the page's number of steps, with the step `lr`,
    computed once (cached, as `values_landscape.seed_study` is): Part III's run and sweep and the training explorer
    show some of the same runs."""
    ex = examples.xor
    return nnla.network_descent(
        ex.X, ex.W1, ex.b1, ex.W2, ex.b2, ex.T, lr=lr, steps=examples.XOR_STEPS, reduction="mean"
    )


def _last(run: nnla.NetworkTrace) -> Params:
    return run.W1[-1], run.b1[-1], run.W2[-1], run.b2[-1]


def _linear_values() -> list[Value]:
    """Why a hidden layer: the best a linear layer does on XOR, and Part II's descent finding it."""
    ex = examples.xor
    X, T = ex.X, ex.T
    m, z = T.shape
    A = np.hstack([X, np.ones((m, 1))])
    solution = np.linalg.lstsq(A, T, rcond=None)[0]
    W, b = solution[:-1], solution[-1:]
    P = nnla.forward(X, W, b)
    W0, b0 = np.zeros_like(W), np.zeros_like(b)
    lr_max = nnla.max_stable_lr(X, z, reduction="mean")
    lr = 0.9 * lr_max
    run = nnla.gradient_descent(X, W0, b0, T, lr=lr, steps=LINEAR_STEPS, reduction="mean")
    return [
        array("mlp_X", X, "X", "XOR's inputs: the four corners of the unit square, one per row."),
        array("mlp_T", T, "T", "XOR's targets: 1 where exactly one input is 1."),
        array("mlp_linear_W", W, r"W_{\mathrm{lstsq}}", "The least-squares weights of a linear layer on XOR: zero."),
        array("mlp_linear_b", b, r"\mathbf{b}_{\mathrm{lstsq}}", "The least-squares bias on XOR: the mean target."),
        array("mlp_linear_P", P, r"P_{\mathrm{lstsq}}", "The least-squares layer's predictions on XOR."),
        scalar("mlp_linear_mse", nnla.mse(T, P), "The least-squares MSE on XOR: no linear layer goes below it."),
        array("mlp_linear_W0", W0, r"W_0", "The zero weights Part II's descent on XOR starts from."),
        array("mlp_linear_b0", b0, r"\mathbf{b}_0", "The zero bias Part II's descent on XOR starts from."),
        scalar("mlp_linear_lr_max", lr_max, "2/λ_max for the linear layer's MSE on XOR: its largest stable step."),
        scalar("mlp_linear_lr", lr, "The step of Part II's descent on XOR, a little below its largest stable step."),
        trace(
            "trace_mlp_linear",
            run,
            {"X": "mlp_X", "W": "mlp_linear_W0", "b": "mlp_linear_b0", "T": "mlp_T"},
            "Part II's gradient descent of a linear layer on XOR: the MSE levels off at the least-squares floor.",
            reference="mlp_linear_mse",
            floor=True,
        ),
    ]


def _forward_values() -> list[Value]:
    """The layer stack at its seeded start."""
    ex = examples.xor
    out = nnla.network_forward(ex.X, ex.W1, ex.b1, ex.W2, ex.b2)
    return [
        scalar("mlp_k", ex.k, "The number of hidden units k of the XOR network."),
        scalar("mlp_seed", examples.XOR_SEED, "The seed of the generator that draws the XOR network's start."),
        array("mlp_W1", ex.W1, "W_1", "The hidden layer's starting weights, n × k, seeded."),
        array("mlp_b1", ex.b1, r"\mathbf{b}_1", "The hidden layer's starting bias, 1 × k, seeded."),
        array("mlp_W2", ex.W2, "W_2", "The output layer's starting weights, k × z, seeded."),
        array("mlp_b2", ex.b2, r"\mathbf{b}_2", "The output layer's starting bias, 1 × z, seeded."),
        array("mlp_A1", out.A1, "A_1", "The hidden layer's pre-activation at the start, A1 = X W1 + 1 b1."),
        array("mlp_H", out.H, "H", "The hidden activations at the start, H = tanh(A1)."),
        array("mlp_P", out.P, "P", "The network's predictions at the start, P = H W2 + 1 b2."),
        scalar("mlp_mse0", nnla.mse(ex.T, out.P), "The network's MSE on XOR at the start."),
    ]


def _jacobian_values() -> list[Value]:
    """The chain rule for one example (the last corner), each Jacobian checked against central differences."""
    ex = examples.xor
    params: Params = (ex.W1, ex.b1, ex.W2, ex.b2)
    x, t = ex.X[-1:], ex.T[-1:]
    out = nnla.network_forward(x, *params)
    s = nnla.stage_jacobians(x, *params, t)
    J_W1, J_b1, J_W2, J_b2 = nnla.network_jacobians(x, *params, t)
    dW1, db1, _, db2 = nnla.backprop(x, *params, t, reduction="sum")

    def loss_vector(*point: NDArray[np.float64]) -> NDArray[np.float64]:
        return nnla.loss_vector(t, nnla.network_forward(x, *point).P).ravel()

    def numeric(index: int) -> NDArray[np.float64]:
        def f(v: NDArray[np.float64]) -> NDArray[np.float64]:
            return loss_vector(*(v if i == index else a for i, a in enumerate(params)))

        return nnla.numerical_jacobian(f, params[index])

    a, h, p = out.A1[0], out.H[0], out.P[0]
    J_W1_numeric = numeric(0)
    gap = _largest_gap(
        [
            (s.da1_dW1, nnla.numerical_jacobian(lambda W: (x @ W + ex.b1)[0], ex.W1)),
            (s.dh_da1, nnla.numerical_jacobian(nnla.tanh, a)),
            (s.dp_dh, nnla.numerical_jacobian(lambda v: v @ ex.W2 + ex.b2[0], h)),
            (s.dl_dp, nnla.numerical_jacobian(lambda v: (t[0] - v) ** 2, p)),
            (J_W1, J_W1_numeric),
            (J_b1, numeric(1)),
            (J_W2, numeric(2)),
            (J_b2, numeric(3)),
        ]
    )
    slice_label = r"\left[\frac{{\partial \ell_1}}{{\partial {0}}}\right]_{{{1}}}"
    return [
        array("mlp_x", x, r"\mathbf{x}", "The one example of the chain rule: the last corner of the square."),
        array("mlp_t", t, r"\mathbf{t}", "Its target."),
        array("mlp_h", out.H, r"\mathbf{h}", "Its hidden row at the start."),
        array("mlp_e", t - out.P, r"\mathbf{e}", "Its error at the start."),
        array(
            "mlp_da_dW1_1",
            s.da1_dW1[0],
            r"\left[\frac{\partial a_l}{\partial (W_1)_{1j}}\right]_{j,l}",
            "Slice i = 1 of ∂a/∂W1, [i, j, l] = x_i δ_jl: the identity times x_1.",
        ),
        array(
            "mlp_da_dW1_2",
            s.da1_dW1[1],
            r"\left[\frac{\partial a_l}{\partial (W_1)_{2j}}\right]_{j,l}",
            "Slice i = 2 of ∂a/∂W1: the identity times x_2.",
        ),
        array(
            "mlp_dh_da",
            s.dh_da1,
            r"\frac{\partial \mathbf{h}}{\partial \mathbf{a}}",
            "The activation's Jacobian, [l, q] = ∂h_q/∂a_l: diagonal, diag(1 − h∘h).",
        ),
        array(
            "mlp_dp_dh",
            s.dp_dh,
            r"\frac{\partial \mathbf{p}}{\partial \mathbf{h}}",
            "The output layer's Jacobian in its input, [q, r] = ∂p_r/∂h_q: W2 itself.",
        ),
        array(
            "mlp_dl_dp",
            s.dl_dp,
            r"\frac{\partial \boldsymbol{\ell}}{\partial \mathbf{p}}",
            "The loss vector's Jacobian in the prediction, [r, c] = ∂ℓ_c/∂p_r: −2 diag(e).",
        ),
        array(
            "mlp_J_W1",
            J_W1[:, :, 0],
            slice_label.format("(W_1)_{ij}", "i,j"),
            "The chain rule's ∂ℓ/∂W1 = (∂a/∂W1)(∂h/∂a)(∂p/∂h)(∂ℓ/∂p), n × k × z, as its one slice c = 1.",
        ),
        array(
            "mlp_J_W1_numeric",
            J_W1_numeric[:, :, 0],
            r"\text{central differences: }" + slice_label.format("(W_1)_{ij}", "i,j"),
            "∂ℓ/∂W1 again, by central differences of the loss (nnla.numerical_jacobian).",
        ),
        array(
            "mlp_J_b1",
            J_b1,
            r"\frac{\partial \boldsymbol{\ell}}{\partial \mathbf{b}_1}",
            "∂ℓ/∂b1 = (∂h/∂a)(∂p/∂h)(∂ℓ/∂p), k × z.",
        ),
        array(
            "mlp_J_W2",
            J_W2[:, :, 0],
            slice_label.format("(W_2)_{qr'}", "q,r'"),
            "∂ℓ/∂W2 = (∂p/∂W2)(∂ℓ/∂p), k × z × z, as its one slice c = 1.",
        ),
        array(
            "mlp_J_b2",
            J_b2,
            r"\frac{\partial \boldsymbol{\ell}}{\partial \mathbf{b}_2}",
            "∂ℓ/∂b2 = ∂ℓ/∂p, z × z.",
        ),
        scalar(
            "mlp_jacobian_gap",
            gap,
            "The largest difference between any entry of the eight Jacobians above and its central difference.",
        ),
        array(
            "mlp_delta2",
            db2,
            r"\boldsymbol{\delta}_2",
            "δ2 = ∂L/∂p = −2e for the one example (the backward pass's db2).",
        ),
        array(
            "mlp_delta1",
            db1,
            r"\boldsymbol{\delta}_1",
            "δ1 = ∂L/∂a = (δ2 W2ᵀ)∘(1 − h∘h) for the one example (the backward pass's db1).",
        ),
        array(
            "mlp_outer_W1",
            dW1,
            r"\mathbf{x}^{\mathsf{T}} \boldsymbol{\delta}_1",
            "∂L/∂W1 for the one example by the backward pass: the outer product xᵀδ1.",
        ),
    ]


def _batch_gradient_values() -> list[Value]:
    """The backward pass on the whole batch, at the start."""
    ex = examples.xor
    params: Params = (ex.W1, ex.b1, ex.W2, ex.b2)
    m, z = ex.T.shape
    grads = nnla.backprop(ex.X, *params, ex.T, reduction="mean")
    # Row r of Delta is example r's delta (its backward pass's db) scaled by the mean's 1/(m z).
    rows = [nnla.backprop(ex.X[r], *params, ex.T[r], reduction="sum") for r in range(m)]
    D1 = np.vstack([row[1] for row in rows]) / (m * z)
    D2 = np.vstack([row[3] for row in rows]) / (m * z)

    def mse_in(index: int) -> NDArray[np.float64]:
        def f(v: NDArray[np.float64]) -> float:
            point = [v if i == index else a for i, a in enumerate(params)]
            return nnla.mse(ex.T, nnla.network_forward(ex.X, *point).P)

        return nnla.numerical_jacobian(f, params[index])

    gap = _largest_gap([(g, mse_in(i)) for i, g in enumerate(grads)])
    label = r"\frac{{\partial\, \mathrm{{MSE}}}}{{\partial {0}}}"
    return [
        array("mlp_D2", D2, r"\Delta_2", "Δ2 = ∂MSE/∂P = −2E/(m z) at the start, one row per example."),
        array("mlp_D1", D1, r"\Delta_1", "Δ1 = ∂MSE/∂A1 = (Δ2 W2ᵀ)∘(1 − H∘H) at the start."),
        array("mlp_grad_W1", grads[0], label.format("W_1"), "The gradient of the batch MSE in W1 at the start."),
        array("mlp_grad_b1", grads[1], label.format(r"\mathbf{b}_1"), "The gradient of the batch MSE in b1."),
        array("mlp_grad_W2", grads[2], label.format("W_2"), "The gradient of the batch MSE in W2."),
        array("mlp_grad_b2", grads[3], label.format(r"\mathbf{b}_2"), "The gradient of the batch MSE in b2."),
        scalar("mlp_gradient_gap", gap, "The largest difference between those gradients and central differences."),
    ]


def _training_values() -> list[Value]:
    """Gradient descent on the network, its output over the square, and which steps converge."""
    ex = examples.xor
    X, T = ex.X, ex.T
    params: Params = (ex.W1, ex.b1, ex.W2, ex.b2)
    run = xor_descent(examples.XOR_LR)
    A = np.hstack([X, np.ones((len(X), 1))])
    floor = nnla.mse(T, A @ np.linalg.lstsq(A, T, rcond=None)[0])
    grid = np.linspace(0.0, 1.0, SURFACE_POINTS)
    end = _last(run)
    overflowed: list[float] = []

    sweep, ends = [], {}
    for number, lr in enumerate(SWEEP_LRS):
        attempt = xor_descent(lr)
        sweep.append((number, lr, len(attempt.losses) - 1, attempt.losses[-1]))
        ends[lr] = _last(attempt)
        if attempt.diverged:
            overflowed.append(lr)
    lambda_start = _mse_hessian_lambda_max(X, params, T)
    return [
        scalar("mlp_lr", run.lr, "The step η of gradient descent on the XOR network's MSE."),
        scalar("mlp_steps", len(run.losses) - 1, "The number of steps it takes."),
        trace(
            "mlp_trace",
            run,
            xor_inputs(),
            "The network's MSE on XOR at each step of gradient descent, above the linear layer's floor.",
            reference="mlp_linear_mse",
        ),
        scalar("mlp_mse_final", run.losses[-1], "The network's MSE after the last step."),
        scalar(
            "mlp_below_floor_step",
            int(np.argmax(run.losses < floor)),
            "The first step at which the network's MSE is below the linear layer's floor.",
        ),
        array("mlp_P_final", nnla.network_forward(X, *end).P, r"P^{*}", "The trained network's predictions."),
        array("mlp_surface_x", grid, r"\text{grid}", "The grid, on each axis, of the output over the square."),
        surface(
            "mlp_surface_before",
            output_surface(params, grid),
            grid,
            r"p(x_1, x_2)",
            "The network's output over the input square at the start (x1 down, x2 across).",
        ),
        surface(
            "mlp_surface_after",
            output_surface(end, grid),
            grid,
            r"p^{*}(x_1, x_2)",
            "The trained network's output over the input square (x1 down, x2 across).",
        ),
        scalar("mlp_lambda_start", lambda_start, "The largest eigenvalue of the MSE's Hessian at the start."),
        scalar("mlp_lr_bound_start", 2.0 / lambda_start, "2/λ_max at the start: the quadratic picture's bound."),
        table(
            "mlp_lr_sweep",
            sweep,
            ("run", r"step size $`\eta`$", "steps run", "final MSE"),
            "Descent from the same start with several steps: runs that overflow stop early.",
        ),
        scalar("mlp_lr_first_diverged", min(overflowed), "The smallest step of the sweep whose run overflows."),
        scalar("mlp_lr_large", SWEEP_LARGE_LR, "The largest step of the sweep whose run converges."),
        scalar("mlp_lambda_end", _mse_hessian_lambda_max(X, end, T), "λ_max of the Hessian where training ends."),
        scalar("mlp_lr_edge", 2.0 / run.lr, "2/η for the training run's step."),
        scalar(
            "mlp_lambda_end_large",
            _mse_hessian_lambda_max(X, ends[SWEEP_LARGE_LR], T),
            "λ_max of the Hessian where the run with that large step ends.",
        ),
        scalar("mlp_lr_edge_large", 2.0 / SWEEP_LARGE_LR, "2/η for that large step."),
    ]


def network_values() -> list[Value]:
    """Every value of Part III, in the order the page meets them."""
    return [
        *_linear_values(),
        *_forward_values(),
        *_jacobian_values(),
        *_batch_gradient_values(),
        *_training_values(),
    ]
