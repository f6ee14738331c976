"""Every page of the built site in a real browser: Debian's Chromium, driven by Playwright, over 127.0.0.1.

One module fixture visits every page: once at 1280 px in the light palette, then in the dark palette after
clicking the header's palette toggle as a reader would, and once at 390 px (a phone). It records what the
page logged, every request it made, and what the tests below assert on; it also saves a full-page
screenshot of every page in both palettes to ``test-artifacts/screenshots/``.

Without Chromium or Playwright the tests are skipped, unless ``NNLA_REQUIRE_BROWSER=1`` (as in CI), when they
fail instead.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import ARTIFACTS, BuiltSite, ServedSite, serve

#: The two widths at which no formula may widen the page: a laptop and a phone.
WIDE, NARROW = 1280, 390
#: WCAG 2.1 minimum contrast: 4.5:1 for text (1.4.3), 3:1 for the lines of a graph (1.4.11).
TEXT_CONTRAST, GRAPHIC_CONTRAST = 4.5, 3.0
SCREENSHOTS = ARTIFACTS / "screenshots"
#: Pages of the essay that must be among those visited.
ESSAY = {"", "part-1/", "part-2/", "errata/"}


# -------------------------------------------------------------------------------------- what the page reports

#: Lay out everything, even what CSS `content-visibility` lets the browser skip while it is off screen, so
#: that every formula and figure is measured, not only those in the first screenful. A constructed stylesheet, not
#: a <style> element: the page's Content-Security-Policy refuses a <style> it does not list, and CSSOM is not inline.
UNSKIP_JS = """() => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('* { content-visibility: visible !important; }');
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""

#: The family the site's math stylesheet sets its formulas in (mkdocs.yml: MathML alone, the plugin's default font).
MATH_FONT = "STIX Two Math"

#: The formulas' font, once the page's fonts have settled: the family set on KaTeX's MathML, and whether the face
#: loaded.
MATH_JS = """async (family) => {
    await document.fonts.ready;
    const math = document.querySelector('.katex math');
    if (!math) return null;
    return {
        fontFamily: getComputedStyle(math).fontFamily,
        check: document.fonts.check(`16px "${family}"`),
        loaded: [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replace(/"/g, '')),
    };
}"""

#: Whether the page is wider than the window, and if so, which elements stick out (and are not inside a box
#: that scrolls or clips them); and which display formulas are wider than their box.
OVERFLOW_JS = """() => {
    const width = window.innerWidth;
    const describe = el => {
        const owner = el.closest('[data-nnla-name]');
        const section = el.closest('h1, h2, h3, h4, p, li, td, figure, div[class]');
        const name = el.tagName.toLowerCase() + (el.classList.length ? '.' + [...el.classList].join('.') : '');
        const where = owner ? ` in ${owner.dataset.nnlaName}` : '';
        const text = (section || el).textContent.trim().replace(/\\s+/g, ' ').slice(0, 60);
        return `${name}${where} ("${text}")`;
    };
    const clipped = el => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= width + 1) {
                return true;
            }
        }
        return false;
    };
    const scrollWidth = document.scrollingElement.scrollWidth;
    const offenders = [];
    if (scrollWidth > width) {
        for (const el of document.body.querySelectorAll('*')) {
            const box = el.getBoundingClientRect();
            if (box.width > 0 && box.right > width + 1 && !clipped(el)) offenders.push(describe(el));
            if (offenders.length >= 8) break;
        }
    }
    const boxes = [...document.querySelectorAll('.nnla-math-display')];
    const wide = boxes.filter(b => b.scrollWidth > b.clientWidth + 1);
    return {
        scrollWidth, width, offenders,
        displays: boxes.length,
        scrolling: wide.filter(b => ['auto', 'scroll'].includes(getComputedStyle(b).overflowX)).length,
        cut: wide.filter(b => !['auto', 'scroll'].includes(getComputedStyle(b).overflowX)).map(describe),
    };
}"""

