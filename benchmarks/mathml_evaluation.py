"""KaTeX's HTML against MathML alone, on Part II: weight, Lighthouse on two hosts, and the same formulas in two
browsers, for judging by eye (issue 20).

Two copies of the site are built side by side: as published (MathML alone, `katex.output: mathml`, the math font
cut to the pages' glyphs) and with KaTeX's HTML beside its MathML, as published until 2026-12
(`benchmarks.page_variants.katex_html`). For Part II of each it measures:

- elements, and bytes raw and gzipped, of the page's HTML and of what a first visit fetches
  (`benchmarks.page_weight`);
- Lighthouse's mobile performance score, RUNS runs each, the builds and hosts taking turns, on a host that gzips
  text and on one that does not (`tools.static_server`'s `compress`);
- screenshots of the same display formulas (matrices, bold symbols, the widest) at 1280 and 390 px, light and
  dark, in Chromium (Playwright) and in Firefox (Debian's `firefox-esr --headless --screenshot`, when installed),
  into test-artifacts/mathml-evaluation/.

Run: `PYTHONPATH=hooks:. python -m benchmarks.mathml_evaluation [--runs N] [--no-firefox]`. It writes its
results to test-artifacts/mathml-evaluation/results.md (and .json) and nothing else.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Literal

from benchmarks.page_variants import VARIANTS, build_variants
from benchmarks.page_weight import gzipped, page_weight
from benchmarks.screenshots import lay_out_all
from benchmarks.site_copies import ROOT
from tools.chromium import CHROMIUM, CHROMIUM_FLAGS
from tools.lighthouse import lighthouse_unavailable, run_lighthouse
from tools.static_server import serve

PAGE = "part-2/"
OUT = ROOT / "test-artifacts" / "mathml-evaluation"
#: KaTeX's HTML (published until 2026-12) and MathML alone (published), by their names in `benchmarks.page_variants`.
BUILDS = {"katex-html": "katex-html", "mathml": "published"}
HOSTS = {"gzip": True, "plain": False}
WIDTHS = ((1280, 900), (390, 844))
PALETTES: tuple[Literal["light", "dark"], ...] = ("light", "dark")
GOALS = {"elements": 10_000, "html_raw": 400_000, "score": 0.95}
FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")

#: The display formulas to compare: the first, middle and last matrix, the first and last `aligned` block and
#: the first `cases` (read from the TeX of their annotations), the first bold symbol, the widest one; and for each,
#: the id of the last element before it that has one (Firefox is pointed there by the address).
PICKS_JS = r"""() => {
    const formulas = [...document.querySelectorAll('.nnla-math-display')];
    const bold = /[\u{1D400}-\u{1D433}]|mathvariant="bold"|mathbf|boldsymbol/u;
    const tex = (f) => f.querySelector('annotation')?.textContent ?? '';
    const having = (env) => formulas.flatMap((f, i) => (tex(f).includes(`\\begin{${env}}`) ? [i] : []));
    const matrices = having('bmatrix');
    const aligned = having('aligned');
    const cases = having('cases');
    const bolds = formulas.flatMap((f, i) => (bold.test(f.innerHTML) ? [i] : []));
    const widest = formulas.reduce((w, f, i) => (f.scrollWidth > formulas[w].scrollWidth ? i : w), 0);
    const chosen = [...new Set([matrices[0], matrices[matrices.length >> 1], matrices.at(-1), aligned[0],
        aligned.at(-1), cases[0], bolds[0], widest])]
        .filter((i) => i !== undefined).sort((a, b) => a - b);
    const ids = [...document.querySelectorAll('article [id]')];
    return chosen.map((i) => {
        const before = ids.filter((e) => e.compareDocumentPosition(formulas[i]) & Node.DOCUMENT_POSITION_FOLLOWING);
        return { index: i, anchor: before.length ? before.at(-1).id : '' };
    });
}"""


def weights(sites: dict[str, Path]) -> dict[str, dict[str, Any]]:
    found = {}
    for build, site in sites.items():
        weight = page_weight(site, PAGE + "index.html")
        html = (site / PAGE / "index.html").read_bytes()
        found[build] = {
            "elements": weight.elements,
            "html_raw": len(html),
            "html_gzip": gzipped(html),
            "visit_raw": sum(raw for _, raw, _ in weight.rows.values()),
            "visit_sent": sum(sent for _, _, sent in weight.rows.values()),
            "fonts": weight.fonts,
        }
    return found


def lighthouse(sites: dict[str, Path], runs: int) -> dict[str, dict[str, Any]]:
    """Each build on each host, RUNS times, in turn; the scores and the median."""
    reason = lighthouse_unavailable()
    if reason:
        return {"skipped": {"reason": reason}}
    scores: dict[str, list[float]] = {}
    failures: dict[str, list[str]] = {}
    with ExitStack() as stack:
        urls = {
            f"{build}/{host}": stack.enter_context(serve(site, compress=compress)) + PAGE
            for build, site in sites.items()
            for host, compress in HOSTS.items()
        }
        for run in range(runs):
            for key, url in urls.items():
                result = run_lighthouse(url, OUT / "lighthouse" / f"{key.replace('/', '-')}-{run}")
                score = result.score("performance")
                if score is None:
                    failures.setdefault(key, []).append(result.error)
                else:
                    scores.setdefault(key, []).append(score)
    return {
        key: {"scores": scores.get(key, []), "median": statistics.median(scores[key]) if key in scores else None}
        | ({"failures": failures[key]} if key in failures else {})
        for key in urls
    }


def chromium_shots(sites: dict[str, Path], picks: list[dict[str, Any]]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    taken = []
    with ExitStack() as stack:
        bases = {build: stack.enter_context(serve(site)) for build, site in sites.items()}
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_FLAGS))
        stack.callback(browser.close)
        for build, base in bases.items():
            for width, height in WIDTHS:
                for palette in PALETTES:
                    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=palette)
                    tab = context.new_page()
                    tab.goto(base + PAGE, wait_until="load")
                    lay_out_all(tab)
                    tab.evaluate("document.fonts.ready.then(() => true)")
                    for pick in picks:
                        formula = tab.locator(".nnla-math-display").nth(pick["index"])
                        shot = OUT / "chromium" / f"formula-{pick['index']}-{width}px-{palette}-{build}.png"
                        shot.parent.mkdir(parents=True, exist_ok=True)
                        formula.screenshot(path=str(shot))
                        taken.append(shot)
                    context.close()
    return taken


#: What a Firefox shot shows: one formula, under the page's own stylesheets and fonts, in a column as wide as the
#: formula's box on the page at that width (Firefox's headless screenshot is taken at load, before it scrolls to
#: an anchor or lays out what `content-visibility` skips, so the page itself would show blank blocks).
HARNESS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
{head}<title>formula {index}</title></head>
<body dir="ltr" data-md-color-scheme="{scheme}" data-md-color-primary="indigo" data-md-color-accent="{accent}">
<article class="md-content__inner md-typeset" style="width:{box}px;margin:16px;padding:0">{formula}</article>
</body></html>
"""
#: The page's stylesheets and preloaded fonts, and each picked formula's HTML and its box's width.
HARNESS_JS = """(indices) => ({
    head: [...document.querySelectorAll('link[rel=stylesheet], link[rel=preload]')].map((l) => l.outerHTML).join('\\n'),
    formulas: Object.fromEntries(indices.map((i) => {
        const box = document.querySelectorAll('.nnla-math-display')[i];
        return [i, { html: box.outerHTML, box: box.clientWidth }];
    })),
})"""


