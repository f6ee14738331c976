"""The one Chromium the tests and the benchmarks drive, and how it is launched on these machines."""

from __future__ import annotations

from pathlib import Path

__all__ = ["CHROMIUM", "CHROMIUM_FLAGS", "HEADLESS_SHELL", "chromium_unavailable", "headless_shell_unavailable"]

#: Debian's Chromium (package `chromium`), which Lighthouse drives as a reader's Chrome (no browser can be
#: downloaded here).
CHROMIUM = Path("/usr/bin/chromium")
#: Debian's build of the same Chromium's headless shell (package `chromium-headless-shell`): the same Blink, without
#: the browser's own windows and services. Playwright drives it in the tests, as Playwright does by default when
#: headless; a fresh context and load of a page takes half the time the whole browser takes
#: (benchmarks/browser_loads.py).
HEADLESS_SHELL = Path("/usr/lib/chromium/chromium-headless-shell")
#: Flags for that Chromium on these machines: no sandbox as root, and no traffic to any host but this one.
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No host name but 127.0.0.1 resolves: a page (or an audit) never reaches, or waits on, the network.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)


def chromium_unavailable() -> str | None:
    """Why Chromium cannot be launched here, or None when it can."""
    if not CHROMIUM.is_file():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


def headless_shell_unavailable() -> str | None:
    """Why Chromium's headless shell cannot be launched here, or None when it can."""
    if not HEADLESS_SHELL.is_file():
        return (
            f"Chromium's headless shell is not installed at {HEADLESS_SHELL} (apt-get install chromium-headless-shell)"
        )
    return None
