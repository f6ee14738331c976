"""Save-to-browser: how long an author waits, after saving a one-line edit of a page, to see it in the browser.

A copy of the site is served by `mkdocs serve`, as `make serve` does, and a page is open in Chromium. Each run
appends a new word to one line of the page's prose, saves the file, and measures the time until the browser,
reloaded by MkDocs' live reload, shows the word: the file watcher, the rebuild, the reload and the page's own
load, all included. Run as a module for the figures alone:

    PYTHONPATH=hooks:. .venv/bin/python -m benchmarks.save_to_browser --runs 7
"""

from __future__ import annotations

import argparse
import contextlib
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.site_copies import ROOT, SiteBuildError, copy_real_site, environment
from tools.chromium import CHROMIUM, CHROMIUM_FLAGS, chromium_unavailable

__all__ = ["SaveTimes", "measure_save_to_browser"]

#: How long one edit may take to reach the browser before the run counts as failed.
TIMEOUT_S = 60.0
#: A line of prose: it starts with a letter (no heading, list, code, marker or formula).
_PROSE_RE = re.compile(r"^[A-Z][^`$<|]*[a-z.]$")


@dataclass(frozen=True)
class SaveTimes:
    """The save-to-browser times of one page, in seconds, in the order measured, and their parts.

    Attributes:
        page: the page edited.
        times: from saving the file to the browser showing the edit.
        detect: from saving to `mkdocs serve` logging the change (its file watcher polls).
        rebuild: from the change logged to "Reloading browsers" (the rebuild).
        reload: from then to the browser showing the edit (live reload's poll, the page's load and layout).
    """

    page: str
    times: tuple[float, ...]
    detect: tuple[float, ...] = ()
    rebuild: tuple[float, ...] = ()
    reload: tuple[float, ...] = ()

    @property
    def median(self) -> float:
        return statistics.median(self.times)


@dataclass
class _Log:
    """The lines `mkdocs serve` prints, each with the moment it was read."""

    lines: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def read(self, stream: Iterator[str]) -> None:
        for line in stream:
            with self.lock:
                self.lines.append((time.perf_counter(), line.rstrip()))

    def first_after(self, start: float, text: str) -> float | None:
        with self.lock:
            return next((at for at, line in self.lines if at >= start and text in line), None)

    def tail(self) -> str:
        with self.lock:
            return "\n".join(line for _, line in self.lines[-40:])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_served(url: str, server: subprocess.Popen[str], log: _Log) -> None:
    deadline = time.monotonic() + TIMEOUT_S * 3
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SiteBuildError(f"mkdocs serve stopped:\n{log.tail()}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    raise SiteBuildError(f"mkdocs serve did not serve {url} in time")


@contextlib.contextmanager
def _serving(config: Path) -> Iterator[tuple[str, _Log]]:
    """`mkdocs serve` of the copy whose mkdocs.yml is `config`; yields its address and what it prints."""
    port = _free_port()
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "--dev-addr", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        command,
        cwd=config.parent,
        env=environment(True, config.parent),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log = _Log()
    assert server.stdout is not None
    threading.Thread(target=log.read, args=(server.stdout,), daemon=True).start()
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_until_served(url, server, log)
        yield url, log
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=20)
        if server.poll() is None:
            server.kill()


def _edit(text: str, word: str) -> str:
    """The page with `word` appended to its first line of prose."""
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if _PROSE_RE.match(line))
    lines[index] = f"{lines[index]} {word}"
    return "\n".join(lines)


def measure_save_to_browser(config: Path, page: str, runs: int) -> SaveTimes:
    """Serve the copy of the site at `config`, open `page` in Chromium, and time `runs` saved edits of it.

    Args:
        config: a copy's mkdocs.yml (`benchmarks.site_copies.copy_real_site`): its docs are edited.
        page: the page's path in docs/, without `.md` (e.g. ``part-2``).
        runs: the number of edits timed, after one that is not (the first rebuild of a session starts `node`).
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    problem = chromium_unavailable()
    if problem is not None:
        raise SiteBuildError(problem)
    source = config.parent / "docs" / f"{page}.md"
    original = source.read_text(encoding="utf-8")
    times: list[float] = []
    parts: dict[str, list[float]] = {"detect": [], "rebuild": [], "reload": []}
    with _serving(config) as (url, log), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_FLAGS))
        view = browser.new_page()
        view.goto(f"{url}{page}/", wait_until="load")
        try:
            for run in range(runs + 1):
                word = f"Saved{run}Edit{time.monotonic_ns()}"
                start = time.perf_counter()
                source.write_text(_edit(original, word), encoding="utf-8")
                while True:
                    with contextlib.suppress(PlaywrightError):  # the page is being reloaded
                        if view.evaluate("word => document.body.innerText.includes(word)", word):
                            break
                    if time.perf_counter() - start > TIMEOUT_S:
                        raise SiteBuildError(
                            f"the edit of {page}.md did not reach the browser in {TIMEOUT_S:.0f} s:\n{log.tail()}"
                        )
                    time.sleep(0.005)
                seen = time.perf_counter()
                time.sleep(0.3)  # let the server's last lines arrive
                detected = log.first_after(start, "Detected file changes")
                reloaded = log.first_after(start, "Reloading browsers")
                if run:  # the first edit starts the KaTeX worker and warms the rebuild
                    times.append(seen - start)
                    if detected is not None and reloaded is not None:
                        parts["detect"].append(detected - start)
                        parts["rebuild"].append(reloaded - detected)
                        parts["reload"].append(seen - reloaded)
        finally:
            source.write_text(original, encoding="utf-8")
            browser.close()
    return SaveTimes(page, tuple(times), *(tuple(parts[name]) for name in ("detect", "rebuild", "reload")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="edits timed (median reported)")
    parser.add_argument("--page", default="part-2", help="the page edited")
    parser.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml", help="the real site's mkdocs.yml")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nnla-save-") as tmp:
        copy = copy_real_site(Path(tmp) / "site", args.config, katex_cache=args.config.parent / ".cache" / "katex")
        result = measure_save_to_browser(copy, args.page, args.runs)
    shown = ", ".join(f"{t:.2f}" for t in result.times)
    print(f"save-to-browser, one-line edit of {result.page}: median {result.median:.2f} s ({shown})")
    for name in ("detect", "rebuild", "reload"):
        values = getattr(result, name)
        if values:
            print(f"  {name}: median {statistics.median(values):.2f} s ({', '.join(f'{t:.2f}' for t in values)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
