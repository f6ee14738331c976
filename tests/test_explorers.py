"""The explorers in a real browser: each slider moved by keyboard and by pointer, and what it shows checked.

Debian's Chromium, driven by Playwright over 127.0.0.1 (as in ``test_browser.py``), at 1280 and 390 px, in the
light palette and, after the header's palette toggle, the dark one. After every move the numbers the explorer
shows (its readout, its figure: the loss plot of the learning rate, or the cells of the training surface) are
compared with the engine's numbers for the slider's setting, read from the site's ``values.json``: a readout is
checked at the precision it shows (``doccheck_explorers.shown_number_holds``), a surface cell exactly, and the loss
plot's curve as a drawing: a vertex per loss where the figure's own axis ticks put it
(``doccheck_explorers.curve_problems``), and its text alternative naming the setting and its run.

`test_the_explorer_checks_catch_numbers_the_engine_did_not_compute` serves a copy of the site whose pages carry
altered explorer data (values.json left as the engine wrote it) and asserts that the same checks report it.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import doccheck_explorers
import doccheck_training
import pytest
from conftest import BuiltSite, ServedSite, serve

WIDE, NARROW = 1280, 390
#: Each explorer and the page it stands on (the readout's numbers: doccheck_explorers.LR_NUMBERS for the learning
#: rate's, doccheck_training.NUMBERS for the training explorer's).
EXPLORERS = {"explore_lr": ("part-2/",), "explore_training": ("part-3/",)}
#: Where a pointer clicks along the slider's track, as a fraction of its width.
CLICK_AT = 0.75

#: What an explorer shows now: its slider, its readout, its figure.
STATE_JS = """(name) => {
    const explorer = document.querySelector(`.nnla-explorer[data-nnla-name="${name}"]`);
    const slider = explorer.querySelector('input[type="range"]');
    const svg = explorer.querySelector('.nnla-explorer-figure svg');
    const line = svg.querySelector('polyline.nnla-line');
    const box = slider.getBoundingClientRect();
    return {
        index: Number(slider.value),
        max: Number(slider.max),
        valuetext: slider.getAttribute('aria-valuetext'),
        label: slider.closest('label') ? slider.closest('label').textContent.trim() : '',
        hidden: explorer.querySelector('.nnla-explorer-controls').hidden,
        live: explorer.querySelector('.nnla-explorer-readout').getAttribute('aria-live'),
        outputs: Object.fromEntries([...explorer.querySelectorAll('output[data-nnla-show]')]
            .map(o => [o.dataset.nnlaShow, o.textContent])),
        figure: svg.id,
        title: svg.querySelector('title').textContent,
        desc: svg.querySelector('desc').textContent,
        points: line ? Number(line.dataset.n) : null,
        vertices: line ? line.getAttribute('points') : null,
        lineClass: line ? line.getAttribute('class') : null,
        yTicks: [...svg.querySelectorAll('.nnla-axis-y text.nnla-tick-label')]
            .map(t => [t.textContent, t.getAttribute('y')]),
        xTicks: [...svg.querySelectorAll('.nnla-axis-x text.nnla-tick-label')]
            .map(t => [t.textContent, t.getAttribute('x')]),
        yEnds: svg.querySelector('.nnla-axis-y line') ?
            [svg.querySelector('.nnla-axis-y line').getAttribute('y1'),
             svg.querySelector('.nnla-axis-y line').getAttribute('y2')] : null,
        cells: [...svg.querySelectorAll('g.nnla-cell')].map(c => ({
            value: Number(c.dataset.value), text: c.querySelector('text').textContent,
            high: c.classList.contains('nnla-high'), fill: c.querySelector('rect').getAttribute('fill-opacity'),
        })),
        choices: Object.fromEntries([...explorer.querySelectorAll('select[data-nnla-choose]')]
            .map(s => [s.dataset.nnlaChoose, Number(s.value)])),
        seeds: explorer.querySelector('select[data-nnla-choose="seed"]') ?
            explorer.querySelector('select[data-nnla-choose="seed"]').options.length : 0,
        loss: explorer.querySelector('.nnla-explorer-loss') ? (() => {
            const plot = explorer.querySelector('.nnla-explorer-loss svg.nnla-settings-plot');
            const dot = explorer.querySelector('.nnla-explorer-loss svg.nnla-now circle');
            const axisLine = plot.querySelector('.nnla-axis-y line');
            const frame = plot.getBoundingClientRect(), over = dot.closest('svg').getBoundingClientRect();
            return {
                points: plot.querySelector('polyline.nnla-line').getAttribute('points'),
                lineClass: plot.querySelector('polyline.nnla-line').getAttribute('class'),
                desc: plot.querySelector('desc').textContent,
                dot: `${dot.getAttribute('cx')},${dot.getAttribute('cy')}`,
                overlay: [frame.x, frame.y, frame.width, frame.height, over.x, over.y, over.width, over.height],
                yTicks: [...plot.querySelectorAll('.nnla-axis-y text.nnla-tick-label')]
                    .map(t => [t.textContent, t.getAttribute('y')]),
                xTicks: [...plot.querySelectorAll('.nnla-axis-x text.nnla-tick-label')]
                    .map(t => [t.textContent, t.getAttribute('x')]),
                yEnds: [axisLine.getAttribute('y1'), axisLine.getAttribute('y2')],
            };
        })() : null,
        box: {x: box.x, y: box.y, width: box.width, height: box.height},
        pageWidth: document.scrollingElement.scrollWidth,
    };
}"""


def engine(site_dir: Path) -> dict[str, Any]:
    """The engine's values, as the build wrote them to values.json."""
    document: dict[str, Any] = json.loads((site_dir / "values.json").read_text(encoding="utf-8"))
    return {name: entry["value"] for name, entry in document["values"].items()}


