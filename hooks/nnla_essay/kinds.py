r"""The essay's own kinds of value, beside the three the machinery knows (scalars, arrays, tables).

- `SurfaceValue`: an array of shape (g, g), a network's output over a grid of the input square, drawn as a heat map.
- `TensorValue`: an array of shape (n, z, z), the Jacobian tensor, shown slice by slice or as a block.
- `TraceValue`: a `nnla.Trace` or `nnla.NetworkTrace`, a run of gradient descent, shown as a table or a plot.
- `RunsValue`: runs of descent on the network side by side, each its loss and its gradient's norm at each step,
  drawn as two plots (`nnla.network_descent_many`'s record of a few starts).
- `LearningRateExplorer` and `TrainingExplorer`: the settings a reader moves through with a slider (one trace per
  learning rate; snapshots of training runs, chosen by step and seed), all computed at build time
  (`nnla_essay.explorer_html`).

Each names its forms and shows itself through `proven_numbers.markers.render.Showing`, which is how a kind of a
site's own reaches the pages; the figures are drawn by `nnla_essay.figures`. The registry (`nnla_essay.registry`)
makes them with `surface`, `tensor` and `trace` (and the explorers' own classes), and each class checks the shape
of its data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

import nnla
from nnla_essay import explorer_html, figures
from proven_numbers import latex
from proven_numbers.markers.render import Showing
from proven_numbers.value import BLOCK_FORMS, ArrayValue, Grid, Json, RegistryError, Value

__all__ = [
    "LearningRateExplorer",
    "RunsValue",
    "SurfaceValue",
    "TensorValue",
    "TraceValue",
    "TrainingExplorer",
    "surface",
    "tensor",
    "trace",
]


@dataclass(frozen=True, kw_only=True)
class SurfaceValue(ArrayValue):
    """An array of shape (g, g): the output at (grid[r], grid[c]), x1 down the rows, x2 across the columns.

    Shown as a matrix, like any array, or as a heat map (``as=figure``); published as an array.
    """

    grid: NDArray[np.float64]
    forms: ClassVar[tuple[str, ...]] = ("display", "inline", "figure")

    def __post_init__(self) -> None:
        super().__post_init__()
        g = self.grid.shape[0] if self.grid.ndim == 1 else -1
        if self.data.shape != (g, g):
            raise RegistryError(f"surface {self.name!r} must be of shape (g, g) for a grid of g; got {self.data.shape}")

    def figure(self, showing: Showing) -> str:
        return figures.draw_figure(self, showing.values, showing.id_prefix)


@dataclass(frozen=True, kw_only=True)
class TensorValue(Grid):
    """An array of shape (n, z, z), the Jacobian tensor's [i, j, k], shown slice by slice or as a figure.

    values.json publishes it as an array (``kind`` is ``array``), as it did before it had a class of its own.
    """

    kind: ClassVar[str] = "array"
    axes: ClassVar[tuple[int, ...]] = (3,)
    forms: ClassVar[tuple[str, ...]] = ("slices", "figure")
    block_forms: ClassVar[frozenset[str]] = BLOCK_FORMS | {"slices"}

    def show(self, form: str, showing: Showing) -> str:
        """The weight Jacobian as one matrix [j, k] per row i of W."""
        n, z, _ = self.shape
        formulas = [
            rf"\left[\frac{{\partial \ell_k}}{{\partial w_{{{i + 1} j}}}}\right]_{{j,k}} = "
            rf"{latex.matrix(self.data[i], showing.digits)} \in {latex.shape((z, z))}"
            for i in range(n)
        ]
        return showing.display(self, formulas)

    def figure(self, showing: Showing) -> str:
        return figures.draw_figure(self, showing.values, showing.id_prefix)


@dataclass(frozen=True, kw_only=True)
class TraceValue(Value):
    """A run of gradient descent.

    Attributes:
        inputs: the published names of its X, W, b and T.
        reference: the name of a scalar drawn as a line beside it in its figure, or ``""``.
        floor: whether the reference is the floor the run levels off at (a least-squares loss): its figure then
            draws the run's gap above it, on a log axis, instead of the loss beside a line it would hide under.
    """

    data: nnla.Trace | nnla.NetworkTrace
    inputs: Mapping[str, str]
    reference: str = ""
    floor: bool = False
    kind: ClassVar[str] = "trace"
    forms: ClassVar[tuple[str, ...]] = ("table", "figure")

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(self.data.losses),)

    def to_json(self) -> Json:
        return {**_run_json(self.data), "inputs": dict(self.inputs)}

    def show(self, form: str, showing: Showing) -> str:
        """The loss at each step, as a table."""
        losses = self.data.losses
        loss = "SSE" if self.data.reduction == "sum" else "MSE"
        rows = np.column_stack([np.arange(len(losses)), losses])
        return showing.table(self, rows, ["step", f"loss ({loss})"])

    def figure(self, showing: Showing) -> str:
        return figures.draw_figure(self, showing.values, showing.id_prefix)


@dataclass(frozen=True, kw_only=True)
class RunsValue(Value):
    """Runs of gradient descent on the network side by side: the loss and the gradient's norm of each, at each step.

    Drawn as two plots over the same steps (``as=figure``, its only form): the loss of every run, and the norm of its
    gradient in all the parameters at once. Its 2 × runs × (steps + 1) numbers at full precision are published in
    values.json only (`Value.on_page`); the page carries the figures drawn from them.

    Attributes:
        data: `nnla.network_descent_many`'s record of the runs (every run taken to the end: no `until`).
        labels: each run's name, in the legend and the text alternative.
        inputs: the published names of the runs' batch and of each run's start, such as {"X": …, "T": …,
            "starts": [{"W1": …, "b1": …, "W2": …, "b2": …}, …]}.
    """

    data: nnla.ManyTraces
    labels: tuple[str, ...]
    inputs: Mapping[str, Json]
    kind: ClassVar[str] = "runs"
    forms: ClassVar[tuple[str, ...]] = ("figure",)
    on_page: ClassVar[bool] = False

    def __post_init__(self) -> None:
        runs = self.data.losses.shape[0]
        if len(self.labels) != runs or self.data.until is not None or (self.data.stopped != self.data.stopped[0]).any():
            raise RegistryError(f"runs {self.name!r} needs one label per run, and every run taken to the end")

    @property
    def shape(self) -> tuple[int, ...]:
        """(r,): one entry a run, as an explorer's shape is one a setting."""
        return (self.data.losses.shape[0],)

    def to_json(self) -> Json:
        return {
            "lr": float(self.data.lr),
            "reduction": self.data.reduction,
            "steps": int(self.data.losses.shape[1] - 1),
            "labels": list(self.labels),
            "losses": self.data.losses.tolist(),
            "gradient_norms": self.data.gradient_norms.tolist(),
            "inputs": dict(self.inputs),
        }

    def show(self, form: str, showing: Showing) -> str:
        raise TypeError(f"the runs {self.name!r} are shown only as a figure (as=figure), not as={form}")

    def figure(self, showing: Showing) -> str:
        return figures.draw_figure(self, showing.values, showing.id_prefix)


