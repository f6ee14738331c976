r"""The explorers as a doc-test: every setting a reader can reach, recomputed here, and what the page shows of it.

``doccheck.check_site`` runs `check`. Nothing here calls nnla or the site's registry: the learning-rate explorer's
factor is $`r = 1 - 2\eta\,(1 + \lVert\mathbf{x}\rVert^2)`$ from the published $`\mathbf{x}`$, its regime is read off
$`|r|`$ here, and its runs are re-run by ``doccheck.descend`` and checked against the closed form
$`\mathrm{SSE}_t = r^{2t}\,\mathrm{SSE}_0`$; the training explorer's snapshots are re-run by
``doccheck_network.descend`` and its surfaces by ``doccheck_network.surface``. Then the page: each setting's readout
text (``data-nnla-shown``, which the script puts on the page) is the published number at its shown precision, and
the default setting is what the page shows without JavaScript.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import doccheck
import doccheck_network
import numpy as np
from bs4 import Tag

if TYPE_CHECKING:
    from doccheck import Site

#: The explorers, by name, and the page each stands on as built.
PAGES = {"explore_lr": "part-2/index.html", "explore_training": "part-3/index.html"}
#: Every name this module accounts for.
RECOMPUTED = set(PAGES)
#: The closed form r^(2t) SSE_0 and a re-run agree to this (relative), and to this near zero (absolute).
CLOSED_FORM_RTOL, CLOSED_FORM_ATOL = 1e-6, 1e-9
#: |r| within this of 1 is the boundary, the limit itself up to rounding.
BOUNDARY_TOLERANCE = 1e-9
#: What the readout says of each regime must name it.
REGIME_WORDS = {"stable": "stable", "boundary": "boundary", "divergent": "divergent"}
#: The readout's numbers, and where each comes from in an explorer's published value at setting i.
LR_NUMBERS: dict[str, Callable[[dict[str, Any], int], float]] = {
    "lr": lambda v, i: v["lr"][i],
    "r": lambda v, i: v["r"][i],
    "r2": lambda v, i: v["r"][i] ** 2,
    "loss": lambda v, i: v["traces"][i]["losses"][-1],
    "steps": lambda v, i: v["traces"][i]["steps"],
}
TRAINING_NUMBERS: dict[str, Callable[[dict[str, Any], int], float]] = {
    "step": lambda v, i: v["step"][i],
    "loss": lambda v, i: v["loss"][i],
}
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_NUMBER = re.compile(r"^([−-]?\d+(?:\.\d+)?)(?:×10([⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))?$")

Check = Callable[["Site"], list[str]]


def regime(r: float) -> str:
    """The regime of a factor r: stable when |r| < 1, the boundary when |r| = 1, divergent when |r| > 1."""
    if abs(abs(r) - 1.0) <= BOUNDARY_TOLERANCE:
        return "boundary"
    return "stable" if abs(r) < 1.0 else "divergent"


def shown_number_holds(text: str, value: float) -> bool:
    """Whether a readout's text (a real minus sign, an exponent in superscript digits) is `value` as shown."""
    match = _NUMBER.match(text)
    if match is None:
        return False
    exponent = match.group(2).translate(_SUPERSCRIPTS) if match.group(2) else None
    return doccheck.shown_precision_holds(match.group(1), exponent, float(value))


def _explorer(site: Site, name: str) -> tuple[dict[str, Any], Tag] | None:
    """The explorer's published value and its element on its page, or None when it is not there."""
    soup = site.soups.get(PAGES[name])
    element = soup.select_one(f'[data-nnla-name="{name}"]') if soup else None
    if not isinstance(element, Tag) or name not in site.published:
        return None
    return site.published[name], element


def _differs(actual: Any, expected: Any, rtol: float, atol: float) -> str | None:
    """NumPy's message when `actual` and `expected` differ beyond the tolerances, else None."""

    def compare() -> None:
        np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)

    return doccheck.mismatch(compare)


def _missing(name: str) -> list[str]:
    return [f"{name} is not on {PAGES[name]}"]


# ------------------------------------------------------------------------------------------------ the checks


