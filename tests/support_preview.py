"""Driving the live preview as `mkdocs serve` drives it, and comparing each rebuild with a clean build.

A project folder is built in a process of its own: the first build, `on_serve`, then each rebuild through the name
`build` of MkDocs' serve module, as its builder calls it, after each step of edits. A clean build of the same files
is made in a fresh process, as `mkdocs serve` makes its first one. Used by tests/test_preview_rebuild.py (a copy of
the project) and tests/test_issue17_preview.py (a tiny site).
"""

from __future__ import annotations

import filecmp
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

SOURCE_DATE_EPOCH = "1700000000"
SERVE_URL = "http://127.0.0.1:8000/"

#: One edit: a file's path in the project, its whole new text, and its new time: "older" or "same" than its last
#: (as ``cp -p`` leaves it, or a save within the clock's tick), or "newer" (an ordinary save).
Edit = tuple[str, str, str]
#: The edits made before one rebuild.
Step = list[Edit]
#: The environment of a build of the project in a folder (beyond os.environ), given the folder.
Env = Callable[[Path], dict[str, str]]

#: Builds the project in the current folder as `mkdocs serve` does, applying each step of edits of argv[2] (JSON,
#: a list of steps of `Edit`s) in turn; after each step's rebuild copies the site to argv[3]/<n> and prints the kinds
#: of rebuild and the pages converted.
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
        session = plugin.session
        known = len(session.kinds)
        builder()
        # The plugin keeps its session across the rebuilds of one mkdocs serve; a new one's kinds count too.
        kinds = session.kinds[known:] + (plugin.session.kinds if plugin.session is not session else [])
        shutil.copytree(site_dir, out / str(n))
        print(json.dumps({"kinds": kinds, "rebuilt": sorted(plugin.session.rebuilt)}), flush=True)
    first.plugins.on_shutdown()
    """
).replace("SERVE_URL", repr(SERVE_URL))

#: A clean build of the project in the current folder, as `mkdocs serve` makes its first one, into argv[1].
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


def _run(script: str, *args: str, cwd: Path, env: Env | None) -> subprocess.CompletedProcess[str]:
    extra = env(cwd) if env is not None else {}
    full = {**os.environ, **extra, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-c", script, *args], cwd=cwd, env=full, capture_output=True, text=True, check=False
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


def preview(project: Path, steps: list[Step], work: Path, env: Env | None = None) -> list[dict[str, list[str]]]:
    """Serve `project` and rebuild it after each step; each rebuild's site is then in ``work/after/<n>``. What each
    rebuild reported: its ``kinds`` (dirty, full) and the pages it ``rebuilt``. The preview must not fail."""
    done = _run(PREVIEW, str(work / "serving"), json.dumps(steps), str(work / "after"), cwd=project, env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    reports = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(reports) == len(steps), done.stdout
    return reports


def preview_page(project: Path, steps: list[Step], work: Path, page: str) -> str:
    """The HTML of `page` (a path in the site) as the preview shows it after the last step."""
    preview(project, steps, work)
    return (work / "after" / str(len(steps) - 1) / page).read_text(encoding="utf-8")


def check_against_clean(steps: list[Step], clean: Path, work: Path, env: Env | None = None) -> None:
    """Apply each step to `clean` (a fresh copy of the project the preview served) and build it in a fresh process:
    the site must be, file by file, the preview's site after that step (``work/after/<n>``)."""
    for n, step in enumerate(steps):
        for path, text, _ in step:
            (clean / path).write_text(text, encoding="utf-8")
        reference = work / f"clean-{n}"
        built = _run(CLEAN, str(reference), cwd=clean, env=env)
        assert built.returncode == 0, built.stderr[-6000:]
        assert differences(work / "after" / str(n), reference) == [], f"after step {n}: {step}"
