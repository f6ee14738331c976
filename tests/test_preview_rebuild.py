"""The live preview rebuilds only what changed, and its site is, byte for byte, the site a clean build gives.

A copy of the project is built as `mkdocs serve` builds it (the initial build, then `on_serve`, then each rebuild
through the name `build` of MkDocs' serve module, as its builder calls it), after each of a series of edits.
After every rebuild the preview's site is compared, file by file, with a clean build of the same files made by
a fresh process; and the kind of rebuild is checked: dirty for a sentence changed on a page, full for what other
pages depend on.
"""

from __future__ import annotations

import filecmp
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import SOURCE_DATE_EPOCH, copy_env, copy_project

SERVE_URL = "http://127.0.0.1:8000/"

#: Builds the copy in the current folder as `mkdocs serve` does, applying each edit of argv[2] (JSON) in turn;
#: after each rebuild, copies the site to argv[3]/<n> and prints the kind of rebuild and the pages converted.
PREVIEW = textwrap.dedent(
    """
    import json, logging, shutil, sys
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
    for n, (path, old, new) in enumerate(edits):
        file = Path(path)
        text = file.read_text(encoding="utf-8")
        assert old in text, (path, old)
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
        before = plugin.session
        known = len(before.kinds)
        builder()
        # The plugin keeps its session across the rebuilds of one mkdocs serve.
        session = plugin.session
        kinds = before.kinds[known:] + (session.kinds if session is not before else [])
        shutil.copytree(site_dir, out / str(n))
        print(json.dumps({"kinds": kinds, "rebuilt": sorted(session.rebuilt)}), flush=True)
    first.plugins.on_shutdown()
    """
).replace("SERVE_URL", repr(SERVE_URL))

#: A clean build of the copy in the current folder, as `mkdocs serve` makes its first one, into argv[1].
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

#: (file, text, replacement, the kinds of rebuild it must cause).
EDITS = [
    ("docs/part-2.md", "\nThe ", "\nThe very ", ["dirty"]),
    # A new section title: a new anchor, which other pages may link to; the full build follows the dirty one.
    ("docs/part-2.md", "\n## ", "\n## Now, ", ["dirty", "full"]),
    ("nnla/forward.py", '"""', '"""The forward pass. ', ["full"]),
    ("docs/library.md", "\n", "\nThe library's reference.\n", ["full"]),
    ("docs/part-1.md", "\nThe ", "\nThe very ", ["dirty"]),
]


def _env(copy: Path) -> dict[str, str]:
    return {
        **os.environ,
        **copy_env(copy),
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
        "NO_MKDOCS_2_WARNING": "1",
    }


def _differences(left: Path, right: Path) -> list[str]:
    """Files that differ between two site folders, or are in one only."""
    comparison = filecmp.dircmp(left, right)
    found: list[str] = []

    def walk(c: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + name for name in c.left_only + c.right_only + c.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        found.extend(prefix + name for name in mismatch + errors)
        for name, sub in c.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(comparison, "")
    return sorted(found)


@pytest.mark.slow
def test_each_preview_rebuild_gives_the_site_a_clean_build_gives(tmp_path: Path) -> None:
    preview = copy_project(tmp_path / "preview")
    edits = [(path, old, new) for path, old, new, _ in EDITS]
    process = subprocess.run(
        [sys.executable, "-c", PREVIEW, str(tmp_path / "serving"), json.dumps(edits), str(tmp_path / "after")],
        cwd=preview,
        env=_env(preview),
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-6000:]
    reports = [json.loads(line) for line in process.stdout.splitlines() if line.startswith("{")]
    assert len(reports) == len(EDITS), process.stdout

    clean = copy_project(tmp_path / "clean")
    for n, ((path, old, new, kinds), report) in enumerate(zip(EDITS, reports, strict=True)):
        assert report["kinds"] == kinds, (path, report)
        if kinds == ["dirty"]:
            assert report["rebuilt"] == [Path(path).relative_to("docs").as_posix()], report
        file = clean / path
        file.write_text(file.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        reference = tmp_path / f"clean-{n}"
        built = subprocess.run(
            [sys.executable, "-c", CLEAN, str(reference)],
            cwd=clean,
            env=_env(clean),
            capture_output=True,
            text=True,
            check=False,
        )
        assert built.returncode == 0, built.stderr[-6000:]
        assert _differences(tmp_path / "after" / str(n), reference) == [], f"after editing {path}"
