"""The plugin's options, read from a second site's mkdocs.yml and built in-process: what each one changes, and what
a site that still lists markdown-katex or arithmatex is told."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from support_tiny_site import BuildError, build_folder

ROOT = Path(__file__).resolve().parent.parent
#: A stand-in for the package markdown-katex, installed: an extension that does nothing.
FAKE_MARKDOWN_KATEX = """\
from markdown.extensions import Extension


class KatexExtension(Extension):
    def extendMarkdown(self, md):
        md.registerExtension(self)


def makeExtension(**kwargs):
    return KatexExtension(**kwargs)
"""
DICE = ROOT / "examples" / "dice"


def dice_site(tmp_path: Path, options: str = "", katex: str = "", extensions: str = "") -> Path:
    """A copy of the example site of dice, with extra plugin options, KaTeX options and Markdown extensions."""
    site = tmp_path / "dice"
    shutil.copytree(DICE, site, ignore=shutil.ignore_patterns("site", "__pycache__"))
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "        node_modules: ../../node_modules\n" in text
    text = text.replace(
        "        node_modules: ../../node_modules\n", f"        node_modules: {ROOT / 'node_modules'}\n" + katex
    )
    text = text.replace("      prefix: calc\n", "      prefix: calc\n" + options)
    text = text.replace("  - pymdownx.superfences\n", "  - pymdownx.superfences\n" + extensions)
    text = text.replace("calc_values:compute", f"calc_values_{abs(hash(str(tmp_path))):x}:compute")
    (site / "calc_values.py").rename(site / f"calc_values_{abs(hash(str(tmp_path))):x}.py")
    config.write_text(text, encoding="utf-8")
    return site


def build_site(site: Path) -> Path:
    """Build the site in-process, as `mkdocs build --strict` does; an error raises what MkDocs said of it."""
    return build_folder(site)


def dice_page_errors(site: Path, added: str, before: str = "") -> tuple[str, int]:
    """Put `before` at the top of the dice site's page and `added` at its end, build, and return what the failed
    build said and how many lines stood before `added` (so that a test can name the line of what it added)."""
    page = site / "docs" / "index.md"
    text = before + page.read_text(encoding="utf-8")
    page.write_text(text + added, encoding="utf-8")
    with pytest.raises(BuildError) as failed:
        build_site(site)
    return str(failed.value), len(text.splitlines())


@pytest.mark.parametrize(
    ("extension", "told"),
    [
        ("markdown_katex", "remove it (the plugin renders $`...`$ and ```math itself"),
        ("pymdownx.arithmatex", "remove it (the plugin renders math at build time with KaTeX"),
        ("proven_numbers.mdext", "remove it (the plugin adds it itself"),
    ],
)
def test_a_math_extension_beside_the_plugin_fails_saying_what_to_remove(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extension: str, told: str
) -> None:
    (tmp_path / "markdown_katex.py").write_text(FAKE_MARKDOWN_KATEX, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))  # as if markdown-katex were installed
    site = dice_site(tmp_path, extensions=f"  - {extension}\n")
    with pytest.raises(BuildError, match=rf"mkdocs\.yml lists '{extension}' under markdown_extensions: ") as failed:
        build_site(site)
    assert told in str(failed.value)


def test_the_macro_file_and_macros_reach_every_formula(tmp_path: Path) -> None:
    site = dice_site(tmp_path, katex='        macro_file: macros.txt\n        macros: {"\\\\Sum": "S"}\n')
    (site / "macros.txt").write_text("\\Prob:\\mathbb{P}\n\n\\Sum:T\n", encoding="utf-8")
    page = site / "docs" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMacros: $`\\Prob(\\Sum)`$.\n", encoding="utf-8")
    html = (build_site(site) / "index.html").read_text(encoding="utf-8")
    assert '<mi mathvariant="double-struck">P</mi>' in html  # \Prob from the file
    assert "<mi>S</mi>" in html  # macros wins over the file
    assert "<mi>T</mi>" not in html


def test_a_malformed_macro_file_is_named_with_its_line(tmp_path: Path) -> None:
    site = dice_site(tmp_path, katex="        macro_file: macros.txt\n")
    (site / "macros.txt").write_text("\\ok:x\nno colon here\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"macros\.txt:2: a macro is written \\name:expansion; got 'no colon here'"):
        build_site(site)


@pytest.mark.parametrize(
    ("options", "katex", "message"),
    [
        ("      digits: 13\n", "", "digits must be a whole number from 0 to 12; got 13"),
        ("", "        output: latex\n", "Sub-option 'output': Expected one of: ('htmlAndMathml', 'mathml')"),
        ("      prefix: Calc\n", "", "prefix must be a lowercase letter"),
        (
            "",
            "        math_font:\n          family: 'Math\"; } body { color: red'\n",
            "katex.math_font.family 'Math\"; } body { color: red' holds more than letters, digits, spaces and hyphens",
        ),
        (
            "",
            "        math_font:\n          file: ../../etc/font.woff2\n",
            "katex.math_font.file '../../etc/font.woff2' is not a .woff2 or .woff file inside the package",
        ),
    ],
)
def test_an_option_out_of_range_is_named(tmp_path: Path, options: str, katex: str, message: str) -> None:
    site = dice_site(tmp_path, options=options, katex=katex)
    with pytest.raises(BuildError, match=re.escape(message)):
        build_site(site)


def test_values_json_and_the_prefix_follow_their_options(tmp_path: Path) -> None:
    site = dice_site(tmp_path, options="      values_json: data/numbers.json\n      digits: 2\n")
    built = build_site(site)
    assert not (built / "values.json").exists()
    document = json.loads((built / "data" / "numbers.json").read_text(encoding="utf-8"))
    assert set(document["values"]) >= {"mean", "variance"}
    assert document["values"]["variance"]["pages"] == ["index.md"]
    html = (built / "index.html").read_text(encoding="utf-8")
    assert 'class="calc-value"' in html
    assert "assets/katex/katex.min.css" in html  # the plugin links the stylesheet the formulas need


def test_a_value_shown_nowhere_may_be_allowed(tmp_path: Path) -> None:
    site = dice_site(tmp_path, options="      require_shown: false\n")
    page = site / "docs" / "index.md"
    page.write_text(page.read_text(encoding="utf-8").replace("<!-- calc:joint digits=4 -->", ""), encoding="utf-8")
    built = build_site(site)
    document = json.loads((built / "values.json").read_text(encoding="utf-8"))
    assert document["values"]["joint"]["pages"] == []


def option_names(config_class: type, prefix: str = "") -> list[str]:
    """Every option of a config class, a sub-config's as ``katex.output`` (a sub-config of a sub-config, such as
    ``katex.math_font``, is documented as one option, its keys in its section)."""
    names = []
    for name, option in config_class._schema:  # type: ignore[attr-defined]  # MkDocs' own list of options
        nested = getattr(option, "config_class", None)
        if nested is not None and not prefix:
            names.extend(option_names(nested, f"{name}."))
        else:
            names.append(prefix + name)
    return names


def test_every_option_has_its_section_in_the_configuration_reference() -> None:
    """docs/configuration.md, the reference a second site's author reads, in the order the options are declared."""
    from proven_numbers.config import ProvenNumbersConfig

    headings = re.findall(r"^### `([\w.]+)`$", (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8"), re.M)
    assert headings == option_names(ProvenNumbersConfig)