def firefox_shots(sites: dict[str, Path], picks: list[dict[str, Any]]) -> list[Path]:
    """Firefox's headless screenshot of each picked formula, alone on a page of the build's own styles."""
    if FIREFOX is None:
        return []
    from playwright.sync_api import sync_playwright

    indices = [pick["index"] for pick in picks]
    harnesses: list[tuple[Path, str, int, str, int]] = []  # (site, build, width, palette, index)
    with sync_playwright() as playwright, ExitStack() as stack:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_FLAGS))
        stack.callback(browser.close)
        for build, site in sites.items():
            base = stack.enter_context(serve(site))
            for width, height in WIDTHS:
                tab = browser.new_page(viewport={"width": width, "height": height})
                tab.goto(base + PAGE, wait_until="load")
                lay_out_all(tab)
                found = tab.evaluate(HARNESS_JS, indices)
                tab.close()
                for palette in PALETTES:
                    for index in indices:
                        formula = found["formulas"][str(index)]
                        # As deep as part-2/index.html, so that the page's relative links hold.
                        page = site / "formula-shots" / f"{index}-{width}-{palette}.html"
                        page.parent.mkdir(exist_ok=True)
                        page.write_text(
                            HARNESS.format(
                                head=found["head"], index=index, scheme="slate" if palette == "dark" else "default",
                                accent="orange" if palette == "dark" else "deep-orange",
                                box=formula["box"], formula=formula["html"],
                            ),
                            encoding="utf-8",
                        )  # fmt: skip
                        harnesses.append((site, build, width, palette, index))
    taken = []
    with ExitStack() as stack:
        bases = {build: stack.enter_context(serve(site)) for build, site in sites.items()}
        profile = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nnla-firefox-")))
        for _, build, width, scheme, index in harnesses:
            shot = OUT / "firefox" / f"formula-{index}-{width}px-{scheme}-{build}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            url = f"{bases[build]}formula-shots/{index}-{width}-{scheme}.html"
            command = [FIREFOX, "--headless", "--profile", str(profile), "--screenshot", str(shot),
                       f"--window-size={width},400", url]  # fmt: skip
            subprocess.run(command, capture_output=True, timeout=180, check=False)
            if shot.is_file():
                taken.append(shot)
    return taken


