"""Renderings on disk, so that a build renders only the formulas that changed (of this site's 668 formulas, KaTeX
renders all in about 1.2 s; the cache serves them, checked, in about a fifth of a second).

An entry is filed under ``sha256(TeX, display mode, KaTeX options, KaTeX version)``, and is served only if its
own HTML says it is that rendering (`entry_mismatch`): the TeX in its MathML annotation is the TeX asked for;
its outer span (or, for MathML alone, its `<math>`) says the display mode, fleqn and leqno asked for; its MathML
is alone or beside KaTeX's HTML as the output asked for. Nor may it hold anything KaTeX does not write: only
KaTeX's vocabulary (`KATEX_TAGS`, `KATEX_ATTRIBUTES`, style declarations of lengths and colours), in KaTeX's own
spelling (every attribute double-quoted, text escaped), balanced. Such HTML reads the same to every HTML parser
and holds no script, no event handler, no URL and no request; a file that is anything else (swapped, damaged,
foreign or poisoned) is rendered again and overwritten. What no check short of rendering can prove is that the
glyphs are KaTeX's for that TeX. The same vocabulary check (`entry_problem`) is applied to every rendering
`node` sends back, before the build uses it: the formula's text is never read, only its elements, attributes and
styles. An entry read from disk must be in KaTeX's spelling first, which every HTML parser reads alike, so its
vocabulary is checked on the tags the spelling check has read (with html.parser as well, it cost a build of this
site 0.7 s).
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
from collections.abc import Mapping, Sequence
from html import unescape
from pathlib import Path
from typing import Any

__all__ = [
    "KATEX_ATTRIBUTES",
    "KATEX_TAGS",
    "DiskCache",
    "cache_key",
    "entry_mismatch",
    "entry_problem",
    "options_json",
]

log = logging.getLogger("mkdocs.plugins.proven_numbers.katex")

#: How KaTeX's HTML starts: an inline formula, or one in display mode (with its leqno and fleqn classes).
_OPENING = re.compile(r'<span class="katex(?:-display(?: (?:leqno|fleqn))*)?">')

#: Every element KaTeX writes without `trust` (which the site never gives): its HTML spans, the SVG of stretchy
#: symbols, and its MathML (`a`, `img` and MathML's `mglyph` are written only for commands that need trust).
KATEX_TAGS = frozenset(
    {"span", "svg", "path", "line", "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext"}
    | {"mspace", "mfrac", "msqrt", "mroot", "msub", "msup", "msubsup", "munder", "mover", "munderover", "mtable"}
    | {"mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose"}
)
#: The elements KaTeX closes with ``/>``, and the element they are then inside: SVG's path and line, and MathML's
#: space (``\\kern``, ``\\hspace``).
_SELF_CLOSED = {"path": "svg", "line": "svg", "mspace": "math"}
#: Every attribute KaTeX writes without `trust`: none holds a URL or a script (no href, src, on..., id, title).
KATEX_ATTRIBUTES = frozenset(
    {"class", "style", "aria-hidden", "xmlns", "display", "encoding", "width", "height", "viewbox", "d"}
    | {"preserveaspectratio", "x1", "y1", "x2", "y2", "stroke-width", "mathvariant", "fence", "stretchy", "lspace"}
    | {"rspace", "minsize", "maxsize", "separator", "accent", "accentunder", "voffset", "depth", "notation"}
    | {"scriptlevel", "displaystyle", "mathcolor", "mathbackground", "mathsize", "linethickness", "columnalign"}
    | {"columnspacing", "columnlines", "rowspacing", "rowlines", "linebreak", "largeop"}
)
#: The CSS properties KaTeX's inline styles set (`style.X =` and `setAttribute("style", ...)` in katex.js).
_STYLE_PROPERTIES = frozenset(
    {"background-color", "border", "border-bottom-width", "border-color", "border-right-style"}
    | {"border-right-width", "border-style", "border-top-width", "border-width", "bottom", "color", "height"}
    | {"left", "margin", "margin-left", "margin-right", "margin-top", "min-width", "padding-left", "position"}
    | {"text-shadow", "top", "vertical-align", "width"}
)
#: A value of KaTeX's inline styles: lengths, numbers, keywords and colours, and `calc(...)` of them; no other
#: function (no url()), no escape, no quote, no comment.
_STYLE_VALUE = re.compile(r"(?:[-+#a-z0-9.% ]|(?<![-a-z0-9])calc\([-+a-z0-9.% ]*\))*", re.IGNORECASE)


def _tag_problem(tag: str, attrs: Sequence[tuple[str, str | None]]) -> str | None:
    """The first thing in a start tag, as an HTML parser reads it (names in lower case, values unescaped), that
    KaTeX does not write; None if none."""
    if tag not in KATEX_TAGS:
        return f"a <{tag}>, which KaTeX does not write"
    for name, value in attrs:
        if name not in KATEX_ATTRIBUTES:
            return f"the attribute {name}, which KaTeX does not write"
        if name == "class" and "katex-error" in (value or "").split():
            return "KaTeX's error output"
        if name == "style":
            for declaration in (value or "").split(";"):
                prop, colon, css = declaration.partition(":")
                if declaration.strip() and (
                    not colon or prop.strip() not in _STYLE_PROPERTIES or not _STYLE_VALUE.fullmatch(css.strip())
                ):
                    return f"the style {declaration.strip()!r}, which KaTeX does not write"
    return None


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
        problem = _tag_problem(tag, attrs)
        if problem is not None:
            self._refuse(problem)

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


def _vocabulary_problem(html: str) -> str | None:
    """The first thing in `html` that KaTeX does not write, read as an HTML parser reads it; None if none."""
    reader = _Vocabulary()
    reader.feed(html)
    reader.close()
    if reader.problem is None and reader.rawdata:
        reader.problem = f"an unfinished tag {reader.rawdata[:40]!r}"
    return None if reader.problem is None else f"HTML holding {reader.problem}"


def entry_problem(html: object) -> str | None:
    """Why `html` is not a rendering the site may ship, or None when it is one: one KaTeX formula, made only of
    the elements, attributes and styles KaTeX writes (`KATEX_TAGS`, `KATEX_ATTRIBUTES`), with no error in it.

    What the formula's text says is not read: ``\\text{user id=7}`` and ``\\texttt{javascript:}`` are text."""
    if not isinstance(html, str):
        return f"a {type(html).__name__}, not HTML"
    if not _OPENING.match(html) or not html.endswith("</span>"):
        return "something other than one KaTeX formula"
    return _vocabulary_problem(html)


