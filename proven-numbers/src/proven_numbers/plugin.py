"""The MkDocs plugin: thin event methods that hand each page to this build's `proven_numbers.build.Build`.

A site enables it in ``mkdocs.yml`` (`proven_numbers.config` lists the options):

    plugins:
      - search
      - proven-numbers:
          values: "calc_values:compute"
          prefix: calc
    markdown_extensions:
      - pymdownx.superfences

The plugin keeps its state across the rebuilds of one ``mkdocs serve`` (it has ``on_startup``, so MkDocs keeps the
instance): the preview's memory of its builds, the sources of the site's modules (`proven_numbers.reload`), and
MkDocs' own rebuild, which it wraps to rebuild only the pages an author changed (`proven_numbers.preview_rebuild`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import jinja2
import mkdocs.commands.serve as serve_command
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from proven_numbers import csp, reload, templates
from proven_numbers.build import MDEXT, Build
from proven_numbers.config import ProvenNumbersConfig
from proven_numbers.preview_rebuild import Session
from proven_numbers.registry import on_path

__all__ = ["ProvenNumbersPlugin"]

#: Markdown extensions that render math themselves: beside the plugin, each would render every formula first (with a
#: stylesheet from a CDN), and nothing would say so.
REPLACED_EXTENSIONS = {
    "markdown_katex": "the plugin renders $`...`$ and ```math itself, with the same syntax; its macro-file is the "
    "plugin's katex.macro_file, and its other options are in the configuration reference",
    "pymdownx.arithmatex": "the plugin renders math at build time with KaTeX, in markdown-katex's syntax "
    "($`...`$ and ```math fences); arithmatex leaves it to a script in the reader's browser",
    MDEXT: "the plugin adds it itself, configured from its katex options",
}


def _source(page: Page) -> str | None:
    """The page's file as written (front matter and all), or None for a page that has no file."""
    path = getattr(page.file, "abs_src_path", None)
    try:
        return Path(path).read_text(encoding="utf-8-sig") if path else None
    except OSError:
        return None


class ProvenNumbersPlugin(BasePlugin[ProvenNumbersConfig]):  # type: ignore[no-untyped-call]
    """Every number on a page from the site's values, or a claim checked at its written precision."""

    def __init__(self) -> None:
        self.command: Literal["build", "gh-deploy", "serve"] = "build"
        self.build: Build | None = None
        self.session: Session | None = None
        self.sources: reload.Sources | None = None
        self._mkdocs_build: Callable[..., None] | None = None
        self._builder: Callable[[], None] | None = None

    def _current(self) -> Build:
        if self.build is None:
            raise PluginError("proven-numbers: a page event came before on_config")
        return self.build

    def _paths(self, config: MkDocsConfig) -> list[Path]:
        root = Path(config.config_file_path).resolve().parent
        return [root / folder for folder in self.config.python_path]

    def _modules(self) -> list[str]:
        """The site's modules the preview reloads: the values' package, and those `preview.reload` names."""
        values_module = self.config.values.partition(":")[0].split(".")[0]
        return list(dict.fromkeys([values_module, *self.config.preview.reload]))

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.command = command

    @event_priority(50)  # before other plugins read markdown_extensions
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        names = [entry if isinstance(entry, str) else type(entry).__module__ for entry in config.markdown_extensions]
        for name, why in REPLACED_EXTENSIONS.items():
            if name in names:
                raise PluginError(
                    f"proven-numbers: mkdocs.yml lists {name!r} under markdown_extensions: remove it ({why})"
                )
        serving = self.command == "serve"
        if serving:
            with on_path(self._paths(config)):
                self.sources = reload.reload_changed(self._modules(), self.sources)
            if self.config.preview.partial_rebuilds:
                if self.session is None:
                    with on_path(self._paths(config)):
                        watched = reload.folders(self._modules())
                    self.session = Session.for_config(config, watched)
                self.session.begin()
        self.build = Build(config, self.config, preview=serving and self.config.preview.errors_in_page)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        # After every plugin's on_config (mkdocstrings makes its handler there), before any page is converted.
        templates.keep_compiled_docstrings(config)
        return self._current().add_katex_assets(files, config)

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        templates.keep_compiled(env)
        if self.session is not None:
            self.session.keep_titles(file.page for file in files.documentation_pages() if file.page is not None)
        return env

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self._current().page_markdown(markdown, page.file.src_uri, _source(page))

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        build = self._current()
        content = build.page_content(html, page.file.src_uri)
        if self.session is not None:
            shown = build.injector.shown
            self.session.record(page, frozenset(name for name, pages in shown.items() if page.file.src_uri in pages))
        return content

    @event_priority(-100)  # last: the page checked is the page published
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return self._current().page_output(output, page.file.src_uri, page.file.dest_uri)

    @event_priority(-100)  # last, as on_post_page: a theme's page of its own (404.html) gets its policy too
    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        if not template_name.endswith((".html", ".htm")):
            return output_content
        return self._current().page_output(output_content, template_name)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        build = self._current()
        if self.session is not None:  # a dirty rebuild: the pages it did not convert still show their values
            for name, page in self.session.shown_elsewhere():
                build.injector.shown.setdefault(name, set()).add(page)
        build.finish(config.site_dir)
        if self.session is not None:
            self.session.finish(config.site_dir)

    def _rebuild(self, config: MkDocsConfig, *, serve_url: str | None = None, dirty: bool = False) -> None:
        """`mkdocs serve`'s rebuild: only the changed pages when that gives the same site."""
        assert self._mkdocs_build is not None
        if dirty or self.session is None:  # the author asked for `mkdocs serve --dirty`: MkDocs' own, as it is
            self._mkdocs_build(config, serve_url=serve_url, dirty=dirty)
            return
        self.session.build(self._mkdocs_build, config, serve_url)
        if self.session.full_needed and self._builder is not None:  # a title or an anchor changed
            self._builder()

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        if self.config.preview.partial_rebuilds:
            # The rebuilds that follow go through `_rebuild`: `mkdocs serve` calls the name `build` of its module.
            if self._mkdocs_build is None:
                self._mkdocs_build = vars(serve_command)["build"]
            self._builder = builder
            vars(serve_command)["build"] = self._rebuild
        faster = LiveReloadServer(
            builder=server.builder,
            host=config.dev_addr.host,
            port=config.dev_addr.port,
            root=server.root,
            mount_path=server.mount_path,
            polling_interval=self.config.preview.polling_interval,
        )
        faster.error_handler = server.error_handler
        if self.config.csp:  # MkDocs appends its live-reload script to each page it serves: allow it, there alone
            faster.set_app(csp.reloading(faster.serve_request))
        server.server_close()  # never bound nor served: MkDocs serves the one returned
        for path in [*getattr(server, "_watched_paths", {config.docs_dir: 1, config.config_file_path: 1})]:
            faster.watch(path)
        with on_path(self._paths(config)):
            for folder in reload.folders(self._modules()):
                faster.watch(str(folder))
        if config.theme.custom_dir:  # overrides/: `mkdocs serve` watches the theme only with --watch-theme
            faster.watch(config.theme.custom_dir)
        return faster

    def on_shutdown(self) -> None:
        if self._mkdocs_build is not None:
            vars(serve_command)["build"] = self._mkdocs_build
            self._mkdocs_build = None
