"""Issue 17, class 6: the live preview gives the site a clean build gives, whatever the files' times say.

A tiny site (Material, for its search plugin's ``search: exclude``) is built as `mkdocs serve` builds it, in a
process of its own: the first build, `on_serve`, then each rebuild through the name `build` of MkDocs' serve module,
as its builder calls it, after each edit. After each rebuild the preview's site is compared, file by file, with a
clean build of the same files in a fresh process.

- A page replaced by newer text under an older time (as ``cp -p``, ``tar x`` and ``rsync -a`` leave it): before,
  the preview kept the old text for good (the rebuild was dirty, and MkDocs' dirty build converts only pages whose
  file is newer than their output).
- A page whose front matter stops keeping it out of search: before, it never entered the merged index.
- A broken promise under `mkdocs serve`: before, it was said in the terminal alone; now it stands in the page.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support_preview import Step, check_against_clean, preview, preview_page
from support_tiny_site import make_site

MATERIAL = "  name: material\n  font: false\n"

PAGES = {
    "index.md": "# Home\n\nThe SSE is <!-- nnla:sse -->.\n",
    "a.md": "# A\n\nThe first text of page A.\n",
    "b.md": "---\nsearch:\n  exclude: true\n---\n\n# B\n\nW is <!-- nnla:W as=inline -->; page B's words.\n",
    "c.md": "# C\n\nPage C.\n",
}


def preview_then_clean(tmp_path: Path, edits: list[Step]) -> tuple[list[dict[str, list[str]]], Path]:
    """Run the edits through the preview, and check each rebuild against a clean build of the same files; the
    kinds of each rebuild, and the folder of the preview's sites (one per edit)."""
    site = make_site(tmp_path / "preview", PAGES, theme=MATERIAL)
    reports = preview(site.root, edits, tmp_path)
    clean = tmp_path / "clean"
    shutil.copytree(site.root, clean, ignore=shutil.ignore_patterns("site", "__pycache__"))
    check_against_clean(edits, clean, tmp_path)
    return reports, tmp_path / "after"


def page_a_under_serve(tmp_path: Path, text: str) -> str:
    """Page A's HTML in the preview, after its text is replaced by `text`."""
    site = make_site(tmp_path / "preview", PAGES, theme=MATERIAL)
    return preview_page(site.root, [[("docs/a.md", text, "newer")]], tmp_path, "a/index.html")


@pytest.mark.parametrize("time", ["older", "same", "newer"])
def test_a_page_replaced_under_an_older_or_the_same_time_is_rebuilt(tmp_path: Path, time: str) -> None:
    """The issue's example (``cp -p`` of a newer text with an older time); the same time (which a comparison of
    times cannot see at all), saved beside an ordinary edit of another page; and an ordinary save, for contrast."""
    step = [("docs/a.md", "# A\n\nThe second text of page A, copied in.\n", time)]
    step += [("docs/c.md", "# C\n\nPage C, edited.\n", "newer")] if time == "same" else []
    reports, after = preview_then_clean(tmp_path, [step])
    assert reports[0]["kinds"] == ["dirty"]
    assert "The second text of page A" in (after / "0" / "a" / "index.html").read_text(encoding="utf-8")


def test_a_page_let_into_search_enters_the_index_and_leaves_it_again(tmp_path: Path) -> None:
    included = PAGES["b.md"].replace("---\nsearch:\n  exclude: true\n---\n\n", "")
    edits = [[("docs/b.md", included, "newer")], [("docs/b.md", PAGES["b.md"], "newer")]]
    reports, after = preview_then_clean(tmp_path, edits)
    assert [report["kinds"] for report in reports] == [["dirty"], ["dirty"]]
    indexes = [json.loads((after / n / "search" / "search_index.json").read_text()) for n in ("0", "1")]
    assert [any(d["location"].startswith("b/") for d in index["docs"]) for index in indexes] == [True, False]


def test_a_broken_promise_under_serve_stands_in_the_page(tmp_path: Path) -> None:
    """`mkdocs build` fails on it; the preview goes on, and shows it where the author looks."""
    broken = '# A\n\n<img alt="x" src="https://example.com/x.png">\n\nText.\n'
    page = page_a_under_serve(tmp_path, broken)
    body = page.index("<body")
    box = page.index('class="pn-preview-error"')
    assert body < box < page.index("<header"), "the box comes first in the body"
    assert "a.md: what ships breaks the site's promises: &lt;img src&gt; requests" in page[box:]
    assert "example.com/x.png" in page[box : page.index("</div>", box)]


def test_a_marker_in_front_matter_under_serve_stands_in_the_page(tmp_path: Path) -> None:
    """`mkdocs build` fails on it at its line (tests/test_issue17_markers_everywhere.py); the preview shows it."""
    edited = '---\ntitle: "SSE <!-- nnla:sse -->"\n---\n\n# A\n\nText.\n'
    page = page_a_under_serve(tmp_path, edited)
    box = page.index('class="pn-preview-error"')
    assert "a.md:2: the marker &lt;!-- nnla:sse --&gt; stands in the page's front matter" in page[box:]
