"""What a published site carries that a Material reader expects, and what the build says when it cannot.

With a repository address (`NNLA_REPO_URL`) and the site's (`NNLA_SITE_URL`) the pages link the repository and an
"edit this page" button, and name a link-preview card (`og:image`, `summary_large_image`) that the build drew
(hooks/nnla_social.py) and that is in the site; without them (the session's build) none of that is there, and the
build says, as an INFO line, what a build without `site_url` cannot do under a sub-path (hooks/nnla_addresses.py).
Each page shows its file's last commit's date (hooks/nnla_updated.py), read here from git independently. In
Chromium, a page with the repository link asks nothing of the repository's host; Material's own partial, which
does, is caught by the same check.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, BuiltSite, build_site, serve
from PIL import Image

import nnla_addresses
import nnla_social
import nnla_updated

REPO = "https://github.com/example/nnla"
SITE = "https://example.org/nnla/"
#: Every page of the site, by its source file, and where the published build writes it.
PAGES = {
    "index.md": "index.html",
    "part-1.md": "part-1/index.html",
    "part-2.md": "part-2/index.html",
    "part-3.md": "part-3/index.html",
    "errata.md": "errata/index.html",
    "derivations.md": "derivations/index.html",
    "library.md": "library/index.html",
    "authoring.md": "authoring/index.html",
    "configuration.md": "configuration/index.html",
    "building.md": "building/index.html",
}
FONTS = ROOT / "node_modules" / "katex" / "dist" / "fonts"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The site built as it is published: with its address and its repository's."""
    return build_site(tmp_path_factory.mktemp("published") / "site", env={"NNLA_SITE_URL": SITE, "NNLA_REPO_URL": REPO})


def soup(site: BuiltSite, path: str) -> BeautifulSoup:
    return BeautifulSoup(site.page(path), "html.parser")


def meta(page: BeautifulSoup, key: str) -> str | None:
    tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    return None if tag is None else str(tag["content"])


def git_date(source: str) -> str | None:
    """The UTC day of the last commit of docs/SOURCE, as git itself formats it."""
    result = subprocess.run(
        ["git", "log", "-1", "--date=format-local:%Y-%m-%d", "--format=%cd", "--", f"docs/{source}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": "UTC"},
        check=False,
    )
    return result.stdout.strip() or None


# ------------------------------------------------------------------------------------------ with the addresses


@pytest.mark.parametrize(("source", "path"), PAGES.items())
def test_a_published_page_links_its_repository_and_its_edit_page(published: BuiltSite, source: str, path: str) -> None:
    """Each page links the repository in its header and its own file's edit page."""
    page = soup(published, path)
    assert [a["href"] for a in page.select("a.md-source")][:1] == [REPO]
    edit = page.select_one('a.md-content__button[rel="edit"]')
    assert edit is not None, "no edit button"
    assert edit["href"] == f"{REPO}/edit/main/docs/{source}"


@pytest.mark.parametrize(("source", "path"), PAGES.items())
def test_a_published_page_names_its_card_and_the_card_is_in_the_site(
    published: BuiltSite, source: str, path: str
) -> None:
    """og:image is the page's card at the site's address; the card is a 1200x630 PNG in the built site."""
    page = soup(published, path)
    image = meta(page, "og:image")
    assert image == f"{SITE}assets/images/social/{Path(source).with_suffix('.png')}"
    assert meta(page, "twitter:card") == "summary_large_image"
    card = published.site_dir / image.removeprefix(SITE)
    with Image.open(card) as picture:
        assert picture.format == "PNG"
        assert picture.size == (int(meta(page, "og:image:width") or 0), int(meta(page, "og:image:height") or 0))
        assert picture.size == (1200, 630)


def test_cards_differ_by_page_and_are_described_by_their_title(published: BuiltSite) -> None:
    """Two pages' cards differ (each draws its own title), and a card's text alternative names its page."""
    folder = published.site_dir / "assets" / "images" / "social"
    assert (folder / "part-1.png").read_bytes() != (folder / "part-2.png").read_bytes()
    head = BeautifulSoup(published.page("part-1/index.html"), "html.parser")
    assert meta(head, "og:image:alt") == "Part I: Neural Networks with Linear Algebra"


@pytest.mark.parametrize(("source", "path"), PAGES.items())
def test_each_page_shows_its_files_last_commit_date(published: BuiltSite, source: str, path: str) -> None:
    """The page's last-updated date is its file's last commit's day (UTC), as git formats it."""
    expected = git_date(source)
    times = soup(published, path).select(".md-source-file time")
    if expected is None:
        assert times == [], "a date shown for a file git has no commit of"
    else:
        assert [t["datetime"] for t in times] == [expected]


