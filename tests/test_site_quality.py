"""The built site as a host serves it: its links, its reproducibility, and Lighthouse's audit of Part II.

- LinkChecker crawls the site over HTTP on 127.0.0.1, following what MkDocs' own validation does not see: raw
  HTML links, the theme's links, and the fonts KaTeX's stylesheet names in its ``url()``s. Nothing outside
  127.0.0.1 is fetched.
- Two builds of the same sources, in two folders, give byte-identical files.
- Lighthouse audits Part II (the longest page) for accessibility and best practices (asserted) and performance
  (reported only: it is a timing); the scores are printed at the end of the run and saved in
  ``test-artifacts/lighthouse.json``.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from conftest import (
    ARTIFACTS,
    ROOT,
    SOURCE_DATE_EPOCH,
    BuiltSite,
    ServedSite,
    build_copy,
    build_in_process,
    copy_project,
    serve,
)
from selectolax.lexbor import LexborHTMLParser

from tools.lighthouse import lighthouse_unavailable, run_lighthouse

#: The page Lighthouse audits: the longest, with the most formulas and figures.
AUDITED = "part-2/"
#: The least score each Lighthouse category must reach (0 to 1), on Lighthouse's default (mobile) settings.
THRESHOLDS = {"accessibility": 0.95, "best-practices": 1.0}
#: Audited and reported, never asserted: a performance score is a timing, and timings belong in the benchmarks
#: (benchmarks/bench_build.py), not in tests that a loaded CI machine would make flaky.
REPORTED = ("performance",)
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+?)\1\s*\)""")


# ------------------------------------------------------------------------------------------------------ links


def linkchecker(served: ServedSite, workdir: Path) -> list[dict[str, str]]:
    """Crawl the served site with LinkChecker; return one row per URL it met (its CSV output, all URLs)."""
    executable = Path(sys.executable).with_name("linkchecker")
    config = workdir / "linkcheckerrc"
    # The test server answers with a "LinkChecker" header, which lets LinkChecker exceed 10 requests a second.
    config.write_text("[checking]\nmaxrequestspersecond=1000\n[filtering]\n", encoding="utf-8")
    process = subprocess.run(
        [
            str(executable),
            "--config",
            str(config),
            "--no-status",
            "--verbose",
            "--output",
            "csv/utf-8",
            # Only syntax is checked for anything not on this server: no other host, not even 127.0.0.1:8000
            # (the address `make serve` uses, which the authoring page links to).
            "--ignore-url",
            "^(?!" + re.escape(served.base_url) + ")",
            "--threads",
            "4",
            served.base_url,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HOME": str(workdir), "XDG_CONFIG_HOME": str(workdir), "XDG_DATA_HOME": str(workdir)},
        check=False,
    )
    lines = [line for line in process.stdout.splitlines() if line and not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter=";"))
    assert process.returncode == 0 or rows, f"LinkChecker failed ({process.returncode}):\n{process.stderr}"
    return rows


