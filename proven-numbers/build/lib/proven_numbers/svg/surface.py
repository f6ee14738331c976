r"""The surface figure: a network's output over a grid of the input square, as a heat map of labelled cells.

Each cell is one point $`(x_1, x_2)`$ of the grid, $`x_1`$ down the rows and $`x_2`$ across the columns, as in
the matrix the page shows beside it. A cell's hue says on which side of `MIDPOINT` the output lies (blue below,
vermillion above, the tensor figure's colour-blind-safe pair) and its opacity how far from it, up to `SPAN` away;
the value itself is written in the cell, so the colour is never the only carrier of the number.

The root carries the scale (``data-midpoint``, ``data-span``, ``data-opacity``) and the length from which a label is
written smaller (``data-long-label``), so that a script that recolours the cells for another surface (the training
explorer) uses the figure's own scale rather than a copy of it.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from proven_numbers import numbers
from proven_numbers.svg import describe, validate
from proven_numbers.svg.markup import esc, num, svg, text
from proven_numbers.svg.tensor import NEGATIVE_COLOUR, POSITIVE_COLOUR

__all__ = ["MIDPOINT", "OPACITY", "SPAN", "cell_opacity", "cell_side", "surface_figure"]

#: The output the colour scale is centred on: halfway between XOR's two targets.
MIDPOINT = 0.5
#: How far from the midpoint the colour reaches its full opacity.
SPAN = 0.5
#: The opacity of a cell at the midpoint, and what it gains at `SPAN` from it (text stays legible on the deepest).
OPACITY = (0.06, 0.44)
#: Decimals of the value written in each cell.
CELL_DIGITS = 2
#: A cell's label this long or longer (a power of ten, such as 5.48×10⁻⁵) is written smaller, to fit its cell.
LONG_LABEL = 6

_SURFACE_CSS = """\
{p} .nnla-high rect{{fill:var(--nnla-positive,{pos});stroke:var(--nnla-positive,{pos});stroke-width:1}}
{p} .nnla-low rect{{fill:var(--nnla-negative,{neg});stroke:var(--nnla-negative,{neg});stroke-width:1}}
{p} .nnla-frame{{fill:none;stroke:var(--nnla-fg,currentColor);stroke-opacity:.35;stroke-width:1}}
{p} .nnla-axis-title{{font-style:italic}}
{p} .nnla-long{{font-size:10px}}
"""
_CELL_W, _CELL_H = 58.0, 40.0
_LEFT, _TOP, _MARGIN = 58.0, 46.0, 8.0
_KEY_W = 104.0


def cell_side(value: float) -> str:
    """The class of a cell's hue: ``nnla-high`` at or above the midpoint, ``nnla-low`` below."""
    return "nnla-high" if value >= MIDPOINT else "nnla-low"


def cell_opacity(value: float) -> float:
    """The fill opacity of a cell: `OPACITY` [0] at the midpoint, growing to the sum of both at `SPAN` from it."""
    base, gain = OPACITY
    return base + gain * min(1.0, abs(value - MIDPOINT) / SPAN)


