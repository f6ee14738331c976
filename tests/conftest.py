"""Shared fixtures: one strict build of the whole site per test session, and that site served on 127.0.0.1.

Also the tiers (README, "Testing"): every test that uses the session's build is marked `site`, every test that
drives Chromium `browser`, both from the fixtures it uses; `slow` is written on the tests themselves, and a test
that builds the whole site in a subprocess without it fails (`run_mkdocs_build`), so that `make check`
(`-m "not slow and not browser"`) cannot quietly grow a build per test.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import support_venv
from hypothesis import HealthCheck, settings

from tools import static_server
from tools.chromium import CHROMIUM_FLAGS, HEADLESS_SHELL, headless_shell_unavailable

ROOT = Path(__file__).resolve().parent.parent
# Hypothesis's defaults fail an example that takes over 200 ms, or data that is slow to generate: on a loaded
# machine that is the load, not the code. No deadline, and no "too slow" health check; tests that bound time
# do so themselves, generously.
settings.register_profile("nnla", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("nnla")
#: Screenshots, Lighthouse reports and other files a run leaves for people to look at (gitignored).
ARTIFACTS = ROOT / "test-artifacts"
#: Every build in the tests records this as its date, as `make` does with the commit's date.
SOURCE_DATE_EPOCH = "1700000000"
#: Lines the run prints at its end, whatever pytest's capture settings (see `pytest_terminal_summary`).
SUMMARY = pytest.StashKey[list[str]]()
#: Fixtures that stand for the session's build of the real site, and for the browser: a test that uses one (even
#: through another fixture) gets the marker.
SITE_FIXTURES = frozenset({"built_site", "served_site"})
BROWSER_FIXTURES = frozenset({"chromium"})
#: Fixtures that build, copy or install more than the session's build (a copy of the project to break, a second
#: build, a wheel, a venv, a LinkChecker crawl): a test that uses one is marked `slow`.
SLOW_FIXTURES = frozenset({"pristine", "published", "wheel", "crawl", "venv"})
#: Module fixtures set up at a cost (a browser's visit of every page, a build, a wheel, a crawl): the tests
#: that use one run on one pytest-xdist worker, one after another (an `xdist_group` named after their module), so
#: that it is set up once. Spread over both workers, each worker set it up, and again each time its turn came back
#: after another module's test. A break-it module's `pristine` copy is cheap and its tests long: those spread.
#: (The session's `venv` serves two modules, which name its group themselves: tests/support_venv.py.)
ONCE_FIXTURES = frozenset(
    {"visits", "phone", "measured", "violations", "messages", "offline_site", "wheel", "published", "crawl",
     "mathml_site", "laid_out", "built"}
)  # fmt: skip
#: The test being set up or run in this process, for `run_mkdocs_build`'s check of the `slow` marker.
_current: list[pytest.Item] = []


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
    `nnla` only when `cwd` is the copy. A test that calls this must be marked `slow` (the session's own build,
    made by the `built_site` fixture, is the exception): otherwise it fails, naming the marker.
    """
    _require_slow_marker("runs `mkdocs build` in a subprocess (conftest.run_mkdocs_build)")
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


