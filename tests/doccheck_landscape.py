r"""Part III's last section as a doc-test: "The landscape is not a bowl", every number recomputed here.

The seed study runs the page's recipe for a start (NumPy's generator, the draws rounded to two decimals) from every
seed the page names, with descent written here, all runs at once; the runs beside each other are re-run for the
page's number of steps with their gradients' norms; the Hessian at the seeded start is taken by central differences
of the backward pass written here. Nothing here calls nnla; the network's formulas are `doccheck_network`'s.
`doccheck_network.check` runs these checks with its own, and lists their names in its `RECOMPUTED`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import doccheck
import doccheck_network as net
import numpy as np

if TYPE_CHECKING:
    from doccheck import Site

#: The seed study re-run here agrees with the page's MSEs at the end, predictions and gradient to this.
STUDY_RTOL = 1e-7
#: "Close to" the plateau's MSE: every stuck run ends within this of it.
PLATEAU_ATOL = 0.01
#: An eigenvalue of the Hessian is counted negative below this: central differences carry errors of order
#: NUMDIFF_ATOL, so an eigenvalue within it of zero could have either sign.
NEGATIVE_BELOW = -10 * net.NUMDIFF_ATOL


def draw_start(seed: int, n: int, k: int, z: int) -> net.Params:
    """The page's recipe: NumPy's generator with the seed, W1, b1, W2, b2 drawn in turn, rounded to two decimals."""
    rng = np.random.default_rng(seed)
    return tuple(rng.normal(size=shape).round(net.START_DECIMALS) for shape in ((n, k), (1, k), (k, z), (1, z)))  # type: ignore[return-value]


@functools.lru_cache(maxsize=4)
def seed_study(
    X_rows: tuple[tuple[float, ...], ...],
    T_rows: tuple[tuple[float, ...], ...],
    k: int,
    seeds: tuple[int, ...],
    lr: float,
    steps: int,
    threshold: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, net.Params]:
    """Descent from every seed's start at once, written here: runs first, one stacked product per stage.

    Returns:
        For each run, the first step whose MSE is below `threshold` (-1 for none); each run's MSE at every step
        (the runs that reached stop being computed, their last MSE repeated); the MSE history's last 101 steps are
        what the checks read; and the first stuck run's parameters at the end.
    """
    X, T = np.array(X_rows), np.array(T_rows)
    (m, n), z = X.shape, T.shape[1]
    W1, b1, W2, b2 = (np.stack(column) for column in zip(*(draw_start(s, n, k, z) for s in seeds), strict=True))
    runs = len(seeds)
    first = np.full(runs, -1)
    losses = np.empty((runs, steps + 1))
    going = np.arange(runs)
    for step in range(steps + 1):
        H = net.tanh(np.einsum("mn,rnk->rmk", X, W1) + b1)  # (runs, m, k)
        E = T - (H @ W2 + b2)  # (runs, m, z)
        mse_now = np.einsum("rmz,rmz->r", E, E) / (m * z)
        losses[going, step] = mse_now
        done = mse_now < threshold
        first[going[done]] = step
        keep = ~done
        going, H, E, W1, b1, W2, b2 = (a[keep] for a in (going, H, E, W1, b1, W2, b2))
        if step == steps or len(going) == 0:
            break
        D2 = -2.0 / (m * z) * E
        D1 = (D2 @ np.swapaxes(W2, 1, 2)) * (1.0 - H * H)
        W1 = W1 - lr * np.einsum("mn,rmk->rnk", X, D1)
        b1 = b1 - lr * D1.sum(axis=1, keepdims=True)
        W2 = W2 - lr * (np.swapaxes(H, 1, 2) @ D2)
        b2 = b2 - lr * D2.sum(axis=1, keepdims=True)
    for run in range(runs):
        if first[run] >= 0:
            losses[run, first[run] + 1 :] = losses[run, first[run]]
    return first, losses, going, (W1[0], b1[0], W2[0], b2[0])


def hessian_eigenvalues(X: np.ndarray, params: net.Params, T: np.ndarray) -> np.ndarray:
    """The MSE's Hessian in all the parameters at once, central differences of the gradient written here, its
    eigenvalues in increasing order."""
    sizes = np.cumsum([a.size for a in params])[:-1]

    def gradient(theta: np.ndarray) -> np.ndarray:
        point = tuple(piece.reshape(a.shape) for piece, a in zip(np.split(theta, sizes), params, strict=True))
        return np.concatenate([g.ravel() for g in net.gradients(X, point, T, 1.0 / T.size)])  # type: ignore[arg-type]

    hessian = net.central_differences(gradient, np.concatenate([a.ravel() for a in params]))
    return np.linalg.eigvalsh((hessian + hessian.T) / 2.0)


def seed_study_reruns(site: Site) -> list[str]:
    """The seed study re-run here from the recipe the page states: its counts, its stuck runs and where they end."""
    p = site.published
    X, params, T = net.example(p)
    first_seed, runs = int(p["mlp_study_seed_first"]), int(p["mlp_study_runs"])
    seeds = tuple(range(first_seed, first_seed + runs))
    steps, short = int(p["mlp_study_steps"]), int(p["mlp_steps"])
    first, losses, stuck, end = seed_study(
        tuple(map(tuple, X)), tuple(map(tuple, T)), params[0].shape[1], seeds, p["mlp_lr"], steps, p["mlp_study_mse"]
    )
    problems = net.compare(site, "mlp_study_reached_short", int(np.sum((first >= 0) & (first <= short))), 0.0, 0.0)
    problems += net.compare(site, "mlp_study_reached", int(np.sum(first >= 0)), 0.0, 0.0)
    problems += net.compare(site, "mlp_study_stuck", len(stuck), 0.0, 0.0)
    if len(stuck) == 0:
        return [*problems, f"the seed study re-run here has no stuck run, but {net.PAGE} shows one"]
    problems += net.compare(site, "mlp_study_stuck_seeds", np.array(seeds)[stuck], 0.0, 0.0)
    problems += net.compare(site, "mlp_study_stuck_seed", seeds[stuck[0]], 0.0, 0.0)
    problems += net.compare(site, "mlp_study_stuck_low", losses[stuck, -1].min(), STUDY_RTOL, 0.0)
    problems += net.compare(site, "mlp_study_stuck_high", losses[stuck, -1].max(), STUDY_RTOL, 0.0)
    problems += net.compare(site, "mlp_study_stuck_P", net.forward(X, end)[2], STUDY_RTOL, 1e-9)
    norm = math.sqrt(sum(float(np.sum(g * g)) for g in net.gradients(X, end, T, 1.0 / T.size)))
    problems += net.compare(site, "mlp_study_stuck_gradient", norm, STUDY_RTOL, 0.0)
    half, P_stuck = p["mlp_study_half"], doccheck.array(p, "mlp_study_stuck_P")[:, 0]
    trace = p["mlp_trace"]["losses"]
    expectations = [
        (p["mlp_study_reached"] + p["mlp_study_stuck"] == runs, "every run either reaches the MSE or is stuck"),
        (np.all(np.abs(losses[stuck, -1] - half) < PLATEAU_ATOL), "every stuck run ends close to mlp_study_half"),
        (np.all(losses[stuck, -1] < losses[stuck, -101]), "every stuck run's MSE is still falling at the end"),
        (np.all(np.abs(P_stuck[[0, 2]] - T[[0, 2], 0]) < PLATEAU_ATOL), "the stuck run is right at (0, 0), (1, 0)"),
        (np.all(np.abs(P_stuck[[1, 3]] - 0.5) < PLATEAU_ATOL), "and answers about 1/2 at (0, 1) and (1, 1)"),
        (norm < p["mlp_study_start_gradient"] / 100, "its gradient is nearly flat beside the start's"),
        (min(trace[: short + 1]) < p["mlp_study_mse"], "the page's own seed is done within its steps"),
        (
            not p["mlp_study_seed_first"] <= p["mlp_seed"] <= p["mlp_study_seed_last"],
            "the page's own seed is not one of the study's",
        ),
        (p["mlp_study_reached_short"] < p["mlp_study_reached"] < runs, "more reach it later, and not all"),
    ]
    problems += [f"{net.PAGE}: '{what}' does not hold" for holds, what in expectations if not holds]
    return problems


def runs_beside_rerun(site: Site) -> list[str]:
    """The page's run and the first stuck run, re-run here from their starts: each MSE and gradient norm at every
    step, and the figure drawn from them (two plots, a curve of every step for each run)."""
    p = site.published
    X, params, T = net.example(p)
    steps, seed = int(p["mlp_steps"]), int(p["mlp_study_stuck_seed"])
    beside = p.get("mlp_study_beside")
    where = f"mlp_study_beside (on {site.where('mlp_study_beside')})"
    if not isinstance(beside, dict):
        return [f"{where} is not published as runs"]
    problems = []
    expected_labels = [f"seed {int(p['mlp_seed'])} (the page's)", f"seed {seed} (stuck)"]
    if (beside["lr"], beside["steps"], beside["labels"]) != (p["mlp_lr"], steps, expected_labels):
        problems.append(
            f"{where}: not the page's step and steps, or not its seed and the stuck one: {beside['labels']}"
        )
    stuck_start = draw_start(seed, X.shape[1], params[0].shape[1], T.shape[1])
    for index, start in enumerate((params, stuck_start)):
        losses, points = net.descend(X, start, T, p["mlp_lr"], steps)
        norms = [
            math.sqrt(sum(float(np.sum(g * g)) for g in net.gradients(X, point, T, 1.0 / T.size))) for point in points
        ]
        for key, again in (("losses", losses), ("gradient_norms", norms)):
            message = doccheck.mismatch(partial(_agree, beside[key][index], again, key))
            if message:
                problems.append(f"{where}: run {index}'s {key} differ from their re-run: {message}")
    figure = site.element(net.PAGE, "mlp_study_beside")
    plots = figure.select("svg") if figure else []
    counts = [[int(str(line.get("data-n", "-1"))) for line in svg.select("polyline.nnla-line")] for svg in plots]
    if counts != [[steps + 1, steps + 1]] * 2:
        problems.append(f"{where}: its figure should be two plots of two curves of {steps + 1} points; got {counts}")
    for svg in plots:
        desc = svg.select_one("desc")
        said = desc.get_text() if desc else ""
        if not all(label in said for label in expected_labels):
            problems.append(f"{where}: a plot's text alternative does not name both runs: {said!r}")
    return problems


def _agree(published: list[float], again: list[float], what: str) -> None:
    np.testing.assert_allclose(published, again, rtol=net.TRACE_RTOL, atol=net.TRACE_ATOL, err_msg=what)


def hessian_at_the_start(site: Site) -> list[str]:
    """The Hessian at the seeded start, again: its size, how many eigenvalues are negative, and the smallest."""
    p = site.published
    X, params, T = net.example(p)
    eigenvalues = hessian_eigenvalues(X, params, T)
    problems = net.compare(site, "mlp_hessian_size", len(eigenvalues), 0.0, 0.0)
    problems += net.compare(site, "mlp_lambda_min_start", eigenvalues[0], net.HESSIAN_RTOL, 0.0)
    negative = eigenvalues[eigenvalues < 0]
    if np.any(negative > NEGATIVE_BELOW):
        problems.append(
            f"{net.PAGE}: an eigenvalue of the Hessian at the start, {negative.max()!r}, is too close to 0 to count"
        )
    problems += net.compare(site, "mlp_hessian_negative_start", len(negative), 0.0, 0.0)
    return problems


#: The checks of the section, by name, in the order `doccheck_network.check` runs them after its own.
CHECKS: dict[str, Callable[[Site], list[str]]] = {
    check.__name__: check for check in (seed_study_reruns, runs_beside_rerun, hessian_at_the_start)
}
