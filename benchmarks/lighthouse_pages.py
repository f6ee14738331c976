"""Lighthouse's mobile performance score of the essay's long pages, on a host that gzips and on one that does not,
with Lighthouse's default CPU slowdown and with one calibrated to this machine (issues 19 and 20).

Lighthouse simulates a mid-tier phone by slowing the host's CPU down 4×, a factor it calibrated for a high-end
desktop (its `benchmarkIndex` 1500–2000). Its docs/throttling.md, "Calibrating the CPU slowdown", gives for a
low-end desktop (1000–1500) the factor 2 (1 to 5) instead, and Lighthouse itself warns below 1000. The score's
largest weight, Total Blocking Time, is measured work times the factor, so on a slower host the default factor
reads the same page as a slower phone. This benchmark runs both factors, the pages, hosts and factors taking
turns, and reports each median with the host's `benchmarkIndex`, so that a reader can tell the page from the host.

Run after a strict build into `site/` (or name another folder), on an otherwise idle machine:

    PYTHONPATH=hooks:. .venv/bin/python -m benchmarks.lighthouse_pages [--site site] [--runs 3] [--cpu 4 2]

`--pages` names other pages of the site (the 404 page, `404.html`, is Material's frame with next to nothing of
ours: the ceiling any page of the theme has), `--hosts plain` leaves out the host that gzips. `--bare` also
measures each page as a copy of its HTML without stylesheets, preloads and scripts (PAGE-bare/, written into a
temporary copy of the site): what the page's HTML alone scores, the ceiling no theme or stylesheet can raise.

It prints a Markdown table and writes it, with every run, to test-artifacts/lighthouse-pages/.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bs4 import BeautifulSoup

from tools.lighthouse import lighthouse_unavailable, run_lighthouse
from tools.static_server import serve

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test-artifacts" / "lighthouse-pages"
PAGES = ("part-1/", "part-2/", "part-3/")
HOSTS = {"gzip": True, "plain": False}
#: The metrics the table shows beside the score: (audit id, heading, unit).
SHOWN = (
    ("first-contentful-paint", "FCP", "ms"),
    ("largest-contentful-paint", "LCP", "ms"),
    ("total-blocking-time", "TBT", "ms"),
    ("cumulative-layout-shift", "CLS", ""),
    ("dom-size", "elements", ""),
)


def one_run(url: str, output: Path, cpu: float) -> dict[str, float] | str:
    """One Lighthouse run: its score, metrics and benchmarkIndex, or why there are none."""
    run = run_lighthouse(url, output, cpu_slowdown=cpu)
    if run.report is None:
        return run.error
    report = run.report
    score = report["categories"]["performance"]["score"]
    if score is None:
        return "no performance score"
    found = {"score": float(score), "index": float(report.get("environment", {}).get("benchmarkIndex") or 0)}
    for audit, _, _ in SHOWN:
        value = report["audits"].get(audit, {}).get("numericValue")
        if value is not None:
            found[audit] = float(value)
    return found


def page_file(site: Path, page: str) -> Path:
    """The HTML file a page's path names: PAGE/index.html for a directory URL, the file itself otherwise."""
    return site / page / ("index.html" if page.endswith("/") or not page else "")


