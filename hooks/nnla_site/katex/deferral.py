"""Light stand-ins for rendered math while the rest of the build parses a page.

KaTeX's HTML is large (some 2 KB and 150 tags a formula), and everything that parses a page's HTML during the
build pays for it: Material's search plugin most of all, which indexes every page in `on_page_context`. A page
built with stand-ins and restored in `on_post_page` costs those parsers no more than its TeX, and the search
index holds the TeX instead of KaTeX's text soup.

A `Deferral` belongs to one build: the hooks make one in `on_config` and hand it to the Markdown extension, so
what one build deferred never outlives it under `mkdocs serve`.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re

from nnla_site.katex.errors import KatexSetupError

__all__ = ["DEFERRED_CLASS", "Deferral"]

DEFERRED_CLASS = "nnla-math-deferred"
_DEFERRED_RE = re.compile(f'<span class="{DEFERRED_CLASS}" data-key="([0-9a-f]{{24}})">[^<]*</span>')


class Deferral:
    """The rendered math of one build, held back until `restore` puts it in the finished pages."""

    def __init__(self) -> None:
        self._html: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._html)

    def defer(self, html: str, text: str) -> str:
        """A light stand-in for rendered math, until `restore` puts the HTML back.

        Args:
            html: the rendered HTML.
            text: what the stand-in shows meanwhile, normally the TeX.

        Returns:
            `<span class="nnla-math-deferred" data-key="...">text</span>`.
        """
        key = hashlib.sha256(html.encode("utf-8")).hexdigest()[:24]
        self._html[key] = html
        return f'<span class="{DEFERRED_CLASS}" data-key="{key}">{html_lib.escape(text, quote=False)}</span>'

    def restore(self, text: str) -> str:
        """Put the rendered HTML back in place of every stand-in (call it in `on_post_page`).

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

        return _DEFERRED_RE.sub(put_back, text)
