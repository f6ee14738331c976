r"""The per-page work as one Python-Markdown extension, for a host that runs Markdown extensions but no MkDocs
plugin (Zensical, a script calling ``markdown.markdown``): markers, claims and math.

    markdown_extensions:
      - pymdownx.superfences
      - proven_numbers:
          values: "calc_values:compute"
          prefix: calc

It does on each page what the plugin does (`proven_numbers.build`), with the same pieces: the markers are swapped
for tokens as Markdown reads the page, after any snippets (`proven_numbers.markers.reading`), the math extension
(`proven_numbers.mdext`) renders the formulas, and after Markdown each token becomes its value's HTML where Markdown
placed it. A page with
author errors fails with every one of them, each at its line. What the plugin does for the whole site (KaTeX's
stylesheet and fonts served from the site, every value shown somewhere, the page promises, values.json) is then
the command ``python -m proven_numbers check SITE_DIR`` (`proven_numbers.check`).

Paths (``python_path``, ``node_modules``, ``cache_dir``) are relative to the folder the host runs in. Python-Markdown
does not say which file it converts: messages name the page as ``page`` (the host's ``<page>`` if unset).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from markdown import Markdown  # type: ignore[import-untyped]
from markdown.extensions import Extension  # type: ignore[import-untyped]
from markdown.postprocessors import Postprocessor  # type: ignore[import-untyped]
from markdown.preprocessors import Preprocessor  # type: ignore[import-untyped]

from proven_numbers import katex
from proven_numbers.markers import Injector, MarkerError, Syntax
from proven_numbers.markers.reading import MarkerPass
from proven_numbers.mdext import MathExtension
from proven_numbers.registry import load_values
from proven_numbers.report import ErrorReport
from proven_numbers.value import Value

__all__ = ["ProvenNumbersExtension", "makeExtension"]

#: Before every preprocessor that reads the page.
_PRE_PRIORITY = 35
#: After every postprocessor: the HTML is the page's, as the plugin's on_page_content gets it.
_POST_PRIORITY = -200


@functools.cache
def _values(spec: str, python_path: tuple[str, ...], max_cells: int) -> Mapping[str, Value]:
    """The registry, computed once per process for each spec (every page of a build shares it)."""
    return load_values(spec, [Path(folder).resolve() for folder in python_path], max_cells=max_cells)


class _Begin(Preprocessor):  # type: ignore[misc]
    """A page begins: a fresh report; the markers are read by the math extension, after the snippets."""

    def __init__(self, md: Markdown, ext: ProvenNumbersExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        self.ext.report = ErrorReport(page=self.ext.page)
        self.ext.markers.begin(self.ext.page)
        return lines


class _Place(Postprocessor):  # type: ignore[misc]
    def __init__(self, md: Markdown, ext: ProvenNumbersExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, text: str) -> str:
        if not self.ext.math.final:  # the toc extension runs the postprocessors on a heading's text alone
            return text

        def record(error: MarkerError) -> str:
            self.ext.report.add(error.page, error.line + self.ext.line_offset if error.line else 0, error.message)
            return ""

        placed: str = self.ext.injector.inject(text, self.ext.page, on_error=record)
        self.ext.report.raise_if_any()
        return placed


class ProvenNumbersExtension(Extension):  # type: ignore[misc]
    """Markers, claims and math on a page; see the module docstring for the options."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "values": ["", "'module:callable' returning the mapping from names to values. Required."],
            "python_path": [["."], "Folders put on sys.path while the values' module is imported."],
            "prefix": ["value", "The marker's prefix: <!-- PREFIX:NAME -->."],
            "digits": [4, "Decimals shown when a marker does not say."],
            "max_cells": [2500, "The most numbers a value may hold, by its shape; 0 for no bound."],
            "node_modules": ["node_modules", "The folder holding the npm package katex."],
            "cache_dir": [".cache/katex", "Where KaTeX's renderings are kept between builds."],
            "macros": [{}, "KaTeX macros for every formula."],
            "output": ["htmlAndMathml", "KaTeX's output: htmlAndMathml or mathml."],
            "page": ["<page>", "The page converted, as messages name it."],
            "line_offset": [0, "Lines of the page's file before its Markdown (its front matter), for messages."],
        }
        super().__init__(**kwargs)
        self.report = ErrorReport()

    @property
    def page(self) -> str:
        return str(self.getConfig("page"))

    @property
    def line_offset(self) -> int:
        return int(self.getConfig("line_offset") or 0)

    @functools.cached_property
    def injector(self) -> Injector:
        spec = str(self.getConfig("values"))
        if not spec:
            raise katex.KatexSetupError("the proven_numbers extension needs its values option: 'module:callable'")
        values = _values(spec, tuple(self.getConfig("python_path")), int(self.getConfig("max_cells")))
        renderer = katex.get_renderer(
            Path(self.getConfig("node_modules")).resolve(),
            Path(self.getConfig("cache_dir")).resolve(),
            {"macros": dict(self.getConfig("macros")), "output": self.getConfig("output")},
        )
        syntax = Syntax(self.getConfig("prefix"), int(self.getConfig("digits")), frozenset(values))
        return Injector(values, renderer.render, syntax)

    def extendMarkdown(self, md: Markdown) -> None:
        """Register the markers' processors and the math extension, configured alike, on `md`."""
        md.registerExtension(self)
        self.markers = MarkerPass(lambda: self.injector)
        self.math = math = MathExtension(
            node_modules=str(Path(self.getConfig("node_modules")).resolve()),
            cache_dir=str(Path(self.getConfig("cache_dir")).resolve()),
            macros=dict(self.getConfig("macros")),
            options={"output": self.getConfig("output")},
            prefix=self.getConfig("prefix"),
            line_offset=self.line_offset,
            markers=self.markers,
        )
        math.extendMarkdown(md)
        md.preprocessors.register(_Begin(md, self), "pn_markers_begin", _PRE_PRIORITY)
        md.postprocessors.register(_Place(md, self), "pn_markers_place", _POST_PRIORITY)


def makeExtension(**kwargs: Any) -> ProvenNumbersExtension:
    """Entry point for ``markdown_extensions: [proven_numbers]``."""
    return ProvenNumbersExtension(**kwargs)
