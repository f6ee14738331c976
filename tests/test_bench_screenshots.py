"""The build benchmark's screenshots of Part II's formulas (`benchmarks.screenshots`), taken from the real build.

They are how the benchmark's reader judges MathML alone against KaTeX's HTML by eye; the benchmark once ended in a
traceback after twenty minutes of measuring, because the page's Content-Security-Policy refused the `<style>` the
shots injected to lay out every block.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import BuiltSite
from PIL import Image

from benchmarks.screenshots import WIDTHS, screenshots


def test_the_benchmarks_screenshots_show_formulas(chromium: Any, built_site: BuiltSite, tmp_path: Path) -> None:
    shots = screenshots(built_site.site_dir, "part-2/", tmp_path, browser=chromium)
    assert len(shots) >= 2 * len(WIDTHS), f"too few shots: {shots} (is Chromium installed?)"
    for shot in shots:
        with Image.open(shot) as image:
            colours = image.convert("L").getcolors(maxcolors=1 << 16) or []
        assert len(colours) > 16, f"{shot.name} is nearly blank"
