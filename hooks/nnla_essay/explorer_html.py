r"""The explorers' HTML: a slider, its live readout and its figure, rendered at the default setting.

An explorer (``as=explorer``, its only form) is a slider with its label, a live readout of the numbers at the
slider's setting, and the setting's figure, all rendered for the default setting so that the page reads the same
without JavaScript (the slider is ``hidden`` until ``docs/javascripts/explorers.js`` shows it). Its element also
carries ``data-nnla-control`` (``lr`` or ``training``) and ``data-nnla-shown``: for each setting, the readout's words
and numbers as this module (for the training explorer, `nnla_essay.training_explorer`) writes them, so that the
script only puts text where it belongs and never formats a number itself (the learning-rate explorer's figure
carries each setting's curve the same way, `nnla_essay.figures`).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from nnla_essay import training_explorer
from proven_numbers.markers.render import Showing
from proven_numbers.numbers import decimals

if TYPE_CHECKING:
    from nnla_essay.kinds import LearningRateExplorer, TrainingExplorer

__all__ = ["REGIME_WORDS", "explorer"]

#: The training explorer's readout: the run's step and seed, the snapshot's step and MSE.
TRAINING_READOUT = "<span>η = {lr}</span> <span>seed {seed}</span> <span>step {step}</span> <span>MSE {loss}</span>"
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
        default = shown[value.default]
        control = (
            f'<div class="nnla-explorer-controls" hidden><label>{label} '
            f'<input type="range" min="0" max="{len(shown) - 1}" step="1" value="{value.default}" '
            f'aria-valuetext="{html.escape(default["valuetext"])}"></label></div>'
        )
        data, kind = json.dumps(shown, separators=(",", ":"), ensure_ascii=False), "lr"
    else:
        runs = training_explorer.readouts(value, digits)
        run = runs[value.default_run]
        default = {**run["snapshots"][value.default], "lr": run["lr"], "seed": run["seed"]}
        readout = TRAINING_READOUT
        control = training_explorer.controls(value, runs)
        data, kind = json.dumps(runs, separators=(",", ":"), ensure_ascii=False), "training"
    outputs = readout.format(
        **{key: f'<output data-nnla-show="{key}">{html.escape(text)}</output>' for key, text in default.items()}
    )
    extra = f' data-nnla-control="{kind}" data-nnla-shown="{html.escape(data)}"'
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
