r"""One named value a page can show, with a class for each shape of data the registry holds.

- `ScalarValue`: a finite float.
- `ArrayValue`: an array of shape (z,) or (m, z), shown as a matrix.
- `TensorValue`: an array of shape (n, z, z), the Jacobian tensor.
- `SurfaceValue`: an array of shape (g, g), a network's output over a grid of the input square, drawn as a heat map.
- `TraceValue`: a `nnla.Trace` or `nnla.NetworkTrace`, a run of gradient descent.
- `TableValue`: rows of numbers, the step first.
- `LearningRateExplorer` and `TrainingExplorer`: the settings a reader moves through with a slider (one trace per
  learning rate; snapshots of a training run), all computed at build time.

The registry (`nnla_site.values`) makes them with `scalar`, `array`, `surface`, `tensor`, `trace` and `table` (and
the explorers' own classes), and each class checks the shape of its data. Code that reads a value's data narrows it
to its class first (``isinstance(value, TraceValue)``, or a ``match`` over `TypedValue`), so that mypy checks what
it reads.
values.json publishes each value's `Value.kind`: a tensor and a surface are published as arrays.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

import nnla

__all__ = [
    "ArrayValue",
    "LearningRateExplorer",
    "ScalarValue",
    "SurfaceValue",
    "TableValue",
    "TensorValue",
    "TraceValue",
    "TrainingExplorer",
    "TypedValue",
    "Value",
    "array",
    "scalar",
    "surface",
    "table",
    "tensor",
    "trace",
]

#: The kinds values.json publishes.
Kind = Literal["scalar", "array", "trace", "table", "explorer"]
#: A value as JSON data.
Json: TypeAlias = float | int | bool | str | list["Json"] | dict[str, "Json"]


@dataclass(frozen=True, kw_only=True)
class Value(ABC):
    """What every named value has, whatever its data.

    Attributes:
        name: the name a marker uses.
        description: one sentence a reader (and values.json) gets.
        data: the value itself, typed by each subclass. Read through a plain `Value` it is untyped: that is for
            readers that test `kind` instead of narrowing the class (`nnla_site.figures` does).
        kind: the kind values.json publishes.
        on_page: whether the elements that show it carry its JSON (``data-nnla-value``). A value too large to
            carry on every reader's page says so instead (``data-nnla-published="values.json"``) and is published
            at full precision in the site's values.json alone; what its page shows of it is checked against that.
    """

    name: str
    description: str
    data: Any
    kind: ClassVar[Kind]
    on_page: ClassVar[bool] = True

    @property
    def reference(self) -> str:
        """The name of a scalar drawn as a line beside the value's figure; only a trace has one."""
        return ""

    @property
    @abstractmethod
    def shape(self) -> tuple[int, ...]:
        """The value's shape: ``()`` for a scalar, the number of losses for a trace."""

    @abstractmethod
    def to_json(self) -> Json:
        """The value as JSON data at full float64 precision: nested lists, a number, or a trace object."""


@dataclass(frozen=True, kw_only=True)
class ScalarValue(Value):
    """A finite number."""

    data: float
    kind: ClassVar[Kind] = "scalar"

    def __post_init__(self) -> None:
        if not math.isfinite(self.data):
            raise ValueError(f"value {self.name!r} is not finite: {self.data!r}")

    @property
    def shape(self) -> tuple[int, ...]:
        return ()

    def to_json(self) -> Json:
        return self.data


@dataclass(frozen=True, kw_only=True)
class _Grid(Value):
    """A value whose data is a float64 array of `axes` axes, published as nested lists."""

    data: NDArray[np.float64]
    axes: ClassVar[tuple[int, ...]]

    def __post_init__(self) -> None:
        if self.data.ndim not in self.axes:
            allowed = " or ".join(str(count) for count in self.axes)
            raise ValueError(
                f"{type(self).__name__} {self.name!r} takes an array of {allowed} axes; got shape {self.data.shape}: "
                "make it with the constructor of its shape, array (1 or 2 axes) or tensor (3)"
            )

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    def to_json(self) -> Json:
        nested: Json = self.data.tolist()
        return nested


@dataclass(frozen=True, kw_only=True)
class ArrayValue(_Grid):
    r"""An array of shape (z,) or (m, z), shown as a matrix after `label` (TeX, as in ``\mathbf{x}``)."""

    label: str
    kind: ClassVar[Kind] = "array"
    axes: ClassVar[tuple[int, ...]] = (1, 2)


