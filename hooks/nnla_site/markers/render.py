r"""Markers: how a page names a computed value, and how the build puts it there.

A marker is an HTML comment on one line, data and never code::

    <!-- nnla:NAME -->
    <!-- nnla:NAME as=inline digits=2 -->
    <!-- nnla:NAME claim=5.65 -->

`scan` finds the markers of a page (skipping code fences and code spans) and rejects malformed ones with the
page and line. `Injector.replace_markers` swaps each marker for a token that survives Markdown unchanged and
renders the value's HTML at once, so every error points at the marker's line; `Injector.inject` puts the HTML
in place of the tokens once Markdown has run.
"""

from __future__ import annotations

import difflib
import html
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from nnla_site import latex
from nnla_site.mdext import code_spans
from nnla_site.numbers import decimals
from nnla_site.values import Value

__all__ = ["FORMS", "OPTIONS", "Injector", "Marker", "MarkerError", "check_claim", "scan"]

#: How a value can be shown, by kind; the first form is the default.
FORMS: Mapping[str, tuple[str, ...]] = {
    "scalar": ("inline",),
    "array": ("display", "inline"),
    "array3": ("slices", "figure"),
    "trace": ("table", "figure"),
    "table": ("table",),
}
#: The options a marker may carry, with what each means.
OPTIONS: Mapping[str, str] = {
    "as": "how to show it: display, inline, table, figure or slices",
    "digits": "the most decimals shown, 0 to 12",
    "claim": "a number written in the prose, checked against the value at its written precision",
}
#: Forms that are blocks: their marker must stand on a line of its own.
BLOCK_FORMS = frozenset({"display", "table", "figure", "slices"})
#: Decimals shown when a marker does not say.
DEFAULT_DIGITS = 4
#: Rows of a long table shown at its start and at its end.
TABLE_HEAD, TABLE_TAIL = 8, 3

_CANDIDATE = re.compile(r"<!--\s*nnla\b", re.IGNORECASE)
_MARKER = re.compile(r"<!--\s*nnla:(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<options>(?:\s+[^\s=]+=[^\s]+?)*)\s*-->")
_OPTION = re.compile(r"([^\s=]+)=([^\s]+)")
_FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})")
_CLAIM_DECIMAL = re.compile(r"^-?\d{1,3}(?:_\d{3})+(?:\.\d+)?$|^-?\d+(?:\.\d+)?$")
_CLAIM_FRACTION = re.compile(r"^-?\d+/[1-9]\d*$")
_TOKEN_PREFIX = "NNLAVALUE"


class MarkerError(Exception):
    """A marker that cannot be shown: names the page, the line and what to do about it."""

    def __init__(self, page: str, line: int, message: str) -> None:
        super().__init__(f"{page}:{line}: {message}")
        self.page = page
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Marker:
    """One marker as written on a page.

    Attributes:
        name: the value's name.
        options: the marker's ``key=value`` options.
        line: the 1-based line of the page it stands on.
        text: the marker exactly as written.
        alone: whether it is the only thing on its line.
    """

    name: str
    options: Mapping[str, str]
    line: int
    text: str
    alone: bool


def _lines_outside_code(markdown: str) -> Iterator[tuple[int, str, list[tuple[int, int]]]]:
    """Yield (line number, line, code spans) for each line that is not inside a fenced block."""
    fence = ""
    for number, line in enumerate(markdown.splitlines(), start=1):
        match = _FENCE.match(line)
        if fence:
            if match and match.group("fence")[0] == fence[0] and len(match.group("fence")) >= len(fence):
                rest = line[match.end() :]
                if not rest.strip():
                    fence = ""
            continue
        if match:
            fence = match.group("fence")
            continue
        yield number, line, [(start, end) for start, _, _, end in code_spans(line)]


def _parse_options(page: str, line: int, name: str, text: str) -> dict[str, str]:
    options: dict[str, str] = {}
    for key, value in _OPTION.findall(text):
        if key not in OPTIONS:
            known = ", ".join(f"{k}= ({v})" for k, v in OPTIONS.items())
            raise MarkerError(page, line, f"marker for {name!r} has an unknown option {key!r}; known options: {known}")
        if key in options:
            raise MarkerError(page, line, f"marker for {name!r} gives the option {key!r} twice")
        options[key] = value
    if "digits" in options and not (options["digits"].isdigit() and 0 <= int(options["digits"]) <= 12):
        raise MarkerError(page, line, f"digits= takes a whole number from 0 to 12; got {options['digits']!r}")
    if "claim" in options:
        claim = options["claim"]
        if not (_CLAIM_DECIMAL.match(claim) or _CLAIM_FRACTION.match(claim)):
            raise MarkerError(
                page,
                line,
                f"claim= takes a number as written in prose (5.65, -13, 161_369.65 or 1/7); got {claim!r}",
            )
        if set(options) - {"claim"}:
            raise MarkerError(page, line, "claim= shows the number as written: it takes no other option")
    return options


