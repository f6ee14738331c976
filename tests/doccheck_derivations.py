r"""The derivations page as a doc-test: its Hessians, eigenvalues, limits and traces, recomputed here.

``doccheck.check_site`` runs `check` on every built site, and ``doccheck.every_value_is_recomputed`` counts the
names in `RECOMPUTED` as recomputed. Nothing here calls nnla: the Hessians are written in closed form
($`I_z \otimes 2\mathbf{a}^{\mathsf{T}}\mathbf{a}`$, one block per output) and checked again by second differences
of a loss written here, the eigenvalues come from singular values or from the closed form, and descent is re-run
step by step, all from the inputs the pages publish (the running example and the batch).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import doccheck
import numpy as np
import pytest

if TYPE_CHECKING:
    from doccheck import Published, Site

#: The page this module checks, as built, and the page whose notes link to it.
PAGE, LINKED_FROM = "derivations/index.html", "part-2/index.html"
#: The places of the page that Part II's notes link to.
ANCHORS = ("hessian", "running-hessian", "step-limit", "batch", "above-the-limit", "least-squares", "literal-rule")
#: Second differences of a quadratic loss are exact at any step; with a step of one, rounding stays below this.
SECOND_DIFFERENCE_ATOL = 1e-9
#: After its first steps the trace above the limit grows by (1 − ηλ_max)² a step, to this relative tolerance.
GROWTH_RTOL = 1e-6

#: Names the pages show that are chosen, not derived; `chosen_values_are_what_the_pages_say` checks them.
CHOSEN = {"square_arg_4", "square_arg_6", "batch_above_factor"}
#: Names recomputed to float64 agreement by `recompute`.
EXACT = {
    "toy_hessian",
    "toy_minimum",
    "running_n",
    "running_z",
    "deriv_a",
    "deriv_a_norm2",
    "hessian_sse",
    "hessian_sse_eigenvalues",
    "batch_m",
    "batch_params_per_output",
    "batch_rank_A",
    "batch_hessian_block",
    "batch_hessian_eigenvalues",
    "batch_sigma_max",
    "batch_lambda_max",
    "batch_sse_lambda_max",
    "batch_above_lr",
    "batch_above_growth",
    "batch_above_mse0",
    "batch_above_mse1",
}
#: Every name this module accounts for (its trace, trace_batch_noisy_above, is re-run by doccheck).
RECOMPUTED = CHOSEN | EXACT
#: The names shown on the derivations page itself (the others are on Part I and Part II).
ON_PAGE = EXACT - {"toy_minimum", "running_n", "running_z"} | {"batch_above_factor", "trace_batch_noisy_above"}

Check = Callable[["Site"], list[str]]


def _batch(p: Published) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    X, T = doccheck.array(p, "batch_X"), doccheck.array(p, "batch_T_noisy")
    W0, b0 = doccheck.array(p, "batch_W0"), doccheck.array(p, "batch_b0")
    return X, T, W0, b0, np.hstack([X, np.ones((X.shape[0], 1))])


def recompute(p: Published) -> dict[str, Callable[[], Any]]:
    """For each derived name of the page, how to compute it again from the published inputs."""
    x, W = doccheck.array(p, "x"), doccheck.array(p, "W")
    n, z = W.shape
    a = np.hstack([x, [[1.0]]])
    norm2 = float(np.sum(a * a))
    X, T, W0, b0, A = _batch(p)
    m = X.shape[0]
    singular = np.linalg.svd(A, compute_uv=False)  # largest first
    sigma = float(singular[0])
    lam = 2.0 * sigma**2 / (m * z)
    above_lr = p["batch_above_factor"] * (2.0 / lam)
    E0 = T - (X @ W0 + b0)
    W1 = W0 + above_lr * 2.0 / (m * z) * X.T @ E0
    b1 = b0 + above_lr * 2.0 / (m * z) * E0.sum(axis=0, keepdims=True)
    E1 = T - (X @ W1 + b1)
    return {
        "toy_hessian": lambda: 2.0 * np.eye(2),  # Z = w² + y²
        "toy_minimum": lambda: np.zeros(2),
        "running_n": lambda: n,
        "running_z": lambda: z,
        "deriv_a": lambda: a,
        "deriv_a_norm2": lambda: 1.0 + float(np.sum(x * x)),
        "hessian_sse": lambda: np.kron(np.eye(z), 2.0 * a.T @ a),
        "hessian_sse_eigenvalues": lambda: [[2.0 * norm2] * z + [0.0] * (n * z)],
        "batch_m": lambda: m,
        "batch_params_per_output": lambda: n + 1,
        "batch_rank_A": lambda: int(np.sum(singular > singular[0] * max(A.shape) * np.finfo(float).eps)),
        "batch_hessian_block": lambda: 2.0 / (m * z) * A.T @ A,
        "batch_hessian_eigenvalues": lambda: [2.0 * singular**2 / (m * z)],
        "batch_sigma_max": lambda: sigma,
        "batch_lambda_max": lambda: lam,
        "batch_sse_lambda_max": lambda: 2.0 * sigma**2,
        "batch_above_lr": lambda: above_lr,
        "batch_above_growth": lambda: (1.0 - above_lr * lam) ** 2,
        "batch_above_mse0": lambda: float(np.sum(E0 * E0)) / (m * z),
        "batch_above_mse1": lambda: float(np.sum(E1 * E1)) / (m * z),
    }


def _second_differences(loss: Callable[[np.ndarray], float], theta: np.ndarray) -> np.ndarray:
    """The Hessian of a quadratic `loss` at `theta` by second differences with a step of one, exact for a quadratic."""
    size = theta.size
    H = np.empty((size, size))
    basis = np.eye(size)
    for i, j in itertools.product(range(size), repeat=2):
        u, v = basis[i], basis[j]
        H[i, j] = (loss(theta + u + v) - loss(theta + u - v) - loss(theta - u + v) + loss(theta - u - v)) / 4.0
    return H


def _layer_loss(X: np.ndarray, T: np.ndarray, n: int, z: int, scale: float) -> Callable[[np.ndarray], float]:
    """The SSE (scale 1) or MSE of a linear layer, of the parameters listed output by output: columns of [W; b]."""

    def loss(theta: np.ndarray) -> float:
        columns = theta.reshape(z, n + 1).T
        E = T - (X @ columns[:-1] + columns[-1:])
        return float(np.sum(E * E)) * scale

    return loss


def _compare(site: Site, name: str, expected: Any, rtol: float, atol: float) -> list[str]:
    if name not in site.published:
        return [f"{name} is on no page"]
    message = doccheck.mismatch(
        lambda: np.testing.assert_allclose(
            np.asarray(site.published[name], dtype=np.float64), expected, rtol=rtol, atol=atol, err_msg=name
        )
    )
    return [f"{name} (on {site.where(name)}) differs from its recomputation: {message}"] if message else []


# ------------------------------------------------------------------------------------------------- the checks


def the_page_is_built_and_linked(site: Site) -> list[str]:
    """The page is built with its article and every place Part II's notes link to; Part II links to each."""
    article = site.soups[PAGE].find("article") if PAGE in site.soups else None
    if article is None:
        return [f"{PAGE} is missing or has no article"]
    problems = [f"{PAGE} has no place #{anchor}" for anchor in ANCHORS if not article.find(id=anchor)]
    source = site.soups.get(LINKED_FROM)
    links = {str(a.get("href", "")) for a in source.select('article a[href*="derivations/"]')} if source else set()
    for anchor in ANCHORS[1:]:  # the first, the Hessian of the toy, is linked from Part II's note 11 as well
        if not any(href.endswith(f"#{anchor}") for href in links):
            problems.append(f"{LINKED_FROM} does not link to {PAGE}#{anchor}")
    return problems


