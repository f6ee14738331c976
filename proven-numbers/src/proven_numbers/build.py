r"""One build of a site: its values computed once, the markers of each page replaced, KaTeX's files served,
every error reported, and at the end every value checked as shown and ``values.json`` written.

The plugin (`proven_numbers.plugin`) makes one `Build` in ``on_config`` and hands it each page; this module holds
the work, so that it can be tested without MkDocs' event loop.
"""

from __future__ import annotations

import gzip
import json
import os
import platform
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from selectolax.lexbor import LexborHTMLParser

from proven_numbers import csp, katex, mathfont, preload, preview, promises, shipped
from proven_numbers.config import ProvenNumbersConfig
from proven_numbers.markers import Injector, MarkerError, Syntax
from proven_numbers.markers.reading import MarkerPass, front_matter_markers
from proven_numbers.registry import load_about, load_values
from proven_numbers.report import ErrorReport
from proven_numbers.value import Value

__all__ = ["MDEXT", "Build", "front_matter_lines", "reproducible_sitemap", "values_document"]

#: The Markdown extension that renders the pages' math; the plugin adds it to the configuration.
MDEXT = "proven_numbers.mdext"


def values_document(
    values: Mapping[str, Value], shown: Mapping[str, set[str]], about: Mapping[str, Any]
) -> dict[str, Any]:
    """What ``values.json`` holds: what the site says `about` its build, then every value at full precision, its
    kind, its shape, the pages that show it and its description."""
    return {
        **about,
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


def default_about() -> dict[str, Any]:
    """What values.json says about a build when the site does not say: the versions of NumPy and Python."""
    return {"numpy": np.__version__, "python": platform.python_version()}


def reproducible_sitemap(site_dir: str) -> None:
    """Without ``SOURCE_DATE_EPOCH``, stamp ``sitemap.xml.gz`` with no time (gzip's mtime 0), so that it is a
    function of ``sitemap.xml`` alone.

    MkDocs stamps it with the newest page's update date, which without ``SOURCE_DATE_EPOCH`` is the day of the build:
    two builds of the same sources on two days differed in this one file, even when the sitemap is empty (no
    ``site_url``). With ``SOURCE_DATE_EPOCH`` MkDocs' stamp is that day's, the same on every build, and is kept. The
    sitemap's own ``<lastmod>`` dates are MkDocs' (the day of the build, or ``SOURCE_DATE_EPOCH``'s).
    """
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return
    path = Path(site_dir, "sitemap.xml.gz")
    try:
        xml = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, gzip.BadGzipFile):
        return  # no sitemap (a theme without one), or not MkDocs' gzip: nothing to stamp
    with path.open("wb") as file, gzip.GzipFile(filename=str(path), mode="wb", fileobj=file, mtime=0) as packed:
        packed.write(xml)


def front_matter_lines(source: str, markdown: str) -> int:
    """How many lines of the page's file come before the Markdown MkDocs hands over (its YAML front matter)."""
    if not source.endswith(markdown):
        return 0
    return source[: len(source) - len(markdown)].count("\n")


