"""Display formulas on a 390 px phone: what must scroll shows that it does, and is reached by the keyboard.

Every page is visited at 390 px in Chromium, in the light and the dark palette, with everything laid out (the
pages' `content-visibility` overridden, as in test_browser.py) and every note opened. For each display formula
(`.nnla-math-display`) wider than its box, the box is photographed with the formula's glyphs hidden, so that
only what the stylesheet paints is left: at its start, the box's end edge must differ from the page (a shadow)
while its start edge must not, and scrolled to its end, the other way round. A formula that fits shows no shadow
at all (the widest few that fit on each page are photographed). The glyphs at an edge keep a WCAG contrast of
4.5:1 over the shadow. Each box that scrolls is reached with Tab and scrolled with the arrow keys.

On the pages whose formulas are broken into lines for a phone (Part I, the errata, the derivations), no formula
scrolls except those listed in `MAY_SCROLL`, each with its reason. The run prints how many formulas scroll on
each page.
"""

from __future__ import annotations

import shutil
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTIFACTS, BuiltSite, ServedSite, serve
from test_browser import NARROW, UNSKIP_JS, contrast, over, page_paths, parse_colour, slug

#: Formulas that may still scroll at 390 px on the pages broken into lines, by page, each with the reason it
#: cannot break. A formula is named by its value (`data-nnla-name`) or by the start of its TeX.
MAY_SCROLL: dict[str, dict[str, str]] = {
    "part-1/": {},
    "errata/": {},
    "derivations/": {
        "hessian_sse": "the 8×8 Hessian of the running example, computed: a row of a matrix cannot break",
        "batch_hessian_block": "a 4×4 block of the batch Hessian at four decimals, computed: likewise",
    },
}
#: How far (the sum of the three channels' differences, 0 to 765) an edge may be from the page's colour and
#: still show nothing; and how far it must be to show a shadow. The shadow is 30% of black or 20% of the dark
#: palette's text at its edge: about 230 from white and 110 from the dark page.
NOTHING, SHADOW = 6, 30
#: WCAG 2.1's minimum contrast for text (1.4.3): the glyphs at an edge, over the shadow.
TEXT_CONTRAST = 4.5
SCREENSHOTS = ARTIFACTS / "phone-formulas"
#: How many of the formulas that fit are photographed on each page, the widest first (they come nearest to
#: scrolling); a screenshot of every one would double the run.
FITTING = 3

#: Each display formula's box: whether it is wider than itself, its name, the start of its TeX, its glyphs'
#: colour and the page's.
BOXES_JS = """() => {
    const page = getComputedStyle(document.body).backgroundColor;
    return [...document.querySelectorAll('.nnla-math-display')].map((box, index) => {
        const owner = box.closest('[data-nnla-name]');
        const annotation = box.querySelector('annotation');
        const katex = box.querySelector('.katex');
        return {
            index,
            overflows: box.scrollWidth > box.clientWidth,
            scrollWidth: box.scrollWidth, clientWidth: box.clientWidth,
            name: owner ? owner.dataset.nnlaName : null,
            tex: annotation ? annotation.textContent.trim().replace(/\\s+/g, ' ').slice(0, 60) : '',
            backgroundImage: getComputedStyle(box).backgroundImage,
            colour: katex ? getComputedStyle(katex).color : getComputedStyle(box).color,
            page,
        };
    });
}"""

#: Open every note, so that the formulas in a collapsed one are laid out and measured too.
OPEN_JS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"

#: Hide (or show again) the glyphs of every display formula; their boxes keep their size and scroll.
# A constructed stylesheet: the pages' Content-Security-Policy refuses an injected <style> element, as it should,
# and does not govern a stylesheet built by script (the glyphs would stay visible and be measured as the shadow).
GLYPHS_JS = """(hidden) => {
    if (!window.nnlaGlyphs) {
        window.nnlaGlyphs = new CSSStyleSheet();
        window.nnlaGlyphs.replaceSync('.nnla-math-display > * { visibility: hidden !important; }');
    }
    const others = document.adoptedStyleSheets.filter((sheet) => sheet !== window.nnlaGlyphs);
    document.adoptedStyleSheets = hidden ? [...others, window.nnlaGlyphs] : others;
}"""

#: Scroll one box to its start (0) or its end (1), and wait two frames for what its scroll position drives.
SCROLL_JS = """async ([index, to]) => {
    const box = document.querySelectorAll('.nnla-math-display')[index];
    box.scrollLeft = to * box.scrollWidth;
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    return box.scrollLeft;
}"""

