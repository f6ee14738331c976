"""The tensor figure: a tensor of shape (n, z, z), such as a Jacobian, drawn as n shaded z×z grids."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from nnla_site.svg import describe, validate
from nnla_site.svg.markup import esc, num, svg, text, text_width

__all__ = ["NEGATIVE_COLOUR", "POSITIVE_COLOUR", "tensor_figure"]

#: Fallback colours of positive and negative tensor entries (vermillion and blue: a colour-blind-safe pair).
POSITIVE_COLOUR = "#d9541e"
NEGATIVE_COLOUR = "#2a7fd4"

_TENSOR_CSS = """\
{p} .nnla-positive rect{{fill:var(--nnla-positive,{pos});stroke:var(--nnla-positive,{pos});stroke-width:1.5}}
{p} .nnla-negative rect{{fill:var(--nnla-negative,{neg});stroke:var(--nnla-negative,{neg});stroke-width:1.5}}
{p} .nnla-zero rect{{fill:none;stroke:var(--nnla-fg,currentColor);stroke-opacity:.6;stroke-dasharray:2 3}}
{p} .nnla-cell.nnla-zero text{{opacity:.7}}
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
    r"""Draw a tensor of shape (n, z, z), such as the Jacobian of the loss vector with respect to W.

    With the essay's layout, ``J[i, j, k]`` $`= \partial \ell_k / \partial w_{ij}`$: the first index is the
    row of W, the second its column, the third the loss component. The figure draws the n slices
    ``J[i]`` side by side (wrapping onto further rows when they do not fit 600 px), each a z×z grid whose
    cell in row j and column k holds ``J[i, j, k]``. Indices are shown counting from 1, as in the essay.
    A cell is shaded on a diverging scale (positive and negative in two hues, the opacity growing with
    the magnitude) and shows its value; a cell that is exactly 0 is left empty with a dotted outline and a
    faint 0. The figure stays readable for n and z up to about 6.

    Args:
        J: array of shape (n, z, z), finite.
        title: the figure's accessible name (its ``<title>``).
        description: what the figure shows, in prose; a summary of the data is appended to it.
        id_prefix: a unique id for the figure on its page (a letter, then letters, digits, ``-``, ``_``).
        row_label: the name of the first index (the slices), such as ``"i"``.
        col_label: the name of the second index (the rows of a slice), such as ``"j"``.
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
    cell_w, cell_h = max(44.0, math.ceil(text_width("0" * longest) + 12)), 34.0
    index_w, head_h, index_h, gap, margin = 20.0, 24.0, 18.0, 26.0, 8.0
    block_w = index_w + z * cell_w
    per_row = max(1, min(n, int((600 - 2 * margin + gap) // (block_w + gap))))
    rows = math.ceil(n / per_row)
    block_h = head_h + index_h + z * cell_h
    content_w = 2 * margin + per_row * block_w + (per_row - 1) * gap
    key_w = 2 * margin + 3 * 92
    caption = f"in each slice: row {labels[1]} = 1…{z}, column {labels[2]} = 1…{z}"
    width = math.ceil(max(content_w, key_w, 2 * margin + text_width(caption)))
    height = math.ceil(margin + rows * block_h + (rows - 1) * gap + 66)
    scale = float(np.abs(T).max())

    out: list[str] = []
    for i in range(n):
        left = margin + (i % per_row) * (block_w + gap) + (width - content_w) / 2
        top = margin + (i // per_row) * (block_h + gap)
        gx, gy = left + index_w, top + head_h + index_h
        parts = [text(gx + z * cell_w / 2, top + 10, (f"{labels[0]} = {i + 1}", ""), "middle", "nnla-heading")]
        for m in range(z):
            parts.append(text(gx + (m + 0.5) * cell_w, gy - 9, (str(m + 1), ""), "middle", "nnla-faint"))
            parts.append(text(left + index_w / 2, gy + (m + 0.5) * cell_h, (str(m + 1), ""), "middle", "nnla-faint"))
        for j in range(z):
            for k in range(z):
                parts.append(
                    _cell(
                        gx + k * cell_w,
                        gy + j * cell_h,
                        cell_w,
                        cell_h,
                        float(T[i, j, k]),
                        texts[i][j][k],
                        scale,
                        (i + 1, j + 1, k + 1),
                    )
                )
        out.append(f'<g class="nnla-slice" data-index="{i + 1}">{"".join(parts)}</g>')

    key_y = height - 46
    key_x = (width - 3 * 92) / 2
    for slot, (kind, word) in enumerate((("positive", "positive"), ("negative", "negative"), ("zero", "zero"))):
        x = key_x + slot * 92
        opacity = ' fill-opacity="0.55"' if kind != "zero" else ""
        out.append(
            f'<g class="nnla-key nnla-{kind}">'
            f'<rect x="{num(x)}" y="{num(key_y - 8)}" width="16" height="16"{opacity}/>'
            f"{text(x + 22, key_y, (word, ''), 'start', 'nnla-key-label')}</g>"
        )
    out.append(text(width / 2, height - 14, (caption, ""), "middle", "nnla-caption"))
    desc = describe.join(description, describe.tensor_summary(T, labels))
    colours = {"pos": POSITIVE_COLOUR, "neg": NEGATIVE_COLOUR}
    return svg(p, width, height, "nnla-tensor", title, desc, _TENSOR_CSS, colours, out, {})


def _cell(
    x: float, y: float, w: float, h: float, value: float, label: str, scale: float, index: tuple[int, int, int]
) -> str:
    """One tensor entry: shaded by sign and magnitude, or empty and dotted when it is exactly 0."""
    if value == 0:
        kind, opacity = "nnla-zero", ""
    else:
        kind = "nnla-nonzero " + ("nnla-positive" if value > 0 else "nnla-negative")
        opacity = f' fill-opacity="{0.1 + 0.4 * abs(value) / scale:.3f}"'
    i, j, k = index
    return (
        f'<g class="nnla-cell {kind}" data-index="{i},{j},{k}" data-value="{esc(repr(value))}">'
        f'<rect x="{num(x + 1.5)}" y="{num(y + 1.5)}" width="{num(w - 3)}" height="{num(h - 3)}" '
        f'rx="3"{opacity}/>'
        f"{text(x + w / 2, y + h / 2, (label, ''), 'middle', 'nnla-value')}</g>"
    )
