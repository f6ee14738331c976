"""Renderings on disk, so that a build renders only the formulas that changed.

An entry is keyed by ``sha256(TeX, display mode, KaTeX options, KaTeX version)``: a change of any of these
is a different key, so a stale rendering is never served. An entry is trusted only as far as it is checked:
it must name its own key and the installed KaTeX version, and hold one KaTeX rendering with no error in it,
made of nothing KaTeX does not write (`entry_problem`); anything else is rendered again and overwritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import html.parser
import json
import logging
import os
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["KATEX_ATTRIBUTES", "KATEX_TAGS", "DiskCache", "cache_key", "entry_problem", "options_json"]

log = logging.getLogger("mkdocs.plugins.proven_numbers.katex")

#: How KaTeX's HTML starts: an inline formula, or one in display mode (with its fleqn or leqno class).
_OPENING = re.compile(r'<span class="katex(?:-display(?: fleqn)?(?: leqno)?)?">')
#: Every element KaTeX writes without `trust` (which the site never gives): its HTML spans, the SVG of stretchy
#: symbols, and its MathML (`a`, `img` and MathML's `mglyph` are written only for commands that need trust).
KATEX_TAGS = frozenset(
    {"span", "svg", "path", "line", "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext"}
    | {"mspace", "mfrac", "msqrt", "mroot", "msub", "msup", "msubsup", "munder", "mover", "munderover", "mtable"}
    | {"mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose"}
)
#: The elements KaTeX closes with ``/>``: SVG's path and line, and MathML's space (``\\kern``, ``\\hspace``).
_SELF_CLOSED = frozenset({"path", "line", "mspace"})
#: Every attribute KaTeX writes without `trust`: none holds a URL or a script (no href, src, on..., id, title).
KATEX_ATTRIBUTES = frozenset(
    {"class", "style", "aria-hidden", "xmlns", "display", "encoding", "width", "height", "viewbox", "d"}
    | {"preserveaspectratio", "x1", "y1", "x2", "y2", "stroke-width", "mathvariant", "fence", "stretchy", "lspace"}
    | {"rspace", "minsize", "maxsize", "separator", "accent", "accentunder", "voffset", "depth", "notation"}
    | {"scriptlevel", "displaystyle", "mathcolor", "mathbackground", "mathsize", "linethickness", "columnalign"}
    | {"columnspacing", "columnlines", "rowspacing", "rowlines", "linebreak", "largeop"}
)
#: A value of KaTeX's inline styles: lengths, numbers, keywords and colours, and `calc(...)` of them; no other
#: function (no url()), no escape, no quote, no comment.
_STYLE_VALUE = re.compile(r"(?:[-+#a-z0-9.% ]|(?<![-a-z0-9])calc\([-+a-z0-9.% ]*\))*", re.IGNORECASE)


class _Vocabulary(html.parser.HTMLParser):
    """Reads a rendering as an HTML parser does, and keeps the first thing in it that KaTeX does not write.

    The text of a formula is the reader's (``\\text{<img src=x>}`` is text, escaped by KaTeX): only elements,
    attributes and styles are read. With no element whose content is raw text (no script, style, textarea or
    title) and no comment, declaration or CDATA section allowed, a browser's parser splits it into the same
    elements and text as this one.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problem: str | None = None

    def _refuse(self, problem: str) -> None:
        if self.problem is None:
            self.problem = problem

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in KATEX_TAGS:
            self._refuse(f"a <{tag}>, which KaTeX does not write")
        for name, value in attrs:
            if name not in KATEX_ATTRIBUTES:
                self._refuse(f"the attribute {name}, which KaTeX does not write")
            elif name == "class" and "katex-error" in (value or "").split():
                self._refuse("KaTeX's error output")
            elif name == "style":
                for declaration in (value or "").split(";"):
                    _, colon, css = declaration.partition(":")
                    if declaration.strip() and (not colon or not _STYLE_VALUE.fullmatch(css.strip())):
                        self._refuse(f"the style {declaration.strip()!r}, which KaTeX does not write")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SELF_CLOSED:
            self._refuse(f"a <{tag}/>, which KaTeX does not write")
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self._refuse("a comment")

    def handle_decl(self, decl: str) -> None:
        self._refuse("a declaration")

    def handle_pi(self, data: str) -> None:
        self._refuse("a processing instruction")

    def unknown_decl(self, data: str) -> None:
        self._refuse("a CDATA section or declaration")


def entry_problem(html: object) -> str | None:
    """Why `html` is not a rendering the site may ship, or None when it is one: one KaTeX formula, made only of
    the elements, attributes and styles KaTeX writes (`KATEX_TAGS`, `KATEX_ATTRIBUTES`), with no error in it.

    What the formula's text says is not read: ``\\text{user id=7}`` and ``\\texttt{javascript:}`` are text."""
    if not isinstance(html, str):
        return f"a {type(html).__name__}, not HTML"
    if not _OPENING.match(html) or not html.endswith("</span>"):
        return "something other than one KaTeX formula"
    reader = _Vocabulary()
    reader.feed(html)
    reader.close()
    if reader.problem is None and reader.rawdata:
        reader.problem = f"an unfinished tag {reader.rawdata[:40]!r}"
    return None if reader.problem is None else f"HTML holding {reader.problem}"


def options_json(options: Mapping[str, Any]) -> str:
    """KaTeX options as canonical JSON (sorted keys), the form that keys the cache."""
    return json.dumps(options, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def cache_key(tex: str, display: bool, options: Mapping[str, Any], version: str) -> str:
    """The cache key of one rendering.

    Args:
        tex: the formula's TeX source, exactly as rendered.
        display: display mode (True) or inline (False).
        options: KaTeX options other than `displayMode` (key order does not matter).
        version: the KaTeX version.

    Returns:
        A hex sha256 digest of all four, unambiguously encoded.
    """
    payload = json.dumps([tex, bool(display), json.loads(options_json(options)), version], sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class DiskCache:
    """Entries as small JSON files under `folder`, two hex digits of fan-out.

    Args:
        folder: where the entries live, such as ``<project>/.cache/katex``.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._dirs: set[Path] = set()

    def path(self, key: str) -> Path:
        """The file of one entry."""
        return self.folder / key[:2] / f"{key}.json"

    def read(self, key: str, version: str) -> str | None:
        """The entry's HTML, or None when it is missing, damaged, another key's or version's, or not a clean
        KaTeX rendering (it is then rendered again and overwritten)."""
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != key or data.get("katex") != version:
            return None
        html = data.get("html")
        if entry_problem(html) is not None:
            log.debug("ignoring the KaTeX cache entry %s: %s", self.path(key), entry_problem(html))
            return None
        assert isinstance(html, str)
        return html

    def write(self, key: str, html: str, version: str) -> None:
        """Write one entry atomically: to a temporary name unique to this process, then renamed."""
        path = self.path(key)
        tmp = path.with_name(f".tmp-{os.getpid()}-{threading.get_ident()}-{path.name}")
        try:
            if path.parent not in self._dirs:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._dirs.add(path.parent)
            tmp.write_text(json.dumps({"key": key, "katex": version, "html": html}), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as err:
            log.debug("cannot write the KaTeX cache entry %s: %s", path, err)
            with contextlib.suppress(OSError):
                tmp.unlink()
