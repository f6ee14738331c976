"""The Content-Security-Policy every page carries: the reader's browser enforces the site's promise.

The policy allows the site's own origin alone for everything a page fetches (scripts, stylesheets, images, fonts,
frames, connections, media, workers, the manifest), no plugin, no ``<base>`` or form to another origin. A
``javascript:`` URL, an event-handler attribute or an inline script the build did not write then does not run,
and no request leaves for another host, whatever the spelling that fooled a reader of the HTML. The theme's inline
scripts (and any inline ``<style>``) are allowed by their SHA-256, computed from the finished page; an inline
script that the page's Markdown or a formula brought is left out of the hashes, so the browser does not run it
and the check of what ships (`proven_numbers.shipped`) fails the build on it.

Styles: KaTeX lays out every formula with ``style=`` attributes (tens of thousands on this site), so
``style-src-attr`` is ``'unsafe-inline'``; an attribute's CSS can fetch only through ``url()``, which ``img-src``
and ``font-src`` still hold to the site. ``<style>`` elements are held to their hashes by ``style-src-elem``;
``style-src 'self' 'unsafe-inline'`` is the fallback of a browser without the two (CSP level 2).

The policy is a ``<meta http-equiv>``, the first child of ``<head>`` after ``<meta charset>``, before anything is
fetched: the site is static files and may be read from disk, where no header is sent.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = [
    "HTTP_EQUIV",
    "executable",
    "head_start",
    "inline_scripts",
    "inline_styles",
    "policy",
    "protect",
    "reloading",
    "source_hash",
]

#: The ``http-equiv`` of the policy's ``<meta>``.
HTTP_EQUIV = "Content-Security-Policy"
#: Every directive of the policy but the two that carry hashes, in the order written.
_FIXED = {
    "default-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "style-src-attr": "'unsafe-inline'",
    # Material draws its icons with CSS masks of data: SVG images; a data: URL makes no request.
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "media-src": "'self'",
    "frame-src": "'self'",
    "worker-src": "'self'",
    "manifest-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
#: ``type`` values of a ``<script>`` the browser runs (besides a JavaScript MIME type); any other is a data block.
_RUN_TYPES = frozenset({"", "module", "importmap", "speculationrules"})
_JAVASCRIPT_TYPES = re.compile(
    r"(?:application|text)/(?:x-)?(?:java|ecma)script|text/(?:javascript1\.[0-5]|jscript|livescript)", re.IGNORECASE
)


def source_hash(text: str) -> str:
    """The CSP source expression that allows an inline script or style of this text: ``'sha256-…'``."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def executable(script: LexborNode) -> bool:
    """Whether the browser runs this ``<script>`` (its ``type`` is absent, JavaScript, a module, ...), as opposed
    to a data block such as Material's ``type="application/json"`` configuration."""
    kind = (script.attributes.get("type") or "").strip()
    return kind.lower() in _RUN_TYPES or _JAVASCRIPT_TYPES.fullmatch(kind) is not None


def _elements(tree: LexborHTMLParser, tag: str) -> Iterator[LexborNode]:
    yield from tree.css(tag)
    for fragment in tree.template_fragments() or []:
        if fragment is not None:
            yield from fragment.css(tag)


def inline_scripts(tree: LexborHTMLParser) -> list[str]:
    """The text of every inline script the browser would run, in document order."""
    return [
        node.text(deep=True) or ""
        for node in _elements(tree, "script")
        if "src" not in node.attributes and executable(node)
    ]


def inline_styles(tree: LexborHTMLParser) -> list[str]:
    """The text of every ``<style>`` element, in document order."""
    return [node.text(deep=True) or "" for node in _elements(tree, "style")]