def every_value_of_the_page_is_on_it(site: Site) -> list[str]:
    """Each name this page derives is shown on it."""
    return [
        f"{name} is not shown on {PAGE} (it is on {site.where(name)})"
        for name in sorted(ON_PAGE)
        if PAGE not in site.pages_of.get(name, [])
    ]


def chosen_values_are_what_the_pages_say(site: Site) -> list[str]:
    """The chosen numbers: f(w) = w² at the w's Part II names, and a step above the limit."""
    p = site.published
    expectations = [
        (p["square_at_4"] == p["square_arg_4"] ** 2, "square_at_4 is f(w) = w² at square_arg_4"),
        (p["square_at_6"] == p["square_arg_6"] ** 2, "square_at_6 is f(w) = w² at square_arg_6"),
        (p["batch_above_factor"] > 1.0, "batch_above_factor puts the step above the limit"),
    ]
    return [f"{what} does not hold" for holds, what in expectations if not holds]


def values_match_recomputation(site: Site) -> list[str]:
    """Every derived value of the page equals its recomputation from the formulas written here."""
    problems: list[str] = []
    for name, again in recompute(site.published).items():
        problems += _compare(site, name, again(), doccheck.RTOL, doccheck.ATOL)
    return problems


def hessians_are_second_derivatives(site: Site) -> list[str]:
    """The running example's and the batch's Hessians are the second differences of their losses, written here."""
    p = site.published
    x, W, b, t = (doccheck.array(p, name) for name in ("x", "W", "b", "t"))
    n, z = W.shape
    sse = _second_differences(_layer_loss(x, t, n, z, 1.0), np.vstack([W, b]).T.ravel())
    X, T, W0, b0, _ = _batch(p)
    mse = _second_differences(_layer_loss(X, T, n, z, 1.0 / T.size), np.vstack([W0, b0]).T.ravel())
    problems = _compare(site, "hessian_sse", sse, 0.0, SECOND_DIFFERENCE_ATOL)
    problems += _compare(site, "batch_hessian_block", mse[: n + 1, : n + 1], 0.0, SECOND_DIFFERENCE_ATOL)
    if not np.allclose(mse, np.kron(np.eye(z), mse[: n + 1, : n + 1]), rtol=0.0, atol=SECOND_DIFFERENCE_ATOL):
        problems.append(f"the batch MSE's Hessian is not one block per output, as {PAGE} says")
    return problems


