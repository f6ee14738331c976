"""What a fresh page load costs the browser tests: the whole Chromium against its headless shell.

Each run opens every page of a built site in a fresh browser context, at a laptop's width and a phone's, waits for
its fonts, and closes the context, as most browser tests do before they measure anything; the two binaries take
turns, so that the machine's load falls on both alike. Prints the wall time of each run.

    PYTHONPATH=hooks:. .venv/bin/python -m benchmarks.browser_loads --site site --runs 2
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from tools.chromium import CHROMIUM, CHROMIUM_FLAGS, HEADLESS_SHELL
from tools.static_server import serve

__all__ = ["load_every_page"]

WIDTHS = (1280, 390)


def load_every_page(browser: Any, base_url: str, paths: list[str]) -> float:
    """Seconds to load each page afresh at each width, fonts included."""
    start = time.perf_counter()
    for width in WIDTHS:
        for path in paths:
            context = browser.new_context(viewport={"width": width, "height": 900})
            try:
                page = context.new_page()
                page.goto(base_url + path, wait_until="load")
                page.evaluate("document.fonts.ready.then(() => true)")
            finally:
                context.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path("site"), help="a built site (default: site)")
    parser.add_argument("--runs", type=int, default=2, help="runs of each binary (default: 2)")
    arguments = parser.parse_args()
    site: Path = arguments.site
    paths = sorted(p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html"))
    paths = [path.removeprefix("./") for path in paths]
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {str(CHROMIUM): [], str(HEADLESS_SHELL): []}
    with serve(site) as base_url, sync_playwright() as playwright:
        for _ in range(arguments.runs):
            for binary in times:
                browser = playwright.chromium.launch(executable_path=binary, args=list(CHROMIUM_FLAGS))
                try:
                    times[binary].append(load_every_page(browser, base_url, paths))
                finally:
                    browser.close()
    print(f"{len(paths)} pages at {' and '.join(map(str, WIDTHS))} px, each load in a fresh context:")
    for binary, seconds in times.items():
        runs = ", ".join(f"{s:.1f}" for s in seconds)
        print(f"  {binary}: {runs} s (median {statistics.median(seconds):.1f} s)")


if __name__ == "__main__":
    main()
