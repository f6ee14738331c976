"""Preloading the KaTeX fonts that nearly every formula needs, so that a page's first screen is laid out once.

KaTeX's stylesheet declares its fonts with ``font-display: block``: until a font arrives, the browser lays the
formula out in a fallback font's metrics and shows nothing; when it arrives, every formula set in it is laid out
again, and the text after an inline formula moves (on the derivations page, a layout shift of 0.14 on a phone).
The browser only learns which fonts a page needs once the stylesheet is in and the formulas are styled. A
``<link rel="preload">`` in the head asks for the fonts with the stylesheet instead, so that they are usually in
before the first paint.

Which fonts (`katex.preload_fonts`) is the site's choice: each one preloaded is fetched on every page with a
formula, whether its first screen uses it or not.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence

from mkdocs.exceptions import PluginError

__all__ = ["font_uris", "links", "with_links"]

#: What a preloaded font's file is (KaTeX's fonts come as woff2, woff and ttf; every browser that preloads reads woff2).
FONT_SUFFIX = ".woff2"


def font_uris(names: Sequence[str], asset_uris: Iterable[str]) -> list[str]:
    """The site paths of the fonts named in `katex.preload_fonts`, such as ``KaTeX_Main-Regular``.

    Raises:
        PluginError: a name that is not one of the KaTeX package's fonts, naming the option and what it may be.
    """
    fonts = {posixpath.basename(uri).removesuffix(FONT_SUFFIX): uri for uri in asset_uris if uri.endswith(FONT_SUFFIX)}
    unknown = [name for name in names if name not in fonts]
    if unknown:
        raise PluginError(
            f"proven-numbers: katex.preload_fonts: {', '.join(map(repr, unknown))} is not one of KaTeX's fonts; "
            f"they are {', '.join(sorted(fonts))}"
        )
    return [fonts[name] for name in dict.fromkeys(names)]


def links(uris: Sequence[str], dest: str) -> str:
    """The ``<link rel="preload">`` elements for the page written at `dest` (its path in the site, such as
    ``part-2/index.html``), each address relative to the page, as the rest of the theme writes them."""
    up = "../" * dest.count("/")
    return "".join(f'\n  <link rel="preload" href="{up}{uri}" as="font" type="font/woff2" crossorigin>' for uri in uris)


def with_links(page: str, head_end: int, elements: str) -> str:
    """The page with `elements` put at `head_end`, the offset where its head's content begins."""
    return f"{page[:head_end]}{elements}{page[head_end:]}"