def hessians_are_symmetric(site: Site) -> list[str]:
    """Every Hessian the page prints is symmetric to the last bit, as it says every Hessian is: no entry and its
    mirror image can round apart at the decimals shown."""
    problems = []
    for name in ("toy_hessian", "hessian_sse", "batch_hessian_block"):
        if name not in site.published:
            problems.append(f"{name} is on no page")
            continue
        H = doccheck.array(site.published, name)
        if not np.array_equal(H, H.T):
            i, j = np.unravel_index(int(np.argmax(np.abs(H - H.T))), H.shape)
            problems.append(
                f"{name} (on {site.where(name)}) is not symmetric: entry ({i + 1}, {j + 1}) is {H[i, j]!r} and its "
                f"mirror image {H[j, i]!r}"
            )
    return problems


def limits_are_what_the_pages_say(site: Site) -> list[str]:
    """The largest eigenvalues are Part II's λ_max; the limits follow from them; least squares leaves a residual."""
    p = site.published
    expectations = [
        (
            max(np.ravel(p["hessian_sse_eigenvalues"])) == pytest.approx(p["lambda_max"], rel=1e-12),
            "the running example's largest Hessian eigenvalue is Part II's lambda_max",
        ),
        (
            max(np.ravel(p["batch_hessian_eigenvalues"])) == pytest.approx(p["batch_lambda_max"], rel=1e-12),
            "the batch block's largest eigenvalue is batch_lambda_max",
        ),
        (
            2.0 / p["batch_lambda_max"] == pytest.approx(p["batch_lr_max"], rel=1e-12),
            "2 / batch_lambda_max is Part II's batch_lr_max",
        ),
        (
            2.0 / max(np.ravel(p["toy_hessian"])) == pytest.approx(p["toy_lr_bound"], rel=1e-12),
            "2 / λ_max of toy_hessian is Part II's toy_lr_bound",
        ),
        (
            p["batch_sse_lambda_max"] >= 2.0 * p["batch_m"],
            "the batch SSE's λ_max is at least 2m, so the essay's unit step is beyond its limit",
        ),
        (p["batch_m"] > p["batch_params_per_output"], "the batch has more examples than parameters per output"),
        (p["batch_rank_A"] == p["batch_params_per_output"], "A has independent columns, so least squares is unique"),
        (p["batch_lstsq_mse"] > 0.0, "the noisy target is not fitted exactly"),
    ]
    return [f"{what} does not hold" for holds, what in expectations if not holds]


