r"""`KatexRenderer`: TeX to KaTeX's HTML through one persistent `node` process, with a cache in memory and on disk.

The process is started on the first formula that is not in the cache and closed by `close()` or at interpreter
exit; the KaTeX version is read from `node_modules/katex/package.json`, so a fully cached build never starts
`node`. Paths are given by the caller (the hooks take them from the MkDocs configuration).

Setting the environment variable `NNLA_MATH=off` (or `enabled=False`) switches rendering off: each formula
becomes `<code class="nnla-math-off">TeX</code>` and `node` is not started. It exists to measure what math
costs a build (`benchmarks/bench_build.py`).
"""

from __future__ import annotations

import atexit
import html as html_lib
import json
import logging
import os
import shutil
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nnla_site.katex.assets import katex_version
from nnla_site.katex.cache import DiskCache, Entry, cache_key, options_json
from nnla_site.katex.errors import SETUP_HINT, KatexError, KatexSetupError
from nnla_site.katex.worker import Worker

__all__ = ["MATH_ENV_VAR", "KatexRenderer", "RenderStats", "close_all", "get_renderer", "math_enabled"]

log = logging.getLogger("mkdocs.plugins.nnla.katex")

MATH_ENV_VAR = "NNLA_MATH"
_OFF_VALUES = frozenset({"off", "0", "false", "no"})

#: Options every rendering gets unless the configuration overrides them.
BASE_OPTIONS: Mapping[str, Any] = {"output": "htmlAndMathml", "throwOnError": True}


@dataclass
class RenderStats:
    """Counters of one renderer, for tests and the benchmark.

    Attributes:
        requests: formulas sent to `node` (cache misses).
        memory_hits: formulas served from the in-memory cache.
        disk_hits: formulas served from the disk cache.
        starts: how many times the `node` process was started.
    """

    requests: int = 0
    memory_hits: int = 0
    disk_hits: int = 0
    starts: int = 0


def math_enabled() -> bool:
    """Whether the environment leaves math rendering on (`NNLA_MATH` is not "off", "0", "false" or "no")."""
    return os.environ.get(MATH_ENV_VAR, "on").strip().lower() not in _OFF_VALUES


