r"""The math font the site serves for its MathML: Noto Sans Math, cut down to the characters the pages use.

A browser lays out MathML with a font's OpenType MATH table: how far a bracket stretches around a matrix, how
high a superscript sits. Without such a font (most systems have none) brackets stay one line tall. So the site
serves one, taken at build time from the npm package `@fontsource/noto-sans-math` (pinned in package.json), and
only its glyphs that the built pages' formulas can show, with every size and piece of those glyphs the MATH
table names: the whole font is some 270 KB, the cut one a tenth of that.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from proven_numbers.katex.errors import SETUP_HINT, KatexSetupError
from proven_numbers.katex.mathml_tables import TABLE_CSS
from proven_numbers.katex.mathvariant import VARIANTS

__all__ = ["MATH_FONT_CSS", "MATH_FONT_URI", "math_font_css", "math_text", "write_math_font"]

#: The npm package and, inside it, the font file (the package's one file holds the whole font).
PACKAGE = "@fontsource/noto-sans-math"
SOURCE = "files/noto-sans-math-latin-400-normal.woff2"
#: Where the site serves the font and its stylesheet.
MATH_FONT_URI = "assets/fonts/noto-sans-math.woff2"
MATH_FONT_CSS = "assets/fonts/math.css"

_MATH = re.compile(r"<math\b.*?</math>", re.DOTALL)
_ANNOTATION = re.compile(r"<annotation\b.*?</annotation>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def math_font_css() -> str:
    """The stylesheet of MathML alone: the font, the formulas set in it at KaTeX's size, bold where Unicode has no
    bold letter, and KaTeX's table layout (`proven_numbers.katex.mathml_tables`). It stands in for KaTeX's own
    stylesheet, whose other rules style KaTeX's HTML alone."""
    return f"""\
@font-face {{
  font-family: "Noto Sans Math";
  font-style: normal;
  font-weight: 400;
  font-display: swap;
  src: url("{Path(MATH_FONT_URI).name}") format("woff2");
}}
/* What KaTeX's stylesheet gives a formula's box, without its fonts: the size, and no indent from the text. */
.katex {{
  font-size: 1.21em;
  line-height: 1.2;
  text-indent: 0;
}}
math {{
  font-family: "Noto Sans Math", math;
}}
/* A token KaTeX marks bold whose letter Unicode has no bold form of (the loss vector's bold ell). */
math [mathvariant="bold"],
math [mathvariant="bold-italic"] {{
  font-weight: bold;
}}
{TABLE_CSS}"""


def math_text(page: str) -> set[str]:
    """Every character a page's formulas can show: their text, and the italic letter of each letter in it.

    A one-letter `<mi>` is shown in italic (MathML Core maps x to 𝑥), so both forms are kept.
    """
    found: set[str] = set()
    for formula in _MATH.findall(page):
        found.update(html.unescape(_TAG.sub("", _ANNOTATION.sub("", formula))))
    italic = VARIANTS["italic"]
    found.update(italic[c] for c in list(found) if c in italic)
    return found - {"\n", "\r", "\t"}


def write_math_font(
    node_modules: str | os.PathLike[str], site_dir: str | os.PathLike[str], subset: bool = True
) -> Path:
    """Write the font into the built site, cut down to the characters of its pages' formulas (unless not `subset`).

    Returns:
        The font file written.

    Raises:
        KatexSetupError: the font package is not installed.
    """
    source = Path(node_modules) / PACKAGE / SOURCE
    if not source.is_file():
        raise KatexSetupError(f"The math font is missing: {source} does not exist. {SETUP_HINT}")
    target = Path(site_dir) / MATH_FONT_URI
    target.parent.mkdir(parents=True, exist_ok=True)
    if not subset:
        target.write_bytes(source.read_bytes())
        return target
    from fontTools import subset as subsetting  # type: ignore[import-untyped]  # no stubs

    text: set[str] = set()
    for page in sorted(Path(site_dir).rglob("*.html")):
        text |= math_text(page.read_text(encoding="utf-8"))
    options = subsetting.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # every OpenType feature: the MATH table's variants come with them
    options.name_IDs = ["*"]  # the font's names and its licence
    with subsetting.load_font(str(source), options) as font:
        subsetter = subsetting.Subsetter(options)
        subsetter.populate(text="".join(sorted(text)))
        subsetter.subset(font)
        subsetting.save_font(font, str(target), options)
    return target
