r"""How fast the site builds with server-side math, how heavy Part II is, and how to make it lighter.

Run from the project root (after `make setup-dev`), as `make bench` does:

    PYTHONPATH=hooks:. .venv/bin/python -m benchmarks.bench_build           # writes docs/includes/build-results.md
    PYTHONPATH=hooks:. .venv/bin/python -m benchmarks.bench_build --runs 3 --no-write

It builds, each in a temporary folder, a synthetic site (`benchmarks.synthetic_site`) and a copy of the real
site, and times their builds with math on and off (`benchmarks.build_times`); it times an author's wait from
saving a one-line edit to seeing it in the browser under `mkdocs serve` (`benchmarks.save_to_browser`); it
times the engine's share
(`benchmarks.engine_share`) and weighs part-2 (`benchmarks.page_weight`). Then it builds the ways to make part-2
lighter side by side (`benchmarks.page_variants`), weighs each, audits each with Lighthouse in turn
(`benchmarks.lighthouse_audits`), and takes screenshots of the MathML variants into test-artifacts/
(`benchmarks.screenshots`). It writes only its results, as tables (`benchmarks.report`), into
docs/includes/build-results.md, which docs/building.md includes and explains.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from benchmarks import report
from benchmarks.build_times import SiteTimes, measure_site
from benchmarks.engine_share import engine_share
from benchmarks.lighthouse_audits import LighthouseResult, audit_in_turn
from benchmarks.page_variants import PHOTOGRAPHED, VARIANTS, build_variants
from benchmarks.page_weight import Weight, page_weight
from benchmarks.save_to_browser import SaveTimes, measure_save_to_browser
from benchmarks.screenshots import screenshots
from benchmarks.site_copies import ROOT, SiteBuildError, copy_real_site, fresh_build
from benchmarks.synthetic_site import make_synthetic_site

RESULTS = ROOT / "docs" / "includes" / "build-results.md"
SCREENSHOTS = ROOT / "test-artifacts" / "bench-screenshots"


def _failure(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return lines[-1] if lines else type(error).__name__


def lighter_pages(real: Path, page: str, lighthouse_runs: int, work: Path) -> tuple[str, LighthouseResult | None]:
    """Build the variants of part-2 side by side, weigh and audit each; return their table and (a)'s audit."""
    try:
        sites = build_variants(real, work / "variants")
    except SiteBuildError as error:
        return f"The variants of {page} were not measured: {_failure(error)}.", None
    weights = {name: page_weight(site, f"{page}/index.html") for name, site in sites.items()}
    audits: dict[str, LighthouseResult] = {}
    if lighthouse_runs > 0:
        print(f"Lighthouse on {page}/ ({lighthouse_runs} runs of each of {', '.join(sites)})...", file=sys.stderr)
        audits = audit_in_turn(sites, f"{page}/", lighthouse_runs, work / "lighthouse")
    for name in PHOTOGRAPHED:
        taken = screenshots(sites[name], f"{page}/", SCREENSHOTS / name)
        print(f"  {len(taken)} screenshots of {name} in {SCREENSHOTS.relative_to(ROOT)}", file=sys.stderr)
    labels = {variant.name: variant.label for variant in VARIANTS}
    table = report.variants_table(labels, weights, audits, page)
    return table, audits.get(VARIANTS[0].name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median reported)")
    parser.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml", help="the real site's mkdocs.yml")
    parser.add_argument("--page", default="part-2", help="the real site's page to change and weigh")
    parser.add_argument("--no-real", action="store_true", help="measure only the synthetic site")
    parser.add_argument("--no-write", action="store_true", help=f"print only; do not write {RESULTS.name}")
    parser.add_argument(
        "--lighthouse-runs", type=int, default=3, help="Lighthouse audits of each variant (median reported); 0 skips"
    )
    args = parser.parse_args(argv)

    info = report.machine()
    notes: list[str] = []
    sites: list[SiteTimes] = []
    weight: Weight | None = None
    weight_label = ""
    audit: LighthouseResult | None = None
    saved: SaveTimes | None = None
    variants = ""
    with tempfile.TemporaryDirectory(prefix="nnla-bench-") as tmp:
        print("synthetic site (150 formulas)...", file=sys.stderr)
        synthetic = make_synthetic_site(Path(tmp) / "synthetic")
        sites.append(measure_site("synthetic, 150 formulas", synthetic, "one.md", args.runs))
        fresh_build(synthetic, True)
        synthetic_weight = page_weight(synthetic.parent / "site", "one/index.html")

        if args.no_real:
            notes.append("The real site was not measured (`--no-real`).")
        elif not args.config.is_file():
            notes.append(f"The real site was not measured: {args.config} does not exist.")
        else:
            print("real site...", file=sys.stderr)
            real = copy_real_site(Path(tmp) / "real", args.config)
            try:
                sites.append(measure_site("the real site", real, f"{args.page}.md", args.runs))
                fresh_build(real, True)
                weight = page_weight(real.parent / "site", f"{args.page}/index.html")
                weight_label = f"{args.page}, first visit"
            except (SiteBuildError, StopIteration, FileNotFoundError) as err:
                notes.append(f"The real site was not measured: its build failed ({_failure(err)}).")
            else:
                print(f"save-to-browser, {args.page}...", file=sys.stderr)
                try:
                    saved = measure_save_to_browser(real, args.page, max(args.runs, 5))
                except SiteBuildError as err:
                    notes.append(f"Save-to-browser was not measured: {_failure(err)}.")
                print(f"the ways to make {args.page} lighter...", file=sys.stderr)
                variants, audit = lighter_pages(real, args.page, args.lighthouse_runs, Path(tmp))
        if weight is None:
            weight = synthetic_weight
            weight_label = "synthetic page `one/` (50 formulas), first visit"
            notes.append("Page weight is the synthetic site's second page until the real site builds.")

    engine = engine_share(args.runs, args.config.resolve().parent)
    lighthouse = (
        report.lighthouse_table(audit, args.page, args.lighthouse_runs)
        if audit is not None
        else f"Lighthouse, {args.page}, mobile: not run."
    )
    options = (f" --runs {args.runs}" if args.runs != 5 else "") + (
        f" --lighthouse-runs {args.lighthouse_runs}" if args.lighthouse_runs != 3 else ""
    )
    if args.config.resolve() != (ROOT / "mkdocs.yml").resolve():
        options += " --config <a checkout of the commit measured>/mkdocs.yml"
    tables = "\n\n".join(
        [
            report.measured_by(info, args.runs),
            report.time_table(sites),
            report.save_table(saved) if saved is not None else "Save-to-browser: not measured.",
            report.engine_table(engine),
            report.weight_table(weight, weight_label),
            lighthouse,
            *([variants] if variants else []),
            *([" ".join(notes)] if notes else []),
            f"Reproduced with `PYTHONPATH=hooks:. .venv/bin/python -m benchmarks.bench_build{options}`"
            " (`make bench` runs it with the defaults).",
        ]
    )
    print(tables)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(tables + "\n", encoding="utf-8")
        print(f"\nwrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
