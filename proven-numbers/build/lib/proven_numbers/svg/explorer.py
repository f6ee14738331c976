"""The loss plot of an explorer: one run at a time, on axes drawn once for every run a reader can choose.

The axes are fixed, so that moving from one run to the next moves the curve and nothing else: the y-axis is
logarithmic over a `window` of losses the caller chooses (its ticks from `scales.log_ticks`, as the loss plot's),
the x-axis runs over the longest run's steps. A run that leaves the window ends at its edge, with an arrow there
pointing the way it went (``nnla-exit-top`` or ``nnla-exit-bottom`` on the polyline); a loss of 0 leaves through
the bottom. Each vertex is marked by the polyline's own SVG markers (``marker-start``, ``-mid`` and ``-end``),
so that a run is only its ``points``.

`settings_plot` returns the SVG, drawn with the default run, and for every run the attributes and text that
draw it instead (`Curve`): the page's script puts them in place and computes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from proven_numbers.svg import describe, validate
from proven_numbers.svg.loss import _PLOT_CSS, _PLOT_CSS_VALUES, Series, _curves, _label_width, _x_axis, _y_axis
from proven_numbers.svg.markup import esc, line, marker, num, svg
from proven_numbers.svg.scales import YScale, log_ticks, step_ticks

__all__ = ["Curve", "settings_plot"]

#: Decimals of the curves' coordinates: a tenth of a px is finer than a screen shows, and each setting's points
#: travel in the page.
POINT_PLACES = 1
#: Exits of a run from the window, as the polyline's class names them.
EXITS = ("top", "bottom")
_MARKER_CSS = (
    "{p} .nnla-line{{marker:url({p}-dot)}}\n"
    "{p} .nnla-line.nnla-exit-top{{marker-end:url({p}-up)}}\n"
    "{p} .nnla-line.nnla-exit-bottom{{marker-end:url({p}-down)}}\n"
)


@dataclass(frozen=True)
class Curve:
    """What draws one run on the explorer's plot: the polyline's attributes and the figure's text alternative.

    Attributes:
        points: the polyline's ``points``: a vertex per loss inside the window, then one on its edge if it left.
        line_class: the polyline's ``class``: ``nnla-line``, with ``nnla-exit-top`` or ``nnla-exit-bottom``.
        n: the number of losses of the run (the polyline's ``data-n``).
        label: the run's name, such as ``"η = 0.1"`` (the series' ``data-label``).
        desc: the figure's ``<desc>`` for this run: the run's description, then a summary of its data.
    """

    points: str
    line_class: str
    n: int
    label: str
    desc: str


def settings_plot(
    series: Sequence[Series],
    descriptions: Sequence[str],
    *,
    default: int,
    window: tuple[float, float],
    title: str,
    id_prefix: str,
    y_label: str = "loss (SSE)",
    width: int = 640,
    height: int = 320,
) -> tuple[str, list[Curve]]:
    """Draw the axes for every run of `series` and the curve of `series[default]`; and every run's `Curve`.

    Args:
        series: the runs a reader can choose between, one `Series` each.
        descriptions: for each run, what the figure shows when it is drawn, in prose; a summary is appended.
        default: the index of the run drawn in the SVG (the one a page shows without its script).
        window: the lowest and highest loss the y-axis must show, both positive; the axis reaches from the decade
            at or below the first to the decade at or above the second.
        title: the figure's accessible name (its ``<title>``), the same for every run.
        id_prefix: a unique id for the figure on its page (a letter, then letters, digits, ``-``, ``_``).
        y_label: the y-axis title.
        width: the width of the viewBox in px, at least 240.
        height: the height of the viewBox in px, at least 160.

    Returns:
        The ``<svg>`` element as a string, and each run's `Curve`, in the order of `series`.

    Raises:
        ValueError: an argument has the wrong shape or value; the message names it.
        TypeError: an argument has the wrong type.
    """
    p = validate.identifier(id_prefix)
    title = validate.text(title, "title")
    y_label = validate.text(y_label, "y_label")
    validate.size(width, "width", 240)
    validate.size(height, "height", 160)
    curves = _curves(series)
    texts = [validate.text(d, f"descriptions[{i}]", allow_empty=True) for i, d in enumerate(descriptions)]
    if len(texts) != len(curves):
        raise ValueError(f"descriptions must hold one text per series ({len(curves)}); got {len(texts)}")
    if isinstance(default, bool) or not isinstance(default, int) or not 0 <= default < len(curves):
        raise ValueError(f"default must be the index of a series, 0 to {len(curves) - 1}; got {default!r}")
    low, high = (float(v) for v in window)
    if not (math.isfinite(low) and math.isfinite(high) and 0 < low < high):
        raise ValueError(f"window must be two finite losses with 0 < low < high; got {window!r}")

    ticks = log_ticks(np.array([low, high]))
    steps = max(losses.size for _, losses in curves) - 1
    x0, x1 = 34 + max(_label_width(label) for _, label in ticks[0]), width - 18
    y0, y1 = 26.0, height - 52
    ys = YScale(True, ticks[2], y0, y1, y1)

    def x_of(t: float) -> float:
        return x0 + t / max(steps, 1) * (x1 - x0)

    drawn = []
    for (label, losses), text in zip(curves, texts, strict=True):
        vertices, exit_at = _clipped(losses, x_of, ys)
        side = "" if exit_at is None else ("top" if losses[exit_at] > 10.0**ys.hi else "bottom")
        summary = describe.loss_summary([(label, losses)], True, ticks[2], False, None, losses)
        if exit_at is not None:
            summary += " " + describe.clipped(side, ticks[2], exit_at)
        drawn.append(
            Curve(
                points=" ".join(f"{num(x, POINT_PLACES)},{num(y, POINT_PLACES)}" for x, y in vertices),
                line_class="nnla-line" + (f" nnla-exit-{side}" if side else ""),
                n=int(losses.size),
                label=label,
                desc=describe.join(text, summary),
            )
        )

    shown = drawn[default]
    out = [
        f'<g class="nnla-grid">{"".join(line(x0, ys.at(u), x1, ys.at(u)) for u, _ in ticks[0])}'
        f"{''.join(line(x0, ys.at(u), x1, ys.at(u), 'nnla-minor') for u in ticks[1])}</g>",
        _y_axis(ticks[0], ys, x0, y_label, False),
        _x_axis(step_ticks(steps, x1 - x0), x_of, x0, x1, y1, height),
        f'<g class="nnla-series nnla-series-1" data-label="{esc(shown.label)}" data-n="{shown.n}">'
        f"<defs>{_markers(p)}</defs>"
        f'<polyline class="{shown.line_class}" data-n="{shown.n}" points="{shown.points}"/></g>',
    ]
    css = _PLOT_CSS + _MARKER_CSS
    attrs = {"data-scale": "log", "data-window": f"{num(ticks[2][0])} {num(ticks[2][1])}"}
    return svg(
        p, width, height, "nnla-loss-plot nnla-settings-plot", title, shown.desc, css, _PLOT_CSS_VALUES, out, attrs
    ), drawn


def _clipped(
    losses: NDArray[np.float64], x_of: Callable[[float], float], ys: YScale
) -> tuple[list[tuple[float, float]], int | None]:
    """The vertices of a run inside the window, then its exit on the window's edge; and the step it left at.

    Between the last loss inside and the first outside, the curve is the straight line the log axis draws, so it
    meets the edge where that line does; a loss of 0 (log −∞) meets the bottom edge at its own step.
    """
    vertices: list[tuple[float, float]] = []
    for t, value in enumerate(losses.tolist()):
        u = math.log10(value) if value > 0 else -math.inf
        if ys.lo <= u <= ys.hi:
            vertices.append((x_of(t), ys.at(u)))
            continue
        edge = ys.hi if u > ys.hi else ys.lo
        if t == 0:
            return [(x_of(0), ys.at(edge))], 0
        before = math.log10(losses[t - 1])
        fraction = 1.0 if math.isinf(u) else (edge - before) / (u - before)
        return [*vertices, (x_of(t - 1 + fraction), ys.at(edge))], t
    return vertices, None


def _markers(p: str) -> str:
    """The polyline's markers: a dot at each vertex, and an arrow up or down where a run leaves the window."""
    dot = marker("circle", 5, 5)
    return (
        f'<marker id="{p}-dot" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="10" markerHeight="10" '
        f'markerUnits="userSpaceOnUse"><path class="nnla-markers" d="{dot}"/></marker>'
        f'<marker id="{p}-up" viewBox="0 0 16 16" refX="8" refY="12" markerWidth="16" markerHeight="16" '
        f'markerUnits="userSpaceOnUse"><path class="nnla-markers" d="M8,0L16,14H0Z"/></marker>'
        f'<marker id="{p}-down" viewBox="0 0 16 16" refX="8" refY="4" markerWidth="16" markerHeight="16" '
        f'markerUnits="userSpaceOnUse"><path class="nnla-markers" d="M8,16L16,2H0Z"/></marker>'
    )
