r"""The explorers' values: everything a reader can reach by moving a slider, computed by `nnla` at build time.

- `explore_lr` (Part II): gradient descent on the running example from its start, once for each learning rate of
  a grid from a fiftieth of the limit $`2/\lambda_{\max}`$ to a little more than twice it, with the factor
  $`r = 1 - \eta\,\lambda_{\max}`$ each step multiplies the error by, and the regime that factor puts it in.
- `explore_training` (Part III): the XOR network trained with each step of `TRAINING_LRS` from two starts, the
  page's seed's and the first stuck seed's of the landscape study: the MSE at every step, and every `SNAPSHOT_EVERY`
  steps the output over the grid of the input square.
"""

from __future__ import annotations

import numpy as np

import nnla
from nnla import examples
from nnla_essay.kinds import LearningRateExplorer, TrainingExplorer
from nnla_essay.values_landscape import first_stuck_seed, study_start
from nnla_essay.values_network import SURFACE_POINTS, output_surface, xor_descent, xor_inputs
from proven_numbers.value import Value

__all__ = ["explorer_values", "regime"]

#: The grid of learning rates: lr_max times i / LR_DIVISIONS for i = 1 … LR_LAST, so that half the limit
#: (i = 25) and the limit itself (i = 50) are on it exactly, and the last is a little above twice the limit.
LR_DIVISIONS, LR_LAST = 50, 101
#: The learning rate shown before the reader moves the slider: i = 40, four fifths of the limit.
LR_DEFAULT = 40
#: Steps of each run of the learning-rate explorer (as Part II's three traces).
LR_STEPS = 12
#: |r| within this of 1 is the boundary: the limit itself, up to the rounding of 2/λ_max times λ_max.
BOUNDARY_TOLERANCE = 1e-9
#: The training explorer's snapshots: every this many steps of each run, from step 0 to the last.
SNAPSHOT_EVERY = 50
#: The training explorer's steps η: the two smallest of Part III's sweep (`values_network.SWEEP_LRS`) and the page's.
#: The sweep's 0.3 is left out: from the page's start its MSE falls to about 1e-10, then the minimum it nears proves
#: too sharp for the step and the MSE climbs back to about 1e-3 before it settles, a climb grown from float64's
#: rounding, so that a re-run with another, equally right tanh differs from it by 0.4 % at some steps: the explorer
#: would show digits no other computation reproduces. Larger steps overflow from the stuck seed's start.
TRAINING_LRS = (0.01, 0.03, 0.1)


def regime(r: float) -> str:
    """Where a factor r puts descent on one example: ``stable`` (|r| < 1), ``boundary`` or ``divergent``."""
    if abs(abs(r) - 1.0) <= BOUNDARY_TOLERANCE:
        return "boundary"
    return "stable" if abs(r) < 1.0 else "divergent"


def _learning_rate_explorer() -> LearningRateExplorer:
    ex = examples.running
    x, W, b, t = ex.X, ex.W, ex.b, ex.T
    lr_max = nnla.max_stable_lr(x, W.shape[1], reduction="sum")
    lam = 2.0 / lr_max
    lrs = [lr_max * (i / LR_DIVISIONS) for i in range(1, LR_LAST + 1)]
    runs = tuple(nnla.gradient_descent(x, W, b, t, lr=lr, steps=LR_STEPS, reduction="sum") for lr in lrs)
    factors = np.array([1.0 - lr * lam for lr in lrs])
    return LearningRateExplorer(
        name="explore_lr",
        description="Gradient descent on the running example's SSE with each step η of a grid across the limit.",
        data=runs,
        factors=factors,
        regimes=tuple(regime(float(r)) for r in factors),
        inputs={"X": "x", "W": "W", "b": "b", "T": "t"},
        default=LR_DEFAULT - 1,
    )


def _training_explorer() -> TrainingExplorer:
    ex = examples.xor
    stuck = first_stuck_seed()
    starts = {examples.XOR_SEED: (ex.W1, ex.b1, ex.W2, ex.b2), stuck: study_start(stuck)}
    grid = np.linspace(0.0, 1.0, SURFACE_POINTS)
    steps = np.arange(0, examples.XOR_STEPS + 1, SNAPSHOT_EVERY)
    runs, lrs, seeds, surfaces = [], [], [], []
    for lr in TRAINING_LRS:
        for seed, start in starts.items():
            if seed == examples.XOR_SEED:  # Part III's sweep has run it already
                run = xor_descent(lr)
            else:
                run = nnla.network_descent(ex.X, *start, ex.T, lr=lr, steps=examples.XOR_STEPS, reduction="mean")
            runs.append(run)
            lrs.append(lr)
            seeds.append(seed)
            surfaces.append([output_surface((run.W1[s], run.b1[s], run.W2[s], run.b2[s]), grid) for s in steps])
    return TrainingExplorer(
        name="explore_training",
        description=(
            "The XOR network trained from the page's start and from a stuck seed's, with several steps η: the MSE at "
            "every step, and the output over the input square every few steps."
        ),
        data=np.array(surfaces),
        runs=tuple(runs),
        lrs=np.array(lrs),
        seeds=np.array(seeds),
        seed_labels=(f"{examples.XOR_SEED} (the page's)", f"{stuck} (stuck)"),
        steps=steps,
        grid=grid,
        inputs={**xor_inputs(), "grid": "mlp_surface_x", "stuck seed": "mlp_study_stuck_seed"},
        default_run=2 * TRAINING_LRS.index(examples.XOR_LR),
        default=0,
    )


def explorer_values() -> list[Value]:
    """The values of both explorers, Part II's first."""
    return [_learning_rate_explorer(), _training_explorer()]