def learning_rate_settings_recompute(site: Site) -> list[str]:
    """Every η of the grid: its r from the formula, its regime from |r|, its run re-run and in closed form."""
    found = _explorer(site, "explore_lr")
    if found is None:
        return _missing("explore_lr")
    value, _ = found
    p = site.published
    x, W, b, t = (doccheck.array(p, name) for name in ("x", "W", "b", "t"))
    norm2 = float(np.sum(x * x))
    limit = 1.0 / (1.0 + norm2)  # 2 / lambda_max with lambda_max = 2 (1 + |x|^2)
    lrs = np.asarray(value["lr"])
    where = f"explore_lr (on {site.where('explore_lr')})"
    problems = []
    if value["inputs"] != {"X": "x", "W": "W", "b": "b", "T": "t"}:
        problems.append(f"{where}: its runs start from {value['inputs']}, not the running example")
    if not (np.all(np.diff(lrs) > 0) and lrs[0] > 0 and lrs[0] < 0.1 * limit and lrs[-1] > 2 * limit):
        problems.append(f"{where}: its steps do not grow from near 0 to above twice the limit {limit!r}")
    if not np.any(np.isclose(lrs, limit, rtol=1e-12, atol=0)):
        problems.append(f"{where}: the limit 2/λ_max = {limit!r} is not one of its steps")
    for i, lr in enumerate(lrs.tolist()):
        r = 1.0 - 2.0 * lr * (1.0 + norm2)
        if not math.isclose(value["r"][i], r, rel_tol=doccheck.RTOL, abs_tol=doccheck.ATOL):
            problems.append(f"{where}, setting {i}: r = {value['r'][i]!r}, but 1 − 2η(1 + ‖x‖²) = {r!r}")
        if value["regime"][i] != regime(r):
            problems.append(f"{where}, setting {i}: regime {value['regime'][i]!r}, but |r| = {abs(r)!r} is {regime(r)}")
        trace = value["traces"][i]
        losses, diverged = doccheck.descend(x, W, b, t, lr, trace["steps"], mean=False)
        if (trace["lr"], trace["reduction"], trace["diverged"]) != (lr, "sum", diverged):
            problems.append(f"{where}, setting {i}: its run is not the SSE run with η = {lr!r}")
        closed = [losses[0] * r ** (2 * step) for step in range(len(losses))]
        for what, expected, rtol, atol in (
            ("a re-run", losses, doccheck.TRACE_RTOL, doccheck.TRACE_ATOL),
            ("r^(2t) SSE_0", closed, CLOSED_FORM_RTOL, CLOSED_FORM_ATOL * losses[0]),
        ):
            message = _differs(trace["losses"], expected, rtol, atol)
            if message:
                problems.append(f"{where}, setting {i} (η = {lr!r}): its losses differ from {what}: {message}")
    regimes = set(value["regime"])
    if regimes != {"stable", "boundary", "divergent"}:
        problems.append(f"{where}: its settings must span the three regimes; they span {sorted(regimes)}")
    return problems


def training_snapshots_recompute(site: Site) -> list[str]:
    """Every snapshot of the training run, re-run here: its step, its MSE, and its output over the grid."""
    found = _explorer(site, "explore_training")
    if found is None:
        return _missing("explore_training")
    value, _ = found
    p = site.published
    X, params, T = doccheck_network.example(p)
    steps = int(p["mlp_steps"])
    losses, points = doccheck_network.descend(X, params, T, p["mlp_lr"], steps)
    where = f"explore_training (on {site.where('explore_training')})"
    problems = []
    inputs = {"X": "mlp_X", "W1": "mlp_W1", "b1": "mlp_b1", "W2": "mlp_W2", "b2": "mlp_b2", "T": "mlp_T"}
    if value["inputs"] != {**inputs, "grid": "mlp_surface_x"} or value["lr"] != p["mlp_lr"]:
        problems.append(f"{where}: it is not the run of mlp_trace (inputs {value['inputs']}, η = {value['lr']!r})")
    if value["grid"] != p["mlp_surface_x"]:
        problems.append(f"{where}: its grid is not mlp_surface_x")
    snapshots = value["step"]
    gaps = set(np.diff(snapshots).tolist())
    if snapshots[0] != 0 or snapshots[-1] != steps or len(gaps) != 1:
        problems.append(f"{where}: its snapshots must run evenly from step 0 to step {steps}; got {snapshots}")
    grid = doccheck.array(p, "mlp_surface_x")
    for i, step in enumerate(snapshots):
        if step >= len(losses):
            problems.append(f"{where}: snapshot {i} is at step {step}, past the re-run's end")
            continue
        expected = doccheck_network.surface(points[step], grid)
        for what, shown, again, rtol, atol in (
            ("MSE", value["loss"][i], losses[step], doccheck_network.TRACE_RTOL, doccheck_network.TRACE_ATOL),
            ("surface", value["surface"][i], expected, 1e-7, 1e-9),
        ):
            message = _differs(shown, again, rtol, atol)
            if message:
                problems.append(f"{where}, step {step}: its {what} differs from a re-run: {message}")
    for i, name in ((0, "mlp_surface_before"), (-1, "mlp_surface_after")):
        if name in p and not np.allclose(value["surface"][i], p[name], rtol=0, atol=1e-12):
            problems.append(f"{where}: its surface at step {snapshots[i]} is not {name}")
    return problems


