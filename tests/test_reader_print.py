"""What a reader meets beyond the pages' text: the page on paper, the palette switch's markup, the 404 page, and
the contrast of code, each held by the theme's overrides (overrides/) and the site's stylesheets.

- On paper (docs/stylesheets/nnla.css, "On paper"; explorers.css): Part II printed by Chromium (`page.pdf`, A4)
  takes at most PRINTED_PAGES_MAX pages (29 before the print stylesheet), with the math font its formulas need,
  no slider, header, navigation, footer or search, and its formulas, figures and tables each on one page.
- The palette switch (overrides/partials/palette.html) is valid HTML (`autocomplete` belongs on its form, not on
  radio inputs) and keeps working when the browser restores a page from history after the palette changed.
- The 404 page (overrides/404.html) says the page was not found and links home and to every page.
- Every code token on every page has a WCAG contrast of 4.5:1 with its background, in both palettes
  (nnla.css, "Code a reader must read").

Each check has a twin that runs it on a copy of the site with the rule it relies on taken out, and sees it fail.
"""

from __future__ import annotations

import html.parser
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BuiltSite, serve
from test_browser import TEXT_CONTRAST, backdrop, contrast, over

#: Part II printed on A4 by Chromium: 29 pages with Material's print styles alone, 21 with ours (KaTeX's HTML), 20
#: with MathML alone.
PRINTED_PAGES_MAX = 22
#: The font Part II's formulas are set in (MathML alone: the math font the site serves). With KaTeX's HTML, a
#: printed copy lacked four of KaTeX's fonts while its blocks were left to content-visibility (blanks).
PRINT_FONTS = {"STIXTwoMath-Regular"}
#: Where each section of the stylesheets begins (the break tests cut a copy there).
PRINT_SECTION = "/* On paper."
CODE_SECTION = "/* Code a reader must read:"
EXPLORER_PRINT = "/* On paper the slider cannot move"
PALETTE_FORM = '<form class="md-header__option" data-nnla-palette autocomplete="off">'

#: What the print media shows of each part of the page: whether it has a box, and how it may break.
PRINT_LAYOUT_JS = """() => {
    const shown = (selector) => [...document.querySelectorAll(selector)].map((el) => el.checkVisibility());
    const style = (selector, property) =>
        [...new Set([...document.querySelectorAll(selector)].map((el) => getComputedStyle(el)[property]))];
    return {
        hidden: Object.fromEntries([
            '.nnla-explorer-controls', 'input[type=range]', '[data-nnla-palette]', '.md-header', '.md-sidebar',
            '.md-footer', '.md-search', '.md-tabs',
        ].map((s) => [s, shown(s)])),
        readout: shown('.nnla-explorer-readout'),
        figures: shown('figure.nnla-figure svg'),
        whole: Object.fromEntries(['.nnla-math-display', 'figure.nnla-figure', 'table', 'tr', '.nnla-explorer']
            .map((s) => [s, style('.md-typeset ' + s, 'breakInside')])),
        headings: style('.md-typeset h2, .md-typeset h3', 'breakAfter'),
        skipped: style('.md-typeset .nnla-math-display, .md-typeset > p', 'contentVisibility'),
    };
}"""

#: Every element of a code block or inline code with text of its own: its colour, and the backgrounds beneath.
CODE_TOKENS_JS = """() => {
    const beneath = (el) => {
        const layers = [];
        for (let a = el; a; a = a.parentElement) {
            const colour = getComputedStyle(a).backgroundColor;
            if (/^rgba\\(.*,\\s*0\\)$/.test(colour) || colour === 'transparent') continue;
            layers.unshift([colour, 1]);
            if (!colour.startsWith('rgba')) break;
        }
        return layers;
    };
    const opacity = (el) => {
        let alpha = 1;
        for (let a = el; a; a = a.parentElement) alpha *= parseFloat(getComputedStyle(a).opacity);
        return alpha;
    };
    const tokens = [];
    for (const el of document.querySelectorAll('.md-typeset code, .md-typeset code *')) {
        const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
        if (!text || el.getClientRects().length === 0) continue;
        tokens.push({
            token: el.tagName.toLowerCase() + [...el.classList].map((c) => '.' + c).join(''),
            text, colour: getComputedStyle(el).color, alpha: opacity(el), under: beneath(el),
        });
    }
    return tokens;
}"""


