"""Ways to make Part II lighter, each a copy of the real site changed in one or two places, built side by side.

A variant is a list of edits to a copy's own files (the copy's hooks included). An edit that does not find what
it changes fails with `SiteBuildError`, saying so: the variant no longer stands for what its label says.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.site_copies import SiteBuildError, copy_real_site, fresh_build

__all__ = ["PHOTOGRAPHED", "VARIANTS", "Variant", "build_variants", "katex_html", "mathml_only", "whole_math_font"]

Edit = Callable[[Path], None]


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if text.count(old) != 1:
        raise SiteBuildError(f"{path} holds {old!r} {text.count(old)} times, not the once this variant changes")
    path.write_text(text.replace(old, new), encoding="utf-8")


def no_content_visibility(copy: Path) -> None:
    """Take out of the site's stylesheet every rule that sets `content-visibility` (and its comment)."""
    css = copy / "docs" / "stylesheets" / "nnla.css"
    text = css.read_text(encoding="utf-8")
    rule = re.compile(r"(?:/\*(?:(?!\*/).)*\*/\s*)?[^{}]*\{[^{}]*content-visibility[^{}]*\}\s*", re.DOTALL)
    kept, found = rule.subn("", text)
    if not found:
        raise SiteBuildError(f"{css} sets no content-visibility")
    css.write_text(kept, encoding="utf-8")


#: Our palette switch, in the theme overrides; without these files Material's own palette component is used.
OUR_PALETTE = ("partials/palette.html", "partials/javascripts/palette.html")


def materials_palette(copy: Path) -> None:
    """Take out our two palette partials, so that Material's palette component is used; the rest is kept."""
    for name in OUR_PALETTE:
        path = copy / "overrides" / name
        if not path.is_file():
            raise SiteBuildError(f"overrides/{name} is missing: is the palette switch still ours?")
        path.unlink()


#: The plugin's options in the copy's mkdocs.yml, which the variants add to.
PLUGIN_OPTIONS = "      prefix: nnla\n"


#: The plugin's `katex:` options in the copy's mkdocs.yml, when it sets any (a second `katex:` key would be a
#: duplicate, and YAML keeps the last one: the variant's option would be lost without a word).
KATEX_OPTIONS = "      katex:\n"


def _katex_option(copy: Path, key: str, value: str) -> None:
    """Set the plugin's `katex.<key>` in the copy's mkdocs.yml: the line replaced if the site sets it, else added."""
    config = copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    if KATEX_OPTIONS not in text:
        _replace_once(config, PLUGIN_OPTIONS, PLUGIN_OPTIONS + KATEX_OPTIONS)
        text = config.read_text(encoding="utf-8")
    lines = re.findall(rf"^ {{8}}{re.escape(key)}:.*\n", text, re.MULTILINE)
    if len(lines) > 1:
        raise SiteBuildError(f"{config} sets katex.{key} {len(lines)} times")
    if lines:
        _replace_once(config, lines[0], f"        {key}: {value}\n")
    else:
        _replace_once(config, KATEX_OPTIONS, f"{KATEX_OPTIONS}        {key}: {value}\n")


def mathml_only(copy: Path) -> None:
    """KaTeX writes MathML alone (the plugin's katex.output); the build then serves the math font."""
    _katex_option(copy, "output", "mathml")


def whole_math_font(copy: Path) -> None:
    """Serve the whole math font, not only the glyphs the pages use (katex.subset_font: false; with MathML alone)."""
    _katex_option(copy, "subset_font", "false")


#: The KaTeX fonts the site preloaded while it published KaTeX's HTML: those of the first screens.
KATEX_PRELOADS = "[KaTeX_Main-Regular, KaTeX_Math-Italic, KaTeX_Main-Bold, KaTeX_Size1-Regular]"


def katex_html(copy: Path) -> None:
    """KaTeX's HTML beside its MathML, with KaTeX's stylesheet and fonts, as the site published until December 2026
    (katex.output: htmlAndMathml, the first screens' fonts preloaded)."""
    _katex_option(copy, "output", "htmlAndMathml")
    _katex_option(copy, "preload_fonts", KATEX_PRELOADS)


@dataclass(frozen=True)
class Variant:
    """A copy of the site with `edits` applied; `name` is its key in the tables, `label` says what it is."""

    name: str
    label: str
    edits: tuple[Edit, ...] = ()
    #: Text the variant's Part II must not hold: it is there when an edit did not take (or the site changed).
    absent: str = ""


#: KaTeX's HTML, which a build with MathML alone does not write.
KATEX_HTML = 'class="katex-html"'
#: The math font's stylesheet, which a build with KaTeX's HTML does not link.
MATH_CSS = "assets/fonts/math.css"

VARIANTS = (
    Variant(
        "published",
        "(a) as published: KaTeX's MathML alone and the math font cut to the pages' glyphs, our palette switch,"
        " content-visibility",
        absent=KATEX_HTML,
    ),
    Variant("whole-font", "(b) as (a), with the whole math font served", (whole_math_font,), KATEX_HTML),
    Variant("no-cv", "(c) as (a), without content-visibility", (no_content_visibility,), KATEX_HTML),
    Variant(
        "materials-palette",
        "(d) as (c), with Material's palette component",
        (no_content_visibility, materials_palette),
        KATEX_HTML,
    ),
    Variant(
        "katex-html",
        "(e) as (a), with KaTeX's HTML beside its MathML, KaTeX's stylesheet and fonts (published until 2026-12)",
        (katex_html,),
        MATH_CSS,
    ),
)

#: The variants whose formulas the benchmark photographs, to compare by eye: MathML alone and KaTeX's HTML.
PHOTOGRAPHED = ("published", "katex-html")


def build_variants(config: Path, folder: Path, variants: tuple[Variant, ...] = VARIANTS) -> dict[str, Path]:
    """Copy the site once per variant into `folder`, edit each copy and build it; return each built site.

    Raises:
        SiteBuildError: an edit did not find what it changes, or a build failed.
    """
    built = {}
    for variant in variants:
        copy = copy_real_site(folder / variant.name, config, katex_cache=config.parent / ".cache" / "katex")
        for edit in variant.edits:
            edit(copy.parent)
        try:
            fresh_build(copy, True, copy.parent / "site")
        except SiteBuildError as error:
            raise SiteBuildError(f"variant {variant.label}: {error}") from None
        page = copy.parent / "site" / "part-2" / "index.html"
        if variant.absent and variant.absent in page.read_text(encoding="utf-8"):
            raise SiteBuildError(f"variant {variant.label}: its Part II holds {variant.absent!r}: an edit did not take")
        built[variant.name] = copy.parent / "site"
    return built
