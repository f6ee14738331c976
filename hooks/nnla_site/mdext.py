r"""A Python-Markdown extension that renders math with server-side KaTeX (`nnla_site.katex`).

The authoring syntax is markdown-katex's:

- inline math: $`\hat{y} = xW + b`$, or $``...``$ when the TeX itself contains a backtick;
- display math: a fenced block opened by ```` ```math ```` (or `~~~math`, any fence length, indented inside
  lists and admonitions) and closed by the same fence. The opening line may carry a JSON object of the KaTeX
  options a formula may set (`fleqn`, `leqno`): ```` ```math {"fleqn": true} ````. Every other option is the
  site's (`nnla_site.katex.renderer.SAFE_OPTIONS`): no page can switch KaTeX's safety off.

Other fenced code blocks and ordinary `code spans` are left alone, so math syntax can be shown as code.

Output: inline math becomes KaTeX's `<span class="katex">...</span>`; display math becomes
`<div class="nnla-math-display"><span class="katex-display">...</span></div>` (a block element, so the site's
CSS can let a wide formula scroll inside its own box). Both go through Markdown's HTML stash, so other
extensions never see the rendered HTML (an underscore in the MathML annotation does not become `<em>`).

In a heading, the table of contents, the heading's id and a page title taken from the heading use the
formula's TeX as plain text ("Gradient of $`L`$" is listed as "Gradient of L" with id "gradient-of-l"); the
heading itself shows the rendered formula.

A formula KaTeX rejects (or takes too long on) fails the build with a `PluginError` naming the line of the
page's file (the hooks pass the length of any YAML front matter as `line_offset`), the formula and KaTeX's
message.

Configuration (`mkdocs.yml`, under `markdown_extensions`):

    - nnla_site.mdext:
        node_modules: /abs/path/node_modules   # required (the nnla hooks set it from mkdocs.yml's folder)
        cache_dir: /abs/path/.cache/katex      # required (likewise)
        macros: {"\\RR": "\\mathbb{R}"}        # KaTeX macros
        options: {"fleqn": false}              # any other KaTeX options
        enabled: true                          # false (or NNLA_MATH=off) renders TeX as <code>

A hook may also set `deferral` to a `nnla_site.katex.Deferral` (it cannot be written in YAML): the page then
holds light stand-ins (`<span class="nnla-math-deferred">TeX</span>`) until the hook calls
`deferral.restore(output)` in `on_post_page`. Material's search plugin then indexes the TeX instead of parsing
KaTeX's bulky HTML, which otherwise costs more than rendering the formulas does.
"""

from __future__ import annotations

import html
import json
import re
import secrets
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Markdown  # type: ignore[import-untyped]
from markdown.extensions import Extension  # type: ignore[import-untyped]
from markdown.postprocessors import Postprocessor  # type: ignore[import-untyped]
from markdown.preprocessors import Preprocessor  # type: ignore[import-untyped]
from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]
from mkdocs.exceptions import PluginError

from nnla_site import places, preview
from nnla_site.katex import FORMULA_OPTIONS, Deferral, KatexError, KatexRenderer, get_renderer

__all__ = ["DISPLAY_CLASS", "MathError", "MathExtension", "code_spans", "makeExtension"]

DISPLAY_CLASS = "nnla-math-display"

# Priorities: after normalize_whitespace (30), which would strip the stash placeholders' STX/ETX, and before
# fenced_code / pymdownx.superfences (25) and html_block (20), so ```math fences are ours.
_PRE_PRIORITY = 27
# After inline (20), attr_list (8) and smarty (6); before toc and mkdocs' anchor scan (5).
_HEADINGS_PRIORITY = 5.5
# Last of all tree processors: from here on, postprocessors produce the final page.
_FINAL_PRIORITY = -100
# Before raw_html (30), which restores the stash.
_POST_PRIORITY = 31
# After raw_html: every stashed block (highlighted code among them) is back in the page.
_INLINE_POST_PRIORITY = 25

