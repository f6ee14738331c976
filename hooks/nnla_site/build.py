r"""The build's side of the site: what the MkDocs hooks in ``hooks/`` do, kept here where it can be tested.

One `Build` lives for one build: it computes every value once, replaces the markers of each page, serves
KaTeX's stylesheet and fonts from the site, and at the end checks that every value was shown and writes
``values.json``.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

import nnla
from nnla import examples
from nnla_site import katex, mathfont, preview, promises
from nnla_site.figures import draw_figure
from nnla_site.markers import Injector, MarkerError
from nnla_site.values import Value, compute_all

__all__ = ["MDEXT", "Build", "values_document"]

#: The Markdown extension that renders the pages' math; the hooks add it to the configuration.
MDEXT = "nnla_site.mdext"


def values_document(values: Mapping[str, Value], shown: Mapping[str, set[str]]) -> dict[str, Any]:
    """What ``values.json`` holds: every value at full precision, its shape and the pages that show it."""
    return {
        "nnla": nnla.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "seed": examples.SEED,
        "values": {
            name: {
                "kind": value.kind,
                "shape": list(value.shape),
                "value": value.to_json(),
                "pages": sorted(shown.get(name, ())),
                "description": value.description,
            }
            for name, value in values.items()
        },
    }


def front_matter_lines(source: str, markdown: str) -> int:
    """How many lines of the page's file come before the Markdown MkDocs hands over (its YAML front matter)."""
    if not source.endswith(markdown):
        return 0
    return source[: len(source) - len(markdown)].count("\n")


class Build:
    """One build of the site.

    Args:
        config: the MkDocs configuration; paths are taken from its file's folder.
        preview: a build of the live preview (`mkdocs serve`): a bad marker or formula is shown in its page,
            where the author is looking, instead of failing the build (`nnla_site.preview`).
    """

    def __init__(self, config: MkDocsConfig, preview: bool = False) -> None:
        self.preview = preview
        self.root = Path(config.config_file_path).resolve().parent
        self.node_modules = self.root / "node_modules"
        self.cache_dir = self.root / ".cache" / "katex"
        self.renderer = katex.get_renderer(node_modules=self.node_modules, cache_dir=self.cache_dir)
        self.injector = Injector(compute_all(), self._render_tex, draw_figure)
        # Pages carry light stand-ins for their math until `page_output`, so that the search plugin and every
        # other HTML parser in the build do not pay for KaTeX's bulky markup; a stand-in holds the formula as
        # plain text, which is what the search index keeps of it.
        self.deferral = katex.Deferral(plain_text=True)
        # Named, not an instance: every Markdown object (each page's, mkdocstrings') gets an extension of its own.
        # mkdocs.yml cannot name it, since its module is importable only once the hooks have run.
        if MDEXT in config.markdown_extensions:
            raise PluginError(f"mkdocs.yml lists {MDEXT!r} under markdown_extensions: remove it, the nnla hooks add it")
        self.config = config
        # overrides/main.html refuses to render a page without it: proof that these hooks ran.
        config.extra["nnla_build"] = True
        if self.renderer.mathml_only:  # the browser lays out the MathML: serve the math font it needs
            config.extra_css.append(mathfont.MATH_FONT_CSS)
            config.extra["math_font"] = mathfont.MATH_FONT_URI  # preloaded by overrides/main.html
        config.markdown_extensions.insert(0, MDEXT)
        config.mdx_configs[MDEXT] = {
            "node_modules": str(self.node_modules),
            "cache_dir": str(self.cache_dir),
            "deferral": self.deferral,
            "preview_errors": preview,
        }

    def _render_tex(self, tex: str, display: bool) -> str:
        return self.deferral.defer(self.renderer.render(tex, display), tex)

    def add_katex_assets(self, files: Files, config: MkDocsConfig) -> Files:
        """Serve KaTeX's stylesheet and every font it names from the site itself, taken from node_modules."""
        for asset in katex.katex_assets(self.node_modules):
            files.append(File.generated(config, asset.uri, abs_src_path=str(asset.path)))
        if self.renderer.mathml_only:
            files.append(File.generated(config, mathfont.MATH_FONT_CSS, content=mathfont.math_font_css()))
        return files

    def page_markdown(self, markdown: str, page: str, source: str | None = None) -> str:
        """Replace the page's markers; a bad one fails the build naming the page and the line of its file.

        Args:
            markdown: the page's Markdown, as MkDocs hands it over: without its YAML front matter.
            page: the page's path in docs/, for messages.
            source: the page's file as written, front matter and all, so that lines are the file's own.
        """
        offset = front_matter_lines(source, markdown) if source is not None else 0
        self.config.mdx_configs[MDEXT]["line_offset"] = offset
        return self.injector.replace_markers(markdown, page)

    def page_content(self, content: str, page: str) -> str:
        """Put the rendered values into the page's HTML; a bad marker fails the build naming the page and line
        (in the live preview, the same message stands in the page where the marker was)."""
        offset = self.config.mdx_configs[MDEXT].get("line_offset", 0)

        def message(error: MarkerError) -> str:
            return f"nnla marker error in {error.page}:{error.line + offset}: {error.message}"

        def show(error: MarkerError) -> str:
            preview.report(message(error))
            return preview.error_box(message(error), inline=True)

        try:
            return self.injector.inject(content, page, on_error=show if self.preview else None)
        except MarkerError as error:
            raise PluginError(message(error)) from None

    def page_output(self, output: str, page: str = "") -> str:
        """Check that the finished page keeps the site's promises (`nnla_site.promises`), then put KaTeX's HTML
        back in place of the stand-ins, once nothing else parses the page.

        The page is checked with its stand-ins, a tenth of its size: the KaTeX HTML that replaces them was itself
        checked when it was rendered (`nnla_site.katex.cache.entry_problem`), and holds no URL and no id.

        Raises:
            PluginError: naming the page and each promise it breaks.
        """
        problems = promises.broken(output, self.injector.token_pattern)
        if problems:
            raise PluginError(f"nnla: the page {page or '?'} breaks the site's promises: " + "; ".join(problems))
        return self.deferral.restore(output)

    def finish(self, site_dir: str) -> None:
        """Check that every value was shown, write ``values.json``, and the math font once the pages are written.

        Raises:
            PluginError: a value no page shows (a computed number nobody can check is a silent bug).
        """
        unshown = self.injector.unshown()
        if unshown:
            message = (
                "nnla: these computed values are shown on no page: "
                + ", ".join(unshown)
                + ". Add a marker such as <!-- nnla:"
                + unshown[0]
                + " --> where the essay discusses it, or remove the value from hooks/nnla_site/values.py."
            )
            if not self.preview:
                raise PluginError(message)
            preview.report(message)  # the preview goes on: the author may be halfway through a page
        document = values_document(self.injector.values, self.injector.shown)
        text = json.dumps(document, indent=1, sort_keys=False, allow_nan=False, ensure_ascii=False)
        Path(site_dir, "values.json").write_text(text + "\n", encoding="utf-8")
        if self.renderer.mathml_only:
            mathfont.write_math_font(self.node_modules, site_dir)
