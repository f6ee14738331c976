r"""The explorers' HTML: a slider, its live readout and its figure, rendered at the default setting.

An explorer (``as=explorer``, its only form) is a slider with its label, a live readout of the numbers at the
slider's setting, and the setting's figure, all rendered for the default setting so that the page reads the same
without JavaScript (the slider is ``hidden`` until ``docs/javascripts/explorers.js`` shows it). Its element also
carries ``data-nnla-control`` (``lr`` or ``step``) and ``data-nnla-shown``: for each setting, the readout's words and
numbers as this module writes them, so that the script only puts text where it belongs and never formats a number
itself (the learning-rate explorer's figure carries each setting's curve the same way, `nnla_essay.figures`).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from proven_numbers.markers.render import Showing
from proven_numbers.numbers import decimals
from proven_numbers.svg import describe
from proven_numbers.svg.surface import surface_values

if TYPE_CHECKING:
    from nnla_essay.kinds import LearningRateExplorer, TrainingExplorer

__all__ = ["REGIME_WORDS", "explorer"]

#: What each regime of the learning-rate explorer means, as its readout says it.
REGIME_WORDS: Mapping[str, str] = {
    "stable": "stable: |r| < 1, the loss falls",
    "boundary": "the boundary: |r| = 1, the loss stays",
    "divergent": "divergent: |r| > 1, the loss grows",
}


def explorer(value: LearningRateExplorer | TrainingExplorer, showing: Showing, figures: str) -> str:
    """A slider, its live readout and its figures, rendered at the default setting (see the module's docstring)."""
    from nnla_essay.kinds import LearningRateExplorer

    digits = showing.digits
    if isinstance(value, LearningRateExplorer):
        shown, label, readout = _learning_rate_readouts(value, digits)
    else:
        shown, label, readout = _training_readouts(value, digits)
    default = shown[value.default]
    outputs = readout.format(
        **{key: f'<output data-nnla-show="{key}">{html.escape(text)}</output>' for key, text in default.items()}
    )
    data = html.escape(json.dumps(shown, separators=(",", ":"), ensure_ascii=False))
    kind = "lr" if isinstance(value, LearningRateExplorer) else "step"
    extra = f' data-nnla-control="{kind}" data-nnla-shown="{data}"'
    control = (
        f'<div class="nnla-explorer-controls" hidden><label>{label} '
        f'<input type="range" min="0" max="{len(shown) - 1}" step="1" value="{value.default}" '
        f'aria-valuetext="{html.escape(default["valuetext"])}"></label></div>'
    )
    return (
        f'<div class="nnla-explorer" {showing.attributes(value, extra)}>{control}'
        f'<p class="nnla-explorer-readout" aria-live="polite">{outputs}</p>{figures}</div>'
    )


def _learning_rate_readouts(value: LearningRateExplorer, digits: int) -> tuple[list[dict[str, str]], str, str]:
    """For each learning rate: η, r, r², the regime and the loss after the last step, as the readout writes them."""
    shown = []
    for run, r, regime in zip(value.data, value.factors, value.regimes, strict=True):
        lr = decimals(run.lr, digits).text()
        shown.append(
            {
                "lr": lr,
                "r": decimals(float(r), digits).text(),
                "r2": decimals(float(r * r), digits).text(),
                "regime": REGIME_WORDS[regime],
                "steps": str(len(run.losses) - 1),
                "loss": decimals(float(run.losses[-1]), digits).text(),
                "valuetext": f"η = {lr}",
            }
        )
    readout = (
        "<span>η = {lr}</span> <span>r = {r}</span> <span>r² = {r2}</span> <span>{regime}</span> "
        "<span>SSE after {steps} steps: {loss}</span>"
    )
    return shown, "The step η", readout


def _training_readouts(value: TrainingExplorer, digits: int) -> tuple[list[dict[str, str]], str, str]:
    """For each snapshot: its step, its MSE, and its surface's cells, title and text alternative."""
    shown = []
    for step, loss, Z in zip(value.steps, value.losses, value.data, strict=True):
        title = f"The network's output over the input square after {int(step)} steps of training."
        shown.append(
            {
                "step": str(int(step)),
                "loss": decimals(float(loss), digits).text(),
                "title": title,
                "desc": describe.join(title, describe.surface_summary(Z, value.grid)),
                "cells": json.dumps(surface_values(Z), ensure_ascii=False),
                "valuetext": f"step {int(step)}",
            }
        )
    readout = "<span>step {step}</span> <span>MSE {loss}</span>"
    return shown, "Training step", readout
