r"""`KatexRenderer`: TeX to KaTeX's HTML through one persistent `node` process, with a cache in memory and on disk.

The process is started on the first formula that is not in the cache and closed by `close()` or at interpreter
exit; the KaTeX version is read from `node_modules/katex/package.json`, so a fully cached build never starts
`node`. Paths are given by the caller (the hooks take them from the MkDocs configuration).

Setting the environment variable `PROVEN_NUMBERS_MATH=off` (or `enabled=False`) switches rendering off: each formula
becomes `<code class="pn-math-off">TeX</code>` and `node` is not started. It exists to measure what math
costs a build (`benchmarks/bench_build.py`).
"""

from __future__ import annotations

import atexit
import html as html_lib
import json
import os
import shutil
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from proven_numbers.katex.assets import katex_version, pinned_version
from proven_numbers.katex.cache import DiskCache, cache_key, entry_problem, options_json
from proven_numbers.katex.errors import SETUP_HINT, KatexBudgetError, KatexError, KatexSetupError
from proven_numbers.katex.mathml_core import for_mathml_core
from proven_numbers.katex.worker import Worker, WorkerTimeoutError

__all__ = [
    "CONFIG_OPTIONS",
    "FORMULA_OPTIONS",
    "MATH_ENV_VAR",
    "MAX_TEX_CHARS",
    "SAFE_OPTIONS",
    "TIME_BUDGET_S",
    "Budget",
    "KatexRenderer",
    "RenderStats",
    "check_options",
    "close_all",
    "get_renderer",
    "math_enabled",
]

MATH_ENV_VAR = "PROVEN_NUMBERS_MATH"
_OFF_VALUES = frozenset({"off", "0", "false", "no"})

#: The options every formula is rendered with, which neither a page nor the configuration can change: an error
#: fails the build (never a red formula on the page), strict warnings are errors, nothing needs KaTeX's trust
#: (the worker refuses every command that asks for it), and bounded work.
SAFE_OPTIONS: Mapping[str, Any] = {
    "throwOnError": True,
    "strict": "error",
    "trust": False,
    "maxExpand": 1000,
    "maxSize": 20,
}
#: What the configuration may set for every formula.
CONFIG_OPTIONS = frozenset({"macros", "fleqn", "leqno", "output"})
#: KaTeX's outputs the site may choose: its HTML with MathML beside it, or MathML alone (with the site's math font).
OUTPUTS = ("htmlAndMathml", "mathml")
#: What one formula may set for itself (a ```math fence's JSON header).
FORMULA_OPTIONS = frozenset({"fleqn", "leqno"})
#: The longest formula, in characters, sent to KaTeX (the site's longest is under a thousand).
MAX_TEX_CHARS = 20_000
#: How long KaTeX may take on one formula.
TIMEOUT_S = 10.0
#: How long KaTeX may take on all the formulas of one build (this site's 631 take some 2 s).
TIME_BUDGET_S = 60.0


def check_options(options: Mapping[str, Any], allowed: frozenset[str], where: str) -> dict[str, Any]:
    """Refuse every option outside `allowed`, naming it and `where` it was set.

    Raises:
        KatexSetupError: an option the site fixes, or one it does not know.
    """
    refused = sorted(set(options) - allowed)
    if refused:
        fixed = [name for name in refused if name in SAFE_OPTIONS]
        why = "the site fixes it, for safety" if fixed else "it is not one the site lets pages change"
        raise KatexSetupError(
            f"{where} sets the KaTeX option {', '.join(refused)}, but {why}; allowed: {', '.join(sorted(allowed))}"
        )
    for name in sorted(set(options) & {"fleqn", "leqno"}):
        if not isinstance(options[name], bool):
            raise KatexSetupError(f"{where} sets the KaTeX option {name} to {options[name]!r}: it is true or false")
    return dict(options)


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


