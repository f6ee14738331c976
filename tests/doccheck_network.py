r"""Part III as a doc-test: every value of the hidden-layer page, recomputed here from formulas written here.

``doccheck.check_site`` runs `check` on every built site, and ``doccheck.every_value_is_recomputed`` counts the
names in `RECOMPUTED` as recomputed. Nothing here calls nnla: the activation ($`\tanh`$ from ``expm1``), the
forward pass, the $`\delta`$'s and outer products of the backward pass, the Jacobians entry by entry, central
differences, the Hessian and gradient descent are all written out below, from the inputs the page publishes (the
XOR batch, the seeded start, the step sizes). Every problem names the page a value is shown on.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

import doccheck
import numpy as np

if TYPE_CHECKING:
    from doccheck import Published, Site

#: The page this module checks, as built, and the page it follows.
PAGE, PREVIOUS = "part-3/index.html", "part-2/index.html"
#: Central differences: the step, and how far they may be from an exact derivative (truncation is of order
#: step² times the third derivative, rounding of order 1e-16 / step).
NUMDIFF_STEP, NUMDIFF_ATOL = 1e-6, 1e-7
#: The Hessian's eigenvalues, each side from central differences of its own gradient, agree to this.
HESSIAN_RTOL = 1e-6
#: Descent re-run here, with its own tanh and its own sums, agrees with the published losses to this.
TRACE_RTOL, TRACE_ATOL = 1e-7, 1e-12
#: A run of the step sweep "converges" when its MSE ends below this; the page calls it reaching zero.
CONVERGED_MSE = 1e-6
#: The digits of the start: the page says it is rounded to two decimals.
START_DECIMALS = 2

Params = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]

#: Names the page shows that are chosen, not derived; `start_is_what_the_page_says` checks them otherwise.
CHOSEN = {
    "mlp_X",
    "mlp_T",
    "mlp_seed",
    "mlp_W1",
    "mlp_b1",
    "mlp_W2",
    "mlp_b2",
    "mlp_lr",
    "mlp_steps",
    "mlp_surface_x",
    "mlp_lr_large",
    "mlp_study_runs",
    "mlp_study_seed_first",
    "mlp_study_steps",
    "mlp_study_mse",
}
#: Names recomputed to float64 agreement by `exact_recomputations`.
EXACT = {
    "mlp_k",
    "mlp_A1",
    "mlp_H",
    "mlp_P",
    "mlp_mse0",
    "mlp_linear_W",
    "mlp_linear_b",
    "mlp_linear_P",
    "mlp_linear_mse",
    "mlp_linear_W0",
    "mlp_linear_b0",
    "mlp_linear_lr_max",
    "mlp_linear_lr",
    "mlp_x",
    "mlp_t",
    "mlp_h",
    "mlp_e",
    "mlp_da_dW1_1",
    "mlp_da_dW1_2",
    "mlp_dh_da",
    "mlp_dp_dh",
    "mlp_dl_dp",
    "mlp_J_W1",
    "mlp_J_b1",
    "mlp_J_W2",
    "mlp_J_b2",
    "mlp_delta2",
    "mlp_delta1",
    "mlp_outer_W1",
    "mlp_D2",
    "mlp_D1",
    "mlp_grad_W1",
    "mlp_grad_b1",
    "mlp_grad_W2",
    "mlp_grad_b2",
    "mlp_surface_before",
    "mlp_lr_edge",
    "mlp_study_seed_last",
    "mlp_study_half",
    "mlp_study_start_gradient",
}
#: Names recomputed by central differences or by re-running descent, each to its own tolerance.
APPROXIMATE = {
    "mlp_J_W1_numeric",
    "mlp_jacobian_gap",
    "mlp_gradient_gap",
    "mlp_trace",
    "mlp_mse_final",
    "mlp_below_floor_step",
    "mlp_P_final",
    "mlp_surface_after",
    "mlp_lambda_start",
    "mlp_lr_bound_start",
    "mlp_lr_sweep",
    "mlp_lr_first_diverged",
    "mlp_lambda_end",
    "mlp_lambda_end_large",
    "mlp_lr_edge_large",
    "mlp_study_reached_short",
    "mlp_study_reached",
    "mlp_study_stuck",
    "mlp_study_stuck_seeds",
    "mlp_study_stuck_low",
    "mlp_study_stuck_high",
    "mlp_study_stuck_seed",
    "mlp_study_stuck_P",
    "mlp_study_stuck_gradient",
    # doccheck_landscape's, beside the seed study's above
    "mlp_study_beside",
    "mlp_hessian_size",
    "mlp_hessian_negative_start",
    "mlp_lambda_min_start",
}
#: The worked example with distinct inputs, recomputed by `doccheck_worked` (its chosen input and target first).
WORKED = {
    "mlp_distinct_x",
    "mlp_distinct_t",
    "mlp_distinct_da_dW1_1",
    "mlp_distinct_da_dW1_2",
    "mlp_distinct_delta1",
    "mlp_distinct_J_W1",
    "mlp_distinct_ratio",
}
#: Every name of the page that this module accounts for (the linear layer's trace is re-run by doccheck).
RECOMPUTED = CHOSEN | EXACT | APPROXIMATE | WORKED

Check = Callable[["Site"], list[str]]


# ------------------------------------------------------------------------------------ the network, written out


def tanh(A: np.ndarray) -> np.ndarray:
    r"""$`\tanh(a) = (e^{a} - e^{-a}) / (e^{a} + e^{-a})`$, written with $`u = e^{-2|a|} - 1`$ so it never overflows."""
    u = np.expm1(-2.0 * np.abs(A))
    H: np.ndarray = np.sign(A) * -u / (2.0 + u)
    return H


def forward(X: np.ndarray, params: Params) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A1 = X W1 + 1 b1, H = tanh(A1), P = H W2 + 1 b2."""
    W1, b1, W2, b2 = params
    A1 = X @ W1 + b1
    H = tanh(A1)
    return A1, H, H @ W2 + b2


