"""The live preview's reload: under `mkdocs serve`, an edit to the engine or the site's machinery reaches the
next build without restarting the server.

MkDocs imports the hooks once per process. Before each rebuild the hooks call `reload_changed`, which compares
the sources of `nnla` and `nnla_site` with those of the last build and, when any changed, drops their modules
from `sys.modules` so that they are imported afresh: the engine, the registry of values, the markers, the
figures. The KaTeX renderer (`nnla_site.katex`) is kept, with its running `node` process and its cache, unless
one of its own files changed.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

__all__ = ["Sources", "reload_changed", "sources", "watched"]

#: For each source file, its modification time.
Sources = dict[str, int]
#: Modules kept across a reload unless a file of their own changed.
KEPT = "nnla_site.katex"
_SUFFIXES = frozenset({".py", ".js"})


def watched(root: Path) -> list[Path]:
    """The folders `mkdocs serve` watches besides the pages: the engine and the hooks with their machinery."""
    return [root / "nnla", root / "hooks"]


def sources(root: Path) -> Sources:
    """The modification time of every source file of `nnla` and `nnla_site` under the project `root`."""
    files = [*(root / "nnla").rglob("*"), *(root / "hooks" / "nnla_site").rglob("*")]
    return {str(p): p.stat().st_mtime_ns for p in sorted(files) if p.suffix in _SUFFIXES and p.is_file()}


def _dropped(changed: set[str], root: Path) -> list[str]:
    katex = root / "hooks" / "nnla_site" / "katex"
    keep_katex = not any(Path(path).is_relative_to(katex) for path in changed)
    names = []
    for name in sys.modules:
        if name == __name__ or not (name in {"nnla", "nnla_site"} or name.startswith(("nnla.", "nnla_site."))):
            continue
        if keep_katex and (name == KEPT or name.startswith(KEPT + ".")):
            continue
        names.append(name)
    return names


def reload_changed(root: Path, previous: Sources | None) -> Sources:
    """Drop the modules whose sources changed since `previous`, so that the next import reads them afresh.

    Args:
        root: the project's folder (mkdocs.yml's).
        previous: what `sources` gave at the last build, or None at the first.

    Returns:
        The sources now, for the next call.
    """
    now = sources(root)
    if previous is None or now == previous:
        return now
    changed = {path for path in now.keys() | previous.keys() if now.get(path) != previous.get(path)}
    names = _dropped(changed, root)
    if KEPT in names and KEPT in sys.modules:
        sys.modules[KEPT].close_all()
    for name in names:
        del sys.modules[name]
    importlib.invalidate_caches()
    return now