@pytest.fixture(scope="module")
def crawl(served_site: ServedSite, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    return linkchecker(served_site, tmp_path_factory.mktemp("linkchecker"))


def broken_links(rows: list[dict[str, str]]) -> list[str]:
    """What LinkChecker found wrong: invalid URLs and warnings, each with the page that links to it."""
    broken = [f"{r['url']} (linked from {r['parentname']}): {r['result']}" for r in rows if r["valid"] != "True"]
    warned = [f"{r['url']} (linked from {r['parentname']}): {r['warningstring']}" for r in rows if r["warningstring"]]
    return broken + warned


def test_linkchecker_finds_no_broken_link(crawl: list[dict[str, str]]) -> None:
    problems = broken_links(crawl)
    assert not problems, "\n".join(problems)


def test_linkchecker_crawls_the_whole_site(crawl: list[dict[str, str]], served_site: ServedSite) -> None:
    """Every page is reached, and every fetched URL is on 127.0.0.1 (the rest are checked for syntax only)."""
    checked = {urldefrag(row["url"])[0] for row in crawl}
    pages = {served_site.url(path) for path in ("", "part-1/", "part-2/", "errata/")}
    assert pages <= checked, f"not crawled: {sorted(pages - checked)}"
    fetched = {row["url"] for row in crawl if re.match(r"\d{3} ", row["result"])}
    elsewhere = sorted(url for url in fetched if not url.startswith(served_site.base_url))
    assert not elsewhere, f"LinkChecker fetched URLs outside the test server: {elsewhere}"


def stylesheet_urls(served: ServedSite) -> dict[str, str]:
    """Every `url()` in every stylesheet of the site, resolved as a browser would: URL -> the stylesheet."""
    found = {}
    for css in sorted(served.site.site_dir.rglob("*.css")):
        css_url = served.url(css.relative_to(served.site.site_dir).as_posix())
        for _, target in CSS_URL.findall(css.read_text(encoding="utf-8")):
            if not target.startswith(("data:", "#")):
                found[urldefrag(urljoin(css_url, target))[0]] = css_url
    return found


def test_linkchecker_follows_the_urls_in_stylesheets(crawl: list[dict[str, str]], served_site: ServedSite) -> None:
    """LinkChecker parses CSS: the font the math stylesheet names was checked (so a missing font fails above)."""
    checked = {row["url"] for row in crawl}
    fonts = {url for url, css in stylesheet_urls(served_site).items() if css.endswith("fonts/math.css")}
    assert fonts == {served_site.url("assets/fonts/stix-two-math.woff2")}, fonts
    assert fonts <= checked, f"LinkChecker did not check: {sorted(fonts - checked)}"


def unserved_stylesheet_urls(served: ServedSite) -> list[str]:
    """Every url() of every stylesheet that the server does not answer with 200."""
    failing = []
    for url, css in stylesheet_urls(served).items():
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            with error:  # it holds the connection: left to the collector, it warned in whichever test came next
                status = error.code
        except OSError as error:
            status = error
        if status != 200:
            failing.append(f"{url} (in {css}): {status}")
    return failing


def test_every_url_in_the_stylesheets_is_served(served_site: ServedSite) -> None:
    """Our own check of the same, independent of LinkChecker: every url() in every served CSS answers 200."""
    problems = unserved_stylesheet_urls(served_site)
    assert not problems, "\n".join(problems)


def broken_fragment_links(site_dir: Path) -> tuple[int, list[str]]:
    """Links to `page#id` whose page or id does not exist; and how many links there are.

    LinkChecker checks pages but not fragments; MkDocs checks fragments only in Markdown links, not in raw
    HTML, the table of contents or what the theme adds.
    """
    pages = {p.relative_to(site_dir).as_posix(): p for p in site_dir.rglob("*.html")}
    ids: dict[str, set[str]] = {}
    links: list[tuple[str, str]] = []
    for name, path in pages.items():
        # Lexbor parses as the browser that follows the link does (and in milliseconds a page, where html.parser
        # took seconds).
        tree = LexborHTMLParser(path.read_text(encoding="utf-8"))
        ids[name] = {e.attributes["id"] or "" for e in tree.css("[id]")}
        ids[name] |= {e.attributes["name"] or "" for e in tree.css("a[name]")}
        links += [(name, a.attributes["href"] or "") for a in tree.css("a[href]")]
    missing = []
    for page, href in links:
        parts = urlsplit(urljoin(f"http://site/{page}", href))
        if parts.netloc != "site" or not parts.fragment:
            continue
        target = parts.path.lstrip("/")
        target = target + "index.html" if target.endswith("/") or not target else target
        if target not in pages:
            missing.append(f"{page}: {href} links to a page that does not exist")
        elif parts.fragment not in ids[target]:
            missing.append(f"{page}: {href} has no element with id {parts.fragment!r} on {target}")
    return len(links), missing


def test_every_fragment_link_has_its_target(built_site: BuiltSite) -> None:
    """A link to `page#id` (raw HTML, the table of contents, the errata's back-links) finds that id on that page."""
    count, missing = broken_fragment_links(built_site.site_dir)
    assert count > 100
    assert not missing, "\n".join(missing)


@pytest.mark.slow
def test_the_link_checks_catch_broken_links(built_site: BuiltSite, tmp_path: Path) -> None:
    """On a copy of the site with a font deleted and two raw HTML links broken, each link check says what and where."""
    site = tmp_path / "site"
    shutil.copytree(built_site.site_dir, site)
    (site / "assets" / "fonts" / "stix-two-math.woff2").unlink()
    page = site / "part-1" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert html.count("</article>") == 1
    broken = '<p><a href="../no-such-page/">gone</a> <a href="../part-2/#no-such-section">lost</a></p>'
    page.write_text(html.replace("</article>", broken + "</article>"), encoding="utf-8")
    with serve(site) as base_url:
        served = ServedSite(BuiltSite(site, ""), base_url)
        problems = broken_links(linkchecker(served, tmp_path))
        unserved = unserved_stylesheet_urls(served)
    # LinkChecker names the first place it met the font: the math stylesheet, or a page that preloads it.
    where = r"\(linked from \S+(?:fonts/math\.css|/)\)"
    font = re.escape(base_url) + r"assets/fonts/stix-two-math\.woff2 " + where + ": 404"
    assert any(re.match(font, p) for p in problems), problems
    page_gone = re.escape(base_url) + r"no-such-page/ \(linked from \S+/part-1/\): 404"
    assert any(re.match(page_gone, p) for p in problems), problems
    assert any("stix-two-math.woff2 (in " in p and "404" in p for p in unserved), unserved
    _, missing = broken_fragment_links(site)
    assert missing == [
        "part-1/index.html: ../part-2/#no-such-section has no element with id 'no-such-section' on part-2/index.html"
    ]


def test_the_building_page_includes_the_benchmark_results(built_site: BuiltSite) -> None:
    """docs/building.md holds the prose; the benchmark's tables come from docs/includes/, which is no page itself."""
    page = built_site.page("building/index.html")
    assert "--8&lt;--" not in page
    assert "--8<--" not in page
    assert "Measured by <code>benchmarks/bench_build.py</code>" in page
    assert page.count("<table>") >= 4
    assert not (built_site.site_dir / "includes").exists()


@pytest.mark.slow
def test_a_missing_results_file_fails_the_build(tmp_path: Path) -> None:
    copy = copy_project(tmp_path / "checkout")
    (copy / "docs" / "includes" / "build-results.md").unlink()
    returncode, output = build_in_process(copy / "mkdocs.yml", tmp_path / "site")  # a file of docs/ gone: in-process
    assert returncode != 0
    assert "build-results.md" in output, output


def test_no_build_command_is_strict_and_quiet() -> None:
    """`mkdocs build --strict -q` exits 0 on warnings (quiet hides them from the counter): never combine them."""
    for file in ("Makefile", ".ci/run", "README.md", "docs/building.md", "tests/conftest.py"):
        path = ROOT / file
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"mkdocs\b.*\b(build|gh-deploy)\b", line) and re.search(r"\s(-q|--quiet)\b", line):
                raise AssertionError(f"{file}:{number} runs MkDocs quietly: {line.strip()}")


