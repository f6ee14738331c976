"""Publishing metadata, read from the built HTML: each page's description and link preview (Open Graph), and a
site published under a sub-path (`site_url` from NNLA_SITE_URL, mkdocs.yml says how).

- Every page has a description, og:title, og:description and og:type, their values escaped: the quotes in
  site_description ended Material's attribute early.
- No URL in a page's head names another host: without site_url none is absolute; with it, only the canonical
  link and og:url are, on the site's own address.
- With site_url on a sub-path, the sitemap lists every page there, 404.html links under the sub-path, and every
  other link stays relative.
"""

from __future__ import annotations

import html.parser
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import markupsafe
import pytest
import yaml
from conftest import ROOT, BuiltSite, build_in_process

#: A sub-path address, as a project page has (https://USER.github.io/nnla/).
SITE_URL = "https://example.org/nnla/"
#: Attributes whose value is a URL.
URL_ATTRIBUTES = frozenset({"href", "src", "action", "poster", "data", "xlink:href"})
#: <meta> properties and names whose content is a URL.
URL_METAS = frozenset({"og:url", "og:image", "twitter:image"})


class _Config(yaml.SafeLoader):
    """mkdocs.yml as YAML, MkDocs' own tags (!ENV, !relative) read as nothing."""


_Config.add_multi_constructor("!", lambda loader, suffix, node: None)


def site_description() -> str:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Config)
    description: str = config["site_description"]
    return description


def front_matter(src: Path) -> dict[str, str]:
    text = src.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    meta: dict[str, str] = yaml.safe_load(text[4 : text.index("\n---\n", 4)]) or {}
    return meta


class Head(html.parser.HTMLParser):
    """What a page's <head> says: its <meta>s (by name or property), its <link>s and its title."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self.urls: list[str] = []
        self.title = ""
        self._in = {"head": False, "title": False}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in self._in:
            self._in[tag] = True
        if not self._in["head"]:
            return
        self.urls += [value for name, value in values.items() if name in URL_ATTRIBUTES]
        if tag == "meta" and ("name" in values or "property" in values):
            key = values.get("property") or values["name"]
            self.meta.setdefault(key, []).append(values.get("content", ""))
            if key in URL_METAS:
                self.urls.append(values.get("content", ""))
        if tag == "link":
            self.links.append(values)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            self._in[tag] = False

    def handle_data(self, data: str) -> None:
        if self._in["title"]:
            self.title += data


def head(page_html: str) -> Head:
    reader = Head()
    reader.feed(page_html)
    reader.close()
    return reader


def pages(site_dir: Path) -> list[str]:
    """Every HTML page of the site, as a path relative to it."""
    return sorted(str(p.relative_to(site_dir)) for p in site_dir.rglob("*.html"))


def source_of(page: str) -> Path | None:
    """The Markdown file a built page comes from."""
    if page == "404.html":
        return None
    stem = page.removesuffix("index.html").rstrip("/") or "index"
    return ROOT / "docs" / f"{stem}.md"


def meta_problems(page: str, page_html: str, description: str) -> Iterator[str]:
    """What the page's head lacks or gets wrong, for a page whose description should be `description`."""
    h = head(page_html)
    for key in ("description", "og:title", "og:description", "og:type", "og:site_name"):
        values = h.meta.get(key, [])
        if len(values) != 1 or not values[0].strip():
            yield f"{page}: {key} is {values!r}, not one value"
    if h.meta.get("description") != [description]:
        yield f"{page}: the description reads {h.meta.get('description')!r}, not {description!r}"
    if h.meta.get("og:description") != [description]:
        yield f"{page}: og:description reads {h.meta.get('og:description')!r}"
    title = h.title.split(" - ")[0].strip()
    if h.meta.get("og:title") != [title]:
        yield f"{page}: og:title reads {h.meta.get('og:title')!r}, the title {title!r}"
    if h.meta.get("og:type", [""])[0] not in {"website", "article"}:
        yield f"{page}: og:type is {h.meta.get('og:type')!r}"


def expected_description(page: str) -> str:
    src = source_of(page)
    return (front_matter(src).get("description") if src else None) or site_description()


