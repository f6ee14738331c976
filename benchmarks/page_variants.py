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

__all__ = ["VARIANTS", "Variant", "build_variants"]

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


def mathml_only(copy: Path) -> None:
    """KaTeX writes MathML alone (the plugin's katex.output); the build then serves the math font."""
    config = copy / "mkdocs.yml"
    if KATEX_OPTIONS in config.read_text(encoding="utf-8"):
        _replace_once(config, KATEX_OPTIONS, KATEX_OPTIONS + "        output: mathml\n")
    else:
        _replace_once(config, PLUGIN_OPTIONS, PLUGIN_OPTIONS + KATEX_OPTIONS + "        output: mathml\n")


def whole_math_font(copy: Path) -> None:
    """Serve the whole math font, not only the glyphs the pages use (katex.subset_font: false; with `mathml_only`)."""
    _replace_once(
        copy / "mkdocs.yml", "        output: mathml\n", "        output: mathml\n        subset_font: false\n"
    )


@dataclass(frozen=True)
class Variant:
    """A copy of the site with `edits` applied; `name` is its key in the tables, `label` says what it is."""

    name: str
    label: str
    edits: tuple[Edit, ...] = ()
    #: Text the variant's Part II must not hold: it is there when an edit did not take.
    absent: str = ""


#: KaTeX's HTML, which a build with MathML alone does not write.
KATEX_HTML = 'class="katex-html"'

VARIANTS = (
    Variant("published", "(a) as published: KaTeX's HTML and MathML, our palette switch, content-visibility"),
    Variant("no-cv", "(b) as (a), without content-visibility", (no_content_visibility,)),
    Variant(
        "materials-palette",
        "(c) as (b), with Material's palette component",
        (no_content_visibility, materials_palette),
    ),
    Variant(
        "mathml-whole-font",
        "(d) as (c), with KaTeX's MathML alone and the whole math font served",
        (no_content_visibility, materials_palette, mathml_only, whole_math_font),
        KATEX_HTML,
    ),
    Variant(
        "mathml",
        "(e) as (d), with the math font cut down to the glyphs the pages use",
        (no_content_visibility, materials_palette, mathml_only),
        KATEX_HTML,
    ),
    Variant("mathml-ours", "(f) as (a), with KaTeX's MathML alone and the cut math font", (mathml_only,), KATEX_HTML),
    Variant(
        "mathml-materials-palette",
        "(g) as (f), with Material's palette component",
        (mathml_only, materials_palette),
        KATEX_HTML,
    ),
)


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
