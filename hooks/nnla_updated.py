"""This site's hook for each page's last-updated date: the date of the last commit that changed its file.

Material shows `page.meta.revision_date` at the foot of a page, with its "Last update" icon. This hook asks git
(`git log -1 --format=%ct -- FILE`) for the commit time of the page's file and writes the date, in UTC, as
`<time datetime="2026-12-07">7 December 2026</time>`: a date of one commit, so two builds of a commit are identical.

Where git cannot say (a copy of the project without `.git`, as the tests make; git not installed; a page not yet
committed) the page shows no date. The build's own date (SOURCE_DATE_EPOCH) would be no date of the page's text,
and without git `make` sets it to 0, 1 January 1970. A page's front matter may give `revision_date` itself.
"""

from __future__ import annotations

import logging
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.nnla_updated")

#: Month names written out, not the locale's, so that every machine writes the same page.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
#: Long enough for git on a busy machine; a git that does not answer in it gives no date, not a stuck build.
GIT_TIMEOUT_S = 20


def commit_time(path: Path) -> int | None:
    """The Unix time of the last commit that changed `path`, or None when git cannot say."""
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        log.debug("no date for %s: %s", path, error)
        return None
    stamp = result.stdout.strip()
    if result.returncode != 0 or not stamp.isdigit():
        log.debug("no date for %s: git says %s", path, result.stderr.strip() or "nothing")
        return None
    return int(stamp)


def as_html(time: int) -> str:
    """A commit time as the date a reader reads, in UTC, marked up as a `<time>`."""
    day = datetime.fromtimestamp(time, UTC).date()
    return f'<time datetime="{day.isoformat()}">{day.day} {MONTHS[day.month - 1]} {day.year}</time>'


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if "revision_date" in page.meta or page.file.abs_src_path is None:
        return markdown
    time = commit_time(Path(page.file.abs_src_path))
    if time is not None:
        page.meta["revision_date"] = as_html(time)
    return markdown