def policy(scripts: Iterable[str] = (), styles: Iterable[str] = ()) -> str:
    """The policy that allows the inline scripts and styles of these texts, and nothing else inline."""
    script_hashes = " ".join(dict.fromkeys(sorted(map(source_hash, scripts))))
    style_hashes = " ".join(dict.fromkeys(sorted(map(source_hash, styles))))
    directives = dict(_FIXED)
    directives["script-src"] = f"'self' {script_hashes}".strip()
    directives["style-src-elem"] = f"'self' {style_hashes}".strip()
    order = ["default-src", "script-src", "style-src", "style-src-elem", *_FIXED]
    directives = {name: directives[name] for name in dict.fromkeys(order)}
    return "; ".join(f"{name} {value}" for name, value in directives.items())


_CHARSET = re.compile(r"<meta\s[^>]*?\bcharset\s*=[^>]*>", re.IGNORECASE)
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)
#: Where a page without a ``<head>`` tag has its head: after its doctype and ``<html>`` tag, if it has them.
_START = re.compile(r"\s*(?:<!doctype[^>]*>\s*)?(?:<html(?:\s[^>]*)?>)?", re.IGNORECASE)


def protect(page: str, not_allowed: Iterable[str] = ()) -> str:
    """The page with its policy's ``<meta>`` first in ``<head>`` (after ``<meta charset>``).

    Args:
        page: the finished page.
        not_allowed: the texts of inline scripts the build did not write (the page's Markdown's): each is left out
            of the hashes once, so the browser does not run it.

    A page without a ``<head>`` tag (a fragment) gets the ``<meta>`` first: the browser puts it in the head it
    implies. The check of what ships (`proven_numbers.shipped`) verifies where the parser put it.
    """
    tree = LexborHTMLParser(page)
    scripts = Counter(inline_scripts(tree))
    scripts.subtract(Counter(not_allowed))
    meta = f'<meta http-equiv="{HTTP_EQUIV}" content="{policy(+scripts, inline_styles(tree))}">'
    at = head_start(page)
    return f"{page[:at]}\n  {meta}{page[at:]}"


def head_start(page: str) -> int:
    """Where the head's first element after ``<meta charset>`` goes: after the ``<head>`` tag and the charset
    declaration if it comes first, or where the browser would begin the head of a page without a ``<head>`` tag."""
    head = _HEAD.search(page) or _START.match(page)
    start = head.end() if head is not None else 0
    charset = _CHARSET.search(page, start)
    return charset.end() if charset is not None and not page[start : charset.start()].strip() else start


def _with_hash(page: bytes, script: str) -> bytes:
    """The page with `script`'s hash added to its policy's script-src."""
    marker = f'<meta http-equiv="{HTTP_EQUIV}" content="'.encode()
    start = page.find(marker)
    if start < 0:
        return page
    at = page.find(b"script-src 'self'", start, page.find(b">", start))
    if at < 0:
        return page
    at += len(b"script-src 'self'")
    return page[:at] + f" {source_hash(script)}".encode() + page[at:]


#: How the live preview's script begins (MkDocs' ``LiveReloadServer`` appends it to every page it serves).
_LIVERELOAD = "\nvar livereload = function(epoch, requestId)"


def reloading(app: Callable[..., Any]) -> Callable[..., Any]:
    """`mkdocs serve`'s WSGI application, with the live-reload script MkDocs appends to each page allowed by the
    page's policy (its hash added), so that the preview reloads; nothing else is allowed that the build did not."""

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], *info: Any) -> Callable[[bytes], Any]:
            captured.update(status=status, headers=headers, info=info)
            return lambda _data: None

        body = b"".join(app(environ, capture))
        headers = captured.get("headers", [])
        html = any(name.lower() == "content-type" and "text/html" in value for name, value in headers)
        if html:
            tree = LexborHTMLParser(body.decode("utf-8", "replace"))
            reload = [script for script in inline_scripts(tree) if script.startswith(_LIVERELOAD)]
            if reload:
                body = _with_hash(body, reload[-1])
                headers = [(n, str(len(body)) if n.lower() == "content-length" else v) for n, v in headers]
        start_response(captured.get("status", "500 Internal Server Error"), headers, *captured.get("info", ()))
        return [body]

    return serve