class Build:
    """One build of the site.

    Args:
        config: the MkDocs configuration; paths are taken from its file's folder.
        options: the plugin's options.
        preview: a build of the live preview (`mkdocs serve`): a bad marker or formula is also shown in its page.
    """

    def __init__(self, config: MkDocsConfig, options: ProvenNumbersConfig, preview: bool = False) -> None:
        self.preview = preview
        self.options = options
        self.root = Path(config.config_file_path).resolve().parent
        katex_options = options.katex
        self.node_modules = self.root / katex_options.node_modules
        self.cache_dir = self.root / katex_options.cache_dir
        math = {"macros": self._macros(), "output": katex_options.output}
        self.renderer = katex.get_renderer(self.node_modules, self.cache_dir, math, node=katex_options.node)
        if not katex_options.time_budget > 0:
            raise PluginError(
                f"proven-numbers: katex.time_budget is a number of seconds above 0; got {katex_options.time_budget!r}"
            )
        chosen = katex_options.math_font
        try:
            self.math_font = mathfont.MathFont(chosen.package, chosen.file, chosen.family)
        except ValueError as error:
            raise PluginError(f"proven-numbers: {error}") from None
        # What KaTeX may spend on this build's formulas, the page that spends it named when it is spent.
        self.budget = katex.Budget(float(katex_options.time_budget))
        self.renderer.begin_build(self.budget)
        self.report = ErrorReport()
        self._content_scripts: dict[str, list[str]] = {}
        self._built: dict[str, str] = {}  # each page's path in the site, and its path in docs/
        self._preloads: list[str] = []  # the fonts each page with a formula preloads (`proven_numbers.preload`)
        self._markdown: dict[str, tuple[str, int]] = {}  # each page's Markdown and its front matter's lines
        try:
            self.syntax = Syntax(options.prefix, options.digits)  # the prefix checked before the values load
        except ValueError as error:
            raise PluginError(f"proven-numbers: {error}") from None
        paths = [self.root / folder for folder in options.python_path]
        if options.max_cells < 0:
            raise PluginError(f"proven-numbers: max_cells is a whole number, 0 for no bound; got {options.max_cells}")
        values = load_values(options.values, paths, max_cells=options.max_cells)
        self.about = load_about(options.about, paths) if options.about else default_about()
        self.syntax = Syntax(options.prefix, options.digits, frozenset(values))
        self.injector = Injector(values, self._render_tex, self.syntax, published=options.values_json)
        # The markers are read inside Markdown, after the snippets, in every Markdown object (mkdocstrings' too).
        self.markers = MarkerPass(self.injector)
        # The nonces of this build's math tokens, each Markdown object's: a word of their shape is prose.
        self.math_nonces: set[str] = set()
        self._front_matter_boxes = ""  # the live preview's boxes for the page being converted
        # Pages carry light stand-ins for their math until `page_output`, so that the search plugin and every
        # other HTML parser in the build do not pay for KaTeX's bulky markup; a stand-in holds the formula as
        # plain text, which is what the search index keeps of it.
        self.deferral = katex.Deferral(plain_text=True, nowrap=self.renderer.mathml_only)
        self.config = config
        # A theme may refuse to render a page without it: proof that this plugin ran.
        config.extra["proven_numbers"] = True
        if self.renderer.mathml_only:
            # The browser lays out the MathML: serve the math font and the stylesheet it needs, and not KaTeX's
            # stylesheet and fonts, which style KaTeX's HTML alone (even where the site lists the stylesheet).
            while katex.KATEX_CSS in config.extra_css:
                config.extra_css.remove(katex.KATEX_CSS)
            config.extra_css.append(mathfont.MATH_FONT_CSS)
        elif katex.KATEX_CSS not in config.extra_css:  # the formulas need KaTeX's stylesheet, which the site serves
            config.extra_css.insert(0, katex.KATEX_CSS)
        # Named, not an instance: every Markdown object (each page's, mkdocstrings') gets an extension of its own.
        config.markdown_extensions.insert(0, MDEXT)
        config.mdx_configs[MDEXT] = {
            **config.mdx_configs.get(MDEXT, {}),
            "node_modules": str(self.node_modules),
            "cache_dir": str(self.cache_dir),
            "macros": math["macros"],
            "options": {"output": katex_options.output},
            "node": katex_options.node,
            "prefix": options.prefix,
            "deferral": self.deferral,
            "markers": self.markers,
            "issued": self.math_nonces,
            "report": self.report,
            "preview_errors": preview,
        }

    def _macros(self) -> dict[str, str]:
        """The KaTeX macros: markdown-katex's ``macro-file`` (one ``\\name:expansion`` a line), then ``macros``."""
        macros: dict[str, str] = {}
        macro_file = self.options.katex.macro_file
        if macro_file:
            path = self.root / macro_file
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as error:
                raise PluginError(f"proven-numbers: katex.macro_file {macro_file!r} cannot be read: {error}") from None
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                name, colon, expansion = line.partition(":")
                if not colon or not name.startswith("\\") or not name[1:].strip():
                    raise PluginError(
                        f"proven-numbers: {macro_file}:{number}: a macro is written \\name:expansion; got {line!r}"
                    )
                macros[name.strip()] = expansion.strip()
        return {**macros, **self.options.katex.macros}

    def _render_tex(self, tex: str, display: bool) -> str:
        return self.deferral.defer(self.renderer.render(tex, display), tex)

    def add_katex_assets(self, files: Files, config: MkDocsConfig) -> Files:
        """Serve KaTeX's stylesheet and every font it names from the site itself, taken from node_modules; with
        MathML alone, the math stylesheet instead (the math font is written at the end, cut to the pages), and the
        font preloaded: every formula is laid out with it."""
        if self.renderer.mathml_only:
            files.append(File.generated(config, mathfont.MATH_FONT_CSS, content=mathfont.math_font_css(self.math_font)))
            self._preloads = [self.math_font.uri] if self.options.katex.math_font.preload else []
            return files
        assets = katex.katex_assets(self.node_modules)
        for asset in assets:
            files.append(File.generated(config, asset.uri, abs_src_path=str(asset.path)))
        self._preloads = preload.font_uris(self.options.katex.preload_fonts, (a.uri for a in assets))
        return files

    def page_markdown(self, markdown: str, page: str, source: str | None = None) -> str:
        """Before Markdown makes the page: its markers are read by the math extension's preprocessor, after the
        snippets (`proven_numbers.markers.reading`); a marker in its front matter or metadata is an error here.

        Args:
            markdown: the page's Markdown, as MkDocs hands it over: without its YAML front matter.
            page: the page's path in docs/, for messages.
            source: the page's file as written, front matter and all, so that lines are the file's own.
        """
        offset = front_matter_lines(source, markdown) if source is not None else 0
        self.config.mdx_configs[MDEXT]["line_offset"] = offset
        self.report.page = page
        self.budget.page = page
        self.markers.begin(page)
        boxes = []
        for line, message in front_matter_markers(self.syntax, source or "", markdown):
            self.report.add(page, line, message)
            if self.preview:  # shown first in the page (`page_content`), as a bad marker is where it stands
                preview.report(f"{page}:{line}: {message}")
                boxes.append(preview.error_box(f"{page}:{line}: {message}"))
        self._front_matter_boxes = "".join(boxes)
        self._markdown[page] = (markdown, offset)  # to find the line of a formula Markdown did not read as one
        return markdown

    def page_content(self, content: str, page: str) -> str:
        """Put the rendered values into the page's HTML; a bad marker is recorded with the page and the line of its
        file, for the report at the end of the build (in the live preview it also stands in the page)."""
        offset = self.config.mdx_configs[MDEXT].get("line_offset", 0)

        def record(error: MarkerError) -> str:
            line = error.line + offset if error.line else 0
            self.report.add(error.page, line, error.message)
            if not self.preview:
                return ""
            message = f"{error.page}:{line}: {error.message}"
            preview.report(message)
            return preview.error_box(message, inline=True)

        boxes, self._front_matter_boxes = self._front_matter_boxes, ""
        content = self.injector.inject(content, page, on_error=record)
        # The inline scripts of the page's own content (its Markdown's, its values'): the policy does not allow them.
        self._content_scripts[page] = csp.inline_scripts(LexborHTMLParser(content))
        return boxes + content

    def page_output(self, output: str, page: str = "", dest: str = "") -> str:
        """Check that the finished page keeps the site's promises (`proven_numbers.promises`), give it its
        Content-Security-Policy (`proven_numbers.csp`), then put KaTeX's HTML back in place of the stand-ins, once
        nothing else parses the page.

        The policy's hashes are those of the page's inline scripts before the formulas are restored, less those
        of its content (`page_content`): what the theme wrote. A broken promise is recorded for the build's
        report, with the page; what ships is checked again, file by file, at the end of the build (`finish`),
        where `dest` (the page's path in the site) names the page a problem of that file comes from.
        """
        if dest:
            self._built[dest] = page
        broken = []
        if self.options.promises:
            math_tokens = promises.math_tokens(self.math_nonces)
            broken = promises.broken(output, self.injector.unreported_token, math_tokens)
            markdown, offset = self._markdown.pop(page, ("", 0))
            lines = {}
            if broken and markdown:
                for message, start in promises.formula_problems(LexborHTMLParser(output)):
                    line = promises.opening_line(markdown, start)
                    lines[message] = line + offset if line else 0
            for problem in broken:
                self.report.add(page or "?", lines.get(problem, 0), f"the page breaks the site's promises: {problem}")
        content_scripts = self._content_scripts.pop(page, [])
        if self._preloads and self.deferral.holds_math(output):
            output = preload.with_links(output, csp.head_start(output), preload.links(self._preloads, dest or page))
        if self.options.csp:
            output = csp.protect(output, not_allowed=content_scripts)
        output = self.deferral.restore(output)
        if self.preview and self.options.promises:  # the live preview shows them in the page, as a bad marker
            said = [f"{page or '?'}: the page breaks the site's promises: {problem}" for problem in broken]
            # What ships is checked at the end of the build (`check_shipped`); the preview checks this page now too.
            ships = shipped.check_page(output, dest or page, require_csp=self.options.csp)
            said += [f"{page or '?'}: what ships breaks the site's promises: {problem.message}" for problem in ships]
            if said:
                output = preview.in_page(output, said)
        return output

    def check_shipped(self, site_dir: str) -> None:
        """Check every HTML and CSS file of the built site as a browser reads it (`proven_numbers.shipped`), each
        problem recorded at its file (a path in the site) and line."""
        for problem in shipped.check_site(Path(site_dir), require_csp=self.options.csp):
            source = self._built.get(problem.page)
            if source is None:  # a static file of docs/, or one of the theme (its 404.html is made from a template)
                origin = " (a file of docs/ or of the theme, not a page)"
            else:
                origin = f" (the page {source})" if source != problem.page else ""
            self.report.add(
                problem.page, problem.line, f"what ships breaks the site's promises{origin}: {problem.message}"
            )

    def finish(self, site_dir: str) -> None:
        """Report every author error, check that every value was shown, write ``values.json`` and the math font, and
        stamp the sitemap's gzip with no time (`reproducible_sitemap`).

        Raises:
            PluginError: the build's author errors, or a value no page shows.
        """
        if self.options.promises:
            self.check_shipped(site_dir)
        unshown = self.injector.unshown()
        if unshown and self.options.require_shown:
            p = self.options.prefix
            for name in unshown:
                self.report.add(
                    "",
                    0,
                    f"the value {name!r} is shown on no page: show it with <!-- {p}:{name} --> where the text "
                    "discusses it, or remove it from the values",
                )
        if self.preview:  # the preview goes on: the author may be halfway through a page
            for error in self.report.errors:
                preview.report(str(error))
        else:
            self.report.raise_if_any()
        if self.options.values_json:
            document = values_document(self.injector.values, self.injector.shown, self.about)
            text = json.dumps(document, indent=1, sort_keys=False, allow_nan=False, ensure_ascii=False)
            path = Path(site_dir, self.options.values_json)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + "\n", encoding="utf-8")
        reproducible_sitemap(site_dir)
        if self.renderer.mathml_only:
            try:
                mathfont.write_math_font(
                    self.node_modules, site_dir, subset=self.options.katex.subset_font, font=self.math_font
                )
            except ImportError as error:
                raise PluginError(
                    f"proven-numbers: katex.output: mathml reads the math font with fontTools and brotli ({error}): "
                    "install proven-numbers[mathml]"
                ) from None
