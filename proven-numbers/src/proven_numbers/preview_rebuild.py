"""Live-preview rebuilds of only the pages an author changed: MkDocs' dirty build, made to give this site whole.

Under `mkdocs serve` every save rebuilt every page, the library's API page (mkdocstrings) the dearest of them.
MkDocs can rebuild only the pages whose files are newer than their output (a dirty build), but as it stands that
publishes a different site: strict mode fails on the warning it logs, the search index and the API inventory
hold only the rebuilt pages, `values.json` and the "every value is shown" check see only them, and a changed
title leaves the other pages' navigation stale. This module decides, before each rebuild, whether a dirty build
gives the same site as a full one, and afterwards puts back what a dirty build leaves out:

- a file is changed when its content is, whatever its time says (MkDocs' dirty build goes by times: the output of a
  page whose content changed is made older than it, so that MkDocs converts it);
- a rebuild is dirty only when the last build finished and every file changed since it began is a page of the
  site that existed then, and not one the API inventory lists: a change to the engine, the registry, the hooks,
  the theme, `mkdocs.yml`, an included file, or the set of pages is a full build;
- if a rebuilt page's title or anchors changed (other pages show the title and link to the anchors), a full
  build follows at once;
- the pages a dirty build does not read keep the titles the last build found, for the navigation;
- the search index and the API inventory are put together again from the last build's, page by page, in the
  order of the pages (a page its front matter lets into search, or keeps out, enters or leaves it);
- the values each page shows are kept per page, for the check and for `values.json`;
- MkDocs' warning about the dirty build is filtered, for these builds only.

`tests/test_preview_rebuild.py` checks the promise that matters: after each kind of edit, the preview's site is,
byte for byte, the site a clean build of the same files gives.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

__all__ = ["PageRecord", "Session"]

#: What MkDocs logs at the start of a dirty build (a warning, which strict mode counts as an error).
_DIRTY_WARNING = "A 'dirty' build is being performed"
#: Folders under the watched ones that no build reads.
_SKIPPED = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache"})
SEARCH_INDEX = Path("search", "search_index.json")
INVENTORY = Path("objects.inv")


@dataclass(frozen=True)
class PageRecord:
    """What a build learnt of one page, for the builds that do not convert it again.

    Attributes:
        path: the page's file.
        url: its URL in the site.
        title: its title (other pages show it in the navigation).
        anchors: the ids other pages may link to.
        shown: the names of the values it shows.
        output: the page's file in the built site.
    """

    path: str
    url: str
    title: str
    anchors: frozenset[str]
    shown: frozenset[str]
    output: str = ""


class _DropDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_DIRTY_WARNING)


@contextmanager
def _without_dirty_warning() -> Iterator[None]:
    logger = logging.getLogger("mkdocs.commands.build")
    dropped = _DropDirtyWarning()
    logger.addFilter(dropped)
    try:
        yield
    finally:
        logger.removeFilter(dropped)


def _digest(path: Path) -> str:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:  # gone between the listing and the reading: changed
        return ""


def _snapshot(paths: list[Path]) -> dict[str, str]:
    """Every file under `paths`, with a hash of its content: a file is changed when its bytes are (`cp -p`,
    `tar x` and `rsync -a` put newer text under an older time, which a comparison of times misses)."""
    files: dict[str, str] = {}
    for path in paths:
        if path.is_file():
            files[str(path)] = _digest(path)
            continue
        for file in path.rglob("*"):
            if file.is_file() and not _SKIPPED.intersection(file.parts):
                files[str(file)] = _digest(file)
    return files


def _order_search_index(
    previous: Mapping[str, Any], dirty: Mapping[str, Any], rebuilt: set[str], order: list[str]
) -> dict[str, Any]:
    """The search index of the whole site: each page's entries from the build that last converted it, the pages in
    the order a full build converts them (`order`, their URLs). A rebuilt page that its front matter now lets into
    the index enters it in its place; one it now keeps out leaves it."""
    entries: dict[str, list[Any]] = {}
    for entry in previous["docs"]:
        url = entry["location"].split("#")[0]
        if url not in rebuilt:
            entries.setdefault(url, []).append(entry)
    for entry in dirty["docs"]:
        entries.setdefault(entry["location"].split("#")[0], []).append(entry)
    docs = [entry for url in order for entry in entries.pop(url, [])]
    docs += [entry for left in entries.values() for entry in left]  # none: every entry is of a page
    return {"config": dirty["config"], "docs": docs}


def _inventory_urls(data: bytes) -> frozenset[str]:
    """The pages (URLs) an API inventory (Sphinx's objects.inv, version 2) points into."""
    header_end = 0
    for _ in range(4):  # four lines of header, then the zlib-compressed entries
        header_end = data.index(b"\n", header_end) + 1
    urls = set()
    for line in zlib.decompress(data[header_end:]).decode("utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) >= 4:
            urls.add(parts[3].split("#")[0])
    return frozenset(urls)


@dataclass
class Session:
    """One `mkdocs serve` session's memory of its builds.

    Attributes:
        watched: what the site's builds read: docs/, mkdocs.yml, the theme's overrides, the engine and the hooks.
        pages: what the builds so far learnt of each page, by its path in docs/.
        ok: whether the last build finished.
        dirty: whether the build under way is dirty.
        rebuilt: the pages (paths in docs/) converted by the build under way, or by the last one.
        kinds: "dirty" or "full", for each build of the session so far.
    """

    watched: list[Path]
    pages: dict[str, PageRecord] = field(default_factory=dict)
    ok: bool = False
    dirty: bool = False
    rebuilt: set[str] = field(default_factory=set)
    kinds: list[str] = field(default_factory=list)
    _snapshot: dict[str, str] | None = None
    _search_index: dict[str, Any] | None = None
    _inventory: bytes | None = None
    _api_urls: frozenset[str] = frozenset()
    _full_next: bool = False

    @classmethod
    def for_config(cls, config: MkDocsConfig, engine: list[Path]) -> Session:
        """A session watching what `config`'s site reads, and the folders of `engine` (the engine, the hooks)."""
        watched = [Path(config.docs_dir), Path(config.config_file_path), *engine]
        if config.theme.custom_dir:
            watched.append(Path(config.theme.custom_dir))
        return cls([path.resolve() for path in watched])

    def begin(self) -> None:
        """A build begins (`on_config`): remember what the files were, unless `plan` already did."""
        if self._snapshot is None:
            self._snapshot = _snapshot(self.watched)
        self.rebuilt = set()

    def plan(self) -> bool:
        """Before a rebuild: whether it may be dirty (see the module docstring)."""
        now = _snapshot(self.watched)
        previous, self._snapshot = self._snapshot, now
        if not self.ok or previous is None or self._full_next:
            return False
        changed = {path for path in now.keys() | previous.keys() if now.get(path) != previous.get(path)}
        pages = {record.path: record for record in self.pages.values()}
        if not all(path in pages and path in now and pages[path].url not in self._api_urls for path in changed):
            return False
        for path in changed:  # MkDocs' dirty build converts a page whose output is older than its file
            output = Path(pages[path].output)
            if output.is_file():
                os.utime(output, ns=(0, 0))
        return True

    def build(self, build: Callable[..., None], config: MkDocsConfig, serve_url: str | None) -> None:
        """Run one rebuild of `mkdocs serve` with MkDocs' `build`: dirty when `plan` allows it (then see
        `full_needed`)."""
        self.dirty = self.plan()
        self.kinds.append("dirty" if self.dirty else "full")
        self.ok = False
        try:
            if self.dirty:
                with _without_dirty_warning():
                    build(config, serve_url=serve_url, dirty=True)
            else:
                build(config, serve_url=serve_url)
        finally:
            self.dirty = False

    @property
    def full_needed(self) -> bool:
        """Whether the last build was dirty and changed what other pages show (a title, an anchor)."""
        return self._full_next

    def record(self, page: Page, shown: frozenset[str]) -> None:
        """After a page is converted (`on_page_content`): what later dirty builds need to know of it."""
        src = page.file.src_uri
        record = PageRecord(
            str(Path(page.file.abs_src_path or "").resolve()),
            page.url,
            str(page.title),
            frozenset(page.present_anchor_ids or ()),
            shown,
            str(page.file.abs_dest_path),
        )
        before = self.pages.get(src)
        if self.dirty and before is not None and (before.title, before.anchors) != (record.title, record.anchors):
            self._full_next = True
        self.pages[src] = record
        self.rebuilt.add(src)

    def keep_titles(self, pages: Iterable[Page]) -> None:
        """In a dirty build, before any template is rendered (`on_env`): each page this build did not read gets the
        title the last build found for it, which the navigation of every rebuilt page shows (without it, MkDocs
        has none for a page whose title is its heading, and the navigation says "None")."""
        if not self.dirty:
            return
        for page in pages:
            record = self.pages.get(page.file.src_uri)
            if page.markdown is None and record is not None:
                page.title = record.title

    def shown_elsewhere(self) -> Iterator[tuple[str, str]]:
        """In a dirty build, (value, page) for every value shown by a page this build did not convert."""
        if not self.dirty:
            return
        for src, record in self.pages.items():
            if src not in self.rebuilt:
                for name in record.shown:
                    yield name, src

    def finish(self, site_dir: str) -> None:
        """After the build (`on_post_build`): make the site-wide files whole again, and remember them."""
        site = Path(site_dir)
        index_path, inventory_path = site / SEARCH_INDEX, site / INVENTORY
        if self.dirty and self._search_index is not None and index_path.is_file():
            rebuilt = {self.pages[src].url for src in self.rebuilt}
            dirty_index = json.loads(index_path.read_text(encoding="utf-8"))
            order = [record.url for record in self.pages.values()]
            merged = _order_search_index(self._search_index, dirty_index, rebuilt, order)
            index_path.write_text(json.dumps(merged, separators=(",", ":"), default=str), encoding="utf-8")
        if self.dirty and self._inventory is not None and inventory_path.is_file():
            inventory_path.write_bytes(self._inventory)  # no page of the inventory was rebuilt (see `plan`)
        if index_path.is_file():
            self._search_index = json.loads(index_path.read_text(encoding="utf-8"))
        if inventory_path.is_file():
            self._inventory = inventory_path.read_bytes()
            self._api_urls = _inventory_urls(self._inventory)
        if not self.dirty:
            self._full_next = False
        self.ok = True
