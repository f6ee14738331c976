"""Screenshots of a page's matrices and bold symbols, at a laptop's and a phone's width, light and dark.

For judging by eye how a build's formulas read: whether brackets stretch around matrices, whether bold symbols
stay bold. Each shot holds a display formula that sets a matrix or a bold symbol, with the text above it (which
holds the inline ones). Content that CSS lets the browser skip while off screen is laid out first, so that
nothing is blank.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from tools.chromium import CHROMIUM, CHROMIUM_FLAGS, chromium_unavailable
from tools.static_server import serve

__all__ = ["WIDTHS", "lay_out_all", "screenshots"]

#: (width, height) of a laptop's window and a phone's.
WIDTHS = ((1280, 900), (390, 844))
#: Lay out everything, even what `content-visibility` would skip while it is off screen.
LAY_OUT_ALL = "* { content-visibility: visible !important; }"
#: The indices of the display formulas that set a matrix, and of those that set a bold symbol: in KaTeX's HTML, or
#: in MathML as a bold variant or as Unicode's mathematical bold letters (𝐛 and the like).
PLACES_JS = r"""() => {
    const formulas = [...document.querySelectorAll('.nnla-math-display')];
    const bold = /[\u{1D400}-\u{1D433}\u{1D6A8}-\u{1D6E1}\u{1D7CE}-\u{1D7D7}]|mathvariant="bold"|mathbf|boldsymbol/u;
    const where = (test) => formulas.flatMap((f, i) => (test(f) ? [i] : []));
    return {
        matrices: where((f) => f.querySelector('mtable, .mtable') !== null),
        bold: where((f) => bold.test(f.innerHTML)),
    };
}"""


def lay_out_all(tab: Any) -> None:
    """Lay out every block of the page open in `tab` (`LAY_OUT_ALL`) with a constructed stylesheet: the page's
    Content-Security-Policy refuses an injected `<style>` (Playwright's `add_style_tag`), not a sheet adopted from
    script."""
    tab.evaluate(
        "(css) => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css);"
        " document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }",
        LAY_OUT_ALL,
    )


def _picks(matrices: list[int], bold: list[int]) -> list[int]:
    """The first, middle and last matrix, and the first and last bold symbol: five places or fewer."""
    chosen = {*matrices[:1], *matrices[len(matrices) // 2 :][:1], *matrices[-1:], *bold[:1], *bold[-1:]}
    return sorted(chosen)


def screenshots(site_dir: Path, page: str, folder: Path, browser: Any = None) -> list[Path]:
    """Take the shots of `page` of the built site into `folder`; return them (none when there is no browser).

    Args:
        browser: a Playwright browser to take them in (a test's); by default Debian's Chromium, launched here.
    """
    if browser is not None:
        with serve(site_dir) as base_url:
            return _take(browser, f"{base_url}{page}", page, folder)
    if chromium_unavailable() or importlib.util.find_spec("playwright") is None:
        return []
    from playwright.sync_api import sync_playwright

    with serve(site_dir) as base_url, sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_FLAGS))
        try:
            return _take(launched, f"{base_url}{page}", page, folder)
        finally:
            launched.close()


def _take(browser: Any, url: str, page: str, folder: Path) -> list[Path]:
    from playwright.sync_api import FloatRect

    folder.mkdir(parents=True, exist_ok=True)
    taken = []
    for width, height in WIDTHS:
        for scheme in ("light", "dark"):
            context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
            try:
                tab = context.new_page()
                tab.goto(url, wait_until="load")
                lay_out_all(tab)
                tab.evaluate("document.fonts.ready.then(() => true)")
                places = tab.evaluate(PLACES_JS)
                for i in _picks(places["matrices"], places["bold"]):
                    formula = tab.locator(".nnla-math-display").nth(i)
                    formula.scroll_into_view_if_needed()
                    box = formula.bounding_box()
                    if box is None:
                        continue
                    top = max(0.0, box["y"] - 110)
                    shot = folder / f"{page.strip('/')}-{width}px-{scheme}-formula-{i}.png"
                    clip = FloatRect(x=0, y=top, width=width, height=min(height - top, box["height"] + 140))
                    tab.screenshot(path=str(shot), clip=clip)
                    taken.append(shot)
            finally:
                context.close()
    return taken
