"""What every finished page promises a reader, checked on the page's HTML before it is written.

- it requests nothing from another host: no script, stylesheet, font, image, frame or media from a URL with a
  host (``https://…`` or ``//…``), in an attribute, a ``srcset``, a style or a ``<style>``;
- it holds no ``javascript:`` URL;
- it shows no KaTeX error (``katex-error``, KaTeX's red formula);
- it holds none of the build's internal tokens (a marker's, a formula's or a math fence's stand-in);
- its ids are unique.

`broken` lists what a page breaks; the build fails on the first page that breaks any, naming it and each problem.
Links to other sites (``<a href="https://…">``) are no request: a reader follows them or not.
"""

from __future__ import annotations

import html.parser
import re
from collections import Counter
from collections.abc import Iterable

__all__ = ["broken", "math_tokens"]

#: The shape of the stand-in of an inline formula or of a ```math line (`proven_numbers.mdext`: a nonce of 12 hex
#: digits per Markdown object), for a caller that does not know the nonces of the build that made the page.
_MATH_TOKEN_SHAPE = re.compile(r"PNUM[MF][0-9A-F]{12}T[0-9]+Z")


def math_tokens(nonces: Iterable[str]) -> re.Pattern[str] | None:
    """What the math tokens of the Markdown objects with these nonces look like (`MathExtension`'s), or None for
    no nonce: a page holding such a token leaked it; a word of the same shape is prose."""
    known = sorted(set(nonces))
    if not known:
        return None
    return re.compile(f"PNUM[MF](?:{'|'.join(map(re.escape, known))})T[0-9]+Z")


#: Attributes whose URL the browser fetches by itself, on any element.
_FETCHED = frozenset({"src", "srcset", "poster", "data", "background", "imagesrcset"})
#: <link> relations that fetch their href.
_FETCHING_RELS = frozenset(
    {
        "stylesheet",
        "icon",
        "shortcut",
        "apple-touch-icon",
        "preload",
        "prefetch",
        "modulepreload",
        "manifest",
        "preconnect",
        "dns-prefetch",
        "mask-icon",
    }
)
#: Attributes that hold a URL a click or a script may follow.
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"})
_HOST = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_JAVASCRIPT = re.compile(r"^\s*javascript:", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)


def _urls(value: str, attribute: str) -> list[str]:
    if attribute in {"srcset", "imagesrcset"}:
        return [part.strip().split()[0] for part in value.split(",") if part.strip()]
    return [value]


class _Reader(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.ids: Counter[str] = Counter()
        self._in_style = False

    def _fetches(self, url: str, what: str) -> None:
        if _HOST.match(url):
            self.problems.append(f"{what} requests {url!r} from another host")

    def _css(self, css: str, what: str) -> None:
        for match in _CSS_URL.finditer(css):
            self._fetches(match.group(1) or match.group(2), what)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids[values["id"]] += 1
        if "katex-error" in values.get("class", "").split():
            self.problems.append(f"a formula shows KaTeX's error: {values.get('title', '')!r}")
        for name, value in values.items():
            if name in _URL_ATTRIBUTES and _JAVASCRIPT.match(value):
                self.problems.append(f"<{tag} {name}> holds a javascript: URL")
            if name in _FETCHED:
                for url in _urls(value, name):
                    self._fetches(url, f"<{tag} {name}>")
            if name == "style":
                self._css(value, f"<{tag} style>")
        rels = set(values.get("rel", "").lower().split())
        if tag == "link" and rels & _FETCHING_RELS:
            self._fetches(values.get("href", ""), f"<link rel={values.get('rel')!r}>")
        if tag in {"image", "use", "feimage"}:  # SVG elements that fetch their href
            for name in ("href", "xlink:href"):
                self._fetches(values.get(name, ""), f"<{tag} {name}>")
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(data, "<style>")


def broken(
    page: str, token: re.Pattern[str] | None = None, math_token: re.Pattern[str] | None = _MATH_TOKEN_SHAPE
) -> list[str]:
    """What a finished page breaks of its promises (see the module docstring); empty when it keeps them all.

    Args:
        page: the page's HTML.
        token: what the build's internal marker tokens look like, if it has any.
        math_token: what the build's math tokens look like (`math_tokens` of its Markdown objects' nonces): then
            a word that only has their shape (``PNUMM0123456789ABT1Z`` in prose) is no leak. By default, for a
            caller that cannot know the nonces (a site built elsewhere), any string of their shape; None for a
            build without math.
    """
    reader = _Reader()
    reader.feed(page)
    reader.close()
    problems = list(dict.fromkeys(reader.problems))
    repeated = sorted(name for name, count in reader.ids.items() if count > 1)
    if repeated:
        problems.append(f"ids used more than once: {', '.join(repeated[:10])}{' …' if len(repeated) > 10 else ''}")
    leaked = token.search(page) if token is not None else None
    if leaked is not None:
        problems.append(f"an internal marker token reached the page: {leaked.group()}")
    leaked = math_token.search(page) if math_token is not None else None
    if leaked is not None:
        problems.append(f"an internal math token reached the page: {leaked.group()}")
    return problems