def test_the_build_without_site_url_does_not_note_it(published: BuiltSite) -> None:
    assert "site_url is not set" not in published.output


# --------------------------------------------------------------------------------------- without the addresses


@pytest.mark.parametrize("path", ["index.html", "part-2/index.html"])
def test_without_addresses_no_repository_edit_link_or_card(built_site: BuiltSite, path: str) -> None:
    """The session's build (no NNLA_REPO_URL, no NNLA_SITE_URL): no repository link, edit button or og:image."""
    page = soup(built_site, path)
    assert page.select("a.md-source") == []
    assert page.select('a[rel="edit"]') == []
    assert meta(page, "og:image") is None
    assert meta(page, "twitter:card") == "summary"


def test_a_build_without_site_url_says_what_a_sub_path_needs(built_site: BuiltSite) -> None:
    """The session's build prints the note at INFO (a warning would fail --strict, and the build passed)."""
    assert f"INFO    -  {nnla_addresses.NOTE}" in built_site.output


# ----------------------------------------------------------------------------------------- the hooks, in parts


def test_no_date_where_git_has_none(tmp_path: Path) -> None:
    """A file outside any git history (a copy of the project without .git) gets no date, and no error."""
    page = tmp_path / "page.md"
    page.write_text("# A page\n", encoding="utf-8")
    assert nnla_updated.commit_time(page) is None
    assert nnla_updated.commit_time(ROOT / "docs" / "index.md") is not None


def test_a_commit_time_is_written_as_its_utc_day() -> None:
    """1700000000 is 2023-11-14 22:13:20 UTC: the day, in the markup and in words."""
    assert nnla_updated.as_html(1_700_000_000) == '<time datetime="2023-11-14">14 November 2023</time>'


def test_a_card_is_the_same_bytes_each_time() -> None:
    """Drawing one card twice gives the same PNG (rebuilds of one commit stay identical)."""
    first = nnla_social.draw_card("Site", "A title", "A description.", FONTS)
    assert first == nnla_social.draw_card("Site", "A title", "A description.", FONTS)
    assert first != nnla_social.draw_card("Site", "Another title", "A description.", FONTS)


def test_a_long_text_is_wrapped_and_cut_within_the_card() -> None:
    """A description too long for its lines is cut with an ellipsis, each line no wider than the card's text."""
    from PIL import ImageFont

    font = ImageFont.truetype(str(FONTS / nnla_social.REGULAR), nnla_social.TEXT_SIZE)
    width = nnla_social.WIDTH - 2 * nnla_social.MARGIN
    lines = nnla_social.wrap("word " * 400, font, width, nnla_social.TEXT_LINES)
    assert len(lines) == nnla_social.TEXT_LINES
    assert lines[-1].endswith("…")
    assert all(font.getlength(line) <= width for line in lines)
    assert nnla_social.curly_quotes('The essay "N", made') == "The essay \u201cN\u201d, made"


# -------------------------------------------------------------------------------------------- in the browser


def requests_of(chromium: Any, url: str) -> list[str]:
    """Every address a page asked for, while it loads and settles."""
    context = chromium.new_context()
    requests: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(1000)
    finally:
        context.close()
    return requests


def elsewhere(requests: list[str], base_url: str) -> list[str]:
    return [url for url in requests if not url.startswith(base_url)]


def test_the_repository_link_asks_nothing_of_the_repository_host(chromium: Any, published: BuiltSite) -> None:
    """With a GitHub repository linked, the page requests nothing from another host (no api.github.com facts)."""
    with serve(published.site_dir) as base_url:
        requests = requests_of(chromium, base_url + "part-1/")
    assert requests, "the page made no request at all"
    assert elsewhere(requests, base_url) == []


def test_materials_own_repository_link_is_caught(chromium: Any, published: BuiltSite, tmp_path: Path) -> None:
    """Material's own partial (`data-md-component="source"`) asks GitHub's API for the repository's facts: the
    same check reports it."""
    copy = tmp_path / "site"
    shutil.copytree(published.site_dir, copy)
    page = copy / "part-1" / "index.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r'class="md-source"', 'class="md-source" data-md-component="source"', html), "utf-8")
    with serve(copy) as base_url:
        requests = requests_of(chromium, base_url + "part-1/")
    assert any("api.github.com" in url for url in elsewhere(requests, base_url)), requests