_FENCE_RE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_MATH_INFO_RE = re.compile(r"^[ \t]*math(?P<header>(?:[ \t]+|(?=\{)).*)?$")
_BACKTICKS_RE = re.compile(r"`+")
_HEADING_MARK = "\x02nnla-math:{}\x03"
_HEADING_MARK_RE = re.compile("\x02nnla-math:([0-9]+)\x03")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class MathError(PluginError):
    """A formula on a page cannot be rendered.

    Attributes:
        lineno: the formula's first line in the page's Markdown (1-based, after any front matter).
        tex: the formula's TeX source.
        display: display (fenced) or inline math.
        reason: KaTeX's message, or what is wrong with the fence.
    """

    def __init__(
        self,
        lineno: int,
        tex: str,
        display: bool,
        reason: str,
        last_line: int | None = None,
        katex: bool = True,
    ) -> None:
        self.lineno = lineno
        self.tex = tex
        self.display = display
        self.reason = reason
        where = f"lines {lineno}-{last_line}" if last_line and last_line != lineno else f"line {lineno}"
        if not katex:
            message = f"{where}: {reason}"
        else:
            shown = f"display formula `{' '.join(tex.split())}`" if display else f"inline formula $`{tex}`$"
            message = f"{where}: KaTeX cannot render the {shown}: {' '.join(reason.splitlines())}"
        super().__init__(message)


class _MathPreprocessor(Preprocessor):  # type: ignore[misc]
    """Replaces ```math fences and $`...`$ spans with stash placeholders of the rendered HTML."""

    def __init__(self, md: Markdown, ext: MathExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        self.ext.begin_document()
        return list(self._iter_lines(lines))

    def _iter_lines(self, lines: list[str]) -> Iterator[str]:
        i = 0
        while i < len(lines):
            line = lines[i]
            m = _FENCE_RE.match(line)
            if m is not None and m.group("fence")[0] == "`" and "`" in m.group("info"):
                m = None  # no backtick fence has a backtick after it: this line starts with a code span
            if m is None:
                yield self._inline(line, i + 1)
                i += 1
                continue
            indent, fence = m.group("indent"), m.group("fence")
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == fence), None)
            info = _MATH_INFO_RE.match(m.group("info"))
            if end is None:
                if info is not None:
                    error = MathError(
                        self.ext.line(i + 1),
                        "",
                        True,
                        f"the math fence {line.strip()} is never closed by a line {fence}",
                        katex=False,
                    )
                    yield from ("", self.md.htmlStash.store(self.ext.fail(error)), "")
                    i += 1
                    continue
                # An unclosed fence is no code block (pymdownx.superfences): an ordinary line.
                yield self._inline(line, i + 1)
                i += 1
                continue
            if info is None:
                # Some other code block: copy it untouched, math syntax and all.
                yield from lines[i : end + 1]
                i = end + 1
                continue
            tex = "\n".join(_dedent(body, len(indent)) for body in lines[i + 1 : end]).strip("\n")
            try:
                options = self._header_options(info.group("header") or "", i + 1, tex)
            except MathError as error:
                html_out = self.ext.fail(error)
            else:
                html_out = self.ext.render(tex, True, options, i + 1, last_line=end + 1)
            # Blank lines make the placeholder a paragraph of its own, which raw_html replaces whole.
            yield ""
            yield indent + self.md.htmlStash.store(f'<div class="{DISPLAY_CLASS}">{html_out}</div>')
            yield ""
            i = end + 1

    def _header_options(self, header: str, lineno: int, tex: str) -> dict[str, Any]:
        header = header.strip()
        if not header:
            return {}
        try:
            options = json.loads(header)
        except ValueError:
            options = None
        if not isinstance(options, dict):
            raise MathError(
                self.ext.line(lineno),
                tex,
                True,
                f"the text after ```math must be a JSON object of KaTeX options, not {header!r}",
                katex=False,
            )
        refused = sorted(set(options) - FORMULA_OPTIONS)
        if refused:
            raise MathError(
                self.ext.line(lineno),
                tex,
                True,
                f"a formula may set only the KaTeX options {', '.join(sorted(FORMULA_OPTIONS))}; "
                f"{', '.join(refused)} is fixed by the site (errors fail the build, nothing is trusted)",
                katex=False,
            )
        return options

    def _inline(self, line: str, lineno: int) -> str:
        """Swap each inline formula for a token: whether it is math or an example in code, Markdown says later."""
        if "$`" not in line:
            return line
        pieces: list[str] = []
        pos = 0
        for start, end, tex in _iter_inline_math(line):
            pieces += [line[pos:start], self.ext.token(tex, line[start:end], lineno)]
            pos = end
        pieces.append(line[pos:])
        return "".join(pieces)


def _dedent(line: str, width: int) -> str:
    """Remove up to `width` leading spaces (the fence's indentation) from a line of the formula."""
    stripped = len(line) - len(line.lstrip(" "))
    return line[min(width, stripped) :]


