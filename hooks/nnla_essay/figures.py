"""The figures of a page's values: a loss trace against step, the Jacobian tensor, an output surface, an explorer's.

A trace whose reference is its floor (a least-squares loss it levels off at) is drawn as its gap above that level,
on a log axis, so that the page's "never below it" can be seen (`_gap_plot`).

An explorer has one figure, drawn at its default setting, which the page's script changes in place as the reader
moves the slider. The learning-rate explorer's is a loss plot whose axes fit every run
(`proven_numbers.svg.explorer`): the ``<figure>`` carries, for each setting, the curve's points and the figure's
text alternative as the build wrote them (``data-nnla-curves``), so that the script only swaps attributes and
text. The training explorer's are a loss plot of the chosen run with a dot at the chosen step, and the surface
there (`nnla_essay.training_explorer`).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

import nnla

# The kinds draw themselves with this module, and it reads their classes: the cycle is closed at call time.
import nnla_essay.kinds as kinds
from nnla_essay import training_explorer
from proven_numbers import svg
from proven_numbers.numbers import decimals
from proven_numbers.svg import describe
from proven_numbers.value import ScalarValue, Value

if TYPE_CHECKING:
    from nnla_essay.kinds import LearningRateExplorer, RunsValue, TraceValue, TrainingExplorer

__all__ = ["LR_WINDOW_DECADES", "ROUNDING_ULPS", "draw_figure", "explorer_figures"]


def draw_figure(value: Value, values: Mapping[str, Value], prefix: str) -> str:
    """Draw a value's SVG figure: a loss trace, the Jacobian tensor slice by slice, or an output surface.

    For an explorer, its figures, as `explorer_figures` lays them out.

    Args:
        value: the value.
        values: the registry, for the level a trace's gap is drawn above.
        prefix: the figure's id prefix, unique on its page.
    """
    if isinstance(value, kinds.TraceValue):
        level = values.get(value.reference) if value.reference else None
        if isinstance(level, ScalarValue) and value.floor:
            return _gap_plot(value, level, prefix)
        reference = (level.data, "least-squares residual") if isinstance(level, ScalarValue) else None
        return _loss_plot(value.data, value.description, prefix, reference)
    if isinstance(value, kinds.SurfaceValue):
        return _surface(value.data, value.grid, value.description, prefix)
    if isinstance(value, kinds.TensorValue):
        return svg.tensor_figure(
            np.asarray(value.data),
            title=value.description,
            description=(
                "The n × z × z block, one z×z slice for each row i of W, stacked from i = 1 at the top: each slice a "
                "grid of ∂ℓ_k/∂w_ij, its rows j from the back to the front and its columns k from left to right."
            ),
            id_prefix=prefix,
        )
    if isinstance(value, kinds.LearningRateExplorer | kinds.TrainingExplorer):
        return explorer_figures(value, prefix)
    if isinstance(value, kinds.RunsValue):
        return _runs(value, prefix)
    raise TypeError(f"the value {value.name!r} ({type(value).__name__}) has no figure")


#: A run's loss within this many float64 spacings of a least-squares loss is that loss, up to rounding.
ROUNDING_ULPS = 8
#: The learning-rate explorer's y-axis: from its start's loss divided by 10^12 to it times 10^8 (rounded out to
#: decades). Twelve decades show how fast every stable run falls, eight how fast the divergent ones grow; a run
#: that leaves them is drawn to the edge and marked, and the readout still gives its last loss.
LR_WINDOW_DECADES = (12, 8)


def explorer_figures(value: LearningRateExplorer | TrainingExplorer, prefix: str) -> str:
    """An explorer's figures at its default setting, with every setting's curve as data."""
    if isinstance(value, kinds.TrainingExplorer):
        return training_explorer.figures(value, prefix)
    start = float(value.data[0].losses[0])
    below, above = LR_WINDOW_DECADES
    labels = [f"η = {decimals(run.lr, 4).text()}" for run in value.data]
    plot, curves = svg.settings_plot(
        [svg.Series(label, run.losses) for label, run in zip(labels, value.data, strict=True)],
        [f"Loss (SSE) against step for gradient descent with step {label}." for label in labels],
        default=value.default,
        window=(start * 10.0**-below, start * 10.0**above),
        title=value.description,
        id_prefix=prefix,
    )
    data = [
        {"points": c.points, "class": c.line_class, "n": str(c.n), "label": c.label, "desc": c.desc} for c in curves
    ]
    carried = html.escape(json.dumps(data, separators=(",", ":"), ensure_ascii=False))
    return f'<figure class="nnla-figure nnla-explorer-figure" data-nnla-curves="{carried}">{plot}</figure>'


def _loss_plot(
    run: nnla.Trace | nnla.NetworkTrace, title: str, prefix: str, reference: tuple[float, str] | None
) -> str:
    loss = "SSE" if run.reduction == "sum" else "MSE"
    label = f"η = {decimals(run.lr, 4).text()}"
    return svg.loss_plot(
        [svg.Series(label, run.losses)],
        title=title,
        description=f"Loss ({loss}) against step for gradient descent with step {label}.",
        id_prefix=prefix,
        reference=reference,
        y_label=f"loss ({loss})",
    )


def _gap_plot(value: TraceValue, level: ScalarValue, prefix: str) -> str:
    """A run that levels off at a least-squares loss, drawn as its gap above that level on a log axis.

    On a plot of the loss itself the curve lies on the level's line and "never below it" cannot be seen; the gap
    shows how the run closes in, decade by decade, until float64 cannot tell the two apart: a gap within
    `ROUNDING_ULPS` spacings of float64 at the level is drawn as 0, on the axis' own baseline. A gap below that,
    a run truly below the least-squares loss, is an error: the figure would contradict the page.
    """
    run = value.data
    loss = "SSE" if run.reduction == "sum" else "MSE"
    gaps = run.losses - level.data
    rounding = ROUNDING_ULPS * float(np.spacing(level.data))
    if (gaps < -rounding).any():
        step = int(np.argmax(gaps < -rounding))
        raise ValueError(
            f"{value.name} falls below {level.name} = {level.data!r} at step {step} ({run.losses[step]!r}), by more "
            f"than float64 rounding: its gap to the least-squares {loss} cannot be drawn on a log axis"
        )
    label = f"η = {decimals(run.lr, 4).text()}"
    return svg.loss_plot(
        [svg.Series(label, np.where(gaps <= rounding, 0.0, gaps))],
        title=value.description,
        description=(
            f"How far the {loss} of gradient descent with step {label} is above the least-squares {loss}, "
            f"{describe.short(level.data)}, against step; a gap within float64's rounding of it is drawn as 0."
        ),
        id_prefix=prefix,
        log_scale=True,
        y_label=f"{loss} − least-squares {loss}",
        quantity="gap",
    )


def _runs(value: RunsValue, prefix: str) -> str:
    """Runs side by side: a plot of their losses and, below it, a plot of their gradients' norms, both on log axes."""
    runs = value.data
    loss = "SSE" if runs.reduction == "sum" else "MSE"
    lr = decimals(runs.lr, 4).text()
    plots = [
        svg.loss_plot(
            [svg.Series(label, record) for label, record in zip(value.labels, records, strict=True)],
            title=f"{title} at each step of gradient descent with step η = {lr}, {' and '.join(value.labels)}.",
            description=f"{title} against step for {len(value.labels)} runs of gradient descent.",
            id_prefix=f"{prefix}-{part}",
            log_scale=True,
            y_label=y_label,
            quantity=quantity,
        )
        for part, records, title, y_label, quantity in (
            ("loss", runs.losses, f"The {loss}", loss, loss),
            ("gradient", runs.gradient_norms, "The norm of the gradient", "gradient norm", "gradient norm"),
        )
    ]
    return f'<figure class="nnla-figure nnla-runs-figure">{"".join(plots)}</figure>'


def _surface(Z: np.ndarray, grid: np.ndarray, title: str, prefix: str, description: str = "") -> str:
    return svg.surface_figure(
        Z,
        grid,
        title=title,
        description=description or "The network's output at each point of a grid over the input square.",
        id_prefix=prefix,
    )