def mse(X: np.ndarray, params: Params, T: np.ndarray) -> float:
    E = T - forward(X, params)[2]
    return float(np.sum(E * E) / E.size)


def deltas(X: np.ndarray, params: Params, T: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Delta_2 = dL/dP = -2 scale E and Delta_1 = dL/dA1 = (Delta_2 W2^T) o (1 - H o H)."""
    _, H, P = forward(X, params)
    D2 = -2.0 * scale * (T - P)
    return D2, (D2 @ params[2].T) * (1.0 - H * H)


def gradients(X: np.ndarray, params: Params, T: np.ndarray, scale: float) -> Params:
    """dW1 = X^T Delta_1, db1 = 1^T Delta_1, dW2 = H^T Delta_2, db2 = 1^T Delta_2: outer products, summed."""
    H = forward(X, params)[1]
    D2, D1 = deltas(X, params, T, scale)
    return X.T @ D1, D1.sum(axis=0, keepdims=True), H.T @ D2, D2.sum(axis=0, keepdims=True)


#: Descents re-run in this process, by their exact inputs (each array's shape and bytes, the step, the steps):
#: several checks re-run the same descent, and a break-it test's copy mostly shows the runs the session's build
#: shows. A pure function of its key, so an entry is what a re-run would give; its points are read-only.
_DESCENTS: dict[tuple[Any, ...], tuple[list[float], list[Params]]] = {}


def descend(X: np.ndarray, params: Params, T: np.ndarray, lr: float, steps: int) -> tuple[list[float], list[Params]]:
    """Gradient descent on the MSE; stops before the first point whose loss or parameters are not finite."""
    key = (*tuple((a.shape, a.dtype.str, a.tobytes()) for a in map(np.asarray, (X, *params, T))), lr, steps)
    if key not in _DESCENTS:
        losses, points = _descend(X, tuple(np.array(a) for a in params), T, lr, steps)  # type: ignore[arg-type]
        for point in points:
            for a in point:
                a.flags.writeable = False
        _DESCENTS[key] = losses, points
    losses, points = _DESCENTS[key]
    return list(losses), list(points)


def _descend(X: np.ndarray, params: Params, T: np.ndarray, lr: float, steps: int) -> tuple[list[float], list[Params]]:
    losses, points = [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps + 1):
            loss = mse(X, params, T)
            if not (math.isfinite(loss) and all(np.isfinite(a).all() for a in params)):
                break
            losses.append(loss)
            points.append(params)
            if step == steps:
                break
            grads = gradients(X, params, T, 1.0 / T.size)
            params = tuple(a - lr * g for a, g in zip(params, grads, strict=True))  # type: ignore[assignment]
    return losses, points


def batch_mse(X: np.ndarray, params: Params, T: np.ndarray, index: int, value: np.ndarray) -> float:
    """The batch MSE as a function of one parameter, the others held at `params`."""
    return mse(X, with_param(params, index, value), T)


def central_differences(f: Callable[[np.ndarray], Any], a: np.ndarray) -> np.ndarray:
    """J[alpha, beta] = (f(a + h e_alpha) - f(a - h e_alpha))_beta / 2h, the point's indices first."""
    a = np.asarray(a, dtype=np.float64)
    f0 = np.asarray(f(a), dtype=np.float64)
    J = np.zeros(a.shape + f0.shape)
    for alpha in np.ndindex(a.shape):
        up, down = a.copy(), a.copy()
        up[alpha] += NUMDIFF_STEP
        down[alpha] -= NUMDIFF_STEP
        J[alpha] = (np.asarray(f(up)) - np.asarray(f(down))) / (up[alpha] - down[alpha])
    return J


def with_param(params: Params, index: int, value: np.ndarray) -> Params:
    replaced = list(params)
    replaced[index] = value
    return tuple(replaced)  # type: ignore[return-value]


def hessian_lambda_max(X: np.ndarray, params: Params, T: np.ndarray) -> float:
    """The largest eigenvalue of the MSE's Hessian in all the parameters: central differences of the gradient."""
    sizes = [a.size for a in params]
    flat = np.concatenate([a.ravel() for a in params])

    def gradient(theta: np.ndarray) -> np.ndarray:
        pieces = np.split(theta, np.cumsum(sizes)[:-1])
        point = tuple(piece.reshape(a.shape) for piece, a in zip(pieces, params, strict=True))
        return np.concatenate([g.ravel() for g in gradients(X, point, T, 1.0 / T.size)])  # type: ignore[arg-type]

    hessian = central_differences(gradient, flat)
    return float(np.linalg.eigvalsh((hessian + hessian.T) / 2.0).max())


# ------------------------------------------------------------------------------------- the page's values again


def example(p: Published) -> tuple[np.ndarray, Params, np.ndarray]:
    """The XOR batch and the seeded start, as the page publishes them."""
    params = tuple(doccheck.array(p, name) for name in ("mlp_W1", "mlp_b1", "mlp_W2", "mlp_b2"))
    return doccheck.array(p, "mlp_X"), params, doccheck.array(p, "mlp_T")  # type: ignore[return-value]


def one_example_jacobians(x: np.ndarray, params: Params, t: np.ndarray) -> dict[str, np.ndarray]:
    """Each stage's Jacobian and the chain's, entry by entry from the formulas of the page (loss index last)."""
    W1, W2 = params[0], params[2]
    _, h, p = (v[0] for v in forward(x, params))
    e = t[0] - p
    n, k = W1.shape
    z = W2.shape[1]
    da_dW1 = np.zeros((n, k, k))
    J_W1 = np.zeros((n, k, z))
    J_W2 = np.zeros((k, z, z))
    for i, j, c in itertools.product(range(n), range(k), range(z)):
        J_W1[i, j, c] = x[0, i] * (1.0 - h[j] ** 2) * W2[j, c] * (-2.0 * e[c])
    for i, j in itertools.product(range(n), range(k)):
        da_dW1[i, j, j] = x[0, i]
    for q, j in itertools.product(range(k), range(z)):
        J_W2[q, j, j] = -2.0 * e[j] * h[q]
    return {
        "da_dW1": da_dW1,
        "dh_da": np.diag(1.0 - h * h),
        "dp_dh": W2,
        "dl_dp": np.diag(-2.0 * e),
        "J_W1": J_W1,
        "J_b1": np.array([[(1.0 - h[j] ** 2) * W2[j, c] * (-2.0 * e[c]) for c in range(z)] for j in range(k)]),
        "J_W2": J_W2,
        "J_b2": np.diag(-2.0 * e),
    }


def linear_floor(X: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """The least-squares linear layer, from the normal equations (A^T A) s = A^T T with A = [X, 1]."""
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    solution = np.linalg.solve(A.T @ A, A.T @ T)
    residual = T - A @ solution
    return solution[:-1], solution[-1:], float(np.sum(residual**2)) / T.size


def surface(params: Params, grid: np.ndarray) -> np.ndarray:
    """The network's output at (grid[r], grid[c]): x1 down the rows, x2 across the columns."""
    points = np.array([[x1, x2] for x1 in grid for x2 in grid])
    return forward(points, params)[2].reshape(len(grid), len(grid))


def exact_recomputations(p: Published) -> dict[str, Callable[[], Any]]:
    """For each name in `EXACT`, how to compute it again from the published inputs, to float64 agreement."""
    X, params, T = example(p)
    W1 = params[0]
    m, z = T.shape
    A1, H, P = forward(X, params)
    x, t = X[-1:], T[-1:]
    J = one_example_jacobians(x, params, t)
    W_lin, b_lin, floor = linear_floor(X, T)
    A = np.hstack([X, np.ones((m, 1))])
    linear_lr_max = m * z / np.linalg.norm(A, 2) ** 2  # 2 / lambda_max with lambda_max = 2 sigma_max(A)^2 / (m z)
    delta2, delta1 = deltas(x, params, t, 1.0)
    D2, D1 = deltas(X, params, T, 1.0 / (m * z))
    grads = gradients(X, params, T, 1.0 / (m * z))
    return {
        "mlp_k": lambda: W1.shape[1],
        "mlp_A1": lambda: A1,
        "mlp_H": lambda: H,
        "mlp_P": lambda: P,
        "mlp_mse0": lambda: mse(X, params, T),
        "mlp_linear_W": lambda: W_lin,
        "mlp_linear_b": lambda: b_lin,
        "mlp_linear_P": lambda: A @ np.vstack([W_lin, b_lin]),
        "mlp_linear_mse": lambda: floor,
        "mlp_linear_W0": lambda: np.zeros_like(W_lin),
        "mlp_linear_b0": lambda: np.zeros_like(b_lin),
        "mlp_linear_lr_max": lambda: linear_lr_max,
        "mlp_linear_lr": lambda: 0.9 * linear_lr_max,  # "a little below the limit", as Part II's batch step
        "mlp_x": lambda: x,
        "mlp_t": lambda: t,
        "mlp_h": lambda: H[-1:],
        "mlp_e": lambda: t - P[-1:],
        "mlp_da_dW1_1": lambda: J["da_dW1"][0],
        "mlp_da_dW1_2": lambda: J["da_dW1"][1],
        "mlp_dh_da": lambda: J["dh_da"],
        "mlp_dp_dh": lambda: J["dp_dh"],
        "mlp_dl_dp": lambda: J["dl_dp"],
        "mlp_J_W1": lambda: J["J_W1"][:, :, 0],  # XOR's one loss component, c = 1
        "mlp_J_b1": lambda: J["J_b1"],
        "mlp_J_W2": lambda: J["J_W2"][:, :, 0],
        "mlp_J_b2": lambda: J["J_b2"],
        "mlp_delta2": lambda: delta2,
        "mlp_delta1": lambda: delta1,
        "mlp_outer_W1": lambda: np.outer(x, delta1),
        "mlp_D2": lambda: D2,
        "mlp_D1": lambda: D1,
        "mlp_grad_W1": lambda: grads[0],
        "mlp_grad_b1": lambda: grads[1],
        "mlp_grad_W2": lambda: grads[2],
        "mlp_grad_b2": lambda: grads[3],
        "mlp_surface_before": lambda: surface(params, doccheck.array(p, "mlp_surface_x")),
        "mlp_lr_edge": lambda: 2.0 / p["mlp_lr"],
        "mlp_study_seed_last": lambda: p["mlp_study_seed_first"] + p["mlp_study_runs"] - 1,
        "mlp_study_half": lambda: 2 * 0.5**2 / T.size,  # exact at two corners, an error of 1/2 at the other two
        "mlp_study_start_gradient": lambda: math.sqrt(sum(float(np.sum(g * g)) for g in grads)),
    }


def compare(site: Site, name: str, expected: Any, rtol: float, atol: float) -> list[str]:
    if name not in site.published:
        return [f"{name} is not on {PAGE}"]
    message = doccheck.mismatch(
        lambda: np.testing.assert_allclose(
            np.asarray(site.published[name], dtype=np.float64), expected, rtol=rtol, atol=atol, err_msg=name
        )
    )
    return [f"{name} (on {site.where(name)}) differs from its recomputation: {message}"] if message else []


def compare_losses(site: Site, name: str, losses: list[float]) -> list[str]:
    """A published trace's losses against a re-run's."""
    published = site.published.get(name)
    if not isinstance(published, dict) or "losses" not in published:
        return [f"{name} is not a trace on {PAGE}"]
    message = doccheck.mismatch(
        lambda: np.testing.assert_allclose(published["losses"], losses, rtol=TRACE_RTOL, atol=TRACE_ATOL, err_msg=name)
    )
    return [f"{name} (on {site.where(name)}) differs from its recomputation: {message}"] if message else []


# ------------------------------------------------------------------------------------------------- the checks


def part_3_is_built_after_part_2(site: Site) -> list[str]:
    """The page is built with its article, comes after Part II in the navigation, and Part II links to it."""
    if PAGE not in site.soups or not site.soups[PAGE].find("article"):
        return [f"{PAGE} is missing or has no article"]
    problems = []
    previous = site.soups.get(PREVIOUS)
    footer = previous.select_one("a.md-footer__link--next") if previous else None
    if footer is None or "part-3/" not in str(footer.get("href", "")):
        problems.append(f"{PREVIOUS}: its 'next' link does not lead to {PAGE}: put Part III after Part II in the nav")
    article = previous.find("article") if previous else None
    if article is None or not article.select('a[href*="part-3/"]'):
        problems.append(f"{PREVIOUS}: its text does not link to {PAGE}")
    return problems


def values_match_recomputation(site: Site) -> list[str]:
    """Every derived value of the page equals its recomputation from the formulas written here."""
    problems = []
    for name, again in exact_recomputations(site.published).items():
        problems += compare(site, name, again(), doccheck.RTOL, doccheck.ATOL)
    return problems


def jacobians_match_central_differences(site: Site) -> list[str]:
    """Every Jacobian and gradient on the page is the derivative of the loss, by central differences done here."""
    p = site.published
    X, params, T = example(p)
    W1, b1, W2, b2 = params
    x, t = X[-1:], T[-1:]
    a = (x @ W1 + b1)[0]
    h = tanh(a)
    p_one = h @ W2 + b2[0]

    def loss_vector(point: Params) -> np.ndarray:
        ell: np.ndarray = (t - forward(x, point)[2])[0] ** 2
        return ell

    def numeric(index: int) -> np.ndarray:
        return central_differences(lambda v: loss_vector(with_param(params, index, v)), params[index])

    J_W1, J_b1, J_W2, J_b2 = (numeric(i) for i in range(4))
    expected = {
        "mlp_da_dW1_1": central_differences(lambda W: (x @ W + b1)[0], W1)[0],
        "mlp_da_dW1_2": central_differences(lambda W: (x @ W + b1)[0], W1)[1],
        "mlp_dh_da": central_differences(tanh, a),
        "mlp_dp_dh": central_differences(lambda v: v @ W2 + b2[0], h),
        "mlp_dl_dp": central_differences(lambda v: (t[0] - v) ** 2, p_one),
        "mlp_J_W1": J_W1[:, :, 0],
        "mlp_J_W1_numeric": J_W1[:, :, 0],
        "mlp_J_b1": J_b1[0],
        "mlp_J_W2": J_W2[:, :, 0],
        "mlp_J_b2": J_b2[0],
    }
    for index, name in enumerate(("mlp_grad_W1", "mlp_grad_b1", "mlp_grad_W2", "mlp_grad_b2")):
        expected[name] = central_differences(partial(batch_mse, X, params, T, index), params[index])
    problems = []
    for name, numbers in expected.items():
        problems += compare(site, name, numbers, NUMDIFF_ATOL, NUMDIFF_ATOL)
    for gap in ("mlp_jacobian_gap", "mlp_gradient_gap"):
        if not 0.0 <= p.get(gap, math.inf) < NUMDIFF_ATOL:
            problems.append(
                f"{gap} (on {site.where(gap)}) is {p.get(gap)!r}: the page says the engine's derivatives and central "
                f"differences agree, so it must be below {NUMDIFF_ATOL}"
            )
    return problems


def training_reruns(site: Site) -> list[str]:
    """Descent re-run here from the seeded start gives the page's trace, final loss, predictions and surface."""
    p = site.published
    X, params, T = example(p)
    losses, points = descend(X, params, T, p["mlp_lr"], int(p["mlp_steps"]))
    problems = []
    if len(losses) != int(p["mlp_steps"]) + 1:
        problems.append(f"mlp_trace: the re-run stopped after {len(losses) - 1} of {p['mlp_steps']} steps")
    trace = p.get("mlp_trace", {})
    start = {"X": "mlp_X", "W1": "mlp_W1", "b1": "mlp_b1", "W2": "mlp_W2", "b2": "mlp_b2", "T": "mlp_T"}
    run = (trace.get("lr"), trace.get("steps"), trace.get("reduction"), trace.get("inputs"), trace.get("diverged"))
    if run != (p["mlp_lr"], p["mlp_steps"], "mean", start, False):
        problems.append(f"mlp_trace (on {site.where('mlp_trace')}) is not the MSE run from the seeded start: {run}")
    problems += compare_losses(site, "mlp_trace", losses)
    problems += compare(site, "mlp_mse_final", losses[-1], TRACE_RTOL, TRACE_ATOL)
    problems += compare(site, "mlp_P_final", forward(X, points[-1])[2], TRACE_RTOL, 1e-9)
    problems += compare(site, "mlp_surface_after", surface(points[-1], doccheck.array(p, "mlp_surface_x")), 1e-7, 1e-9)
    floor = linear_floor(X, T)[2]
    problems += compare(site, "mlp_below_floor_step", next(s for s, v in enumerate(losses) if v < floor), 0.0, 0.0)
    problems += compare(site, "mlp_lambda_end", hessian_lambda_max(X, points[-1], T), HESSIAN_RTOL, 0.0)
    return problems


def step_sweep_reruns(site: Site) -> list[str]:
    """Each run of the step sweep, re-run here; the Hessian at the start, and where the large step's run ends."""
    p = site.published
    X, params, T = example(p)
    steps = int(p["mlp_steps"])
    where = f"mlp_lr_sweep (on {site.where('mlp_lr_sweep')})"
    sweep = np.asarray(p["mlp_lr_sweep"], dtype=np.float64)
    if sweep.ndim != 2 or sweep.shape[1] != 4:
        return [f"{where}: a table of run, step, steps run and MSE at the end; got shape {sweep.shape}"]
    problems, ends = [], {}
    for run, (number, lr, steps_run, last) in enumerate(sweep.tolist()):
        losses, points = descend(X, params, T, lr, steps)
        if (number, steps_run) != (run, len(losses) - 1):
            problems.append(
                f"{where}, row {run}: says run {number:g} ran {steps_run:g} steps; re-run, {len(losses) - 1}"
            )
        elif len(losses) == steps + 1:
            ends[lr] = points[-1]
            if not math.isclose(last, losses[-1], rel_tol=TRACE_RTOL, abs_tol=TRACE_ATOL):
                problems.append(f"{where}, run {run}: its MSE at the end is {last!r}; re-run, {losses[-1]!r}")
        # A run that overflows stops somewhere near float64's limit, where a re-run's own rounding takes it.
        elif not last > 1e300:
            problems.append(f"{where}, run {run}: it overflowed, but its last MSE is {last!r}")
    overflowed = [lr for lr in sweep[:, 1] if lr not in ends]
    problems += compare(site, "mlp_lr_first_diverged", min(overflowed, default=math.nan), 0.0, 0.0)
    large = p["mlp_lr_large"]
    if large not in ends:
        problems.append(f"mlp_lr_large (on {site.where('mlp_lr_large')}): a re-run with its step {large!r} overflows")
    else:
        problems += compare(site, "mlp_lambda_end_large", hessian_lambda_max(X, ends[large], T), HESSIAN_RTOL, 0.0)
    problems += compare(site, "mlp_lr_edge_large", 2.0 / large, doccheck.RTOL, 0.0)
    start = hessian_lambda_max(X, params, T)
    problems += compare(site, "mlp_lambda_start", start, HESSIAN_RTOL, 0.0)
    problems += compare(site, "mlp_lr_bound_start", 2.0 / start, HESSIAN_RTOL, 0.0)
    return problems


def start_is_what_the_page_says(site: Site) -> list[str]:
    """XOR's batch is XOR; the start is NumPy's generator with the page's seed, rounded to two decimals."""
    p = site.published
    X, params, T = example(p)
    problems = []
    corners = np.array(list(itertools.product([0.0, 1.0], repeat=2)))
    if not (np.array_equal(X, corners) and np.array_equal(T[:, 0], np.logical_xor(X[:, 0], X[:, 1]))):
        problems.append(f"mlp_X and mlp_T (on {site.where('mlp_X')}) are not XOR on the four corners of the square")
    rng = np.random.default_rng(int(p["mlp_seed"]))
    n, k, z = X.shape[1], params[0].shape[1], T.shape[1]
    drawn = [rng.normal(size=shape).round(START_DECIMALS) for shape in ((n, k), (1, k), (k, z), (1, z))]
    for name, mine, theirs in zip(("mlp_W1", "mlp_b1", "mlp_W2", "mlp_b2"), drawn, params, strict=True):
        if not np.array_equal(mine, theirs):
            problems.append(f"{name} (on {site.where(name)}) is not the seeded draw the page says it is")
    grid = doccheck.array(p, "mlp_surface_x")
    if not (grid[0] == 0.0 and grid[-1] == 1.0 and np.all(np.diff(grid) > 0)):
        problems.append(f"mlp_surface_x (on {site.where('mlp_surface_x')}) does not run across the square")
    return problems


def behaves_as_the_page_says(site: Site) -> list[str]:
    """The sentences of the page that describe the numbers, asserted from the published values."""
    p = site.published
    floor = p["mlp_linear_mse"]
    linear = p["trace_mlp_linear"]["losses"]
    before, after = doccheck.array(p, "mlp_surface_before"), doccheck.array(p, "mlp_surface_after")
    sweep = np.asarray(p["mlp_lr_sweep"])
    steps = p["mlp_steps"]
    finished = sweep[:, 2] == steps
    converged = finished & (sweep[:, 3] < CONVERGED_MSE)
    slow = finished & ~converged
    large = p["mlp_lr_large"]
    expectations = [
        (floor == 0.25 or math.isclose(floor, 0.25, rel_tol=1e-12), f"the linear floor is 0.25, not {floor!r}"),
        (np.abs(doccheck.array(p, "mlp_linear_W")).max() < 1e-12, "the least-squares weights are zero"),
        (np.allclose(doccheck.array(p, "mlp_linear_P"), doccheck.array(p, "mlp_T").mean()), "it predicts the mean"),
        (math.isclose(linear[-1], floor, rel_tol=1e-9), "Part II's descent on XOR ends at the floor"),
        (min(linear) >= floor * (1 - 1e-12), "Part II's descent on XOR never goes below the floor"),
        (p["trace_mlp_linear"]["inputs"]["X"] == "mlp_X", "Part II's descent runs on XOR's batch"),
        (p["mlp_linear_lr"] < p["mlp_linear_lr_max"], "the linear step is below its limit"),
        (p["mlp_mse0"] > floor, "the network starts worse than the linear floor"),
        (p["mlp_mse_final"] < CONVERGED_MSE, "training takes the MSE close to zero"),
        (np.abs(doccheck.array(p, "mlp_P_final") - doccheck.array(p, "mlp_T")).max() < 0.01, "it predicts XOR"),
        (divmod(int(before.argmin()), before.shape[1]) == (0, before.shape[1] - 1), "before: lowest at (0, 1)"),
        (
            divmod(int(before.argmax()), before.shape[1]) in {(before.shape[0] - r, c) for r in (1, 2) for c in (0, 1)},
            "before: highest near (1, 0)",
        ),
        (np.diag(after).max() < 0.25, "after: low all along the diagonal from (0, 0) to (1, 1)"),
        (min(after[0, -1], after[-1, 0]) > 0.99, "after: near 1 at the corners where the inputs differ"),
        (np.all(np.diff(sweep[:, 1]) > 0), "the sweep's steps grow down the table"),
        (
            "".join("s" if a else "c" if b else "o" for a, b in zip(slow, converged, strict=True))
            in {"s" * i + "c" * j + "o" * (len(sweep) - i - j) for i in range(2, 8) for j in range(1, 8)},
            "the smallest steps (two or more) are slow, the middle ones converge, the largest ones overflow",
        ),
        (np.all(sweep[slow, 3] < p["mlp_mse0"]), "the smallest steps are on their way down"),
        (large > p["mlp_lr_bound_start"], "the largest converging step exceeds the start bound"),
        (
            p["mlp_lr_first_diverged"] == min(sweep[~finished, 1], default=math.nan),
            "mlp_lr_first_diverged is the first that overflows",
        ),
        (p["mlp_lambda_end"] < p["mlp_lr_edge"], "the training run ends where lambda_max < 2/eta"),
        (
            large == max(sweep[converged, 1], default=math.nan),
            "mlp_lr_large is the largest step of the sweep that converges",
        ),
        (p["mlp_lambda_end_large"] < p["mlp_lr_edge_large"], "that step's run ends where lambda_max < 2/eta"),
        (p["mlp_lambda_end_large"] > 0.9 * p["mlp_lr_edge_large"], "that step's run ends just below 2/eta"),
    ]
    return [f"{PAGE}: '{what}' does not hold" for holds, what in expectations if not holds]


#: Numbers the page may write by hand because they are not results: each pattern allows the numbers inside its
#: match, as in ``doccheck.PROSE_ALLOWED``.
PROSE_ALLOWED = {
    r"\banswers 1 when exactly one of them is 1\b": "what XOR is",
    r"\bthe first sum to be 0 and the second to be 2\b": "what XOR asks of the two sums",
    r"\bthat should both give 1\b": "XOR's target at the two corners where the inputs differ",
    r"\b1×[nkz]\b": "a shape: one row of n, k or z entries",
    r"\bnote 17\b": "a reference to Part II's note",
    r"\bboth inputs of this corner are 1\b": "the corner [1, 1], shown as mlp_x",
    r"\bhas entries 0 or 1\b": "XOR's inputs are bits",
    r"\bwhere that factor is 1\b": "the corner [1, 1], shown as mlp_x",
}
#: The same for the page's own formulas, outside subscripts and superscripts (0, 1 and 2 are always allowed).
TEX_ALLOWED: dict[str, str] = {}


def numbers_in_prose_are_accounted_for(site: Site) -> list[str]:
    """Every number in the page's prose and formulas is computed, a checked claim, or allowed above."""
    return doccheck.unaccounted_numbers(site, PAGE, PROSE_ALLOWED, TEX_ALLOWED)


def every_value_of_the_page_is_on_it(site: Site) -> list[str]:
    """Each name this module checks is shown on Part III."""
    return [
        f"{name} is not shown on {PAGE} (it is on {site.where(name)})"
        for name in sorted(RECOMPUTED | {"trace_mlp_linear"})
        if PAGE not in site.pages_of.get(name, [])
    ]


def math_is_typeset(site: Site) -> list[str]:
    """No formula is left as source: a dollar sign outside math and code means inline math that did not parse
    (such as one split over two lines), which Markdown then shows as code between two dollar signs."""
    if PAGE not in site.soups:
        return [f"{PAGE} is missing"]
    article = doccheck.article_of(site, PAGE)
    if article is None:
        return [f"{PAGE} has no article"]
    doccheck.without(article, ".katex, pre, script, style")
    text = " ".join(article.text(deep=True, separator=" ").split())
    return [
        f"{PAGE}: a formula is not typeset (…{text[max(0, m.start() - 60) : m.end() + 60]}…)"
        for m in re.finditer(r"\$", text)
    ]


#: Every check of Part III, by name, in the order `check` runs them.
CHECKS: dict[str, Check] = {
    check.__name__: check
    for check in (
        part_3_is_built_after_part_2,
        every_value_of_the_page_is_on_it,
        start_is_what_the_page_says,
        values_match_recomputation,
        jacobians_match_central_differences,
        training_reruns,
        step_sweep_reruns,
        behaves_as_the_page_says,
        numbers_in_prose_are_accounted_for,
        math_is_typeset,
    )
}


def check(site: Site) -> list[str]:
    """Run every check of Part III on a read site (these, `doccheck_worked`'s, its worked example with distinct inputs,
    and `doccheck_landscape`'s, its last section's); each problem is prefixed with ``part-3`` and the check's name."""
    import doccheck_landscape  # they read this module's helpers: imported here, when all are loaded
    import doccheck_worked

    return doccheck.run_checks({**CHECKS, **doccheck_worked.CHECKS, **doccheck_landscape.CHECKS}, site, "part-3 ")
