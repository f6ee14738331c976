r"""A Python-Markdown extension that renders math with server-side KaTeX (`proven_numbers.katex`).

Four modules: this one holds the extension and renders the ```math fences superfences hands it;
`proven_numbers.math_reading` reads the page before Markdown (a token for each inline formula and each line that
may open a fence, at the line of the page as written); `proven_numbers.math_syntax` knows the syntax and the
error; `proven_numbers.math_placing` puts each inline formula where Markdown placed its token, and renders
formulas in headings for the table of contents.

The authoring syntax is markdown-katex's:

- inline math: $`\hat{y} = xW + b`$, or $``...``$ when the TeX itself contains a backtick;
- display math: a fenced block opened by ```` ```math ```` (or `~~~math`, any fence length) and closed by the
  same fence, wherever Markdown reads a fence: in lists, quotes and admonitions, but not inside code. The
  opening line may carry a JSON object of the KaTeX options a formula may set (`fleqn`, `leqno`):
  ```` ```math {"fleqn": true} ````. Every other option is the site's
  (`proven_numbers.katex.renderer.SAFE_OPTIONS`): no page can switch KaTeX's safety off.

What is a fence and what is code is Markdown's to say, not this extension's: pymdownx.superfences reads the
fences (the extension registers its ```math fence with it, and needs it), and Markdown's own code spans and
blocks show math syntax as written. Before Markdown runs, each inline formula and each line that may open a
```math fence stands as a token of this page; afterwards `proven_numbers.math_placing` puts every token where
Markdown placed it, from the page's HTML (`proven_numbers.places`).

Output: inline math becomes KaTeX's `<span class="katex">...</span>`; display math becomes
`<div class="PREFIX-math-display" tabindex="0"><span class="katex-display">...</span></div>` (a block element, so the
site's CSS can let a wide formula scroll inside its own box, which the keyboard reaches). Both go through Markdown's
HTML stash, so other extensions never see the rendered HTML (an underscore in the MathML annotation does not become
`<em>`).

In a heading, the table of contents, the heading's id and a page title taken from the heading use the
formula's TeX as plain text ("Gradient of $`L`$" is listed as "Gradient of L" with id "gradient-of-l"); the
heading itself shows the rendered formula.

A formula KaTeX rejects (or takes too long on) fails the build with a `PluginError` naming the line of the
page's file (the hooks pass the length of any YAML front matter as `line_offset`), the formula and KaTeX's
message.

Configuration (`mkdocs.yml`, under `markdown_extensions`):

    - proven_numbers.mdext:
        node_modules: /abs/path/node_modules   # required (the plugin sets it from its katex options)
        cache_dir: /abs/path/.cache/katex      # required (likewise)
        macros: {"\\RR": "\\mathbb{R}"}        # KaTeX macros
        options: {"fleqn": false}              # any other KaTeX options
        enabled: true                          # false (or PROVEN_NUMBERS_MATH=off) renders TeX as <code>

A hook may also set `deferral` to a `proven_numbers.katex.Deferral` (it cannot be written in YAML): the page then
holds light stand-ins (`<span class="pn-math-deferred">TeX</span>`) until the hook calls
`deferral.restore(output)` in `on_post_page`. Material's search plugin then indexes the TeX instead of parsing
KaTeX's bulky HTML, which otherwise costs more than rendering the formulas does.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markdown import Markdown  # type: ignore[import-untyped]
from markdown.extensions import Extension  # type: ignore[import-untyped]
from mkdocs.exceptions import PluginError
from pymdownx.superfences import SuperFencesCodeExtension, SuperFencesException

from proven_numbers import preview
from proven_numbers.katex import Deferral, KatexBudgetError, KatexError, KatexRenderer, get_renderer
from proven_numbers.markers.reading import PRIORITY as MARKERS_PRIORITY
from proven_numbers.markers.reading import MarkerPass, MarkerPreprocessor
from proven_numbers.math_placing import (
    FinalTreeprocessor,
    HeadingMathPostprocessor,
    HeadingMathTreeprocessor,
    MathPostprocessor,
    display_box,
)
from proven_numbers.math_reading import SOURCE_PRIORITY, MathPreprocessor, SourcePreprocessor
from proven_numbers.math_syntax import FenceOpening, MathError, code_spans, fence_options

__all__ = ["FENCE", "MathError", "MathExtension", "code_spans", "makeExtension"]


# Priorities: after normalize_whitespace (30), which would strip the stash placeholders' STX/ETX, and before
# pymdownx.superfences (25), which reads the fences, and html_block (20).
_PRE_PRIORITY = 27
# After inline (20), attr_list (8) and smarty (6); before toc and mkdocs' anchor scan (5).
_HEADINGS_PRIORITY = 5.5
# Last of all tree processors: from here on, postprocessors produce the final page.
_FINAL_PRIORITY = -100
# Before raw_html (30), which restores the stash.
_POST_PRIORITY = 31
# After raw_html: every stashed block (highlighted code and display math among them) is back in the page.
_PLACE_PRIORITY = 25

#: The fence's name, for pymdownx.superfences.
FENCE = "math"


class FenceStopError(SuperFencesException, PluginError):  # type: ignore[misc]
    """What stops the whole build from inside a ```math fence: pymdownx.superfences swallows every exception of
    a fence's validator or formatter but its own, and would ship the fence as a code block."""


def _extension_of(md: Markdown) -> MathExtension:
    for extension in md.registeredExtensions:
        if isinstance(extension, MathExtension):
            return extension
    raise PluginError("a ```math fence is proven_numbers.mdext's, and this Markdown does not have the extension")