def bare_copy(site: Path, page: str) -> str:
    """Write PAGE-bare/index.html beside the page, its HTML without stylesheets, preloads and scripts.

    The copy sits at the same depth as the page, so its relative links (images, other pages) still resolve.
    Returns the copy's path in the site.
    """
    if not page.endswith("/"):
        raise SystemExit(f"--bare needs pages with directory URLs (part-2/), not {page!r}")
    soup = BeautifulSoup(page_file(site, page).read_text(encoding="utf-8"), "html.parser")
    for element in soup.find_all(["link", "script"]):
        if element.name == "script" or {"stylesheet", "preload"} & set(element.get_attribute_list("rel")):
            element.decompose()
    name = page.rstrip("/") + "-bare/"
    (site / name).mkdir(parents=True, exist_ok=True)
    (site / name / "index.html").write_text(str(soup), encoding="utf-8")
    return name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cpu", type=float, nargs="+", default=[4.0, 2.0])
    parser.add_argument("--pages", nargs="+", default=list(PAGES), help="pages, as paths in the site")
    parser.add_argument("--hosts", nargs="+", choices=list(HOSTS), default=list(HOSTS))
    parser.add_argument("--bare", action="store_true", help="also each page without stylesheets and scripts")
    args = parser.parse_args()
    if (why := lighthouse_unavailable()) is not None:
        raise SystemExit(why)
    for page in args.pages:
        if not page_file(args.site, page).is_file():
            raise SystemExit(f"{args.site} has no page {page!r} (mkdocs build --strict first)")
    with tempfile.TemporaryDirectory() as scratch:
        if args.bare:
            copy = Path(scratch) / "site"
            shutil.copytree(args.site, copy)
            args.site = copy
            args.pages = [p for page in args.pages for p in (page, bare_copy(copy, page))]
        measure(args)


def measure(args: argparse.Namespace) -> None:
    """Run Lighthouse over the pages, hosts and CPU factors in turn, and write the table."""
    OUT.mkdir(parents=True, exist_ok=True)
    cases = [(page, host, cpu) for page in args.pages for host in args.hosts for cpu in args.cpu]
    runs: dict[tuple[str, str, float], list[dict[str, float]]] = {case: [] for case in cases}
    failures: list[str] = []
    load = [os.getloadavg()[0]]
    with ExitStack() as stack:
        bases = {host: stack.enter_context(serve(args.site, compress=HOSTS[host])) for host in args.hosts}
        for round_ in range(args.runs):
            for page, host, cpu in cases:
                name = f"{page.strip('/').replace('/', '-') or 'home'}-{host}-cpu{cpu:g}-{round_}"
                result = one_run(bases[host] + page, OUT / name, cpu)
                if isinstance(result, str):
                    failures.append(f"{name}: {result}")
                else:
                    runs[(page, host, cpu)].append(result)
                print(name, result if isinstance(result, str) else f"{result['score']:.2f}", flush=True)
    load.append(os.getloadavg()[0])
    lines = [
        "| page | host | CPU slowdown | score (median) | runs | " + " | ".join(h for _, h, _ in SHOWN) + " |",
        "| --- | --- | --- | --- | --- | " + " | ".join("---" for _ in SHOWN) + " |",
    ]
    for page, host, cpu in cases:
        got = runs[(page, host, cpu)]
        if not got:
            lines.append(f"| /{page} | {host} | {cpu:g}× | n/a | 0 | " + " | ".join("" for _ in SHOWN) + " |")
            continue
        cells = []
        for audit, _, unit in SHOWN:
            values = [r[audit] for r in got if audit in r]
            median = statistics.median(values) if values else float("nan")
            cells.append(
                f"{median:,.0f} ms"
                if unit == "ms"
                else f"{median:,.3f}"
                if audit.startswith("cum")
                else f"{median:,.0f}"
            )
        scores = " ".join(f"{r['score']:.2f}" for r in got)
        lines.append(
            f"| /{page} | {host} | {cpu:g}× | {statistics.median(r['score'] for r in got):.2f} | {scores} | "
            + " | ".join(cells)
            + " |"
        )
    indices = [r["index"] for got in runs.values() for r in got if r.get("index")]
    lines.append("")
    lines.append(
        f"benchmarkIndex {min(indices, default=0):.0f}–{max(indices, default=0):.0f}; load average "
        f"{load[0]:.1f} at the start, {load[1]:.1f} at the end; {len(failures)} runs failed"
    )
    lines += [f"- {f}" for f in failures]
    table = "\n".join(lines)
    print(table)
    (OUT / "results.md").write_text(table + "\n", encoding="utf-8")
    (OUT / "results.json").write_text(
        json.dumps({f"{p}|{h}|{c:g}": r for (p, h, c), r in runs.items()}, indent=1), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
