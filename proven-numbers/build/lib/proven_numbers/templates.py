"""Jinja templates compiled once per process, so that `mkdocs serve` does not compile them again on every save.

MkDocs makes a new Jinja environment for the theme on every build, and mkdocstrings one for its handler, and
each compiles every template it renders (about 80, Material's and mkdocstrings'): on this site that was a third
of a rebuild. A process-wide bytecode cache keeps what they compiled. Jinja keys each entry on the template's
name and file and checks it against the source's hash, so an edited template (`overrides/main.html`) is
compiled afresh, never served stale.
"""

from __future__ import annotations

import jinja2
from mkdocs.config.defaults import MkDocsConfig

__all__ = ["COMPILED", "keep_compiled", "keep_compiled_docstrings"]


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Jinja's compiled templates, kept in this process's memory."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def __len__(self) -> int:
        return len(self._code)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # Jinja discards it if the source's hash differs

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()


#: The compiled templates of every build in this process.
COMPILED = _MemoryBytecodeCache()


def keep_compiled(env: jinja2.Environment) -> None:
    """Give a Jinja environment the process's compiled templates."""
    env.bytecode_cache = COMPILED


def keep_compiled_docstrings(config: MkDocsConfig) -> None:
    """The same for mkdocstrings' Python handler, if the site uses it: its templates render the library page.

    Called from `on_config`: mkdocstrings makes its handler there, and renders with it while pages are converted,
    before MkDocs hands the theme's environment to `on_env`.
    """
    plugin = config.plugins.get("mkdocstrings")
    get_handler = getattr(plugin, "get_handler", None)
    if get_handler is None:
        return
    try:
        env = getattr(get_handler("python"), "env", None)
    except RuntimeError:  # mkdocstrings has not read this configuration (its on_config did not run)
        return
    if isinstance(env, jinja2.Environment):
        keep_compiled(env)
