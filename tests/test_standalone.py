"""The platform-neutral core: the per-page work as one Python-Markdown extension, found by its entry point, and
the site-level checks as a command over a built site folder, with no MkDocs plugin involved."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import markdown  # type: ignore[import-untyped]  # untyped; types-Markdown is not in requirements-dev.txt
import pytest
from mkdocs.exceptions import PluginError

from proven_numbers.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
VALUES = """\
import numpy as np


def compute():
    faces = np.arange(1, 7)
    return {"mean": float(faces.mean()), "faces": faces, "p_seven": 6 / 36}
"""


@pytest.fixture
def site_values(tmp_path: Path) -> str:
    """A values module of a site of dice, under a name of its own (a module is imported once per process)."""
    module = f"dice_values_{zlib.crc32(str(tmp_path).encode()):08x}"
    (tmp_path / f"{module}.py").write_text(VALUES, encoding="utf-8")
    return f"{module}:compute"


def convert(text: str, values: str, folder: Path) -> str:
    settings = {
        "values": values,
        "python_path": [str(folder)],
        "prefix": "calc",
        "node_modules": str(ROOT / "node_modules"),
        "cache_dir": str(folder / "cache"),
        "page": "dice.md",
    }
    md = markdown.Markdown(
        extensions=["pymdownx.superfences", "proven_numbers"], extension_configs={"proven_numbers": settings}
    )
    return str(md.convert(text))


def test_the_extension_puts_values_claims_and_math_on_the_page(tmp_path: Path, site_values: str) -> None:
    page = convert(
        "# Dice\n\nThe mean is <!-- calc:mean -->, about <!-- calc:mean claim=3.5 -->.\n\n<!-- calc:faces -->\n\n"
        "```math\nE[A] = \\tfrac{7}{2}\n```\n\nInline $`P(7)`$ and `<!-- calc:mean -->` in code.\n",
        site_values,
        tmp_path,
    )
    assert 'data-calc-name="mean" data-calc-value="3.5"' in page
    assert 'class="calc-value calc-claim"' in page
    assert 'data-calc-name="faces" data-calc-value="[1.0,2.0,3.0,4.0,5.0,6.0]"' in page
    assert '<div class="calc-math-display" tabindex="0"><span class="katex-display">' in page
    assert page.count('<span class="katex">') >= 3  # the inline formula, the mean, the claim
    assert "<code>&lt;!-- calc:mean --&gt;</code>" in page  # code shows the marker as written


def test_every_error_of_a_page_is_reported_at_once_with_its_line(tmp_path: Path, site_values: str) -> None:
    text = "A <!-- calc:MEAN -->.\n\nB <!-- calc:mean claim=3.6 -->.\n\nC <!-- calc:mean as=table -->.\n"
    with pytest.raises(PluginError) as failed:
        convert(text, site_values, tmp_path)
    report = str(failed.value)
    assert report.startswith("3 errors")
    assert "dice.md:1: unknown value 'MEAN' in <!-- calc:MEAN -->: did you mean 'mean'?" in report
    assert "dice.md:3: the prose claims mean = 3.6" in report
    assert "dice.md:5: 'mean' is a scalar of shape () and cannot be shown as=table" in report


def write_site(folder: Path, pages: dict[str, str]) -> Path:
    site = folder / "site"
    for name, body in pages.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(f"<!doctype html><html><head></head><body>{body}</body></html>", encoding="utf-8")
    return site


def run_check(site: Path, values: str, folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    options = ["--prefix", "calc", "--python-path", str(folder), "--node-modules", str(ROOT / "node_modules")]
    status = main(["check", str(site), "--values", values, *options])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_check_passes_a_site_that_shows_every_value_and_writes_what_the_plugin_would(
    tmp_path: Path, site_values: str, capsys: pytest.CaptureFixture[str]
) -> None:
    body = convert("<!-- calc:mean -->\n\n<!-- calc:faces -->\n\n<!-- calc:p_seven -->\n", site_values, tmp_path)
    site = write_site(tmp_path, {"index.html": body})
    status, output = run_check(site, site_values, tmp_path, capsys)
    assert status == 0, output
    document = json.loads((site / "values.json").read_text(encoding="utf-8"))
    assert document["values"]["mean"]["pages"] == ["index.html"]
    assert (site / "assets" / "katex" / "katex.min.css").is_file()
    assert list((site / "assets" / "katex" / "fonts").glob("*.woff2"))


def test_check_fails_a_site_built_without_the_extension_and_names_each_problem(
    tmp_path: Path, site_values: str, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = convert("<!-- calc:mean -->\n", site_values, tmp_path)
    forged = shown.replace('data-calc-value="3.5"', 'data-calc-value="3.6"')
    site = write_site(
        tmp_path,
        {
            "index.html": forged,
            "raw/index.html": "<p>The mean is <!-- calc:mean -->.</p>",
            "cdn/index.html": '<link rel="stylesheet" href="https://cdn.example.org/katex.css">',
        },
    )
    status, output = run_check(site, site_values, tmp_path, capsys)
    assert status == 1
    assert "raw/index.html: a marker <!-- calc:... --> was left in the page" in output
    assert "cdn/index.html:1: <link href> requests 'https://cdn.example.org/katex.css' from another host" in output
    assert "index.html: the data of 'mean' on the page is not what the values compute" in output
    assert "the value 'faces' is shown on no page" in output
    assert "the value 'p_seven' is shown on no page" in output


def test_check_names_a_folder_that_is_not_there(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nowhere"), "--values", "m:f"]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_the_extension_and_the_plugin_are_registered_as_entry_points() -> None:
    from importlib.metadata import entry_points

    assert {ep.name for ep in entry_points(group="mkdocs.plugins")} >= {"proven-numbers"}
    assert {ep.name for ep in entry_points(group="markdown.extensions")} >= {"proven_numbers", "proven_numbers_math"}
