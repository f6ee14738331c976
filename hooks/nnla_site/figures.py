"""The figures of a page's values: a loss trace against step, the Jacobian tensor, an output surface, an explorer's.

An explorer's figures are every setting's: the default one drawn in place, inside the explorer's ``<figure>``, and
each other one in an inert ``<template data-nnla-setting="i">`` that the page's script swaps in when the reader
moves the slider (`explorer_figures`); Material's search leaves the templates out (``data-search-exclude``), so
that a search finds the page's words, not a hundred figures' tick labels. The training explorer has one figure
only: its script recolours the cells of the surface, from the data the page carries.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

import nnla
from nnla_site import svg
from nnla_site.numbers import decimals
from nnla_site.value import (
    LearningRateExplorer,
    ScalarValue,
    SurfaceValue,
    TensorValue,
    TraceValue,
    TrainingExplorer,
    TypedValue,
)

__all__ = ["draw_figure", "explorer_figures"]


def draw_figure(value: TypedValue, values: Mapping[str, TypedValue], prefix: str) -> str:
    """Draw a value's SVG figure: a loss trace, the Jacobian tensor slice by slice, or an output surface.

    For an explorer, its figures, as `explorer_figures` lays them out.

    Args:
        value: the value.
        values: the registry, for a trace's reference line.
        prefix: the figure's id prefix, unique on its page.
    """
    if isinstance(value, TraceValue):
        reference = None
        line = values.get(value.reference) if value.reference else None
        if isinstance(line, ScalarValue):
            reference = (line.data, "least-squares residual")
        return _loss_plot(value.data, value.description, prefix, reference)
    if isinstance(value, SurfaceValue):
        return _surface(value.data, value.grid, value.description, prefix)
    if isinstance(value, TensorValue):
        return svg.tensor_figure(
            np.asarray(value.data),
            title=value.description,
            description="Each panel is one row i of W: a z×z grid of ∂ℓ_k/∂w_ij, j down and k across.",
            id_prefix=prefix,
        )
    if isinstance(value, LearningRateExplorer | TrainingExplorer):
        return explorer_figures(value, prefix)
    raise TypeError(f"the value {value.name!r} ({type(value).__name__}) has no figure")


def explorer_figures(value: LearningRateExplorer | TrainingExplorer, prefix: str) -> str:
    """An explorer's default figure inside its ``<figure>``, then a ``<template>`` for each other setting.

    Every figure's ids start with ``{prefix}-{i}`` for its setting i, so that none repeats on the page.
    """
    if isinstance(value, TrainingExplorer):
        i = value.default
        step = int(value.steps[i])
        title = f"The network's output over the input square after {step} steps of training."
        inner = _surface(value.data[i], value.grid, title, f"{prefix}-{i}", title)
        return f'<figure class="nnla-figure nnla-explorer-figure">{inner}</figure>'
    drawn = {i: _loss_plot(run, value.description, f"{prefix}-{i}", None) for i, run in enumerate(value.data)}
    templates = "".join(
        f'<template data-nnla-setting="{i}" data-search-exclude>{figure}</template>'
        for i, figure in drawn.items()
        if i != value.default
    )
    return f'<figure class="nnla-figure nnla-explorer-figure">{drawn[value.default]}</figure>{templates}'


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


def _surface(Z: np.ndarray, grid: np.ndarray, title: str, prefix: str, description: str = "") -> str:
    return svg.surface_figure(
        Z,
        grid,
        title=title,
        description=description or "The network's output at each point of a grid over the input square.",
        id_prefix=prefix,
    )