def _run_json(run: nnla.Trace | nnla.NetworkTrace) -> dict[str, Json]:
    """A run of descent as values.json publishes it: its step, loss, number of steps, losses and divergence."""
    return {
        "lr": float(run.lr),
        "reduction": run.reduction,
        "steps": int(len(run.losses) - 1),
        "losses": [float(v) for v in run.losses],
        "diverged": bool(run.diverged),
    }


@dataclass(frozen=True, kw_only=True)
class LearningRateExplorer(Value):
    r"""Gradient descent from one start with each learning rate of a grid, for a reader to move through.

    For one example, each step multiplies the error by $`r = 1 - \eta\,\lambda_{\max}`$; the regime says
    whether $`|r| < 1`$ (``stable``), $`|r| = 1`$ (``boundary``) or $`|r| > 1`$ (``divergent``).

    Its runs (1,313 losses at full precision) are published in values.json only (`Value.on_page`): its page
    carries what it shows, the readout's text and each run's curve, and the doc-test checks those against it.

    Attributes:
        data: one run per learning rate, in increasing order of the rate.
        factors: array of shape (s,): r for each run.
        regimes: the regime of each run.
        inputs: the published names of the runs' X, W, b and T.
        default: the index of the run shown before the reader moves anything (and without JavaScript).
    """

    data: tuple[nnla.Trace, ...]
    factors: NDArray[np.float64]
    regimes: tuple[str, ...]
    inputs: Mapping[str, str]
    default: int
    kind: ClassVar[str] = "explorer"
    forms: ClassVar[tuple[str, ...]] = ("explorer",)
    block_forms: ClassVar[frozenset[str]] = frozenset({"explorer"})
    on_page: ClassVar[bool] = False

    def __post_init__(self) -> None:
        count = len(self.data)
        if not (self.factors.shape == (count,) and len(self.regimes) == count and 0 <= self.default < count):
            raise RegistryError(
                f"explorer {self.name!r} needs one factor and one regime per run, and a default among them"
            )

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(self.data),)

    def show(self, form: str, showing: Showing) -> str:
        return explorer_html.explorer(self, showing, figures.explorer_figures(self, showing.id_prefix))

    def to_json(self) -> Json:
        return {
            "control": "lr",
            "default": self.default,
            "lr": [float(run.lr) for run in self.data],
            "r": [float(v) for v in self.factors],
            "regime": list(self.regimes),
            "inputs": dict(self.inputs),
            "traces": [_run_json(run) for run in self.data],
        }


