r"""How long the tests take, counted in strict builds of the site measured in the same run.

Run from the project root (after `make setup-dev`), as `make bench-tests` does:

    PYTHONPATH=hooks:. .venv/bin/python -m benchmarks.bench_tests            # writes docs/includes/test-results.md
    PYTHONPATH=hooks:. .venv/bin/python -m benchmarks.bench_tests --no-full --no-write   # the fast tier only

It times, one after the other: a strict build of the site (`mkdocs build --strict` in a fresh process, the KaTeX
cache warm, as the tests' session build is), the fast tier as `make check` runs it (ruff, ruff format, mypy,
then pytest on the workers with `-m "not slow and not browser"`), a second strict build, the whole suite as
`make test` runs it (the lint again, then every test), and a third strict build. The unit is the median of the
three builds, so that each tier is measured against builds made under the same load; the load average is
recorded at the start and the end. It writes the table into docs/includes/test-results.md, which
docs/building.md includes and explains. A tier that fails is reported, with its last lines, and the table
says so.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.report import machine

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "includes" / "test-results.md"
#: Everything the commands printed, for a failure's full story (test-artifacts/ is gitignored).
LOG = ROOT / "test-artifacts" / "bench-tests.log"
#: The fast tier's selection and the number of workers, as the Makefile's `check` and `test` targets give them.
FAST_TIER = "not slow and not browser"
WORKERS = "2"
#: What the issue (18) asks of each tier, in builds' time.
FAST_GOAL_BUILDS = 20
FULL_GOAL_BUILDS = 100
FAST_GOAL_TESTS = 1000


@dataclass(frozen=True)
class Timed:
    """One command's wall time, whether it passed, and what pytest said at its end."""

    seconds: float
    ok: bool
    tail: str

    @property
    def passed(self) -> int:
        """The number of passed tests in pytest's last line (0 for the lint, which runs none)."""
        found = re.search(r"(\d+) passed", self.tail)
        return int(found.group(1)) if found else 0

    @property
    def skipped(self) -> int:
        found = re.search(r"(\d+) skipped", self.tail)
        return int(found.group(1)) if found else 0


def _env() -> dict[str, str]:
    # As `make` runs the tests: dates pinned, bytecode kept (see the Makefile), the checkout on the path.
    path = os.pathsep.join([str(ROOT / "proven-numbers" / "src"), str(ROOT), str(ROOT / "hooks")])
    return {
        **os.environ,
        "PYTHONPATH": path,
        "PYTHONDONTWRITEBYTECODE": "",
        "NO_MKDOCS_2_WARNING": "1",
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1700000000"),
        "NNLA_REQUIRE_BROWSER": "1",  # as .ci/run: a missing browser fails the run, it does not shorten it
    }


def run(commands: list[list[str]]) -> Timed:
    """Run the commands in turn (stopping at the first failure); their wall time together."""
    start = time.monotonic()
    tail = ""
    for command in commands:
        print("$", shlex.join(command), file=sys.stderr, flush=True)
        process = subprocess.run(command, cwd=ROOT, env=_env(), capture_output=True, text=True, check=False)
        tail = "\n".join((process.stdout + process.stderr).strip().splitlines()[-15:])
        with LOG.open("a", encoding="utf-8") as log:
            log.write(f"$ {shlex.join(command)}\n{process.stdout}{process.stderr}\n")
        if process.returncode != 0:
            return Timed(time.monotonic() - start, False, tail)
    return Timed(time.monotonic() - start, True, tail)


def lint() -> list[list[str]]:
    bin_dir = Path(sys.executable).parent
    return [
        [str(bin_dir / "ruff"), "check", "."],
        [str(bin_dir / "ruff"), "format", "--check", "."],
        [str(bin_dir / "mypy")],
    ]


def pytest(*selection: str) -> list[str]:
    # The slowest tests are named in the log, for whoever wants to make a tier quicker.
    return [sys.executable, "-m", "pytest", "-q", "--durations=30", "-n", WORKERS, "--dist", "loadgroup", *selection]


def strict_build(work: Path) -> Timed:
    site = Path(tempfile.mkdtemp(dir=work, prefix="site-"))
    return run([[sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]])


def _s(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"


def table(builds: list[Timed], tiers: dict[str, tuple[Timed, int]], info: dict[str, str], load_end: str) -> str:
    unit = statistics.median(b.seconds for b in builds)
    lines = [
        f"Measured by `benchmarks/bench_tests.py` on {info['date']}: {info['machine']}, {info['nproc']} cores"
        f" ({info['cpu']}), Python {info['python']}; load average {info['load']} at the start, {load_end} at"
        f" the end. One strict build: {', '.join(_s(b.seconds) for b in builds)} (before the first tier and after"
        f" each); the unit below is their median, {_s(unit)}.",
        "",
        "| tier | command | tests passed | skipped | wall time | in strict builds | goal |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, (timed, goal) in tiers.items():
        builds_worth = timed.seconds / unit
        verdict = "met" if timed.ok and builds_worth <= goal else "**not met**"
        if name == "fast tier":
            verdict += f", {'≥' if timed.passed >= FAST_GOAL_TESTS else '**<**'} {FAST_GOAL_TESTS:,} tests"
        command = "`make check`" if name == "fast tier" else "`make test`"
        status = "" if timed.ok else " (**failed**)"
        lines.append(
            f"| {name}{status} | {command} | {timed.passed:,} | {timed.skipped} | {_s(timed.seconds)} "
            f"| {builds_worth:.1f} | ≤ {goal}: {verdict} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--no-full", action="store_true", help="time the fast tier only")
    parser.add_argument("--no-write", action="store_true", help=f"print the table, do not write {RESULTS.name}")
    args = parser.parse_args(argv)
    info = machine()
    LOG.parent.mkdir(exist_ok=True)
    LOG.write_text("", encoding="utf-8")
    tiers: dict[str, tuple[Timed, int]] = {}
    builds: list[Timed] = []

    def report() -> bool:
        """Print (and write) the table of what is measured so far: a run stopped midway leaves its figures."""
        failed = [b for b in builds if not b.ok]
        if failed:
            print(f"a strict build failed:\n{failed[0].tail}", file=sys.stderr)
            return False
        result = table(builds, tiers, info, f"{os.getloadavg()[0]:.1f}")
        print(result)
        if not args.no_write:
            RESULTS.write_text(result, encoding="utf-8")
            print(f"wrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)
        return True

    with tempfile.TemporaryDirectory(prefix="bench-tests-") as work:
        builds.append(strict_build(Path(work)))
        tiers["fast tier"] = (run([*lint(), pytest("-m", FAST_TIER)]), FAST_GOAL_BUILDS)
        builds.append(strict_build(Path(work)))
        if not report():
            return 1
        if not args.no_full:
            tiers["whole suite"] = (run([*lint(), pytest()]), FULL_GOAL_BUILDS)
            builds.append(strict_build(Path(work)))
            if not report():
                return 1
    for name, (timed, _) in tiers.items():
        if not timed.ok:
            print(f"{name} failed:\n{timed.tail}", file=sys.stderr)
    return 0 if all(timed.ok for timed, _ in tiers.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
