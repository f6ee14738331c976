"""Lighthouse on one page of several builds, in turn, for the build benchmark: each run's score and metrics.

The builds take turns, one run each, so that whatever load the machine is under falls on all alike. Each is
served on 127.0.0.1 as a static host would (`tools.static_server`) and audited by `tools.lighthouse`, with
Lighthouse's default (mobile) settings, performance only.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.chromium import CHROMIUM
from tools.lighthouse import lighthouse_unavailable, run_lighthouse
from tools.static_server import serve

__all__ = ["METRICS", "LighthouseResult", "audit_in_turn", "load_average", "metric"]

#: Lighthouse's metrics as reported: (audit id, name, unit).
METRICS = [
    ("first-contentful-paint", "First Contentful Paint", "ms"),
    ("largest-contentful-paint", "Largest Contentful Paint", "ms"),
    ("total-blocking-time", "Total Blocking Time", "ms"),
    ("cumulative-layout-shift", "Cumulative Layout Shift", ""),
    ("speed-index", "Speed Index", "ms"),
    ("dom-size", "DOM size (elements)", "elements"),
    ("total-byte-weight", "bytes transferred", "bytes"),
]
THROTTLING = {"simulate": "simulated", "devtools": "DevTools", "provided": "no"}


@dataclass
class LighthouseResult:
    """Lighthouse's audits of one page: each run's score and metrics, or why there are none."""

    runs: list[dict[str, float]] = field(default_factory=list)  # "score" and each metric's audit id
    failures: list[str] = field(default_factory=list)
    skipped: str = ""
    version: str = ""
    browser: str = ""
    settings: str = ""
    benchmark_index: list[float] = field(default_factory=list)
    load: str = ""
    leftovers: int = 0  # processes still running after Lighthouse exited, ended by tools.lighthouse
    warnings: list[str] = field(default_factory=list)  # Lighthouse's own warnings about the runs
    weights: dict[str, float] = field(default_factory=dict)  # audit id -> its weight in the performance score

    def median(self, key: str) -> float | None:
        """The median of `key` ("score" or an audit id) over the runs that report it."""
        known = [run[key] for run in self.runs if key in run]
        return statistics.median(known) if known else None


def load_average() -> str:
    return f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "unknown"


def metric(value: float | None, unit: str) -> str:
    """A metric as the tables write it: seconds or milliseconds, elements, KiB, or a bare number."""
    if value is None:
        return "n/a"
    if unit == "ms":
        return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"
    if unit == "elements":
        return f"{value:,.0f}"
    if unit == "bytes":
        return f"{value / 1024:.1f} KiB"
    return f"{value:.3f}"


def _settings(report: dict[str, Any]) -> str:
    settings = report.get("configSettings", {})
    throttling = settings.get("throttling", {})
    screen = settings.get("screenEmulation", {})
    return (
        f"form factor {settings.get('formFactor', '?')}, {screen.get('width', '?')}×{screen.get('height', '?')} "
        f"screen, {THROTTLING.get(settings.get('throttlingMethod', ''), '?')} throttling ("
        f"{throttling.get('rttMs', 0):g} ms round trip, {throttling.get('throughputKbps', 0) / 1024:.1f} Mbit/s, "
        f"CPU {throttling.get('cpuSlowdownMultiplier', 1):g}× slower)"
    )


def _record(result: LighthouseResult, report: dict[str, Any], browser: str) -> dict[str, float]:
    """Add one run's report to `result`; return the run's score and metrics."""
    performance = report["categories"]["performance"]
    sample = {"score": float(performance["score"])}
    for audit, _, _ in METRICS:
        found = report["audits"].get(audit, {})
        if found.get("numericValue") is not None:
            sample[audit] = float(found["numericValue"])
        if found.get("score") is not None:
            sample[f"{audit}:score"] = float(found["score"])
    for ref in performance.get("auditRefs", []):
        result.weights[ref["id"]] = float(ref.get("weight", 0))
    result.runs.append(sample)
    result.version = report.get("lighthouseVersion", "")
    agent = re.search(r"Chrome/([\d.]+)", report.get("environment", {}).get("hostUserAgent", ""))
    result.browser = browser or (f"Chromium {agent.group(1)}" if agent else "Chromium")
    result.warnings += [w for w in report.get("runWarnings", []) if w not in result.warnings]
    result.settings = _settings(report)
    index = report.get("environment", {}).get("benchmarkIndex")
    if index is not None:
        result.benchmark_index.append(float(index))
    return sample


def _no_score(report: dict[str, Any] | None) -> str:
    """Why Lighthouse gave no performance score: the first metric it could not measure, and its message."""
    for audit, name, _ in METRICS:
        message = ((report or {}).get("audits", {}).get(audit) or {}).get("errorMessage")
        if message:
            return f"no performance score: {name}: {message}"
    return "no performance score"


def audit_in_turn(sites: dict[str, Path], page: str, runs: int, work: Path) -> dict[str, LighthouseResult]:
    """Serve each built site and audit its `page` `runs` times, the sites taking turns run by run."""
    results = {name: LighthouseResult(load=load_average()) for name in sites}
    reason = lighthouse_unavailable()
    if reason:
        for result in results.values():
            result.skipped = reason
        return results
    version = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, check=False).stdout
    found = re.search(r"Chromium ([\d.]+)", version)
    browser = f"Chromium {found.group(1)}" if found else ""
    with ExitStack() as stack:
        base_urls = {name: stack.enter_context(serve(site_dir)) for name, site_dir in sites.items()}
        for n in range(runs):
            for name, base_url in base_urls.items():
                result, label = results[name], f"{name}, run {n + 1}/{runs}"
                run = run_lighthouse(f"{base_url}{page}", work / f"{name}-run-{n + 1}")
                result.leftovers += run.leftovers
                if run.stuck:
                    print(f"  warning: {run.stuck} processes of Lighthouse ({label}) would not end", file=sys.stderr)
                if run.report is None or run.score("performance") is None:
                    result.failures.append(f"{label} failed ({run.error or _no_score(run.report)})")
                    print(f"  Lighthouse, {result.failures[-1]}", file=sys.stderr)
                    continue
                sample = _record(result, run.report, browser)
                print(
                    f"  Lighthouse, {label}: performance {sample['score']:.2f}, "
                    + ", ".join(f"{title} {metric(sample.get(audit), unit)}" for audit, title, unit in METRICS),
                    file=sys.stderr,
                )
    return results