def problems_of(name: str, state: dict[str, Any], values: dict[str, Any]) -> list[str]:
    """Where what the explorer shows differs from the engine's numbers for its slider's setting."""
    value = values[name]
    i = state["index"]
    where = f"{name} at setting {i}"
    problems = []
    if name == "explore_training":
        run = state["choices"]["lr"] * state["seeds"] + state["choices"]["seed"]
        where = f"{name} at run {run}, setting {i}"
        for key, training_number in doccheck_training.NUMBERS.items():
            shown = state["outputs"].get(key, "")
            if not doccheck_explorers.shown_number_holds(shown, training_number(value, run, i)):
                problems.append(
                    f"{where}: shows {key} = {shown!r}; the engine computes {training_number(value, run, i)!r}"
                )
    for key, number in doccheck_explorers.LR_NUMBERS.items() if name == "explore_lr" else ():
        shown = state["outputs"].get(key, "")
        if not doccheck_explorers.shown_number_holds(shown, number(value, i)):
            problems.append(f"{where}: shows {key} = {shown!r}; the engine computes {number(value, i)!r}")
    if name == "explore_lr":
        regime = value["regime"][i]
        if doccheck_explorers.REGIME_WORDS[regime] not in state["outputs"].get("regime", ""):
            problems.append(f"{where}: says {state['outputs'].get('regime')!r}; the engine's regime is {regime}")
        losses = value["traces"][i]["losses"]
        if state["figure"] != "nnla-explore-lr" or state["points"] != len(losses):
            problems.append(f"{where}: shows the figure {state['figure']} of {state['points']} points")
        axes = doccheck_explorers.axes_from(state["yTicks"], state["xTicks"], tuple(state["yEnds"]))
        drawn = doccheck_explorers.curve_problems(state["vertices"], state["lineClass"], losses, axes)
        drawn += doccheck_explorers.description_problems(
            state["desc"], state["outputs"].get("lr", ""), losses, state["lineClass"]
        )
        problems += [f"{where}: the figure: {problem}" for problem in drawn]
    else:
        problems += training_problems(state, value, where)
    if state["valuetext"] not in {f"η = {state['outputs'].get('lr')}", f"step {state['outputs'].get('step')}"}:
        problems.append(f"{where}: the slider announces {state['valuetext']!r}")
    return problems


