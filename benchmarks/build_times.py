r"""How long the site takes to build: cold, warm, and rebuilt in one process as `mkdocs serve` does.

Each build is timed with math on and with `PROVEN_NUMBERS_MATH=off`, alternating run by run so that both meet the same
machine load. Run as a module, this is the serving process itself (see `_serve_driver`).
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.site_copies import SiteBuildError, environment, fresh_build

__all__ = ["SiteTimes", "measure_site"]


def clear_cache(config: Path) -> None:
    shutil.rmtree(config.parent / ".cache", ignore_errors=True)


def rebuilds(config: Path, math: bool, page: str, salt: int) -> dict[str, list[float]]:
    """In-process rebuild times from one serving process (see `_serve_driver`), in the site's folder.

    `python -m` puts the folder first on `sys.path`, so a copy of the real site imports its own `nnla`.
    """
    command = [sys.executable, "-m", "benchmarks.build_times", str(config), page, str(salt)]
    result = subprocess.run(
        command, env=environment(math, config.parent), capture_output=True, text=True, check=False, cwd=config.parent
    )
    if result.returncode != 0:
        raise SiteBuildError((result.stdout + result.stderr).strip()[-3000:])
    times: dict[str, list[float]] = json.loads(result.stdout.strip().splitlines()[-1])
    return times


def change_one_formula(text: str, n: int) -> str:
    """Give the page's first display formula a new last line, `\\quad (n)`: one formula to render afresh."""
    lines = text.split("\n")
    opening = next(i for i, line in enumerate(lines) if re.match(r"^ *(`{3,}|~{3,})math", line))
    indent = lines[opening][: len(lines[opening]) - len(lines[opening].lstrip())]
    fence = re.match(r"`{3,}|~{3,}", lines[opening].strip())
    assert fence is not None
    closing = next(i for i in range(opening + 1, len(lines)) if lines[i].strip() == fence.group(0))
    lines.insert(closing, f"{indent}\\quad ({n})")
    return "\n".join(lines)


UNCHANGED_PER_PROCESS = 2
CHANGES_PER_PROCESS = 3


def _serve_driver(config_file: str, page: str, salt: int) -> None:
    """Rebuild as `mkdocs serve` does: load the config afresh and call build() again, in one process.

    After the initial build it rebuilds `UNCHANGED_PER_PROCESS` times with nothing changed, then
    `CHANGES_PER_PROCESS` times, each after giving a formula on `page` a new, never rendered, line. The first
    change starts `node` (the initial build found every formula cached); later ones reuse it. Prints one
    JSON line with the times.
    """
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    site_dir = str(Path(config_file).parent / "site")
    page_path = Path(config_file).parent / "docs" / page
    original = page_path.read_text(encoding="utf-8")

    def once() -> float:
        start = time.perf_counter()
        config = load_config(config_file=config_file, site_dir=site_dir)
        build(config)
        return time.perf_counter() - start

    first = load_config(config_file=config_file, site_dir=site_dir)
    first.plugins.on_startup(command="serve", dirty=False)
    build(first)  # the initial build of `mkdocs serve`
    unchanged = [once() for _ in range(UNCHANGED_PER_PROCESS)]
    changed = []
    try:
        for n in range(CHANGES_PER_PROCESS):
            page_path.write_text(change_one_formula(original, salt * 100 + n), encoding="utf-8")
            changed.append(once())
    finally:
        page_path.write_text(original, encoding="utf-8")
        first.plugins.on_shutdown()
    print(json.dumps({"unchanged": unchanged, "first_change": changed[:1], "change": changed[1:]}))


@dataclass
class SiteTimes:
    """Median times for one site, math on (True) and off (False)."""

    name: str
    cold: dict[bool, float] = field(default_factory=dict)
    warm: dict[bool, float] = field(default_factory=dict)
    rebuild: dict[bool, float] = field(default_factory=dict)
    first_change: dict[bool, float] = field(default_factory=dict)
    one_change: dict[bool, float] = field(default_factory=dict)


def measure_site(name: str, config: Path, page: str, runs: int) -> SiteTimes:
    """Time one site; math on and off alternate run by run, so that both meet the same machine load."""
    samples: dict[str, dict[bool, list[float]]] = {
        k: {True: [], False: []} for k in ("cold", "warm", "unchanged", "first_change", "change")
    }
    for _ in range(runs):
        for math in (True, False):
            clear_cache(config)
            samples["cold"][math].append(fresh_build(config, math))
    fresh_build(config, True)  # fill the cache
    for _ in range(runs):
        for math in (True, False):
            samples["warm"][math].append(fresh_build(config, math))
    salt = time.time_ns() % 10**6
    for run in range(runs):
        for math in (True, False):
            for key, values in rebuilds(config, math, page, salt + run).items():
                samples[key][math].extend(values)
    times = SiteTimes(name)
    for math in (True, False):
        times.cold[math] = statistics.median(samples["cold"][math])
        times.warm[math] = statistics.median(samples["warm"][math])
        times.rebuild[math] = statistics.median(samples["unchanged"][math])
        times.first_change[math] = statistics.median(samples["first_change"][math])
        times.one_change[math] = statistics.median(samples["change"][math])
        print(
            f"  {name}, math {'on' if math else 'off'}: cold {times.cold[math]:.2f} s, warm {times.warm[math]:.2f} s,"
            f" rebuild {times.rebuild[math]:.3f} s, first change {times.first_change[math]:.3f} s,"
            f" later changes {times.one_change[math]:.3f} s",
            file=sys.stderr,
        )
    return times


if __name__ == "__main__":
    config_file, page, salt = sys.argv[1:4]
    _serve_driver(config_file, page, int(salt))