#: Put a focusable probe just before one box and focus it: the next Tab should reach the box.
PROBE_JS = """(index) => {
    const box = document.querySelectorAll('.nnla-math-display')[index];
    document.getElementById('nnla-phone-probe')?.remove();
    const probe = document.createElement('span');
    probe.id = 'nnla-phone-probe';
    probe.tabIndex = 0;
    box.before(probe);
    probe.focus();
    box.scrollLeft = 0;
}"""

#: After Tab and two presses of the right arrow: whether the box has the focus, and how far it scrolled.
FOCUSED_JS = """async (index) => {
    const box = document.querySelectorAll('.nnla-math-display')[index];
    for (let waited = 0; box.scrollLeft <= 0 && waited < 1000; waited += 50) {  // smooth scrolling
        await new Promise(done => setTimeout(done, 50));
    }
    const result = {focused: document.activeElement === box, scrollLeft: box.scrollLeft};
    document.getElementById('nnla-phone-probe')?.remove();
    box.scrollLeft = 0;
    return result;
}"""


# ------------------------------------------------------------------------------------------- reading a PNG


def png_pixels(data: bytes) -> list[list[tuple[int, int, int]]]:
    """The rows of RGB pixels of an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium's screenshots are)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, header, idat = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}, interlace {interlace}")
    channels = 3 if colour == 2 else 4
    stride = width * channels
    raw = zlib.decompress(idat)
    rows: list[list[tuple[int, int, int]]] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append([(line[x], line[x + 1], line[x + 2]) for x in range(0, stride, channels)])
        previous = line
    return rows


def edges(data: bytes) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The colours at the start and the end edge of a screenshot of a box: its outermost column, mid-height."""
    rows = png_pixels(data)
    middle = rows[len(rows) // 2]
    return middle[0], middle[-1]


def distance(a: Iterable[float], b: Iterable[float]) -> float:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True))


