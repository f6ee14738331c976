r"""The explorers as a doc-test: every setting a reader can reach, recomputed here, and what the page shows of it.

``doccheck.check_site`` runs `check`. Nothing here calls nnla or the site's registry: the learning-rate explorer's
factor is $`r = 1 - 2\eta\,(1 + \lVert\mathbf{x}\rVert^2)`$ from the published $`\mathbf{x}`$, its regime is read off
$`|r|`$ here, and its runs are re-run by ``doccheck.descend`` and checked against the closed form
$`\mathrm{SSE}_t = r^{2t}\,\mathrm{SSE}_0`$; the training explorer's checks are `doccheck_training`'s, which
`check` runs with these. Then the page: each setting's readout
text (``data-nnla-shown``, which the script puts on the page) is the published number at its shown precision, and
the default setting is what the page shows without JavaScript. The learning-rate explorer's figure is checked as a
drawing: each setting's curve (``data-nnla-curves``, which the script puts in the figure) has a vertex for each loss
of its run where the figure's own axis ticks put that loss, and ends on the axis' edge, with an arrow that way,
where the run leaves the plot (`curve_problems`, which the browser test runs on what the browser shows).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import doccheck
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
#: A vertex and the point its loss is at on the figure's axes agree to this, in px: vertices are written to a
#: tenth of a px and ticks to a hundredth.
CURVE_TOLERANCE_PX = 0.12
#: The words of a figure's text alternative that give a run's first and last loss (a run that stays the same
#: "starts and ends at" one).
_SHOWN = "([−\\d.\u202f×⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)"  # a number as shown: digits grouped by a narrow space, an exponent raised
_FROM_TO = re.compile(rf"[Ll]oss (?:falls|rises) from {_SHOWN} to {_SHOWN} in|[Ll]oss starts and ends at {_SHOWN} over")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_NUMBER = re.compile(r"^([−-]?(?:\d{1,3}(?:\u202f\d{3})+|\d+)(?:\.\d+)?)(?:×10([⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))?$")

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
    if not doccheck.grouped_as_the_site_writes(match.group(1)):
        return False
    return doccheck.shown_precision_holds(match.group(1), exponent, float(value))


def _explorer(site: Site, name: str) -> tuple[dict[str, Any], Tag] | None:
    """The explorer's published value and its element on its page, or None when it is not there."""
    element = site.element(PAGES[name], name)
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


@dataclass(frozen=True)
class Axes:
    """A log-scale loss plot's axes as drawn: where its labelled ticks are, and the ends of its y-axis.

    Attributes:
        y_ticks: (k, y) for each tick labelled 10^k.
        x_ticks: (t, x) for each tick labelled with the step t.
        top, bottom: the y of the y-axis' ends.
    """

    y_ticks: list[tuple[int, float]]
    x_ticks: list[tuple[int, float]]
    top: float
    bottom: float

    def y(self, u: float) -> float:
        """Where the axis puts log10 of a loss, u, by its first and last labelled ticks."""
        (u0, y0), (u1, y1) = self.y_ticks[0], self.y_ticks[-1]
        return y0 + (u - u0) * (y1 - y0) / (u1 - u0)

    def u(self, y: float) -> float:
        """The log10 of the loss at height y."""
        (u0, y0), (u1, y1) = self.y_ticks[0], self.y_ticks[-1]
        return u0 + (y - y0) * (u1 - u0) / (y1 - y0)

    def x(self, t: float) -> float:
        """Where the axis puts step t, by its first and last labelled ticks."""
        (t0, x0), (t1, x1) = self.x_ticks[0], self.x_ticks[-1]
        return x0 + (t - t0) * (x1 - x0) / (t1 - t0)


def axes_from(y_labels: Sequence[tuple[str, str]], x_labels: Sequence[tuple[str, str]], ends: tuple[str, str]) -> Axes:
    """Axes from the tick labels' text and position (``("10−5", "120.4")``; ``("4", "300")``) and the y-axis' ends."""

    def exponent(label: str) -> int:
        if not label.startswith("10"):
            raise ValueError(f"a log axis' tick is labelled {label!r}, not 10^k")
        return int(label[2:].translate(_SUPERSCRIPTS).replace("−", "-"))

    return Axes(
        y_ticks=[(exponent(label), float(y)) for label, y in y_labels],
        x_ticks=[(int(label), float(x)) for label, x in x_labels],
        top=float(ends[0]),
        bottom=float(ends[1]),
    )


