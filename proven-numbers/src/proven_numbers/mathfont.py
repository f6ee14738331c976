r"""The math font the site serves for its MathML (`katex.math_font`), cut down to the characters the pages use.

A browser lays out MathML with a font's OpenType MATH table: how far a bracket stretches around a matrix, how
high a superscript sits. Without such a font (most systems have none) brackets stay one line tall. So the site
serves one, taken at build time from an npm package (pinned in the site's package.json): by default STIX Two
Math, a serif face in the manner of TeX's, from `@fontsource/stix-two-math`; and only its glyphs that the built
pages' formulas can show, with every size and piece of those glyphs the MATH table names: the whole font is some
400 KB, the cut one a twentieth of that. The site always serves woff2; the source may be woff2 or woff.

Which source is read is the build's time: fontTools rebuilds a woff2 font's outlines in Python (some 2 s for STIX
Two Math's 5,169 glyphs), while a woff is inflated by zlib (some 0.7 s, the subsetting included). So the default
is fontsource's woff, which has the same outlines and MATH table and no hinting (browsers outside Windows ignore
TrueType hinting, and the cut font is a quarter smaller without it). A process that builds again (`mkdocs serve`)
keeps the last cut font, and writes it again while the source and the pages' characters are the same.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from proven_numbers.katex.deferral import NOWRAP_CLASS
from proven_numbers.katex.errors import SETUP_HINT, KatexSetupError
from proven_numbers.katex.mathml_tables import TABLE_CSS
from proven_numbers.katex.mathvariant import VARIANTS

__all__ = ["DEFAULT_FONT", "MATH_FONT_CSS", "MathFont", "math_font_css", "math_text", "write_math_font"]

#: Where the site serves the math stylesheet.
MATH_FONT_CSS = "assets/fonts/math.css"
#: An npm package's name, as npm allows it (a scope, then the name).
_PACKAGE = re.compile(r"(?:@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*")
#: A family name that goes into the stylesheet between quotes as it is.
_FAMILY = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]*")


@dataclass(frozen=True)
class MathFont:
    """A woff2 or woff font with an OpenType MATH table, as `katex.math_font` names it.

    Attributes:
        package: the npm package holding it, in ``katex.node_modules``.
        file: the font file, relative to the package's folder.
        family: the family name the math stylesheet gives it.
    """

    package: str
    file: str
    family: str

    def __post_init__(self) -> None:
        """Refuse what the stylesheet or the path could not hold as it is, naming the option."""
        if not _PACKAGE.fullmatch(self.package):
            raise ValueError(f"katex.math_font.package {self.package!r} is not an npm package name")
        file = PurePosixPath(self.file)
        if file.is_absolute() or ".." in file.parts or file.suffix not in {".woff2", ".woff"}:
            raise ValueError(f"katex.math_font.file {self.file!r} is not a .woff2 or .woff file inside the package")
        if not _FAMILY.fullmatch(self.family):
            raise ValueError(
                f"katex.math_font.family {self.family!r} holds more than letters, digits, spaces and hyphens"
            )

    @property
    def uri(self) -> str:
        """Where the site serves the font, as woff2 whatever the source's format: named after its family."""
        return f"assets/fonts/{self.family.lower().replace(' ', '-')}.woff2"

    def source(self, node_modules: str | os.PathLike[str]) -> Path:
        return Path(node_modules, self.package, self.file)


#: The option's default: STIX Two Math (as woff: see the module's docstring).
DEFAULT_FONT = MathFont("@fontsource/stix-two-math", "files/stix-two-math-latin-400-normal.woff", "STIX Two Math")
#: The last font this process wrote: what it was cut from and to (the key), and its bytes.
_last_written: tuple[tuple[str, ...], bytes] | None = None

_MATH = re.compile(r"<math\b.*?</math>", re.DOTALL)
_ANNOTATION = re.compile(r"<annotation\b.*?</annotation>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def math_font_css(font: MathFont = DEFAULT_FONT) -> str:
    """The stylesheet of MathML alone: the font, the formulas set in it at KaTeX's size, bold where Unicode has no
    bold letter, and KaTeX's table layout (`proven_numbers.katex.mathml_tables`). It stands in for KaTeX's own
    stylesheet, whose other rules style KaTeX's HTML alone."""
    return f"""\
@font-face {{
  font-family: "{font.family}";
  font-style: normal;
  font-weight: 400;
  font-display: swap;
  src: url("{Path(font.uri).name}") format("woff2");
}}
/* What KaTeX's stylesheet gives a formula's box, without its fonts: the size, and no indent from the text. */
.katex {{
  font-size: 1.21em;
  line-height: 1.2;
  text-indent: 0;
}}
math {{
  font-family: "{font.family}", math;
}}
/* An inline formula and the punctuation right after it, kept on one line (proven_numbers.katex.deferral). */
.{NOWRAP_CLASS} {{
  white-space: nowrap;
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
    node_modules: str | os.PathLike[str],
    site_dir: str | os.PathLike[str],
    subset: bool = True,
    font: MathFont = DEFAULT_FONT,
) -> Path:
    """Write the font into the built site, cut down to the characters of its pages' formulas (unless not `subset`).

    Returns:
        The font file written.

    Raises:
        KatexSetupError: the font package is not installed, or its file has no OpenType MATH table (the browser
            would lay out no stretched bracket with it).
    """
    from fontTools import subset as subsetting  # type: ignore[import-untyped]  # no stubs
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    source = font.source(node_modules)
    if not source.is_file():
        raise KatexSetupError(f"The math font is missing: {source} does not exist. {SETUP_HINT}")
    with TTFont(str(source), lazy=True) as opened:
        if "MATH" not in opened:
            raise KatexSetupError(
                f"The math font {source} (katex.math_font) has no OpenType MATH table: a browser would not stretch "
                "a bracket around a matrix with it. Name a math font, such as @fontsource/stix-two-math's."
            )
    target = Path(site_dir) / font.uri
    target.parent.mkdir(parents=True, exist_ok=True)
    if not subset and source.suffix == ".woff2":
        target.write_bytes(source.read_bytes())
        return target
    text: set[str] = set()
    if subset:  # the whole font, converted to woff2, needs no page read
        for page in sorted(Path(site_dir).rglob("*.html")):
            text |= math_text(page.read_text(encoding="utf-8"))
    options = subsetting.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # every OpenType feature: the MATH table's variants come with them
    options.name_IDs = ["*"]  # the font's names and its licence
    wanted = "".join(sorted(text)) if subset else None
    global _last_written
    key = (hashlib.sha256(source.read_bytes()).hexdigest(), str(wanted), repr(vars(options)))
    if _last_written is not None and _last_written[0] == key:
        target.write_bytes(_last_written[1])
        return target
    with subsetting.load_font(str(source), options) as loaded:
        if wanted is not None:
            subsetter = subsetting.Subsetter(options)
            subsetter.populate(text=wanted)
            subsetter.subset(loaded)
        subsetting.save_font(loaded, str(target), options)
    _last_written = (key, target.read_bytes())
    return target
