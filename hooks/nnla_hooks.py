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
import mkdocs.commands.serve as serve_command
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

HERE = Path(__file__).resolve().parent


def _importable() -> None:
    """Put this folder on sys.path, so that `nnla_site` can be imported (again, after a reload).

    MkDocs puts it there only while it loads this file, and then restores sys.path as it was: an entry added at
    import time would be gone by the first event.
    """
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))


_importable()

import nnla_site.reload as reload  # noqa: E402 (needs the path above)

if TYPE_CHECKING:
    from nnla_site.build import Build
    from nnla_site.preview_rebuild import Session

#: How often `mkdocs serve` looks for changed files, in seconds.
POLLING_INTERVAL_S = 0.1

_state: dict[str, Any] = {"command": "build", "sources": None, "build": None, "preview": None}


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


def _preview() -> Session | None:
    """Under `mkdocs serve`, the session's memory of its builds (`nnla_site.preview_rebuild`); else None."""
    session: Session | None = _state["preview"]
    return session


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    _importable()
    root = Path(config.config_file_path).resolve().parent
    if _state["command"] == "serve":
        _state["sources"] = reload.reload_changed(root, _state["sources"])
        rebuilds = importlib.import_module("nnla_site.preview_rebuild")
        if not isinstance(_state["preview"], rebuilds.Session):  # new, or its module was reloaded
            _state["preview"] = rebuilds.Session.for_config(config, reload.watched(root))
        _state["preview"].begin()
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
    content = _build().page_content(html, page.file.src_uri)
    # The copy button of a `>>>` session copies its statements only (the library page's docstrings among them).
    content = str(importlib.import_module("nnla_site.copy_code").add_copy_text(content))
    session = _preview()
    if session is not None:
        shown = _build().injector.shown
        session.record(page, frozenset(name for name, pages in shown.items() if page.file.src_uri in pages))
    return content


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return _build().page_output(output, page.file.src_uri)


def on_post_build(*, config: MkDocsConfig) -> None:
    session = _preview()
    if session is not None:  # a dirty rebuild: the pages it did not convert still show their values
        for name, page in session.shown_elsewhere():
            _build().injector.shown.setdefault(name, set()).add(page)
    _build().finish(config.site_dir)
    if session is not None:
        session.finish(config.site_dir)


def _rebuild(config: MkDocsConfig, *, serve_url: str | None = None, dirty: bool = False) -> None:
    """`mkdocs serve`'s rebuild: only the changed pages when that gives the same site (`nnla_site.preview_rebuild`)."""
    session = _preview()
    if dirty or session is None:  # the author asked for `mkdocs serve --dirty`: MkDocs' own, as it is
        _state["mkdocs_build"](config, serve_url=serve_url, dirty=dirty)
        return
    session.build(_state["mkdocs_build"], config, serve_url)
    if session.full_needed:  # a title or an anchor changed: every page shows the one, may link to the other
        _state["builder"]()


def on_serve(server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
    root = Path(config.config_file_path).resolve().parent
    # The rebuilds that follow go through `_rebuild`: `mkdocs serve` calls the name `build` of its module.
    if "mkdocs_build" not in _state:
        _state["mkdocs_build"] = vars(serve_command)["build"]
    _state["builder"] = builder
    vars(serve_command)["build"] = _rebuild
    # MkDocs polls for changes every half second; a tenth keeps an author's wait for the page short.
    faster = LiveReloadServer(
        builder=server.builder,
        host=config.dev_addr.host,
        port=config.dev_addr.port,
        root=server.root,
        mount_path=server.mount_path,
        polling_interval=POLLING_INTERVAL_S,
    )
    faster.error_handler = server.error_handler
    server.server_close()  # never bound nor served: MkDocs serves the one returned
    for path in [*getattr(server, "_watched_paths", {config.docs_dir: 1, config.config_file_path: 1})]:
        faster.watch(path)
    for folder in reload.watched(root):
        faster.watch(str(folder))
    if config.theme.custom_dir:  # overrides/: `mkdocs serve` watches the theme only with --watch-theme
        faster.watch(config.theme.custom_dir)
    return faster


def on_shutdown() -> None:
    if "mkdocs_build" in _state:
        vars(serve_command)["build"] = _state.pop("mkdocs_build")
