"""A page's first screen is laid out once: nothing on it moves after the first paint (Lighthouse's CLS).

Two things moved it. KaTeX's fonts (``font-display: block``) arrived after the first paint and every formula set
in them was laid out again, moving the text after it: a shift of 0.14 on the derivations page and 0.05 on the
errata, on a phone. The build now preloads the fonts nearly every formula needs (`proven_numbers.preload`, the
plugin's `katex.preload_fonts`). And blocks left to `content-visibility: auto` were first painted at their
placeholder height although on screen, then grew: 0.088 on Part III (its note box). The first blocks of an
article are laid out from the start now (docs/stylesheets/nnla.css).

The browser tests load every page of the essay afresh, at a phone's width and a laptop's, and add up every
layout shift the browser reports until its fonts are in and the page has been still for a second.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import ServedSite
from mkdocs.exceptions import PluginError
from selectolax.lexbor import LexborHTMLParser
from support_tiny_site import build_site, make_site

from proven_numbers import preload

#: A layout shift score a reader does not see; Lighthouse calls up to 0.1 good. The pages measured 0.0008–0.004
#: with the fixes and 0.05–0.14 without.
MOST_SHIFT = 0.01
PAGES = ("", "part-1/", "part-2/", "part-3/", "errata/", "derivations/", "library/")
WIDTHS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 900}}

#: Every layout shift from the start of the page (buffered), until the fonts are in and a second has passed with
#: no new one; the elements each moved, for the message.
SHIFTS_JS = """async () => {
    const shifts = [];
    new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
            shifts.push({value: e.value, at: Math.round(e.startTime),
                         moved: (e.sources || []).map((s) => s.node ? s.node.nodeName + ' ' +
                             (s.node.textContent || '').trim().slice(0, 40) : '?')});
        }
    }).observe({type: 'layout-shift', buffered: true});
    await document.fonts.ready;
    let seen = -1;
    while (seen !== shifts.length) {
        seen = shifts.length;
        await new Promise((done) => setTimeout(done, 1000));
    }
    return shifts;
}"""

#: A tiny site's values: none (a value shown on no page is an error of its own).
NO_VALUES = "def compute():\n    return {}\n"
KATEX_FONTS = ["assets/katex/fonts/KaTeX_Main-Regular.woff2", "assets/katex/fonts/KaTeX_Math-Italic.woff2"]


def test_the_fonts_are_named_as_the_option_says() -> None:
    uris = [*KATEX_FONTS, "assets/katex/fonts/KaTeX_Main-Regular.woff", "assets/katex/katex.min.css"]
    assert preload.font_uris(["KaTeX_Math-Italic", "KaTeX_Main-Regular", "KaTeX_Math-Italic"], uris) == [
        "assets/katex/fonts/KaTeX_Math-Italic.woff2",
        "assets/katex/fonts/KaTeX_Main-Regular.woff2",
    ]


def test_a_font_katex_does_not_have_is_named_with_the_ones_it_has() -> None:
    with pytest.raises(PluginError) as raised:
        preload.font_uris(["KaTeX_Main-Regular", "Main-Bold"], KATEX_FONTS)
    message = str(raised.value)
    assert "katex.preload_fonts" in message, message
    assert "'Main-Bold'" in message, message
    assert "KaTeX_Main-Regular, KaTeX_Math-Italic" in message, message


@pytest.mark.parametrize(
    ("dest", "prefix"),
    [("part-2/index.html", "../"), ("index.html", ""), ("part-2.html", ""), ("a/b/c.html", "../../")],
)
def test_each_address_is_relative_to_the_page(dest: str, prefix: str) -> None:
    written = preload.links(KATEX_FONTS[:1], dest)
    assert f'href="{prefix}assets/katex/fonts/KaTeX_Main-Regular.woff2"' in written, written


def _preloads(html: str) -> list[str]:
    head = LexborHTMLParser(html).head
    assert head is not None
    return [str(link.attributes.get("href")) for link in head.css('link[rel="preload"][as="font"]')]


def test_a_page_with_a_formula_preloads_the_fonts_after_its_policy(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {"index.md": "# Home\n\nNo formula here.\n", "deep/math.md": "# Math\n\nThe sum $`a + b`$.\n"},
        values=NO_VALUES,
    )
    config = site.root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      katex:\n", "      katex:\n        preload_fonts: [KaTeX_Main-Bold, KaTeX_Math-Italic]\n"
        )
    )
    build_site(site)
    math = site.page("deep/math/index.html")
    assert _preloads(math) == [
        "../../assets/katex/fonts/KaTeX_Main-Bold.woff2",
        "../../assets/katex/fonts/KaTeX_Math-Italic.woff2",
    ]
    for href in _preloads(math):
        assert (site.site_dir / "deep/math" / href).resolve().is_file(), href
    head = LexborHTMLParser(math).head
    assert head is not None
    first = [node.tag for node in head.iter()][:3]
    assert first[:2] == ["meta", "meta"], first  # charset, then the policy, then the preloads
    assert _preloads(site.page("index.html")) == [], "a page without a formula preloads nothing"


@pytest.mark.parametrize("preload", [True, False])
def test_with_mathml_alone_the_math_font_is_preloaded_where_a_formula_is(tmp_path: Path, preload: bool) -> None:
    """Every formula is laid out with the math font: the plugin preloads it, on the pages with a formula (a second
    site gets it without a theme of its own), unless the site says not to (read from disk: `hooks/nnla_offline.py`)."""
    site = make_site(
        tmp_path,
        {"index.md": "# Home\n\nNo formula here.\n", "deep/math.md": "# Math\n\nThe sum $`a + b`$.\n"},
        values=NO_VALUES,
    )
    config = site.root / "mkdocs.yml"
    options = f"      katex:\n        output: mathml\n        math_font:\n          preload: {str(preload).lower()}\n"
    config.write_text(config.read_text().replace("      katex:\n", options))
    build_site(site)
    math = site.page("deep/math/index.html")
    assert _preloads(math) == (["../../assets/fonts/stix-two-math.woff2"] if preload else [])
    for href in _preloads(math):
        assert (site.site_dir / "deep/math" / href).resolve().is_file(), href
    assert _preloads(site.page("index.html")) == [], "a page without a formula preloads nothing"


def test_a_wrong_font_name_stops_the_build_naming_the_option(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.md": "# Home\n\n$`x`$\n"}, values=NO_VALUES)
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("      katex:\n", "      katex:\n        preload_fonts: [Main]\n"))
    with pytest.raises(Exception, match=r"katex\.preload_fonts: 'Main' is not one of KaTeX's fonts"):
        build_site(site)


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def context(chromium: Any, request: pytest.FixtureRequest) -> Any:
    context = chromium.new_context(viewport=WIDTHS[request.param])
    yield context
    context.close()


def test_no_page_moves_after_its_first_paint(context: Any, served_site: ServedSite) -> None:
    found = []
    for path in PAGES:
        page = context.new_page()
        try:
            page.goto(served_site.url(path), wait_until="domcontentloaded")
            shifts = page.evaluate(SHIFTS_JS)
        finally:
            page.close()
        total = sum(s["value"] for s in shifts)
        if total > MOST_SHIFT:
            worst = max(shifts, key=lambda s: s["value"])
            largest = f"the largest, {worst['value']:.3f}, moved {worst['moved']}"
            found.append(f"/{path}: layout shift {total:.3f}; {largest}")
    assert not found, "\n".join(found)
