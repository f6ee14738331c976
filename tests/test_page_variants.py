"""The benchmark's ways to lighten Part II change what their labels say, in the real mkdocs.yml.

A variant's edit is text put into a copy's mkdocs.yml. YAML keeps the last of two equal keys without a word, so an
edit that adds a second `katex:` beside the one the site sets would be lost, and the "MathML alone" build would be
the published one (it was: its screenshots were the published pixels). Read here with MkDocs' own YAML loader.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from conftest import ROOT
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.utils.yaml import get_yaml_loader, yaml_load

from benchmarks.page_variants import mathml_only, whole_math_font


def plugin_options(config: Path) -> dict[str, Any]:
    loader = get_yaml_loader(config=MkDocsConfig(config_file_path=str(config)))  # its `!relative` too
    plugins = yaml_load(config.read_text(encoding="utf-8"), loader)["plugins"]
    (options,) = [entry["proven-numbers"] for entry in plugins if isinstance(entry, dict) and "proven-numbers" in entry]
    assert isinstance(options, dict)
    return options


def test_mathml_alone_sets_the_output_and_keeps_the_sites_katex_options(tmp_path: Path) -> None:
    shutil.copy2(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    before = plugin_options(tmp_path / "mkdocs.yml").get("katex", {})
    mathml_only(tmp_path)
    after = plugin_options(tmp_path / "mkdocs.yml")["katex"]
    assert after == {**before, "output": "mathml"}


def test_the_whole_font_goes_with_mathml_alone(tmp_path: Path) -> None:
    shutil.copy2(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    mathml_only(tmp_path)
    whole_math_font(tmp_path)
    katex = plugin_options(tmp_path / "mkdocs.yml")["katex"]
    assert katex["output"] == "mathml"
    assert katex["subset_font"] is False