@dataclass
class Budget:
    """The time KaTeX may spend on the formulas of one build, so that no page can make a build run for hours.

    Attributes:
        seconds: the most seconds of KaTeX's work (formulas served from a cache cost nothing).
        spent: the seconds spent so far.
        formulas: the formulas rendered so far.
        page: the page being converted, which the error names.
    """

    seconds: float = TIME_BUDGET_S
    spent: float = 0.0
    formulas: int = 0
    page: str = ""

    def charge(self, seconds: float) -> None:
        """Add the time of one formula.

        Raises:
            KatexBudgetError: the budget is spent.
        """
        self.spent += seconds
        self.formulas += 1
        self.check()

    def check(self) -> None:
        """Raise `KatexBudgetError` if the budget is spent."""
        if self.spent > self.seconds:
            where = f" at {self.page}" if self.page else ""
            raise KatexBudgetError(
                f"the build stopped{where}: KaTeX has spent {self.spent:.1f} s on {self.formulas} formulas, more "
                f"than the {self.seconds:g} s of katex.time_budget; simplify that page's formulas (macros that "
                "expand to much, many distinct formulas), or raise katex.time_budget"
            )


def math_enabled() -> bool:
    """Whether the environment leaves math rendering on (`PROVEN_NUMBERS_MATH` is not "off", "0", "false" or "no")."""
    return os.environ.get(MATH_ENV_VAR, "on").strip().lower() not in _OFF_VALUES


