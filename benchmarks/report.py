"""The build benchmark's results as Markdown tables, for `docs/includes/build-results.md`.

Only figures and the conditions they were measured under: what the tables mean is said once, on the page that
includes them (docs/building.md).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import statistics
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from benchmarks.build_times import SiteTimes
from benchmarks.lighthouse_audits import METRICS, LighthouseResult, metric
from benchmarks.page_weight import Weight
from benchmarks.save_to_browser import SaveTimes
from benchmarks.site_copies import NODE_MODULES

__all__ = [
    "conditions",
    "engine_table",
    "lighthouse_table",
    "machine",
    "measured_by",
    "time_table",
    "variants_table",
    "weight_table",
]

# Goals from issue 5.
COLD_RATIO_GOAL = 2.0
WARM_RATIO_GOAL = 1.3
ONE_CHANGE_GOAL_S = 0.3
ENGINE_GOAL_S = 0.3
LIGHTHOUSE_GOAL = 0.95
SAVE_TO_BROWSER_GOAL_S = 1.0


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if abs(seconds) >= 0.1 else f"{seconds * 1000:.0f} ms"


def _delta(seconds: float) -> str:
    return ("+" if seconds >= 0 else "−") + _s(abs(seconds))


def _kb(n: int) -> str:
    return f"{n / 1024:.1f} KiB"


def _check(ok: bool) -> str:
    return "met" if ok else "**not met**"


def time_table(sites: Iterable[SiteTimes]) -> str:
    rows = [
        "| site | build | math on | math off | ratio | goal |",
        "|---|---|---|---|---|---|",
    ]
    for t in sites:
        cold = t.cold[True] / t.cold[False]
        warm = t.warm[True] / t.warm[False]
        rebuild = t.rebuild[True] / t.rebuild[False]
        extra = t.one_change[True] - t.rebuild[True]
        first_extra = t.first_change[True] - t.rebuild[True]
        rows += [
            f"| {t.name} | cold: empty cache, fresh process | {_s(t.cold[True])} | {_s(t.cold[False])} "
            f"| {cold:.2f}× | ≤ {COLD_RATIO_GOAL:g}×: {_check(cold <= COLD_RATIO_GOAL)} |",
            f"| {t.name} | warm: cache filled, fresh process | {_s(t.warm[True])} | {_s(t.warm[False])} "
            f"| {warm:.2f}× | ≤ {WARM_RATIO_GOAL:g}×: {_check(warm <= WARM_RATIO_GOAL)} |",
            f"| {t.name} | rebuild in the serving process, nothing changed | {_s(t.rebuild[True])} "
            f"| {_s(t.rebuild[False])} | {rebuild:.2f}× | |",
            f"| {t.name} | rebuild in the serving process, one formula changed | {_s(t.one_change[True])} "
            f"| {_s(t.one_change[False])} | {_delta(extra)} over the unchanged rebuild "
            f"| ≤ +{_s(ONE_CHANGE_GOAL_S)}: {_check(extra <= ONE_CHANGE_GOAL_S)} |",
            f"| {t.name} | the same, first change of the session (starts `node`) | {_s(t.first_change[True])} "
            f"| {_s(t.first_change[False])} | {_delta(first_extra)} over the unchanged rebuild "
            f"| ≤ +{_s(ONE_CHANGE_GOAL_S)}: {_check(first_extra <= ONE_CHANGE_GOAL_S)} |",
        ]
    return "\n".join(rows)


def save_table(result: SaveTimes) -> str:
    """Save-to-browser under `mkdocs serve`: the whole wait, and its parts."""

    def row(label: str, times: tuple[float, ...], goal: str = "") -> str:
        each = ", ".join(f"{t:.2f}" for t in times)
        return f"| {label} | {_s(statistics.median(times))} | {each} | {goal} |"

    rows = [
        f"| `mkdocs serve`, a one-line edit of {result.page} saved | median of {len(result.times)} | each (s) | goal |",
        "|---|---|---|---|",
        row(
            "**saved → shown in the browser**",
            result.times,
            f"< {_s(SAVE_TO_BROWSER_GOAL_S)}: {_check(result.median < SAVE_TO_BROWSER_GOAL_S)}",
        ),
    ]
    for label, times in [
        ("… the file watcher sees the change", result.detect),
        ("… the rebuild (only the changed page)", result.rebuild),
        ("… live reload: the browser asks, loads and lays out the page", result.reload),
    ]:
        if times:
            rows.append(row(label, times))
    return "\n".join(rows)


def engine_table(engine: dict[str, Any]) -> str:
    if "skip" in engine:
        return f"Engine's share: not measured ({engine['skip']})."
    figures = "not measured (nnla_essay.figures.draw_figure missing)"
    if engine["figures"] is not None:
        figures = _s(engine["figures"])
    return "\n".join(
        [
            "| engine's share (fresh process) | time |",
            "|---|---|",
            f"| `import nnla` (with NumPy) | {_s(engine['import'])} |",
            f"| compute every value ({engine['values']} values, `nnla_essay.registry.compute_all()`) "
            f"| {_s(engine['compute'])} |",
            f"| draw the figures (SVG) | {figures} |",
            f"| total | {_s(engine['total'])} (goal ≤ {_s(ENGINE_GOAL_S)}: "
            f"{_check(engine['total'] <= ENGINE_GOAL_S)}) |",
        ]
    )


def weight_table(weight: Weight, label: str) -> str:
    rows = [f"| {label} | files | raw | transferred (gzip where a server would) |", "|---|---|---|---|"]
    total = [0, 0, 0]
    for kind, (files, raw, sent) in weight.rows.items():
        rows.append(f"| {kind} | {files} | {_kb(raw)} | {_kb(sent)} |")
        total = [total[0] + files, total[1] + raw, total[2] + sent]
    rows.append(f"| **total, first visit** | {total[0]} | {_kb(total[1])} | **{_kb(total[2])}** |")
    for kind, size in weight.not_counted.items():
        rows.append(f"| not counted: {kind} | 1 | | {_kb(size)} |")
    notes = [
        "",
        f"KaTeX JavaScript shipped: {', '.join(weight.katex_js) if weight.katex_js else 'none'}. "
        f"Fonts counted ({len(weight.fonts)}): {', '.join(f.removesuffix('.woff2') for f in weight.fonts) or 'none'}."
        f" Elements in the page's HTML: {weight.elements:,}.",
    ]
    return "\n".join(rows + notes)


def lighthouse_table(result: LighthouseResult, page: str, requested: int) -> str:
    title = f"Lighthouse, {page}, mobile"
    if result.skipped:
        return f"{title}: not measured ({result.skipped})."
    if not result.runs:
        return f"{title}: not measured ({'; '.join(result.failures) or 'no run'})."
    count = len(result.runs)
    score = result.median("score") or 0.0
    scores = ", ".join(f"{r['score']:.2f}" for r in result.runs)
    rows = [
        f"| {title} | median of {count} runs | each run | the metric's score, median (its weight) | goal |",
        "|---|---|---|---|---|",
        f"| performance score | **{score:.2f}** | {scores} | | "
        f"≥ {LIGHTHOUSE_GOAL:g}: {_check(score >= LIGHTHOUSE_GOAL)} |",
    ]
    for audit, name, unit in METRICS:
        if audit == "total-byte-weight":
            continue  # the variants table reports it
        values = [r.get(audit) for r in result.runs]
        known = [v for v in values if v is not None]
        median = metric(statistics.median(known), unit) if known else "n/a"
        weight = result.weights.get(audit, 0)
        audit_scores = [r[f"{audit}:score"] for r in result.runs if f"{audit}:score" in r]
        if weight > 0 and audit_scores:
            part = f"{statistics.median(audit_scores):.2f} ({weight:g} %)"
        else:
            part = "diagnostic, not in the score"
        rows.append(f"| {name} | {median} | {', '.join(metric(v, unit) for v in values)} | {part} | |")
    return "\n".join([*rows, "", conditions(result, requested)])


def conditions(result: LighthouseResult, requested: int) -> str:
    """How the audits ran: Lighthouse's version and settings, the browser, the machine's load and speed."""
    index = f"{statistics.median(result.benchmark_index):.0f}" if result.benchmark_index else "not reported"
    notes = [
        f"Lighthouse {result.version}, default settings ({result.settings}), in {result.browser} (headless);"
        f" load average {result.load} when the audits started; Lighthouse's benchmark index of this machine {index}."
    ]
    if result.failures or len(result.runs) < requested:
        notes.append(f"Runs left out: {'; '.join(result.failures)}.")
    if result.warnings:
        notes.append("Lighthouse warned: " + " ".join(w.rstrip(".") + "." for w in result.warnings))
    if result.leftovers:
        notes.append(f"Lighthouse left {result.leftovers} processes running; they were ended.")
    return " ".join(notes)


def variants_table(
    labels: Mapping[str, str], weights: Mapping[str, Weight], audits: Mapping[str, LighthouseResult], page: str
) -> str:
    """The ways to lighten `page`, side by side: its size, what a first visit transfers, Lighthouse's medians."""
    rows = [
        f"| {page}, built as | elements | HTML, raw | HTML, gzip | transferred | performance, median (each run) "
        "| Total Blocking Time | Largest Contentful Paint | First Contentful Paint | Cumulative Layout Shift |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, label in labels.items():
        weight, audit = weights[name], audits.get(name)
        _, raw, sent = weight.rows["HTML"]
        cells = [label, f"{weight.elements:,}", _kb(raw), _kb(sent)]
        if audit is None or not audit.runs:
            reason = "not measured" if audit is None else audit.skipped or "; ".join(audit.failures) or "no run"
            cells += ["n/a", reason, "", "", "", ""]
        else:
            score = audit.median("score") or 0.0
            each = ", ".join(f"{r['score']:.2f}" for r in audit.runs)
            cells += [metric(audit.median("total-byte-weight"), "bytes"), f"**{score:.2f}** ({each})"]
            cells += [
                metric(audit.median(key), unit)
                for key, unit in (
                    ("total-blocking-time", "ms"),
                    ("largest-contentful-paint", "ms"),
                    ("first-contentful-paint", "ms"),
                    ("cumulative-layout-shift", ""),
                )
            ]
        rows.append("| " + " | ".join(cells) + " |")
    left_out = [failure for audit in audits.values() for failure in audit.failures]
    if left_out:
        rows += ["", f"Runs left out: {'; '.join(left_out)}."]
    return "\n".join(rows)


def command_output(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "not found"


def machine() -> dict[str, str]:
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = found.group(1).strip() if found else ""
    import markdown  # type: ignore[import-untyped]  # no stubs; only its version is read
    import material
    import mkdocs

    from proven_numbers.katex import katex_version

    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        "machine": platform.machine(),
        "cpu": cpu or "unknown",
        "nproc": str(os.cpu_count()),
        "load": f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "unknown",
        "python": platform.python_version(),
        "node": command_output(["node", "--version"]),
        "katex": katex_version(NODE_MODULES),
        "mkdocs": mkdocs.__version__,
        "material": getattr(material, "__version__", "?"),
        "markdown": markdown.__version__,
    }


def measured_by(info: Mapping[str, str], runs: int) -> str:
    """The line above the tables: when, on what, with which versions."""
    return (
        f"Measured by `benchmarks/bench_build.py` on {info['date']}: {info['machine']}, {info['nproc']} cores"
        f" ({info['cpu']}; load average {info['load']} when it started), Python {info['python']},"
        f" Node.js {info['node']}, KaTeX {info['katex']}, MkDocs {info['mkdocs']}, Material {info['material']}."
        f" Each time is the median of {runs} runs."
    )