def training_problems(state: dict[str, Any], value: dict[str, Any], where: str) -> list[str]:
    """The training explorer's run and snapshot as shown: the surface's cells, shades and title, the run's curve on
    the loss plot's own axes, and the dot on its vertex at the snapshot's step, over the plot."""
    i = state["index"]
    run = state["choices"]["lr"] * state["seeds"] + state["choices"]["seed"]
    problems = []
    surface = [v for row in value["surface"][run][i] for v in row]
    cells = state["cells"]
    if len(cells) != len(surface):
        return [f"{where}: {len(cells)} cells for a surface of {len(surface)}"]
    for cell, v in zip(cells, surface, strict=True):
        opacity = 0.06 + 0.44 * min(1.0, abs(v - 0.5) / 0.5)  # the surface's scale, as its <svg> states it
        if (
            not doccheck_explorers.shown_number_holds(cell["text"], v)
            or cell["high"] != (v >= 0.5)
            or abs(float(cell["fill"]) - opacity) > 0.0005
        ):
            problems.append(f"{where}: a cell shows {cell['text']!r} (high={cell['high']}, {cell['fill']}) for {v!r}")
    if f"after {value['step'][i]} steps, η = " not in state["title"] + state["desc"]:
        problems.append(f"{where}: the surface's title and text alternative are not the snapshot's")
    loss = state["loss"]
    axes = doccheck_explorers.axes_from(loss["yTicks"], loss["xTicks"], tuple(loss["yEnds"]))
    losses = value["losses"][run]
    drawn = doccheck_explorers.curve_problems(loss["points"], loss["lineClass"], losses, axes)
    problems += [f"{where}: the loss plot: {problem}" for problem in drawn]
    if f"seed {value['seed'][run]}" not in loss["desc"]:
        problems.append(f"{where}: the loss plot's text alternative is not the run's: {loss['desc'][:90]!r}")
    vertex = loss["points"].split()[value["step"][i]]
    if loss["dot"] != vertex:
        problems.append(f"{where}: the dot is at {loss['dot']}, the curve at step {value['step'][i]} at {vertex}")
    plot, over = loss["overlay"][:4], loss["overlay"][4:]
    if any(abs(a - b) > 0.5 for a, b in zip(plot, over, strict=True)):
        problems.append(f"{where}: the dot's layer {over} does not lie on the plot {plot}")
    return problems


def _only_local(route: Any, host: str, outside: list[str]) -> None:
    if urlsplit(route.request.url).netloc == host:
        route.continue_()
    else:
        outside.append(route.request.url)
        route.abort()


def open_page(browser: Any, base_url: str, path: str, width: int, palette: str, javascript: bool = True) -> Any:
    """A new page at `width` px in `palette`, every request to another host blocked and recorded on it."""
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
    outside: list[str] = []
    errors: list[str] = []
    context.route("**/*", lambda route: _only_local(route, urlsplit(base_url).netloc, outside))
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(base_url + path, wait_until="load")
    if palette == "dark":
        page.locator("form[data-nnla-palette] label:visible").click()
        page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    page.nnla_outside, page.nnla_errors = outside, errors
    return page


def moves(page: Any, name: str) -> list[tuple[str, dict[str, Any]]]:
    """Move the explorer's slider by keyboard (ArrowRight, End, Home) and by pointer (a click, a drag)."""
    slider = page.locator(f'.nnla-explorer[data-nnla-name="{name}"] input[type="range"]')
    slider.scroll_into_view_if_needed()
    state: Callable[[], dict[str, Any]] = lambda: page.evaluate(STATE_JS, name)  # noqa: E731
    seen = [("loaded", state())]
    slider.focus()
    for key in ("ArrowRight", "End", "Home"):
        page.keyboard.press(key)
        seen.append((key, state()))
    box = seen[-1][1]["box"]
    y = box["y"] + box["height"] / 2
    page.mouse.click(box["x"] + CLICK_AT * box["width"], y)
    seen.append(("click", state()))
    page.mouse.move(box["x"] + CLICK_AT * box["width"], y)
    page.mouse.down()
    page.mouse.move(box["x"] + 0.3 * box["width"], y, steps=8)
    page.mouse.up()
    seen.append(("drag", state()))
    if name == "explore_training":
        explorer = page.locator(f'.nnla-explorer[data-nnla-name="{name}"]')
        explorer.locator('select[data-nnla-choose="seed"]').focus()
        page.keyboard.press("ArrowDown")
        seen.append(("seed", state()))
        explorer.locator('select[data-nnla-choose="lr"]').focus()
        page.keyboard.press("ArrowUp")
        seen.append(("lr", state()))
        explorer.locator('select[data-nnla-choose="lr"]').select_option("0")
        seen.append(("pick", state()))
    return seen