def axes_of(svg: Tag) -> Axes:
    """The axes of a loss plot on a built page."""
    y_axis, x_axis = svg.select_one("g.nnla-axis-y"), svg.select_one("g.nnla-axis-x")
    line = y_axis.select_one("line") if y_axis else None
    if y_axis is None or x_axis is None or line is None:
        raise ValueError("the figure has no axes")
    return axes_from(
        [(t.get_text(), doccheck.attribute(t, "y")) for t in y_axis.select("text.nnla-tick-label")],
        [(t.get_text(), doccheck.attribute(t, "x")) for t in x_axis.select("text.nnla-tick-label")],
        (doccheck.attribute(line, "y1"), doccheck.attribute(line, "y2")),
    )


def curve_problems(points: str, line_class: str, losses: Sequence[float], axes: Axes) -> list[str]:
    """Where a drawn curve is not its run: a vertex per loss at its step and its log10 on `axes`, until the run
    leaves the plot; then one vertex on the edge it leaves by, between the steps it leaves between, and an arrow
    (``nnla-exit-top`` or ``nnla-exit-bottom``) that way. Empty when the curve is the run."""
    vertices = [tuple(float(c) for c in pair.split(",")) for pair in points.split()]
    low, high = sorted((axes.u(axes.bottom), axes.u(axes.top)))
    problems: list[str] = []
    exit_side = ""
    for t, loss in enumerate(losses):
        u = math.log10(loss) if loss > 0 else -math.inf
        inside = low - 1e-9 <= u <= high + 1e-9
        if t >= len(vertices):
            problems.append(f"the curve ends at step {t - 1}, but the run goes on to step {len(losses) - 1}")
            break
        x, y = vertices[t]
        if inside:
            if abs(x - axes.x(t)) > CURVE_TOLERANCE_PX or abs(y - axes.y(u)) > CURVE_TOLERANCE_PX:
                problems.append(
                    f"step {t}: the vertex ({x}, {y}) is not the loss {loss!r}, at ({axes.x(t):.2f}, {axes.y(u):.2f})"
                )
            continue
        exit_side = "top" if u > high else "bottom"
        edge = axes.top if exit_side == "top" else axes.bottom
        if abs(y - edge) > CURVE_TOLERANCE_PX or not axes.x(t - 1) - CURVE_TOLERANCE_PX <= x <= axes.x(t) + 0.01:
            problems.append(
                f"step {t}: the run leaves the plot through its {exit_side}, but the curve goes to ({x}, {y})"
            )
        if len(vertices) != t + 1:
            problems.append(f"the run leaves the plot at step {t}, but the curve goes on for {len(vertices) - t - 1}")
        break
    else:
        if len(vertices) != len(losses):
            problems.append(f"{len(vertices)} vertices for a run of {len(losses)} losses inside the plot")
    classes = set(line_class.split())
    arrows = {side for side in ("top", "bottom") if f"nnla-exit-{side}" in classes}
    if "nnla-line" not in classes or arrows != ({exit_side} if exit_side else set()):
        problems.append(
            f"the curve is marked {line_class!r}, but the run leaves the plot by {exit_side or 'neither edge'}"
        )
    return problems


def description_problems(desc: str, lr_text: str, losses: Sequence[float], line_class: str) -> list[str]:
    """Where a setting's text alternative does not say its run: its η as the readout shows it, its first and last
    loss at their shown precision, and its exit from the plot if it leaves."""
    problems = []
    if f"η = {lr_text}" not in desc:
        problems.append(f"the text alternative does not name η = {lr_text}: {desc[:90]!r}")
    found = _FROM_TO.search(desc)
    first, last = (found.group(1), found.group(2)) if found and found.group(1) else (found and found.group(3),) * 2
    if not (first and shown_number_holds(first, losses[0]) and shown_number_holds(str(last), losses[-1])):
        problems.append(f"the text alternative does not give the run's first and last loss: {desc!r}")
    for side in ("top", "bottom"):
        if (f"nnla-exit-{side}" in line_class.split()) != (f"through its {side}" in desc):
            problems.append(f"the text alternative and the curve disagree on leaving through the {side}: {desc!r}")
    return problems


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


