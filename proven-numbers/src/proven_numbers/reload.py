"""The live preview's reload: under `mkdocs serve`, an edit to the code that computes a site's values reaches the
next build without restarting the server.

MkDocs imports a plugin once per process. Before each rebuild the plugin calls `reload_changed` with the site's
modules (the values' own module's package, and those the ``preview.reload`` option names): it compares their
sources with those of the last build, by content, and, when any changed, drops those modules and their submodules from
`sys.modules`, so that they are imported afresh: the engine, the registry of values, its kinds and figures.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["Sources", "folders", "reload_changed", "sources"]

#: For each source file, a hash of its content (a file put back with an older time by `cp -p` is changed too).
Sources = dict[str, str]
_SUFFIXES = frozenset({".py", ".js"})


def folders(modules: Sequence[str]) -> list[Path]:
    """The folders holding `modules` (top-level names such as ``nnla``), found without importing them: a package's
    own folder, a plain module's file. Names that cannot be found are left out."""
    found = []
    for name in modules:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue
        if spec.submodule_search_locations:
            found += [Path(location) for location in spec.submodule_search_locations]
        elif spec.origin and spec.origin not in {"built-in", "frozen"}:
            found.append(Path(spec.origin))
    return found


def sources(modules: Sequence[str]) -> Sources:
    """A hash of every source file of `modules`."""
    files: list[Path] = []
    for folder in folders(modules):
        files += [*folder.rglob("*")] if folder.is_dir() else [folder]
    return {
        str(p): hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()
        for p in sorted(files)
        if p.suffix in _SUFFIXES and p.is_file()
    }


def reload_changed(modules: Sequence[str], previous: Sources | None) -> Sources:
    """Drop `modules` (and their submodules) from `sys.modules` when any of their sources changed since
    `previous`, so that the next import reads them afresh.

    Args:
        modules: top-level module names.
        previous: what `sources` gave at the last build, or None at the first.

    Returns:
        The sources now, for the next call.
    """
    now = sources(modules)
    if previous is None or now == previous:
        return now
    prefixes = tuple(f"{name}." for name in modules)
    for name in [name for name in sys.modules if name in modules or name.startswith(prefixes)]:
        del sys.modules[name]
    importlib.invalidate_caches()
    return now
