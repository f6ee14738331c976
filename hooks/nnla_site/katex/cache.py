"""Renderings on disk, so that a build renders only the formulas that changed.

An entry is keyed by ``sha256(TeX, display mode, KaTeX options, KaTeX version)``: a change of any of these
is a different key, so a stale rendering is never served.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["DiskCache", "Entry", "cache_key", "options_json"]

log = logging.getLogger("mkdocs.plugins.nnla.katex")

#: One rendering: KaTeX's HTML and the warnings it gave.
Entry = tuple[str, tuple[str, ...]]


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

    def read(self, key: str) -> Entry | None:
        """The entry, or None when it is missing or damaged (it is then rendered again and overwritten)."""
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
            return str(data["html"]), tuple(str(w) for w in data.get("warnings", ()))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, key: str, entry: Entry) -> None:
        """Write one entry atomically: to a temporary name unique to this process, then renamed."""
        path = self.path(key)
        tmp = path.with_name(f".tmp-{os.getpid()}-{threading.get_ident()}-{path.name}")
        try:
            if path.parent not in self._dirs:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._dirs.add(path.parent)
            tmp.write_text(json.dumps({"html": entry[0], "warnings": list(entry[1])}), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as err:
            log.debug("cannot write the KaTeX cache entry %s: %s", path, err)
            with contextlib.suppress(OSError):
                tmp.unlink()
