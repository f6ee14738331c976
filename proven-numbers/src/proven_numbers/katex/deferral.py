"""Light stand-ins for rendered math while the rest of the build parses a page.

KaTeX's HTML is large (some 2 KB and 150 tags a formula), and everything that parses a page's HTML during the
build pays for it: Material's search plugin most of all, which indexes every page in `on_page_context`. A page
built with stand-ins and restored in `on_post_page` costs those parsers no more than a line of text a formula.

What a stand-in holds is what the search index, the table of contents and the page's title read for the formula:
the TeX the caller passes, or with ``plain_text=True`` (the site's build) the formula as a reader reads it,
numbers and identifiers without TeX commands (`proven_numbers.katex.plain_text`), instead of KaTeX's text soup.

A `Deferral` belongs to one build: the hooks make one in `on_config` and hand it to the Markdown extension, so
what one build deferred never outlives it under `mkdocs serve`.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re

from proven_numbers.katex.errors import KatexSetupError
from proven_numbers.katex.plain_text import plain_text as formula_text

__all__ = ["DEFERRED_CLASS", "NOWRAP_CLASS", "Deferral"]

DEFERRED_CLASS = "pn-math-deferred"
_DEFERRED_RE = re.compile(f'<span class="{DEFERRED_CLASS}" data-key="([0-9a-f]{{24}})">[^<]*</span>')
#: The class of the span that keeps an inline formula and the punctuation right after it on one line.
NOWRAP_CLASS = "pn-math-nowrap"
#: An inline formula's stand-in, alone or as the whole of a shown value's element (``PREFIX-value``), and the
#: punctuation right after it.
_BEFORE_PUNCTUATION = re.compile(
    r'(?P<value><span class="[a-z][a-z0-9-]*-value[^"]*"(?:\s[a-z-]+="[^"]*")*>)?'
    f'<span class="{DEFERRED_CLASS}" data-key="[0-9a-f]{{24}}">[^<]*</span>'
    r"(?(value)</span>)[,.;:!?)\]}…’”]+"
)


class Deferral:
    """The rendered math of one build, held back until `restore` puts it in the finished pages.

    Args:
        plain_text: stand-ins show each formula as plain text read from KaTeX's MathML (``p = x W + b``),
            instead of the text `defer` is given (the TeX); a rendering without MathML keeps that text.
        nowrap: keep each inline formula and the punctuation right after it on one line (in a span of class
            `NOWRAP_CLASS`, which the math font's stylesheet sets `white-space: nowrap`).
    """

    def __init__(self, plain_text: bool = False, nowrap: bool = False) -> None:
        self._html: dict[str, str] = {}
        self._text: dict[str, str] = {}
        self.plain_text = plain_text
        self.nowrap = nowrap

    def __len__(self) -> int:
        return len(self._html)

    def defer(self, html: str, text: str) -> str:
        """A light stand-in for rendered math, until `restore` puts the HTML back.

        Args:
            html: the rendered HTML.
            text: what the stand-in shows meanwhile, normally the TeX (with `plain_text`, only when the HTML
                holds no MathML).

        Returns:
            `<span class="pn-math-deferred" data-key="...">text</span>`.
        """
        key = hashlib.sha256(html.encode("utf-8")).hexdigest()[:24]
        if key not in self._html:
            self._html[key] = html
            self._text[key] = (formula_text(html) if self.plain_text else None) or text
        shown = self._text[key] if self.plain_text else text
        return f'<span class="{DEFERRED_CLASS}" data-key="{key}">{html_lib.escape(shown, quote=False)}</span>'

    def holds_math(self, text: str) -> bool:
        """Whether `text` holds a stand-in of this build's (a page with at least one formula)."""
        return any(m.group(1) in self._html for m in _DEFERRED_RE.finditer(text))

    def restore(self, text: str) -> str:
        """Put the rendered HTML back in place of every stand-in (call it in `on_post_page`); with `nowrap`, an
        inline formula and the punctuation right after it in one span that does not wrap.

        A browser may break a line after a formula, an inline box of its own, even where the text goes on with a
        comma: Chromium set ", so" and ". See" at the start of lines in Parts II and III (a word joiner, U+2060,
        which Unicode's line breaking reads as "no break here", did not stop it).

        Raises:
            KatexSetupError: a stand-in this build never made.
        """
        if DEFERRED_CLASS not in text:
            return text

        def put_back(m: re.Match[str]) -> str:
            try:
                return self._html[m.group(1)]
            except KeyError:
                raise KatexSetupError(
                    f"no rendered math for the stand-in {m.group(0)!r}: restore() must be called on the Deferral "
                    "of the build that converted the page"
                ) from None

        if self.nowrap:
            text = _BEFORE_PUNCTUATION.sub(rf'<span class="{NOWRAP_CLASS}">\g<0></span>', text)
        return _DEFERRED_RE.sub(put_back, text)