@dataclass(frozen=True, kw_only=True)
class SurfaceValue(ArrayValue):
    """An array of shape (g, g): the output at (grid[r], grid[c]), x1 down the rows, x2 across the columns.

    Shown as a matrix, like any array, or as a heat map (``as=figure``); published as an array.
    """

    grid: NDArray[np.float64]

    def __post_init__(self) -> None:
        super().__post_init__()
        g = self.grid.shape[0] if self.grid.ndim == 1 else -1
        if self.data.shape != (g, g):
            raise ValueError(f"surface {self.name!r} must be of shape (g, g) for a grid of g; got {self.data.shape}")


@dataclass(frozen=True, kw_only=True)
class TensorValue(_Grid):
    """An array of shape (n, z, z), the Jacobian tensor's [i, j, k], shown slice by slice or as a figure.

    values.json publishes it as an array (``kind`` is ``array``), as it did before it had a class of its own.
    """

    kind: ClassVar[Kind] = "array"
    axes: ClassVar[tuple[int, ...]] = (3,)


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
    kind: ClassVar[Kind] = "trace"

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(self.data.losses),)

    def to_json(self) -> Json:
        return {**_run_json(self.data), "inputs": dict(self.inputs)}


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
class TableValue(_Grid):
    """Rows of numbers under `columns` (TeX headings); the first column is the step, a whole number."""

    columns: tuple[str, ...]
    kind: ClassVar[Kind] = "table"
    axes: ClassVar[tuple[int, ...]] = (2,)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.data.shape[1] != len(self.columns):
            raise ValueError(f"table {self.name!r} has {self.data.shape[1]} columns but {len(self.columns)} headings")


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
    kind: ClassVar[Kind] = "explorer"
    on_page: ClassVar[bool] = False

    def __post_init__(self) -> None:
        count = len(self.data)
        if not (self.factors.shape == (count,) and len(self.regimes) == count and 0 <= self.default < count):
            raise ValueError(
                f"explorer {self.name!r} needs one factor and one regime per run, and a default among them"
            )

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(self.data),)

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
    """Snapshots of a training run, for a reader to step through: the loss and the output surface at each.

    Attributes:
        data: array of shape (s, g, g): the network's output over the grid at each snapshot.
        steps: array of shape (s,): the step of each snapshot.
        losses: array of shape (s,): the loss at each.
        grid: array of shape (g,): the grid on each axis of the input square.
        lr: the run's learning rate.
        inputs: the published names of the run's inputs (its batch, its start, its grid).
        default: the index of the snapshot shown before the reader moves anything (and without JavaScript).
    """

    data: NDArray[np.float64]
    steps: NDArray[np.float64]
    losses: NDArray[np.float64]
    grid: NDArray[np.float64]
    lr: float
    inputs: Mapping[str, str]
    default: int
    kind: ClassVar[Kind] = "explorer"

    def __post_init__(self) -> None:
        count, g = len(self.steps), len(self.grid)
        if self.data.shape != (count, g, g) or self.losses.shape != (count,) or not 0 <= self.default < count:
            raise ValueError(
                f"explorer {self.name!r} needs a surface of shape ({count}, {g}, {g}) and a loss per snapshot, "
                f"and a default among them; got surfaces of shape {self.data.shape}"
            )

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(self.steps),)

    def to_json(self) -> Json:
        surfaces: Json = self.data.tolist()
        return {
            "control": "step",
            "default": self.default,
            "lr": float(self.lr),
            "step": [int(s) for s in self.steps],
            "loss": [float(v) for v in self.losses],
            "grid": [float(v) for v in self.grid],
            "surface": surfaces,
            "inputs": dict(self.inputs),
        }


#: A value narrowed to its class; what the registry holds.
TypedValue: TypeAlias = (
    ScalarValue
    | ArrayValue
    | SurfaceValue
    | TensorValue
    | TraceValue
    | TableValue
    | LearningRateExplorer
    | TrainingExplorer
)


def scalar(name: str, data: ArrayLike, description: str) -> ScalarValue:
    """A number; `data` is anything NumPy makes a single float of."""
    return ScalarValue(name=name, data=float(np.asarray(data, dtype=np.float64)), description=description)


def array(name: str, data: ArrayLike, label: str, description: str) -> ArrayValue:
    """An array of 1 or 2 axes, shown after the TeX `label`."""
    return ArrayValue(name=name, data=np.asarray(data, dtype=np.float64), label=label, description=description)


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


def table(name: str, rows: ArrayLike, columns: tuple[str, ...], description: str) -> TableValue:
    """Rows of numbers under the TeX `columns`, the first of which is the step."""
    return TableValue(name=name, data=np.asarray(rows, dtype=np.float64), columns=columns, description=description)