def test_png_pixels_reads_every_filter() -> None:
    """The PNG reader, on a 2×5 image whose rows use filters None, Sub, Up, Average and Paeth."""
    pixels = [[(10, 20, 30), (200, 100, 0)], [(11, 22, 33), (201, 99, 2)], [(0, 0, 0), (255, 255, 255)],
              [(5, 6, 7), (8, 9, 10)], [(100, 50, 25), (90, 60, 30)]]  # fmt: skip

    def filtered(kind: int, row: list[tuple[int, int, int]], up: list[tuple[int, int, int]]) -> bytes:
        flat, above = [c for p in row for c in p], [c for p in up for c in p]
        out = []
        for i, value in enumerate(flat):
            left = flat[i - 3] if i >= 3 else 0
            corner = above[i - 3] if i >= 3 else 0
            estimate = left + above[i] - corner
            pa, pb, pc = abs(estimate - left), abs(estimate - above[i]), abs(estimate - corner)
            paeth = left if pa <= pb and pa <= pc else above[i] if pb <= pc else corner
            predictor = [0, left, above[i], (left + above[i]) // 2, paeth][kind]
            out.append((value - predictor) & 0xFF)
        return bytes([kind, *out])

    blank = [(0, 0, 0)] * 2
    raw = b"".join(filtered(k, row, pixels[k - 1] if k else blank) for k, row in enumerate(pixels))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 5, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    assert png_pixels(png) == pixels


# ------------------------------------------------------------------------------------------------ the visits


@dataclass
class Box:
    """One display formula's box on one page, at 390 px, as measured in one palette."""

    index: int
    overflows: bool
    width: tuple[int, int]  # (scroll width, client width)
    label: str
    background_image: str
    at_start: tuple[tuple[int, int, int], tuple[int, int, int]] | None = None  # (start edge, end edge)
    at_end: tuple[tuple[int, int, int], tuple[int, int, int]] | None = None
    contrast: float | None = None  # of the glyphs over the shadow at the end edge
    keyboard: dict[str, Any] | None = None


@dataclass
class PhoneVisit:
    """What one page's display formulas showed at 390 px, in each palette."""

    path: str
    page: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    boxes: dict[str, list[Box]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return "/" + self.path

    def scrolling(self, palette: str = "light") -> list[Box]:
        return [b for b in self.boxes[palette] if b.overflows]


def _rgb(css: str) -> tuple[int, int, int]:
    r, g, b, _ = parse_colour(css)
    return round(r), round(g), round(b)


def phone_visit(browser: Any, base_url: str, path: str, shots: Path | None = None) -> PhoneVisit:
    """Visit one page at 390 px, light then dark, and measure every display formula's box (see the docstring)."""
    visit = PhoneVisit(path)
    context = browser.new_context(viewport={"width": NARROW, "height": 844}, color_scheme="light")
    try:
        page = context.new_page()
        page.goto(base_url + path, wait_until="load")
        page.evaluate(UNSKIP_JS)
        page.evaluate(OPEN_JS)
        page.evaluate("document.fonts.ready.then(() => true)")
        for palette in ("light", "dark"):
            if palette == "dark":
                page.locator("form[data-nnla-palette] label:visible").click()
                page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
            visit.boxes[palette] = _measure(page, palette, visit, shots)
        for box in visit.scrolling("light"):
            page.evaluate(PROBE_JS, box.index)
            page.keyboard.press("Tab")
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            box.keyboard = page.evaluate(FOCUSED_JS, box.index)
    finally:
        context.close()
    return visit


def _measure(page: Any, palette: str, visit: PhoneVisit, shots: Path | None) -> list[Box]:
    measured = page.evaluate(BOXES_JS)
    if measured:
        visit.page[palette] = _rgb(measured[0]["page"])
    boxes = []
    fitting = sorted((m for m in measured if not m["overflows"]), key=lambda m: -m["scrollWidth"])
    photographed = {m["index"] for m in measured if m["overflows"]} | {m["index"] for m in fitting[:FITTING]}
    page.evaluate(GLYPHS_JS, True)
    try:
        for m in measured:
            box = Box(
                index=m["index"],
                overflows=m["overflows"],
                width=(m["scrollWidth"], m["clientWidth"]),
                label=m["name"] or m["tex"],
                background_image=m["backgroundImage"],
            )
            boxes.append(box)
            if box.index not in photographed:
                continue
            locator = page.locator(".nnla-math-display").nth(box.index)
            box.at_start = edges(locator.screenshot())
            if box.overflows:
                page.evaluate(SCROLL_JS, [box.index, 1])
                box.at_end = edges(locator.screenshot())
                page.evaluate(SCROLL_JS, [box.index, 0])
                box.contrast = contrast(over(m["colour"], 1.0, box.at_start[1]), box.at_start[1])
    finally:
        page.evaluate(GLYPHS_JS, False)
    if shots is not None:
        for box in boxes:
            if box.overflows:
                page.locator(".nnla-math-display").nth(box.index).screenshot(
                    path=str(shots / f"{slug(visit.path)}-{box.index:02d}-{palette}.png")
                )
    return boxes


@pytest.fixture(scope="module")
def phone(chromium: Any, served_site: ServedSite, summary: list[str]) -> dict[str, PhoneVisit]:
    """Every page of the served site at 390 px; a screenshot of every formula that scrolls, in both palettes."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    visits = {
        path: phone_visit(chromium, served_site.base_url, path, SCREENSHOTS)
        for path in page_paths(served_site.site.site_dir)
    }
    counts = ", ".join(
        f"{v.name} {len(v.scrolling())}/{len(v.boxes['light'])}" for v in visits.values() if v.boxes["light"]
    )
    total = sum(len(v.scrolling()) for v in visits.values())
    summary.append(f"Phone ({NARROW} px): {total} display formulas scroll inside their box; by page: {counts}")
    return visits


# ------------------------------------------------------------------------------------ what counts as a problem


def cue_problems(visits: Iterable[PhoneVisit]) -> Iterator[str]:
    """A box that scrolls without a shadow at the edge where its formula is hidden, or a shadow where nothing is."""
    for v in visits:
        for palette, boxes in v.boxes.items():
            if not boxes:
                continue
            page = v.page[palette]
            for box in boxes:
                where = f"{v.name} ({palette}) formula {box.index} ({box.label!r}, {box.width[0]}/{box.width[1]} px)"
                if box.at_start is None:
                    continue  # a formula that fits, not among the widest
                start, end = (distance(edge, page) for edge in box.at_start)
                if not box.overflows:
                    if max(start, end) > NOTHING:
                        yield f"{where} fits, but shows a shadow ({start:.0f}, {end:.0f} from the page)"
                    continue
                assert box.at_end is not None
                end_start, end_end = (distance(edge, page) for edge in box.at_end)
                if "gradient" not in box.background_image:
                    yield f"{where} scrolls and paints no gradient (background-image: {box.background_image})"
                if end < SHADOW:
                    yield f"{where} scrolls, but its end edge shows no shadow ({end:.0f} from the page)"
                if start > NOTHING:
                    yield f"{where} at its start shows a shadow at its start edge ({start:.0f} from the page)"
                if end_start < SHADOW:
                    yield f"{where} scrolled to its end shows no shadow at its start edge ({end_start:.0f})"
                if end_end > NOTHING:
                    yield f"{where} scrolled to its end still shows a shadow at its end edge ({end_end:.0f})"
                if box.contrast is not None and box.contrast < TEXT_CONTRAST:
                    yield f"{where}: its glyphs have a contrast of {box.contrast:.2f} over the shadow"


def keyboard_problems(visits: Iterable[PhoneVisit]) -> Iterator[str]:
    """A box that scrolls and that Tab does not reach, or that the arrow keys do not scroll."""
    for v in visits:
        for box in v.scrolling():
            where = f"{v.name} formula {box.index} ({box.label!r})"
            if not box.keyboard or not box.keyboard["focused"]:
                yield f"{where} scrolls, and Tab does not reach it"
            elif box.keyboard["scrollLeft"] <= 0:
                yield f"{where} has the focus, and the right arrow does not scroll it"


def unbroken_problems(visits: Iterable[PhoneVisit]) -> Iterator[str]:
    """On the pages broken into lines, a formula that scrolls and is not in MAY_SCROLL."""
    for v in visits:
        allowed = MAY_SCROLL.get(v.path)
        if allowed is None:
            continue
        for box in v.scrolling():
            if box.label not in allowed:
                yield (
                    f"{v.name} formula {box.index} ({box.label!r}) is {box.width[0]} px wide in a {box.width[1]} px "
                    f"box at {NARROW} px: break it into lines, or add it to MAY_SCROLL with the reason it cannot break"
                )


def each(problems: Iterable[str]) -> None:
    found = list(problems)
    assert not found, "\n".join(found)


# ---------------------------------------------------------------------------------------------------- tests


def test_the_pages_broken_into_lines_are_visited(phone: dict[str, PhoneVisit]) -> None:
    assert set(phone) >= set(MAY_SCROLL), f"pages missing from the site: {sorted(set(MAY_SCROLL) - set(phone))}"
    for path in MAY_SCROLL:
        assert phone[path].boxes["light"], f"/{path} has no display formula"


def test_every_formula_that_scrolls_shows_a_shadow_where_it_is_hidden(phone: dict[str, PhoneVisit]) -> None:
    """In both palettes; and a formula that fits shows none."""
    assert any(v.scrolling() for v in phone.values()), "no formula scrolls at 390 px: nothing was checked"
    each(cue_problems(phone.values()))


def test_every_formula_that_scrolls_is_reached_and_scrolled_by_the_keyboard(phone: dict[str, PhoneVisit]) -> None:
    each(keyboard_problems(phone.values()))


def test_on_the_pages_broken_into_lines_only_the_listed_formulas_scroll(phone: dict[str, PhoneVisit]) -> None:
    each(unbroken_problems(phone.values()))
    for path, allowed in MAY_SCROLL.items():
        stale = set(allowed) - {b.label for b in phone[path].scrolling()}
        assert not stale, f"/{path}: MAY_SCROLL lists {sorted(stale)}, which no longer scroll: remove them"


#: The stylesheet with the scroll cue taken away, as if its rules were deleted.
NO_CUE_CSS = "\n.md-typeset .nnla-math-display { background: none !important; animation: none !important; }\n"
#: A formula too wide for a phone, added to Part I.
WIDE_FORMULA = (
    '<div class="nnla-math-display" tabindex="0"><span style="display:inline-block;width:900px">wide</span></div>'
)


def test_the_phone_checks_catch_a_missing_cue_and_an_unbroken_formula(
    chromium: Any, built_site: BuiltSite, tmp_path: Path
) -> None:
    """On a copy of the site without the cue's CSS and with a wide formula added to Part I, each check reports."""
    site = tmp_path / "site"
    shutil.copytree(built_site.site_dir, site)
    stylesheet = site / "stylesheets" / "nnla.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + NO_CUE_CSS, encoding="utf-8")
    part_1 = site / "part-1" / "index.html"
    html = part_1.read_text(encoding="utf-8")
    assert '<div class="nnla-math-display" tabindex="0">' in html, "Part I has no display formula: update this test"
    first = '<div class="nnla-math-display" tabindex="0">'
    part_1.write_text(html.replace(first, WIDE_FORMULA + first, 1), encoding="utf-8")
    with serve(site) as base_url:
        visits = [phone_visit(chromium, base_url, path) for path in ("part-1/", "part-2/")]
    cue = list(cue_problems(visits))
    assert any("/part-2/ (light)" in p and "paints no gradient" in p for p in cue), cue
    assert any("/part-2/ (dark)" in p and "end edge shows no shadow" in p for p in cue), cue
    unbroken = list(unbroken_problems(visits))
    assert any("/part-1/ formula 0 ('') is " in p for p in unbroken), unbroken