#: Each figure: its text alternative, and the colours of its text and lines with what lies beneath them.
FIGURES_JS = """() => {
    const background = el => {
        for (let a = el; a; a = a.parentElement) {
            const colour = getComputedStyle(a).backgroundColor;
            if (!/^rgba\\(.*,\\s*0\\)$/.test(colour) && colour !== 'transparent') return colour;
        }
        return 'rgb(255, 255, 255)';
    };
    const opacity = (el, root) => {
        let alpha = 1;
        for (let a = el; a && a !== root.parentElement; a = a.parentElement) {
            alpha *= parseFloat(getComputedStyle(a).opacity);
        }
        return alpha;
    };
    return [...document.querySelectorAll('figure.nnla-figure')].map(figure => {
        const svg = figure.querySelector('svg');
        if (!svg) return {name: figure.dataset.nnlaName, svg: false};
        const page = background(figure);
        const shapes = [...svg.querySelectorAll('rect')].filter(r => getComputedStyle(r).fill !== 'none');
        const beneath = (el, box) => {
            const x = box.left + box.width / 2, y = box.top + box.height / 2;
            return shapes.filter(r => {
                const b = r.getBoundingClientRect();
                return (r.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)
                    && b.left <= x && x <= b.right && b.top <= y && y <= b.bottom;
            }).map(r => [getComputedStyle(r).fill,
                         parseFloat(getComputedStyle(r).fillOpacity) * opacity(r, svg)]);
        };
        const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
            const style = getComputedStyle(t);
            return {
                text: t.textContent.trim(), colour: style.fill,
                alpha: parseFloat(style.fillOpacity) * opacity(t, svg),
                under: [[page, 1], ...beneath(t, t.getBoundingClientRect())],
            };
        });
        const lines = [...svg.querySelectorAll('.nnla-line')].map(l => {
            const style = getComputedStyle(l);
            return {colour: style.stroke, alpha: parseFloat(style.strokeOpacity) * opacity(l, svg)};
        });
        const ids = (svg.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
        return {
            name: figure.dataset.nnlaName, svg: true, role: svg.getAttribute('role'),
            labels: ids.map(id => {
                const el = document.getElementById(id);
                return {id, tag: el && el.tagName.toLowerCase(), text: el ? el.textContent.trim() : null,
                        inside: el ? svg.contains(el) : false};
            }),
            height: svg.getBoundingClientRect().height, page, texts, lines,
        };
    });
}"""


# --------------------------------------------------------------------------------------------------- colours


def parse_colour(css: str) -> tuple[float, float, float, float]:
    """An `rgb()`/`rgba()` colour as Chromium computes it: (r, g, b) from 0 to 255 and alpha from 0 to 1."""
    match = re.fullmatch(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)", css.strip())
    if match is None:
        raise ValueError(f"cannot read the colour {css!r}")
    r, g, b, a = match.groups()
    return float(r), float(g), float(b), float(a) if a is not None else 1.0


def over(top: str, alpha: float, bottom: tuple[float, float, float]) -> tuple[float, float, float]:
    """Paint `top` with `alpha` (times its own alpha) over an opaque `bottom`."""
    r, g, b, a = parse_colour(top)
    a *= alpha
    return (a * r + (1 - a) * bottom[0], a * g + (1 - a) * bottom[1], a * b + (1 - a) * bottom[2])


def luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour."""

    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """WCAG contrast ratio, from 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def backdrop(layers: list[list[Any]]) -> tuple[float, float, float]:
    """The opaque colour the stack of (colour, alpha) layers paints, the page first."""
    colour = (255.0, 255.0, 255.0)
    for css, alpha in layers:
        colour = over(css, alpha, colour)
    return colour


def test_contrast_matches_wcag_examples() -> None:
    """The contrast arithmetic the legibility test relies on, against WCAG's known values."""
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
    assert over("rgba(0, 0, 0, 0.5)", 1.0, (255, 255, 255)) == pytest.approx((127.5, 127.5, 127.5))
    assert backdrop([["rgb(30, 33, 41)", 1.0]]) == (30.0, 33.0, 41.0)


# ---------------------------------------------------------------------------------------------- the visits


