r"""Every page of the built site is valid HTML by the Nu Html Checker, but for errors in markup that is not ours.

The Nu Html Checker (`vnu-jar` from npm, the W3C validator's engine; it needs Java: `make validators` installs
Debian's `default-jre-headless`) reads every HTML file of the session's build in one run, shared by this module's
tests. Every error must come from markup this project does not write, and each such kind is named below
(`NOT_OURS`) by its message, the markup it points at, whose it is, and what would remove it. An error that none
of them explains fails the test: it is ours (overrides/, hooks/, the proven-numbers plugin's output, docs/).
KaTeX's two kinds are gone since the site publishes MathML alone: negative heights written inline in KaTeX's HTML
(31 on 2026-12-07), which it no longer writes, and an operator name split in two arguments of a script (`\max`
in `\lambda_{\max}`, 64), which the plugin groups (`proven_numbers.katex.mathml_scripts`).

`test_an_error_of_ours_fails` validates a page with an error of ours put in, and sees it reported.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, BuiltSite

# One run of the Nu Html Checker (Java) over every page: the full suite's, not the fast tier's.
pytestmark = pytest.mark.slow

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: A run over the whole site takes a minute or two; past this it is stuck.
TIMEOUT = 900


@dataclass(frozen=True)
class NotOurs:
    """A kind of error in markup this project does not write: where it comes from and what would remove it."""

    source: str
    message: re.Pattern[str]
    extract: re.Pattern[str]
    remedy: str

    def explains(self, error: dict[str, str]) -> bool:
        return bool(self.message.search(error["message"]) and self.extract.search(error.get("extract", "")))


NOT_OURS: dict[str, NotOurs] = {
    "material-toggles": NotOurs(
        'Material\'s base.html: its drawer and search switches, checkboxes with autocomplete="off"',
        re.compile(r"^Attribute “autocomplete” is only allowed when the input type is "),
        re.compile(r'<input class="md-toggle" data-md-toggle="(?:drawer|search)" type="checkbox"'),
        "Material writes them in base.html outside any block: overriding the whole of base.html, or a fix "
        "upstream (the attribute is there to stop Firefox restoring the switches' state on reload)",
    ),
}


def java_unavailable() -> str | None:
    if shutil.which("java") is None:
        return "java is not installed (make validators; or apt-get install default-jre-headless)"
    if not VNU.is_file():
        return f"the Nu Html Checker is not installed at {VNU} (npm ci)"
    return None


def validate(paths: Iterable[Path]) -> list[dict[str, str]]:
    """The Nu Html Checker's messages on HTML files or folders (its JSON output's `messages`)."""
    reason = java_unavailable()
    if reason:
        if os.environ.get("NNLA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"NNLA_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    command = ["java", "-jar", str(VNU), "--format", "json", "--skip-non-html", *map(str, paths)]
    process = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    try:
        messages: list[dict[str, str]] = json.loads(process.stderr)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"the Nu Html Checker gave no JSON report ({process.returncode}):\n{process.stderr[-2000:]}")
    return messages


def errors_of(messages: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    """The errors (and anything the checker could not do, such as reading a file), not its information."""
    return [m for m in messages if m["type"] != "info"]


def whose(error: dict[str, str]) -> str | None:
    """The key of the markup not ours that explains an error; None if it is ours."""
    return next((key for key, kind in NOT_OURS.items() if kind.explains(error)), None)


def describe(error: dict[str, str], root: Path) -> str:
    url = error.get("url", "").removeprefix("file:").removeprefix(str(root))
    return f"{url}:{error.get('lastLine', '?')}: {error['message']} [{error.get('extract', '').strip()!r}]"


@pytest.fixture(scope="module")
def messages(built_site: BuiltSite, summary: list[str]) -> list[dict[str, str]]:
    """The checker's messages on every HTML file of the session's build, from one run."""
    found = validate([built_site.site_dir])
    errors = errors_of(found)
    counts = Counter(whose(e) or "ours" for e in errors)
    pages = len(list(built_site.site_dir.rglob("*.html")))
    summary.append(
        f"Nu Html Checker: {pages} pages, {len(errors)} errors ("
        + ", ".join(f"{key} {count}" for key, count in sorted(counts.items()))
        + f"), {len(found) - len(errors)} info/warnings"
    )
    return found


def test_no_error_is_in_markup_of_ours(messages: list[dict[str, str]], built_site: BuiltSite) -> None:
    ours = [e for e in errors_of(messages) if whose(e) is None]
    assert not ours, "the Nu Html Checker reports errors in this project's markup:\n" + "\n".join(
        describe(e, built_site.site_dir) for e in ours
    )


def test_every_kind_of_error_not_ours_still_occurs(messages: list[dict[str, str]]) -> None:
    """A kind of error listed as not ours that no longer occurs (a KaTeX or Material upgrade fixed it) is
    taken off the list, so that the list says what the site holds."""
    seen = {whose(e) for e in errors_of(messages)}
    gone = [f"{key}: {kind.source}" for key, kind in NOT_OURS.items() if key not in seen]
    assert not gone, "no longer reported; take off NOT_OURS:\n" + "\n".join(gone)


#: Errors of ours, each put into a copy of a page: the markup before, and after.
OUR_ERRORS = {
    "autocomplete on the palette's radio inputs": (
        'type="radio" name="__palette"',
        'type="radio" autocomplete="off" name="__palette"',
    ),
    "a display formula's box as an inline element in a paragraph": (
        '<div class="nnla-math-display" tabindex="0">',
        '<p><div class="nnla-math-display" tabindex="0" tabindex="0">',
    ),
}


def test_an_error_of_ours_fails(built_site: BuiltSite, tmp_path: Path) -> None:
    """Each error of ours, put into a copy of Part I, is reported and explained by nothing in NOT_OURS."""
    pages = []
    for index, (name, (before, after)) in enumerate(OUR_ERRORS.items()):
        html = built_site.page("part-1/index.html")
        assert before in html, f"{name}: Part I no longer holds {before!r}: update this test"
        page = tmp_path / f"broken-{index}.html"
        page.write_text(html.replace(before, after, 1), encoding="utf-8")
        pages.append((name, page))
    errors = errors_of(validate([page for _, page in pages]))
    for name, page in pages:
        ours = [e for e in errors if e.get("url", "").endswith(page.name) and whose(e) is None]
        assert ours, f"{name}: the Nu Html Checker found nothing of ours in {page.name}"
