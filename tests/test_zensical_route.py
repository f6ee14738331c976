"""The second site on Zensical, MkDocs' successor, which runs Markdown extensions but no MkDocs plugin or hook.

In the venv of a second site's author (tests/support_venv.py: proven-numbers and Zensical 0.0.73, not `nnla`),
examples/dice/zensical.yml builds the page through the `proven_numbers` Markdown extension, and
`python -m proven_numbers check` does the site-level work after it. The page gets its values, claims and formulas;
a wrong claim fails Zensical's build at its line; a page left with its markers (a host that skipped the extension)
fails the check.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import support_venv
from support_venv import Venv, run
from test_second_site import copy_example

# The venv from the package index is slow to make: one worker makes it, for this module and the second site's.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(support_venv.GROUP)]

BUILD_TIMEOUT = 300


def zensical(venv: Venv, site: Path, *options: str) -> tuple[int, str]:
    process = run([venv.zensical, "build", *options], cwd=site, timeout=BUILD_TIMEOUT)
    return process.returncode, process.stdout + process.stderr


def check(venv: Venv, site: Path) -> tuple[int, str]:
    command: list[str | Path] = [
        venv.python,
        "-m",
        "proven_numbers",
        "check",
        "site",
        "--values",
        "calc_values:compute",
    ]
    command += ["--prefix", "calc", "--node-modules", "../../node_modules"]
    process = run(command, cwd=site, timeout=BUILD_TIMEOUT)
    return process.returncode, process.stdout + process.stderr


def test_zensical_builds_the_page_with_its_numbers_and_the_check_passes_it(venv: Venv, tmp_path: Path) -> None:
    site = copy_example(tmp_path)
    status, output = zensical(venv, site, "-f", "zensical.yml")
    assert status == 0, output
    page = (site / "site" / "index.html").read_text(encoding="utf-8")
    for name in ("faces", "joint", "sum_pmf", "mean", "variance", "mode", "p_seven"):
        assert f'data-calc-name="{name}"' in page, name
    assert 'data-calc-claim="0.167"' in page
    assert 'class="katex-display"' in page
    assert "<!-- calc:" not in page
    status, output = check(venv, site)
    assert status == 0, output
    document = json.loads((site / "site" / "values.json").read_text(encoding="utf-8"))
    assert document["values"]["variance"]["pages"] == ["index.html"]
    assert (site / "site" / "assets" / "katex" / "katex.min.css").is_file()


def test_a_wrong_claim_fails_zensicals_build_at_its_line(venv: Venv, tmp_path: Path) -> None:
    site = copy_example(tmp_path)
    page = site / "docs" / "index.md"
    text = page.read_text(encoding="utf-8")
    assert text.count("claim=0.167") == 1
    line = text[: text.index("claim=0.167")].count("\n") + 1
    page.write_text(text.replace("claim=0.167", "claim=0.168"), encoding="utf-8")
    status, output = zensical(venv, site, "-f", "zensical.yml")
    assert status != 0
    assert f":{line}: the prose claims p_seven = 0.168" in output, output


def test_the_check_fails_a_page_built_without_the_extension(venv: Venv, tmp_path: Path) -> None:
    site = copy_example(tmp_path)
    config = site / "zensical.yml"
    text = config.read_text(encoding="utf-8")
    start = text.index("  - proven_numbers:\n")
    config.write_text(text[:start], encoding="utf-8")  # a host that skips the extension
    status, output = zensical(venv, site, "-f", "zensical.yml")
    assert status == 0, output
    status, output = check(venv, site)
    assert status == 1
    assert "index.html: a marker <!-- calc:... --> was left in the page" in output
    assert "the value 'mean' is shown on no page" in output