def test_every_page_has_its_description_and_link_preview(built_site: BuiltSite) -> None:
    """The site's description holds quotes; the library page and the home page have their own."""
    assert '"' in site_description(), "the site's description has no quotes to escape: the test shows less"
    all_pages = pages(built_site.site_dir)
    assert len(all_pages) >= 10
    problems = [p for page in all_pages for p in meta_problems(page, built_site.page(page), expected_description(page))]
    assert problems == []
    own = [page for page in all_pages if (src := source_of(page)) and front_matter(src).get("description")]
    assert "library/index.html" in own


def test_the_meta_check_sees_an_unescaped_quote(built_site: BuiltSite) -> None:
    """Material's `content="{{ config.site_description }}"`: the attribute ends at the first quote."""
    page = built_site.page("part-1/index.html")
    description = site_description()
    broken = page.replace(
        f'<meta name="description" content="{markupsafe.escape(description)}">',
        f'<meta name="description" content="{description}">',
    )
    assert broken != page, "the page's description was not found as the template writes it"
    assert list(meta_problems("part-1/index.html", broken, description))
    assert list(
        meta_problems("part-1/index.html", page.replace('property="og:type"', 'property="og:kind"'), description)
    )


def absolute_urls(urls: list[str]) -> list[str]:
    return [u for u in urls if urlsplit(u).scheme or u.startswith("//")]


def test_no_absolute_url_in_a_head_without_site_url(built_site: BuiltSite) -> None:
    """Built without NNLA_SITE_URL, a page's head names no host: no canonical link, no og:url."""
    found = {page: absolute_urls(head(built_site.page(page)).urls) for page in pages(built_site.site_dir)}
    assert {page: urls for page, urls in found.items() if urls} == {}
    assert "og:url" not in head(built_site.page("index.html")).meta


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The site built for publishing under a sub-path, as mkdocs.yml says: NNLA_SITE_URL set (in this process:
    the code is the checkout's, only the address differs)."""
    site = tmp_path_factory.mktemp("published") / "site"
    status, output = build_in_process(ROOT / "mkdocs.yml", site, env={"NNLA_SITE_URL": SITE_URL})
    assert status == 0, f"mkdocs build --strict failed:\n{output}"
    return BuiltSite(site, output)


def test_published_pages_name_their_own_address_only(published: BuiltSite) -> None:
    """The canonical link and og:url are the page's address under site_url, og:image its card there
    (hooks/nnla_social.py); no other absolute URL in a head."""
    for page in pages(published.site_dir):
        h = head(published.page(page))
        if page == "404.html":
            assert "og:url" not in h.meta
            continue
        address = urljoin(SITE_URL, page.removesuffix("index.html"))
        canonical = [link["href"] for link in h.links if link.get("rel") == "canonical"]
        assert canonical == [address], page
        assert h.meta.get("og:url") == [address], page
        card = urljoin(SITE_URL, f"assets/images/social/{page.removesuffix('index.html').rstrip('/') or 'index'}.png")
        assert h.meta.get("og:image") == [card], page
        assert sorted(absolute_urls(h.urls)) == sorted([address, address, card]), page


def test_published_sitemap_lists_every_page_under_the_sub_path(published: BuiltSite) -> None:
    sitemap = published.page("sitemap.xml")
    listed = sorted(part.split("</loc>")[0] for part in sitemap.split("<loc>")[1:])
    expected = sorted(
        urljoin(SITE_URL, p.removesuffix("index.html")) for p in pages(published.site_dir) if p != "404.html"
    )
    assert listed == expected


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and values.get("rel") == "canonical":
            return
        self.urls += [value for name, value in values.items() if name in {"href", "src"}]


def links(page_html: str) -> list[str]:
    reader = _Links()
    reader.feed(page_html)
    return reader.urls


def test_published_links_work_under_the_sub_path(published: BuiltSite) -> None:
    """404.html, served at any missing address, links under /nnla/ to files that exist; every other page links
    relatively, so that it works wherever it is copied."""
    site = published.site_dir
    missing = urljoin(SITE_URL, "part-1/no/such/page/")
    for url in links(published.page("404.html")):
        if url.startswith("#") or urlsplit(url).netloc not in {"", "example.org"}:
            continue
        assert url.startswith("/nnla/"), url
        target = urlsplit(urljoin(missing, url)).path.removeprefix("/nnla/")
        assert (site / target).is_file() or (site / target / "index.html").is_file(), url
    for page in pages(site):
        if page == "404.html":
            continue
        ours = [u for u in links(published.page(page)) if "example.org" in u or u.startswith("/")]
        assert ours == [], f"{page} links absolutely to the site itself: {ours[:5]}"