class KatexRenderer:
    """Renders TeX to KaTeX HTML (with MathML) through one persistent `node` process and a cache.

    Args:
        node_modules: the project's `node_modules`.
        cache_dir: the disk cache directory, such as `<project>/.cache/katex`.
        options: KaTeX options for every formula, e.g. {"macros": {"\\RR": "\\mathbb{R}"}}; `displayMode`
            is set per formula.
        enabled: False renders `<code class="nnla-math-off">TeX</code>` without KaTeX; None reads
            `NNLA_MATH` from the environment.
        node: the Node.js executable (default `node` on PATH).
    """

    def __init__(
        self,
        node_modules: str | os.PathLike[str],
        cache_dir: str | os.PathLike[str],
        options: Mapping[str, Any] | None = None,
        *,
        enabled: bool | None = None,
        node: str | None = None,
    ) -> None:
        self.node_modules = Path(node_modules).resolve()
        self.cache_dir = Path(cache_dir).resolve()
        merged = {**BASE_OPTIONS, **(options or {})}
        merged.pop("displayMode", None)
        self.options: dict[str, Any] = json.loads(options_json(merged))
        self.enabled = math_enabled() if enabled is None else enabled
        self.node = node or "node"
        self.stats = RenderStats()
        self._version: str | None = None
        self._worker: Worker | None = None
        self._memory: dict[str, Entry] = {}
        self._disk = DiskCache(self.cache_dir)
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        """The KaTeX version that renders (read from `node_modules/katex/package.json`)."""
        if self._version is None:
            self._version = katex_version(self.node_modules)
        return self._version

    @property
    def running(self) -> bool:
        """Whether the `node` process is running."""
        return self._worker is not None

    def render(self, tex: str, display: bool, options: Mapping[str, Any] | None = None) -> str:
        """Render one formula.

        Args:
            tex: the TeX source, without delimiters.
            display: display mode (a block formula) or inline.
            options: KaTeX options for this formula on top of the renderer's.

        Returns:
            KaTeX's HTML: `<span class="katex">...</span>` inline, `<span class="katex-display">...</span>`
            in display mode, each with MathML whose `<annotation encoding="application/x-tex">` holds the TeX.
            With math switched off, `<code class="nnla-math-off">TeX</code>`.

        Raises:
            KatexError: KaTeX rejected the formula.
            KatexSetupError: Node.js or KaTeX is missing.
        """
        if not self.enabled:
            return f'<code class="nnla-math-off">{html_lib.escape(tex, quote=False)}</code>'
        opts = self.options
        if options:
            opts = {**self.options, **options}
            opts.pop("displayMode", None)
        key = cache_key(tex, display, opts, self.version)
        with self._lock:
            cached = self._memory.get(key)
            if cached is not None:
                self.stats.memory_hits += 1
            else:
                cached = self._disk.read(key)
                if cached is not None:
                    self.stats.disk_hits += 1
                else:
                    cached = self._render_with_node(tex, display, opts)
                    self._disk.write(key, cached)
                self._memory[key] = cached
        html, warnings = cached
        for warning in warnings:
            log.warning("KaTeX warns about the formula %r: %s", tex, warning)
        return html

    def _render_with_node(self, tex: str, display: bool, options: Mapping[str, Any]) -> Entry:
        if self._worker is None:
            self._worker = self._start()
            _running.add(self)
        self.stats.requests += 1
        try:
            reply = self._worker.request(tex, {**options, "displayMode": bool(display)})
        except (KatexSetupError, OSError, ValueError):
            self._worker.close()  # a broken worker is replaced on the next cache miss
            self._worker = None
            raise
        if "error" in reply:
            raise KatexError(tex, display, str(reply["error"]))
        return str(reply["html"]), tuple(str(w) for w in reply.get("warnings", ()))

    def _start(self) -> Worker:
        version = self.version  # fails first if katex is not installed
        node = shutil.which(self.node)
        if node is None:
            raise KatexSetupError(
                f"Rendering formulas needs Node.js, but `{self.node}` is not on PATH. "
                f"Install Node.js 18 or later. {SETUP_HINT}"
            )
        worker = Worker(node, self.node_modules)
        self.stats.starts += 1
        if worker.version != version:
            worker.close()
            raise KatexSetupError(
                f"node loaded KaTeX {worker.version}, but {self.node_modules}/katex is {version}. " + SETUP_HINT
            )
        return worker

    def close(self) -> None:
        """Stop the `node` process, if running; the next cache miss starts a new one."""
        with self._lock:
            if self._worker is not None:
                self._worker.close()
                self._worker = None


_running: weakref.WeakSet[KatexRenderer] = weakref.WeakSet()
_renderers: dict[tuple[str, str, str, bool, str], KatexRenderer] = {}
_registry_lock = threading.Lock()


def get_renderer(
    node_modules: str | os.PathLike[str],
    cache_dir: str | os.PathLike[str],
    options: Mapping[str, Any] | None = None,
    *,
    enabled: bool | None = None,
    node: str | None = None,
) -> KatexRenderer:
    """The shared renderer for these settings, created on first use.

    Every caller with the same settings (the Markdown extension on each page, mkdocstrings, the hooks) gets
    the same renderer, so one `node` process and one in-memory cache serve the whole build, and later
    builds of a `mkdocs serve` session. Arguments are as for `KatexRenderer`.

    Returns:
        The shared `KatexRenderer`.
    """
    renderer = KatexRenderer(node_modules, cache_dir, options, enabled=enabled, node=node)
    key = (
        str(renderer.node_modules),
        str(renderer.cache_dir),
        options_json(renderer.options),
        renderer.enabled,
        renderer.node,
    )
    with _registry_lock:
        return _renderers.setdefault(key, renderer)


def close_all() -> None:
    """Close every renderer's `node` process (also run at interpreter exit)."""
    with _registry_lock:
        renderers = [*_renderers.values(), *_running]
    for renderer in renderers:
        renderer.close()


atexit.register(close_all)