def scan(markdown: str, page: str) -> list[Marker]:
    """Find every marker on a page, outside code fences and code spans.

    Args:
        markdown: the page's Markdown source.
        page: the page's path, for error messages.

    Returns:
        The markers in page order.

    Raises:
        MarkerError: a comment that starts like a marker but does not parse.
    """
    markers = []
    for number, line, spans in _lines_outside_code(markdown):
        for candidate in _CANDIDATE.finditer(line):
            if any(start <= candidate.start() < end for start, end in spans):
                continue
            match = _MARKER.match(line, candidate.start())
            if match is None:
                end = line.find("-->", candidate.start())
                written = line[candidate.start() : end + 3 if end >= 0 else len(line)]
                raise MarkerError(
                    page,
                    number,
                    f"malformed marker {written!r}: write <!-- nnla:NAME --> or <!-- nnla:NAME key=value -->, "
                    "on one line, with a name of letters, digits and underscores",
                )
            name = match.group("name")
            options = _parse_options(page, number, name, match.group("options"))
            alone = line.strip() == match.group()
            markers.append(Marker(name, options, number, match.group(), alone))
    return markers


def check_claim(claim: str, value: float) -> str | None:
    """Check a number written in prose against the value it claims, at the precision it is written.

    ``5.65`` holds for any value that rounds to 5.65 (within half a unit of its last decimal), ``-13`` for one
    that rounds to −13, and ``1/7`` only for 1/7 itself, up to float64 rounding.

    Args:
        claim: the number as written (digits may be grouped with ``_``).
        value: the computed value.

    Returns:
        None when the claim holds, else why not.
    """
    if _CLAIM_FRACTION.match(claim):
        exact = Fraction(claim)
        if math.isclose(value, float(exact), rel_tol=1e-9, abs_tol=1e-12):
            return None
        return f"the engine computes {value!r}, not {claim} = {float(exact)!r}"
    written = claim.replace("_", "")
    decimals = len(written.split(".")[1]) if "." in written else 0
    tolerance = 0.5 * 10.0**-decimals
    if abs(value - float(written)) <= tolerance * (1 + 1e-9):
        return None
    return f"the engine computes {value!r}, which is {round(value, decimals):.{decimals}f} to {decimals} decimals"


