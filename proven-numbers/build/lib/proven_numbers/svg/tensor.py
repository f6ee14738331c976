r"""The tensor figure: a tensor of shape (n, z, z), such as a Jacobian, drawn as the n × z × z block it is.

The block is drawn in an oblique projection: each slice ``J[i]`` is a z×z grid laid flat, a floor whose rows
recede up and to the right (row j = 1 at the back, as the first row of a matrix is on top; column k = 1 on the
left), and the n floors are stacked down the page, i = 1 on top, joined at their corners by the block's edges.
Every cell stays in view and shows its value upright, so a phone can read it; a zero is a dotted, empty cell with
a faint 0, so that the pattern of zeros (for the essay's Jacobian, everything off the diagonal j = k) is seen at
a glance.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from proven_numbers.svg import describe, validate
from proven_numbers.svg.markup import esc, line, num, svg, text, text_width

__all__ = ["NEGATIVE_COLOUR", "POSITIVE_COLOUR", "tensor_figure"]

#: Fallback colours of positive and negative tensor entries (vermillion and blue: a colour-blind-safe pair).
POSITIVE_COLOUR = "#d9541e"
NEGATIVE_COLOUR = "#2a7fd4"
#: The height of a row of a floor on the page, and how far right each row recedes, as a fraction of a cell's width.
ROW_HEIGHT, RECEDE = 44.0, 0.45
#: The width of a floor's front edge, at most: a cell is 84 wide, narrower when z is large (but never narrower
#: than its label).
BLOCK_FRONT = 336.0
#: The space between two floors of the stack.
FLOOR_GAP = 30.0
#: The text size of the figure (the caption's is `CAPTION_PX`): larger than a loss plot's, since the figure is
#: narrow, drawn about at its size on a phone and on a wide screen alike.
TENSOR_FONT_PX, CAPTION_PX = 16, 14

_TENSOR_CSS = """\
{p}{{font-size:{font_px}px}}
{p} .nnla-caption{{font-size:{caption_px}px}}
{p} .nnla-positive rect{{fill:var(--nnla-positive,{pos});stroke:var(--nnla-positive,{pos});stroke-width:1.5}}
{p} .nnla-negative rect{{fill:var(--nnla-negative,{neg});stroke:var(--nnla-negative,{neg});stroke-width:1.5}}
{p} .nnla-zero rect{{fill:none;stroke:var(--nnla-fg,currentColor);stroke-opacity:.6;stroke-dasharray:2 3}}
{p} .nnla-cell.nnla-zero text{{opacity:.7}}
{p} .nnla-edge{{stroke:var(--nnla-fg,currentColor);stroke-opacity:.45;stroke-width:1}}
{p} .nnla-outline{{fill:none;stroke:var(--nnla-fg,currentColor);stroke-opacity:.45;stroke-width:1}}
"""


def tensor_figure(
    J: ArrayLike,
    *,
    title: str,
    description: str,
    id_prefix: str,
    row_label: str = "i",
    col_label: str = "j",
    depth_label: str = "k",
) -> str:
    r"""Draw a tensor of shape (n, z, z), such as the Jacobian of the loss vector with respect to W, as a block.

    With the essay's layout, ``J[i, j, k]`` $`= \partial \ell_k / \partial w_{ij}`$: the first index is the
    row of W, the second its column, the third the loss component. The figure draws the block of n slices
    ``J[i]``, each a z×z floor whose cell in row j and column k holds ``J[i, j, k]`` (see the module's docstring).
    Indices are shown counting from 1, as in the essay. A cell is shaded on a diverging scale (positive and
    negative in two hues, the opacity growing with the magnitude) and shows its value; a cell that is exactly 0 is
    left empty with a dotted outline and a faint 0. The figure stays readable for n and z up to about 6.

    Args:
        J: array of shape (n, z, z), finite.
        title: the figure's accessible name (its ``<title>``).
        description: what the figure shows, in prose; a summary of the data is appended to it.
        id_prefix: a unique id for the figure on its page (a letter, then letters, digits, ``-``, ``_``).
        row_label: the name of the first index (the slices, down the stack), such as ``"i"``.
        col_label: the name of the second index (the rows of a slice, front to back), such as ``"j"``.
        depth_label: the name of the third index (the columns of a slice), such as ``"k"``.

    Returns:
        The ``<svg>`` element as a string.

    Raises:
        ValueError: `J` is not finite or not of shape (n, z, z), or another argument is invalid.
        TypeError: an argument has the wrong type.
    """
    p = validate.identifier(id_prefix)
    title = validate.text(title, "title")
    description = validate.text(description, "description", allow_empty=True)
    labels = tuple(
        validate.text(value, name)
        for value, name in ((row_label, "row_label"), (col_label, "col_label"), (depth_label, "depth_label"))
    )
    T = validate.tensor(J, "J")
    n, z = T.shape[0], T.shape[1]
    texts = [[[describe.short(float(v)) for v in row] for row in grid] for grid in T]
    longest = max(len(s) for grid in texts for row in grid for s in row)
    cell_w = max(min(84.0, BLOCK_FRONT / z), math.ceil(text_width("0" * longest, TENSOR_FONT_PX) + 20))
    recede, floor_h = RECEDE * cell_w, z * ROW_HEIGHT
    heading_w = text_width(f"{labels[0]} = {n}", TENSOR_FONT_PX) + 12
    margin = 10.0
    left = margin + heading_w  # the front-left corner of every floor
    block_w = z * cell_w + z * recede
    caption = f"in each slice: row {labels[1]} = 1…{z}, column {labels[2]} = 1…{z}"
    index_w = text_width(f"{labels[1]} = {z}", TENSOR_FONT_PX) + 10
    width = math.ceil(
        max(left + block_w + index_w + margin, 3 * 104 + 2 * margin, text_width(caption, CAPTION_PX) + 2 * margin)
    )
    top = margin + 6
    fronts = [top + floor_h + i * (floor_h + FLOOR_GAP) for i in range(n)]  # the y of each floor's front edge
    height = math.ceil(fronts[-1] + 34 + 70)
    scale = float(np.abs(T).max())

    out = [_edges(left, fronts, z * cell_w, z * recede, floor_h)]
    for i in range(n):
        parts = [text(left - 8, fronts[i] - floor_h / 2, (f"{labels[0]} = {i + 1}", ""), "end", "nnla-heading")]
        for j in range(z):
            for k in range(z):
                back = z - 1 - j  # rows behind this one: row j = 1 is at the back
                corner = (left + k * cell_w + back * recede, fronts[i] - back * ROW_HEIGHT)
                label = texts[i][j][k]
                parts.append(_cell(corner, cell_w, recede, float(T[i, j, k]), label, scale, (i + 1, j + 1, k + 1)))
        out.append(f'<g class="nnla-slice" data-index="{i + 1}">{"".join(parts)}</g>')
    out.append(_indices(labels, z, left, fronts, cell_w, recede))

    key_y = height - 46
    key_x = (width - 3 * 104) / 2
    for slot, (kind, word) in enumerate((("positive", "positive"), ("negative", "negative"), ("zero", "zero"))):
        x = key_x + slot * 104
        opacity = ' fill-opacity="0.55"' if kind != "zero" else ""
        out.append(
            f'<g class="nnla-key nnla-{kind}">'
            f'<rect x="{num(x)}" y="{num(key_y - 8)}" width="16" height="16"{opacity}/>'
            f"{text(x + 22, key_y, (word, ''), 'start', 'nnla-key-label')}</g>"
        )
    out.append(text(width / 2, height - 14, (caption, ""), "middle", "nnla-caption"))
    desc = describe.join(description, describe.tensor_summary(T, labels))
    colours = {"pos": POSITIVE_COLOUR, "neg": NEGATIVE_COLOUR, "font_px": TENSOR_FONT_PX, "caption_px": CAPTION_PX}
    shape = {"data-shape": f"{n} {z} {z}"}
    return svg(p, width, height, "nnla-tensor", title, desc, _TENSOR_CSS, colours, out, shape)


def _cell(
    corner: tuple[float, float],
    w: float,
    recede: float,
    value: float,
    label: str,
    scale: float,
    index: tuple[int, int, int],
) -> str:
    """One entry: a parallelogram from its front-left `corner`, shaded by sign and magnitude, or dotted when 0.

    The parallelogram is a ``<rect>`` sheared by ``skewX``, so that it stays a rectangle to whatever reads the
    figure's shapes (the browser test measures the contrast of a cell's label over it); its label stands upright
    at its centre.
    """
    if value == 0:
        kind, opacity = "nnla-zero", ""
    else:
        kind = "nnla-nonzero " + ("nnla-positive" if value > 0 else "nnla-negative")
        opacity = f' fill-opacity="{0.1 + 0.4 * abs(value) / scale:.3f}"'
    x, y = corner
    angle = -math.degrees(math.atan2(recede, ROW_HEIGHT))
    i, j, k = index
    inset = 2.0
    return (
        f'<g class="nnla-cell {kind}" data-index="{i},{j},{k}" data-value="{esc(repr(value))}">'
        f'<rect x="{num(inset)}" y="{num(inset - ROW_HEIGHT)}" width="{num(w - 2 * inset)}" '
        f'height="{num(ROW_HEIGHT - 2 * inset)}" transform="translate({num(x)} {num(y)}) skewX({num(angle)})"'
        f"{opacity}/>"
        f"{text(x + w / 2 + recede / 2, y - ROW_HEIGHT / 2, (label, ''), 'middle', 'nnla-value')}</g>"
    )


def _edges(left: float, fronts: list[float], front_w: float, depth_w: float, floor_h: float) -> str:
    """The block's outline: each floor's edge, and the block's three visible upright edges from top to bottom.

    The fourth upright edge, at the back on the left, is behind the floors and is left out, as a drawing of a
    solid would.
    """
    outlines = "".join(
        f'<path class="nnla-outline" d="M{num(left)},{num(y)}h{num(front_w)}l{num(depth_w)},{num(-floor_h)}'
        f'h{num(-front_w)}Z"/>'
        for y in fronts
    )
    first, last = fronts[0], fronts[-1]
    uprights = [
        line(left, first, left, last, "nnla-edge"),
        line(left + front_w, first, left + front_w, last, "nnla-edge"),
        line(left + front_w + depth_w, first - floor_h, left + front_w + depth_w, last - floor_h, "nnla-edge"),
    ]
    return f'<g class="nnla-block" aria-hidden="true">{outlines}{"".join(uprights)}</g>'


def _indices(labels: tuple[str, ...], z: int, left: float, fronts: list[float], cell_w: float, recede: float) -> str:
    """The indices of a slice's rows (right of the top floor, at each row's height) and columns (below the bottom
    floor)."""
    parts = []
    for j in range(z):
        back = z - 1 - j
        x = left + z * cell_w + z * recede + 10  # clear of the block, at the row's height
        parts.append(
            text(
                x, fronts[0] - back * ROW_HEIGHT - ROW_HEIGHT / 2, (f"{labels[1]} = {j + 1}", ""), "start", "nnla-faint"
            )
        )
    for k in range(z):
        parts.append(
            text(left + (k + 0.5) * cell_w, fronts[-1] + 16, (f"{labels[2]} = {k + 1}", ""), "middle", "nnla-faint")
        )
    return f'<g class="nnla-indices">{"".join(parts)}</g>'
