r"""The training explorer's page: its controls, its readouts, its two figures, all written at build time.

A reader chooses a run (a step $`\eta`$ and a seed, two ``<select>``s) and a snapshot of it (a slider over the
steps). The explorer then shows, as the build wrote them:

- a readout: the run's $`\eta`$ and seed, the snapshot's step and the MSE there;
- a loss plot of the run, every step, on axes drawn once for every run (`proven_numbers.svg.settings_plot`), with a
  dot over the curve at the snapshot's step. The dot is a second SVG of the same viewBox laid over the plot (so the
  plot is the machinery's, untouched); for each snapshot the build writes where the dot goes: the curve's own vertex
  at that step;
- the output over the square at the snapshot, its cells relabelled and reshaded from the build's text: each
  cell's label, its side of the midpoint (``h`` or ``l``) and its fill opacity, as `proven_numbers.svg.surface`
  draws a static surface.

The page carries no number the script formats: ``data-nnla-shown`` on the explorer holds, for each run, its label
and, for each snapshot, the readout's words, the surface's title, text alternative and cells; ``data-nnla-curves``
on the loss figure holds, for each run, the curve's points, its text alternative and the dot's place at each
snapshot. values.json publishes the runs at full precision (the explorer is not carried on the page).
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, TypedDict

import numpy as np

from proven_numbers import svg
from proven_numbers.numbers import decimals
from proven_numbers.svg import describe
from proven_numbers.svg.markup import num
from proven_numbers.svg.surface import cell_opacity, cell_side, surface_values

if TYPE_CHECKING:
    from nnla_essay.kinds import TrainingExplorer

__all__ = ["PLOT_SIZE", "RunShown", "controls", "figures", "readouts", "run_label", "seed_of"]

#: The loss plot's viewBox (width, height); the dot's SVG has the same, so that the two lie on each other.
PLOT_SIZE = (640, 320)
#: The loss plot's window reaches this factor beyond the lowest and the highest loss of every run.
WINDOW_MARGIN = 2.0


class RunShown(TypedDict):
    """What the page carries of one run: its name, its η and seed as the readout writes them, its snapshots (each
    the readout's step and MSE, the surface's title, text alternative, cells, sides and fill opacities, and the
    slider's announcement)."""

    label: str
    lr: str
    seed: str
    snapshots: list[dict[str, str]]


def seed_of(value: TrainingExplorer, run: int) -> str:
    """What the seed control calls the seed of `run`."""
    distinct = list(dict.fromkeys(int(s) for s in value.seeds))
    return value.seed_labels[distinct.index(int(value.seeds[run]))]


def run_label(value: TrainingExplorer, run: int) -> str:
    """The run's name: its step and its seed, such as ``"η = 0.1, seed 2023"``."""
    return f"η = {decimals(float(value.lrs[run]), 4).text()}, seed {int(value.seeds[run])}"


def readouts(value: TrainingExplorer, digits: int) -> list[RunShown]:
    """For each run: its label, η and seed as the readout writes them, and for each snapshot its step, MSE,
    surface title and text alternative, and each cell's label, side and opacity."""
    shown: list[RunShown] = []
    for r in range(len(value.runs)):
        snapshots = []
        for step, loss, Z in zip(value.steps, value.losses(r), value.data[r], strict=True):
            title = f"The network's output over the input square after {int(step)} steps, {run_label(value, r)}."
            cells = np.ravel(Z)
            snapshots.append(
                {
                    "step": str(int(step)),
                    "loss": decimals(float(loss), digits).text(),
                    "title": title,
                    "desc": describe.join(title, describe.surface_summary(Z, value.grid)),
                    "cells": " ".join(label for row in surface_values(Z) for label in row),
                    "sides": "".join("h" if cell_side(float(v)) == "nnla-high" else "l" for v in cells),
                    "fills": " ".join(f"{cell_opacity(float(v)):.3f}" for v in cells),
                    "valuetext": f"step {int(step)}",
                }
            )
        shown.append(
            {
                "label": run_label(value, r),
                "lr": decimals(float(value.lrs[r]), digits).text(),
                "seed": str(int(value.seeds[r])),
                "snapshots": snapshots,
            }
        )
    return shown


def controls(value: TrainingExplorer, shown: list[RunShown]) -> str:
    """The two choices and the slider, set at the defaults (the ``<select>``s' option values are indexes)."""
    lrs = list(dict.fromkeys(float(v) for v in value.lrs))
    seeds = list(dict.fromkeys(int(v) for v in value.seeds))
    run = value.default_run
    lr_options = "".join(
        f'<option value="{i}"{" selected" if lr == float(value.lrs[run]) else ""}>{decimals(lr, 4).text()}</option>'
        for i, lr in enumerate(lrs)
    )
    seed_options = "".join(
        f'<option value="{i}"{" selected" if seed == int(value.seeds[run]) else ""}>{html.escape(label)}</option>'
        for i, (seed, label) in enumerate(zip(seeds, value.seed_labels, strict=True))
    )
    default = shown[run]["snapshots"][value.default]
    return (
        '<div class="nnla-explorer-controls" hidden>'
        f'<label>Step η <select data-nnla-choose="lr">{lr_options}</select></label>'
        f'<label>Seed <select data-nnla-choose="seed">{seed_options}</select></label>'
        f'<label>Training step <input type="range" min="0" max="{len(value.steps) - 1}" step="1" '
        f'value="{value.default}" aria-valuetext="{html.escape(default["valuetext"])}"></label></div>'
    )


def figures(value: TrainingExplorer, prefix: str) -> str:
    """The loss plot with its dot, and the surface, both at the defaults; the plot's figure carries every run's
    curve and the dot's place at every snapshot (``data-nnla-curves``)."""
    labels = [run_label(value, r) for r in range(len(value.runs))]
    every = np.concatenate([run.losses for run in value.runs])
    positive = every[every > 0]
    width, height = PLOT_SIZE
    plot, curves = svg.settings_plot(
        [svg.Series(label, run.losses) for label, run in zip(labels, value.runs, strict=True)],
        [f"MSE against step for gradient descent with {label}." for label in labels],
        default=value.default_run,
        window=(float(positive.min()) / WINDOW_MARGIN, float(positive.max()) * WINDOW_MARGIN),
        title="The MSE of the chosen run at every step, a dot at the chosen step.",
        id_prefix=f"{prefix}-loss",
        y_label="loss (MSE)",
        width=width,
        height=height,
    )
    data: list[dict[str, object]] = []
    marks: list[list[str]] = []
    for curve in curves:
        # The window holds every loss, so each curve has a vertex a step; were one to end early (at the window's
        # edge), its dot stays on its last vertex, and the doc-test reports the curve.
        vertices = curve.points.split()
        marks.append([vertices[min(int(s), len(vertices) - 1)] for s in value.steps])
        data.append(
            {
                "points": curve.points,
                "class": curve.line_class,
                "n": str(curve.n),
                "label": curve.label,
                "desc": curve.desc,
                "marks": marks[-1],
            }
        )
    cx, cy = marks[value.default_run][value.default].split(",")
    dot = (
        f'<svg class="nnla-now" viewBox="0 0 {num(width)} {num(height)}" aria-hidden="true">'
        f'<circle r="8" cx="{cx}" cy="{cy}"/></svg>'
    )
    carried = html.escape(json.dumps(data, separators=(",", ":"), ensure_ascii=False))
    i, r = value.default, value.default_run
    title = f"The network's output over the input square after {int(value.steps[i])} steps, {labels[r]}."
    surface = svg.surface_figure(
        value.data[r, i], value.grid, title=title, description=title, id_prefix=f"{prefix}-surface"
    )
    return (
        f'<figure class="nnla-figure nnla-explorer-loss" data-nnla-curves="{carried}">'
        f'<div class="nnla-now-frame">{plot}{dot}</div></figure>'
        f'<figure class="nnla-figure nnla-explorer-figure">{surface}</figure>'
    )