# ------------------------------------------------------------------------------------------- reproducibility


@pytest.mark.slow
def test_two_builds_are_byte_identical(built_site: BuiltSite, tmp_path: Path) -> None:
    """The session's build and a build of a fresh copy (another folder, an empty KaTeX cache) are identical.

    Every file is compared and none is left out: the only date a build writes is pinned by SOURCE_DATE_EPOCH,
    which `make` sets from the commit's date and the tests fix, besides each page's last-updated date, which is
    its file's last commit's (hooks/nnla_updated.py): the copy takes the checkout's git history along
    (`conftest.take_history`), as a second checkout of the commit would have it.
    """
    copy = copy_project(tmp_path / "checkout", katex_cache=False)
    returncode, output = build_copy(copy, tmp_path / "site")
    assert returncode == 0, output
    first, second = built_site.site_dir, tmp_path / "site"
    files = {p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file()}
    again = {p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file()}
    assert files == again, f"only in one build: {sorted(files ^ again)}"
    assert {"values.json", "index.html", "part-2/index.html", "sitemap.xml.gz"} <= files
    differing = sorted(f for f in files if (first / f).read_bytes() != (second / f).read_bytes())
    assert not differing, f"these files differ between two builds of the same sources: {differing}"
    # The one date a build writes, pinned: midnight (UTC) of SOURCE_DATE_EPOCH's day, in the gzip header of
    # sitemap.xml.gz and in the sitemap's <lastmod> (which lists pages only when mkdocs.yml sets site_url).
    day = datetime.datetime.fromtimestamp(int(SOURCE_DATE_EPOCH), tz=datetime.UTC).date()
    midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
    (mtime,) = struct.unpack("<I", (first / "sitemap.xml.gz").read_bytes()[4:8])
    assert mtime == midnight.timestamp(), f"sitemap.xml.gz is dated {mtime}, not SOURCE_DATE_EPOCH's day {day}"
    dates = set(re.findall(r"<lastmod>([^<]*)</lastmod>", built_site.page("sitemap.xml")))
    assert dates <= {day.isoformat()}, f"the sitemap's dates {dates} are not SOURCE_DATE_EPOCH's {day}"


# ------------------------------------------------------------------------------------------------ Lighthouse


def failing_audits(report: dict[str, Any], category: str) -> list[str]:
    """The audits of a category that count towards its score and did not pass, with their values."""
    lines = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] > 0 and audit.get("score") is not None and audit["score"] < 1:
            value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
            lines.append(f"    {ref['id']} (score {audit['score']:.2f}): {audit['title']}{value}")
    return lines


@pytest.mark.slow
@pytest.mark.browser
def test_lighthouse_scores_part_2(served_site: ServedSite, summary: list[str]) -> None:
    """Lighthouse's default (mobile) audit of Part II reaches THRESHOLDS; the scores are printed and saved."""
    reason = lighthouse_unavailable()
    if reason:
        if os.environ.get("NNLA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"NNLA_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    out = ARTIFACTS / "lighthouse"
    out.mkdir(parents=True, exist_ok=True)
    report_base = out / AUDITED.strip("/")
    run = run_lighthouse(served_site.url(AUDITED), report_base, [*THRESHOLDS, *REPORTED], formats=["json", "html"])
    assert run.report is not None, f"Lighthouse failed: {run.error}"
    report = run.report
    scores = {name: report["categories"][name]["score"] for name in [*THRESHOLDS, *REPORTED]}
    (ARTIFACTS / "lighthouse.json").write_text(json.dumps({AUDITED: scores}, indent=1) + "\n", encoding="utf-8")
    summary.append(
        f"Lighthouse /{AUDITED} (mobile): "
        + ", ".join(f"{name} {'n/a' if score is None else f'{score:.2f}'}" for name, score in scores.items())
        + f"  (report: {report_base.relative_to(ROOT)}.report.html)"
    )
    problems = []
    for name, least in THRESHOLDS.items():
        if scores[name] is None or scores[name] < least:
            problems.append(f"{name} {scores[name]} < {least}; what costs it points:")
            problems += failing_audits(report, name)
    assert not problems, "\n".join(problems)