def surface_figure(Z: ArrayLike, grid: ArrayLike, *, title: str, description: str, id_prefix: str) -> str:
    r"""Draw the output over the square: ``Z[r, c]`` at $`(x_1, x_2)`$ = ``(grid[r], grid[c])``.

    Args:
        Z: array of shape (g, g), finite.
        grid: array of shape (g,), the points of each axis, increasing.
        title: the figure's accessible name (its ``<title>``).
        description: what the figure shows, in prose; a summary of the data is appended to it.
        id_prefix: a unique id for the figure on its page (a letter, then letters, digits, ``-``, ``_``).

    Returns:
        The ``<svg>`` element as a string.

    Raises:
        ValueError: `Z` is not finite or not (g, g) for the grid's g, the grid does not increase, or another
            argument is invalid.
        TypeError: an argument has the wrong type.
    """
    p = validate.identifier(id_prefix)
    title = validate.text(title, "title")
    description = validate.text(description, "description", allow_empty=True)
    S, axis = validate.surface(Z, grid)
    g = axis.size
    width = round(_LEFT + g * _CELL_W + _MARGIN)
    height = round(_TOP + g * _CELL_H + 52)
    ticks = [numbers.decimals(float(v), CELL_DIGITS).text() for v in axis]

    out = [
        text(_LEFT + g * _CELL_W / 2, 12, ("x₂ (across)", ""), "middle", "nnla-axis-title"),
        f'<text data-search-exclude="" class="nnla-axis-title" x="14" y="{num(_TOP + g * _CELL_H / 2)}" '
        f'dy=".35em" text-anchor="middle" '
        f'transform="rotate(-90 14 {num(_TOP + g * _CELL_H / 2)})">x₁ (down)</text>',
    ]
    for m, tick in enumerate(ticks):
        out.append(text(_LEFT + (m + 0.5) * _CELL_W, _TOP - 12, (tick, ""), "middle", "nnla-faint"))
        out.append(text(_LEFT - 8, _TOP + (m + 0.5) * _CELL_H, (tick, ""), "end", "nnla-faint"))
    out.append(
        f'<rect class="nnla-frame" x="{num(_LEFT)}" y="{num(_TOP)}" width="{num(g * _CELL_W)}" '
        f'height="{num(g * _CELL_H)}"/>'
    )
    for r in range(g):
        for c in range(g):
            out.append(_cell(_LEFT + c * _CELL_W, _TOP + r * _CELL_H, float(S[r, c]), (r + 1, c + 1)))
    out.append(_key(width, height - 22))
    desc = describe.join(description, describe.surface_summary(S, axis))
    colours = {"pos": POSITIVE_COLOUR, "neg": NEGATIVE_COLOUR}
    scale = {
        "data-midpoint": repr(MIDPOINT),
        "data-span": repr(SPAN),
        "data-opacity": " ".join(map(repr, OPACITY)),
        "data-long-label": str(LONG_LABEL),
    }
    return svg(p, width, height, "nnla-surface", title, desc, _SURFACE_CSS, colours, out, scale)


def cell_label(value: float) -> str:
    """The number written in a cell."""
    return numbers.decimals(value, CELL_DIGITS).text()


def _cell(x: float, y: float, value: float, index: tuple[int, int]) -> str:
    """One point of the grid: a rectangle shaded by the output, and the output written in it."""
    r, c = index
    label = cell_label(value)
    size = "nnla-value nnla-long" if len(label) >= LONG_LABEL else "nnla-value"
    return (
        f'<g class="nnla-cell {cell_side(value)}" data-index="{r},{c}" data-value="{esc(repr(value))}">'
        f'<rect x="{num(x + 1)}" y="{num(y + 1)}" width="{num(_CELL_W - 2)}" height="{num(_CELL_H - 2)}" '
        f'fill-opacity="{cell_opacity(value):.3f}"/>'
        f"{text(x + _CELL_W / 2, y + _CELL_H / 2, (label, ''), 'middle', size)}</g>"
    )


def _key(width: float, y: float) -> str:
    """The colour key: the deepest blue, the midpoint, the deepest vermillion, each with its output."""
    entries = [
        ("nnla-low", MIDPOINT - SPAN, f"≤ {cell_label(MIDPOINT - SPAN)}"),
        ("nnla-high", MIDPOINT, cell_label(MIDPOINT)),
        ("nnla-high", MIDPOINT + SPAN, f"≥ {cell_label(MIDPOINT + SPAN)}"),
    ]
    left = (width - len(entries) * _KEY_W) / 2
    parts = []
    for slot, (side, value, word) in enumerate(entries):
        x = left + slot * _KEY_W
        parts.append(
            f'<g class="nnla-key {side}"><rect x="{num(x)}" y="{num(y - 8)}" width="16" height="16" '
            f'fill-opacity="{cell_opacity(value):.3f}"/>{text(x + 22, y, (word, ""), "start", "nnla-key-label")}</g>'
        )
    return "".join(parts)


def surface_values(Z: NDArray[np.float64]) -> list[list[str]]:
    """The number written in each cell of a surface, row by row (for a script that redraws the cells)."""
    return [[cell_label(float(v)) for v in row] for row in Z]
