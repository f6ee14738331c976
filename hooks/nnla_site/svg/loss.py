r"""Figures as inline SVG, drawn at build time: the loss against step, and the Jacobian tensor.

Each function returns one ``<svg>`` element as a string, to be written straight into an HTML page. The
output depends only on the arguments (same input, byte-identical output): coordinates are written with
two decimals, and every ``id`` is derived from the caller's `id_prefix`, so several figures can share a page.

Accessibility: the root has ``role="img"`` and ``aria-labelledby`` naming its ``<title>`` (the caller's
title) and ``<desc>`` (the caller's description followed by a summary computed from the data).

Styling lives inside each figure, in a ``<style>`` element whose every selector starts with
``#<id_prefix>``; the site stylesheet needs nothing. Text is ``currentColor`` and inherits the page's
font, so it follows a light or a dark palette. Lines and fills are CSS custom properties whose fallbacks
have a contrast of at least 3:1 on both white and ``#1e2129``; a site may override them:

- ``--nnla-fg``: axes, grid and outlines (fallback ``currentColor``);
- ``--nnla-series-1`` to ``--nnla-series-6``: the loss curves (`SERIES_COLOURS`);
- ``--nnla-positive`` and ``--nnla-negative``: the tensor's cells.

The markup is regular enough to test: one ``<polyline class="nnla-line">`` per series with one vertex
per loss and a ``data-n`` attribute; one ``<g class="nnla-cell ...">`` per tensor entry, with the class
``nnla-zero`` or ``nnla-nonzero``, a ``data-value`` and a 1-based ``data-index`` such as ``"1,2,2"``.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnla_site import numbers

__all__ = ["SERIES_COLOURS", "Series", "loss_plot", "tensor_figure"]

#: Fallback colours of the loss curves, in order (blue, vermillion, green, purple, ochre, magenta).
#: Each has a contrast of at least 3.3:1 against white and against #1e2129.
SERIES_COLOURS = ("#2a7fd4", "#d9541e", "#2e9c5a", "#b054c8", "#a08000", "#c2417a")
#: Fallback colours of positive and negative tensor entries (vermillion and blue: a colour-blind-safe pair).
POSITIVE_COLOUR = "#d9541e"
NEGATIVE_COLOUR = "#2a7fd4"
#: Positive values spanning more than this many decades get a logarithmic y-axis when `log_scale` is None.
LOG_ABOVE_DECADES = 2.0
#: A series with at most this many points gets a marker on every point; a longer one only on its last.
MARK_EVERY_POINT_UP_TO = 30

#: Text size in px (user units). A loss plot is drawn 640 units wide and shrinks with the page, so below
#: a 600 px viewport its text grows to `SMALL_SCREEN_FONT_PX` (about 10 px on screen on a 390 px phone);
#: its margins and legend are laid out for that size at every width.
FONT_PX = 13
SMALL_SCREEN_FONT_PX = 19
_SUP_PX = 10
_CHAR_EM = 0.6  # a generous average advance, used to leave room for text
_LEGEND_ROW = 26.0
_MARKERS = ("circle", "square", "triangle", "diamond")
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # not allowed in XML 1.0

_BASE_CSS = """\
{p}{{font-family:inherit;font-size:{font}px;color:inherit}}
{p} text{{fill:currentColor;stroke:none}}
{p} .nnla-faint{{opacity:.65}}
{p} .nnla-heading{{font-weight:600}}
"""
_PLOT_CSS = (
    """\
{p} .nnla-sup{{font-size:{sup}px}}
{p} .nnla-axis line{{stroke:var(--nnla-fg,currentColor);stroke-width:1}}
{p} .nnla-axis-title{{font-size:14px}}
{p} .nnla-grid line{{stroke:var(--nnla-fg,currentColor);stroke-opacity:.16;stroke-width:1}}
{p} .nnla-grid .nnla-minor{{stroke-opacity:.07}}
{p} .nnla-line{{fill:none;stroke:currentColor;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}}
{p} .nnla-markers{{fill:currentColor;stroke:none}}
{p} .nnla-reference{{stroke:var(--nnla-fg,currentColor);stroke-width:1.5;stroke-dasharray:6 4}}
"""
    + "".join(
        f"{{p}} .nnla-series-{k + 1}{{{{color:var(--nnla-series-{k + 1},{colour})}}}}\n"
        for k, colour in enumerate(SERIES_COLOURS)
    )
    + (
        "@media (max-width:600px){{{p}{{font-size:{small}px}}{p} .nnla-axis-title{{font-size:{small}px}}"
        "{p} .nnla-sup{{font-size:{small_sup}px}}}}\n"
    )
)
_TENSOR_CSS = """\
{p} .nnla-positive rect{{fill:var(--nnla-positive,{pos});stroke:var(--nnla-positive,{pos});stroke-width:1.5}}
{p} .nnla-negative rect{{fill:var(--nnla-negative,{neg});stroke:var(--nnla-negative,{neg});stroke-width:1.5}}
{p} .nnla-zero rect{{fill:none;stroke:var(--nnla-fg,currentColor);stroke-opacity:.6;stroke-dasharray:2 3}}
{p} .nnla-cell.nnla-zero text{{opacity:.7}}
"""


@dataclass(frozen=True, eq=False)
class Series:
    """One curve of a loss plot (compared by identity: its losses may be an array).

    Attributes:
        label: the name shown in the legend and the description, such as ``"η = 0.1"``.
        losses: array of shape (k,): the loss at steps 0, 1, …, k - 1 (a run that diverged is shorter).
            Finite and non-negative.
    """

    label: str
    losses: ArrayLike


def loss_plot(
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    id_prefix: str,
    log_scale: bool | None = None,
    reference: tuple[float, str] | None = None,
    y_label: str = "loss (SSE)",
    width: int = 640,
    height: int = 320,
) -> str:
    r"""Draw the loss against the step for one or more runs.

    The x-axis is the step $`t = 0, 1, \dots`$ (``losses[t]`` is the loss before step $`t + 1`$), the
    y-axis the loss. A logarithmic y-axis is used when the positive losses span more than
    `LOG_ABOVE_DECADES` decades; a loss of exactly 0 cannot sit on it, so it is drawn on a separate
    baseline marked 0 below the axis, and the description says how many there are.

    Args:
        series: one or more `Series`; a legend is drawn when there are two or more, or a reference.
        title: the figure's accessible name (its ``<title>``).
        description: what the figure shows, in prose; a summary of the data is appended to it.
        id_prefix: a unique id for the figure on its page (a letter, then letters, digits, ``-``, ``_``).
        log_scale: force a logarithmic (True) or linear (False) y-axis; None chooses from the data.
        reference: a ``(value, label)`` drawn as a dashed horizontal line, such as the least-squares loss;
            the legend names it, with its value.
        y_label: the y-axis title.
        width: the width of the viewBox in px, at least 240; also the figure's largest displayed width.
        height: the height of the viewBox in px, at least 160.

    Returns:
        The ``<svg>`` element as a string.

    Raises:
        ValueError: an argument has the wrong shape or value; the message names it.
        TypeError: an argument has the wrong type.
    """
    p = _check_id(id_prefix)
    title = _check_text(title, "title")
    description = _check_text(description, "description", allow_empty=True)
    y_label = _check_text(y_label, "y_label")
    _check_size(width, "width", 240)
    _check_size(height, "height", 160)
    curves = _check_series(series)
    ref = _check_reference(reference)
    if log_scale is not None and not isinstance(log_scale, bool):
        raise TypeError(f"log_scale must be True, False or None; got {log_scale!r}")

    values = np.concatenate([losses for _, losses in curves] + [np.array([ref[0]] if ref else [])])
    positive = values[values > 0]
    if log_scale is None:
        span = math.log10(positive.max()) - math.log10(positive.min()) if positive.size else 0.0
        use_log = span > LOG_ABOVE_DECADES
    elif log_scale and positive.size == 0:
        raise ValueError("log_scale=True needs at least one positive loss; every loss is 0")
    else:
        use_log = log_scale
    steps = max(losses.size for _, losses in curves) - 1

    entries = [label for label, _ in curves] if len(curves) > 1 or ref else []
    legend_rows = _legend_rows(entries + ([f"{ref[1]} ({_short(ref[0])})"] if ref else []), width)
    y_ticks = _log_ticks(positive) if use_log else _linear_ticks(float(values.max()))
    x0, x1 = 34 + max(_label_width(text) for _, text in y_ticks[0]), width - 18
    y0, y1 = _LEGEND_ROW * len(legend_rows) + 18, height - 52
    has_zero = use_log and bool((values == 0).any())
    ys = _YScale(use_log, y_ticks[2], y0, y1 - 28 if has_zero else y1, y1)

    def x_of(t: float) -> float:
        return x0 + t / max(steps, 1) * (x1 - x0)

    out = [
        f'<g class="nnla-grid">{"".join(_line(x0, ys.at(u), x1, ys.at(u)) for u, _ in y_ticks[0])}'
        f"{''.join(_line(x0, ys.at(u), x1, ys.at(u), 'nnla-minor') for u in y_ticks[1])}</g>",
        _y_axis(y_ticks[0], ys, x0, y_label, has_zero),
        _x_axis(_step_ticks(steps, x1 - x0), x_of, x0, x1, y1, height),
    ]
    if ref is not None:
        y = ys(ref[0])
        out.append(
            f'<line class="nnla-reference" data-value="{_esc(repr(ref[0]))}" '
            f'x1="{_num(x0)}" y1="{_num(y)}" x2="{_num(x1)}" y2="{_num(y)}"/>'
        )
    for index, (label, losses) in enumerate(curves):
        out.append(_curve(index, label, [(x_of(t), ys(float(v))) for t, v in enumerate(losses)]))
    for row_index, row in enumerate(legend_rows):
        out += [
            _legend_item(index, label, x, _LEGEND_ROW * (row_index + 0.5), index == len(curves))
            for x, index, label in row
        ]

    summary = _loss_summary(curves, use_log, y_ticks[2], has_zero, ref, values)
    scale = {"data-scale": "log" if use_log else "linear"}
    return _svg(p, width, height, "nnla-loss-plot", title, _join(description, summary), _PLOT_CSS, out, scale)


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
    p = _check_id(id_prefix)
    title = _check_text(title, "title")
    description = _check_text(description, "description", allow_empty=True)
    labels = tuple(
        _check_text(value, name)
        for value, name in ((row_label, "row_label"), (col_label, "col_label"), (depth_label, "depth_label"))
    )
    T = _as_float_array(J, "J")
    if T.ndim != 3 or T.shape[1] != T.shape[2] or T.size == 0:
        raise ValueError(f"J must be a 3-D array of shape (n, z, z) with n, z >= 1; got shape {T.shape}")
    _check_finite(T, "J")
    n, z = T.shape[0], T.shape[1]
    texts = [[[_short(float(v)) for v in row] for row in grid] for grid in T]
    longest = max(len(s) for grid in texts for row in grid for s in row)
    cell_w, cell_h = max(44.0, math.ceil(_text_width("0" * longest) + 12)), 34.0
    index_w, head_h, index_h, gap, margin = 20.0, 24.0, 18.0, 26.0, 8.0
    block_w = index_w + z * cell_w
    per_row = max(1, min(n, int((600 - 2 * margin + gap) // (block_w + gap))))
    rows = math.ceil(n / per_row)
    block_h = head_h + index_h + z * cell_h
    content_w = 2 * margin + per_row * block_w + (per_row - 1) * gap
    key_w = 2 * margin + 3 * 92
    caption = f"in each slice: row {labels[1]} = 1…{z}, column {labels[2]} = 1…{z}"
    width = math.ceil(max(content_w, key_w, 2 * margin + _text_width(caption)))
    height = math.ceil(margin + rows * block_h + (rows - 1) * gap + 66)
    scale = float(np.abs(T).max())

    out: list[str] = []
    for i in range(n):
        left = margin + (i % per_row) * (block_w + gap) + (width - content_w) / 2
        top = margin + (i // per_row) * (block_h + gap)
        gx, gy = left + index_w, top + head_h + index_h
        parts = [_text(gx + z * cell_w / 2, top + 10, (f"{labels[0]} = {i + 1}", ""), "middle", "nnla-heading")]
        for m in range(z):
            parts.append(_text(gx + (m + 0.5) * cell_w, gy - 9, (str(m + 1), ""), "middle", "nnla-faint"))
            parts.append(_text(left + index_w / 2, gy + (m + 0.5) * cell_h, (str(m + 1), ""), "middle", "nnla-faint"))
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
            f'<rect x="{_num(x)}" y="{_num(key_y - 8)}" width="16" height="16"{opacity}/>'
            f"{_text(x + 22, key_y, (word, ''), 'start', 'nnla-key-label')}</g>"
        )
    out.append(_text(width / 2, height - 14, (caption, ""), "middle", "nnla-caption"))
    summary = _tensor_summary(T, labels)
    return _svg(p, width, height, "nnla-tensor", title, _join(description, summary), _TENSOR_CSS, out, {})


# --- validation -------------------------------------------------------------------------------------


def _check_id(id_prefix: object) -> str:
    if not isinstance(id_prefix, str) or not _ID.match(id_prefix):
        raise ValueError(
            "id_prefix must start with a letter and hold only letters, digits, '-' and '_' "
            f"(it becomes an XML id and a CSS selector); got {id_prefix!r}"
        )
    return id_prefix


def _check_text(value: object, name: str, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str; got {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise ValueError(f"{name} must not be empty")
    if _CONTROL.search(value):
        raise ValueError(
            f"{name} must not contain control characters or surrogates (XML cannot hold them); got {value!r}"
        )
    return value


def _check_size(value: object, name: str, least: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int (px); got {type(value).__name__}")
    if value < least:
        raise ValueError(f"{name} must be at least {least} px; got {value}")


def _as_float_array(value: ArrayLike, name: str) -> NDArray[np.float64]:
    try:
        raw = np.asarray(value)
        if raw.dtype.kind not in "biufO":
            raise TypeError
        return np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of real numbers; got {type(value).__name__}") from exc


def _check_finite(a: NDArray[np.float64], name: str) -> None:
    if not np.isfinite(a).all():
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
        raise ValueError(f"{name} must contain only finite numbers; got {a[index]} at index {index}")


def _check_series(series: object) -> list[tuple[str, NDArray[np.float64]]]:
    if isinstance(series, Series) or not isinstance(series, Sequence):
        raise TypeError(f"series must be a sequence of Series, such as [Series(...)]; got {type(series).__name__}")
    if len(series) == 0:
        raise ValueError("series must hold at least one Series; got an empty sequence")
    curves = []
    for index, item in enumerate(series):
        if not isinstance(item, Series):
            raise TypeError(f"series[{index}] must be a Series; got {type(item).__name__}")
        label = _check_text(item.label, f"series[{index}].label")
        losses = _as_float_array(item.losses, f"series[{index}].losses")
        if losses.ndim != 1 or losses.size == 0:
            raise ValueError(
                f"series[{index}].losses must be a 1-D array of shape (k,) with k >= 1; got shape {losses.shape}"
            )
        _check_finite(losses, f"series[{index}].losses")
        if (losses < 0).any():
            at = int(np.argmax(losses < 0))
            raise ValueError(f"series[{index}].losses must be non-negative (a loss); got {losses[at]} at index {at}")
        curves.append((label, losses))
    return curves


def _check_reference(reference: object) -> tuple[float, str] | None:
    if reference is None:
        return None
    if not isinstance(reference, tuple) or len(reference) != 2:
        raise TypeError(f"reference must be a (value, label) tuple or None; got {reference!r}")
    value, label = reference
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"reference value must be a real number; got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"reference value must be a finite, non-negative loss; got {value}")
    return value, _check_text(label, "reference label")


# --- scales and ticks ---------------------------------------------------------------------------------

_Label = tuple[str, str]  # (text, superscript): "10", "−3" is 10 to the −3; the superscript may be ""
# Ticks in the scale's coordinate u (the loss on a linear axis, its log10 on a log axis):
# the labelled ticks, the unlabelled minor ticks, and the axis's (lowest, highest) u.
_Ticks = tuple[list[tuple[float, _Label]], list[float], tuple[float, float]]


class _YScale:
    """Map a loss to a y coordinate: linearly, or by its log10 with a loss of 0 on its own baseline."""

    def __init__(self, log: bool, domain: tuple[float, float], top: float, bottom: float, zero: float) -> None:
        self.log, self.top, self.bottom, self.zero = log, top, bottom, zero
        self.lo, self.hi = domain

    def at(self, u: float) -> float:
        """The y of scale coordinate u (a loss, or its log10)."""
        return self.bottom - (u - self.lo) / (self.hi - self.lo) * (self.bottom - self.top)

    def __call__(self, value: float) -> float:
        if not self.log:
            return self.at(value)
        return self.zero if value == 0 else self.at(math.log10(value))


def _nice(raw: float) -> float:
    """The smallest of 1, 2, 5 times a power of ten that is at least `raw` (at least the smallest normal float)."""
    raw = max(raw, sys.float_info.min)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(f * magnitude for f in (1.0, 2.0, 5.0, 10.0) if f * magnitude >= raw * (1 - 1e-9))


def _linear_ticks(top: float) -> _Ticks:
    """Round ticks from 0 up to the first one at or above `top` (a fifth of 1 apart when everything is 0)."""
    step = _nice((top if top > 0 else 1.0) / 5)
    count = max(1, math.ceil(top / step - 1e-9))
    high = count * step
    if not math.isfinite(high):  # the round tick above the largest float: stop the axis at `top`
        count, high = count - 1, top
    exponent = math.floor(math.log10(step))
    scientific, decimals = step >= 1e5 or step < 1e-3, max(0, -exponent)
    labels: list[tuple[float, _Label]] = [(0.0, ("0", ""))]
    for m in range(1, count + 1):
        if scientific:  # each multiple of step has at most 2 significant digits (m <= 10, step 1, 2 or 5 ×10^k)
            labels.append((m * step, numbers.scientific(m * step, 1).label()))
        else:
            labels.append((m * step, (_trim(f"{m * step:.{decimals}f}"), "")))
    return labels, [], (0.0, high)


def _log_ticks(positive: NDArray[np.float64]) -> _Ticks:
    """Whole decades from below the smallest positive value to above the largest, labelled 10^k."""
    lo = math.floor(math.log10(float(positive.min())) + 1e-12)
    hi = math.ceil(math.log10(float(positive.max())) - 1e-12)
    every = max(1, math.ceil((hi - lo) / 6))
    lo, hi = every * math.floor(lo / every), every * math.ceil(hi / every)
    if hi == lo:
        lo, hi = lo - every, hi + every
    labelled: list[tuple[float, _Label]] = [(e, numbers.power_of_ten(e)) for e in range(lo, hi + 1, every)]
    if every > 1:
        minor = [float(e) for e in range(lo, hi) if e % every]
    elif hi - lo <= 4:
        minor = [e + math.log10(f) for e in range(lo, hi) for f in range(2, 10)]
    else:
        minor = []
    return labelled, minor, (lo, hi)


def _step_ticks(steps: int, span: float) -> list[int]:
    """Integer steps 0, s, 2s, … up to `steps`, at most one per ~70 px."""
    if steps == 0:
        return [0]
    step = max(1, round(_nice(steps / max(1.0, min(10.0, span / 70)))))
    return list(range(0, steps + 1, step))


# --- markup -------------------------------------------------------------------------------------------


def _svg(
    p: str,
    width: float,
    height: float,
    kind: str,
    title: str,
    desc: str,
    css: str,
    body: list[str],
    attrs: dict[str, str],
) -> str:
    style = (_BASE_CSS + css).format(
        p=f"#{p}",
        font=FONT_PX,
        sup=_SUP_PX,
        small=SMALL_SCREEN_FONT_PX,
        small_sup=round(SMALL_SCREEN_FONT_PX * 0.75),
        pos=POSITIVE_COLOUR,
        neg=NEGATIVE_COLOUR,
    )
    extra = "".join(f' {key}="{_esc(value)}"' for key, value in attrs.items())
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{p}" class="nnla-figure {kind}" role="img" '
        f'aria-labelledby="{p}-title {p}-desc" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'width="{_num(width)}" height="{_num(height)}" '
        f'style="width:100%;max-width:{_num(width)}px;height:auto"{extra}>\n'
        f'<title id="{p}-title">{_esc(title)}</title>\n<desc id="{p}-desc">{_esc(desc)}</desc>\n'
        f"<style>\n{style}</style>\n" + "\n".join(body) + "\n</svg>\n"
    )


def _line(x1: float, y1: float, x2: float, y2: float, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f'<line{attr} x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}"/>'


def _text(x: float, y: float, label: _Label, anchor: str, cls: str) -> str:
    """A one-line text centred vertically on y; a superscript, if any, is raised in a smaller tspan."""
    sup = f'<tspan class="nnla-sup" dy="-0.6em">{_esc(label[1])}</tspan>' if label[1] else ""
    return (
        f'<text class="{cls}" x="{_num(x)}" y="{_num(y)}" dy=".35em" text-anchor="{anchor}">'
        f"{_esc(label[0])}{sup}</text>"
    )


def _marker(shape: str, x: float, y: float, r: float = 3.5) -> str:
    """Path data for one marker centred on (x, y)."""
    if shape == "circle":
        arc = f"a{_num(r)},{_num(r)} 0 1,0"
        return f"M{_num(x - r)},{_num(y)}{arc} {_num(2 * r)},0{arc} {_num(-2 * r)},0Z"
    if shape == "square":
        s = r * 0.9
        return f"M{_num(x - s)},{_num(y - s)}h{_num(2 * s)}v{_num(2 * s)}h{_num(-2 * s)}Z"
    if shape == "triangle":
        return f"M{_num(x)},{_num(y - 1.25 * r)}L{_num(x + 1.15 * r)},{_num(y + 0.85 * r)}H{_num(x - 1.15 * r)}Z"
    d = 1.3 * r
    return f"M{_num(x)},{_num(y - d)}L{_num(x + d)},{_num(y)}L{_num(x)},{_num(y + d)}L{_num(x - d)},{_num(y)}Z"


def _cell(
    x: float, y: float, w: float, h: float, value: float, text: str, scale: float, index: tuple[int, int, int]
) -> str:
    """One tensor entry: shaded by sign and magnitude, or empty and dotted when it is exactly 0."""
    if value == 0:
        kind, opacity = "nnla-zero", ""
    else:
        kind = "nnla-nonzero " + ("nnla-positive" if value > 0 else "nnla-negative")
        opacity = f' fill-opacity="{0.1 + 0.4 * abs(value) / scale:.3f}"'
    i, j, k = index
    return (
        f'<g class="nnla-cell {kind}" data-index="{i},{j},{k}" data-value="{_esc(repr(value))}">'
        f'<rect x="{_num(x + 1.5)}" y="{_num(y + 1.5)}" width="{_num(w - 3)}" height="{_num(h - 3)}" '
        f'rx="3"{opacity}/>'
        f"{_text(x + w / 2, y + h / 2, (text, ''), 'middle', 'nnla-value')}</g>"
    )


def _y_axis(ticks: list[tuple[float, _Label]], ys: _YScale, x0: float, title: str, has_zero: bool) -> str:
    """The y-axis: its line, labelled ticks, the separate 0 baseline of a log axis, and its title."""
    parts = [_line(x0, ys.top, x0, ys.bottom)]
    for u, label in ticks:
        parts += [
            _line(x0 - 5, ys.at(u), x0, ys.at(u)),
            _text(x0 - 8, ys.at(u), label, "end", "nnla-tick-label"),
        ]
    if has_zero:  # a short stub of axis at the baseline, and a break mark in the gap above it
        parts += [_line(x0, ys.zero - 6, x0, ys.zero), _line(x0 - 5, ys.zero, x0, ys.zero)]
        parts.append(_text(x0 - 8, ys.zero, ("0", ""), "end", "nnla-tick-label"))
        gap = (ys.bottom + ys.zero - 6) / 2
        parts += [_line(x0 - 6, gap + dy + 3, x0 + 6, gap + dy - 3, "nnla-break") for dy in (-3, 3)]
    mid = _num((ys.top + ys.zero) / 2)
    parts.append(
        f'<text class="nnla-axis-title" x="12" y="{mid}" dy=".35em" text-anchor="middle" '
        f'transform="rotate(-90 12 {mid})">{_esc(title)}</text>'
    )
    return f'<g class="nnla-axis nnla-axis-y">{"".join(parts)}</g>'


def _x_axis(ticks: list[int], x_of: Callable[[float], float], x0: float, x1: float, y1: float, height: int) -> str:
    """The x-axis: its line, the step ticks and the title "step"."""
    parts = [_line(x0, y1, x1, y1)]
    for t in ticks:
        parts.append(_line(x_of(t), y1, x_of(t), y1 + 5))
        parts.append(_text(x_of(t), y1 + 18, (str(t), ""), "middle", "nnla-tick-label"))
    parts.append(_text((x0 + x1) / 2, height - 12, ("step", ""), "middle", "nnla-axis-title"))
    return f'<g class="nnla-axis nnla-axis-x">{"".join(parts)}</g>'


def _curve(index: int, label: str, points: list[tuple[float, float]]) -> str:
    """One series: a polyline with a vertex per loss, and its markers (every point, or the last one)."""
    marked = points if len(points) <= MARK_EVERY_POINT_UP_TO else points[-1:]
    shape = _MARKERS[index % len(_MARKERS)]
    vertices = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
    marks = "".join(_marker(shape, x, y) for x, y in marked)
    return (
        f'<g class="nnla-series nnla-series-{index % len(SERIES_COLOURS) + 1}" data-label="{_esc(label)}" '
        f'data-n="{len(points)}"><polyline class="nnla-line" data-n="{len(points)}" points="{vertices}"/>'
        f'<path class="nnla-markers" data-n="{len(marked)}" d="{marks}"/>'
        "</g>"
    )


def _legend_item(index: int, label: str, x: float, y: float, reference: bool) -> str:
    """A legend entry: a sample of the series' line and marker (or of the dashed reference), then its label."""
    if reference:
        sample = f'<line class="nnla-reference" x1="{_num(x)}" y1="{_num(y)}" x2="{_num(x + 24)}" y2="{_num(y)}"/>'
        return f'<g class="nnla-legend-item">{sample}{_text(x + 30, y, (label, ""), "start", "nnla-legend-label")}</g>'
    return (
        f'<g class="nnla-legend-item"><g class="nnla-series-{index % len(SERIES_COLOURS) + 1}">'
        f'<line class="nnla-line" x1="{_num(x)}" y1="{_num(y)}" x2="{_num(x + 24)}" y2="{_num(y)}"/>'
        f'<path class="nnla-markers" d="{_marker(_MARKERS[index % len(_MARKERS)], x + 12, y)}"/></g>'
        f"{_text(x + 30, y, (label, ''), 'start', 'nnla-legend-label')}</g>"
    )


