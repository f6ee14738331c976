r"""The training explorer as a doc-test: every run a reader can choose, re-run here, and everything the page shows.

Part III's training explorer lets a reader choose a step $`\eta`$ and a seed (the page's, or the first stuck seed of
the landscape study) and step through the run. Nothing here calls nnla or the site's registry:

- each run is re-run by ``doccheck_network.descend`` from its start (the page's published one, or the page's recipe
  with the stuck seed, ``doccheck_landscape.draw_start``), and every MSE and every snapshot's surface published in
  values.json is compared with the re-run; the runs are the ones the page says (its steps among the sweep's, ours
  among them; its seeds ours and the study's stuck one), and they behave as the page says;
- what the page carries for each run and snapshot (``data-nnla-shown``): the readout's η, seed, step and MSE at
  their shown precision, each cell's label, its side of the surface's midpoint and its fill opacity by the
  figure's own scale (``data-midpoint``, ``data-span``, ``data-opacity`` on the surface's ``<svg>``), and the
  surface's title and text alternative naming the step and the run;
- the loss plot (``data-nnla-curves``): each run's curve a vertex per MSE where the figure's axis ticks put it
  (``doccheck_explorers.curve_problems``), its text alternative naming the run's η, first and last MSE, and the
  dot at each snapshot on the curve's vertex of that step;
- without JavaScript: the choices, the slider, the readout and both figures are the default run's default snapshot.

`doccheck_explorers.check` runs these checks with its own.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import doccheck
import doccheck_explorers as ex
import doccheck_landscape
import doccheck_network as net
import numpy as np
from bs4 import Tag

if TYPE_CHECKING:
    from doccheck import Site

NAME = "explore_training"
PAGE = ex.PAGES[NAME]
#: A surface re-run here and the published one agree to this (relative, and absolute near zero).
SURFACE_RTOL, SURFACE_ATOL = 1e-7, 1e-9
#: The dot and the curve's vertex at the snapshot's step agree to this, in px (both written to a tenth).
DOT_TOLERANCE_PX = 0.051
#: The readout's numbers for run r at snapshot i, from the published value (the browser test reads them too).
NUMBERS: dict[str, Callable[[dict[str, Any], int, int], float]] = {
    "lr": lambda v, r, i: v["lr"][r],
    "seed": lambda v, r, i: v["seed"][r],
    "step": lambda v, r, i: v["step"][i],
    "loss": lambda v, r, i: v["loss"][r][i],
}


def run_label(value: dict[str, Any], shown: list[dict[str, Any]], r: int) -> str:
    """A run's name as the page writes it: its η as the readout shows it, and its seed."""
    return f"η = {shown[r]['lr']}, seed {value['seed'][r]}"


def start_of(p: dict[str, Any], seed: int) -> net.Params:
    """The start of a run: the page's published one for its own seed, else the page's recipe with the seed."""
    X, params, T = net.example(p)
    if seed == int(p["mlp_seed"]):
        return params
    return doccheck_landscape.draw_start(seed, X.shape[1], params[0].shape[1], T.shape[1])


def _found(site: Site) -> tuple[dict[str, Any], Tag, list[dict[str, Any]]] | None:
    found = ex._explorer(site, NAME)
    if found is None:
        return None
    value, element = found
    return value, element, json.loads(doccheck.attribute(element, "data-nnla-shown"))


