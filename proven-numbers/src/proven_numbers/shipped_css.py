"""The URLs a stylesheet makes the browser fetch, read from CSS's own tokens (CSS Syntax Level 3, by tinycss2).

A browser reads ``url(\\68ttps://host/x.png)`` as ``url(https://host/x.png)``, ``u\\72l(...)`` as ``url(...)``,
``@import"a.css"`` with no space as an import, and fetches the strings of ``image-set(...)`` and ``src(...)``: so
does this module, since it reads the same tokens the browser reads, escapes decoded. Strings anywhere else
(``content: "https://..."``) are text, not requests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import tinycss2  # type: ignore[import-untyped]

__all__ = ["fetched_urls"]

#: Functions whose string argument is a URL the browser fetches.
_URL_FUNCTIONS = frozenset({"url", "src"})
#: Functions each of whose string arguments is a URL (an image per resolution).
_SET_FUNCTIONS = frozenset({"image-set", "-webkit-image-set"})


def _strings(tokens: Iterable[Any]) -> Iterator[Any]:
    return (token for token in tokens if token.type == "string")


def _walk(tokens: Iterable[Any]) -> Iterator[tuple[str, int]]:
    for token in tokens:
        kind = token.type
        if kind == "url":
            yield token.value, token.source_line
        elif kind == "function":
            name = token.lower_name
            if name in _URL_FUNCTIONS:
                yield from ((string.value, string.source_line) for string in list(_strings(token.arguments))[:1])
            elif name in _SET_FUNCTIONS:
                yield from ((string.value, string.source_line) for string in _strings(token.arguments))
            yield from _walk(token.arguments)
        elif kind in {"() block", "[] block", "{} block"}:
            yield from _walk(token.content)
        elif kind == "at-rule":
            if token.lower_at_keyword == "import":
                yield from ((string.value, string.source_line) for string in list(_strings(token.prelude))[:1])
            yield from _walk(token.prelude)
            yield from _walk(token.content or [])
        elif kind == "qualified-rule":
            yield from _walk(token.prelude)
            yield from _walk(token.content)


def fetched_urls(css: str, *, declarations: bool = False) -> list[tuple[str, int]]:
    """Each URL the CSS makes the browser fetch, as written (escapes decoded, not yet resolved), with its line.

    Args:
        css: a stylesheet (a ``.css`` file, a ``<style>`` element's text), or the declarations of a ``style=``
            attribute when `declarations` is set.
        declarations: read `css` as a declaration list, as the browser reads a ``style=`` attribute.
    """
    if declarations:
        nodes: list[Any] = tinycss2.parse_blocks_contents(css)
        tokens = [token for node in nodes if node.type == "declaration" for token in node.value]
        tokens += [node for node in nodes if node.type != "declaration"]
    else:
        tokens = tinycss2.parse_stylesheet(css)
    return list(_walk(tokens))
