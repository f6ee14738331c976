"""Shared fixtures: one strict build of the whole site per test session, and that site served on 127.0.0.1."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tools import static_server
from tools.chromium import CHROMIUM, CHROMIUM_FLAGS, chromium_unavailable

ROOT = Path(__file__).resolve().parent.parent
#: Screenshots, Lighthouse reports and other files a run leaves for people to look at (gitignored).
ARTIFACTS = ROOT / "test-artifacts"
#: Every build in the tests records this as its date, as `make` does with the commit's date.
SOURCE_DATE_EPOCH = "1700000000"
#: Lines the run prints at its end, whatever pytest's capture settings (see `pytest_terminal_summary`).
SUMMARY = pytest.StashKey[list[str]]()


@dataclass(frozen=True)
class BuiltSite:
    """A finished `mkdocs build --strict` of the project, and what it printed."""

    site_dir: Path
    output: str

    def page(self, path: str) -> str:
        return (self.site_dir / path).read_text(encoding="utf-8")


def run_mkdocs_build(
    site_dir: Path,
    config: Path = ROOT / "mkdocs.yml",
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
) -> tuple[int, str]:
    """Run `mkdocs build --strict` as `make build` does; return its exit status and everything it printed.

    `cwd` comes first on the build's `sys.path` (`python -m`), so a copy of the project is built with its own
    `nnla` only when `cwd` is the copy.
    """
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(config),
            "--site-dir",
            str(site_dir),
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        # The banner mkdocs-material prints about MkDocs 2 is no warning about this site; `make` silences it too.
        env={**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
        check=False,
    )
    return process.returncode, process.stdout + process.stderr


def build_site(site_dir: Path, config: Path = ROOT / "mkdocs.yml", env: dict[str, str] | None = None) -> BuiltSite:
    """Build the site as `make build` does, failing the calling test with MkDocs' output if it fails."""
    returncode, output = run_mkdocs_build(site_dir, config, env)
    if returncode != 0:
        pytest.fail(f"mkdocs build --strict failed ({returncode}):\n{output}")
    return BuiltSite(site_dir, output)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The site, built once for the whole session in strict mode."""
    return build_site(tmp_path_factory.mktemp("site") / "site")


# ---------------------------------------------------------------------------------------- copies of the project

#: What a build reads: the engine, the machinery, the hooks, the pages, the theme overrides and the configuration
#: (node_modules is linked).
PROJECT_SOURCES = ("nnla", "proven-numbers", "hooks", "docs", "overrides", "mkdocs.yml")


def copy_project(destination: Path, *, katex_cache: bool = True) -> Path:
    """Copy what the build reads to `destination` (a fresh folder), as a checkout elsewhere would have it.

    Build the copy with `build_copy`, which imports the copy's own `nnla`. With `katex_cache`, the project's
    KaTeX cache is copied too, so that only formulas the copy changes are rendered by `node`.
    """
    destination.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    for name in PROJECT_SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=ignore)
        else:
            shutil.copy2(source, destination / name)
    (destination / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    cache = ROOT / ".cache" / "katex"
    if katex_cache and cache.is_dir():
        shutil.copytree(cache, destination / ".cache" / "katex")
    return destination


def copy_env(copy: Path) -> dict[str, str]:
    """The environment under which Python imports the copy's `nnla` and `proven_numbers`, not the project's
    editable installs (the plugin's entry point names a module, which the path then finds in the copy)."""
    return {"PYTHONPATH": f"{copy / 'proven-numbers' / 'src'}:{copy}", "PYTHONDONTWRITEBYTECODE": "1"}


def build_copy(copy: Path, site_dir: Path) -> tuple[int, str]:
    """`mkdocs build --strict` of a copy made by `copy_project`, importing the copy's `nnla`."""
    return run_mkdocs_build(site_dir, copy / "mkdocs.yml", copy_env(copy), cwd=copy)


# ------------------------------------------------------------------------------------------ the site over HTTP


@dataclass(frozen=True)
class ServedSite:
    """The built site served over HTTP on 127.0.0.1, on a port of its own."""

    site: BuiltSite
    base_url: str  # ends with "/"

    @property
    def host(self) -> str:
        return self.base_url.split("/")[2]

    def url(self, path: str = "") -> str:
        return self.base_url + path


@contextlib.contextmanager
def serve(site_dir: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 as a static host would; yield its base URL."""
    # LinkChecker sends at most 10 requests a second to a host unless the host answers with this header.
    with static_server.serve(site_dir, {"LinkChecker": "local test server"}) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def served_site(built_site: BuiltSite) -> Iterator[ServedSite]:
    """The session's build, served over HTTP on 127.0.0.1 for the browser, LinkChecker and Lighthouse."""
    with serve(built_site.site_dir) as base_url:
        yield ServedSite(built_site, base_url)


# ----------------------------------------------------------------------------------------------- the browser


def browser_unavailable() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (pip install playwright)"
    return chromium_unavailable()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, through Playwright; a skip (or, with NNLA_REQUIRE_BROWSER=1, a failure) without it."""
    reason = browser_unavailable()
    if reason:
        if os.environ.get("NNLA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"NNLA_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


# ------------------------------------------------------------------------------------------- the run's summary


def pytest_configure(config: pytest.Config) -> None:
    config.stash[SUMMARY] = []


@pytest.fixture(scope="session")
def summary(pytestconfig: pytest.Config) -> list[str]:
    """Append lines here to have them printed at the end of the run (CI's log shows them even under capture)."""
    return pytestconfig.stash[SUMMARY]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    lines = config.stash.get(SUMMARY, [])
    if lines:
        terminalreporter.section("nnla site report")
        for line in lines:
            terminalreporter.write_line(line)


def random_problem(m: int, n: int, z: int, seed: int = 0) -> tuple[np.ndarray, ...]:
    """A seeded batch (X, W, b, T) of shapes (m, n), (n, z), (1, z), (m, z) with normal entries."""
    rng = np.random.default_rng([seed, m, n, z])
    return (
        rng.normal(size=(m, n)),
        rng.normal(size=(n, z)),
        rng.normal(size=(1, z)),
        rng.normal(size=(m, z)),
    )
