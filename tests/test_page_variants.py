"""The benchmark's ways to change Part II do what their labels say, in the real mkdocs.yml.

A variant's edit is text put into a copy's mkdocs.yml. YAML keeps the last of two equal keys without a word, so an
edit that adds a second `katex:` beside the one the site sets, or a second `output:` inside it, would be lost, and
the variant's build would be the published one (it was once: its screenshots were the published pixels). Read
here with MkDocs' own YAML loader.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.utils.yaml import get_yaml_loader, yaml_load

from benchmarks.page_variants import KATEX_PRELOADS, katex_html, mathml_only, whole_math_font
from benchmarks.site_copies import SiteBuildError


def plugin_options(config: Path) -> dict[str, Any]:
    loader = get_yaml_loader(config=MkDocsConfig(config_file_path=str(config)))  # its `!relative` too
    plugins = yaml_load(config.read_text(encoding="utf-8"), loader)["plugins"]
    (options,) = [entry["proven-numbers"] for entry in plugins if isinstance(entry, dict) and "proven-numbers" in entry]
    assert isinstance(options, dict)
    return options


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copy2(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path


def test_katex_html_sets_the_output_and_keeps_the_sites_other_options(copy: Path) -> None:
    before = plugin_options(copy / "mkdocs.yml")
    katex_html(copy)
    after = plugin_options(copy / "mkdocs.yml")
    preloads = KATEX_PRELOADS.strip("[]").split(", ")
    katex = {**before.get("katex", {}), "output": "htmlAndMathml", "preload_fonts": preloads}
    assert after == {**before, "katex": katex}


def test_mathml_alone_then_the_whole_font(copy: Path) -> None:
    katex_html(copy)
    mathml_only(copy)
    whole_math_font(copy)
    katex = plugin_options(copy / "mkdocs.yml")["katex"]
    assert katex["output"] == "mathml"
    assert katex["subset_font"] is False


def test_a_site_without_katex_options_gets_a_block(copy: Path) -> None:
    config = copy / "mkdocs.yml"
    options = plugin_options(config)
    text = config.read_text(encoding="utf-8")
    start = text.index("      katex:\n")
    end = start + len("      katex:\n")
    while text[end:].startswith("        "):  # the block's lines
        end = text.index("\n", end) + 1
    config.write_text(text[:start] + text[end:], encoding="utf-8")
    assert "katex" not in plugin_options(config)
    whole_math_font(copy)
    others = {key: value for key, value in options.items() if key != "katex"}
    assert plugin_options(config) == {**others, "katex": {"subset_font": False}}


def test_an_option_set_twice_is_refused(copy: Path) -> None:
    config = copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("      katex:\n", "      katex:\n        output: x\n"))
    with pytest.raises(SiteBuildError, match=r"sets katex\.output 2 times"):
        mathml_only(copy)
