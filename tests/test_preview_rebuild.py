"""The live preview rebuilds only what changed, and its site is, byte for byte, the site a clean build gives.

A copy of the project is built as `mkdocs serve` builds it (the initial build, then `on_serve`, then each rebuild
through the name `build` of MkDocs' serve module, as its builder calls it), after each of a series of edits.
After every rebuild the preview's site is compared, file by file, with a clean build of the same files made by
a fresh process; and the kind of rebuild is checked: dirty for a sentence changed on a page, full for what other
pages depend on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_env, copy_project
from support_preview import Step, check_against_clean, preview

#: (file, text, replacement, the kinds of rebuild it must cause).
EDITS = [
    ("docs/part-2.md", "\nThe ", "\nThe very ", ["dirty"]),
    # A new section title: a new anchor, which other pages may link to; the full build follows the dirty one.
    ("docs/part-2.md", "\n## ", "\n## Now, ", ["dirty", "full"]),
    ("nnla/forward.py", '"""', '"""The forward pass. ', ["full"]),
    ("docs/library.md", "\n", "\nThe library's reference.\n", ["full"]),
    ("docs/part-1.md", "\nThe ", "\nThe very ", ["dirty"]),
]


@pytest.mark.slow
def test_each_preview_rebuild_gives_the_site_a_clean_build_gives(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "preview")
    texts: dict[str, str] = {}
    steps: list[Step] = []
    for path, old, new, _ in EDITS:
        text = texts.get(path) or (project / path).read_text(encoding="utf-8")
        assert old in text, (path, old)
        texts[path] = text.replace(old, new, 1)
        steps.append([(path, texts[path], "newer")])
    reports = preview(project, steps, tmp_path, env=copy_env)
    for (path, _, _, kinds), report in zip(EDITS, reports, strict=True):
        assert report["kinds"] == kinds, (path, report)
        if kinds == ["dirty"]:
            assert report["rebuilt"] == [Path(path).relative_to("docs").as_posix()], report
    check_against_clean(steps, copy_project(tmp_path / "clean"), tmp_path, env=copy_env)
