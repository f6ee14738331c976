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

import filecmp
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support_tiny_site import make_site

SOURCE_DATE_EPOCH = "1700000000"
SERVE_URL = "http://127.0.0.1:8000/"
MATERIAL = "  name: material\n  font: false\n"

#: Builds the site in the current folder as `mkdocs serve` does, applying each step of edits of argv[2] (JSON: for
#: each step, a list of path, text, and the file's new time: "older" or "same" than its last, or "newer") in turn;
#: after each step's rebuild copies the site to argv[3]/<n> and prints the kinds of rebuild.
PREVIEW = textwrap.dedent(
    """
    import json, logging, os, shutil, sys
    from pathlib import Path
    import mkdocs.commands.serve as serve_module
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    logging.basicConfig(level=logging.WARNING)
    site_dir, edits, out = sys.argv[1], json.loads(sys.argv[2]), Path(sys.argv[3])

    def get_config():
        config = load_config(config_file="mkdocs.yml", site_dir=site_dir)
        config.site_url = SERVE_URL
        return config

    def builder(config=None):
        serve_module.build(config or get_config(), serve_url=SERVE_URL, dirty=False)

    first = get_config()
    first.plugins.on_startup(command="serve", dirty=False)
    builder(first)
    server = LiveReloadServer(builder=builder, host="127.0.0.1", port=8000, root=site_dir)
    first.plugins.on_serve(server, config=first, builder=builder)
    plugin = first.plugins["proven-numbers"]
    for n, step in enumerate(edits):
        for path, text, time in step:
            file = Path(path)
            before = file.stat().st_mtime_ns
            file.write_text(text, encoding="utf-8")
            if time == "older":  # as cp -p leaves it: the text of a file saved ten seconds before the one it replaces
                os.utime(file, ns=(before - 10**10, before - 10**10))
            elif time == "same":  # a second save within the clock's tick, or a copy that keeps the time
                os.utime(file, ns=(before, before))
        known = len(plugin.session.kinds)
        builder()
        shutil.copytree(site_dir, out / str(n))
        print(json.dumps({"kinds": plugin.session.kinds[known:]}), flush=True)
    first.plugins.on_shutdown()
    """
).replace("SERVE_URL", repr(SERVE_URL))

#: A clean build of the site in the current folder, as `mkdocs serve` makes its first one, into argv[1].
CLEAN = textwrap.dedent(
    """
    import logging, sys
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.basicConfig(level=logging.WARNING)
    config = load_config(config_file="mkdocs.yml", site_dir=sys.argv[1])
    config.site_url = SERVE_URL
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url=SERVE_URL)
    config.plugins.on_shutdown()
    """
).replace("SERVE_URL", repr(SERVE_URL))

PAGES = {
    "index.md": "# Home\n\nThe SSE is <!-- nnla:sse -->.\n",
    "a.md": "# A\n\nThe first text of page A.\n",
    "b.md": "---\nsearch:\n  exclude: true\n---\n\n# B\n\nW is <!-- nnla:W as=inline -->; page B's words.\n",
    "c.md": "# C\n\nPage C.\n",
}


def run(script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-c", script, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def differences(left: Path, right: Path) -> list[str]:
    """Files that differ between two site folders, or are in one only."""
    found: list[str] = []

    def walk(c: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + name for name in c.left_only + c.right_only + c.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        found.extend(prefix + name for name in mismatch + errors)
        for name, sub in c.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    return sorted(found)


Step = list[tuple[str, str, str]]


def preview_then_clean(tmp_path: Path, edits: list[Step]) -> tuple[list[dict[str, list[str]]], Path]:
    """Run the edits through the preview, and check each rebuild against a clean build of the same files; the
    kinds of each rebuild, and the folder of the preview's sites (one per edit)."""
    preview = make_site(tmp_path / "preview", PAGES, theme=MATERIAL)
    done = run(PREVIEW, str(tmp_path / "serving"), json.dumps(edits), str(tmp_path / "after"), cwd=preview.root)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    reports = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(reports) == len(edits), done.stdout
    clean = tmp_path / "clean"
    shutil.copytree(preview.root, clean, ignore=shutil.ignore_patterns("site", "__pycache__"))
    for n, step in enumerate(edits):
        for path, text, _ in step:
            (clean / path).write_text(text, encoding="utf-8")
        built = run(CLEAN, str(tmp_path / f"clean-{n}"), cwd=clean)
        assert built.returncode == 0, built.stderr[-6000:]
        assert differences(tmp_path / "after" / str(n), tmp_path / f"clean-{n}") == [], (n, step, reports[n])
    return reports, tmp_path / "after"


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
    preview = make_site(tmp_path / "preview", PAGES, theme=MATERIAL)
    edits = [[("docs/a.md", broken, "newer")]]
    done = run(PREVIEW, str(tmp_path / "serving"), json.dumps(edits), str(tmp_path / "after"), cwd=preview.root)
    assert done.returncode == 0, done.stderr[-6000:]
    page = (tmp_path / "after" / "0" / "a" / "index.html").read_text(encoding="utf-8")
    body = page.index("<body")
    box = page.index('class="pn-preview-error"')
    assert body < box < page.index("<header"), "the box comes first in the body"
    assert "a.md: what ships breaks the site's promises: &lt;img src&gt; requests" in page[box:]
    assert "example.com/x.png" in page[box : page.index("</div>", box)]


def test_a_marker_in_front_matter_under_serve_stands_in_the_page(tmp_path: Path) -> None:
    """`mkdocs build` fails on it at its line (tests/test_issue17_markers_everywhere.py); the preview shows it."""
    edited = '---\ntitle: "SSE <!-- nnla:sse -->"\n---\n\n# A\n\nText.\n'
    preview = make_site(tmp_path / "preview", PAGES, theme=MATERIAL)
    edits = [[("docs/a.md", edited, "newer")]]
    done = run(PREVIEW, str(tmp_path / "serving"), json.dumps(edits), str(tmp_path / "after"), cwd=preview.root)
    assert done.returncode == 0, done.stderr[-6000:]
    page = (tmp_path / "after" / "0" / "a" / "index.html").read_text(encoding="utf-8")
    box = page.index('class="pn-preview-error"')
    assert "a.md:2: the marker &lt;!-- nnla:sse --&gt; stands in the page's front matter" in page[box:]