def copy_site(built_site: BuiltSite, destination: Path) -> Path:
    shutil.copytree(built_site.site_dir, destination)
    return destination


def cut(path: Path, start: str, end: str | None = None) -> None:
    """Take the text from `start` to `end` (or to the end of the file) out of a copy's file."""
    text = path.read_text(encoding="utf-8")
    assert text.count(start) == 1, f"{path.name} no longer holds {start!r} once: update this test"
    head, rest = text.split(start)
    tail = "" if end is None else end + rest.split(end, 1)[1]
    path.write_text(head + tail, encoding="utf-8")


# ------------------------------------------------------------------------------------------------- on paper


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def pdf_fonts(pdf: bytes) -> set[str]:
    """The fonts a PDF embeds, without the subset's six-letter tag (Chromium writes these dictionaries plain)."""
    return {name.decode() for name in re.findall(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([\w-]+)", pdf)}


def printed(chromium: Any, site_dir: Path, path: str = "part-2/") -> tuple[bytes, dict[str, Any]]:
    """A page printed by Chromium as a reader's print dialog would (A4, the stylesheet's own margins), and what
    its print media shows, laid out in a window as wide as the paper."""
    with serve(site_dir) as base_url:
        context = chromium.new_context(viewport={"width": 794, "height": 1123}, color_scheme="light")
        try:
            page = context.new_page()
            page.goto(base_url + path, wait_until="load")
            page.evaluate("document.fonts.ready.then(() => null)")
            pdf = page.pdf(format="A4")
            page.emulate_media(media="print")
            layout = page.evaluate(PRINT_LAYOUT_JS)
        finally:
            context.close()
    return pdf, layout


def print_problems(pdf: bytes, layout: dict[str, Any]) -> Iterator[str]:
    pages = pdf_pages(pdf)
    if not 0 < pages <= PRINTED_PAGES_MAX:
        yield f"Part II prints on {pages} pages, not at most {PRINTED_PAGES_MAX}"
    missing = PRINT_FONTS - pdf_fonts(pdf)
    if missing:
        yield f"the printed Part II lacks the fonts {sorted(missing)}: its formulas print with blanks"
    for selector, visible in layout["hidden"].items():
        if any(visible):
            yield f"{selector} is printed"
    if not layout["readout"] or not all(layout["readout"]):
        yield f"the explorer's readout is not printed: {layout['readout']}"
    if not layout["figures"] or not all(layout["figures"]):
        yield f"a figure is not printed: {layout['figures']}"
    for selector, values in layout["whole"].items():
        if values != ["avoid"]:
            yield f"{selector} may be split across pages (break-inside: {values})"
    if layout["headings"] != ["avoid"]:
        yield f"a heading may end a page (break-after: {layout['headings']})"
    if layout["skipped"] != ["visible"]:
        yield f"print leaves blocks to content-visibility: {layout['skipped']}"


@pytest.mark.browser
def test_part_2_on_paper(chromium: Any, built_site: BuiltSite) -> None:
    """Part II on A4: few pages, every formula's font, no slider or site chrome, blocks whole.

    Fails without the stylesheets' print rules (see the next test), or if a change to the page makes it print
    longer than PRINTED_PAGES_MAX pages."""
    pdf, layout = printed(chromium, built_site.site_dir)
    assert list(print_problems(pdf, layout)) == []
    assert layout["hidden"][".nnla-explorer-controls"], "Part II has no explorer: this test shows less"


@pytest.mark.browser
def test_part_2_on_paper_without_the_print_rules_fails(chromium: Any, built_site: BuiltSite, tmp_path: Path) -> None:
    """The same page with the print rules cut from a copy of the stylesheets, and the math font's stylesheet
    emptied: the checks above see each loss."""
    site = copy_site(built_site, tmp_path / "site")
    cut(site / "stylesheets" / "nnla.css", PRINT_SECTION)
    cut(site / "stylesheets" / "explorers.css", EXPLORER_PRINT)
    (site / "assets" / "fonts" / "math.css").write_text("", encoding="utf-8")
    problems = "\n".join(print_problems(*printed(chromium, site)))
    for expected in (
        r"Part II prints on (2[3-9]|[3-9]\d) pages",
        r"lacks the fonts \['STIXTwoMath-Regular'\]",
        r"\.nnla-explorer-controls is printed",
        r"input\[type=range\] is printed",
        r"\.nnla-math-display may be split",
        r"a heading may end a page",
        r"content-visibility",
    ):
        assert re.search(expected, problems), f"no {expected!r} in:\n{problems}"


# ---------------------------------------------------------------------------------------------- the palette

#: The switch as a reader sees it: the palette on <body>, the checked option, and the toggles shown.
SWITCH_JS = """() => ({
    scheme: document.body.dataset.mdColorScheme,
    checked: [...document.querySelectorAll('[data-nnla-palette] input')].map((i) => i.checked),
    shown: [...document.querySelectorAll('[data-nnla-palette] label')].map((l) => l.checkVisibility()),
})"""


class _Inputs(html.parser.HTMLParser):
    """The palette form's own attributes and those of its inputs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.form: dict[str, str | None] | None = None
        self.inputs: list[dict[str, str | None]] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and "data-nnla-palette" in values:
            self.form, self._inside = values, True
        elif tag == "input" and self._inside:
            self.inputs.append(values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


@pytest.mark.site
def test_the_palette_switch_puts_autocomplete_on_its_form_not_on_radio_inputs(built_site: BuiltSite) -> None:
    """HTML allows `autocomplete` on a form but not on a radio input (the Nu Html Checker's error); the form's
    attribute still keeps browsers from restoring the options' state from history (the next test).

    Fails if the template puts `autocomplete` back on the inputs, or leaves it off the form."""
    pages = sorted(built_site.site_dir.rglob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        reader = _Inputs()
        reader.feed(page.read_text(encoding="utf-8"))
        name = page.relative_to(built_site.site_dir)
        assert reader.form is not None, f"{name} has no palette switch"
        assert reader.form.get("autocomplete") == "off", name
        assert [i.get("type") for i in reader.inputs] == ["radio", "radio"], name
        assert [i for i in reader.inputs if "autocomplete" in i] == [], name


def back_after_another_tab_switched(chromium: Any, site_dir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Part I in the dark palette; the reader goes on to Part II, switches back to light in another tab, and
    returns to Part I with the browser's Back button; then clicks the toggle shown. The switch before and after."""
    with serve(site_dir) as base_url:
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
        try:
            page = context.new_page()
            page.goto(base_url + "part-1/", wait_until="load")
            page.locator("[data-nnla-palette] label:visible").click()
            page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
            page.goto(base_url + "part-2/", wait_until="load")
            other = context.new_page()
            other.goto(base_url + "part-2/", wait_until="load")
            other.locator("[data-nnla-palette] label:visible").click()
            other.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
            other.close()
            page.go_back(wait_until="load")
            before = page.evaluate(SWITCH_JS)
            page.locator("[data-nnla-palette] label:visible").click()
            page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
            return before, page.evaluate(SWITCH_JS)
        finally:
            context.close()


def switch_problems(before: dict[str, Any], after: dict[str, Any]) -> Iterator[str]:
    if before["scheme"] != "default":
        yield f"back on Part I the palette is {before['scheme']!r}, not the light one chosen since"
    if before["checked"] != before["shown"] or before["checked"] != [True, False]:
        yield f"back on Part I the checked option and the toggle shown disagree: {before}"
    if after["scheme"] != "slate":
        yield f"the toggle shown does nothing: {before} -> {after}"


@pytest.mark.browser
def test_the_palette_switch_works_after_back(chromium: Any, built_site: BuiltSite) -> None:
    """Restored from history after the palette changed elsewhere, the switch shows one toggle, which works.

    Fails without autocomplete="off" on the form (the next test): Chromium then restores the option checked when
    the reader left, the script shows the toggle of the palette stored since, and that toggle's click checks an
    option already checked, so nothing happens."""
    assert list(switch_problems(*back_after_another_tab_switched(chromium, built_site.site_dir))) == []


@pytest.mark.browser
def test_the_palette_switch_after_back_fails_without_autocomplete_off(
    chromium: Any, built_site: BuiltSite, tmp_path: Path
) -> None:
    site = copy_site(built_site, tmp_path / "site")
    for path in ("part-1/index.html", "part-2/index.html"):
        page = site / path
        text = page.read_text(encoding="utf-8")
        assert text.count(PALETTE_FORM) == 1, f"{path} no longer holds {PALETTE_FORM!r}: update this test"
        page.write_text(text.replace(PALETTE_FORM, PALETTE_FORM.replace(' autocomplete="off"', "")), encoding="utf-8")
    problems = list(switch_problems(*back_after_another_tab_switched(chromium, site)))
    assert any("does nothing" in p for p in problems), problems


# ------------------------------------------------------------------------------------------------- 404 page


class _Page404(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.h1 = ""
        self.title = ""
        self.links: list[tuple[str, str]] = []
        self.logo = ""
        self._in: str | None = None
        self._href = ""
        self._article = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "article":
            self._article = True
        if tag == "a" and "md-logo" in values.get("class", ""):
            self.logo = values.get("href", "")
        if tag in {"h1", "title"} or (tag == "a" and self._article):
            self._in, self._href = tag, values.get("href", "")
            if tag == "a":
                self.links.append((self._href, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._article = False
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "h1":
            self.h1 += data
        elif self._in == "title":
            self.title += data
        elif self._in == "a":
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)


@pytest.mark.site
def test_the_404_page_says_so_and_links_home_and_to_every_page(built_site: BuiltSite) -> None:
    """Fails with Material's own 404 template (overrides/404.html removed): "404 - Not found" and no link."""
    html_404 = built_site.page("404.html")
    page = _Page404()
    page.feed(html_404)
    assert page.h1.strip() == "Page not found"
    assert page.title.strip().startswith("Page not found - ")
    assert 'data-md-component="search"' in html_404, "the 404 page has lost the site's header and search"
    assert "stylesheets/nnla.css" in html_404
    home = [href for href, text in page.links if text.strip() == "Go to the home page"]
    assert home == [page.logo], f"the home link {home} is not the header's {page.logo!r}"
    listed = {href for href, _ in page.links}
    for index in sorted(built_site.site_dir.glob("*/index.html")):
        if index.parent.name in {"search", "assets"}:
            continue
        assert f"/{index.parent.name}/" in listed, f"the 404 page does not link to {index.parent.name}/"
    assert all(href.startswith("/") for href in listed), "404.html is served at any depth: its links are absolute"


# ----------------------------------------------------------------------------------------------------- code


def code_pages(site_dir: Path) -> list[str]:
    return sorted(
        str(p.relative_to(site_dir).parent).replace(".", "") + "/"
        for p in site_dir.rglob("index.html")
        if "<code" in p.read_text(encoding="utf-8")
    )


def code_contrast_problems(chromium: Any, site_dir: Path, paths: list[str]) -> Iterator[str]:
    """Each code token below 4.5:1, on each page, in each palette (the system's preference chooses it)."""
    with serve(site_dir) as base_url:
        for scheme in ("light", "dark"):
            context = chromium.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
            try:
                page = context.new_page()
                for path in paths:
                    page.goto(base_url + path.lstrip("/"), wait_until="load")
                    seen: set[tuple[str, str]] = set()
                    for t in page.evaluate(CODE_TOKENS_JS):
                        beneath = backdrop(t["under"])
                        ratio = contrast(over(t["colour"], t["alpha"], beneath), beneath)
                        if ratio < TEXT_CONTRAST and (t["token"], t["colour"]) not in seen:
                            seen.add((t["token"], t["colour"]))
                            yield f"{path} ({scheme}): {t['token']} {t['text'][:30]!r} has contrast {ratio:.2f}"
            finally:
                context.close()


@pytest.mark.browser
def test_every_code_token_has_a_contrast_of_4_5_in_both_palettes(chromium: Any, built_site: BuiltSite) -> None:
    """Fails with Material's code colours (the next test): 4.45:1 for a number in the dark palette, say."""
    paths = code_pages(built_site.site_dir)
    assert "library/" in paths
    assert list(code_contrast_problems(chromium, built_site.site_dir, paths)) == []


@pytest.mark.browser
def test_materials_code_colours_fail_the_contrast_check(chromium: Any, built_site: BuiltSite, tmp_path: Path) -> None:
    site = copy_site(built_site, tmp_path / "site")
    cut(site / "stylesheets" / "nnla.css", CODE_SECTION, PRINT_SECTION)
    problems = "\n".join(code_contrast_problems(chromium, site, ["library/"]))
    for expected in (r"\(dark\): span\.mi '.*' has contrast 4\.4", r"\(dark\): a\.autorefs.* has contrast 4\.1"):
        assert re.search(expected, problems), f"no {expected!r} in:\n{problems}"
