r"""One named value a page can show: the base class every kind of value derives from, and the three built in.

- `ScalarValue`: a finite float, shown inline or checked by a claim.
- `ArrayValue`: an array of shape (z,) or (m, z), shown as a matrix.
- `TableValue`: rows of numbers under headings of text and math, the first column a whole number (a step, an index).

A site's registry returns plain numbers and 1-D or 2-D NumPy arrays as they are (`coerce` wraps them), or values
made with `scalar`, `array` and `table`, or values of its own kinds: a subclass of `Value` that names its `forms`
and says how it shows each (`Value.show`) and, if it has one, draws its figure (`Value.figure`). A site's kinds
come in through the same door as these three; nothing in this package knows them.
"""

from __future__ import annotations

import html
import math
import numbers as abstract_numbers
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from proven_numbers import origin

if TYPE_CHECKING:
    from proven_numbers.markers.render import Showing

__all__ = [
    "BLOCK_FORMS",
    "ArrayValue",
    "Json",
    "RegistryError",
    "ScalarValue",
    "TableValue",
    "Value",
    "array",
    "coerce",
    "scalar",
    "table",
]

#: A value as JSON data.
Json: TypeAlias = float | int | bool | str | list["Json"] | dict[str, "Json"]
#: The forms that are blocks: a marker showing one must stand on a line of its own.
BLOCK_FORMS = frozenset({"display", "table", "figure"})
#: A name a marker can use: letters, digits and underscores, not starting with a digit.
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z", re.ASCII)


class RegistryError(ValueError):
    """A value the registry cannot hold, naming the value and what is wrong with it."""


@dataclass(frozen=True, kw_only=True)
class Value(ABC):
    """What every named value has, whatever its data.

    Attributes:
        name: the name a marker uses.
        description: one sentence a reader (and values.json) gets.
        data: the value itself, typed by each subclass.
        kind: the kind values.json publishes.
        forms: how a marker may show it (``as=``); the first is the default.
        block_forms: which of its forms are blocks (a marker on a line of its own).
        on_page: whether the elements that show it carry its JSON (``data-PREFIX-value``). A value too large to
            carry on every reader's page says so instead (``data-PREFIX-published="values.json"``) and is
            published at full precision in the site's values.json alone.
    """

    name: str
    description: str
    data: Any
    kind: ClassVar[str]
    forms: ClassVar[tuple[str, ...]]
    block_forms: ClassVar[frozenset[str]] = BLOCK_FORMS
    on_page: ClassVar[bool] = True

    def __new__(cls, *args: Any, **kwargs: Any) -> Value:
        made = super().__new__(cls)
        object.__setattr__(made, "_made_at", origin.from_stack(Value))  # before __post_init__ can refuse it
        return made

    @property
    def made_at(self) -> str:
        """``FILE:LINE in FUNCTION`` of the site's code that made the value ("" if this package made it, from a
        registry's plain number or array)."""
        return str(getattr(self, "_made_at", ""))

    @property
    @abstractmethod
    def shape(self) -> tuple[int, ...]:
        """The value's shape: ``()`` for a scalar."""

    @abstractmethod
    def to_json(self) -> Json:
        """The value as JSON data at full float64 precision."""

    @abstractmethod
    def show(self, form: str, showing: Showing) -> str:
        """The HTML of the value shown as `form`, one of `forms` other than ``figure``."""

    def figure(self, showing: Showing) -> str:
        """The value's figure (SVG markup), for the form ``figure``; a kind that lists that form draws it."""
        raise TypeError(f"the value {self.name!r} ({type(self).__name__}) has no figure")


@dataclass(frozen=True, kw_only=True)
class ScalarValue(Value):
    """A finite number."""

    data: float
    kind: ClassVar[str] = "scalar"
    forms: ClassVar[tuple[str, ...]] = ("inline",)

    def __post_init__(self) -> None:
        if not math.isfinite(self.data):
            raise RegistryError(f"value {self.name!r} is not finite: {self.data!r}")

    @property
    def shape(self) -> tuple[int, ...]:
        return ()

    def to_json(self) -> Json:
        return self.data

    def show(self, form: str, showing: Showing) -> str:
        from proven_numbers import latex

        return showing.inline(self, latex.number(self.data, showing.digits))


