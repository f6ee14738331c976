r"""Part III's last section, "The landscape is not a bowl": the page's recipe for a start, from many seeds.

The study draws a start as `nnla.examples.xor` does (the same $`k`$, normal draws rounded to two decimals) from each
seed of a range, trains them all together with `nnla.network_descent_many` (one loop over the steps, the run an
axis of every array) at the page's step, and counts how many reach a small MSE, and how soon. The runs that do not
are stuck on a plateau; the first of them is looked at closely.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import NDArray

import nnla
from nnla import examples
from nnla_essay.kinds import RunsValue
from nnla_essay.values_network import Params, mse_hessian_eigenvalues, xor_inputs
from proven_numbers.value import Json, Value, array, scalar

__all__ = [
    "STUDY_FIRST_SEED",
    "STUDY_MSE",
    "STUDY_RUNS",
    "STUDY_STEPS",
    "first_stuck_seed",
    "landscape_values",
    "seed_study",
    "study_start",
]

#: The seed study: the page's recipe (k, the draw, the rounding, the step) from each of these seeds, all at once.
STUDY_FIRST_SEED, STUDY_RUNS = 0, 300
#: How long the study runs: ten times the page's own run.
STUDY_STEPS = 5000
#: A run "reaches" a small MSE when its MSE falls below this.
STUDY_MSE = 1e-3


def study_start(seed: int) -> Params:
    """The page's recipe for a start (`nnla.examples.xor`'s draw and rounding) with another seed."""
    rng = np.random.default_rng(seed)
    n, k, z = examples.xor.n, examples.xor.k, examples.xor.z
    W1, b1 = rng.normal(size=(n, k)).round(2), rng.normal(size=(1, k)).round(2)
    W2, b2 = rng.normal(size=(k, z)).round(2), rng.normal(size=(1, z)).round(2)
    return W1, b1, W2, b2


@functools.cache
def seed_study() -> tuple[NDArray[np.int64], nnla.ManyTraces]:
    """The study's seeds and their runs, trained together once a build (the landscape section and the training
    explorer both read it)."""
    ex = examples.xor
    seeds = np.arange(STUDY_FIRST_SEED, STUDY_FIRST_SEED + STUDY_RUNS)
    W1, b1, W2, b2 = (np.stack(column) for column in zip(*(study_start(int(seed)) for seed in seeds), strict=True))
    many = nnla.network_descent_many(
        ex.X, W1, b1, W2, b2, ex.T, lr=examples.XOR_LR, steps=STUDY_STEPS, reduction="mean", until=STUDY_MSE
    )
    return seeds, many


def first_stuck_seed() -> int:
    """The first seed of the study whose run has not reached the study's MSE at its end."""
    seeds, many = seed_study()
    return int(seeds[np.flatnonzero(~many.reached)[0]])


def landscape_values() -> list[Value]:
    """The landscape is not a bowl: the page's recipe from many seeds, trained together by nnla.network_descent_many."""
    ex = examples.xor
    seeds, many = seed_study()
    stuck = np.flatnonzero(~many.reached)
    stuck_mse = many.losses[stuck, -1]
    first = stuck[0]
    end = (many.W1[first], many.b1[first], many.W2[first], many.b2[first])
    gradient = nnla.backprop(ex.X, *end, ex.T, reduction="mean")
    start_gradient = nnla.backprop(ex.X, ex.W1, ex.b1, ex.W2, ex.b2, ex.T, reduction="mean")
    W1_b, b1_b, W2_b, b2_b = (
        np.stack(pair) for pair in zip((ex.W1, ex.b1, ex.W2, ex.b2), study_start(int(seeds[first])), strict=True)
    )
    beside = nnla.network_descent_many(
        ex.X,
        W1_b,
        b1_b,
        W2_b,
        b2_b,
        ex.T,
        lr=examples.XOR_LR,
        steps=examples.XOR_STEPS,
        reduction="mean",
    )
    start_inputs: dict[str, Json] = {key: value for key, value in xor_inputs().items() if key not in {"X", "T"}}
    eigenvalues = mse_hessian_eigenvalues(ex.X, (ex.W1, ex.b1, ex.W2, ex.b2), ex.T)
    # Exact at two corners and 1/2 at the other two: each of those two errors is 1/2.
    half = nnla.mse(ex.T, np.where(np.arange(ex.m)[:, np.newaxis] % 2 == 1, 0.5, ex.T))
    return [
        scalar("mlp_study_runs", STUDY_RUNS, "The number of seeds of the study of the page's recipe."),
        scalar("mlp_study_seed_first", int(seeds[0]), "The study's first seed."),
        scalar("mlp_study_seed_last", int(seeds[-1]), "The study's last seed."),
        scalar("mlp_study_steps", STUDY_STEPS, "The number of steps the study's runs are given."),
        scalar("mlp_study_mse", STUDY_MSE, "The MSE below which a run of the study counts as having reached zero."),
        scalar(
            "mlp_study_reached_short",
            int(np.sum(many.reached & (many.stopped <= examples.XOR_STEPS))),
            "How many runs of the study reach that MSE within the page's number of steps.",
        ),
        scalar(
            "mlp_study_reached",
            int(many.reached.sum()),
            "How many runs of the study reach it within the study's steps.",
        ),
        scalar("mlp_study_stuck", len(stuck), "How many runs of the study have not reached it at the end."),
        array("mlp_study_stuck_seeds", seeds[stuck], r"\text{seeds}", "The seeds of those runs."),
        scalar("mlp_study_stuck_low", float(stuck_mse.min()), "The lowest MSE at the end among those runs."),
        scalar("mlp_study_stuck_high", float(stuck_mse.max()), "The highest MSE at the end among those runs."),
        scalar("mlp_study_half", half, "The MSE of predictions exact at two corners of XOR and 1/2 at the other two."),
        scalar("mlp_study_stuck_seed", int(seeds[first]), "The first seed of the study whose run is stuck."),
        array(
            "mlp_study_stuck_P",
            nnla.network_forward(ex.X, *end).P,
            r"P_{\text{stuck}}",
            "That run's predictions at the end of the study's steps.",
        ),
        scalar(
            "mlp_study_stuck_gradient",
            float(np.sqrt(sum(np.sum(g * g) for g in gradient))),
            "The norm of the MSE's gradient in all the parameters where that run ends.",
        ),
        RunsValue(
            name="mlp_study_beside",
            data=beside,
            labels=(f"seed {examples.XOR_SEED} (the page's)", f"seed {int(seeds[first])} (stuck)"),
            inputs={
                "X": "mlp_X",
                "T": "mlp_T",
                "starts": [start_inputs, {"recipe seed": "mlp_study_stuck_seed"}],
            },
            description=(
                "The page's run and the first stuck run of the study, side by side for the page's number of steps: "
                "the MSE and the norm of its gradient at each step."
            ),
        ),
        scalar("mlp_hessian_size", len(eigenvalues), "The number of parameters: the Hessian's rows and columns."),
        scalar(
            "mlp_hessian_negative_start",
            int(np.sum(eigenvalues < 0)),
            "How many eigenvalues of the MSE's Hessian at the page's seeded start are negative.",
        ),
        scalar("mlp_lambda_min_start", float(eigenvalues[0]), "The smallest eigenvalue of that Hessian."),
        scalar(
            "mlp_study_start_gradient",
            float(np.sqrt(sum(np.sum(g * g) for g in start_gradient))),
            "The norm of the MSE's gradient at the page's seeded start, for comparison.",
        ),
    ]
