r"""How fast the site builds with server-side math, against the same site with math switched off.

Run from the project root (after `make setup`):

    .venv/bin/python benchmarks/bench_build.py            # 5 runs each, writes docs/building.md
    .venv/bin/python benchmarks/bench_build.py --runs 3 --no-write

It builds, each in a temporary folder, (a) a synthetic three-page site with 150 unique formulas (60 display,
60 inline, 30 matrices) and (b) a copy of the real site (mkdocs.yml, docs/, hooks/, overrides/), each with math
on and with `NNLA_MATH=off`:

- cold: empty KaTeX cache, a fresh `mkdocs build` process (what a fresh clone's first build costs);
- warm: cache filled, a fresh process;
- rebuild: in one process, as `mkdocs serve` does (the configuration reloaded, `build()` called again),
  first with nothing changed, then after changing one formula.

Each figure is the median of `--runs` runs. It also measures the engine's share (importing `nnla` with NumPy,
computing every value, drawing the figures) and the page weight of part-2: the HTML, the CSS and scripts it
links, and the KaTeX fonts its formulas use, raw and gzip-compressed. It prints markdown tables and writes
them, with the date and the machine, into docs/building.md. The build itself times nothing.

Last, it serves that build of the real site on 127.0.0.1 (gzip for text files, as a static host does) and runs
Lighthouse on part-2 `--lighthouse-runs` times (3 by default; 0 skips it) with its default mobile settings,
performance only, and reports the median score and metrics against the goal of 0.95. In turn with those runs it
audits the same site built with Material's own palette component instead of ours, and reports the two side by
side. It needs Lighthouse in node_modules (`npm ci`) and Debian's Chromium at /usr/bin/chromium, and says so
when either is missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import html.parser
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Iterable
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.static_server import CHROMIUM, CHROMIUM_FLAGS, serve

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
PAGE = ROOT / "docs" / "building.md"

# Goals from issue 5.
COLD_RATIO_GOAL = 2.0
WARM_RATIO_GOAL = 1.3
ONE_CHANGE_GOAL_S = 0.3
ENGINE_GOAL_S = 0.3
LIGHTHOUSE_GOAL = 0.95

LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
#: Every process a Lighthouse run starts (node, Chromium and its helpers) inherits this variable, with a value
#: of the run's own; after the run, any such process still alive is ended by its id.
RUN_TAG = "NNLA_BENCH_LIGHTHOUSE_RUN"
#: Lighthouse's metrics as reported: (audit id, name, unit).
LIGHTHOUSE_METRICS = [
    ("first-contentful-paint", "First Contentful Paint", "ms"),
    ("largest-contentful-paint", "Largest Contentful Paint", "ms"),
    ("total-blocking-time", "Total Blocking Time", "ms"),
    ("cumulative-layout-shift", "Cumulative Layout Shift", ""),
    ("speed-index", "Speed Index", "ms"),
    ("dom-size", "DOM size (elements)", "elements"),
]

SYNTHETIC_EXTENSIONS = """\
markdown_extensions:
  - nnla_site.mdext:
      node_modules: {node_modules}
      cache_dir: {cache_dir}
      defer: true
  - admonition
  - attr_list
  - footnotes
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.highlight
  - pymdownx.superfences
