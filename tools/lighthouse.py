"""Run Lighthouse once on a page, in Debian's Chromium, and leave nothing running: for the tests and the benchmarks.

Lighthouse starts Chromium detached from itself, so a run that is cut short (or a Chromium that outlives
Lighthouse) would keep running. Every process a run starts inherits an environment variable whose value is the
run's own; after the run, any process still alive that carries it is ended by its id, and no other.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.chromium import CHROMIUM, CHROMIUM_FLAGS, chromium_unavailable

__all__ = ["LIGHTHOUSE", "LighthouseRun", "lighthouse_unavailable", "run_lighthouse"]

#: The Lighthouse that package.json pins, installed by `npm ci`.
LIGHTHOUSE = Path(__file__).resolve().parent.parent / "node_modules" / ".bin" / "lighthouse"
#: The variable that marks the processes of one run (see the module's docstring).
RUN_TAG = "NNLA_LIGHTHOUSE_RUN"
#: How long one run may take.
TIMEOUT_S = 300


@dataclass(frozen=True)
class LighthouseRun:
    """One Lighthouse run: its JSON report, or why there is none.

    Attributes:
        report: Lighthouse's report (its `--output=json`), None if the run failed.
        error: why the run failed ("" when it did not).
        leftovers: processes still running after Lighthouse exited, which were ended.
        stuck: of those, how many would not end.
    """

    report: dict[str, Any] | None
    error: str
    leftovers: int
    stuck: int

    def score(self, category: str) -> float | None:
        """The category's score (0 to 1), None if the run failed or Lighthouse could not score it."""
        if self.report is None:
            return None
        score = self.report.get("categories", {}).get(category, {}).get("score")
        return None if score is None else float(score)


def lighthouse_unavailable() -> str | None:
    """Why Lighthouse cannot run here, or None when it can."""
    if not LIGHTHOUSE.exists():
        return f"Lighthouse is not installed at {LIGHTHOUSE} (npm ci)"
    if shutil.which("node") is None:
        return "Node.js is not on PATH"
    return chromium_unavailable()


def run_lighthouse(
    url: str,
    output: Path,
    categories: Sequence[str] = ("performance",),
    formats: Sequence[str] = ("json",),
    cpu_slowdown: float | None = None,
) -> LighthouseRun:
    """Audit `url` with Lighthouse's default (mobile) settings, headless, for `categories`.

    Args:
        url: the page.
        output: where the reports go, as `output` + ".report.json" (and ".report.html" if asked for).
        categories: Lighthouse's category ids, such as "performance" or "accessibility".
        formats: the reports to write besides the JSON one, which is always written.
        cpu_slowdown: Lighthouse's CPU slowdown multiplier, instead of its default 4 (which assumes a high-end
            desktop host: Lighthouse's docs/throttling.md, "Calibrating the CPU slowdown").

    Returns:
        The run, with its JSON report read back.
    """
    formats = ["json", *(f for f in formats if f != "json")]
    report_file = output.with_name(output.name + ".report.json")
    # With one format Lighthouse writes to the path as given; with more it adds ".report.<format>" itself.
    output_path = report_file if len(formats) == 1 else output
    tag = uuid.uuid4().hex
    command = [
        str(LIGHTHOUSE),
        url,
        "--only-categories=" + ",".join(categories),
        *(f"--output={f}" for f in formats),
        f"--output-path={output_path}",
        "--quiet",
        "--chrome-flags=" + " ".join(["--headless=new", *CHROMIUM_FLAGS]),
        *([f"--throttling.cpuSlowdownMultiplier={cpu_slowdown:g}"] if cpu_slowdown is not None else []),
    ]
    output.parent.mkdir(parents=True, exist_ok=True)
    report_file.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="nnla-lighthouse-") as profiles:
        # TMPDIR: Chromium's profile folder lands there, removed with it even if the run is cut short.
        env = dict(os.environ, CHROME_PATH=str(CHROMIUM), TMPDIR=profiles, **{RUN_TAG: tag})
        error = ""
        process: subprocess.CompletedProcess[str] | None = None
        try:
            process = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False, start_new_session=True
            )
        except subprocess.TimeoutExpired:
            error = f"Lighthouse took over {TIMEOUT_S} s"
        finally:
            leftovers, stuck = end_tagged_processes(tag)
    report = json.loads(report_file.read_text(encoding="utf-8")) if report_file.is_file() else None
    if not error and process is not None and (process.returncode != 0 or report is None):
        message = (report or {}).get("runtimeError", {}).get("message") or process.stderr.strip()[-1000:]
        error = message or f"Lighthouse exited with status {process.returncode}"
    if report is not None and report.get("runtimeError"):
        error = error or str(report["runtimeError"].get("message", "a runtime error"))
    return LighthouseRun(None if error else report, error, leftovers, stuck)


def _tagged_processes(tag: str) -> list[int]:
    """Ids of the processes whose environment holds `RUN_TAG=tag`: the ones a run started."""
    needle = f"{RUN_TAG}={tag}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours
            continue
    return found


def _alive(pid: int) -> bool:
    """False for a process that has ended, zombies included (their parent reaps them)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def end_tagged_processes(tag: str) -> tuple[int, int]:
    """End, by id, whatever a run left running; return how many there were, and how many would not end."""
    pids = _tagged_processes(tag)
    found = len(pids)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + 5
        while pids and time.monotonic() < deadline:
            time.sleep(0.1)
            pids = [pid for pid in pids if _alive(pid)]
        if not pids:
            break
    return found, len(pids)