def _legend_rows(labels: list[str], width: int) -> list[list[tuple[float, int, str]]]:
    """Place legend entries left to right, wrapping onto a new row when one would pass `width`."""
    rows: list[list[tuple[float, int, str]]] = [[]] if labels else []
    x = 14.0
    for index, label in enumerate(labels):
        entry_w = 30 + _text_width(label, SMALL_SCREEN_FONT_PX) + 20
        if rows[-1] and x + entry_w > width - 10:
            rows.append([])
            x = 14.0
        rows[-1].append((x, index, label))
        x += entry_w
    return rows


# --- text ---------------------------------------------------------------------------------------------


def _esc(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def _num(value: float) -> str:
    """A coordinate with two decimals and no trailing zeros."""
    text = _trim(f"{value:.2f}")
    return "0" if text == "-0" else text


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def _short(value: float) -> str:
    """A number in about three significant digits, for a figure's words (`nnla_site.numbers.significant`)."""
    return numbers.significant(value).text()


def _text_width(text: str, px: float = FONT_PX) -> float:
    return len(text) * _CHAR_EM * px


def _label_width(label: _Label) -> float:
    """The width of a tick label at the small-screen size, which the plot's margins must hold."""
    return _text_width(label[0], SMALL_SCREEN_FONT_PX) + _text_width(label[1], SMALL_SCREEN_FONT_PX * 0.75)


def _join(description: str, summary: str) -> str:
    description = description.strip()
    if description and description[-1] not in ".!?:":
        description += "."
    return f"{description} {summary}" if description else summary


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _loss_summary(
    curves: list[tuple[str, NDArray[np.float64]]],
    log: bool,
    domain: tuple[float, float],
    has_zero: bool,
    reference: tuple[float, str] | None,
    values: NDArray[np.float64],
) -> str:
    """Describe each curve in words: where it starts and ends, and how the axes are scaled."""
    longest = max(losses.size for _, losses in curves) - 1
    sentences = []
    for label, losses in curves:
        first, last, steps = float(losses[0]), float(losses[-1]), losses.size - 1
        if steps == 0:
            text = f"loss is {_short(first)} at step 0"
        else:
            verb = "falls" if last < first else "rises" if last > first else "starts and ends at"
            text = (
                f"loss {verb} from {_short(first)} to {_short(last)} in {_plural(steps, 'step')}"
                if verb != "starts and ends at"
                else f"loss starts and ends at {_short(first)} over {_plural(steps, 'step')}"
            )
            low = int(np.argmin(losses))
            if losses[low] < min(first, last):
                text += f" (lowest {_short(float(losses[low]))} at step {low})"
        if len(curves) > 1:
            text = f"{label}: {text}" + (f", ending at step {steps} of {longest}" if steps < longest else "")
        sentences.append(text)
    summary = "; ".join(sentences) + "."
    summary = summary[0].upper() + summary[1:] if len(curves) == 1 else f"{len(curves)} series. {summary}"
    if log:
        lo, hi = ("10" + numbers.superscript(str(round(u))) for u in domain)
        summary += f" The y-axis is logarithmic, from {lo} to {hi}"
        zeros = int((values == 0).sum())
        summary += (
            f"; {_plural(zeros, 'value')} equal to 0 {'is' if zeros == 1 else 'are'} drawn on a separate "
            "baseline marked 0 below it."
            if has_zero
            else "."
        )
    if reference is not None:
        summary += f" Dashed line: {reference[1]}, {_short(reference[0])}."
    return summary


def _tensor_summary(T: NDArray[np.float64], labels: tuple[str, ...]) -> str:
    """Describe a tensor of shape (n, z, z) in words: its slices, its nonzeros and their range."""
    n, z = T.shape[0], T.shape[1]
    nonzero = T != 0
    count, total = int(nonzero.sum()), T.size
    text = f"{_plural(n, 'slice')} {labels[0]} = 1…{n}, each {z}×{z} with rows {labels[1]} "
    text += f"and columns {labels[2]}; "
    if count == 0:
        return text + f"all {total} entries are 0."
    text += f"{count} of {total} entries are nonzero"
    if z > 1 and count < total and not (nonzero & ~np.eye(z, dtype=bool)).any():
        text += f", all on the diagonal {labels[1]} = {labels[2]}"
    low, high = float(T[nonzero].min()), float(T[nonzero].max())
    if low == high:
        return text + f"; every nonzero entry is {_short(low)}."
    return text + f"; the nonzero entries range from {_short(low)} to {_short(high)}."
