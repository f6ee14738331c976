"""A second site, examples/dice, built by the proven-numbers plugin in a venv that holds the plugin but not `nnla`.

The venv (tests/support_venv.py, shared with the Zensical route) holds `./proven-numbers` and the site's pinned
mkdocs, Markdown, pymdown-extensions and NumPy, without the system's packages; every build runs its
`mkdocs build --strict` on a copy of the example, whose `katex.node_modules` (`../../node_modules`) then points at
the repository's KaTeX. The values are checked against the dice's closed forms, written here, not against the
example's own code.
"""

from __future__ import annotations

import html.parser
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import support_venv
from support_venv import Venv, pins, run

# The venv from the package index is slow to make: one worker makes it, for this module and the Zensical route's.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(support_venv.GROUP)]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "dice"
#: The values are NumPy's sums of sixths and thirty-sixths; the closed forms below are exact fractions.
RTOL = 1e-12
BUILD_TIMEOUT = 300

SUMS = np.arange(2, 13, dtype=np.float64)
#: The dice's values in closed form: P(S = s) = (6 - |s - 7|) / 36, E[S] = 7, Var[S] = 35/6, the mode 7.
EXPECTED: dict[str, npt.NDArray[np.float64]] = {
    "faces": np.arange(1.0, 7.0),
    "joint": np.full((6, 6), 1 / 36),
    "sum_pmf": (6 - np.abs(SUMS - 7)) / 36,
    "mean": np.array(7.0),
    "variance": np.array(35 / 6),
    "mode": np.array(7.0),
    "p_seven": np.array(1 / 6),
}


