"""Renderings on disk, so that a build renders only the formulas that changed.

An entry is keyed by ``sha256(TeX, display mode, KaTeX options, KaTeX version)``: a change of any of these
is a different key, so a stale rendering is never served. An entry is trusted only as far as it is checked:
it must name its own key and the installed KaTeX version, and hold one KaTeX rendering with no error in it;
anything else is rendered again and overwritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["DiskCache", "cache_key", "entry_problem", "options_json"]

log = logging.getLogger("mkdocs.plugins.proven_numbers.katex")

#: How KaTeX's HTML starts: an inline formula, or one in display mode (with its fleqn or leqno class).
_OPENING = re.compile(r'<span class="katex(?:-display(?: fleqn)?(?: leqno)?)?">')
#: What never belongs in a rendering the site ships: KaTeX's error output, or a script or link of any kind.
_FORBIDDEN = (
    "katex-error",
    "javascript:",
    "<script",
    "<a ",
    "<img",
    "<iframe",
    "<link",
    "<style",
    "href=",
    "src=",
    " id=",
)


def entry_problem(html: object) -> str | None:
    """Why `html` is not a rendering the site may ship, or None when it is one."""
    if not isinstance(html, str):
        return f"a {type(html).__name__}, not HTML"
    if not _OPENING.match(html) or not html.endswith("</span>"):
        return "something other than one KaTeX formula"
    lowered = html.lower()
    found = [word for word in _FORBIDDEN if word in lowered]
    if found:
        return f"HTML holding {found[0]!r}"
    return None


def options_json(options: Mapping[str, Any]) -> str:
    """KaTeX options as canonical JSON (sorted keys), the form that keys the cache."""
    return json.dumps(options, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def cache_key(tex: str, display: bool, options: Mapping[str, Any], version: str) -> str:
    """The cache key of one rendering.

    Args:
        tex: the formula's TeX source, exactly as rendered.
        display: display mode (True) or inline (False).
        options: KaTeX options other than `displayMode` (key order does not matter).
        version: the KaTeX version.

    Returns:
        A hex sha256 digest of all four, unambiguously encoded.
    """
    payload = json.dumps([tex, bool(display), json.loads(options_json(options)), version], sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class DiskCache:
    """Entries as small JSON files under `folder`, two hex digits of fan-out.

    Args:
        folder: where the entries live, such as ``<project>/.cache/katex``.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._dirs: set[Path] = set()

    def path(self, key: str) -> Path:
        """The file of one entry."""
        return self.folder / key[:2] / f"{key}.json"

    def read(self, key: str, version: str) -> str | None:
        """The entry's HTML, or None when it is missing, damaged, another key's or version's, or not a clean
        KaTeX rendering (it is then rendered again and overwritten)."""
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != key or data.get("katex") != version:
            return None
        html = data.get("html")
        if entry_problem(html) is not None:
            log.debug("ignoring the KaTeX cache entry %s: %s", self.path(key), entry_problem(html))
            return None
        assert isinstance(html, str)
        return html

    def write(self, key: str, html: str, version: str) -> None:
        """Write one entry atomically: to a temporary name unique to this process, then renamed."""
        path = self.path(key)
        tmp = path.with_name(f".tmp-{os.getpid()}-{threading.get_ident()}-{path.name}")
        try:
            if path.parent not in self._dirs:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._dirs.add(path.parent)
            tmp.write_text(json.dumps({"key": key, "katex": version, "html": html}), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as err:
            log.debug("cannot write the KaTeX cache entry %s: %s", path, err)
            with contextlib.suppress(OSError):
                tmp.unlink()
