"""The figures of a page's values: a loss trace against step, or the Jacobian tensor slice by slice."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

import nnla
from nnla_site import svg
from nnla_site.numbers import decimals
from nnla_site.values import Value

__all__ = ["draw_figure"]


def draw_figure(value: Value, values: Mapping[str, Value], prefix: str) -> str:
    """Draw a value's SVG figure: a loss trace against step, or the Jacobian tensor slice by slice.

    Args:
        value: the value.
        values: the registry, for a trace's reference line.
        prefix: the figure's id prefix, unique on its page.
    """
    if value.kind == "trace":
        trace: nnla.Trace = value.data
        reference = None
        if value.reference:
            reference = (float(values[value.reference].data), "least-squares residual")
        loss = "SSE" if trace.reduction == "sum" else "MSE"
        label = f"η = {decimals(trace.lr, 4).text()}"
        return svg.loss_plot(
            [svg.Series(label, trace.losses)],
            title=value.description,
            description=f"Loss ({loss}) against step for gradient descent with step {label}.",
            id_prefix=prefix,
            reference=reference,
            y_label=f"loss ({loss})",
        )
    return svg.tensor_figure(
        np.asarray(value.data),
        title=value.description,
        description="Each panel is one row i of W: a z×z grid of ∂ℓ_k/∂w_ij, j down and k across.",
        id_prefix=prefix,
    )
