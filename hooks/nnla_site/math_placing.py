"""Where the inline formulas of a page land, once Markdown has placed them, and formulas in headings.

Each inline formula stands as a token (`MathExtension.token`) until then. In headings it is rendered before the
table of contents reads the heading, as a mark whose plain text is the TeX; everywhere else it is put in place
after every stashed block is back in the page, by what `nnla_site.places` says of the token's place.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from markdown import Markdown  # type: ignore[import-untyped]
from markdown.postprocessors import Postprocessor  # type: ignore[import-untyped]
from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]

from nnla_site import places
from nnla_site.math_syntax import MathError

if TYPE_CHECKING:
    from nnla_site.mdext import MathExtension

__all__ = ["FinalTreeprocessor", "HeadingMathPostprocessor", "HeadingMathTreeprocessor", "InlineMathPostprocessor"]

_HEADING_MARK = "\x02nnla-math:{}\x03"
_HEADING_MARK_RE = re.compile("\x02nnla-math:([0-9]+)\x03")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class HeadingMathTreeprocessor(Treeprocessor):  # type: ignore[misc]
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


class InlineMathPostprocessor(Postprocessor):  # type: ignore[misc]
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


class FinalTreeprocessor(Treeprocessor):  # type: ignore[misc]
    """Marks the end of the tree phase: postprocessors now produce the page itself."""

    def __init__(self, md: Markdown, ext: MathExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: Element) -> None:
        self.ext.final = True


class HeadingMathPostprocessor(Postprocessor):  # type: ignore[misc]
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
