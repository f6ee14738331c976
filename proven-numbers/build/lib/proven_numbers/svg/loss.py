"""The loss plot: one curve of the loss against the step per run, its axes, and a legend."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from proven_numbers.svg import describe, validate
from proven_numbers.svg.markup import (
    MARKERS,
    SMALL_SCREEN_FONT_PX,
    Label,
    esc,
    line,
    marker,
    num,
    svg,
    text,
    text_width,
)
from proven_numbers.svg.scales import YScale, linear_ticks, log_ticks, step_ticks

__all__ = ["LOG_ABOVE_DECADES", "MARK_EVERY_POINT_UP_TO", "SERIES_COLOURS", "Series", "loss_plot"]

#: Fallback colours of the loss curves, in order (blue, vermillion, green, purple, ochre, magenta).
#: Each has a contrast of at least 3.3:1 against white and against #1e2129.
SERIES_COLOURS = ("#2a7fd4", "#d9541e", "#2e9c5a", "#b054c8", "#a08000", "#c2417a")
#: Positive values spanning more than this many decades get a logarithmic y-axis when `log_scale` is None.
LOG_ABOVE_DECADES = 2.0
#: A series with at most this many points gets a marker on every point; a longer one only on its last.
MARK_EVERY_POINT_UP_TO = 30

_SUP_PX = 10  # the exponent of a tick label such as 10⁻³
_LEGEND_ROW = 26.0
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
_PLOT_CSS_VALUES = {"sup": _SUP_PX, "small": SMALL_SCREEN_FONT_PX, "small_sup": round(SMALL_SCREEN_FONT_PX * 0.75)}


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
    quantity: str = "loss",
    width: int = 640,
    height: int = 320,
) -> str:
    r"""Draw the loss (or another non-negative `quantity` of a run) against the step for one or more runs.

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
        quantity: what the curves are, in the description's words (``"loss"``; ``"gap"`` for a distance to a level).
        width: the width of the viewBox in px, at least 240; also the figure's largest displayed width.
        height: the height of the viewBox in px, at least 160.

    Returns:
        The ``<svg>`` element as a string.

    Raises:
        ValueError: an argument has the wrong shape or value; the message names it.
        TypeError: an argument has the wrong type.
    """
    p = validate.identifier(id_prefix)
    title = validate.text(title, "title")
    description = validate.text(description, "description", allow_empty=True)
    y_label = validate.text(y_label, "y_label")
    quantity = validate.text(quantity, "quantity")
    validate.size(width, "width", 240)
    validate.size(height, "height", 160)
    curves = _curves(series)
    ref = validate.reference(reference)
    validate.optional_bool(log_scale, "log_scale")

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
    legend_rows = _legend_rows(entries + ([f"{ref[1]} ({describe.short(ref[0])})"] if ref else []), width)
    y_ticks = log_ticks(positive) if use_log else linear_ticks(float(values.max()))
    x0, x1 = 34 + max(_label_width(label) for _, label in y_ticks[0]), width - 18
    y0, y1 = _LEGEND_ROW * len(legend_rows) + 18, height - 52
    has_zero = use_log and bool((values == 0).any())
    ys = YScale(use_log, y_ticks[2], y0, y1 - 28 if has_zero else y1, y1)

    def x_of(t: float) -> float:
        return x0 + t / max(steps, 1) * (x1 - x0)

    out = [
        f'<g class="nnla-grid">{"".join(line(x0, ys.at(u), x1, ys.at(u)) for u, _ in y_ticks[0])}'
        f"{''.join(line(x0, ys.at(u), x1, ys.at(u), 'nnla-minor') for u in y_ticks[1])}</g>",
        _y_axis(y_ticks[0], ys, x0, y_label, has_zero),
        _x_axis(step_ticks(steps, x1 - x0), x_of, x0, x1, y1, height),
    ]
    if ref is not None:
        y = ys(ref[0])
        out.append(
            f'<line class="nnla-reference" data-value="{esc(repr(ref[0]))}" '
            f'x1="{num(x0)}" y1="{num(y)}" x2="{num(x1)}" y2="{num(y)}"/>'
        )
    for index, (label, losses) in enumerate(curves):
        out.append(_curve(index, label, [(x_of(t), ys(float(v))) for t, v in enumerate(losses)]))
    for row_index, row in enumerate(legend_rows):
        out += [
            _legend_item(index, label, x, _LEGEND_ROW * (row_index + 0.5), index == len(curves))
            for x, index, label in row
        ]

    desc = describe.join(
        description, describe.loss_summary(curves, use_log, y_ticks[2], has_zero, ref, values, quantity)
    )
    scale = {"data-scale": "log" if use_log else "linear"}
    return svg(p, width, height, "nnla-loss-plot", title, desc, _PLOT_CSS, _PLOT_CSS_VALUES, out, scale)


def _curves(series: object) -> list[tuple[str, NDArray[np.float64]]]:
    """Check that `series` is a non-empty sequence of `Series`, and read each one's label and losses."""
    if isinstance(series, Series) or not isinstance(series, Sequence):
        raise TypeError(f"series must be a sequence of Series, such as [Series(...)]; got {type(series).__name__}")
    if len(series) == 0:
        raise ValueError("series must hold at least one Series; got an empty sequence")
    curves = []
    for index, item in enumerate(series):
        if not isinstance(item, Series):
            raise TypeError(f"series[{index}] must be a Series; got {type(item).__name__}")
        label = validate.text(item.label, f"series[{index}].label")
        curves.append((label, validate.losses(item.losses, f"series[{index}].losses")))
    return curves