def readouts_show_the_settings(site: Site) -> list[str]:
    """Each setting's readout text is the published number at its shown precision; the page shows the default."""
    problems = []
    for name, numbers in (("explore_lr", LR_NUMBERS), ("explore_training", TRAINING_NUMBERS)):
        found = _explorer(site, name)
        if found is None:
            problems += _missing(name)
            continue
        value, element = found
        shown = json.loads(doccheck.attribute(element, "data-nnla-shown"))
        count = len(value[value["control"]])
        if len(shown) != count:
            problems.append(f"{name} on {PAGES[name]}: {len(shown)} readouts for {count} settings")
            continue
        for i, texts in enumerate(shown):
            for key, number in numbers.items():
                if not shown_number_holds(texts.get(key, ""), number(value, i)):
                    problems.append(f"{name} on {PAGES[name]}, setting {i}: shows {key} {texts.get(key)!r}")
            if name == "explore_lr" and REGIME_WORDS[value["regime"][i]] not in texts.get("regime", ""):
                problems.append(f"{name}, setting {i}: the readout {texts.get('regime')!r} is not {value['regime'][i]}")
            if name == "explore_training":
                cells = json.loads(texts.get("cells", "[]"))
                flat = np.ravel(value["surface"][i])
                if np.shape(cells) != np.shape(value["surface"][i]) or not all(
                    shown_number_holds(text, v) for text, v in zip(np.ravel(cells), flat, strict=True)
                ):
                    problems.append(f"{name}, setting {i}: its cells do not show its surface")
        problems += _default_is_on_the_page(name, value, element, shown)
    return problems


def _default_is_on_the_page(name: str, value: dict[str, Any], element: Tag, shown: list[dict[str, str]]) -> list[str]:
    """Without JavaScript: the readout and the figure are the default setting's, and the slider starts there."""
    where = f"{name} on {PAGES[name]}"
    default = value["default"]
    problems = []
    slider = element.select_one('.nnla-explorer-controls label input[type="range"]')
    count = len(shown)
    if slider is None or (slider.get("min"), slider.get("max"), slider.get("value")) != (
        "0",
        str(count - 1),
        str(default),
    ):
        problems.append(f"{where}: no labelled slider from 0 to {count - 1} at the default {default}")
    for output in element.select("output[data-nnla-show]"):
        key = doccheck.attribute(output, "data-nnla-show")
        if output.get_text() != shown[default][key]:
            problems.append(f"{where}: the page shows {key} {output.get_text()!r}, not the default's")
    figure = element.select_one(".nnla-explorer-figure svg")
    if figure is None:
        return [*problems, f"{where}: no figure"]
    if name == "explore_lr":
        templates = element.select("template[data-nnla-setting]")
        numbers = sorted(int(doccheck.attribute(t, "data-nnla-setting")) for t in templates)
        if numbers != [i for i in range(count) if i != default]:
            problems.append(f"{where}: a figure for each setting but the default must wait in a template")
        if not all(t.has_attr("data-search-exclude") for t in templates):
            problems.append(f"{where}: the search index would hold every setting's figure: mark each template")
        for i, svg in [(default, figure), *((int(doccheck.attribute(t, "data-nnla-setting")), t) for t in templates)]:
            line = svg.select_one("polyline.nnla-line")
            if line is None or doccheck.attribute(line, "data-n") != str(len(value["traces"][i]["losses"])):
                problems.append(f"{where}: the figure of setting {i} does not draw its run's losses")
    else:
        cells = figure.select("g.nnla-cell")
        drawn = [float(doccheck.attribute(c, "data-value")) for c in cells]
        if drawn != np.ravel(value["surface"][default]).tolist():
            problems.append(f"{where}: the figure is not the default snapshot's surface")
    return problems


def scripts_are_ours_and_local(site: Site) -> list[str]:
    """Each explorer's page links the site's own script and stylesheet, and both are in the site."""
    problems = []
    for name, page in PAGES.items():
        soup = site.soups.get(page)
        if soup is None:
            problems.append(f"{page} is missing")
            continue
        for selector, path in (
            ('script[src="../javascripts/explorers.js"]', "javascripts/explorers.js"),
            ('link[rel="stylesheet"][href="../stylesheets/explorers.css"]', "stylesheets/explorers.css"),
        ):
            if soup.select_one(selector) is None or not (site.site_dir / path).is_file():
                problems.append(f"{page} (for {name}) does not load the site's own {path}")
    return problems


#: Every check of the explorers, by name, in the order `check` runs them.
CHECKS: dict[str, Check] = {
    check.__name__: check
    for check in (
        learning_rate_settings_recompute,
        training_snapshots_recompute,
        readouts_show_the_settings,
        scripts_are_ours_and_local,
    )
}


def check(site: Site) -> list[str]:
    """Run every check of the explorers; each problem is prefixed with ``explorers`` and the check's name."""
    problems: list[str] = []
    for name, run in CHECKS.items():
        try:
            found = run(site)
        except Exception as error:  # a check that crashes on a broken site has found a problem
            found = [f"could not run: {type(error).__name__}: {error}"]
        problems.extend(f"explorers {name}: {problem}" for problem in found)
    return problems