def training_runs_recompute(site: Site) -> list[str]:
    """Every run, re-run here from its start: its MSE at every step, its snapshots' MSE and surface; the runs are
    the page's (its steps among the sweep's, its seeds ours and the stuck one) and behave as the page says."""
    found = ex._explorer(site, NAME)
    if found is None:
        return ex._missing(NAME)
    value, _ = found
    p = site.published
    X, _, T = net.example(p)
    steps = int(p["mlp_steps"])
    where = f"{NAME} (on {site.where(NAME)})"
    problems = []
    inputs = {"X": "mlp_X", "W1": "mlp_W1", "b1": "mlp_b1", "W2": "mlp_W2", "b2": "mlp_b2", "T": "mlp_T"}
    if value["inputs"] != {**inputs, "grid": "mlp_surface_x", "stuck seed": "mlp_study_stuck_seed"}:
        problems.append(f"{where}: its inputs are not the page's: {value['inputs']}")
    ours, stuck = int(p["mlp_seed"]), int(p["mlp_study_stuck_seed"])
    sweep = {row[1] for row in p["mlp_lr_sweep"]}
    lrs, seeds = value["lr"], value["seed"]
    r0 = value["default_run"]
    if set(seeds) != {ours, stuck} or not set(lrs) <= sweep or (lrs[r0], seeds[r0]) != (p["mlp_lr"], ours):
        problems.append(f"{where}: its runs are not the sweep's steps from our seed and the stuck one: {lrs}, {seeds}")
    if sorted(zip(lrs, seeds, strict=True)) != sorted({(lr, s) for lr in lrs for s in seeds}):
        problems.append(f"{where}: not every step is run from every seed, or a run is there twice")
    snapshots = value["step"]
    if snapshots[0] != 0 or snapshots[-1] != steps or len(set(np.diff(snapshots).tolist())) != 1:
        problems.append(f"{where}: its snapshots must run evenly from step 0 to step {steps}; got {snapshots}")
    grid = doccheck.array(p, "mlp_surface_x")
    if value["grid"] != p["mlp_surface_x"]:
        problems.append(f"{where}: its grid is not mlp_surface_x")
    finals = {}
    for r, (lr, seed) in enumerate(zip(lrs, seeds, strict=True)):
        losses, points = net.descend(X, start_of(p, seed), T, lr, steps)
        run = f"{where}, run {r} (η = {lr!r}, seed {seed})"
        message = ex._differs(value["losses"][r], losses, net.TRACE_RTOL, net.TRACE_ATOL)
        if message or len(losses) != steps + 1:
            problems.append(f"{run}: its MSE at each step differs from a re-run: {message}")
            continue
        finals[(lr, seed)] = losses[-1]
        for i, step in enumerate(snapshots):
            for what, shown, again, rtol, atol in (
                ("MSE", value["loss"][r][i], losses[step], net.TRACE_RTOL, net.TRACE_ATOL),
                ("surface", value["surface"][r][i], net.surface(points[step], grid), SURFACE_RTOL, SURFACE_ATOL),
            ):
                message = ex._differs(shown, again, rtol, atol)
                if message:
                    problems.append(f"{run}, step {step}: its {what} differs from a re-run: {message}")
    for i, name in ((0, "mlp_surface_before"), (-1, "mlp_surface_after")):
        if name in p and not np.allclose(value["surface"][r0][i], p[name], rtol=0, atol=1e-12):
            problems.append(f"{where}: the default run's surface at step {snapshots[i]} is not {name}")
    if len(finals) == len(lrs) and set(seeds) == {ours, stuck}:
        by_step = sorted(set(lrs))
        ours_end = [finals[(lr, ours)] for lr in by_step]
        expectations = [
            (
                all(a > b for a, b in itertools.pairwise(ours_end)),
                "from our seed a larger step ends lower",
            ),
            (
                all(finals[(lr, stuck)] > p["mlp_study_half"] - doccheck_landscape.PLATEAU_ATOL for lr in by_step),
                "from the stuck seed no step gets off the plateau within the run",
            ),
        ]
        problems += [f"{PAGE}: '{what}' does not hold" for holds, what in expectations if not holds]
    return problems


def _scale(svg: Tag) -> tuple[float, float, float, float]:
    base, gain = (float(v) for v in doccheck.attribute(svg, "data-opacity").split())
    return float(doccheck.attribute(svg, "data-midpoint")), float(doccheck.attribute(svg, "data-span")), base, gain


def training_readouts_show_the_runs(site: Site) -> list[str]:
    """Each run's and snapshot's readout, cells, shading, title and text alternative are the published numbers."""
    found = _found(site)
    if found is None:
        return ex._missing(NAME)
    value, element, shown = found
    surface_svg = element.select_one(".nnla-explorer-figure svg")
    if surface_svg is None:
        return [f"{NAME} on {PAGE}: no surface figure"]
    midpoint, span, base, gain = _scale(surface_svg)
    problems = []
    if len(shown) != len(value["lr"]):
        return [f"{NAME} on {PAGE}: {len(shown)} runs shown for {len(value['lr'])} published"]
    for r, run in enumerate(shown):
        for i, snapshot in enumerate(run["snapshots"]):
            where = f"{NAME} on {PAGE}, run {r}, snapshot {i}"
            texts = {**snapshot, "lr": run["lr"], "seed": run["seed"]}
            for key, number in NUMBERS.items():
                if not ex.shown_number_holds(texts.get(key, ""), number(value, r, i)):
                    problems.append(f"{where}: shows {key} {texts.get(key)!r}")
            flat = np.ravel(value["surface"][r][i])
            cells, sides, fills = snapshot["cells"].split(), snapshot["sides"], snapshot["fills"].split()
            if not (len(cells) == len(sides) == len(fills) == flat.size):
                problems.append(f"{where}: {len(cells)} cells shown for a surface of {flat.size}")
                continue
            for k, v in enumerate(flat.tolist()):
                opacity = base + gain * min(1.0, abs(v - midpoint) / span)
                if not (
                    ex.shown_number_holds(cells[k], v)
                    and sides[k] == ("h" if v >= midpoint else "l")
                    and abs(float(fills[k]) - opacity) <= 0.0005
                ):
                    problems.append(f"{where}: cell {k} shows {cells[k]!r}, {sides[k]}, {fills[k]} for {v!r}")
            said = snapshot["title"] + " " + snapshot["desc"]
            if f"after {value['step'][i]} steps, {run_label(value, shown, r)}" not in said:
                problems.append(f"{where}: the surface's title and text alternative are not the snapshot's")
            if snapshot["valuetext"] != f"step {snapshot['step']}":
                problems.append(f"{where}: the slider would announce {snapshot['valuetext']!r}")
    return problems


