"""What a first visit to a page of the built site transfers, per kind of file, and how many elements it holds.

The HTML, the stylesheets and scripts it links, its icons, and its fonts: the KaTeX fonts its formulas use
(worked out from KaTeX's CSS rules whose classes occur in the page) and the fonts it preloads. Text is counted
gzip-compressed, as a static host sends it; woff2 is not compressed again.
"""

from __future__ import annotations

import gzip
import html.parser
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Weight", "gzipped", "page_weight"]


def gzipped(data: bytes) -> int:
    """The size of `data` as a static host sends it (gzip, level 6)."""
    return len(gzip.compress(data, compresslevel=6, mtime=0))


class _Links(html.parser.HTMLParser):
    """Collects what a browser fetches for a page: stylesheets, scripts, icons, images; and the classes used."""

    def __init__(self) -> None:
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []
        self.other: list[str] = []
        self.fonts: list[str] = []
        self.classes: set[str] = set()
        self.elements = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements += 1
        a = {k: v or "" for k, v in attrs}
        self.classes.update(a.get("class", "").split())
        rel = a.get("rel", "").split()
        if tag == "link" and "stylesheet" in rel and a.get("href"):
            self.css.append(a["href"])
        elif tag == "link" and "preload" in rel and a.get("as") == "font" and a.get("href"):
            self.fonts.append(a["href"])
        elif tag == "link" and "icon" in rel and a.get("href"):
            self.other.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.js.append(a["src"])
        elif tag == "img" and a.get("src") and not a["src"].startswith("data:"):
            self.other.append(a["src"])


_RULE_RE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_FONT_FACE_RE = re.compile(r"@font-face\{([^{}]*)\}")


def _declarations(block: str) -> dict[str, str]:
    pairs = (d.split(":", 1) for d in block.split(";") if ":" in d)
    return {k.strip().lower(): v.strip() for k, v in pairs}


def _weight(value: str) -> str:
    return "bold" if value in {"bold", "700"} else "normal"


def katex_fonts_used(css: str, classes: set[str]) -> set[str]:
    """The woff2 files the page's formulas use, from KaTeX's CSS and the classes in the page.

    A rule counts when every class in its selector occurs in the page; its font-family (KaTeX_Main when it
    sets only weight or style), weight and style pick an @font-face, whose woff2 file is the one fetched.
    """
    faces: dict[tuple[str, str, str], str] = {}
    for block in _FONT_FACE_RE.findall(css):
        d = _declarations(block)
        woff2 = re.search(r"url\(([^)]+\.woff2)\)", d.get("src", ""))
        if woff2:
            key = (
                d["font-family"].strip("'\""),
                _weight(d.get("font-weight", "normal")),
                d.get("font-style", "normal"),
            )
            faces[key] = woff2.group(1)
    used: set[str] = set()
    for selector, block in _RULE_RE.findall(_FONT_FACE_RE.sub("", css)):
        d = _declarations(block)
        family = d.get("font-family")
        if family is None and "font" in d:
            family = next((w.strip(",") for w in d["font"].split() if w.startswith("KaTeX_")), None)
        if family is None and ("font-weight" in d or "font-style" in d):
            family = "KaTeX_Main"
        if family is None or not family.startswith("KaTeX_"):
            continue
        family = family.split(",")[0].strip()
        for part in selector.split(","):
            needed = set(re.findall(r"\.([\w-]+)", part))
            if needed and needed <= classes:
                key = (family, _weight(d.get("font-weight", "normal")), d.get("font-style", "normal"))
                if key in faces:
                    used.add(faces[key])
    return used


@dataclass
class Weight:
    """Bytes a first visit transfers, per kind of file, and the page's elements."""

    elements: int = 0
    rows: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # kind -> (files, raw, transferred)
    katex_js: list[str] = field(default_factory=list)
    fonts: list[str] = field(default_factory=list)
    not_counted: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, data: bytes, compress: bool) -> None:
        files, raw, sent = self.rows.get(kind, (0, 0, 0))
        wire = gzipped(data) if compress else len(data)
        self.rows[kind] = (files + 1, raw + len(data), sent + wire)


def _local(page_file: Path, href: str, site_dir: Path) -> Path | None:
    if re.match(r"^[a-z]+:|^//", href):
        return None
    path = (page_file.parent / href.split("#")[0].split("?")[0]).resolve()
    return path if path.is_file() and site_dir.resolve() in path.parents else None


def page_weight(site_dir: Path, page: str) -> Weight:
    """What a first visit to `page` transfers: HTML, linked CSS and JS, icons, and the KaTeX fonts it uses."""
    page_file = site_dir / page
    text = page_file.read_text(encoding="utf-8")
    links = _Links()
    links.feed(text)
    weight = Weight(elements=links.elements)
    weight.add("HTML", text.encode("utf-8"), compress=True)
    for href in links.css:
        path = _local(page_file, href, site_dir)
        if path is None:
            continue
        css = path.read_bytes()
        weight.add("CSS", css, compress=True)
        if path.name.startswith("katex") and "katex-html" in links.classes:  # KaTeX's HTML, not MathML alone
            for font in sorted(katex_fonts_used(css.decode("utf-8"), links.classes)):
                font_path = (path.parent / font).resolve()
                if font_path.is_file():
                    weight.add("fonts (woff2)", font_path.read_bytes(), compress=False)
                    weight.fonts.append(font_path.name)
    fetched = set(weight.fonts)
    for href in links.fonts:  # the fonts the page preloads (the math font; KaTeX's, fetched once however asked for)
        path = _local(page_file, href, site_dir)
        if path is not None and path.name not in fetched:
            weight.add("fonts (woff2)", path.read_bytes(), compress=False)
            weight.fonts.append(path.name)
            fetched.add(path.name)
    for src in links.js:
        path = _local(page_file, src, site_dir)
        if "katex" in src.lower():
            weight.katex_js.append(src)
        if path is not None:
            weight.add("JavaScript", path.read_bytes(), compress=True)
    for href in links.other:
        path = _local(page_file, href, site_dir)
        if path is not None:
            weight.add("icons and images", path.read_bytes(), compress=path.suffix in {".svg", ".ico"})
    index = site_dir / "search" / "search_index.json"
    if index.is_file():
        weight.not_counted["search index (fetched when search starts)"] = gzipped(index.read_bytes())
    return weight