def readouts_show_the_settings(site: Site) -> list[str]:
    """Each setting's readout text is the published number at its shown precision; the page shows the default."""
    problems = []
    for name, numbers in (("explore_lr", LR_NUMBERS),):
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
    holder = element.select_one(".nnla-explorer-figure")
    curves = json.loads(doccheck.attribute(holder, "data-nnla-curves")) if holder else []
    line = figure.select_one("polyline.nnla-line")
    desc = figure.select_one("desc")
    drawn = {
        "points": line.get("points") if line else None,
        "class": " ".join(line.get_attribute_list("class")) if line else None,
        "desc": desc.get_text() if desc else None,
    }
    if len(curves) != count or any(drawn[key] != curves[default][key] for key in drawn):
        problems.append(f"{where}: the figure does not draw the default setting's curve, or not every setting has one")
    if element.select("template"):
        problems.append(f"{where}: the figure is one plot whose curve the script changes; it needs no templates")
    return problems


def learning_rate_curves_draw_the_runs(site: Site) -> list[str]:
    """Each setting's curve, on the figure's own axes, is its run's losses, and its text alternative says so."""
    found = _explorer(site, "explore_lr")
    if found is None:
        return _missing("explore_lr")
    value, element = found
    where = f"explore_lr on {PAGES['explore_lr']}"
    holder = element.select_one(".nnla-explorer-figure")
    svg = holder.select_one("svg") if holder else None
    if holder is None or svg is None or not holder.has_attr("data-nnla-curves"):
        return [f"{where}: no figure carrying each setting's curve"]
    if svg.get("data-scale") != "log":
        return [f"{where}: the figure's y-axis is not logarithmic"]
    axes = axes_of(svg)
    curves = json.loads(doccheck.attribute(holder, "data-nnla-curves"))
    shown = json.loads(doccheck.attribute(element, "data-nnla-shown"))
    problems = []
    if len(curves) != len(value["traces"]):
        return [f"{where}: {len(curves)} curves for {len(value['traces'])} settings"]
    for i, (curve, trace) in enumerate(zip(curves, value["traces"], strict=True)):
        losses = trace["losses"]
        found_here = curve_problems(curve["points"], curve["class"], losses, axes)
        found_here += description_problems(curve["desc"], shown[i]["lr"], losses, curve["class"])
        if curve["n"] != str(len(losses)) or curve["label"] != f"η = {shown[i]['lr']}":
            found_here.append(f"its curve is labelled {curve['label']!r} with {curve['n']} losses")
        problems += [f"{where}, setting {i}: {problem}" for problem in found_here]
    exits = {side for curve in curves for side in ("top", "bottom") if f"nnla-exit-{side}" in curve["class"]}
    if not exits:
        problems.append(f"{where}: no run leaves the plot, yet the fastest divergent runs grow past its top")
    return problems


def scripts_are_ours_and_local(site: Site) -> list[str]:
    """Each explorer's page links the site's own script and stylesheet, and both are in the site."""
    problems = []
    for name, page in PAGES.items():
        soup = site.soups.get(page)
        if soup is None:
            problems.append(f"{page} is missing")
            continue
        wanted: tuple[tuple[str, dict[str, Any], str], ...] = (
            ("script", {"src": "../javascripts/explorers.js"}, "javascripts/explorers.js"),
            ("link", {"rel": "stylesheet", "href": "../stylesheets/explorers.css"}, "stylesheets/explorers.css"),
        )
        for element, attributes, path in wanted:
            if soup.find(element, attrs=attributes) is None or not (site.site_dir / path).is_file():
                problems.append(f"{page} (for {name}) does not load the site's own {path}")
    return problems


#: Every check of the explorers, by name, in the order `check` runs them.
CHECKS: dict[str, Check] = {
    check.__name__: check
    for check in (
        learning_rate_settings_recompute,
        readouts_show_the_settings,
        learning_rate_curves_draw_the_runs,
        scripts_are_ours_and_local,
    )
}


def check(site: Site) -> list[str]:
    """Run every check of the explorers (these, and `doccheck_training`'s of Part III's); each problem is prefixed
    with ``explorers`` and the check's name."""
    import doccheck_training  # it reads this module's helpers: imported here, when both are loaded

    return doccheck.run_checks({**CHECKS, **doccheck_training.CHECKS}, site, "explorers ")