def _y_axis(ticks: list[tuple[float, Label]], ys: YScale, x0: float, title: str, has_zero: bool) -> str:
    """The y-axis: its line, labelled ticks, the separate 0 baseline of a log axis, and its title."""
    parts = [line(x0, ys.top, x0, ys.bottom)]
    for u, label in ticks:
        parts += [
            line(x0 - 5, ys.at(u), x0, ys.at(u)),
            text(x0 - 8, ys.at(u), label, "end", "nnla-tick-label"),
        ]
    if has_zero:  # a short stub of axis at the baseline, and a break mark in the gap above it
        parts += [line(x0, ys.zero - 6, x0, ys.zero), line(x0 - 5, ys.zero, x0, ys.zero)]
        parts.append(text(x0 - 8, ys.zero, ("0", ""), "end", "nnla-tick-label"))
        gap = (ys.bottom + ys.zero - 6) / 2
        parts += [line(x0 - 6, gap + dy + 3, x0 + 6, gap + dy - 3, "nnla-break") for dy in (-3, 3)]
    mid = num((ys.top + ys.zero) / 2)
    parts.append(
        f'<text data-search-exclude="" class="nnla-axis-title" x="12" y="{mid}" dy=".35em" text-anchor="middle" '
        f'transform="rotate(-90 12 {mid})">{esc(title)}</text>'
    )
    return f'<g class="nnla-axis nnla-axis-y">{"".join(parts)}</g>'


def _x_axis(ticks: list[int], x_of: Callable[[float], float], x0: float, x1: float, y1: float, height: int) -> str:
    """The x-axis: its line, the step ticks and the title "step"."""
    parts = [line(x0, y1, x1, y1)]
    for t in ticks:
        parts.append(line(x_of(t), y1, x_of(t), y1 + 5))
        parts.append(text(x_of(t), y1 + 18, (str(t), ""), "middle", "nnla-tick-label"))
    parts.append(text((x0 + x1) / 2, height - 12, ("step", ""), "middle", "nnla-axis-title"))
    return f'<g class="nnla-axis nnla-axis-x">{"".join(parts)}</g>'


def _curve(index: int, label: str, points: list[tuple[float, float]]) -> str:
    """One series: a polyline with a vertex per loss, and its markers (every point, or the last one)."""
    marked = points if len(points) <= MARK_EVERY_POINT_UP_TO else points[-1:]
    shape = MARKERS[index % len(MARKERS)]
    vertices = " ".join(f"{num(x)},{num(y)}" for x, y in points)
    marks = "".join(marker(shape, x, y) for x, y in marked)
    return (
        f'<g class="nnla-series nnla-series-{index % len(SERIES_COLOURS) + 1}" data-label="{esc(label)}" '
        f'data-n="{len(points)}"><polyline class="nnla-line" data-n="{len(points)}" points="{vertices}"/>'
        f'<path class="nnla-markers" data-n="{len(marked)}" d="{marks}"/>'
        "</g>"
    )


def _legend_item(index: int, label: str, x: float, y: float, reference: bool) -> str:
    """A legend entry: a sample of the series' line and marker (or of the dashed reference), then its label."""
    if reference:
        sample = f'<line class="nnla-reference" x1="{num(x)}" y1="{num(y)}" x2="{num(x + 24)}" y2="{num(y)}"/>'
        return f'<g class="nnla-legend-item">{sample}{text(x + 30, y, (label, ""), "start", "nnla-legend-label")}</g>'
    return (
        f'<g class="nnla-legend-item"><g class="nnla-series-{index % len(SERIES_COLOURS) + 1}">'
        f'<line class="nnla-line" x1="{num(x)}" y1="{num(y)}" x2="{num(x + 24)}" y2="{num(y)}"/>'
        f'<path class="nnla-markers" d="{marker(MARKERS[index % len(MARKERS)], x + 12, y)}"/></g>'
        f"{text(x + 30, y, (label, ''), 'start', 'nnla-legend-label')}</g>"
    )


def _legend_rows(labels: list[str], width: int) -> list[list[tuple[float, int, str]]]:
    """Place legend entries left to right, wrapping onto a new row when one would pass `width`."""
    rows: list[list[tuple[float, int, str]]] = [[]] if labels else []
    x = 14.0
    for index, label in enumerate(labels):
        entry_w = 30 + text_width(label, SMALL_SCREEN_FONT_PX) + 20
        if rows[-1] and x + entry_w > width - 10:
            rows.append([])
            x = 14.0
        rows[-1].append((x, index, label))
        x += entry_w
    return rows


def _label_width(label: Label) -> float:
    """The width of a tick label at the small-screen size, which the plot's margins must hold."""
    return text_width(label[0], SMALL_SCREEN_FONT_PX) + text_width(label[1], SMALL_SCREEN_FONT_PX * 0.75)
