r"""How each form of a value becomes HTML: the forms a marker's ``as=`` names, and a claim's number.

Every element carries the value's name, its JSON at full float64 precision and its shape
(``data-nnla-name``, ``data-nnla-value``, ``data-nnla-shape``), so that anyone can check a page against the
engine. TeX goes through the build's ``render_tex(tex, display)``; every number is written by
`nnla_site.latex` or `nnla_site.numbers`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import NDArray

from nnla_site import latex
from nnla_site.numbers import decimals
from nnla_site.value import ArrayValue, ScalarValue, TableValue, TensorValue, TraceValue, TypedValue, Value

__all__ = ["BLOCK_FORMS", "FORMS", "TABLE_HEAD", "TABLE_TAIL", "RenderTex", "attributes", "claim", "shown_as"]

#: How a value can be shown, by its class; the first form is the default.
FORMS: Mapping[type[TypedValue], tuple[str, ...]] = {
    ScalarValue: ("inline",),
    ArrayValue: ("display", "inline"),
    TensorValue: ("slices", "figure"),
    TraceValue: ("table", "figure"),
    TableValue: ("table",),
}
#: Forms that are blocks: their marker must stand on a line of its own.
BLOCK_FORMS = frozenset({"display", "table", "figure", "slices"})
#: Rows of a long table shown at its start and at its end.
TABLE_HEAD, TABLE_TAIL = 8, 3

#: Renders TeX to HTML: ``render_tex(tex, display)``.
RenderTex = Callable[[str, bool], str]


def attributes(value: Value, extra: str = "") -> str:
    """The attributes that name a shown value and carry its data: its name, its JSON and its shape."""
    data = json.dumps(value.to_json(), separators=(",", ":"), allow_nan=False)
    shape = json.dumps(list(value.shape))
    return f'data-nnla-name="{value.name}" data-nnla-value="{html.escape(data)}" data-nnla-shape="{shape}"{extra}'


def shown_as(value: TypedValue, form: str, digits: int, render_tex: RenderTex, figure: Callable[[], str]) -> str:
    """The HTML of a value shown as one of its forms.

    Args:
        value: the value.
        form: one of ``FORMS[type(value)]``.
        digits: the most decimals of every number shown.
        render_tex: renders TeX to HTML.
        figure: draws the value's SVG figure, for ``figure``.
    """
    if form == "figure":
        return f'<figure class="nnla-figure" {attributes(value)}>{figure()}</figure>'
    if isinstance(value, ScalarValue):
        return _inline(value, latex.number(value.data, digits), render_tex)
    if isinstance(value, ArrayValue):
        if form == "inline":
            return _inline(value, latex.matrix(value.data, digits), render_tex)
        tex = f"{value.label} = {latex.matrix(value.data, digits)} \\in {latex.shape(value.shape)}"
        return _display(value, [tex], render_tex)
    if isinstance(value, TensorValue):
        return _slices(value, digits, render_tex)
    return _table(value, digits, render_tex)


def claim(value: ScalarValue, written: str) -> str:
    """The HTML of a claim: the number as the prose writes it, with a real minus sign and thin-space groups."""
    shown = written.replace("-", "\N{MINUS SIGN}").replace("_", "\N{NARROW NO-BREAK SPACE}")
    extra = f' data-nnla-claim="{html.escape(written)}"'
    return f'<span class="nnla-value nnla-claim" {attributes(value, extra)}>{shown}</span>'


def _inline(value: Value, tex: str, render_tex: RenderTex) -> str:
    return f'<span class="nnla-value" {attributes(value)}>{render_tex(tex, False)}</span>'


def _display(value: Value, formulas: list[str], render_tex: RenderTex) -> str:
    rendered = "".join(f'<div class="nnla-math-display">{render_tex(tex, True)}</div>' for tex in formulas)
    return f'<div class="nnla-value" {attributes(value)}>{rendered}</div>'


def _slices(value: TensorValue, digits: int, render_tex: RenderTex) -> str:
    """The weight Jacobian as one matrix [j, k] per row i of W."""
    n, z, _ = value.shape
    formulas = [
        rf"\left[\frac{{\partial \ell_k}}{{\partial w_{{{i + 1} j}}}}\right]_{{j,k}} = "
        rf"{latex.matrix(value.data[i], digits)} \in {latex.shape((z, z))}"
        for i in range(n)
    ]
    return _display(value, formulas, render_tex)


def _table(value: TraceValue | TableValue, digits: int, render_tex: RenderTex) -> str:
    """A trace's loss at each step, or a table's rows; a long one loses its middle rows to one "⋮" row."""
    rows: NDArray[np.float64]
    if isinstance(value, TraceValue):
        losses = value.data.losses
        rows = np.column_stack([np.arange(len(losses)), losses])
        loss = "SSE" if value.data.reduction == "sum" else "MSE"
        headings = ["step", f"loss ({loss})"]
    else:
        rows = value.data
        headings = [render_tex(column, False) for column in value.columns]
    shown = list(range(len(rows)))
    if len(rows) > TABLE_HEAD + TABLE_TAIL + 1:
        shown = [*range(TABLE_HEAD), -1, *range(len(rows) - TABLE_TAIL, len(rows))]
    head = "".join(f'<th scope="col">{h}</th>' for h in headings)
    body = []
    for index in shown:
        if index < 0:
            body.append(f'<tr class="nnla-elided"><td colspan="{len(headings)}">⋮</td></tr>')
            continue
        step, *cells = rows[index]
        numbers = "".join(f"<td>{decimals(cell, digits).html()}</td>" for cell in cells)
        body.append(f"<tr><td>{int(step)}</td>{numbers}</tr>")
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    return f'<div class="nnla-value nnla-table" {attributes(value)}>{table}</div>'