@dataclass(frozen=True, kw_only=True)
class Grid(Value):
    """A value whose data is a finite float64 array of `axes` axes, published as nested lists."""

    data: NDArray[np.float64]
    axes: ClassVar[tuple[int, ...]]

    def __post_init__(self) -> None:
        if self.data.ndim not in self.axes:
            allowed = " or ".join(str(count) for count in self.axes)
            raise RegistryError(
                f"{type(self).__name__} {self.name!r} takes an array of {allowed} axes; got shape {self.data.shape}: "
                "make it with the constructor of its shape"
            )
        if not np.isfinite(self.data).all():
            index = tuple(int(i) for i in np.argwhere(~np.isfinite(self.data))[0])
            raise RegistryError(f"value {self.name!r} holds {self.data[index]} at index {index}: not a finite number")

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    def to_json(self) -> Json:
        nested: Json = self.data.tolist()
        return nested


@dataclass(frozen=True, kw_only=True)
class ArrayValue(Grid):
    r"""An array of shape (z,) or (m, z), shown as a matrix after `label` (TeX, as in ``\mathbf{x}``)."""

    label: str
    kind: ClassVar[str] = "array"
    forms: ClassVar[tuple[str, ...]] = ("display", "inline")
    axes: ClassVar[tuple[int, ...]] = (1, 2)

    def show(self, form: str, showing: Showing) -> str:
        from proven_numbers import latex

        if form == "inline":
            return showing.inline(self, latex.matrix(self.data, showing.digits))
        tex = f"{self.label} = {latex.matrix(self.data, showing.digits)} \\in {latex.shape(self.shape)}"
        return showing.display(self, [tex])


@dataclass(frozen=True, kw_only=True)
class TableValue(Grid):
    """Rows of numbers under `columns`; the first column is a whole number, such as a step.

    A heading is text, with math written as on a page, between `` $` `` and `` `$ ``: "loss $`Z`$". A heading
    must hold some text, not math alone: a screen reader reads a column's heading from its text, and a formula
    is read as a formula, which a table's heading cannot hold (axe-core's `empty-table-header`).
    """

    columns: tuple[str, ...]
    kind: ClassVar[str] = "table"
    forms: ClassVar[tuple[str, ...]] = ("table",)
    axes: ClassVar[tuple[int, ...]] = (2,)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.data.shape[1] != len(self.columns):
            raise RegistryError(
                f"table {self.name!r} has {self.data.shape[1]} columns but {len(self.columns)} headings"
            )
        for column in self.columns:
            _heading_parts(self.name, column)
        first = self.data[:, 0]
        if not (first == np.round(first)).all():
            row = int(np.argmax(first != np.round(first)))
            raise RegistryError(
                f"table {self.name!r}: its first column is shown as a whole number, "
                f"but row {row} holds {float(first[row])!r}"
            )

    def show(self, form: str, showing: Showing) -> str:
        headings = [
            "".join(showing.render_tex(part, False) if math else html.escape(part) for math, part in parts)
            for parts in (_heading_parts(self.name, column) for column in self.columns)
        ]
        return showing.table(self, self.data, headings)


_HEADING_MATH_RE = re.compile(r"\$`(.*?)`\$", re.S)


def _heading_parts(name: str, heading: str) -> list[tuple[bool, str]]:
    """A table's heading as its pieces of text (False) and of math (True); an error if it has no text."""
    parts: list[tuple[bool, str]] = []
    last = 0
    for m in _HEADING_MATH_RE.finditer(heading):
        parts += [(False, heading[last : m.start()]), (True, m.group(1))]
        last = m.end()
    parts.append((False, heading[last:]))
    text = "".join(part for math, part in parts if not math)
    if "$`" in text or "`$" in text:
        raise RegistryError(f"table {name!r}: the heading {heading!r} opens math with $` and does not close it (`$)")
    if not text.strip():
        raise RegistryError(
            f"table {name!r}: the heading {heading!r} is math alone; give it some text (a screen reader reads a "
            'column by its heading\'s text), as in "loss $`Z`$"'
        )
    return [(math, part) for math, part in parts if part]


