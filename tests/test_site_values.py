"""The built site as a doc-test: every number on every page is recomputed and compared.

The checks live in ``doccheck.py`` (recomputations written from the essay's formulas in plain NumPy, from the
inputs the site publishes; none calls the nnla function that produced the value), so that
``test_doctest_breaks.py`` can run the same checks on deliberately broken builds. Here each check must find
nothing on the project's own build.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import doccheck
import pytest


@pytest.fixture(scope="module")
def site(read_site: doccheck.Site) -> doccheck.Site:
    """The session's build, read once (conftest's `read_site`): every computed value on every page."""
    return read_site


def holds(check: doccheck.Check, site: doccheck.Site) -> None:
    problems = check(site)
    assert not problems, f"{check.__name__}:\n" + "\n".join(problems)


def test_every_copy_of_a_value_agrees(site: doccheck.Site) -> None:
    holds(doccheck.every_copy_of_a_value_agrees, site)


def test_every_value_is_recomputed(site: doccheck.Site) -> None:
    """A value on a page that the doc-test cannot recompute is a number nobody checks."""
    holds(doccheck.every_value_is_recomputed, site)


def test_values_match_recomputation(site: doccheck.Site) -> None:
    holds(doccheck.values_match_recomputation, site)


def test_traces_rerun_from_their_published_inputs(site: doccheck.Site) -> None:
    holds(doccheck.traces_rerun_from_their_published_inputs, site)


def test_traces_behave_as_the_pages_say(site: doccheck.Site) -> None:
    """The claims the essay's corrections rest on, asserted from the published traces."""
    holds(doccheck.traces_behave_as_the_pages_say, site)


def test_batch_inputs_are_what_the_pages_say(site: doccheck.Site) -> None:
    holds(doccheck.batch_inputs_are_what_the_pages_say, site)


def test_values_json_agrees_with_the_pages(site: doccheck.Site) -> None:
    holds(doccheck.values_json_agrees_with_the_pages, site)


def test_no_marker_or_token_is_left(site: doccheck.Site) -> None:
    """A marker left as an HTML comment would be a value the reader never sees (shown in code, it is escaped)."""
    holds(doccheck.no_marker_or_token_is_left, site)


def test_formulas_show_the_values_at_their_precision(site: doccheck.Site) -> None:
    holds(doccheck.formulas_show_the_values_at_their_precision, site)


def test_tables_show_the_values_at_their_precision(site: doccheck.Site) -> None:
    holds(doccheck.tables_show_the_values_at_their_precision, site)


def test_claims_hold_at_their_written_precision(site: doccheck.Site) -> None:
    holds(doccheck.claims_hold_at_their_written_precision, site)


def test_numbers_in_prose_are_accounted_for(site: doccheck.Site) -> None:
    """Every number in Part I and Part II is computed, a checked claim, or on doccheck's reviewed allow-lists."""
    holds(doccheck.numbers_in_prose_are_accounted_for, site)


def test_every_page_is_built(site: doccheck.Site) -> None:
    holds(doccheck.every_page_is_built, site)


def test_the_build_prints_no_warning(site: doccheck.Site) -> None:
    holds(doccheck.the_build_prints_no_warning, site)


def test_check_site_runs_every_check() -> None:
    """`check_site`, which the break-it tests rely on, runs every check this file asserts."""
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert set(doccheck.CHECKS) == tested - {"check_site_runs_every_check", "a_reading_shares_only_identical_pages"}


def test_a_reading_shares_only_identical_pages(site: doccheck.Site, tmp_path: Path) -> None:
    """A copy of the build read `like` the session's: an unchanged page shares the session's parse, and a page
    changed by a single character (the break-it tests' case) is parsed anew, and its values read from the change."""
    copy = tmp_path / "site"
    shutil.copytree(site.site_dir, copy)
    page = "part-1/index.html"
    text = site.texts[page]
    match = re.search(r'data-nnla-name="(\w+)" data-nnla-value="[^"1-9]*([1-9])', text)
    assert match, f"{page} no longer carries a value with a nonzero digit: update this test"
    name, digit = match.group(1), match.start(2)
    (copy / page).write_text(text[:digit] + str(int(text[digit]) % 9 + 1) + text[digit + 1 :], encoding="utf-8")
    again = doccheck.read_site(copy, like=site)
    assert again.soups["index.html"] is site.soups["index.html"]
    assert again.soups[page] is not site.soups[page]
    before = site.soups[page].select_one(f"[data-nnla-name={name}]")
    after = again.soups[page].select_one(f"[data-nnla-name={name}]")
    assert before is not None
    assert after is not None
    assert after["data-nnla-value"] != before["data-nnla-value"]
    assert any(element is after for _, element in again.elements), "the checks would read the session's element"