"""

SYNTHETIC_HOOK = '''\
"""Serve KaTeX's stylesheet and fonts and restore the deferred math, as the real site's hook should."""
from mkdocs.structure.files import File

from nnla_site.katex import katex_assets, restore


def on_files(files, config):
    for asset in katex_assets({node_modules!r}):
        files.append(File.generated(config, asset.uri, abs_src_path=str(asset.path)))
    return files


def on_post_page(output, page, config):
    return restore(output)
'''


# --- the synthetic site ------------------------------------------------------------------------------------


def display_formula(i: int) -> str:
    return (
        rf"\frac{{\partial \ell_{{{i}}}}}{{\partial w_{{{i % 7},{i % 5}}}}}"
        rf" = \sum_{{k=1}}^{{{i + 2}}} 2\,(p_k - t_k)\, x_{{k}} + \sqrt{{{i}}}\,\alpha^{{{i % 4}}}"
    )


def inline_formula(i: int) -> str:
    return rf"\hat{{y}}_{{{i}}} = x_{{{i}}} W + b_{{{i % 9}}}"


def matrix_formula(i: int) -> str:
    rows = [" & ".join(f"{(i * 3 + r * 3 + c) % 17 - 8}.{(i + c) % 10}" for c in range(3)) for r in range(3)]
    body = r" \\ ".join(rows)
    return rf"W_{{{i}}} = \begin{{bmatrix}} {body} \end{{bmatrix}} \in \mathbb{{R}}^{{3 \times 3}}"


def synthetic_pages() -> dict[str, str]:
    """Three pages holding 150 unique formulas: 60 display, 60 inline and 30 matrices, 50 to a page."""
    pages: dict[str, str] = {}
    for p, name in enumerate(["index.md", "one.md", "two.md"]):
        lines = [f"# Page {p + 1}", ""]
        for j in range(20):
            i = p * 20 + j
            lines += [
                f"## Step {i}",
                "",
                f"The prediction $`{inline_formula(i)}`$ follows from the forward pass, and its loss gradient is",
                "",
                "```math",
                display_formula(i),
                "```",
                "",
            ]
            if j % 2 == 0:
                lines += ["The weights after the update are", "", "```math", matrix_formula(i), "```", ""]
        pages[name] = "\n".join(lines)
    return pages


def make_synthetic_site(folder: Path) -> Path:
    """Write the synthetic site into `folder`; returns its mkdocs.yml."""
    (folder / "docs").mkdir(parents=True)
    (folder / "hooks").mkdir()
    for name, text in synthetic_pages().items():
        (folder / "docs" / name).write_text(text, encoding="utf-8")
    (folder / "hooks" / "katex_assets.py").write_text(
        SYNTHETIC_HOOK.format(node_modules=str(NODE_MODULES)), encoding="utf-8"
    )
    config = "\n".join(
        [
            "site_name: Synthetic",
            "strict: true",
            "theme:",
            "  name: material",
            "  font: false",
            "extra_css:",
            "  - assets/katex/katex.min.css",
            "hooks:",
            "  - hooks/katex_assets.py",
            "nav: [index.md, one.md, two.md]",
            SYNTHETIC_EXTENSIONS.format(node_modules=NODE_MODULES, cache_dir=folder / ".cache" / "katex"),
        ]
    )
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    return folder / "mkdocs.yml"


def copy_real_site(folder: Path, config: Path) -> Path:
    """Copy the real site's sources into `folder` (node_modules linked); returns the copy's mkdocs.yml."""
    source = config.parent
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(config, folder / "mkdocs.yml")
    for sub in ("docs", "hooks", "overrides"):
        if (source / sub).is_dir():
            shutil.copytree(source / sub, folder / sub)
    (folder / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    this_page = folder / "docs" / PAGE.name
    if not this_page.exists():  # the page this script writes; the site's nav expects it
        this_page.write_text("# How the site is built\n\nThe benchmark has not been run yet.\n", encoding="utf-8")
    return folder / "mkdocs.yml"


#: Our palette switch, in the theme overrides; without these files Material's own switch is used.
OUR_PALETTE = ("partials/palette.html", "partials/javascripts/palette.html")


def with_materials_palette(config: Path) -> Path:
    """The real site's configuration, but with Material's palette component instead of our switch.

    The theme overrides are copied without `OUR_PALETTE`, so that everything else in them still applies, and
    the copy is named in a configuration written beside `config`, whose relative paths then still hold.
    """
    text = config.read_text(encoding="utf-8")
    found = re.findall(r"^([ \t]*custom_dir:[ \t]*)(\S+)[ \t]*$", text, flags=re.MULTILINE)
    if len(found) != 1:
        raise SiteBuildError(f"{config} has {len(found)} custom_dir settings, not the one this comparison changes")
    key, folder = found[0]
    variant_folder = config.parent / f"{folder.rstrip('/')}-materials-palette"
    shutil.copytree(config.parent / folder, variant_folder)
    for name in OUR_PALETTE:
        if not (variant_folder / name).is_file():
            raise SiteBuildError(f"{folder}/{name} is missing: is the palette switch still ours?")
        (variant_folder / name).unlink()
    variant = config.with_name("mkdocs-materials-palette.yml")
    variant.write_text(text.replace(f"{key}{folder}", f"{key}{variant_folder.name}", 1), encoding="utf-8")
    return variant


# --- timing ------------------------------------------------------------------------------------------------


def environment(math: bool) -> dict[str, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", NNLA_MATH="on" if math else "off")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


class SiteBuildError(RuntimeError):
    """A build of a benchmark site failed; the message holds MkDocs' output."""


