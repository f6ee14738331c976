"""The check of what ships: every ``.html`` and ``.css`` file of the built site, read as a browser reads it.

Pages are parsed by Lexbor (selectolax), an HTML parser that follows the WHATWG HTML standard's tree construction:
``<svg><style><img src=…>`` is an ``<img>`` element there as in the browser, and ``java&#9;script:`` is
``java<TAB>script:``. Each URL is resolved against the page's base URL by ada (the WHATWG URL standard: tabs and
newlines dropped, ``https:\\\\host\\x.png`` read as ``https://host/x.png``), and each stylesheet is read as CSS
tokens (`proven_numbers.shipped_css`). What a file may hold:

- nothing the browser fetches from another origin: ``src``, ``srcset``, ``href`` of an element that fetches it
  (a stylesheet, an icon, an SVG image, ...), ``data``, ``poster``, ``action``, ``formaction``, ``ping``,
  ``xlink:href``, ``url()``/``image-set()``/``@import`` in a stylesheet, a ``<style>`` or a ``style=``; a link to
  another site (``<a href>``, ``<link rel=canonical>``) is no request;
- no ``javascript:`` URL in any attribute that holds a URL; no event-handler attribute (``onclick=``); no SVG
  ``<script>``; no ``<animate>``/``<set>`` that rewrites a link; no ``<iframe srcdoc>``; no
  ``<meta http-equiv=refresh>``; no ``<base>`` to another origin; no ``<object>``/``<embed>``: the policy would
  stop each (`proven_numbers.csp`), and a page that holds one is a page whose author meant something the reader
  will not get;
- with ``csp``, the policy's ``<meta>`` first in ``<head>`` (after ``<meta charset>``), and no inline script that
  its hashes do not allow (one written in the page's Markdown, or brought by a formula).

A failure names the file and the line of the element in the file, found by a second conformant parser (justhtml,
which records where each element starts) only for a file that fails.

What a file holds is all its check depends on: a process that builds again (`mkdocs serve`) keeps each file's last
answer with a digest of its text, and checks again only the files whose text changed.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import ada_url
from justhtml import JustHTML
from selectolax.lexbor import LexborHTMLParser, LexborNode

from proven_numbers import csp
from proven_numbers.report import AuthorError
from proven_numbers.shipped_css import fetched_urls

__all__ = ["check_page", "check_site", "check_stylesheet"]

#: Where a file may be read from: any host would do, the question is only whether a URL leaves it. The scheme
#: matters (``https:evil.example/x`` is a path on an https: page, and another host on an http: or file: one), so
#: every URL is resolved against each of them.
_SITES = ("https://site.invalid/", "http://site.invalid/", "file:///site/")
#: Attributes that hold a URL, on any element: a javascript: URL in any of them is refused.
_URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "poster", "data", "background", "xlink:href", "cite", "longdesc",
     "codebase", "manifest", "lowsrc", "dynsrc", "icon", "ping", "srcset", "imagesrcset", "itemtype", "profile"}
)  # fmt: skip
#: Of those, the ones the browser fetches (or sends to) by itself, whatever the element.
_FETCHED = frozenset(
    {"src", "poster", "data", "background", "codebase", "manifest", "lowsrc", "dynsrc", "icon", "ping", "action",
     "formaction", "srcset", "imagesrcset"}
)  # fmt: skip
#: <link> relations that fetch nothing: with only these, a <link href> is a link, not a request.
_LINK_RELS = frozenset(
    {"canonical", "alternate", "next", "prev", "author", "help", "license", "bookmark", "me", "nofollow", "noopener",
     "noreferrer", "external", "tag", "search"}
)  # fmt: skip
#: Elements whose href a reader follows (a link), not one the browser fetches.
_LINKS = frozenset({"a", "area"})
#: SVG animations, which can rewrite an attribute (a link's href) while the page is read.
_ANIMATIONS = frozenset({"animate", "set", "animatemotion", "animatetransform"})


@functools.lru_cache(maxsize=4096)
def _fetched_urls(css: str, declarations: bool) -> list[tuple[str, int]]:
    """`fetched_urls`, once per distinct text: KaTeX writes the same few ``style=`` values thousands of times. A
    declaration list (no ``@import`` there) that holds no ``(`` has no function and no ``url(`` token (CSS
    Syntax), so it fetches nothing."""
    if declarations and "(" not in css:
        return []
    return fetched_urls(css, declarations=declarations)


def _resolve(url: str, base: str) -> ada_url.URL | None:
    try:
        return ada_url.URL(url, base)
    except ValueError:  # no URL at all: the browser requests nothing
        return None


def _home(resolved: ada_url.URL, site: str) -> bool:
    """Whether fetching `resolved` from a page of `site` stays on the site (a data: URL requests nothing)."""
    if resolved.protocol in {"data:", "about:"}:
        return True
    if site.startswith("file:"):  # a file: URL with a host is a network share
        return resolved.protocol == "file:" and not resolved.host
    return bool(resolved.origin == site.rstrip("/"))


def _judge(value: str, bases: Sequence[tuple[str, str]], fetched: bool) -> str | None:
    """What is wrong with the URL `value` on a page with these (site, base URL) pairs: a javascript: URL, or a
    request to another host (the URL it requests), or None."""
    for site, base in bases:
        resolved = _resolve(value, base)
        if resolved is None:
            continue
        if resolved.protocol == "javascript:":
            return "javascript"
        if fetched and not _home(resolved, site):
            return str(resolved.href)
    return None


def _srcset(value: str) -> list[str]:
    """The URLs of a ``srcset``, split as the HTML standard's "parse a srcset attribute" splits it."""
    urls: list[str] = []
    at, end = 0, len(value)
    while at < end:
        while at < end and (value[at] in " \t\n\f\r,"):
            at += 1
        start = at
        while at < end and value[at] not in " \t\n\f\r":
            at += 1
        url = value[start:at]
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # the descriptors, up to a comma outside parentheses
            depth = 0
            while at < end and (value[at] != "," or depth):
                depth += {"(": 1, ")": -1}.get(value[at], 0)
                at += 1
        if url:
            urls.append(url)
    return urls


class _Page:
    """The reading of one page: its problems, each with the index of its element in document order."""

    def __init__(self, tree: LexborHTMLParser, bases: Sequence[tuple[str, str]]) -> None:
        self.tree = tree
        self.bases = bases
        self.found: list[tuple[int, str]] = []
        self.index = 0

    def url(self, at: int, value: str, what: str, fetched: bool) -> None:
        verdict = _judge(value, self.bases, fetched)
        if verdict == "javascript":
            self.found.append((at, f"{what} holds a javascript: URL ({value!r})"))
        elif verdict is not None:
            self.found.append((at, f"{what} requests {verdict!r} from another host"))

    def css(self, at: int, text: str, what: str, declarations: bool = False) -> None:
        for url, _line in _fetched_urls(text, declarations):
            self.url(at, url, what, fetched=True)

    def element(self, node: LexborNode, at: int, in_svg: bool) -> None:
        tag = (node.tag or "").lower()
        attributes = {name.lower(): value or "" for name, value in node.attributes.items()}
        rels = set(attributes.get("rel", "").lower().split())
        for name, value in attributes.items():
            if name.startswith("on"):
                self.found.append((at, f"<{tag} {name}> is an event handler: no script runs from an attribute"))
            elif name in {"srcset", "imagesrcset"}:
                for url in _srcset(value):
                    self.url(at, url, f"<{tag} {name}>", fetched=True)
            elif name == "ping":
                for url in value.split():
                    self.url(at, url, f"<{tag} ping>", fetched=True)
            elif name in {"href", "xlink:href"}:
                link = tag in _LINKS or (tag == "link" and rels and rels <= _LINK_RELS) or tag == "base"
                self.url(at, value, f"<{tag} {name}>", fetched=not link)
            elif name in _URL_ATTRIBUTES:
                self.url(at, value, f"<{tag} {name}>", fetched=name in _FETCHED)
            elif name == "style":
                self.css(at, value, f"<{tag} style>", declarations=True)
        if tag == "style":
            self.css(at, node.text(deep=True) or "", "<style>")
        elif tag == "script" and in_svg:
            self.found.append((at, "an SVG <script>: scripts come from the site's script files"))
        elif tag == "iframe" and "srcdoc" in attributes:
            self.found.append((at, "<iframe srcdoc> makes a page of its own inside the page"))
        elif tag == "meta" and attributes.get("http-equiv", "").strip().lower() == "refresh":
            self.found.append((at, "<meta http-equiv=refresh> sends the reader elsewhere"))
        elif tag in {"object", "embed", "applet"}:
            self.found.append((at, f"<{tag}> embeds a plugin, which the policy refuses (object-src 'none')"))
        elif tag in _ANIMATIONS and attributes.get("attributename", "").strip().lower() in {"href", "xlink:href"}:
            self.found.append((at, f"<{tag} attributeName={attributes['attributename']!r}> rewrites a link"))
        elif tag == "base" and _judge(attributes.get("href", ""), [(s, s) for s in _SITES], fetched=True):
            self.found.append((at, f"<base href={attributes['href']!r}> sends every relative URL elsewhere"))

    def walk(self, node: LexborNode, in_svg: bool = False, at: int | None = None) -> None:
        """Read `node` and what is under it; `at` pins every element (a template's content) to one index."""
        for child in node.iter(include_text=False):
            if not child.is_element_node:
                continue
            index = self.index if at is None else at
            if at is None:
                self.index += 1
            tag = (child.tag or "").lower()
            self.element(child, index, in_svg)
            inside = (in_svg or tag == "svg") and tag != "foreignobject"
            if tag == "template":  # its content is inert until a script clones it: read it all the same
                for content in child.template_fragments() or []:
                    if content is not None and content.parent is not None and content.parent.mem_id == child.mem_id:
                        self.walk(content, inside, index)
            self.walk(child, inside, at)


def _bases(tree: LexborHTMLParser, where: str) -> list[tuple[str, str]]:
    """For each site the page may be read at, the document's base URL: the first ``<base href>``'s, resolved
    against the page's address, or that address."""
    base = tree.css_first("base[href]")
    bases = []
    for site in _SITES:
        resolved = _resolve(base.attributes.get("href") or "", site + where) if base is not None else None
        bases.append((site, resolved.href if resolved is not None else site + where))
    return bases


def _csp_problems(tree: LexborHTMLParser) -> Iterator[tuple[int, str]]:
    elements = [node for node in tree.root.traverse(include_text=False) if node.is_element_node] if tree.root else []
    position = next(
        (
            index
            for index, node in enumerate(elements)
            if node.tag == "meta" and (node.attributes.get("http-equiv") or "").lower() == csp.HTTP_EQUIV.lower()
        ),
        None,
    )
    if position is None:
        yield 0, "the page carries no Content-Security-Policy <meta>"
        return
    before = elements[:position]
    early = [node.tag for node in before if node.tag not in {"html", "head"} and "charset" not in node.attributes]
    parent = elements[position].parent
    if early or parent is None or parent.tag != "head":
        yield position, f"the Content-Security-Policy <meta> is not first in <head>: after {early or 'the body'}"
    content = elements[position].attributes.get("content") or ""
    directives = {part.split()[0].lower(): part.split()[1:] for part in content.split(";") if part.split()}
    allowed = set(directives.get("script-src", directives.get("default-src", [])))
    for index, node in enumerate(elements):
        inline = node.tag == "script" and "src" not in node.attributes and csp.executable(node)
        if inline and csp.source_hash(node.text(deep=True) or "") not in allowed:
            text = " ".join((node.text(deep=True) or "").split())
            yield (
                index,
                (
                    f"an inline <script> the page's policy does not allow, so the browser will not run it "
                    f"({text[:60]!r}): a page's Markdown and its formulas hold no script, scripts come from files"
                ),
            )


def _lines(text: str, indexes: set[int]) -> dict[int, int]:
    """The line of the element at each index (document order, elements only) in `text`."""
    lines: dict[int, int] = {}
    document = JustHTML(text, sanitize=False, track_node_locations=True)
    count = 0
    stack = list(reversed(document.root.children or []))
    while stack:
        node = stack.pop()
        if node.name.startswith(("#", "!")):
            continue
        if count in indexes:
            lines[count] = node.origin_line or 0
        count += 1
        stack.extend(reversed(node.children or []))
    return lines


def check_page(text: str, where: str, *, require_csp: bool) -> list[AuthorError]:
    """What the page `where` (its path in the site) holds that it must not (see the module); empty if nothing."""
    tree = LexborHTMLParser(text)
    page = _Page(tree, _bases(tree, where))
    if tree.root is not None:
        page.element(tree.root, 0, False)
        page.index = 1
        page.walk(tree.root)
    found = list(page.found)
    if require_csp:
        found += list(_csp_problems(tree))
    if not found:
        return []
    lines = _lines(text, {index for index, _ in found})
    return sorted({AuthorError(where, lines.get(index, 0), message) for index, message in found})


def check_stylesheet(text: str, where: str) -> list[AuthorError]:
    """What the stylesheet `where` (its path in the site) requests from another host."""
    problems = []
    bases = [(site, site + where) for site in _SITES]
    for url, line in fetched_urls(text):
        verdict = _judge(url, bases, fetched=True)
        if verdict == "javascript":
            problems.append(AuthorError(where, line, f"url() holds a javascript: URL ({url!r})"))
        elif verdict is not None:
            problems.append(AuthorError(where, line, f"requests {verdict!r} from another host"))
    return sorted(set(problems))


#: This process's last answer for each file, by its path in the site: (the digest of its text and whether the policy
#: was required, what was found).
_answers: dict[str, tuple[tuple[str, bool], list[AuthorError]]] = {}


def check_site(site_dir: Path, *, require_csp: bool) -> list[AuthorError]:
    """Every problem of every ``.html`` and ``.css`` file under `site_dir`, by file and line."""
    problems: list[AuthorError] = []
    for path in sorted(site_dir.rglob("*")):
        suffix = path.suffix.lower()
        if suffix not in {".html", ".htm", ".css"} or not path.is_file():
            continue
        where = path.relative_to(site_dir).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        asked = (hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), require_csp)
        known = _answers.get(where)
        if known is not None and known[0] == asked:
            problems += known[1]
            continue
        css = suffix == ".css"
        found = check_stylesheet(text, where) if css else check_page(text, where, require_csp=require_csp)
        _answers[where] = (asked, found)
        problems += found
    return problems