def copy_example(destination: Path) -> Path:
    """A copy of examples/dice at `destination`/examples/dice, beside a link to the repository's node_modules."""
    destination.mkdir(parents=True, exist_ok=True)
    (destination / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return shutil.copytree(
        EXAMPLE, destination / "examples" / "dice", ignore=shutil.ignore_patterns("site", ".cache", "__pycache__")
    )


def mkdocs_build(venv: Venv, site: Path) -> tuple[int, str]:
    """`mkdocs build --strict` of the site at `site` into `site`/site; its exit status and everything it printed."""
    process = run([venv.mkdocs, "build", "--strict", "--site-dir", site / "site"], cwd=site, timeout=BUILD_TIMEOUT)
    return process.returncode, process.stdout + process.stderr


@dataclass(frozen=True)
class Built:
    site_dir: Path
    output: str

    def page(self) -> str:
        return (self.site_dir / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built(venv: Venv, tmp_path_factory: pytest.TempPathFactory) -> Built:
    site = copy_example(tmp_path_factory.mktemp("second-site"))
    returncode, output = mkdocs_build(venv, site)
    if returncode != 0:
        pytest.fail(f"mkdocs build --strict of examples/dice failed ({returncode}):\n{output}")
    return Built(site / "site", output)


@dataclass
class Shown:
    """An element carrying data-calc-name, and the TeX of the first formula inside it."""

    attrs: dict[str, str]
    tex: str = ""


class PageReader(html.parser.HTMLParser):
    """The shown values of a page, and the TeX of every KaTeX formula on it (from its MathML annotation)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.shown: list[Shown] = []
        self.formulas: list[str] = []
        self._in_annotation = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "data-calc-name" in values:
            self.shown.append(Shown(values))
        if tag == "annotation":
            self._in_annotation = True
            self.formulas.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "annotation":
            self._in_annotation = False
            if self.shown and not self.shown[-1].tex:
                self.shown[-1].tex = self.formulas[-1]

    def handle_data(self, data: str) -> None:
        if self._in_annotation:
            self.formulas[-1] += data


def read_page(text: str) -> PageReader:
    reader = PageReader()
    reader.feed(text)
    reader.close()
    return reader


_HOST = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+(?:url\(\s*)?['"]?([^'")\s;]+)""", re.IGNORECASE)
#: Attributes whose URL a browser fetches by itself, on any element; and <link>'s href.
_FETCHED = frozenset({"src", "srcset", "imagesrcset", "poster", "data", "background"})


class RequestReader(html.parser.HTMLParser):
    """The URLs a browser would fetch for a page: src-like attributes, <link href>, and CSS in style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in {"srcset", "imagesrcset"}:
                self.urls += [part.split()[0] for part in value.split(",") if part.strip()]
            elif name in _FETCHED or (tag == "link" and name == "href"):
                self.urls.append(value)
            elif name == "style":
                self.urls += css_urls(value)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += css_urls(data)


def css_urls(css: str) -> list[str]:
    return [match.group(1) or match.group(2) for match in _CSS_URL.finditer(css)]


def requests_to_other_hosts(site_dir: Path) -> list[str]:
    """Every URL with a host that a built page or stylesheet would fetch, as 'file: url'."""
    found = []
    for path in sorted(site_dir.rglob("*")):
        if path.suffix == ".html":
            reader = RequestReader()
            reader.feed(path.read_text(encoding="utf-8"))
            urls = reader.urls
        elif path.suffix == ".css":
            urls = css_urls(path.read_text(encoding="utf-8"))
        else:
            continue
        found += [f"{path.relative_to(site_dir)}: {url}" for url in urls if _HOST.match(url)]
    return found


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of `path` that holds `needle` (which must be there once)."""
    lines = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    assert len(lines) == 1, f"{needle!r} is on lines {lines} of {path}"
    return lines[0]


def replace(path: Path, old: str, new: str) -> None:
    """Edit a file of a copy, failing if `old` is not there (so that a break-it test never breaks nothing)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path} once"
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- the venv ---------------------------------------------------------------------------------------------------


def test_the_venv_installs_the_plugin_but_not_nnla(venv: Venv) -> None:
    """`import nnla` fails in the venv, while proven_numbers imports from the venv itself, not from the repository."""
    process = run([venv.python, "-c", "import nnla"], cwd=venv.root, timeout=60)
    assert process.returncode != 0
    assert "No module named 'nnla'" in process.stderr
    script = "import proven_numbers, mkdocs, numpy; print(proven_numbers.__file__); print(numpy.__version__)"
    process = run([venv.python, "-c", script], cwd=venv.root, timeout=60)
    assert process.returncode == 0, process.stderr
    location, numpy_version = process.stdout.split()
    assert Path(location).resolve().is_relative_to(venv.root.resolve())
    assert f"numpy=={numpy_version}" in pins()


# --- the site it builds -----------------------------------------------------------------------------------------


def test_the_build_is_strict_and_quiet(built: Built) -> None:
    """The build passed --strict and printed no warning."""
    assert "WARNING" not in built.output, built.output


def test_the_page_shows_every_value_at_full_precision(built: Built) -> None:
    """Each value is on the page in an element with data-calc-name, its data-calc-value equal to the closed form."""
    shown = read_page(built.page()).shown
    assert {item.attrs["data-calc-name"] for item in shown} == set(EXPECTED)
    for item in shown:
        name = item.attrs["data-calc-name"]
        value = np.array(json.loads(item.attrs["data-calc-value"]), dtype=np.float64)
        assert json.loads(item.attrs["data-calc-shape"]) == list(EXPECTED[name].shape), name
        np.testing.assert_allclose(value, EXPECTED[name], rtol=RTOL, err_msg=name)


def test_the_page_shows_values_at_their_digits(built: Built) -> None:
    """A scalar is typeset at its marker's digits (variance: digits=4), trailing zeros dropped (mean: 7)."""
    tex = {item.attrs["data-calc-name"]: item.tex for item in read_page(built.page()).shown}
    assert tex["variance"] == "5.8333"
    assert tex["mean"] == "7"


def test_the_claims_are_on_the_page_as_written(built: Built) -> None:
    """The prose's claims (mode claim=7, p_seven claim=0.167) are shown as written, with the value they were checked
    against."""
    claims = [item for item in read_page(built.page()).shown if "data-calc-claim" in item.attrs]
    written = {item.attrs["data-calc-name"]: (item.attrs["data-calc-claim"], item.tex) for item in claims}
    assert written == {"mode": ("7", "7"), "p_seven": ("0.167", "0.167")}
    for item in claims:
        value = float(item.attrs["data-calc-value"])
        np.testing.assert_allclose(value, EXPECTED[item.attrs["data-calc-name"]], rtol=RTOL)


def test_the_formulas_are_rendered_by_katex(built: Built) -> None:
    """The page's inline ($`...`$) and display (```math) formulas are KaTeX's HTML, none left as source."""
    page = built.page()
    formulas = read_page(page).formulas
    assert "S = A + B" in formulas  # inline
    assert any(r"\operatorname{Var}[S]" in tex for tex in formulas)  # display
    # the two ```math blocks, and the two arrays shown as display (faces, joint)
    assert page.count('class="katex-display"') == 2 + 2
    assert page.count('class="katex"') >= len(formulas)
    assert "$`" not in page
    assert "```" not in page
    assert "katex-error" not in page


def test_katex_stylesheet_and_fonts_are_served_by_the_site(built: Built) -> None:
    """assets/katex/katex.min.css is in the site, and so is every font file it names."""
    stylesheet = built.site_dir / "assets" / "katex" / "katex.min.css"
    fonts = [url for url in css_urls(stylesheet.read_text(encoding="utf-8")) if not url.startswith("data:")]
    assert fonts
    missing = [url for url in fonts if not (stylesheet.parent / url).is_file()]
    assert missing == []


def test_the_page_links_katex_stylesheet(built: Built) -> None:
    """The page loads the KaTeX stylesheet, without which KaTeX's HTML and its MathML both show."""
    reader = RequestReader()
    reader.feed(built.page())
    assert "assets/katex/katex.min.css" in reader.urls


def test_values_json_holds_the_values(built: Built) -> None:
    """values.json at the site's root has every value, its shape, and the page that shows it."""
    published = json.loads((built.site_dir / "values.json").read_text(encoding="utf-8"))["values"]
    assert set(published) == set(EXPECTED)
    for name, expected in EXPECTED.items():
        np.testing.assert_allclose(np.array(published[name]["value"]), expected, rtol=RTOL, err_msg=name)
        assert published[name]["shape"] == list(expected.shape)
        assert published[name]["pages"] == ["index.md"]


def test_no_page_requests_another_host(built: Built) -> None:
    """No built page or stylesheet fetches anything from another host (no CDN); links to other sites are no request."""
    assert requests_to_other_hosts(built.site_dir) == []


def test_the_request_check_finds_a_cdn(venv: Venv, tmp_path: Path) -> None:
    """The check above sees the theme's highlight.js from cdnjs when the example turns it on (and the plugin's own
    promise check off)."""
    site = copy_example(tmp_path)
    config = site / "mkdocs.yml"
    replace(config, "highlightjs: false", "highlightjs: true")
    replace(config, "      prefix: calc\n", "      prefix: calc\n      promises: false\n")
    returncode, output = mkdocs_build(venv, site)
    assert returncode == 0, output
    found = requests_to_other_hosts(site / "site")
    assert any("index.html: https://cdnjs.cloudflare.com/" in request for request in found), found


# --- break it: each author error fails the build with its page and line -------------------------------------------


@dataclass(frozen=True)
class Break:
    """A change to a copy of the example, and what the failed build must say (`{line}`: where the change is)."""

    edit: Callable[[Path], int | None]
    says: tuple[str, ...]


def wrong_claim(site: Path) -> int:
    page = site / "docs" / "index.md"
    replace(page, "claim=0.167", "claim=0.168")
    return line_of(page, "claim=0.168")


def unknown_name(site: Path) -> int:
    page = site / "docs" / "index.md"
    replace(page, "is <!-- calc:variance digits=4 -->.", "is <!-- calc:variance digits=4 -->, not <!-- calc:MEAN -->.")
    return line_of(page, "calc:MEAN")


def unused_value(site: Path) -> None:
    replace(site / "calc_values.py", '"p_seven": float(sum_pmf[5]),', '"p_seven": float(sum_pmf[5]),\n"std": 2.4,')


def cdn_script(site: Path) -> None:
    replace(site / "mkdocs.yml", "highlightjs: false", "highlightjs: true")


BREAKS = {
    "wrong claim": Break(wrong_claim, ("index.md:{line}:", "the prose claims p_seven = 0.168", "0.167 to 3 decimals")),
    "unknown name": Break(unknown_name, ("index.md:{line}:", "unknown value 'MEAN'", "did you mean 'mean'")),
    "unused value": Break(unused_value, ("the value 'std' is shown on no page",)),
    "a script from a CDN": Break(cdn_script, ("index.md", "https://cdnjs.cloudflare.com/", "another host")),
}


@pytest.mark.parametrize("name", BREAKS)
def test_a_broken_copy_fails_the_build_where_it_is_broken(venv: Venv, tmp_path: Path, name: str) -> None:
    """The build of a copy with one author error exits non-zero, naming the page and line (or the value)."""
    site = copy_example(tmp_path)
    line = BREAKS[name].edit(site)
    returncode, output = mkdocs_build(venv, site)
    assert returncode != 0, output
    for says in BREAKS[name].says:
        assert says.format(line=line) in output, output
