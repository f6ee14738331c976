"""MkDocs hooks: thin event functions that hand each page to `nnla.site.plugin`.

MkDocs loads this file once per process, so everything that may change while `mkdocs serve` runs lives in
`nnla`: when a file under ``nnla/`` changes, its modules are dropped and imported afresh before the next build,
and the new numbers reach the pages.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

_state: dict[str, Any] = {"command": "build", "stamp": None, "build": None}


def _source_stamp(package: Path) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in package.rglob("*") if p.suffix in {".py", ".js"}))


def _reload_nnla_if_changed(root: Path) -> None:
    """Drop nnla's modules when its sources changed since the last build, so that they are imported afresh."""
    stamp = _source_stamp(root / "nnla")
    if _state["stamp"] is not None and stamp != _state["stamp"]:
        katex = sys.modules.get("nnla.site.katex")
        if katex is not None:
            katex.close_all()
        for name in [m for m in sys.modules if m == "nnla" or m.startswith("nnla.")]:
            del sys.modules[name]
        importlib.invalidate_caches()
    _state["stamp"] = stamp


def on_startup(*, command: str, dirty: bool) -> None:
    _state["command"] = command


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).resolve().parent
    if _state["command"] == "serve":
        _reload_nnla_if_changed(root)
    plugin = importlib.import_module("nnla.site.plugin")
    _state["build"] = plugin.Build(config)
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    return _state["build"].add_katex_assets(files, config)


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return _state["build"].page_markdown(markdown, page.file.src_uri)


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return _state["build"].page_content(html, page.file.src_uri)


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return _state["build"].page_output(output)


def on_post_build(*, config: MkDocsConfig) -> None:
    _state["build"].finish(config.site_dir)


def on_serve(server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
    root = Path(config.config_file_path).resolve().parent
    server.watch(str(root / "nnla"))
    server.watch(str(root / "hooks"))
    if config.theme.custom_dir:  # overrides/: `mkdocs serve` watches the theme only with --watch-theme
        server.watch(config.theme.custom_dir)
    return server