def _validate(language: str, inputs: dict[str, str], options: dict[str, Any], attrs: Any, md: Markdown) -> bool:
    """superfences' validator: a ```math fence is ours when its one option is a token of this page."""
    try:
        fences = _extension_of(md).fences
    except PluginError as error:
        raise FenceStopError(str(error)) from None
    if len(inputs) != 1 or next(iter(inputs)) not in fences:
        return False  # a fence written otherwise (``` {.math}): superfences does not read it as one
    options["pn_fence"] = next(iter(inputs))
    return True


def _format(src: str, language: str, md: Markdown, options: dict[str, Any], **kwargs: Any) -> str:
    """superfences' formatter: the fence's formula, rendered (or its token, if it cannot be: `display` keeps every
    failure with the fence, whose place then reports it)."""
    try:
        extension = _extension_of(md)
    except PluginError as error:
        raise FenceStopError(str(error)) from None
    return extension.display(options["pn_fence"], src)


def _raise(error: MathError) -> str:
    raise error


@dataclass
class _Fence:
    """A line that may open a ```math fence, and what became of its formula.

    Attributes:
        opening: the line as written.
        lineno: its line in the page's Markdown.
        error: why the formula cannot be rendered, once superfences has read the fence; raised (or shown, in
            the live preview) only if Markdown puts the fence in the page and not in code.
    """

    opening: FenceOpening
    lineno: int
    error: MathError | None = None


