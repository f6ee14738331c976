"""The one Chromium the tests and the benchmarks drive, and how it is launched on these machines."""

from __future__ import annotations

from pathlib import Path

__all__ = ["CHROMIUM", "CHROMIUM_FLAGS", "chromium_unavailable"]

#: Debian's Chromium, which the browser tests and Lighthouse drive (no browser can be downloaded here).
CHROMIUM = Path("/usr/bin/chromium")
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
