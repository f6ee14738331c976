"""MkDocs hooks: thin event functions that hand each page to `nnla_site.build`.

The site's machinery is the package `nnla_site` beside this file (not part of the `nnla` library). MkDocs
loads this file once per process, so everything that may change while `mkdocs serve` runs lives in `nnla` and
`nnla_site`: when their sources change, the changed modules (and those that import them) are dropped and
imported afresh before the next build, so the new numbers reach the pages. The KaTeX renderer is kept running
across rebuilds unless its own code changed.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # MkDocs puts this folder on sys.path only while it loads this file
    sys.path.insert(0, str(HERE))

import nnla_site.reload as reload  # noqa: E402 (needs the path above)

if TYPE_CHECKING:
    from nnla_site.build import Build

_state: dict[str, Any] = {"command": "build", "sources": None, "build": None}


def _build() -> Build:
    """This build's `nnla_site.build.Build`, made in `on_config`."""
    build: Build = _state["build"]
    return build


def _source(page: Page) -> str | None:
    """The page's file as written (front matter and all), or None for a page that has no file."""
    path = getattr(page.file, "abs_src_path", None)
    try:
        return Path(path).read_text(encoding="utf-8-sig") if path else None
    except OSError:
        return None


def on_startup(*, command: str, dirty: bool) -> None:
    _state["command"] = command


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).resolve().parent
    if _state["command"] == "serve":
        _state["sources"] = reload.reload_changed(root, _state["sources"])
    build = importlib.import_module("nnla_site.build")
    _state["build"] = build.Build(config, preview=_state["command"] == "serve")
    importlib.import_module("nnla_site.templates").keep_compiled_docstrings(config)
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    return _build().add_katex_assets(files, config)


def on_env(env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    importlib.import_module("nnla_site.templates").keep_compiled(env)
    return env


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return _build().page_markdown(markdown, page.file.src_uri, _source(page))


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return _build().page_content(html, page.file.src_uri)


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return _build().page_output(output, page.file.src_uri)


def on_post_build(*, config: MkDocsConfig) -> None:
    _build().finish(config.site_dir)


def on_serve(server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
    root = Path(config.config_file_path).resolve().parent
    for folder in reload.watched(root):
        server.watch(str(folder))
    if config.theme.custom_dir:  # overrides/: `mkdocs serve` watches the theme only with --watch-theme
        server.watch(config.theme.custom_dir)
    return server