def fresh_build(config: Path, math: bool, site_dir: Path | None = None) -> float:
    """Wall time of `mkdocs build` in a fresh process (interpreter start-up and imports included)."""
    site_dir = site_dir or config.parent / "site"
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site_dir)]
    start = time.perf_counter()
    result = subprocess.run(command, env=environment(math), capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SiteBuildError((result.stdout + result.stderr).strip()[-3000:])
    return elapsed


def clear_cache(config: Path) -> None:
    shutil.rmtree(config.parent / ".cache", ignore_errors=True)


def rebuilds(config: Path, math: bool, page: str, salt: int) -> dict[str, list[float]]:
    """In-process rebuild times from one serving process (see `_serve_driver`)."""
    command = [sys.executable, __file__, "--_serve-driver", str(config), page, str(salt)]
    result = subprocess.run(command, env=environment(math), capture_output=True, text=True, check=False)
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


# --- the engine's share ------------------------------------------------------------------------------------

ENGINE_PROBE = """
import json, time
start = time.perf_counter()
import nnla
imported = time.perf_counter()
try:
    from nnla_site import values
except ImportError:
    print(json.dumps({"skip": "nnla_site.values is missing"})); raise SystemExit
if not hasattr(values, "compute_all"):
    print(json.dumps({"skip": "nnla_site.values has no compute_all()"})); raise SystemExit
computed_start = time.perf_counter()
computed = values.compute_all()
computed_end = time.perf_counter()
figures = None
try:
    from nnla_site.figures import draw_figure
except ImportError:
    pass
else:
    drawn_start = time.perf_counter()
    for value in computed.values():
        if value.kind == "trace" or (value.kind == "array" and len(value.shape) == 3):
            draw_figure(value, computed)
    figures = time.perf_counter() - drawn_start
print(json.dumps({"import": imported - start, "compute": computed_end - computed_start, "figures": figures,
                  "values": len(computed)}))
"""


def engine_share(runs: int) -> dict[str, Any]:
    """Median time to import nnla (with NumPy), compute every value and draw the figures, in a fresh process."""
    samples = []
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-c", ENGINE_PROBE], capture_output=True, text=True, check=False, cwd=ROOT
        )
        if result.returncode != 0:
            return {"skip": f"the engine failed: {(result.stdout + result.stderr).strip()[-500:]}"}
        sample = json.loads(result.stdout.strip().splitlines()[-1])
        if "skip" in sample:
            return dict(sample)
        samples.append(sample)
    summary: dict[str, Any] = {
        key: statistics.median(s[key] for s in samples) for key in ("import", "compute") if samples
    }
    figures = [s["figures"] for s in samples if s["figures"] is not None]
    summary["figures"] = statistics.median(figures) if figures else None
    summary["values"] = samples[0]["values"]
    summary["total"] = summary["import"] + summary["compute"] + (summary["figures"] or 0.0)
    return summary


# --- page weight -------------------------------------------------------------------------------------------


class _Links(html.parser.HTMLParser):
    """Collects what a browser fetches for a page: stylesheets, scripts, icons, images; and the classes used."""

    def __init__(self) -> None:
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []
        self.other: list[str] = []
        self.classes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.classes.update(a.get("class", "").split())
        rel = a.get("rel", "").split()
        if tag == "link" and "stylesheet" in rel and a.get("href"):
            self.css.append(a["href"])
        elif tag == "link" and "icon" in rel and a.get("href"):
            self.other.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.js.append(a["src"])
        elif tag == "img" and a.get("src") and not a["src"].startswith("data:"):
            self.other.append(a["src"])


_RULE_RE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_FONT_FACE_RE = re.compile(r"@font-face\{([^{}]*)\}")


def _declarations(block: str) -> dict[str, str]:
    pairs = (d.split(":", 1) for d in block.split(";") if ":" in d)
    return {k.strip().lower(): v.strip() for k, v in pairs}


def _weight(value: str) -> str:
    return "bold" if value in {"bold", "700"} else "normal"


def katex_fonts_used(css: str, classes: set[str]) -> set[str]:
    """The woff2 files the page's formulas use, from KaTeX's CSS and the classes in the page.

    A rule counts when every class in its selector occurs in the page; its font-family (KaTeX_Main when it
    sets only weight or style), weight and style pick an @font-face, whose woff2 file is the one fetched.
    """
    faces: dict[tuple[str, str, str], str] = {}
    for block in _FONT_FACE_RE.findall(css):
        d = _declarations(block)
        woff2 = re.search(r"url\(([^)]+\.woff2)\)", d.get("src", ""))
        if woff2:
            key = (
                d["font-family"].strip("'\""),
                _weight(d.get("font-weight", "normal")),
                d.get("font-style", "normal"),
            )
            faces[key] = woff2.group(1)
    used: set[str] = set()
    for selector, block in _RULE_RE.findall(_FONT_FACE_RE.sub("", css)):
        d = _declarations(block)
        family = d.get("font-family")
        if family is None and "font" in d:
            family = next((w.strip(",") for w in d["font"].split() if w.startswith("KaTeX_")), None)
        if family is None and ("font-weight" in d or "font-style" in d):
            family = "KaTeX_Main"
        if family is None or not family.startswith("KaTeX_"):
            continue
        family = family.split(",")[0].strip()
        for part in selector.split(","):
            needed = set(re.findall(r"\.([\w-]+)", part))
            if needed and needed <= classes:
                key = (family, _weight(d.get("font-weight", "normal")), d.get("font-style", "normal"))
                if key in faces:
                    used.add(faces[key])
    return used


