r"""Server-side KaTeX through one persistent `node` process, with a cache in the project.

A build renders every formula through a single long-lived `node` process running the npm package `katex`
from the project's `node_modules` (see `katex_worker.js`), instead of one process per formula. The process
is started on the first formula that is not in the cache and closed by `close()` or at interpreter exit.

Renderings are cached in memory and on disk (default `<project>/.cache/katex/`), keyed by

    sha256(TeX, display mode, KaTeX options, KaTeX version)

so a change of any of these is a different key and a stale rendering is never served; the version is read
from `node_modules/katex/package.json`, so a fully cached build never starts `node`.

Setting the environment variable `NNLA_MATH=off` (or `enabled=False`) switches rendering off: each formula
becomes `<code class="nnla-math-off">TeX</code>` and `node` is not started. It exists to measure what math
costs a build (`benchmarks/bench_build.py`).

Typical use from a hook:

    renderer = get_renderer(node_modules=root / "node_modules", cache_dir=root / ".cache" / "katex")
    html = renderer.render(r"\hat{y} = xW + b", display=False)
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import html as html_lib
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple

from mkdocs.exceptions import PluginError

__all__ = [
    "DEFAULT_CACHE_DIR",
    "DEFAULT_NODE_MODULES",
    "KATEX_ASSET_DIR",
    "KATEX_CSS",
    "MATH_ENV_VAR",
    "KatexAsset",
    "KatexError",
    "KatexRenderer",
    "KatexSetupError",
    "RenderStats",
    "cache_key",
    "close_all",
    "defer",
    "get_renderer",
    "katex_assets",
    "katex_version",
    "math_enabled",
    "restore",
]

log = logging.getLogger("mkdocs.plugins.nnla.katex")

#: The checkout this package lives in (an editable install); relative paths are resolved against it.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_NODE_MODULES = PROJECT_ROOT / "node_modules"
DEFAULT_CACHE_DIR = PROJECT_ROOT / ".cache" / "katex"

#: Where the site serves KaTeX's stylesheet and fonts; the CSS refers to `fonts/` relatively.
KATEX_ASSET_DIR = "assets/katex"
KATEX_CSS = f"{KATEX_ASSET_DIR}/katex.min.css"

MATH_ENV_VAR = "NNLA_MATH"
_OFF_VALUES = frozenset({"off", "0", "false", "no"})

#: Options every rendering gets unless the configuration overrides them.
BASE_OPTIONS: Mapping[str, Any] = {"output": "htmlAndMathml", "throwOnError": True}

_WORKER_JS = Path(__file__).with_name("katex_worker.js")
_SETUP_HINT = "Fix: run `make setup` in the project root (it runs `npm ci`, which installs the pinned KaTeX)."


class KatexSetupError(PluginError):
    """Node.js or the npm package `katex` is missing or broken, so no formula can be rendered."""


class KatexError(PluginError):
    """KaTeX rejected a formula.

    Attributes:
        tex: the formula's TeX source.
        display: whether it was rendered in display mode.
        reason: KaTeX's own message, e.g. "KaTeX parse error: Expected '}', got 'EOF' at end of input".
    """

    def __init__(self, tex: str, display: bool, reason: str) -> None:
        self.tex = tex
        self.display = display
        self.reason = reason
        kind = "display" if display else "inline"
        super().__init__(f"KaTeX cannot render the {kind} formula {tex!r}: {reason}")


class KatexAsset(NamedTuple):
    """A file the site must serve for the rendered formulas to display.

    Attributes:
        uri: destination inside the site, e.g. "assets/katex/fonts/KaTeX_Main-Regular.woff2".
        path: absolute source path in `node_modules/katex/dist`.
    """

    uri: str
    path: Path


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


def _resolve(path: str | os.PathLike[str] | None, default: Path) -> Path:
    if path is None or str(path) == "":
        return default
    p = Path(path).expanduser()
    return p if p.is_absolute() else PROJECT_ROOT / p


def katex_version(node_modules: str | os.PathLike[str]) -> str:
    """The version of the npm package `katex` installed in `node_modules`.

    Args:
        node_modules: the project's `node_modules` directory.

    Returns:
        The version string from `node_modules/katex/package.json`, e.g. "0.16.25".

    Raises:
        KatexSetupError: if the package is not installed.
    """
    package_json = Path(node_modules) / "katex" / "package.json"
    try:
        version = json.loads(package_json.read_text(encoding="utf-8"))["version"]
    except FileNotFoundError:
        raise KatexSetupError(f"KaTeX is not installed: {package_json} does not exist. {_SETUP_HINT}") from None
    except (ValueError, KeyError) as err:
        raise KatexSetupError(f"{package_json} is unreadable ({err}). {_SETUP_HINT}") from None
    return str(version)


def katex_assets(node_modules: str | os.PathLike[str] | None = None) -> list[KatexAsset]:
    """KaTeX's stylesheet and every font file, with the site paths to serve them at.

    The stylesheet goes to `assets/katex/katex.min.css` (`KATEX_CSS`) and the fonts to
    `assets/katex/fonts/`, the layout the stylesheet's relative `url(fonts/...)` expects.

    Args:
        node_modules: the project's `node_modules` directory (default: the checkout's).

    Returns:
        The stylesheet first, then the fonts sorted by name.

    Raises:
        KatexSetupError: if the package or its fonts are missing.
    """
    dist = _resolve(node_modules, DEFAULT_NODE_MODULES) / "katex" / "dist"
    css = dist / "katex.min.css"
    fonts = sorted(p for p in (dist / "fonts").glob("KaTeX_*") if p.is_file())
    if not css.is_file() or not fonts:
        raise KatexSetupError(f"KaTeX's stylesheet or fonts are missing from {dist}. {_SETUP_HINT}")
    assets = [KatexAsset(KATEX_CSS, css)]
    assets += [KatexAsset(f"{KATEX_ASSET_DIR}/fonts/{p.name}", p) for p in fonts]
    return assets


def _options_json(options: Mapping[str, Any]) -> str:
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
    payload = json.dumps([tex, bool(display), json.loads(_options_json(options)), version], sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class _Worker:
    """One `node katex_worker.js` process speaking JSON lines."""

    def __init__(self, node: str, node_modules: Path) -> None:
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        try:
            self._proc = subprocess.Popen(
                [node, str(_WORKER_JS), str(node_modules)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                cwd=str(node_modules.parent),
            )
        except OSError as err:
            self._stderr.close()
            raise KatexSetupError(f"cannot start {node} ({err}). {_SETUP_HINT}") from None
        self._next_id = 0
        hello = self._read()
        if "katex" not in hello:
            self.close()
            raise KatexSetupError(f"the KaTeX worker did not start: {hello.get('fatal', hello)}. {_SETUP_HINT}")
        self.version = str(hello["katex"])

    def _stderr_text(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace").strip()

    def _read(self) -> dict[str, Any]:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            code = self._proc.wait()
            raise KatexSetupError(
                f"the KaTeX worker (node) exited with status {code}: {self._stderr_text() or 'no message'}. "
                + _SETUP_HINT
            )
        reply: dict[str, Any] = json.loads(line)
        return reply

    def request(self, tex: str, options: Mapping[str, Any]) -> dict[str, Any]:
        """Send one formula and wait for its reply ({"html", "warnings"} or {"error"})."""
        assert self._proc.stdin is not None
        self._next_id += 1
        message = json.dumps({"id": self._next_id, "tex": tex, "options": options}) + "\n"
        try:
            self._proc.stdin.write(message.encode("utf-8"))
            self._proc.stdin.flush()
        except BrokenPipeError:
            self._read()  # reports why the process is gone
            raise
        reply = self._read()
        if reply.get("id") != self._next_id:
            raise KatexSetupError(f"the KaTeX worker answered out of turn: {reply}")
        return reply

    def close(self) -> None:
        """Close stdin (the worker exits at end of input) and reap the process."""
        if self._proc.stdin is not None and not self._proc.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self._proc.stdin.close()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._stderr.close()


class KatexRenderer:
    """Renders TeX to KaTeX HTML (with MathML) through one persistent `node` process and a cache.

    Args:
        node_modules: the project's `node_modules` (absolute, or relative to the checkout).
        cache_dir: the disk cache directory (default `<project>/.cache/katex`).
        options: KaTeX options for every formula, e.g. {"macros": {"\\RR": "\\mathbb{R}"}}; `displayMode`
            is set per formula.
        enabled: False renders `<code class="nnla-math-off">TeX</code>` without KaTeX; None reads
            `NNLA_MATH` from the environment.
        node: the Node.js executable (default `node` on PATH).
    """

    def __init__(
        self,
        node_modules: str | os.PathLike[str] | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        options: Mapping[str, Any] | None = None,
        *,
        enabled: bool | None = None,
        node: str | None = None,
    ) -> None:
        self.node_modules = _resolve(node_modules, DEFAULT_NODE_MODULES)
        self.cache_dir = _resolve(cache_dir, DEFAULT_CACHE_DIR)
        merged = {**BASE_OPTIONS, **(options or {})}
        merged.pop("displayMode", None)
        self.options: dict[str, Any] = json.loads(_options_json(merged))
        self.enabled = math_enabled() if enabled is None else enabled
        self.node = node or "node"
        self.stats = RenderStats()
        self._version: str | None = None
        self._worker: _Worker | None = None
        self._memory: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._dirs: set[Path] = set()
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
                cached = self._read_disk(key)
                if cached is not None:
                    self.stats.disk_hits += 1
                else:
                    cached = self._render_with_node(tex, display, opts)
                    self._write_disk(key, cached)
                self._memory[key] = cached
        html, warnings = cached
        for warning in warnings:
            log.warning("KaTeX warns about the formula %r: %s", tex, warning)
        return html

    def _render_with_node(self, tex: str, display: bool, options: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
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

    def _start(self) -> _Worker:
        version = self.version  # fails first if katex is not installed
        node = shutil.which(self.node)
        if node is None:
            raise KatexSetupError(
                f"Rendering formulas needs Node.js, but `{self.node}` is not on PATH. "
                f"Install Node.js 18 or later. {_SETUP_HINT}"
            )
        worker = _Worker(node, self.node_modules)
        self.stats.starts += 1
        if worker.version != version:
            worker.close()
            raise KatexSetupError(
                f"node loaded KaTeX {worker.version}, but {self.node_modules}/katex is {version}. " + _SETUP_HINT
            )
        return worker

    def _path(self, key: str) -> Path:
        return self.cache_dir / key[:2] / f"{key}.json"

    def _read_disk(self, key: str) -> tuple[str, tuple[str, ...]] | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            return str(data["html"]), tuple(str(w) for w in data.get("warnings", ()))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or damaged: render again and overwrite

    def _write_disk(self, key: str, entry: tuple[str, tuple[str, ...]]) -> None:
        """Write one entry atomically: to a temporary name unique to this process, then renamed."""
        path = self._path(key)
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

    def close(self) -> None:
        """Stop the `node` process, if running; the next cache miss starts a new one."""
        with self._lock:
            if self._worker is not None:
                self._worker.close()
                self._worker = None


_deferred: dict[str, str] = {}
_DEFERRED_CLASS = "nnla-math-deferred"
_DEFERRED_RE = re.compile(f'<span class="{_DEFERRED_CLASS}" data-key="([0-9a-f]{{24}})">[^<]*</span>')


def defer(html: str, text: str) -> str:
    """A light stand-in for rendered math, until `restore()` puts the HTML back.

    KaTeX's HTML is large (some 2 KB and 150 tags a formula), and everything that parses a page's HTML
    during the build pays for it: Material's search plugin most of all, which indexes every page in
    `on_page_context`. A page built with stand-ins and restored in `on_post_page` costs those parsers no
    more than its TeX, and the search index holds the TeX instead of KaTeX's text soup.

    Args:
        html: the rendered HTML.
        text: what the stand-in shows meanwhile, normally the TeX.

    Returns:
        `<span class="nnla-math-deferred" data-key="...">text</span>`.
    """
    key = hashlib.sha256(html.encode("utf-8")).hexdigest()[:24]
    _deferred[key] = html
    return f'<span class="{_DEFERRED_CLASS}" data-key="{key}">{html_lib.escape(text, quote=False)}</span>'


def restore(text: str) -> str:
    """Put the rendered HTML back in place of every `defer()` stand-in (call it in `on_post_page`).

    Raises:
        KatexSetupError: a stand-in made by another process, whose HTML this one never saw.
    """
    if _DEFERRED_CLASS not in text:
        return text

    def put_back(m: re.Match[str]) -> str:
        try:
            return _deferred[m.group(1)]
        except KeyError:
            raise KatexSetupError(
                f"no rendered math for the stand-in {m.group(0)!r}: restore() must run in the process that "
                "converted the page"
            ) from None

    return _DEFERRED_RE.sub(put_back, text)


_running: weakref.WeakSet[KatexRenderer] = weakref.WeakSet()
_renderers: dict[tuple[str, str, str, bool, str], KatexRenderer] = {}
_registry_lock = threading.Lock()


def get_renderer(
    node_modules: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
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
        _options_json(renderer.options),
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
