r"""The explorers' values: everything a reader can reach by moving a slider, computed by `nnla` at build time.

- `explore_lr` (Part II): gradient descent on the running example from its start, once for each learning rate of
  a grid from a fiftieth of the limit $`2/\lambda_{\max}`$ to a little more than twice it, with the factor
  $`r = 1 - \eta\,\lambda_{\max}`$ each step multiplies the error by, and the regime that factor puts it in.
- `explore_training` (Part III): the XOR network's training run, every `SNAPSHOT_EVERY` steps: its MSE and its
  output over the grid of the input square.
"""

from __future__ import annotations

import numpy as np

import nnla
from nnla import examples
from nnla_essay.kinds import LearningRateExplorer, TrainingExplorer
from nnla_essay.values_network import SURFACE_POINTS, output_surface, xor_inputs
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
#: The training explorer's snapshots: every this many steps of the run, from step 0 to the last.
SNAPSHOT_EVERY = 10


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
    run = nnla.network_descent(
        ex.X, ex.W1, ex.b1, ex.W2, ex.b2, ex.T, lr=examples.XOR_LR, steps=examples.XOR_STEPS, reduction="mean"
    )
    grid = np.linspace(0.0, 1.0, SURFACE_POINTS)
    steps = np.arange(0, len(run.losses), SNAPSHOT_EVERY)
    surfaces = np.array([output_surface((run.W1[s], run.b1[s], run.W2[s], run.b2[s]), grid) for s in steps])
    return TrainingExplorer(
        name="explore_training",
        description="The XOR network's MSE and its output over the input square every few steps of training.",
        data=surfaces,
        steps=steps.astype(np.float64),
        losses=run.losses[steps],
        grid=grid,
        lr=run.lr,
        inputs={**xor_inputs(), "grid": "mlp_surface_x"},
        default=0,
    )


def explorer_values() -> list[Value]:
    """The values of both explorers, Part II's first."""
    return [_learning_rate_explorer(), _training_explorer()]