def formula_picks(site: Path) -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_FLAGS))
        try:
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            tab.goto(base + PAGE, wait_until="load")
            lay_out_all(tab)
            picks: list[dict[str, Any]] = tab.evaluate(PICKS_JS)
            return picks
        finally:
            browser.close()


def table(results: dict[str, Any]) -> str:
    w, lh = results["weight"], results["lighthouse"]
    lines = [
        f"# MathML alone against KaTeX's HTML, Part II ({results['runs']} Lighthouse runs each)",
        "",
        "| | elements | HTML raw | HTML gzip | first visit raw | first visit sent (gzip host) "
        "| Lighthouse, gzip host | Lighthouse, plain host |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for build in BUILDS:
        m = w[build]
        scores = [lh.get(f"{build}/{host}", {}) for host in HOSTS]
        shown = [
            f"{s['median']:.2f} ({', '.join(f'{x:.2f}' for x in s['scores'])})" if s.get("median") is not None else "–"
            for s in scores
        ]
        lines.append(
            f"| {build} | {m['elements']:,} | {m['html_raw']:,} | {m['html_gzip']:,} | {m['visit_raw']:,} "
            f"| {m['visit_sent']:,} | {shown[0]} | {shown[1]} |"
        )
    lines += ["", f"Goals: at most {GOALS['elements']:,} elements and {GOALS['html_raw']:,} bytes of raw HTML, "
              f"Lighthouse at least {GOALS['score']} on both hosts."]  # fmt: skip
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per build and host")
    parser.add_argument("--no-firefox", action="store_true", help="skip Firefox's screenshots")
    parser.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse")
    parser.add_argument("--keep", type=Path, help="build the two sites into this folder and keep them")
    parser.add_argument("--reuse", action="store_true", help="with --keep: take the sites built there last time")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        folder = args.keep or stack.enter_context(tempfile.TemporaryDirectory(prefix="nnla-mathml-"))
        chosen = tuple(v for v in VARIANTS if v.name in BUILDS.values())
        kept = {v.name: Path(folder, v.name, "site") for v in chosen}
        if args.reuse and all((site / PAGE).is_dir() for site in kept.values()):
            built = kept
        else:
            built = build_variants(ROOT / "mkdocs.yml", Path(folder), chosen)
        sites = {build: built[name] for build, name in BUILDS.items()}
        picks = formula_picks(sites["katex-html"])
        results: dict[str, Any] = {"runs": args.runs, "picks": picks, "weight": weights(sites)}
        results["lighthouse"] = {} if args.no_lighthouse else lighthouse(sites, args.runs)
        results["chromium"] = [str(p.relative_to(OUT)) for p in chromium_shots(sites, picks)]
        results["firefox"] = [] if args.no_firefox else [str(p.relative_to(OUT)) for p in firefox_shots(sites, picks)]
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (OUT / "results.md").write_text(table(results), encoding="utf-8")
    print(table(results))


if __name__ == "__main__":
    main()