@dataclass
class Weight:
    """Bytes a first visit transfers, per kind of file."""

    rows: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # kind -> (files, raw, transferred)
    katex_js: list[str] = field(default_factory=list)
    fonts: list[str] = field(default_factory=list)
    not_counted: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, data: bytes, compress: bool) -> None:
        files, raw, sent = self.rows.get(kind, (0, 0, 0))
        wire = len(gzip.compress(data, compresslevel=6, mtime=0)) if compress else len(data)
        self.rows[kind] = (files + 1, raw + len(data), sent + wire)


def _local(page_file: Path, href: str, site_dir: Path) -> Path | None:
    if re.match(r"^[a-z]+:|^//", href):
        return None
    path = (page_file.parent / href.split("#")[0].split("?")[0]).resolve()
    return path if path.is_file() and site_dir.resolve() in path.parents else None


def page_weight(site_dir: Path, page: str) -> Weight:
    """What a first visit to `page` transfers: HTML, linked CSS and JS, icons, and the KaTeX fonts it uses."""
    page_file = site_dir / page
    text = page_file.read_text(encoding="utf-8")
    links = _Links()
    links.feed(text)
    weight = Weight()
    weight.add("HTML", text.encode("utf-8"), compress=True)
    for href in links.css:
        path = _local(page_file, href, site_dir)
        if path is None:
            continue
        css = path.read_bytes()
        weight.add("CSS", css, compress=True)
        if path.name.startswith("katex"):
            for font in sorted(katex_fonts_used(css.decode("utf-8"), links.classes)):
                font_path = (path.parent / font).resolve()
                if font_path.is_file():
                    weight.add("KaTeX fonts (woff2)", font_path.read_bytes(), compress=False)
                    weight.fonts.append(font_path.name)
    for src in links.js:
        path = _local(page_file, src, site_dir)
        if "katex" in src.lower():
            weight.katex_js.append(src)
        if path is not None:
            weight.add("JavaScript", path.read_bytes(), compress=True)
    for href in links.other:
        path = _local(page_file, href, site_dir)
        if path is not None:
            weight.add("icons and images", path.read_bytes(), compress=path.suffix in {".svg", ".ico"})
    index = site_dir / "search" / "search_index.json"
    if index.is_file():
        weight.not_counted["search index (fetched when search starts)"] = len(
            gzip.compress(index.read_bytes(), compresslevel=6, mtime=0)
        )
    return weight


# --- Lighthouse --------------------------------------------------------------------------------------------


def lighthouse_unavailable() -> str | None:
    if not LIGHTHOUSE.exists():
        return "Lighthouse is not installed in node_modules (`npm ci`)"
    if shutil.which("node") is None:
        return "Node.js is not on PATH"
    if not CHROMIUM.is_file():
        return f"Chromium is not installed at {CHROMIUM} (`apt-get install chromium`)"
    return None


def _tagged_processes(tag: str) -> list[int]:
    """Ids of the processes whose environment holds `RUN_TAG=tag`: the ones a Lighthouse run started."""
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


def end_tagged_processes(tag: str) -> tuple[int, int]:
    """End, by id, whatever a Lighthouse run left running (Chromium is started detached).

    Returns how many processes were still running, and how many of them would not end.
    """
    pids = _tagged_processes(tag)
    found = len(pids)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + 5
        while pids and time.monotonic() < deadline:
            time.sleep(0.1)
            pids = [pid for pid in pids if Path(f"/proc/{pid}").exists() and _alive(pid)]
        if not pids:
            break
    return found, len(pids)