def scalar(name: str, data: ArrayLike, description: str = "") -> ScalarValue:
    """A number; `data` is anything NumPy makes a single real float of."""
    return ScalarValue(name=name, data=_real(name, data, scalar=True).item(), description=description)


def array(name: str, data: ArrayLike, label: str = "", description: str = "") -> ArrayValue:
    r"""An array of 1 or 2 axes, shown after the TeX `label` (by default the name, as ``\mathrm{name}``)."""
    return ArrayValue(name=name, data=_real(name, data), label=label or _label(name), description=description)


def table(name: str, rows: ArrayLike, columns: tuple[str, ...], description: str = "") -> TableValue:
    """Rows of numbers under `columns`, headings of text with math as on a page ("loss $`Z`$"), the first
    column a whole number."""
    return TableValue(name=name, data=_real(name, rows), columns=columns, description=description)


def _label(name: str) -> str:
    return r"\mathrm{" + name.replace("_", r"\_") + "}"


def _real(name: str, data: ArrayLike, scalar: bool = False) -> NDArray[np.float64]:
    """`data` as a float64 array, or an error naming the value: not real numbers, out of float64's range."""
    try:
        raw = np.asarray(data)
    except (TypeError, ValueError, OverflowError) as exc:
        raise RegistryError(f"value {name!r} is not an array of real numbers: {exc}") from None
    if raw.dtype.kind not in "biuf":
        raise RegistryError(f"value {name!r} holds {raw.dtype} data; a value holds real numbers (float64)")
    if scalar and raw.shape != ():
        raise RegistryError(f"value {name!r} is a scalar but its data has shape {raw.shape}")
    with np.errstate(over="ignore"):
        converted = raw.astype(np.float64)
    return converted


def coerce(name: str, value: object) -> Value:
    """The registry's entry `name` as a `Value`: a value as it is; a plain number or NumPy scalar as a
    `ScalarValue`; a NumPy array of one or two axes as an `ArrayValue` labelled with its name.

    Raises:
        RegistryError: naming the value, for a name a marker cannot write, a value whose name differs from its key,
            or data of no kind this package knows (a string, a complex number, a 3-D array, ...).
    """
    if not isinstance(name, str) or not NAME.match(name):
        raise RegistryError(
            f"the registry names a value {name!r}: a name is letters, digits and underscores, not starting with a digit"
        )
    if isinstance(value, Value):
        if value.name != name:
            raise RegistryError(f"the registry's entry {name!r} holds a value named {value.name!r}")
        return value
    if isinstance(value, bool | np.bool_):
        raise RegistryError(f"value {name!r} is a bool; a value is a number, an array or a kind of the site's")
    if isinstance(value, np.generic) and np.isrealobj(value):
        return scalar(name, value)
    if isinstance(value, abstract_numbers.Real):
        try:
            return scalar(name, float(value))
        except OverflowError:
            raise RegistryError(f"value {name!r} is not finite in float64: {value!r} is out of its range") from None
    if isinstance(value, np.ndarray) and value.ndim in (1, 2):
        return array(name, value)
    shape = f" of shape {value.shape}" if isinstance(value, np.ndarray) else ""
    raise RegistryError(
        f"value {name!r} is a {type(value).__name__}{shape}: the registry takes numbers, NumPy arrays of 1 or 2 axes, "
        "and values of a kind (a subclass of proven_numbers.Value)"
    )


#: A callable that makes a site's registry: no arguments, a mapping from names to values.
Registry = Callable[[], Mapping[str, object]]