class MathExtension(Extension):  # type: ignore[misc]
    """Renders $`...`$ and ```math with server-side KaTeX; see the module docstring for the options."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "node_modules": ["", "The project's node_modules (the plugin sets it)."],
            "cache_dir": ["", "The KaTeX cache directory (the plugin sets it)."],
            "prefix": ["value", "The site's prefix of classes: a display formula's box is PREFIX-math-display."],
            "macros": [{}, "KaTeX macros, e.g. {'\\\\RR': '\\\\mathbb{R}'}."],
            "options": [{}, "Other KaTeX options for every formula: fleqn or leqno (the site fixes the rest)."],
            "preview_errors": [False, "Show a formula's error in the page instead of failing (mkdocs serve)."],
            "line_offset": [0, "Lines of the page's file before its Markdown (its front matter), for messages."],
            "enabled": [None, "Render math (default: unless the environment sets PROVEN_NUMBERS_MATH=off)."],
            "node": ["node", "The Node.js executable."],
            "report": [
                "",
                "A proven_numbers.report.ErrorReport: record a formula's error there and go on, instead of raising.",
            ],
            "issued": ["", "A set, to which the nonce of this extension's tokens is added (for the leak check)."],
            "markers": ["", "A proven_numbers.markers.reading.MarkerPass: read the build's markers after snippets."],
            "deferral": [
                "",  # not None: Python-Markdown would read the object as a bool
                "A proven_numbers.katex.Deferral: put light stand-ins in the page, and the HTML only when the plugin "
                "calls its restore() in on_post_page, so that the search plugin parses TeX, not KaTeX's HTML.",
            ],
        }
        super().__init__(**kwargs)
        self.inline_tex: dict[int, tuple[str, str]] = {}  # stash index -> (TeX, HTML), for headings
        self.formulas: dict[str, tuple[str, str, int]] = {}  # token -> (TeX, as written, line)
        self.fences: dict[str, _Fence] = {}  # token -> the line that may open a ```math fence
        nonce = secrets.token_hex(6).upper()
        self.token_re = re.compile(f"PNUMM{nonce}T[0-9]+Z")  # inline formulas
        self.fence_re = re.compile(f"PNUMF{nonce}T[0-9]+Z")  # fence openings
        self.any_token_re = re.compile(f"PNUM[MF]{nonce}T[0-9]+Z")
        self._nonce = nonce
        issued = self.getConfig("issued")
        if isinstance(issued, set):  # the build's check of a leaked token knows this Markdown object's tokens
            issued.add(nonce)
        self.final = False
        self.written: list[str] | None = None  # the page's lines before pymdownx.snippets
        self.origins: list[int] | None = None  # their lines as written, if the markers' reading found them
        self._renderer: KatexRenderer | None = None

    @property
    def renderer(self) -> KatexRenderer:
        """The shared renderer for this configuration (created on first use)."""
        if self._renderer is None:
            options = dict(self.getConfig("options") or {})
            macros = self.getConfig("macros")
            if macros:
                options["macros"] = dict(macros)
            node_modules, cache_dir = self.getConfig("node_modules"), self.getConfig("cache_dir")
            if not node_modules or not cache_dir:
                raise PluginError(
                    "proven_numbers.mdext needs node_modules and cache_dir; the proven-numbers plugin sets them. Is "
                    "the plugin under `plugins:` in mkdocs.yml, and does this toolchain run MkDocs plugins? Without "
                    "them, give both in the extension's own configuration."
                )
            self._renderer = get_renderer(
                node_modules,
                cache_dir,
                options,
                enabled=self.getConfig("enabled"),
                node=self.getConfig("node") or None,
            )
        return self._renderer

    def render(
        self,
        tex: str,
        display: bool,
        options: dict[str, Any] | None,
        lineno: int,
        last_line: int | None = None,
        on_error: Callable[[MathError], str] | None = None,
    ) -> str:
        """Render one formula of the page. KaTeX's error becomes a `MathError` at the formula's lines, handed to
        `on_error`; by default `fail`'s: the build fails (or, in the live preview, a box shows it)."""
        try:
            html_out = self.renderer.render(tex, display, options)
        except KatexError as err:
            last = self.line(last_line) if last_line else None
            error = MathError(self.line(lineno), tex, display, err.reason, last)
            return on_error(error) if on_error is not None else self.fail(error, inline=not display)
        deferral = self.getConfig("deferral")
        if isinstance(deferral, Deferral) and self.renderer.enabled:
            return deferral.defer(html_out, tex)
        return html_out

    def display(self, token: str, src: str) -> str:
        """The HTML of the ```math fence opened by `token`'s line, whose body superfences read as `src`.

        Every failure is kept with the fence, not raised: superfences swallows every exception of a formatter but
        its own and ships the fence as code, and Markdown may yet show the fence as code (in an indented block).
        The fence's token then stands for the formula in the page, where its place reports the error at the
        fence's line: KaTeX's message, or why KaTeX could not be asked (no `node`, a worker that died, a reply
        too large). Only a spent budget stops the build at once, through superfences.
        """
        fence = self.fences[token]
        tex = self.any_token_re.sub(self._as_written, src).strip("\n")
        markers = self.getConfig("markers")
        if isinstance(markers, MarkerPass):  # a marker's text in the formula is TeX, not a marker
            tex = markers.injector.as_written(tex, markers.page)
        last_line = fence.lineno + len(src.split("\n")) + 1
        try:
            options = fence_options(fence.opening.header, self.line(fence.lineno), tex)
            html_out = self.render(tex, True, options, fence.lineno, last_line, on_error=_raise)
        except MathError as error:
            fence.error = error
            return token
        except KatexBudgetError as error:
            raise FenceStopError(f"line {self.line(fence.lineno)}: {error}") from None
        except Exception as error:  # superfences would swallow it: it becomes the fence's error
            reason = str(error) if isinstance(error, PluginError) else f"{type(error).__name__}: {error}"
            fence.error = MathError(
                self.line(fence.lineno),
                tex,
                True,
                f"the display formula `{' '.join(tex.split())}` could not be rendered: {reason}",
                self.line(last_line),
                katex=False,
            )
            return token
        return display_box(self.getConfig("prefix"), html_out)

    def _as_written(self, m: re.Match[str]) -> str:
        token = m.group()
        if token in self.formulas:
            return self.formulas[token][1]
        return f"{self.fences[token].opening.head}{self.fences[token].opening.header}"

    def fail(self, error: MathError, inline: bool = False) -> str:
        """Raise `error`; or, given a `report` (the plugin's), record it there and return a box that shows it.

        With a report the build goes on to the end and then fails with every error (`proven_numbers.report`); in
        the live preview (`preview_errors`) the box shows the error in the page, and the terminal says it too.
        """
        report = self.getConfig("report")
        if not report and not self.getConfig("preview_errors"):
            raise error
        if report:
            report.add_here(error.lineno, str(error).split(": ", 1)[-1])
        if self.getConfig("preview_errors"):
            preview.report(str(error))
        return preview.error_box(str(error), inline)

    def token(self, tex: str, written: str, lineno: int) -> str:
        """A token that stands for an inline formula until Markdown has said where it is."""
        token = f"PNUMM{self._nonce}T{len(self.formulas)}Z"
        self.formulas[token] = (tex, written, lineno)
        return token

    def fence_token(self, opening: FenceOpening, lineno: int) -> str:
        """A token that stands for a line that may open a ```math fence, until Markdown has read the page."""
        token = f"PNUMF{self._nonce}T{len(self.fences)}Z"
        self.fences[token] = _Fence(opening, lineno)
        return token

    def line(self, lineno: int) -> int:
        """The line of the page's file for line `lineno` of the Markdown (which MkDocs gives without front matter)."""
        return lineno + int(self.getConfig("line_offset") or 0)

    def begin_document(self) -> None:
        """Start a document: the tree phase comes first; forget formulas if the stash was emptied."""
        if not self.md.htmlStash.html_counter:
            self.inline_tex.clear()
        self.final = False
        self._register_fence()

    def _register_fence(self) -> None:
        """Give superfences the ```math fence, once every extension is loaded (once per Markdown object)."""
        try:
            extension = getattr(self.md.preprocessors["fenced_code_block"], "extension", None)
        except KeyError:
            extension = None
        if not isinstance(extension, SuperFencesCodeExtension):
            raise PluginError(
                "proven_numbers.mdext reads ```math fences through pymdownx.superfences: add `pymdownx.superfences` to "
                "markdown_extensions"
            )
        if not any(entry["formatter"] is _format for entry in extension.superfences):
            extension.extend_super_fences(FENCE, _format, _validate, None)

    def reset(self) -> None:
        """Called by `Markdown.reset()`, which also empties the HTML stash."""
        self.inline_tex.clear()
        self.formulas.clear()
        self.fences.clear()
        self.final = False
        self.written = None
        self.origins = None

    def extendMarkdown(self, md: Markdown) -> None:
        """Register the processors on `md`."""
        self.md = md
        md.registerExtension(self)
        md.preprocessors.register(SourcePreprocessor(md, self), "pn_math_source", SOURCE_PRIORITY)
        md.preprocessors.register(MathPreprocessor(md, self), "pn_math", _PRE_PRIORITY)
        markers = self.getConfig("markers")
        if isinstance(markers, MarkerPass):
            md.preprocessors.register(MarkerPreprocessor(md, self, markers), "pn_markers", MARKERS_PRIORITY)
        md.treeprocessors.register(HeadingMathTreeprocessor(md, self), "pn_math_headings", _HEADINGS_PRIORITY)
        md.treeprocessors.register(FinalTreeprocessor(md, self), "pn_math_final", _FINAL_PRIORITY)
        md.postprocessors.register(HeadingMathPostprocessor(md, self), "pn_math_headings", _POST_PRIORITY)
        md.postprocessors.register(MathPostprocessor(md, self), "pn_math_place", _PLACE_PRIORITY)


def makeExtension(**kwargs: Any) -> MathExtension:
    """Entry point for `markdown_extensions: [proven_numbers.mdext]`."""
    return MathExtension(**kwargs)