def _alive(pid: int) -> bool:
    """False for a process that has ended, zombies included (their parent reaps them)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


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
    leftovers: int = 0  # processes still running after Lighthouse exited, ended by the benchmark
    warnings: list[str] = field(default_factory=list)  # Lighthouse's own warnings about the runs
    weights: dict[str, float] = field(default_factory=dict)  # audit id -> its weight in the performance score

    def median(self, key: str) -> float:
        return statistics.median(run[key] for run in self.runs)


THROTTLING = {"simulate": "simulated", "devtools": "DevTools", "provided": "no"}


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


def lighthouse(sites: dict[str, Path], page: str, runs: int, work: Path) -> dict[str, LighthouseResult]:
    """Serve each site and run Lighthouse on its `page` `runs` times, mobile (its default), performance only.

    The sites take turns, one run each, so that whatever load the machine is under falls on all alike.
    """
    results = {name: LighthouseResult() for name in sites}
    reason = lighthouse_unavailable()
    if reason:
        for result in results.values():
            result.skipped = reason
        return results
    work.mkdir(parents=True, exist_ok=True)
    load = f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "unknown"
    installed = re.search(r"Chromium ([\d.]+)", command_output([str(CHROMIUM), "--version"]))
    with ExitStack() as stack:
        base_urls = {name: stack.enter_context(serve(site_dir)) for name, site_dir in sites.items()}
        for n in range(runs):
            for name, base_url in base_urls.items():
                result = results[name]
                result.load = load
                run = f"{name}, run {n + 1}/{runs}"
                tag = uuid.uuid4().hex
                out = work / f"{name}-run-{n + 1}.json"
                command = [
                    str(LIGHTHOUSE),
                    f"{base_url}{page}",
                    "--only-categories=performance",
                    "--output=json",
                    f"--output-path={out}",
                    "--quiet",
                    "--chrome-flags=" + " ".join(["--headless=new", *CHROMIUM_FLAGS]),
                ]
                # TMPDIR: Chromium's profile folder lands in `work`, removed with it even if a run is cut short.
                env = dict(os.environ, CHROME_PATH=str(CHROMIUM), TMPDIR=str(work), **{RUN_TAG: tag})
                try:
                    process = subprocess.run(
                        command,
                        env=env,
                        capture_output=True,
                        text=True,
                        timeout=300,
                        check=False,
                        start_new_session=True,
                    )
                except subprocess.TimeoutExpired:
                    result.failures.append(f"{run} took over 300 s")
                    continue
                finally:
                    found, left = end_tagged_processes(tag)
                    result.leftovers += found
                    if left:
                        print(f"  warning: {left} processes of Lighthouse ({run}) would not end", file=sys.stderr)
                report = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else None
                score = None if report is None else report.get("categories", {}).get("performance", {}).get("score")
                if process.returncode != 0 or report is None or score is None:
                    error = (report or {}).get("runtimeError", {}).get("message") or process.stderr.strip()[-300:]
                    result.failures.append(f"{run} failed ({error or f'exit status {process.returncode}'})")
                    print(f"  Lighthouse, {run}: failed: {error}", file=sys.stderr)
                    continue
                sample = {"score": float(score)}
                for audit, _, _ in LIGHTHOUSE_METRICS:
                    found = report["audits"].get(audit, {})
                    if found.get("numericValue") is not None:
                        sample[audit] = float(found["numericValue"])
                    if found.get("score") is not None:
                        sample[f"{audit}:score"] = float(found["score"])
                for ref in report["categories"]["performance"].get("auditRefs", []):
                    result.weights[ref["id"]] = float(ref.get("weight", 0))
                result.runs.append(sample)
                result.version = report.get("lighthouseVersion", "")
                browser = installed or re.search(
                    r"Chrome/([\d.]+)", report.get("environment", {}).get("hostUserAgent", "")
                )
                result.browser = f"Chromium {browser.group(1)}" if browser else "Chromium"
                for warning in report.get("runWarnings", []):
                    if warning not in result.warnings:
                        result.warnings.append(warning)
                result.settings = _settings(report)
                index = report.get("environment", {}).get("benchmarkIndex")
                if index is not None:
                    result.benchmark_index.append(float(index))
                print(
                    f"  Lighthouse, {run}: performance {score:.2f}, "
                    + ", ".join(
                        f"{label} {_metric(sample.get(audit), unit)}" for audit, label, unit in LIGHTHOUSE_METRICS
                    ),
                    file=sys.stderr,
                )
    return results


def _metric(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "ms":
        return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"
    if unit == "elements":
        return f"{value:,.0f}"
    return f"{value:.3f}"


# --- reporting ---------------------------------------------------------------------------------------------


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


def engine_table(engine: dict[str, Any]) -> str:
    if "skip" in engine:
        return f"Engine's share: not measured ({engine['skip']})."
    figures = "not measured (nnla_site.figures.draw_figure missing)"
    if engine["figures"] is not None:
        figures = _s(engine["figures"])
    return "\n".join(
        [
            "| engine's share (fresh process) | time |",
            "|---|---|",
            f"| `import nnla` (with NumPy) | {_s(engine['import'])} |",
            f"| compute every value ({engine['values']} values, `nnla_site.values.compute_all()`) "
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
        f"Fonts counted: the woff2 files of the KaTeX fonts this page's formulas use ({len(weight.fonts)}: "
        f"{', '.join(f.removeprefix('KaTeX_').removesuffix('.woff2') for f in weight.fonts) or 'none'}), "
        "worked out from KaTeX's CSS rules whose classes occur in the page; woff2 is not compressed again.",
    ]
    return "\n".join(rows + notes)


def lighthouse_table(result: LighthouseResult, page: str, requested: int) -> str:
    title = f"Lighthouse, {page}, mobile"
    if result.skipped:
        return f"{title}: not measured ({result.skipped})."
    if not result.runs:
        return f"{title}: not measured ({'; '.join(result.failures) or 'no run'})."
    count = len(result.runs)
    score = result.median("score")
    scores = ", ".join(f"{r['score']:.2f}" for r in result.runs)
    rows = [
        f"| {title} | median of {count} runs | each run | the metric's score, median (its weight) | goal |",
        "|---|---|---|---|---|",
        f"| performance score | **{score:.2f}** | {scores} | | "
        f"≥ {LIGHTHOUSE_GOAL:g}: {_check(score >= LIGHTHOUSE_GOAL)} |",
    ]
    for audit, name, unit in LIGHTHOUSE_METRICS:
        values = [r.get(audit) for r in result.runs]
        known = [v for v in values if v is not None]
        median = _metric(statistics.median(known), unit) if known else "n/a"
        weight = result.weights.get(audit, 0)
        audit_scores = [r[f"{audit}:score"] for r in result.runs if f"{audit}:score" in r]
        if weight > 0 and audit_scores:
            part = f"{statistics.median(audit_scores):.2f} ({weight:g} %)"
        else:
            part = "diagnostic, not in the score"
        rows.append(f"| {name} | {median} | {', '.join(_metric(v, unit) for v in values)} | {part} | |")
    index = f"{statistics.median(result.benchmark_index):.0f}" if result.benchmark_index else "not reported"
    notes = [
        "",
        f"Lighthouse {result.version} with its default settings ({result.settings}), performance category only,"
        f" in {result.browser} (headless), on this site as built above, served with gzip for text files by the"
        f" `tools.static_server` server on 127.0.0.1; load average {result.load} when the audits started; Lighthouse's"
        f" benchmark index of this machine {index} (at 1000 or less it warns that the machine is too slow for"
        " its 4× CPU slowdown to stand for a mid-range phone). The"
        " metrics are simulated from the page's trace on this machine, so a loaded machine scores lower.",
    ]
    if result.failures or count < requested:
        notes.append(f"Runs left out: {'; '.join(result.failures)}.")
    if result.warnings:
        notes.append("Lighthouse warned: " + " ".join(w.rstrip(".") + "." for w in result.warnings))
    if result.leftovers:
        notes.append(f"Lighthouse left {result.leftovers} processes running; the benchmark ended them.")
    return "\n".join(rows + notes)


def palette_table(ours: LighthouseResult, materials: LighthouseResult, page: str) -> str:
    """Lighthouse on the page as published beside the same page with Material's palette component."""
    title = f"Lighthouse, {page}, mobile: the palette switch"
    rows = [
        f"| {title} | runs | performance score, median | Total Blocking Time | First Contentful Paint |",
        "|---|---|---|---|---|",
    ]
    for label, result in (
        ("ours (`overrides/partials/`), as published", ours),
        ("Material's palette component (our two palette partials taken out)", materials),
    ):
        if result.skipped or not result.runs:
            reason = result.skipped or "; ".join(result.failures) or "no run"
            rows.append(f"| {label} | 0 | not measured ({reason}) | | |")
            continue
        tbt = _metric(result.median("total-blocking-time"), "ms")
        fcp = _metric(result.median("first-contentful-paint"), "ms")
        scores = ", ".join(f"{r['score']:.2f}" for r in result.runs)
        rows.append(f"| {label} | {len(result.runs)} | **{result.median('score'):.2f}** ({scores}) | {tbt} | {fcp} |")
    notes = [
        "",
        "The same build but for the switch (the rest of `overrides/` kept), audited the same way, one run of each"
        " in turn. At start-up Material's palette component sets an attribute on `<body>`, reads the header's"
        " computed style and, a frame later, clears the attribute: each a style recalculation of the whole page,"
        " long tasks that count towards the Total Blocking Time on a page with as many elements as this one. Our"
        " switch does its work while only the header is parsed, and touches `<body>` only when the reader's"
        " palette is not the one the page was built with (`tests/test_palette.py` holds it to that).",
    ]
    return "\n".join(rows + notes)


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
    from nnla_site.katex import katex_version

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


