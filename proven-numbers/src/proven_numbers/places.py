"""Where each token ended up once Markdown has made the page: the parser's own answer, read from its HTML.

Before Markdown runs, every candidate marker of a page is swapped for a token (`proven_numbers.markers.injector`), and
so is every inline formula (`proven_numbers.mdext`).
Markdown then decides, by its own rules and those of every extension, what is code, what is a heading, what is a
link title or an attribute. `find` reads the HTML it made with an HTML parser and tells, for each token, the kind
of place it stands in:

- ``text``: ordinary text, where a marker shows its value;
- ``code``: a code span or block, where the marker is an example and is shown as written;
- ``heading``, ``attribute``, ``comment``, ``script``, ``formula``: places where a value cannot stand.
"""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Place", "Where", "find", "phrasing"]

Where = Literal["text", "code", "heading", "attribute", "comment", "script", "formula"]

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CODE = frozenset({"code", "pre", "kbd", "samp"})
_SCRIPTS = frozenset({"script", "style", "textarea", "title"})
#: Elements that hold text but no block: a block value there would be invalid HTML.
_PHRASING = frozenset({"p", "span", "a", "em", "strong", "b", "i", "sup", "sub", "small", "mark", "abbr", "label"})
#: HTML's void elements, which have no end tag.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
#: Elements whose content the browser does not show the reader: a template's is inert, a <noscript>'s is for a
#: browser without scripts, an <option>'s is a choice in a list (only the chosen one shows, and as plain text).
_UNSHOWN = frozenset({"template", "noscript", "option"})
_FORMULA_CLASSES = frozenset({"katex", "katex-display", "pn-math-deferred", "pn-math-off"})
#: The one line break html.parser counts.
_NEWLINE = re.compile("\n")


@dataclass
class Place:
    """Where one token stands in the page's HTML.

    Attributes:
        token: the token.
        start: its offset in the HTML.
        where: the kind of place (see the module docstring).
        parent: the tag of the element whose text holds it ("" at the top level).
        alone: whether it is all the text of that element (surrounding white space aside).
        parent_start: the offset of the parent's start tag, when `alone`.
        parent_end: the offset just past the parent's end tag, when `alone`.
        hidden: the start of the innermost element around it whose content the browser does not show the reader
            (``<template>``, ``<noscript>``, ``<option>``, or one with the ``hidden`` attribute), or "".
    """

    token: str
    start: int
    where: Where
    parent: str = ""
    alone: bool = False
    parent_start: int = -1
    parent_end: int = -1
    hidden: str = ""


@dataclass
class _Open:
    tag: str
    start: int
    inner: int
    kind: Where | None
    hidden: str = ""
    places: list[Place] = field(default_factory=list)


class _Locator(html.parser.HTMLParser):
    def __init__(self, page: str, token: re.Pattern[str]) -> None:
        super().__init__(convert_charrefs=False)
        self.page = page
        self.token = token
        self.places: list[Place] = []
        self.stack: list[_Open] = []
        # The parser's own line index: html.parser counts lines at "\n" alone (`getpos`), so its positions are
        # offsets only against line starts found the same way. `str.splitlines` would also split at U+2028,
        # U+2029, NEL, a form feed, a vertical tab and \x1c-\x1e, which text pasted from a PDF brings, and shift
        # every offset after them.
        self._line_starts = [0, *(match.end() for match in _NEWLINE.finditer(page))]

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _where(self) -> Where:
        for element in reversed(self.stack):
            if element.kind is not None:
                return element.kind
        return "text"

    def _found(self, text: str, at: int, where: Where) -> None:
        for match in self.token.finditer(text):
            parent = self.stack[-1] if self.stack else None
            hidden = next((element.hidden for element in reversed(self.stack) if element.hidden), "")
            place = Place(match.group(), at + match.start(), where, parent.tag if parent else "", hidden=hidden)
            self.places.append(place)
            if parent is not None and where == "text":
                parent.places.append(place)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        text = self.get_starttag_text() or ""
        self._found(text, start, "attribute")
        if tag in _VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        kind: Where | None = None
        if tag in _CODE:
            kind = "code"
        elif tag in _HEADINGS:
            kind = "heading"
        elif tag in _SCRIPTS:
            kind = "script"
        elif classes & _FORMULA_CLASSES:
            kind = "formula"
        hidden = f"<{tag}>" if tag in _UNSHOWN else f"<{tag} hidden>" if "hidden" in dict(attrs) else ""
        self.stack.append(_Open(tag, start, start + len(text), kind, hidden))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._found(self.get_starttag_text() or "", self._offset(), "attribute")

    def handle_endtag(self, tag: str) -> None:
        end = self._offset()
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth].tag == tag:
                break
        else:
            return  # a stray end tag
        element = self.stack[depth]
        del self.stack[depth:]  # and every element left open inside it
        inner = self.page[element.inner : end].strip()
        for place in element.places:
            if inner == place.token:
                place.alone = True
                place.parent_start = element.start
                place.parent_end = self.page.index(">", end) + 1

    def handle_data(self, data: str) -> None:
        self._found(data, self._offset(), self._where())

    def handle_entityref(self, name: str) -> None:
        pass

    def handle_charref(self, name: str) -> None:
        pass

    def handle_comment(self, data: str) -> None:
        self._found(data, self._offset(), "comment")

    def handle_decl(self, decl: str) -> None:
        self._found(decl, self._offset(), "comment")

    def handle_pi(self, data: str) -> None:
        self._found(data, self._offset(), "comment")

    def unknown_decl(self, data: str) -> None:
        self._found(data, self._offset(), "comment")


def find(page: str, token: re.Pattern[str]) -> list[Place]:
    """Every occurrence of a token in the page's HTML, with the kind of place it stands in, in page order.

    Args:
        page: the page's HTML, as Markdown made it.
        token: what a token looks like: a pattern that matches a part of the page where it matches the whole (no
            anchor or lookaround at its ends), as the markers' and formulas' tokens are.
    """
    if token.search(page) is None:  # every place is part of the page: a page without the token has none
        return []
    locator = _Locator(page, token)
    locator.feed(page)
    locator.close()
    if locator.rawdata:  # an unterminated construct at the end: what is left is text
        locator._found(locator.rawdata, len(page) - len(locator.rawdata), locator._where())
    return sorted(locator.places, key=lambda place: place.start)


def phrasing(place: Place) -> bool:
    """Whether the place's parent element admits no block (a paragraph, a link, an emphasis)."""
    return place.parent in _PHRASING