def code_spans(line: str) -> Iterator[tuple[int, int, int, int]]:
    """Find the code spans of one line as Markdown does (the essay's $`...`$ math among them).

    A code span opens with a run of n backticks (not escaped by a backslash) and closes with the next run
    of exactly n backticks.

    Yields:
        (start, open_end, close_start, end): where the opening run starts and ends, and where the closing run
        starts and ends; the code is ``line[open_end:close_start]``.
    """
    runs = [(m.start(), m.end()) for m in _BACKTICKS_RE.finditer(line)]
    k = 0
    while k < len(runs):
        start, end = runs[k]
        backslashes = len(line[:start]) - len(line[:start].rstrip("\\"))
        if backslashes % 2:
            start += 1  # the first backtick is escaped and literal
        n = end - start
        close = next((c for c in range(k + 1, len(runs)) if runs[c][1] - runs[c][0] == n), None)
        if n == 0 or close is None:
            k += 1
            continue
        yield start, end, *runs[close]
        k = close + 1


def _iter_inline_math(line: str) -> Iterator[tuple[int, int, str]]:
    """Find $`...`$ and $``...``$ in one line, skipping ordinary code spans as Markdown would.

    A code span (see `code_spans`) is math when its runs are of 1 or 2 backticks, a `$` comes right before
    the opening run and right after the closing run.

    Yields:
        (start, end, tex): the slice of `line` from the opening `$` to the closing `$`, and the TeX.
    """
    for start, open_end, close_start, end in code_spans(line):
        if open_end - start <= 2 and line[start - 1 : start] == "$" and line[end : end + 1] == "$":
            yield start - 1, end + 1, line[open_end:close_start]