def render_page(info: dict[str, str], runs: int, tables: str) -> str:
    intro = textwrap.dedent(
        f"""\
        # How the site is built

        `mkdocs build` turns the Markdown in `docs/` into static HTML, as for any MkDocs site, with two
        additions: the numbers on the pages are computed while the site is built, and so are the formulas.

        ## The numbers come from the engine

        The hooks in `hooks/` compute every value with `nnla` once per build and put it where a page names
        it with a marker (see [Writing pages](authoring.md)). Nothing on a page is typed by hand.

        ## The formulas are rendered at build time

        Formulas are written as in markdown-katex: `` $`x W + b`$ `` inline, and a fenced block opened by
        ```` ```math ```` for display. The Markdown extension `nnla_site.mdext` hands each one to KaTeX
        {info["katex"]} and puts KaTeX's HTML, with MathML for screen readers, into the page. The reader's
        browser runs no KaTeX JavaScript: it needs only KaTeX's stylesheet and fonts.

        - **One process for the whole build.** KaTeX is JavaScript, so the build starts a single `node`
          process (`hooks/nnla_site/katex_worker.js`) on the first formula it has not rendered before and sends
          it every formula, one JSON line each, instead of starting a process per formula. It renders
          about a formula a millisecond; `mkdocs serve` keeps it running between rebuilds.
        - **A cache in the project.** Each rendering is stored in `.cache/katex/`, keyed on the TeX, the
          display mode, the KaTeX options and the KaTeX version, so changing any of them renders afresh
          and a stale formula is never served. A build whose formulas are all cached does not start
          `node` at all; in `mkdocs serve` an in-memory copy answers before the disk is read. Delete the
          folder to start over.
        - **Light pages while the build works on them.** KaTeX's HTML is bulky (some 2 KB and 150 tags a
          formula), and the search plugin parses every page's HTML to index it. So the pages carry a
          short stand-in holding the TeX until the very end of each page's build, when the hook puts the
          rendered HTML back: the search index gets the TeX, and the build does not parse KaTeX's HTML.
        - **A formula KaTeX rejects fails the build**, naming the page, the line and KaTeX's message.
        - **Offline.** KaTeX's stylesheet and fonts come from the npm package `katex`, pinned in
          `package.json` and `package-lock.json` to the version that renders the formulas and installed by
          `make setup` (`npm ci`). The build copies them into `site/assets/katex/`; the site asks no other
          host for anything.

        To see what math costs, build with it switched off: `NNLA_MATH=off mkdocs build` writes each formula
        as its TeX in a `<code>` element and never starts `node`.

        ## Light pages

        KaTeX's HTML makes Part II a page of many thousands of elements (the DOM size in the Lighthouse table
        below), and every whole-page style recalculation costs in proportion. Two things keep the reader's
        browser from doing that work more often than it must:

        - **Only what is on screen is laid out.** `docs/stylesheets/nnla.css` gives the blocks of a page
          (paragraphs, display formulas, tables, figures, notes) `content-visibility: auto`, so the browser
          skips the style and layout of those off screen until the reader scrolls to them. Off screen, a
          block counts at a placeholder height, so a link to a place in a page would land short of it or
          past it once the blocks around it are laid out; a short script of ours
          (`overrides/partials/javascripts/anchors.html`) holds the target in place until it settles, and
          lets go as soon as the reader moves (`tests/test_anchors.py` visits every such link).
        - **Our own light/dark switch.** The switch in the header is ours (`overrides/partials/palette.html`,
          driven by `overrides/partials/javascripts/palette.html`), not Material's palette component. At
          start-up that component restyles the whole page several times; ours applies the reader's palette
          while only the header is parsed, follows the system's preference until the reader chooses, and keeps
          the choice across pages as Material does. The last table below measures the site with each.

        ## What it costs

        Measured by `benchmarks/bench_build.py` on {info["date"]}: {info["machine"]}, {info["nproc"]} cores
        ({info["cpu"]}; load average {info["load"]} when it started), Python {info["python"]},
        Node.js {info["node"]}, KaTeX {info["katex"]}, MkDocs {info["mkdocs"]}, Material
        {info["material"]}. Each time is the median of {runs} runs, math on and off alternating. "Math off"
        is the same site built with `NNLA_MATH=off`; the ratio is the figure that counts, since absolute
        times vary between machines. A rebuild in the serving process is what `mkdocs serve` does after a
        save: it reloads the configuration and builds again in the same process. The first change of a
        session also starts `node`, since the initial build found every formula in the cache. The
        synthetic site has three pages of 50 formulas each (20 display, 20 inline, 10 matrices) and the
        real site's extensions, with the math deferred and restored as the real site's hook does.

        """
    )
    return intro + tables + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median reported)")
    parser.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml", help="the real site's mkdocs.yml")
    parser.add_argument("--page", default="part-2", help="the real site's page to change and weigh")
    parser.add_argument("--no-real", action="store_true", help="measure only the synthetic site")
    parser.add_argument("--no-write", action="store_true", help=f"print only; do not write {PAGE}")
    parser.add_argument(
        "--lighthouse-runs", type=int, default=3, help="Lighthouse audits of the page (median reported); 0 skips"
    )
    parser.add_argument("--_serve-driver", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._serve_driver:
        config_file, page, salt = args._serve_driver
        _serve_driver(config_file, page, int(salt))
        return 0

    sys.path.insert(0, str(ROOT))
    info = machine()
    notes: list[str] = []
    sites: list[SiteTimes] = []
    weight: Weight | None = None
    weight_label = ""
    audit: LighthouseResult | None = None
    palette_audit: LighthouseResult | None = None
    audit_note = ""
    with tempfile.TemporaryDirectory(prefix="nnla-bench-") as tmp:
        print("synthetic site (150 formulas)...", file=sys.stderr)
        synthetic = make_synthetic_site(Path(tmp) / "synthetic")
        sites.append(measure_site("synthetic, 150 formulas", synthetic, "one.md", args.runs))
        fresh_build(synthetic, True)
        synthetic_weight = page_weight(synthetic.parent / "site", "one/index.html")

        if args.no_real:
            notes.append("The real site was not measured (`--no-real`).")
        elif not args.config.is_file():
            notes.append(f"The real site was not measured: {args.config} does not exist yet.")
        else:
            print("real site...", file=sys.stderr)
            real = copy_real_site(Path(tmp) / "real", args.config)
            try:
                sites.append(measure_site("the real site", real, f"{args.page}.md", args.runs))
                fresh_build(real, True)
                weight = page_weight(real.parent / "site", f"{args.page}/index.html")
                weight_label = f"{args.page}, first visit"
            except (SiteBuildError, StopIteration, FileNotFoundError) as err:
                first_line = str(err).strip().splitlines()[-1] if str(err).strip() else type(err).__name__
                notes.append(f"The real site was not measured: its build failed ({first_line}).")
            else:
                if args.lighthouse_runs > 0:
                    # The same site with Material's palette component, audited in turn with it (palette_table).
                    builds = {"published": real.parent / "site"}
                    try:
                        fresh_build(with_materials_palette(real), True, real.parent / "site-materials-palette")
                        builds["materials-palette"] = real.parent / "site-materials-palette"
                    except SiteBuildError as err:
                        palette_audit = LighthouseResult(skipped=f"its build failed: {str(err)[-300:]}")
                    print(
                        f"Lighthouse on {args.page}/ ({args.lighthouse_runs} runs of each of {', '.join(builds)})...",
                        file=sys.stderr,
                    )
                    audits = lighthouse(builds, f"{args.page}/", args.lighthouse_runs, Path(tmp) / "lh")
                    audit = audits["published"]
                    palette_audit = audits.get("materials-palette", palette_audit)
                    if audit.skipped:
                        print(f"  skipped: {audit.skipped}", file=sys.stderr)
                else:
                    audit_note = "not run (`--lighthouse-runs 0`)"
        if audit is None and not audit_note:
            audit_note = "not run: the real site was not measured"
        if weight is None:
            weight = synthetic_weight
            weight_label = "synthetic page `one/` (50 formulas), first visit"
            notes.append("Page weight is the synthetic site's second page until the real site builds.")

    engine = engine_share(args.runs)
    tables = "\n\n".join(
        [
            time_table(sites),
            engine_table(engine),
            weight_table(weight, weight_label),
            lighthouse_table(audit, args.page, args.lighthouse_runs)
            if audit is not None
            else f"Lighthouse, {args.page}, mobile: {audit_note}.",
        ]
        + ([palette_table(audit, palette_audit, args.page)] if audit is not None and palette_audit is not None else [])
        + ([" ".join(notes)] if notes else [])
    )
    options = (f" --runs {args.runs}" if args.runs != 5 else "") + (
        f" --lighthouse-runs {args.lighthouse_runs}" if args.lighthouse_runs != 3 else ""
    )
    command = f"`.venv/bin/python benchmarks/bench_build.py{options}`"
    tables += f"\n\nReproduce with {command}; it rewrites this page."
    print(tables)
    if not args.no_write:
        PAGE.write_text(render_page(info, args.runs, tables), encoding="utf-8")
        print(f"\nwrote {PAGE.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