def training_curves_draw_the_runs(site: Site) -> list[str]:
    """Each run's curve is its MSE at every step on the figure's own axes, described as its run, with the dot at
    each snapshot on the curve's vertex of that step."""
    found = _found(site)
    if found is None:
        return ex._missing(NAME)
    value, element, shown = found
    holder = element.select_one(".nnla-explorer-loss")
    plot = holder.select_one("svg.nnla-settings-plot") if holder else None
    if holder is None or plot is None or not holder.has_attr("data-nnla-curves"):
        return [f"{NAME} on {PAGE}: no loss plot carrying each run's curve"]
    if plot.get("data-scale") != "log":
        return [f"{NAME} on {PAGE}: the loss plot's y-axis is not logarithmic"]
    axes = ex.axes_of(plot)
    curves = json.loads(doccheck.attribute(holder, "data-nnla-curves"))
    if len(curves) != len(value["losses"]):
        return [f"{NAME} on {PAGE}: {len(curves)} curves for {len(value['losses'])} runs"]
    problems = []
    for r, (curve, losses) in enumerate(zip(curves, value["losses"], strict=True)):
        found_here = ex.curve_problems(curve["points"], curve["class"], losses, axes)
        found_here += ex.description_problems(curve["desc"], shown[r]["lr"], losses, curve["class"])
        if curve["label"] != run_label(value, shown, r) or f"seed {value['seed'][r]}" not in curve["desc"]:
            found_here.append(f"its curve is labelled {curve['label']!r}, described as {curve['desc'][:80]!r}")
        vertices = curve["points"].split()
        for i, step in enumerate(value["step"]):
            if step >= len(vertices) or _apart(curve["marks"][i], vertices[step]) > DOT_TOLERANCE_PX:
                found_here.append(f"snapshot {i}: the dot at {curve['marks'][i]} is not on the curve at step {step}")
        problems += [f"{NAME} on {PAGE}, run {r}: {problem}" for problem in found_here]
    return problems


def _apart(a: str, b: str) -> float:
    (x0, y0), (x1, y1) = (tuple(float(c) for c in point.split(",")) for point in (a, b))
    return math.hypot(x1 - x0, y1 - y0)


def training_default_is_on_the_page(site: Site) -> list[str]:
    """Without JavaScript: the choices, the slider, the readout, the curve, the dot and the surface are the default
    run's default snapshot."""
    found = _found(site)
    if found is None:
        return ex._missing(NAME)
    value, element, shown = found
    where = f"{NAME} on {PAGE}"
    r, i = value["default_run"], value["default"]
    problems = []
    slider = element.select_one('.nnla-explorer-controls label input[type="range"]')
    if slider is None or (slider.get("min"), slider.get("max"), slider.get("value")) != (
        "0",
        str(len(value["step"]) - 1),
        str(i),
    ):
        problems.append(f"{where}: no labelled slider over the snapshots at the default {i}")
    seeds_in_order = list(dict.fromkeys(value["seed"]))
    chosen = {}
    for key in ("lr", "seed"):
        select = element.select_one(f'.nnla-explorer-controls label select[data-nnla-choose="{key}"]')
        option = select.select_one("option[selected]") if select else None
        chosen[key] = int(str(option.get("value"))) if option else -1
    if chosen["lr"] * len(seeds_in_order) + chosen["seed"] != r:
        problems.append(f"{where}: the choices, {chosen}, are not the default run {r}")
    texts = {**shown[r]["snapshots"][i], "lr": shown[r]["lr"], "seed": shown[r]["seed"]}
    for output in element.select("output[data-nnla-show]"):
        key = doccheck.attribute(output, "data-nnla-show")
        if output.get_text() != texts[key]:
            problems.append(f"{where}: the page shows {key} {output.get_text()!r}, not the default's")
    holder = element.select_one(".nnla-explorer-loss")
    curves = json.loads(doccheck.attribute(holder, "data-nnla-curves")) if holder else []
    line = holder.select_one("svg.nnla-settings-plot polyline.nnla-line") if holder else None
    dot = holder.select_one("svg.nnla-now circle") if holder else None
    if not curves or line is None or line.get("points") != curves[r]["points"]:
        problems.append(f"{where}: the loss plot does not draw the default run's curve")
    elif dot is None or f"{dot.get('cx')},{dot.get('cy')}" != curves[r]["marks"][i]:
        problems.append(f"{where}: the dot is not at the default snapshot's step")
    cells = element.select(".nnla-explorer-figure svg g.nnla-cell")
    if [float(doccheck.attribute(c, "data-value")) for c in cells] != np.ravel(value["surface"][r][i]).tolist():
        problems.append(f"{where}: the surface is not the default snapshot's")
    return problems


#: The training explorer's checks, by name, run by `doccheck_explorers.check` after its own.
CHECKS: dict[str, Callable[[Site], list[str]]] = {
    check.__name__: check
    for check in (
        training_runs_recompute,
        training_readouts_show_the_runs,
        training_curves_draw_the_runs,
        training_default_is_on_the_page,
    )
}