class _HeadingMathTreeprocessor(Treeprocessor):  # type: ignore[misc]
    """In headings, renders each formula's token now, as a mark whose plain-text form is the TeX.

    The table of contents and the heading's id are made from the heading's text before the page's formulas are
    rendered; there they read the TeX ("Gradient of L"), and the page shows the rendered formula.
    """

    def __init__(self, md: Markdown, ext: MathExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def _swap(self, text: str | None) -> str | None:
        if not text or "NNLAM" not in text:
            return text

        def mark(m: re.Match[str]) -> str:
            tex, _, lineno = self.ext.formulas[m.group()]
            html_out = self.ext.render(tex, False, None, lineno)
            self.md.htmlStash.store(html_out)
            index = self.md.htmlStash.html_counter - 1
            self.ext.inline_tex[index] = (tex, html_out)
            return _HEADING_MARK.format(index)

        return self.ext.token_re.sub(mark, text)

    def run(self, root: Element) -> None:
        if not self.ext.formulas:
            return
        for heading in root.iter():
            if heading.tag not in _HEADINGS:
                continue
            heading.text = self._swap(heading.text)
            for child in heading.iter():
                if child is not heading and child.tag not in {"code", "kbd", "samp"}:
                    child.text = self._swap(child.text)
                if child is not heading:
                    child.tail = self._swap(child.tail)


class _InlineMathPostprocessor(Postprocessor):  # type: ignore[misc]
    """Puts each inline formula where its token landed: rendered in text, as written in code (Markdown's answer,
    read by `nnla_site.places` once every stashed block, highlighted code among them, is back in the page)."""

    def __init__(self, md: Markdown, ext: MathExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, text: str) -> str:
        if "NNLAM" not in text or not self.ext.formulas:
            return text
        pieces, last = [], 0
        for place in places.find(text, self.ext.token_re):
            tex, written, lineno = self.ext.formulas[place.token]
            if place.where == "code":
                shown = html.escape(written, quote=False)
            elif place.where in {"text", "heading"}:
                shown = self.ext.render(tex, False, None, lineno)
            else:
                error = MathError(
                    self.ext.line(lineno),
                    tex,
                    False,
                    f"the formula {written} stands in a link title, an attribute, a comment or a script, where it "
                    "cannot be rendered: move it into the text",
                    katex=False,
                )
                shown = self.ext.fail(error, inline=True)
            pieces += [text[last : place.start], shown]
            last = place.start + len(place.token)
        return "".join([*pieces, text[last:]])


class _FinalTreeprocessor(Treeprocessor):  # type: ignore[misc]
    """Marks the end of the tree phase: postprocessors now produce the page itself."""

    def __init__(self, md: Markdown, ext: MathExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: Element) -> None:
        self.ext.final = True


class _HeadingMathPostprocessor(Postprocessor):  # type: ignore[misc]
    """Restores math in headings: TeX text while toc and MkDocs read headings, KaTeX HTML in the page."""

    def __init__(self, md: Markdown, ext: MathExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, text: str) -> str:
        if "\x02nnla-math:" not in text:
            return text

        def restore(m: re.Match[str]) -> str:
            index = int(m.group(1))
            if self.ext.final:
                return str(self.md.htmlStash.rawHtmlBlocks[index])
            return html.escape(self.ext.inline_tex[index][0], quote=False)

        return _HEADING_MARK_RE.sub(restore, text)


class MathExtension(Extension):  # type: ignore[misc]
    """Renders $`...`$ and ```math with server-side KaTeX; see the module docstring for the options."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "node_modules": ["", "The project's node_modules (the nnla hooks set it)."],
            "cache_dir": ["", "The KaTeX cache directory (the nnla hooks set it)."],
            "macros": [{}, "KaTeX macros, e.g. {'\\\\RR': '\\\\mathbb{R}'}."],
            "options": [{}, "Other KaTeX options for every formula: fleqn or leqno (the site fixes the rest)."],
            "preview_errors": [False, "Show a formula's error in the page instead of failing (mkdocs serve)."],
            "line_offset": [0, "Lines of the page's file before its Markdown (its front matter), for messages."],
            "enabled": [None, "Render math (default: unless the environment sets NNLA_MATH=off)."],
            "node": ["node", "The Node.js executable."],
            "deferral": [
                "",  # not None: Python-Markdown would read the object as a bool
                "A nnla_site.katex.Deferral: put light stand-ins in the page, and the HTML only when the hook calls "
                "its restore() in on_post_page, so that the search plugin parses TeX, not KaTeX's HTML.",
            ],
        }
        super().__init__(**kwargs)
        self.inline_tex: dict[int, tuple[str, str]] = {}  # stash index -> (TeX, HTML), for headings
        self.formulas: dict[str, tuple[str, str, int]] = {}  # token -> (TeX, as written, line)
        nonce = secrets.token_hex(6).upper()
        self.token_re = re.compile(f"NNLAM{nonce}T[0-9]+Z")
        self._nonce = nonce
        self.final = False
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
                    "nnla_site.mdext needs node_modules and cache_dir; the nnla hooks set them from mkdocs.yml's "
                    "folder. Is `hooks: [hooks/nnla_hooks.py]` in mkdocs.yml, and does this MkDocs run hooks?"
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
    ) -> str:
        """Render one formula of the page, turning a KaTeX error into a `MathError` with its line."""
        try:
            html_out = self.renderer.render(tex, display, options)
        except KatexError as err:
            last = self.line(last_line) if last_line else None
            return self.fail(MathError(self.line(lineno), tex, display, err.reason, last), inline=not display)
        deferral = self.getConfig("deferral")
        if isinstance(deferral, Deferral) and self.renderer.enabled:
            return deferral.defer(html_out, tex)
        return html_out

    def fail(self, error: MathError, inline: bool = False) -> str:
        """Raise `error`; or, in the live preview (`preview_errors`), report it and return a box that shows it."""
        if not self.getConfig("preview_errors"):
            raise error
        preview.report(str(error))
        return preview.error_box(str(error), inline)

    def token(self, tex: str, written: str, lineno: int) -> str:
        """A token that stands for an inline formula until Markdown has said where it is."""
        token = f"NNLAM{self._nonce}T{len(self.formulas)}Z"
        self.formulas[token] = (tex, written, lineno)
        return token

    def line(self, lineno: int) -> int:
        """The line of the page's file for line `lineno` of the Markdown (which MkDocs gives without front matter)."""
        return lineno + int(self.getConfig("line_offset") or 0)

    def begin_document(self) -> None:
        """Start a document: the tree phase comes first; forget formulas if the stash was emptied."""
        if not self.md.htmlStash.html_counter:
            self.inline_tex.clear()
        self.final = False

    def reset(self) -> None:
        """Called by `Markdown.reset()`, which also empties the HTML stash."""
        self.inline_tex.clear()
        self.formulas.clear()
        self.final = False

    def extendMarkdown(self, md: Markdown) -> None:
        """Register the processors on `md`."""
        self.md = md
        md.registerExtension(self)
        md.preprocessors.register(_MathPreprocessor(md, self), "nnla_math", _PRE_PRIORITY)
        md.treeprocessors.register(_HeadingMathTreeprocessor(md, self), "nnla_math_headings", _HEADINGS_PRIORITY)
        md.treeprocessors.register(_FinalTreeprocessor(md, self), "nnla_math_final", _FINAL_PRIORITY)
        md.postprocessors.register(_HeadingMathPostprocessor(md, self), "nnla_math_headings", _POST_PRIORITY)
        md.postprocessors.register(_InlineMathPostprocessor(md, self), "nnla_math_inline", _INLINE_POST_PRIORITY)


def makeExtension(**kwargs: Any) -> MathExtension:
    """Entry point for `markdown_extensions: [nnla_site.mdext]`."""
    return MathExtension(**kwargs)