class _Said(logging.Handler):
    """What MkDocs logs during a build, as its command line prints it (`WARNING -  ...`)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname:<7} -  {record.getMessage()}")


def build_in_process(config: Path, site_dir: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """`mkdocs build --strict` of `config` in this process, as the command line makes it; (status, what it said).

    Sound only for a project whose Python code is this checkout's: the engine, the registry and the plugin are
    the modules this process has already imported (only `hooks/nnla_hooks.py` is loaded from `config`'s folder).
    A copy whose code is broken on purpose is built by `build_copy`, in a fresh process. `env` is set for the
    build's duration (`mkdocs.yml` reads `!ENV` when it is loaded). A test that calls this must be marked `slow`,
    as for `run_mkdocs_build`: it is a whole build, without the start of a process.
    """
    _require_slow_marker("builds the whole site in-process (conftest.build_in_process)")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    said = _Said()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(said)
    status = 0
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "NO_MKDOCS_2_WARNING": "1", **(env or {})}.items():
            patch.setenv(name, value)
        try:
            loaded = load_config(config_file=str(config), site_dir=str(site_dir), strict=True)
            loaded.plugins.on_startup(command="build", dirty=False)
            try:
                build(loaded)
            finally:
                loaded.plugins.on_shutdown()
        except (MkDocsException, SystemExit) as error:  # the command line prints the error and exits 1
            said.lines.append(str(error))
            status = 1
        except Exception as error:  # the command line prints a traceback and exits 1
            said.lines.append(f"{type(error).__name__}: {error}")
            status = 1
        finally:
            logger.removeHandler(said)
    return status, "\n".join(said.lines)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The site, built once for the whole session (once per worker under pytest-xdist) in strict mode."""
    with _session_build():
        return build_site(tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="session")
def venv(tmp_path_factory: pytest.TempPathFactory) -> support_venv.Venv:
    """The venv of a second site's author (tests/support_venv.py), made once for the session: the modules that use
    it share one `xdist_group`, so one worker makes it."""
    return support_venv.make_venv(tmp_path_factory.mktemp("plugin-venv"))


@pytest.fixture(scope="session")
def read_site(built_site: BuiltSite) -> Any:
    """The session's build as the doc-test reads it (`doccheck.read_site`: every page parsed, every computed value
    gathered), read once per worker: reading takes seconds, and the doc-test's checks only read it."""
    import doccheck

    return doccheck.read_site(built_site.site_dir, built_site.output)


@contextlib.contextmanager
def _session_build() -> Iterator[None]:
    """While the session's build is made, whichever test asked for it first need not be marked `slow`."""
    saved = _current[:]
    _current.clear()
    try:
        yield
    finally:
        _current[:] = saved


def _require_slow_marker(what: str) -> None:
    if _current and _current[-1].get_closest_marker("slow") is None:
        pytest.fail(
            f"{_current[-1].nodeid} {what} but is not marked slow: mark it (pytest.mark.slow) so that "
            '`make check` (-m "not slow and not browser") leaves it to `make test`',
            pytrace=False,
        )


# ---------------------------------------------------------------------------------------- copies of the project

#: What a build reads: the engine, the machinery, the hooks, the pages, the theme overrides and the configuration
#: (node_modules is linked).
PROJECT_SOURCES = ("nnla", "proven-numbers", "hooks", "docs", "overrides", "mkdocs.yml")


def copy_project(destination: Path, *, katex_cache: bool = True) -> Path:
    """Copy what the build reads to `destination` (a fresh folder), as a checkout elsewhere would have it.

    Build the copy with `build_copy`, which imports the copy's own `nnla`. With `katex_cache`, the project's
    KaTeX cache is copied too, so that only formulas the copy changes are rendered by `node`. The copy has the
    checkout's git history (`take_history`), so each page's last-updated date is the checkout's, and a page the
    copy does not change is built byte for byte as the session's build has it.
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
        # Another pytest-xdist worker's build may be writing an entry: its temporary name is renamed in one step.
        shutil.copytree(cache, destination / ".cache" / "katex", ignore=shutil.ignore_patterns(".tmp-*"))
    take_history(destination)
    return destination


def take_history(destination: Path) -> None:
    """Give a copy the checkout's git history, as a second checkout of the commit has it: a clone that shares the
    checkout's objects and checks nothing out (the copy's files are the working tree's, edits included). Each
    page's last-updated date (hooks/nnla_updated.py, `git log -1 -- FILE`) is then the same as the checkout's.
    A checkout without history (an unpacked archive) gives a copy without it: its pages show no date."""
    if not (ROOT / ".git").exists():
        return
    clone = destination / ".history"
    subprocess.run(
        ["git", "clone", "--quiet", "--shared", "--no-checkout", str(ROOT), str(clone)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (clone / ".git").rename(destination / ".git")
    clone.rmdir()


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
    return headless_shell_unavailable()


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
        browser = playwright.chromium.launch(executable_path=str(HEADLESS_SHELL), args=CHROMIUM_FLAGS)
        try:
            yield PatientBrowser(browser)
        finally:
            browser.close()


#: How long any wait of Playwright may last in the tests (a navigation, a locator, a `wait_for_function`): a
#: bound for a hang, not a measure of speed, so generous enough for a machine under any sane load.
BROWSER_WAIT_MS = 120_000

#: Material's search is ready: the heading of its results has left its first words, "Initializing search".
SEARCH_READY_JS = """() => {
    const meta = document.querySelector('.md-search-result__meta');
    return meta !== null && !/Initializing search/.test(meta.textContent);
}"""


def search_as_a_reader(page: Any, query: str, *, wait_until_ready: bool = True) -> None:
    """Type `query` into Material's search box once its search is ready, key by key as a reader does.

    A query typed while the search worker still loads the index may never be answered, and a value set at once
    (Playwright's `fill`) was missed by Material's search in 3 of 8 loads here (its results' heading left at "Type
    to start searching"); typed into the focused box, 8 of 8 were answered. `wait_until_ready=False` for a page
    read from disk: there the site's stand-in for the worker (hooks/nnla_offline.js) answers without first saying
    it is ready, so the heading keeps "Initializing search" until the first query.
    """
    if wait_until_ready:
        page.wait_for_function(SEARCH_READY_JS, timeout=BROWSER_WAIT_MS)
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query)


class PatientBrowser:
    """Playwright's Browser whose contexts and pages wait up to `BROWSER_WAIT_MS` for anything, not 30 s.

    Tests wait for a condition (`wait_for_function`, a locator's `wait_for`) and give no timeout of their own.
    """

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)

    def new_context(self, **options: Any) -> Any:
        context = self._browser.new_context(**options)
        context.set_default_timeout(BROWSER_WAIT_MS)
        context.set_default_navigation_timeout(BROWSER_WAIT_MS)
        return context

    def new_page(self, **options: Any) -> Any:
        page = self._browser.new_page(**options)
        page.set_default_timeout(BROWSER_WAIT_MS)
        page.set_default_navigation_timeout(BROWSER_WAIT_MS)
        return page


# ------------------------------------------------------------------------------------------------ the tiers


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook reads the `xdist_group` markers
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by what it uses: `site` for the session's build, `browser` for Chromium, `slow` for a fixture
    of `SLOW_FIXTURES`, and an `xdist_group` of its module for a fixture of `ONCE_FIXTURES`."""
    wrong = []
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("site") is not None and not used & SITE_FIXTURES:
            wrong.append(f"{item.nodeid} is marked site but uses none of {', '.join(sorted(SITE_FIXTURES))}")
        module = item.getparent(pytest.Module)
        if module is not None:
            for marker in module.own_markers:
                if marker.name in {"site", "browser"}:
                    wrong.append(f"{module.nodeid} marks all its tests {marker.name}: leave that to conftest.py")
        if used & SLOW_FIXTURES and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)
        if used & SITE_FIXTURES and item.get_closest_marker("site") is None:
            item.add_marker(pytest.mark.site)
        if used & BROWSER_FIXTURES and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
        if used & ONCE_FIXTURES and module is not None and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(module.nodeid))
    if wrong:
        raise pytest.UsageError("markers that select no tier:\n" + "\n".join(dict.fromkeys(wrong)))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    """Keep the running test (its fixtures' set-up included) where `run_mkdocs_build` can see its markers."""
    _current.append(item)
    try:
        return (yield)
    finally:
        _current.remove(item)


# ------------------------------------------------------------------------------------------- the run's summary

#: The property a test's report carries a summary line in: under pytest-xdist a worker's lines reach the run's
#: end only inside the reports it sends.
SUMMARY_PROPERTY = "nnla_summary"
#: Lines appended in this process and not yet put in a report.
_pending: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    config.stash[SUMMARY] = []
    _summaries.append(config.stash[SUMMARY])


#: Where this process's reports leave their summary lines (the run's configuration's list).
_summaries: list[list[str]] = []


@pytest.fixture(scope="session")
def summary() -> list[str]:
    """Append lines here to have them printed at the end of the run (CI's log shows them even under capture)."""
    return _pending


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, object, object]:
    report = yield
    if _pending and isinstance(report, pytest.TestReport):
        report.user_properties.extend((SUMMARY_PROPERTY, line) for line in _pending)
        _pending.clear()
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Collect the lines, whether the report was made here or by a pytest-xdist worker."""
    lines = [str(value) for name, value in report.user_properties if name == SUMMARY_PROPERTY]
    if lines and _summaries:
        _summaries[-1].extend(lines)


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
