"""The Lighthouse benchmark's bare copy of a page (`--bare`): its HTML alone, nothing that holds up the first paint.

docs/building.md reads the bare copy's score as the ceiling no stylesheet or script can raise; a copy that kept
a stylesheet would score lower than the page's HTML alone, and one that lost content would score higher.
"""

from __future__ import annotations

import html.parser
from pathlib import Path

import pytest

from benchmarks.lighthouse_pages import bare_copy

PAGE = """<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<link rel="preload" href="../assets/fonts/math.woff2" as="font" type="font/woff2" crossorigin>
<link rel="icon" href="../assets/images/favicon.png">
<link rel="next" href="../part-3/">
<link rel=stylesheet href="../assets/main.css">
<link href="../nnla.css" rel="alternate stylesheet" title="other">
<script>document.documentElement.dataset.palette = "light"</script>
<script id="__config" type="application/json">{"base": ".."}</script>
</head><body>
<h1 id="part-ii">Part II</h1>
<p>The loss is <math><mi>L</mi><mo>=</mo><mn>3.672</mn></math> after one step.</p>
<img src="../figure.svg" alt="the loss against the step">
<script src="../assets/bundle.js"></script>
<script src="../explorers.js" defer></script>
</body></html>
"""


class _Tags(html.parser.HTMLParser):
    """Each start tag with its attributes, and the text, as the standard library's HTML parser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.text.append(data.strip())


def read(path: Path) -> _Tags:
    tags = _Tags()
    tags.feed(path.read_text(encoding="utf-8"))
    return tags


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "part-2").mkdir()
    (tmp_path / "part-2" / "index.html").write_text(PAGE, encoding="utf-8")
    return tmp_path


def test_the_bare_copy_sits_beside_the_page_without_stylesheets_preloads_or_scripts(site: Path) -> None:
    name = bare_copy(site, "part-2/")
    assert name == "part-2-bare/"
    bare = read(site / "part-2-bare" / "index.html")
    names = [tag for tag, _ in bare.tags]
    assert "script" not in names
    rels = [set(attrs.get("rel", "").split()) for tag, attrs in bare.tags if tag == "link"]
    assert rels == [{"icon"}, {"next"}]


def test_the_bare_copy_keeps_the_pages_content(site: Path) -> None:
    bare = read(site / bare_copy(site, "part-2/") / "index.html")
    page = read(site / "part-2" / "index.html")
    content = {"h1", "p", "math", "mi", "mo", "mn", "img"}
    assert [t for t in bare.tags if t[0] in content] == [t for t in page.tags if t[0] in content]
    scripts = {'document.documentElement.dataset.palette = "light"', '{"base": ".."}'}
    assert bare.text == [text for text in page.text if text not in scripts]


def test_bare_needs_a_directory_url(site: Path) -> None:
    with pytest.raises(SystemExit, match="directory URLs"):
        bare_copy(site, "404.html")