def where_each_move_lands(seen: list[tuple[str, dict[str, Any]]], default: int) -> list[str]:
    """Each move took the slider where a reader expects: one right, the end, the start, near the click, back."""
    problems = []
    states = dict(seen)
    last = states["loaded"]["max"]
    expected = {"loaded": default, "ArrowRight": default + 1, "End": last, "Home": 0}
    for move, index in expected.items():
        if states[move]["index"] != index:
            problems.append(f"after {move} the slider is at {states[move]['index']}, not {index}")
    if abs(states["click"]["index"] - CLICK_AT * last) > 0.08 * last:
        problems.append(
            f"a click at {CLICK_AT:.0%} of the track put the slider at {states['click']['index']} of {last}"
        )
    if not states["drag"]["index"] < states["click"]["index"]:
        problems.append(f"a drag to the left left the slider at {states['drag']['index']}")
    if "seed" in states:
        loaded, lrs = states["loaded"]["choices"], states["lr"]["choices"]
        expected_choices = {
            "seed": {**loaded, "seed": loaded["seed"] + 1},
            "lr": {"lr": loaded["lr"] - 1, "seed": loaded["seed"] + 1},
            "pick": {**lrs, "lr": 0},
        }
        for move, choices in expected_choices.items():
            if states[move]["choices"] != choices or states[move]["index"] != states["drag"]["index"]:
                problems.append(f"after {move} the choices are {states[move]['choices']}, not {choices}")
    return problems


@pytest.fixture(scope="module")
def values(served_site: ServedSite) -> dict[str, Any]:
    return engine(served_site.site.site_dir)


@pytest.mark.parametrize("palette", ["light", "dark"])
@pytest.mark.parametrize("width", [WIDE, NARROW])
@pytest.mark.parametrize("name", list(EXPLORERS))
def test_each_move_shows_the_engines_numbers(
    chromium: Any, served_site: ServedSite, values: dict[str, Any], name: str, width: int, palette: str
) -> None:
    """Keyboard and pointer move the slider, and after every move the explorer shows the engine's numbers."""
    page = open_page(chromium, served_site.base_url, EXPLORERS[name][0], width, palette)
    try:
        seen = moves(page, name)
        problems = where_each_move_lands(seen, values[name]["default"])
        for move, state in seen:
            problems += [f"after {move}: {problem}" for problem in problems_of(name, state, values)]
        first = seen[0][1]
        if first["hidden"] or first["live"] != "polite" or not first["label"]:
            problems.append(f"{name}: the slider is hidden or unlabelled, or the readout is not a live region")
        if first["box"]["width"] < 100 or first["pageWidth"] > width:
            problems.append(
                f"{name} at {width} px: a slider {first['box']['width']} px wide, a page {first['pageWidth']}"
            )
        problems += [f"requested {url} from another host" for url in page.nnla_outside]
        problems += [f"the page logged: {error}" for error in page.nnla_errors]
        assert not problems, "\n".join(problems)
    finally:
        page.context.close()


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_without_javascript_the_default_setting_is_shown(
    chromium: Any, served_site: ServedSite, values: dict[str, Any], name: str
) -> None:
    """With JavaScript off, the slider is hidden and the page shows the default setting's numbers and figure."""
    page = open_page(chromium, served_site.base_url, EXPLORERS[name][0], NARROW, "light", javascript=False)
    try:
        state = page.evaluate(f"() => ({STATE_JS})({json.dumps(name)})")
    finally:
        page.context.close()
    assert state["hidden"], f"{name}: the slider shows without the script that moves it"
    assert state["index"] == values[name]["default"]
    problems = problems_of(name, state, values)
    assert not problems, "\n".join(problems)


def _alter_json(page: Path, where: str, what: str, change: Callable[[Any], None]) -> None:
    """Change the JSON of an attribute on a built page, as a wrong build would have written it: `where` is a pattern
    of three groups (before, the attribute's value, its closing quote), `what` names it."""
    text = page.read_text(encoding="utf-8")
    match = re.search(where, text)
    assert match, f"{page} no longer carries {what}: update this test"
    data = json.loads(html.unescape(match.group(2)))
    change(data)
    altered = html.escape(json.dumps(data, separators=(",", ":"), ensure_ascii=False))
    page.write_text(text[: match.start(2)] + altered + text[match.end(2) :], encoding="utf-8")