@dataclass(frozen=True, kw_only=True)
class TrainingExplorer(Value):
    """Training runs of the network from a few starts with a few steps η, for a reader to choose one and step
    through it: the loss at every step (drawn as a curve, marked at the chosen snapshot), and at each snapshot the
    loss and the output over the square.

    Its runs (every loss of each, and every snapshot's surface) are published in values.json only
    (`Value.on_page`): its page carries what it shows, each snapshot's readout and cells as text, and the doc-test
    checks those against it.

    Attributes:
        data: array of shape (R, s, g, g): each run's output over the grid at each snapshot.
        runs: the R runs, each for every step (their losses draw the curves).
        lrs: array of shape (R,): each run's step η.
        seeds: array of shape (R,): the seed of each run's start.
        seed_labels: for each distinct seed, in the order of first use, what the seed control calls it.
        steps: array of shape (s,): the step of each snapshot, the same for every run.
        grid: array of shape (g,): the grid on each axis of the input square.
        inputs: the published names of the runs' inputs (the batch, the page's start, the stuck seed, the grid).
        default_run: the index of the run shown before the reader chooses (and without JavaScript).
        default: the index of the snapshot shown before the reader moves the slider.
    """

    data: NDArray[np.float64]
    runs: tuple[nnla.NetworkTrace, ...]
    lrs: NDArray[np.float64]
    seeds: NDArray[np.int64]
    seed_labels: tuple[str, ...]
    steps: NDArray[np.int64]
    grid: NDArray[np.float64]
    inputs: Mapping[str, str]
    default_run: int
    default: int
    kind: ClassVar[str] = "explorer"
    forms: ClassVar[tuple[str, ...]] = ("explorer",)
    block_forms: ClassVar[frozenset[str]] = frozenset({"explorer"})
    on_page: ClassVar[bool] = False

    def __post_init__(self) -> None:
        count, snapshots, g = len(self.runs), len(self.steps), len(self.grid)
        if (
            self.data.shape != (count, snapshots, g, g)
            or self.lrs.shape != (count,)
            or self.seeds.shape != (count,)
            or len(self.seed_labels) != len(set(self.seeds.tolist()))
            or any(len(run.losses) <= int(self.steps[-1]) for run in self.runs)
            or not (0 <= self.default_run < count and 0 <= self.default < snapshots)
        ):
            raise RegistryError(
                f"explorer {self.name!r} needs, for each of its {count} runs, a step, a seed, a surface of shape "
                f"({snapshots}, {g}, {g}) and a loss at every snapshot's step, a label per seed, and defaults among "
                f"them; got surfaces of shape {self.data.shape}"
            )

    @property
    def shape(self) -> tuple[int, ...]:
        """One entry a run (values.json's shape of a value that holds runs: the length of its ``losses``)."""
        return (len(self.runs),)

    def losses(self, run: int) -> NDArray[np.float64]:
        """The run's loss at each snapshot."""
        return np.asarray(self.runs[run].losses[self.steps], dtype=np.float64)

    def show(self, form: str, showing: Showing) -> str:
        return explorer_html.explorer(self, showing, figures.explorer_figures(self, showing.id_prefix))

    def to_json(self) -> Json:
        surfaces: Json = self.data.tolist()
        return {
            "control": "training",
            "default_run": self.default_run,
            "default": self.default,
            "lr": [float(v) for v in self.lrs],
            "seed": [int(v) for v in self.seeds],
            "step": [int(s) for s in self.steps],
            "loss": [[float(v) for v in self.losses(r)] for r in range(len(self.runs))],
            "losses": [[float(v) for v in run.losses] for run in self.runs],
            "grid": [float(v) for v in self.grid],
            "surface": surfaces,
            "inputs": dict(self.inputs),
        }


def surface(name: str, data: ArrayLike, grid: ArrayLike, label: str, description: str) -> SurfaceValue:
    """An output over the square: `data` [r, c] at (grid[r], grid[c]), shown after the TeX `label` or as a heat map."""
    return SurfaceValue(
        name=name,
        data=np.asarray(data, dtype=np.float64),
        grid=np.asarray(grid, dtype=np.float64),
        label=label,
        description=description,
    )


def tensor(name: str, data: ArrayLike, description: str) -> TensorValue:
    """An array of 3 axes in the Jacobian tensor's layout [i, j, k]."""
    return TensorValue(name=name, data=np.asarray(data, dtype=np.float64), description=description)


def trace(
    name: str,
    run: nnla.Trace | nnla.NetworkTrace,
    inputs: Mapping[str, str],
    description: str,
    reference: str = "",
    floor: bool = False,
) -> TraceValue:
    """A run of gradient descent, with the names of its inputs and, if any, the scalar drawn beside it (or, for a
    `floor`, the level its figure draws the run's gap above)."""
    return TraceValue(
        name=name, data=run, inputs=dict(inputs), description=description, reference=reference, floor=floor
    )
