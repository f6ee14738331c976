"""The tiers: what `make check` and `make test` run is what the benchmark times, and conftest's marking holds.

The marking is tested on stand-ins for pytest's items (a name, the fixtures it uses, its markers, its module's
markers), through the same hook pytest calls at collection.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import conftest
import pytest
from conftest import ROOT

from benchmarks import bench_tests


def make_variable(name: str) -> str:
    found = re.search(rf"^{name} \??:?= ?(.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)
    assert found, f"the Makefile sets no {name}"
    return found.group(1).strip()


def recipe(target: str) -> str:
    found = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)
    assert found, f"the Makefile has no target {target}"
    return found.group(1)


def test_make_check_and_make_test_run_what_the_benchmark_times() -> None:
    assert make_variable("FAST_TIER") == bench_tests.FAST_TIER
    assert make_variable("PYTEST_WORKERS") == bench_tests.WORKERS
    check, test = recipe("check"), recipe("test")
    assert '-m pytest -n $(PYTEST_WORKERS) --dist loadgroup -m "$(FAST_TIER)"' in check
    assert "-m pytest -n $(PYTEST_WORKERS) --dist loadgroup\n" in test
    assert " -m " not in test.split("pytest", 1)[1], "make test runs every test: no marker expression"
    assert recipe("check").count("\n") == 1
    assert "lint" in make_target_line("check")
    assert "lint" in make_target_line("test")
    assert "browser" in make_target_line("test")
    assert bench_tests.pytest()[-4:] == ["-n", bench_tests.WORKERS, "--dist", "loadgroup"]


def make_target_line(target: str) -> str:
    found = re.search(rf"^{target}:(.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)
    assert found
    return found.group(1)


@dataclass
class Module:
    nodeid: str
    own_markers: list[pytest.Mark] = field(default_factory=list)


@dataclass
class Item:
    """What conftest's collection hook reads of a test."""

    nodeid: str
    fixturenames: list[str]
    markers: list[str] = field(default_factory=list)
    module: Module = field(default_factory=lambda: Module("tests/test_x.py"))

    def get_closest_marker(self, name: str) -> object | None:
        return name if name in self.markers else None

    groups: list[str] = field(default_factory=list)

    def add_marker(self, marker: pytest.MarkDecorator) -> None:
        self.markers.append(marker.name)
        if marker.name == "xdist_group":
            self.groups.append(marker.args[0])

    def getparent(self, cls: type) -> Module:
        return self.module


def collect(*items: Item) -> list[Item]:
    conftest.pytest_collection_modifyitems(list(items))  # type: ignore[arg-type]  # stand-ins for pytest.Item
    return list(items)


def test_each_test_is_marked_by_the_fixtures_it_uses() -> None:
    library, doctest, browser, breaks = collect(
        Item("t::library", ["tmp_path"]),
        Item("t::doctest", ["built_site"]),
        Item("t::browser", ["chromium", "served_site"]),
        Item("t::breaks", ["pristine", "built_site", "tmp_path"]),
    )
    assert library.markers == []
    assert doctest.markers == ["site"]
    assert sorted(browser.markers) == ["browser", "site"]
    assert sorted(breaks.markers) == ["site", "slow"]


def test_tests_that_share_a_costly_module_fixture_run_on_one_worker() -> None:
    """Every page's visit is made once: the tests that read it are one group, named after their module; a break-it
    module's tests (a cheap copy each, long builds) spread, and a module's own group is kept."""
    module = Module("tests/test_pages.py")
    first, second, breaks, own = collect(
        Item("t::first", ["visits", "chromium", "served_site"], module=module),
        Item("t::second", ["visits"], module=module),
        Item("t::breaks", ["pristine", "built_site"]),
        Item("t::own", ["venv"], markers=["xdist_group"]),
    )
    assert first.groups == second.groups == ["tests/test_pages.py"]
    assert breaks.groups == []
    assert own.groups == []


GROUPED_TESTS = """
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("one")


@pytest.mark.parametrize("i", range(6))
def test_grouped(i):
    with (Path(__file__).parent / "workers.txt").open("a") as out:
        out.write(os.environ["PYTEST_XDIST_WORKER"] + "\\n")
"""


@pytest.mark.slow
def test_pytest_xdist_keeps_a_group_on_one_worker(tmp_path: Path) -> None:
    """The grouping above is worth something only if pytest-xdist honours it: with pytest 9.2 it silently did not
    (the pin in requirements-dev.txt). Six tests of one group, two workers: one worker runs them all."""
    (tmp_path / "test_grouped.py").write_text(GROUPED_TESTS, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-p", "no:cacheprovider", "-q",
         "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    workers = (tmp_path / "workers.txt").read_text(encoding="utf-8").split()
    assert len(workers) == 6, workers
    assert len(set(workers)) == 1, f"one group ran on {sorted(set(workers))}"


def test_each_costly_module_fixture_is_one_the_tests_define() -> None:
    """A fixture renamed in its module would leave `ONCE_FIXTURES` naming nothing, and its tests spread again."""
    defined = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        text = path.read_text(encoding="utf-8")
        defined |= set(re.findall(r'@pytest\.fixture\(scope="module"\)\ndef (\w+)\(', text))
    assert defined >= conftest.ONCE_FIXTURES, sorted(conftest.ONCE_FIXTURES - defined)


def test_a_site_marker_on_a_test_without_the_build_stops_the_run() -> None:
    with pytest.raises(pytest.UsageError, match=r"t::wrong is marked site but uses none of built_site, served_site"):
        collect(Item("t::wrong", ["tmp_path"], markers=["site"]))


def test_a_module_wide_browser_marker_stops_the_run() -> None:
    module = Module("tests/test_pages.py", [pytest.mark.browser.mark])
    with pytest.raises(pytest.UsageError, match=r"tests/test_pages\.py marks all its tests browser"):
        collect(Item("t::pure", ["tmp_path"], module=module))