def _alter_shown(page: Path, name: str, change: Callable[[Any], None]) -> None:
    """Change one explorer's readouts (data-nnla-shown)."""
    where = rf'(data-nnla-name="{name}"[^>]*?data-nnla-shown=")([^"]*)(")'
    _alter_json(page, where, f"data-nnla-shown on {name}", change)


def _alter_curves(page: Path, figure: str, change: Callable[[Any], None]) -> None:
    """Change the curves of an explorer's figure of class `figure` (the learning rate's, or the training run's loss,
    with the dot's places)."""
    where = rf'(<figure class="nnla-figure {figure}" data-nnla-curves=")([^"]*)(")'
    _alter_json(page, where, f"the curves of {figure}", change)


def test_the_explorer_checks_catch_numbers_the_engine_did_not_compute(
    chromium: Any, built_site: BuiltSite, tmp_path: Path
) -> None:
    """A copy of the site whose pages carry wrong explorer data (a readout's r, a vertex of a curve, a surface's
    cell, the dot on the training run's curve): the checks above report each, at the setting it is wrong at, and
    nothing else."""
    site = tmp_path / "site"
    shutil.copytree(built_site.site_dir, site)
    values = engine(site)
    lr_next = values["explore_lr"]["default"] + 1  # where ArrowRight takes the slider
    training_next = values["explore_training"]["default"] + 1

    def wrong_r(shown: list[dict[str, str]]) -> None:
        shown[lr_next]["r"] = "0.5"

    def wrong_cell(runs: list[dict[str, Any]]) -> None:  # the default run's next snapshot, its first cell
        snapshot = runs[values["explore_training"]["default_run"]]["snapshots"][training_next]
        cells = snapshot["cells"].split()
        cells[0] = "0.77" if cells[0] != "0.77" else "0.66"
        snapshot["cells"] = " ".join(cells)

    def wrong_curve(curves: list[dict[str, str]]) -> None:  # the setting's third loss drawn 20 px too high
        vertices = curves[lr_next]["points"].split()
        x, y = vertices[2].split(",")
        vertices[2] = f"{x},{float(y) - 20:.1f}"
        curves[lr_next]["points"] = " ".join(vertices)

    def wrong_dot(curves: list[dict[str, Any]]) -> None:  # the default run's dot at its next snapshot, 20 px up
        marks = curves[values["explore_training"]["default_run"]]["marks"]
        x, y = marks[training_next].split(",")
        marks[training_next] = f"{x},{float(y) - 20:.1f}"

    part_2 = site / "part-2" / "index.html"
    _alter_shown(part_2, "explore_lr", wrong_r)
    _alter_curves(part_2, "nnla-explorer-figure", wrong_curve)
    _alter_shown(site / "part-3" / "index.html", "explore_training", wrong_cell)
    _alter_curves(site / "part-3" / "index.html", "nnla-explorer-loss", wrong_dot)
    found: dict[str, list[str]] = {}
    with serve(site) as base_url:
        for name, (path,) in EXPLORERS.items():
            page = open_page(chromium, base_url, path, WIDE, "light")
            try:
                found[name] = [p for move, state in moves(page, name) for p in problems_of(name, state, values)]
            finally:
                page.context.close()
    assert any(re.search(rf"explore_lr at setting {lr_next}: shows r = '0\.5'", p) for p in found["explore_lr"]), found
    assert any(
        re.search(rf"explore_training at run \d+, setting {training_next}: a cell shows '0\.[67]{{2}}'", p)
        for p in found["explore_training"]
    ), found
    assert any(
        re.search(rf"explore_lr at setting {lr_next}: the figure: step 2: the vertex", p) for p in found["explore_lr"]
    ), found
    assert any(
        re.search(rf"explore_training at run \d+, setting {training_next}: the dot is at", p)
        for p in found["explore_training"]
    ), found
    assert all(f"setting {lr_next}:" in p for p in found["explore_lr"]), found["explore_lr"]
    assert all(f"setting {training_next}:" in p for p in found["explore_training"]), found["explore_training"]