def _a(word: str) -> str:
    """The word with its indefinite article: "a scalar", "an array"."""
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _nearest(name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(repr(c) for c in close) + "?"
    return "known names: " + ", ".join(names)


def _attributes(value: Value, extra: str = "") -> str:
    data = json.dumps(value.to_json(), separators=(",", ":"), allow_nan=False)
    shape = json.dumps(list(value.shape))
    return f'data-nnla-name="{value.name}" data-nnla-value="{html.escape(data)}" data-nnla-shape="{shape}"{extra}'


def _form_key(value: Value) -> str:
    if value.kind == "array" and np.ndim(value.data) == 3:
        return "array3"
    return value.kind


@dataclass
class _Pending:
    token: str
    html: str
    block: bool
    line: int


@dataclass
class Injector:
    """Replaces markers with rendered values, page by page, and remembers which values were shown where.

    Attributes:
        values: the registry, from `nnla_site.values.compute_all`.
        render_tex: renders TeX to KaTeX HTML: ``render_tex(tex, display)``.
        draw_figure: draws a value's SVG figure: ``draw_figure(value, values)``.
        shown: for each value's name, the pages that show it.
    """

    values: Mapping[str, Value]
    render_tex: Callable[[str, bool], str]
    draw_figure: Callable[[Value, Mapping[str, Value]], str]
    shown: dict[str, set[str]] = field(default_factory=dict)
    _pending: dict[str, list[_Pending]] = field(default_factory=dict)

    def replace_markers(self, markdown: str, page: str) -> str:
        """Swap each marker of a page for a token, rendering its value now.

        Args:
            markdown: the page's Markdown source.
            page: the page's path (``part-1.md``).

        Returns:
            The Markdown with tokens in place of markers, on the same lines.

        Raises:
            MarkerError: an unknown name, a form the value does not have, a block marker sharing its line,
                a marker in a heading, or a claim that does not hold.
        """
        lines = markdown.splitlines(keepends=True)
        pending = self._pending[page] = []
        for marker in scan(markdown, page):
            rendered, block = self._render(marker, page)
            token = f"{_TOKEN_PREFIX}{len(pending):04d}Z"
            index = marker.line - 1
            lines[index] = lines[index].replace(marker.text, token, 1)
            pending.append(_Pending(token, rendered, block, marker.line))
            self.shown.setdefault(marker.name, set()).add(page)
        return "".join(lines)

    def inject(self, content: str, page: str) -> str:
        """Put each rendered value where its token stands in the page's HTML.

        Raises:
            MarkerError: a token did not come through Markdown as a token (for instance a marker inside a link
                or an HTML attribute), so its value would be missing from the page.
        """
        for item in self._pending.pop(page, []):
            wrapped = f"<p>{item.token}</p>"
            if item.block and wrapped in content:
                content = content.replace(wrapped, item.html, 1)
            elif item.token in content:
                content = content.replace(item.token, item.html, 1)
            else:
                raise MarkerError(
                    page,
                    item.line,
                    "the marker on this line did not reach the page: move it out of the link, "
                    "heading or HTML attribute it stands in",
                )
        if _TOKEN_PREFIX in content:
            raise MarkerError(page, 0, "a marker's value was placed twice or not at all; check markers in headings")
        return content

    def unshown(self) -> list[str]:
        """The names of values no page has shown."""
        return [name for name in self.values if name not in self.shown]

    def _render(self, marker: Marker, page: str) -> tuple[str, bool]:
        value = self.values.get(marker.name)
        if value is None:
            raise MarkerError(
                page,
                marker.line,
                f"unknown value {marker.name!r} in {marker.text}: {_nearest(marker.name, list(self.values))}",
            )
        if "claim" in marker.options:
            return self._render_claim(marker, value, page), False
        forms = FORMS[_form_key(value)]
        form = marker.options.get("as", forms[0])
        if form not in forms:
            raise MarkerError(
                page,
                marker.line,
                f"{marker.name!r} is {_a(value.kind)} of shape {value.shape} and cannot be shown as={form}; "
                f"it can be shown as: {', '.join(forms)}",
            )
        block = form in BLOCK_FORMS
        if block and not marker.alone:
            raise MarkerError(
                page,
                marker.line,
                f"as={form} is a block: put {marker.text} on a line of its own, with blank lines around",
            )
        digits = int(marker.options.get("digits", DEFAULT_DIGITS))
        if form == "figure":
            svg = self.draw_figure(value, self.values)
            return f'<figure class="nnla-figure" {_attributes(value)}>{svg}</figure>', True
        if form == "table":
            return self._render_table(value, digits), True
        if form == "slices":
            return self._render_slices(value, digits), True
        if value.kind == "scalar":
            tex = latex.number(value.data, digits)
            return (
                f'<span class="nnla-value" {_attributes(value)}>{self.render_tex(tex, False)}</span>',
                False,
            )
        if form == "inline":
            tex = latex.matrix(value.data, digits)
            return (
                f'<span class="nnla-value" {_attributes(value)}>{self.render_tex(tex, False)}</span>',
                False,
            )
        tex = f"{value.label} = {latex.matrix(value.data, digits)} \\in {latex.shape(value.shape)}"
        return self._display_block(value, [tex]), True

    def _display_block(self, value: Value, formulas: list[str]) -> str:
        rendered = "".join(f'<div class="nnla-math-display">{self.render_tex(tex, True)}</div>' for tex in formulas)
        return f'<div class="nnla-value" {_attributes(value)}>{rendered}</div>'

    def _render_claim(self, marker: Marker, value: Value, page: str) -> str:
        claim = marker.options["claim"]
        if value.kind != "scalar":
            raise MarkerError(
                page,
                marker.line,
                f"claim= checks a number, but {marker.name!r} is {_a(value.kind)} of shape {value.shape}",
            )
        problem = check_claim(claim, value.data)
        if problem is not None:
            raise MarkerError(
                page,
                marker.line,
                f"the prose claims {marker.name} = {claim}, but {problem}; correct the prose or the example",
            )
        shown = claim.replace("-", "\N{MINUS SIGN}").replace("_", "\N{NARROW NO-BREAK SPACE}")
        extra = f' data-nnla-claim="{html.escape(claim)}"'
        return f'<span class="nnla-value nnla-claim" {_attributes(value, extra)}>{shown}</span>'

    def _render_slices(self, value: Value, digits: int) -> str:
        tensor = np.asarray(value.data)
        n, z, _ = tensor.shape
        formulas = [
            rf"\left[\frac{{\partial \ell_k}}{{\partial w_{{{i + 1} j}}}}\right]_{{j,k}} = "
            rf"{latex.matrix(tensor[i], digits)} \in {latex.shape((z, z))}"
            for i in range(n)
        ]
        return self._display_block(value, formulas)

    def _render_table(self, value: Value, digits: int) -> str:
        if value.kind == "trace":
            losses = np.asarray(value.data.losses)
            rows: Any = np.column_stack([np.arange(len(losses)), losses])
            loss = "SSE" if value.data.reduction == "sum" else "MSE"
            headings = ["step", f"loss ({loss})"]
        else:
            rows = np.asarray(value.data)
            headings = [self.render_tex(column, False) for column in value.columns]
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
        return f'<div class="nnla-value nnla-table" {_attributes(value)}>{table}</div>'
