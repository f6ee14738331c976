r"""How each form of a value becomes HTML: the forms a marker's ``as=`` names, and a claim's number.

An explorer (``as=explorer``, its only form) is a slider with its label, a live readout of the numbers at the
slider's setting, and the setting's figure, all rendered for the default setting so that the page reads the same
without JavaScript (the slider is ``hidden`` until ``docs/javascripts/explorers.js`` shows it). Its element also
carries ``data-nnla-control`` (``lr`` or ``step``) and ``data-nnla-shown``: for each setting, the readout's words and
numbers as this module writes them, so that the script only puts text where it belongs and never formats a number
itself (the learning-rate explorer's figure carries each setting's curve the same way, `nnla_site.figures`).

Every element carries the value's name, its JSON at full float64 precision and its shape
(``data-nnla-name``, ``data-nnla-value``, ``data-nnla-shape``), so that anyone can check a page against the
engine; a value too large for its page (`Value.on_page`) names values.json instead of carrying its JSON.
TeX goes through the build's ``render_tex(tex, display)``; every number is written by
`nnla_site.latex` or `nnla_site.numbers`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import NDArray

from nnla_site import latex
from nnla_site.markers import claims
from nnla_site.numbers import decimals
from nnla_site.svg import describe
from nnla_site.svg.surface import surface_values
from nnla_site.value import (
    ArrayValue,
    LearningRateExplorer,
    ScalarValue,
    SurfaceValue,
    TableValue,
    TensorValue,
    TraceValue,
    TrainingExplorer,
    TypedValue,
    Value,
)

__all__ = ["BLOCK_FORMS", "FORMS", "TABLE_HEAD", "TABLE_TAIL", "RenderTex", "attributes", "claim", "shown_as"]

#: How a value can be shown, by its class; the first form is the default.
FORMS: Mapping[type[TypedValue], tuple[str, ...]] = {
    ScalarValue: ("inline",),
    ArrayValue: ("display", "inline"),
    SurfaceValue: ("display", "inline", "figure"),
    TensorValue: ("slices", "figure"),
    TraceValue: ("table", "figure"),
    TableValue: ("table",),
    LearningRateExplorer: ("explorer",),
    TrainingExplorer: ("explorer",),
}
#: Forms that are blocks: their marker must stand on a line of its own.
BLOCK_FORMS = frozenset({"display", "table", "figure", "slices", "explorer"})
#: What each regime of the learning-rate explorer means, as its readout says it.
REGIME_WORDS: Mapping[str, str] = {
    "stable": "stable: |r| < 1, the loss falls",
    "boundary": "the boundary: |r| = 1, the loss stays",
    "divergent": "divergent: |r| > 1, the loss grows",
}
#: Rows of a long table shown at its start and at its end.
TABLE_HEAD, TABLE_TAIL = 8, 3

#: Renders TeX to HTML: ``render_tex(tex, display)``.
RenderTex = Callable[[str, bool], str]


def attributes(value: Value, extra: str = "") -> str:
    """The attributes that name a shown value and carry its data: its name, its JSON and its shape.

    A value that is not carried on its page (`Value.on_page`) names values.json, where it is published, instead
    of carrying its JSON.
    """
    shape = json.dumps(list(value.shape))
    if not value.on_page:
        return f'data-nnla-name="{value.name}" data-nnla-published="values.json" data-nnla-shape="{shape}"{extra}'
    data = json.dumps(value.to_json(), separators=(",", ":"), allow_nan=False)
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
    if isinstance(value, LearningRateExplorer | TrainingExplorer):
        return _explorer(value, digits, figure())
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


def claim(value: ScalarValue, written: str, render_tex: RenderTex) -> str:
    """The HTML of a claim: the number as the prose writes it, typeset as every computed number is (a formula;
    `nnla_site.markers.claims.tex`)."""
    extra = f' data-nnla-claim="{html.escape(written)}"'
    shown = render_tex(claims.tex(written), False)
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
    # Cells run together in the search index ("steploss (MSE)03.67..."): the prose says what a table shows.
    table = f'<table data-search-exclude=""><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    return f'<div class="nnla-value nnla-table" {attributes(value)}>{table}</div>'


def _explorer(value: LearningRateExplorer | TrainingExplorer, digits: int, figures: str) -> str:
    """A slider, its live readout and its figures, rendered at the default setting (see the module's docstring)."""
    if isinstance(value, LearningRateExplorer):
        shown, label, readout = _learning_rate_readouts(value, digits)
    else:
        shown, label, readout = _training_readouts(value, digits)
    default = shown[value.default]
    outputs = readout.format(
        **{key: f'<output data-nnla-show="{key}">{html.escape(text)}</output>' for key, text in default.items()}
    )
    data = html.escape(json.dumps(shown, separators=(",", ":"), ensure_ascii=False))
    kind = "lr" if isinstance(value, LearningRateExplorer) else "step"
    extra = f' data-nnla-control="{kind}" data-nnla-shown="{data}"'
    control = (
        f'<div class="nnla-explorer-controls" hidden><label>{label} '
        f'<input type="range" min="0" max="{len(shown) - 1}" step="1" value="{value.default}" '
        f'aria-valuetext="{html.escape(default["valuetext"])}"></label></div>'
    )
    return (
        f'<div class="nnla-explorer" {attributes(value, extra)}>{control}'
        f'<p class="nnla-explorer-readout" aria-live="polite">{outputs}</p>{figures}</div>'
    )


def _learning_rate_readouts(value: LearningRateExplorer, digits: int) -> tuple[list[dict[str, str]], str, str]:
    """For each learning rate: η, r, r², the regime and the loss after the last step, as the readout writes them."""
    shown = []
    for run, r, regime in zip(value.data, value.factors, value.regimes, strict=True):
        lr = decimals(run.lr, digits).text()
        shown.append(
            {
                "lr": lr,
                "r": decimals(float(r), digits).text(),
                "r2": decimals(float(r * r), digits).text(),
                "regime": REGIME_WORDS[regime],
                "steps": str(len(run.losses) - 1),
                "loss": decimals(float(run.losses[-1]), digits).text(),
                "valuetext": f"η = {lr}",
            }
        )
    readout = (
        "<span>η = {lr}</span> <span>r = {r}</span> <span>r² = {r2}</span> <span>{regime}</span> "
        "<span>SSE after {steps} steps: {loss}</span>"
    )
    return shown, "The step η", readout


def _training_readouts(value: TrainingExplorer, digits: int) -> tuple[list[dict[str, str]], str, str]:
    """For each snapshot: its step, its MSE, and its surface's cells, title and text alternative."""
    shown = []
    for step, loss, Z in zip(value.steps, value.losses, value.data, strict=True):
        title = f"The network's output over the input square after {int(step)} steps of training."
        shown.append(
            {
                "step": str(int(step)),
                "loss": decimals(float(loss), digits).text(),
                "title": title,
                "desc": describe.join(title, describe.surface_summary(Z, value.grid)),
                "cells": json.dumps(surface_values(Z), ensure_ascii=False),
                "valuetext": f"step {int(step)}",
            }
        )
    readout = "<span>step {step}</span> <span>MSE {loss}</span>"
    return shown, "Training step", readout
