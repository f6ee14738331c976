"""Every page of the built site passes axe-core (4.14, from node_modules), in both palettes and at both widths.

axe is the accessibility checker most audits run (Lighthouse's accessibility score is a subset of it). It is
injected by Playwright into each page of the session's build, served on 127.0.0.1, at a laptop's width (1280 px)
and a phone's (390 px), in the light and the dark palette (the browser's colour-scheme preference, which the
site's palette follows until the reader chooses), with every note (`<details>`) opened and everything laid out
(the pages' `content-visibility` overridden), so that nothing is skipped as hidden. Every rule axe runs by
default counts, its best practices included, in the light palette; in the dark one, what a palette changes:
colour contrast (a full run of every page in four settings takes some ten minutes on two busy cores).

What it asks of the site, and where each answer is written:

- a box that scrolls is reachable by the keyboard: a display formula's box
  (proven_numbers.math_placing.display_box) and Material's box around a table
  (overrides/partials/javascripts/a11y.html) are focusable;
- landmarks are told apart: Material's `<nav>` around a code block's copy button is no landmark (a11y.html);
- a table's column heading holds text a screen reader reads, not a formula alone (the tables' headings in
  hooks/nnla_essay);
- text keeps a WCAG contrast of 4.5:1 (docs/stylesheets/nnla.css, the code colours).

`test_axe_catches_each_fix_taken_out` takes each fix out of a copy of the site and sees axe report it.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, BuiltSite, ServedSite, serve
from test_browser import UNSKIP_JS, page_paths

pytestmark = pytest.mark.slow  # site and browser come from the fixtures (conftest.py)

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 390)
#: The palettes, by the colour-scheme preference the browser reports (the site follows it).
PALETTES = {"light": "light", "dark": "dark"}
#: Material's stylesheet key for each palette: the page must show it before axe measures contrast.
SCHEMES = {"light": "default", "dark": "slate"}
#: The rules run in each palette: all of axe's defaults in the light one (None), its colour rule in the dark one.
RULES: dict[str, list[str] | None] = {"light": None, "dark": ["color-contrast"]}

#: Open every note, so that what a note holds is checked too.
OPEN_JS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"
#: axe's run over the whole page: each violation's rule, impact, help and the elements (at most five) it names.
AXE_JS = """async (rules) => {
    const options = { resultTypes: ['violations'] };
    if (rules) options.runOnly = { type: 'rule', values: rules };
    const result = await axe.run(document, options);
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
        targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
    }));
}"""


@dataclass(frozen=True)
class Violation:
    page: str
    width: int
    palette: str
    rule: str
    impact: str
    help: str
    count: int
    targets: tuple[str, ...]

    def __str__(self) -> str:
        where = f"/{self.page} at {self.width} px ({self.palette})"
        return f"{where}: {self.rule} ({self.impact}, {self.count}×): {self.help}; e.g. {'; '.join(self.targets)}"


def axe_unavailable() -> str | None:
    if not AXE.is_file():
        return f"axe-core is not installed at {AXE} (npm ci)"
    return None


def audit(
    browser: Any,
    base_url: str,
    paths: Iterable[str],
    widths: Iterable[int] = WIDTHS,
    palettes: Iterable[str] = tuple(PALETTES),
) -> list[Violation]:
    """axe's violations on each page at each width in each palette."""
    reason = axe_unavailable()
    if reason:
        pytest.fail(reason)
    paths = list(paths)
    found: list[Violation] = []
    for width in widths:
        for palette in palettes:
            # axe is injected as an inline script, which the pages' Content-Security-Policy refuses, rightly: the
            # test lifts the policy for its own script (Playwright's bypass_csp), not the pages' markup.
            context = browser.new_context(
                viewport={"width": width, "height": 900},
                color_scheme=PALETTES[palette],
                reduced_motion="reduce",
                bypass_csp=True,
            )
            page = context.new_page()
            try:
                for path in paths:
                    page.goto(base_url + path, wait_until="load")
                    scheme = page.evaluate("document.body.dataset.mdColorScheme")
                    assert scheme == SCHEMES[palette], f"/{path} shows the palette {scheme!r} in {palette}"
                    page.evaluate(UNSKIP_JS)
                    page.evaluate(OPEN_JS)
                    page.evaluate("document.fonts.ready")
                    page.add_script_tag(path=str(AXE))
                    for v in page.evaluate(AXE_JS, RULES[palette]):
                        rule, targets = v["id"], tuple(v["targets"])
                        found.append(Violation(path, width, palette, rule, v["impact"], v["help"], v["count"], targets))
            finally:
                context.close()
    return found


@pytest.fixture(scope="module")
def violations(chromium: Any, served_site: ServedSite, summary: list[str]) -> list[Violation]:
    """axe's violations on every page of the session's build, at both widths, in both palettes."""
    paths = page_paths(served_site.site.site_dir)
    found = audit(chromium, served_site.base_url, paths)
    summary.append(
        f"axe-core: {len(paths)} pages × {len(WIDTHS)} widths × {len(PALETTES)} palettes, "
        f"{sum(v.count for v in found)} violations"
    )
    return found


def test_every_page_passes_axe_at_both_widths_in_both_palettes(violations: list[Violation]) -> None:
    assert not violations, "axe-core reports:\n" + "\n".join(map(str, violations))


# ------------------------------------------------------------------------------------------ each fix taken out

#: Each fix, taken out of a copy of the built site: the page it shows on, the width, the rule axe then reports,
#: and the edit of the page's HTML that takes it out.
BREAKAGES: dict[str, tuple[str, int, str, tuple[str, str]]] = {
    "a display formula's box focusable": (
        "part-2/",
        390,
        "scrollable-region-focusable",
        (r'(class="nnla-math-display") tabindex="0"', r"\1"),
    ),
    "Material's table box focusable, its code buttons no landmark": (
        "building/",
        1280,
        "scrollable-region-focusable",
        (r"<script>\s*document\$\.subscribe\(\(\) => \{\s*for \(const box.*?</script>", ""),
    ),
    "a table's headings hold text": (
        "part-2/",
        1280,
        "empty-table-header",
        (r'<th scope="col">value of ', '<th scope="col">'),
    ),
    "Material's code buttons no landmark": (
        "library/",
        1280,
        "landmark-unique",
        (r'nav\.setAttribute\("role", "none"\)', "0"),
    ),
}


def test_axe_catches_each_fix_taken_out(chromium: Any, built_site: BuiltSite, tmp_path: Path) -> None:
    """On a copy of the site with each fix taken out of the page that needs it, axe reports that page."""
    site = tmp_path / "site"
    shutil.copytree(built_site.site_dir, site)
    for name, (path, _, _, (pattern, replacement)) in BREAKAGES.items():
        page = site / path / "index.html"
        html, count = re.subn(pattern, replacement, page.read_text(encoding="utf-8"), flags=re.S)
        assert count, f"{name}: /{path} no longer holds what the breakage takes out: update this test"
        page.write_text(html, encoding="utf-8")
    with serve(site) as base_url:
        for name, (path, width, rule, _) in BREAKAGES.items():
            found = audit(chromium, base_url, [path], widths=[width], palettes=["light"])
            assert any(v.rule == rule for v in found), f"{name} taken out, axe reports no {rule}: {found}"
