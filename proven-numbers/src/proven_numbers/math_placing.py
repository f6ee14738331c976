"""Where the formulas of a page land, once Markdown has placed them, and formulas in headings.

Each inline formula, and each line that may open a ```math fence, stands as a token (`MathExtension.token`,
`MathExtension.fence_token`) until then. In headings an inline formula is rendered before the table of contents
reads the heading, as a mark whose plain text is the TeX; everywhere else tokens are put in place after every
stashed block is back in the page, by what `proven_numbers.places` says of each token's place.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

from markdown import Markdown  # type: ignore[import-untyped]
from markdown.postprocessors import Postprocessor  # type: ignore[import-untyped]
from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]

from proven_numbers import places
from proven_numbers.math_syntax import MathError

if TYPE_CHECKING:
    from proven_numbers.mdext import MathExtension

__all__ = [
    "FinalTreeprocessor",
    "HeadingMathPostprocessor",
    "HeadingMathTreeprocessor",
    "MathPostprocessor",
    "display_box",
]

_HEADING_MARK = "\x02pn-math:{}\x03"
_HEADING_MARK_RE = re.compile("\x02pn-math:([0-9]+)\x03")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# The white space between `math` and a fence's token in code: plain, or in a highlighter's span of its own.
_SPACE_BEFORE_TOKEN_RE = re.compile(r'(?:[ \t]|<span class="w">[ \t]</span>)$')


def display_box(prefix: str, rendered: str) -> str:
    """A display formula's box: a block of its own, which scrolls when the formula is wider than the column.

    A box that scrolls must be reachable by the keyboard, to be scrolled with the arrow keys (WCAG 2.1.1; axe's
    `scrollable-region-focusable`): Chromium and Firefox focus such a box by themselves, Safari does not. Whether
    a formula will scroll depends on the reader's screen, which the build cannot know, so every box is focusable.
    """
    return f'<div class="{prefix}-math-display" tabindex="0">{rendered}</div>'


class HeadingMathTreeprocessor(Treeprocessor):  # type: ignore[misc]
    """In headings, renders each formula's token now, as a mark whose plain-text form is the TeX.

    The table of contents and the heading's id are made from the heading's text before the page's formulas are
    rendered; there they read the TeX ("Gradient of L"), and the page shows the rendered formula.
    """

    def __init__(self, md: Markdown, ext: MathExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def _swap(self, text: str | None) -> str | None:
        if not text or "PNUMM" not in text:
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


class MathPostprocessor(Postprocessor):  # type: ignore[misc]
    """Puts each formula's token where it landed (Markdown's answer, read by `proven_numbers.places` once every
    stashed block, highlighted code among them, is back in the page): an inline formula rendered in text and as
    written in code; a ```math line as written in code, and elsewhere the error of a fence that could not be
    rendered, or that Markdown did not read as a fence."""

    def __init__(self, md: Markdown, ext: MathExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, text: str) -> str:
        if not (self.ext.formulas or self.ext.fences) or not ("PNUMM" in text or "PNUMF" in text):
            return text
        pieces, last = [], 0
        for place in places.find(text, self.ext.any_token_re):
            before = text[last : place.start]
            if place.token in self.ext.fences:
                before, shown = self._fence(place, before)
            else:
                shown = self._inline(place)
            pieces += [before, shown]
            last = place.start + len(place.token)
        return "".join([*pieces, text[last:]])

    def _inline(self, place: places.Place) -> str:
        tex, written, lineno = self.ext.formulas[place.token]
        if place.where == "code":
            return html.escape(written, quote=False)
        if place.where in {"text", "heading"}:
            return self.ext.render(tex, False, None, lineno)
        error = MathError(
            self.ext.line(lineno),
            tex,
            False,
            f"the formula {written} stands in a link title, an attribute, a comment or a script, where it "
            "cannot be rendered: move it into the text",
            katex=False,
        )
        return self.ext.fail(error, inline=True)

    def _fence(self, place: places.Place, before: str) -> tuple[str, str]:
        """The text before the token, and what stands for the token."""
        fence = self.ext.fences[place.token]
        if place.where == "code":
            # The line as written: the token stands after `math` and a space (which a highlighter may have put
            # in a span of its own) where the line had its header.
            header = fence.opening.header.lstrip(" \t")
            if not header:
                before = _SPACE_BEFORE_TOKEN_RE.sub("", before)
            return before, html.escape(header, quote=False)
        error = fence.error or MathError(
            self.ext.line(fence.lineno),
            "",
            True,
            f"Markdown does not read {fence.opening.head.strip()} as the opening of a fence: close it with a "
            "line of the same fence (```) at the same indentation, after the formula",
            katex=False,
        )
        return before, self.ext.fail(error)


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
        if "\x02pn-math:" not in text:
            return text

        def restore(m: re.Match[str]) -> str:
            index = int(m.group(1))
            if self.ext.final:
                return str(self.md.htmlStash.rawHtmlBlocks[index])
            return html.escape(self.ext.inline_tex[index][0], quote=False)

        return _HEADING_MARK_RE.sub(restore, text)