def the_trace_above_the_limit_behaves_as_the_page_says(site: Site) -> list[str]:
    """Its step is above the limit; the MSE falls at the first step, then grows at every step, by (1 − ηλ)²."""
    p = site.published
    trace = p["trace_batch_noisy_above"]
    losses = trace["losses"]
    floor = p["batch_lstsq_mse"]
    excess = [loss - floor for loss in losses]
    expectations = [
        (trace["lr"] == pytest.approx(p["batch_above_lr"], rel=1e-12), "its step is batch_above_lr"),
        (trace["lr"] > p["batch_lr_max"], "its step is above the limit batch_lr_max"),
        (trace["inputs"]["T"] == "batch_T_noisy", "it descends the noisy target"),
        (losses[0] == p["batch_above_mse0"] and losses[1] == p["batch_above_mse1"], "it starts at the MSEs named"),
        (losses[1] < losses[0], "the first step lowers the MSE"),
        (all(b > a for a, b in itertools.pairwise(losses[1:])), "every later step raises it"),
        (losses[-1] > losses[0], "it ends above where it started"),
        (
            excess[-1] / excess[-2] == pytest.approx(p["batch_above_growth"], rel=GROWTH_RTOL),
            f"its last step multiplies the MSE above the floor by batch_above_growth = {p['batch_above_growth']!r}",
        ),
    ]
    return [f"trace_batch_noisy_above: {what} does not hold" for holds, what in expectations if not holds]


#: Numbers the page may write by hand because they are not results; each pattern allows the numbers inside it.
PROSE_ALLOWED = {
    r"\b(?:[Cc]orrection|[Nn]ote) \d+\b": "references to Part II's notes",
}
#: The same for the page's own formulas, outside subscripts and superscripts (0, 1 and 2 are always allowed).
TEX_ALLOWED: dict[str, str] = {}


def numbers_in_prose_are_accounted_for(site: Site) -> list[str]:
    """Every number in the page's prose and formulas is computed, a checked claim, or allowed above."""
    return doccheck.unaccounted_numbers(site, PAGE, PROSE_ALLOWED, TEX_ALLOWED)


#: Every check of the derivations page, by name, in the order `check` runs them.
CHECKS: dict[str, Check] = {
    check.__name__: check
    for check in (
        the_page_is_built_and_linked,
        every_value_of_the_page_is_on_it,
        chosen_values_are_what_the_pages_say,
        values_match_recomputation,
        hessians_are_second_derivatives,
        hessians_are_symmetric,
        limits_are_what_the_pages_say,
        the_trace_above_the_limit_behaves_as_the_page_says,
        numbers_in_prose_are_accounted_for,
    )
}


def check(site: Site) -> list[str]:
    """Run every check of the derivations page; each problem is prefixed with ``derivations`` and the check's name."""
    return doccheck.run_checks(CHECKS, site, "derivations ")