#: KaTeX's HTML is start tags (attributes double-quoted, as KaTeX writes them; MathML's class as `class ="..."`),
#: end tags and text. Text and values hold no `<`, `>`, quote or bare `&`: KaTeX escapes them as these five
#: references. Nothing else (no comment, no unquoted value, no stray `<`) is KaTeX's.
_TEXT = r"(?:[^<>&\"']|&(?:amp|lt|gt|quot|#x27);)"
_TAG = rf'<(/?)([a-z]+)((?: [a-zA-Z][a-zA-Z0-9-]* ?="{_TEXT}*")*)(/?)>'
_TAG_RE = re.compile(_TAG)
#: One attribute of such a tag.
_ATTRIBUTE = re.compile(rf' ([a-zA-Z][a-zA-Z0-9-]*) ?="({_TEXT}*)"')
_SPELLING = re.compile(rf"(?:{_TAG}|{_TEXT}++)*+")  # possessive: linear, never backtracking
_ANNOTATION_RE = re.compile(rf'<annotation encoding="application/x-tex">({_TEXT}*)</annotation>')
_MATH_BLOCK = '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">'
_WRAPPER = re.compile(
    r'<span class="katex-display((?: leqno)?)((?: fleqn)?)"><span class="katex">|<span class="katex">'
)


def entry_mismatch(html: object, tex: str, display: bool, options: Mapping[str, Any]) -> str | None:
    """Why `html` is not KaTeX's rendering of `tex` with `display` and `options`, as far as its own text can say;
    None when it says it is (see the module docstring).

    Args:
        html: a cache entry's HTML.
        tex: the formula asked for.
        display: the mode asked for.
        options: the KaTeX options asked for (fleqn, leqno and output are read back from the HTML).
    """
    if not isinstance(html, str):
        return f"a {type(html).__name__}, not HTML"
    wrapper = _WRAPPER.match(html)
    if wrapper is None:
        return "something other than one KaTeX formula"
    if options.get("output") == "mathml":  # MathML alone: display mode is the <math>'s, with no outer span
        if '<span class="katex-html"' in html or wrapper.group(0) != '<span class="katex">':
            return "a formula of another output"
        if html.startswith(_MATH_BLOCK, len(wrapper.group(0))) != bool(display):
            return "a formula of the other mode"
    else:
        if '<span class="katex-html"' not in html:
            return "a formula of another output"
        if (wrapper.group(0) != '<span class="katex">') != bool(display):
            return "a formula of the other mode"
        if display and (bool(wrapper.group(1)), bool(wrapper.group(2))) != (
            bool(options.get("leqno")),
            bool(options.get("fleqn")),
        ):
            return "a formula of other fleqn or leqno options"
    if not _SPELLING.fullmatch(html) or not html.endswith("</span>"):
        return "HTML not in KaTeX's spelling"
    annotation = _ANNOTATION_RE.findall(html)
    if len(annotation) != 1 or html.count("<annotation") != 1 or unescape(annotation[0]) != tex:
        return "the rendering of another formula (its annotation holds other TeX)"
    open_tags: list[str] = []
    finished = False  # the outer span is closed: nothing may follow
    for end, name, attributes, closed in _TAG_RE.findall(html):
        if finished:
            return "more than one formula"
        if end:
            if attributes or closed or not open_tags or open_tags.pop() != name:
                return f"an unbalanced </{name}>"
            finished = not open_tags
            continue
        if not closed:
            open_tags.append(name)
        elif _SELF_CLOSED.get(name) not in open_tags:
            return f"a <{name}/> where KaTeX writes none"
        # In KaTeX's spelling, every parser reads these tags and attributes (html.parser is ten times slower at it).
        attrs = [(key.lower(), unescape(value)) for key, value in _ATTRIBUTE.findall(attributes)]
        problem = _tag_problem(name, attrs)
        if problem is not None:
            return f"HTML holding {problem}"
    if open_tags:
        return f"an unclosed <{open_tags[-1]}>"
    return None


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

    def read(self, key: str, version: str, tex: str, display: bool, options: Mapping[str, Any]) -> str | None:
        """The entry's HTML, or None when it is missing, damaged, another key's or version's, or not, by its own
        text, KaTeX's rendering of `tex` with `display` and `options` (`entry_mismatch`); it is then rendered
        again and overwritten."""
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != key or data.get("katex") != version:
            return None
        html = data.get("html")
        problem = entry_mismatch(html, tex, display, options)
        if problem is not None:
            log.debug("ignoring the KaTeX cache entry %s: %s", self.path(key), problem)
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
