r"""How a value becomes HTML: the pieces every kind of value shows itself with, and a claim's number.

A kind of value (`proven_numbers.value.Value`) shows each of its forms through a `Showing`: one marker's digits,
the build's ``render_tex(tex, display)``, the registry (for a figure that draws another value beside its own), the
id prefix unique on the page, and the site's prefix for classes and data attributes. `Showing` writes the elements
every form shares: an inline formula, display formulas, a table, a figure.

Every element carries the value's name, its JSON at full float64 precision and its shape
(``data-PREFIX-name``, ``data-PREFIX-value``, ``data-PREFIX-shape``), so that anyone can check a page against the
engine; a value too large for its page (`Value.on_page`) names values.json instead of carrying its JSON.
Every number is written by `proven_numbers.latex` or `proven_numbers.numbers`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from proven_numbers.markers import claims
from proven_numbers.math_placing import display_box
from proven_numbers.numbers import decimals
from proven_numbers.value import ScalarValue, Value

__all__ = ["TABLE_HEAD", "TABLE_TAIL", "RenderTex", "Showing", "shown_as"]

#: Rows of a long table shown at its start and at its end.
TABLE_HEAD, TABLE_TAIL = 8, 3

#: Renders TeX to HTML: ``render_tex(tex, display)``.
RenderTex = Callable[[str, bool], str]


@dataclass(frozen=True)
class Showing:
    """What one marker's value is shown with.

    Attributes:
        digits: the most decimals of every number shown.
        render_tex: renders TeX to HTML.
        values: the registry, for a figure that draws another value beside its own.
        id_prefix: the prefix of every id the value's HTML holds, unique on its page.
        prefix: the site's prefix of classes and data attributes (``nnla`` gives ``nnla-value``, ``data-nnla-name``).
        published: where the site publishes its values (values.json), named by a value too large for its page.
    """

    digits: int
    render_tex: RenderTex
    values: Mapping[str, Value]
    id_prefix: str
    prefix: str
    published: str = "values.json"

    def attributes(self, value: Value, extra: str = "") -> str:
        """The attributes that name a shown value and carry its data: its name, its JSON and its shape."""
        p = self.prefix
        shape = json.dumps(list(value.shape))
        if not value.on_page:
            published = html.escape(self.published)
            return f'data-{p}-name="{value.name}" data-{p}-published="{published}" data-{p}-shape="{shape}"{extra}'
        data = json.dumps(value.to_json(), separators=(",", ":"), allow_nan=False)
        return f'data-{p}-name="{value.name}" data-{p}-value="{html.escape(data)}" data-{p}-shape="{shape}"{extra}'

    def inline(self, value: Value, tex: str) -> str:
        """The value as one inline formula."""
        return f'<span class="{self.prefix}-value" {self.attributes(value)}>{self.render_tex(tex, False)}</span>'

    def display(self, value: Value, formulas: Sequence[str]) -> str:
        """The value as display formulas, one below the other."""
        p = self.prefix
        rendered = "".join(display_box(p, self.render_tex(tex, True)) for tex in formulas)
        return f'<div class="{p}-value" {self.attributes(value)}>{rendered}</div>'

    def table(self, value: Value, rows: NDArray[np.float64], headings: Sequence[str]) -> str:
        """Rows under HTML `headings`, the first column a whole number; a long table loses its middle rows to one
        "⋮" row."""
        p = self.prefix
        shown = list(range(len(rows)))
        if len(rows) > TABLE_HEAD + TABLE_TAIL + 1:
            shown = [*range(TABLE_HEAD), -1, *range(len(rows) - TABLE_TAIL, len(rows))]
        head = "".join(f'<th scope="col">{h}</th>' for h in headings)
        body = []
        for index in shown:
            if index < 0:
                body.append(f'<tr class="{p}-elided"><td colspan="{len(headings)}">⋮</td></tr>')
                continue
            step, *cells = rows[index]
            numbers = "".join(f"<td>{decimals(cell, self.digits).html()}</td>" for cell in cells)
            body.append(f"<tr><td>{int(step)}</td>{numbers}</tr>")
        # Cells run together in the search index ("steploss (MSE)03.67..."): the prose says what a table shows.
        table = f'<table data-search-exclude=""><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        return f'<div class="{p}-value {p}-table" {self.attributes(value)}>{table}</div>'

    def claim(self, value: ScalarValue, written: str) -> str:
        """A claim: the number as the prose writes it, typeset as every computed number is (a formula;
        `proven_numbers.markers.claims.tex`)."""
        p = self.prefix
        extra = f' data-{p}-claim="{html.escape(written)}"'
        shown = self.render_tex(claims.tex(written), False)
        return f'<span class="{p}-value {p}-claim" {self.attributes(value, extra)}>{shown}</span>'


def shown_as(value: Value, form: str, showing: Showing) -> str:
    """The HTML of a value shown as one of its forms (``figure`` is drawn by the value, framed here)."""
    if form == "figure":
        return f'<figure class="{showing.prefix}-figure" {showing.attributes(value)}>{value.figure(showing)}</figure>'
    return value.show(form, showing)