@dataclass
class Visit:
    """What one page showed and did, in both palettes and at both widths."""

    path: str
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    math: dict[str, Any] | None = None
    overflow: dict[int, dict[str, Any]] = field(default_factory=dict)
    figures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    scheme: dict[str, str | None] = field(default_factory=dict)
    screenshots: list[Path] = field(default_factory=list)

    @property
    def name(self) -> str:
        return "/" + self.path


def page_paths(site_dir: Path) -> list[str]:
    """The URL path of every HTML page of the site, relative to its root."""
    paths = []
    for page in sorted(site_dir.rglob("*.html")):
        relative = page.relative_to(site_dir).as_posix()
        paths.append(relative.removesuffix("index.html") if relative.endswith("index.html") else relative)
    return paths


def slug(path: str) -> str:
    return path.strip("/").replace("/", "-").removesuffix(".html") or "home"


@pytest.fixture(scope="module")
def visits(chromium: Any, served_site: ServedSite, summary: list[str]) -> dict[str, Visit]:
    """Visit every page of the served site in Chromium; see the module's docstring."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    results = {path: Visit(path) for path in page_paths(served_site.site.site_dir)}
    for visit in results.values():
        for width in (WIDE, NARROW):
            _visit(chromium, served_site, visit, width, SCREENSHOTS)
    scrolling = sum(v.overflow[NARROW]["scrolling"] for v in results.values())
    summary.append(
        f"Browser: {len(results)} pages visited at {WIDE} and {NARROW} px, light and dark; "
        f"{scrolling} display formulas scroll inside their box at {NARROW} px; "
        f"screenshots in {SCREENSHOTS.relative_to(ARTIFACTS.parent)}/"
    )
    return results


def _visit(browser: Any, served: ServedSite, visit: Visit, width: int, screenshots: Path) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme="light")
    try:
        context.route("**/*", lambda route: _only_local(route, served, visit))
        page = context.new_page()
        page.on("console", lambda message: _console(message, visit, width))
        page.on("pageerror", lambda error: visit.errors.append(f"at {width} px: {error}"))
        page.on("requestfailed", lambda request: _failed(request, served, visit))
        page.on("response", lambda response: _response(response, visit))
        page.goto(served.url(visit.path), wait_until="load")
        page.evaluate(UNSKIP_JS)
        math = page.evaluate(MATH_JS, MATH_FONT)  # also waits for document.fonts.ready
        visit.overflow[width] = page.evaluate(OVERFLOW_JS)
        if width != WIDE:
            return
        visit.math = math
        for palette in ("light", "dark"):
            if palette == "dark":
                page.locator("form[data-nnla-palette] label:visible").click()
                page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
            visit.scheme[palette] = page.evaluate("document.body.dataset.mdColorScheme")
            visit.figures[palette] = page.evaluate(FIGURES_JS)
            shot = screenshots / f"{slug(visit.path)}-{palette}.png"
            page.screenshot(path=str(shot), full_page=True)
            visit.screenshots.append(shot)
    finally:
        context.close()


def _only_local(route: Any, served: ServedSite, visit: Visit) -> None:
    url = urlsplit(route.request.url)
    if url.scheme in {"http", "https"} and url.netloc == served.host:
        route.continue_()
    else:
        visit.outside.append(route.request.url)
        route.abort()


def _console(message: Any, visit: Visit, width: int) -> None:
    if message.type == "error":
        visit.console.append(f"at {width} px: {message.text} ({message.location.get('url', '')})")


def _failed(request: Any, served: ServedSite, visit: Visit) -> None:
    if urlsplit(request.url).netloc == served.host:
        visit.failed.append(f"{request.url}: {request.failure}")


def _response(response: Any, visit: Visit) -> None:
    if response.status >= 400:
        visit.failed.append(f"{response.url}: HTTP {response.status}")


def each(problems: Iterable[str]) -> None:
    found = list(problems)
    assert not found, "\n".join(found)


# ------------------------------------------------------------------------------------- what counts as a problem


def console_problems(visits: Iterable[Visit]) -> Iterator[str]:
    return (f"{v.name}: {e}" for v in visits for e in v.console + v.errors)


def outside_problems(visits: Iterable[Visit]) -> Iterator[str]:
    return (f"{v.name} requested {url} (blocked)" for v in visits for url in v.outside)


def failure_problems(visits: Iterable[Visit]) -> Iterator[str]:
    return (f"{v.name}: {failure}" for v in visits for failure in v.failed)


def math_font_problems(visits: Iterable[Visit]) -> Iterator[str]:
    for v in visits:
        if v.math is None:
            continue
        if MATH_FONT not in v.math["fontFamily"]:
            yield f"{v.name}: <math> has font-family {v.math['fontFamily']!r}: the math stylesheet is missing"
        if not v.math["check"]:
            yield f'{v.name}: document.fonts.check("16px {MATH_FONT}") is false'
        if MATH_FONT not in v.math["loaded"]:  # check() is also true for a font nobody declared
            yield f"{v.name}: no {MATH_FONT} font face loaded (loaded: {sorted(set(v.math['loaded']))})"


def overflow_problems(visits: Iterable[Visit], width: int) -> Iterator[str]:
    for v in visits:
        o = v.overflow[width]
        if o["scrollWidth"] > o["width"]:
            yield f"{v.name} at {width} px is {o['scrollWidth']} px wide, because of: {o['offenders']}"
        for cut in o["cut"]:
            yield f"{v.name} at {width} px: a display formula is cut off instead of scrolling: {cut}"


def alternative_problems(visits: Iterable[Visit]) -> Iterator[str]:
    for v in visits:
        for f in v.figures.get("light", []):
            where = f"{v.name}: the figure of {f['name']}"
            if not f["svg"]:
                yield f"{where} has no SVG"
                continue
            if f["role"] != "img":
                yield f"{where} has role={f['role']!r}, not img"
            if f["height"] <= 0:
                yield f"{where} is not drawn (height {f['height']})"
            labels = f["labels"]
            if not labels or labels[0]["tag"] != "title":
                yield f"{where}: aria-labelledby must name its <title> first, not {labels}"
            for label in labels:
                if not label["text"] or not label["inside"]:
                    yield f"{where}: aria-labelledby names #{label['id']}, which is empty or not in the SVG"


def legibility_problems(visits: Iterable[Visit], palette: str) -> Iterator[str]:
    scheme = {"light": "default", "dark": "slate"}[palette]
    for v in visits:
        if v.scheme.get(palette) != scheme:
            yield f"{v.name}: the {palette} palette is data-md-color-scheme={v.scheme.get(palette)!r}"
        for f in v.figures.get(palette, []):
            if not f["svg"]:
                continue
            page = backdrop([[f["page"], 1.0]])
            for text in f["texts"]:
                beneath = backdrop(text["under"])
                ratio = contrast(over(text["colour"], text["alpha"], beneath), beneath)
                if ratio < TEXT_CONTRAST:
                    yield f"{v.name} ({palette}): {f['name']}: text {text['text']!r} has contrast {ratio:.2f}"
            for line in f["lines"]:
                ratio = contrast(over(line["colour"], line["alpha"], page), page)
                if ratio < GRAPHIC_CONTRAST:
                    yield f"{v.name} ({palette}): {f['name']}: a curve {line['colour']} has contrast {ratio:.2f}"


# ---------------------------------------------------------------------------------------------------- tests


def test_every_page_is_visited(visits: dict[str, Visit]) -> None:
    assert set(visits) >= ESSAY, f"the essay's pages are not all in the site: {sorted(visits)}"


def test_no_console_error_and_no_page_error(visits: dict[str, Visit]) -> None:
    each(console_problems(visits.values()))


def test_every_request_goes_to_127_0_0_1(visits: dict[str, Visit]) -> None:
    """Nothing is fetched from another host (the request is blocked, and named here)."""
    each(outside_problems(visits.values()))


def test_every_local_request_succeeds(visits: dict[str, Visit]) -> None:
    each(failure_problems(visits.values()))


def test_the_math_stylesheet_is_applied_and_its_font_loads(visits: dict[str, Visit]) -> None:
    with_math = {v.path for v in visits.values() if v.math is not None}
    assert with_math >= ESSAY, "the essay's pages should have formulas"
    each(math_font_problems(visits.values()))


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_no_formula_widens_the_page(visits: dict[str, Visit], width: int) -> None:
    """The page never scrolls sideways; a wide display formula scrolls inside its own box instead."""
    each(overflow_problems(visits.values(), width))


def test_figures_are_present_with_text_alternatives(visits: dict[str, Visit]) -> None:
    assert any(v.figures.get("light") for v in visits.values()), "no page has a figure"
    each(alternative_problems(visits.values()))


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_figures_are_legible(visits: dict[str, Visit], palette: str) -> None:
    """Figure text has a WCAG contrast of 4.5:1 with what lies beneath it, and loss curves 3:1 with the page."""
    assert any(v.figures.get(palette) for v in visits.values()), "no page has a figure"
    each(legibility_problems(visits.values(), palette))


def test_screenshots_of_every_page_in_both_palettes(visits: dict[str, Visit]) -> None:
    for v in visits.values():
        assert len(v.screenshots) == 2, v.name
        for shot in v.screenshots:
            assert shot.stat().st_size > 10_000, f"{shot} looks empty"


#: What the broken copy of Part II gets, each a text replacement that must find its target once.
BREAKAGES = [
    # The page's Content-Security-Policy made inert: it would block the breaks below before these checks see them
    # (tests/test_issue17_csp.py shows it blocking them).
    ('<meta http-equiv="Content-Security-Policy"', '<meta name="content-security-policy-removed"'),
    # The math stylesheet left out: formulas lose their font.
    ('<link rel="stylesheet" href="../assets/fonts/math.css">', ""),
    # The first figure loses its role; its text turns pale, its curves nearly white.
    ('role="img"', 'role="presentation"'),
    (
        "</head>",
        "<style>figure.nnla-figure svg text{fill:#bbb!important}"
        "figure.nnla-figure .nnla-line{stroke:#eee!important}</style></head>",
    ),
    # A request elsewhere, a missing file, an error logged, an exception thrown, and a box too wide.
    (
        "</body>",
        '<img src="http://example.invalid/tracker.png" alt=""><img src="../missing.png" alt="">'
        '<script>console.error("deliberate error")</script><script>notAFunction()</script>'
        '<div style="width:3000px">wide</div></body>',
    ),
]


def test_the_browser_checks_catch_a_broken_page(chromium: Any, built_site: BuiltSite, tmp_path: Path) -> None:
    """Each check above, run on a copy of Part II broken on purpose, reports the break."""
    site = tmp_path / "site"
    shutil.copytree(built_site.site_dir, site)
    page = site / "part-2" / "index.html"
    html = page.read_text(encoding="utf-8")
    for old, new in BREAKAGES:
        assert html.count(old) >= 1, f"part-2/index.html no longer holds {old!r}: update this test"
        html = html.replace(old, new, 1)
    page.write_text(html, encoding="utf-8")
    with serve(site) as base_url:
        served = ServedSite(built_site, base_url)
        visit = Visit("part-2/")
        for width in (WIDE, NARROW):
            _visit(chromium, served, visit, width, tmp_path)
    expected = {
        "console": (console_problems, r"deliberate error"),
        "page error": (console_problems, r"notAFunction is not defined"),
        "outside": (outside_problems, r"requested http://example\.invalid/tracker\.png"),
        "failure": (failure_problems, r"missing\.png: HTTP 404"),
        "stylesheet": (math_font_problems, r"the math stylesheet is missing"),
        "font": (math_font_problems, r"no STIX Two Math font face loaded"),
        "wide": (lambda vs: overflow_problems(vs, NARROW), r"at 390 px is \d+ px wide, because of: .*div"),
        "role": (alternative_problems, r"role='presentation', not img"),
        "text": (lambda vs: legibility_problems(vs, "light"), r"\(light\): \w+: text .* has contrast 1\.\d"),
        "curve": (lambda vs: legibility_problems(vs, "light"), r"a curve rgb\(238, 238, 238\) has contrast 1\.\d"),
    }
    for what, (check, pattern) in expected.items():
        problems = list(check([visit]))
        assert any(re.search(pattern, p) for p in problems), f"{what}: no {pattern!r} in {problems}"