class KatexRenderer:
    """Renders TeX to KaTeX HTML (with MathML) through one persistent `node` process and a cache.

    Args:
        node_modules: the project's `node_modules`.
        cache_dir: the disk cache directory, such as `<project>/.cache/katex`.
        options: KaTeX options for every formula, among `CONFIG_OPTIONS`, e.g. {"macros": {"\\RR": "\\mathbb{R}"}};
            the rest are `SAFE_OPTIONS`, and `displayMode` is set per formula.
        enabled: False renders `<code class="pn-math-off">TeX</code>` without KaTeX; None reads
            `PROVEN_NUMBERS_MATH` from the environment.
        node: the Node.js executable (default `node` on PATH).
        timeout: the most seconds KaTeX may take on one formula.
        start_timeout: the most seconds `node` may take to load KaTeX and say so (default
            `proven_numbers.katex.worker.START_TIMEOUT_S`).

    Attributes:
        budget: the time KaTeX may spend on the formulas of this build (`begin_build` sets it); None: no bound.
    """

    def __init__(
        self,
        node_modules: str | os.PathLike[str],
        cache_dir: str | os.PathLike[str],
        options: Mapping[str, Any] | None = None,
        *,
        enabled: bool | None = None,
        node: str | None = None,
        timeout: float = TIMEOUT_S,
        start_timeout: float | None = None,
    ) -> None:
        self.node_modules = Path(node_modules).absolute()  # not resolved: a linked node_modules is the project's
        self.cache_dir = Path(cache_dir).absolute()
        configured = check_options(options or {}, CONFIG_OPTIONS, "the configuration")
        if not configured.get("macros", True):  # no macros: one renderer for callers that say {} and that say nothing
            del configured["macros"]
        if configured.setdefault("output", OUTPUTS[0]) not in OUTPUTS:
            raise KatexSetupError(f"KaTeX's output is one of {', '.join(OUTPUTS)}; got {configured['output']!r}")
        merged = {**configured, **SAFE_OPTIONS}
        self.options: dict[str, Any] = json.loads(options_json(merged))
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.budget: Budget | None = None
        self.enabled = math_enabled() if enabled is None else enabled
        self.node = node or "node"
        self.stats = RenderStats()
        self._version: str | None = None
        self._worker: Worker | None = None
        self._start_error: KatexSetupError | None = None
        self._memory: dict[str, str] = {}
        self._disk = DiskCache(self.cache_dir)
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        """The KaTeX version that renders: the one installed in `node_modules`, which must be the pinned one.

        Raises:
            KatexSetupError: KaTeX is missing, or its version is not the one the project's package.json pins.
        """
        if self._version is None:
            installed = katex_version(self.node_modules)
            pinned = pinned_version(self.node_modules.parent / "package.json")
            if pinned is not None and pinned != installed:
                raise KatexSetupError(
                    f"package.json pins katex {pinned}, but {self.node_modules}/katex is {installed}. {SETUP_HINT}"
                )
            self._version = installed
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
            options: KaTeX options for this formula, among `FORMULA_OPTIONS`.

        Returns:
            KaTeX's HTML: `<span class="katex">...</span>` inline, `<span class="katex-display">...</span>`
            in display mode, each with MathML whose `<annotation encoding="application/x-tex">` holds the TeX.
            With math switched off, `<code class="pn-math-off">TeX</code>`.

        Raises:
            KatexError: KaTeX rejected the formula, took too long on it, or it is too long.
            KatexSetupError: Node.js or KaTeX is missing, or an option is not allowed.
        """
        opts = self.options
        if options:
            opts = {**self.options, **check_options(options, FORMULA_OPTIONS, "this formula")}
        if len(tex) > MAX_TEX_CHARS:
            raise KatexError(tex[:80] + "…", display, f"it has {len(tex)} characters; the most is {MAX_TEX_CHARS}")
        if not self.enabled:
            return f'<code class="pn-math-off">{html_lib.escape(tex, quote=False)}</code>'
        key = cache_key(tex, display, opts, self.version)
        with self._lock:
            cached = self._memory.get(key)
            if cached is not None:
                self.stats.memory_hits += 1
            else:
                cached = self._disk.read(key, self.version, tex, display, opts)
                if cached is not None:
                    self.stats.disk_hits += 1
                else:
                    cached = self._render_with_node(tex, display, opts)
                    self._disk.write(key, cached, self.version)
                self._memory[key] = cached
        # MathML alone is what the browser lays out: rewritten as Chromium and Firefox read it (`mathml_core`).
        if not self.mathml_only:
            return cached
        return for_mathml_core(cached)

    @property
    def mathml_only(self) -> bool:
        """Whether formulas are KaTeX's MathML alone (the `output` option), which the site's math font lays out."""
        return bool(self.options.get("output") == "mathml")

    def begin_build(self, budget: Budget | None) -> None:
        """Start a build (of `mkdocs build`, or one of `mkdocs serve`'s): `budget` bounds its KaTeX time, and
        `node` is tried again if it failed to start in an earlier build."""
        with self._lock:
            self.budget = budget
            self._start_error = None

    def _render_with_node(self, tex: str, display: bool, options: Mapping[str, Any]) -> str:
        if self.budget is not None:
            self.budget.check()
        if self._worker is None:
            if self._start_error is not None:  # once per build: a node that cannot start fails every formula alike
                raise self._start_error
            try:
                self._worker = self._start()
            except KatexSetupError as error:
                self._start_error = error
                raise
            _running.add(self)
        self.stats.requests += 1
        started = time.monotonic()
        try:
            reply = self._worker.request(tex, {**options, "displayMode": bool(display)}, self.timeout)
        except WorkerTimeoutError:
            self._worker = None  # stopped; the next cache miss starts a new one
            raise KatexError(
                tex, display, f"KaTeX took longer than {self.timeout:g} s on it and was stopped; simplify the formula"
            ) from None
        except (KatexSetupError, OSError):
            self._worker.close()  # a broken worker is replaced on the next cache miss
            self._worker = None
            raise
        finally:
            if self.budget is not None:
                self.budget.charge(time.monotonic() - started)
        if "error" in reply:
            raise KatexError(tex, display, str(reply["error"]))
        html = reply.get("html")
        problem = entry_problem(html)
        if problem is not None:
            raise KatexSetupError(f"the KaTeX worker rendered {tex!r} as {problem}")
        assert isinstance(html, str)
        return html

    def _start(self) -> Worker:
        version = self.version  # fails first if katex is not installed
        node = shutil.which(self.node)
        if node is None:
            where = "is not an executable file" if os.sep in self.node or "/" in self.node else "is not on PATH"
            raise KatexSetupError(
                f"Rendering formulas needs Node.js, but `{self.node}` {where} (the plugin's katex.node option). "
                f"Install Node.js 18 or later. {SETUP_HINT}"
            )
        worker = Worker(node, self.node_modules, self.start_timeout)
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
            self._start_error = None


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
