"""The plugin's settings: every one an option under the plugin in ``mkdocs.yml``, with its default.

    plugins:
      - proven-numbers:
          values: "calc_values:compute"
          prefix: calc

`docs/configuration.md` of this repository describes each option with an example.
"""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

from mkdocs.config import base
from mkdocs.config import config_options as c

from proven_numbers.mathfont import DEFAULT_FONT

__all__ = ["KatexConfig", "MathFontConfig", "PathInSite", "PreviewConfig", "ProvenNumbersConfig", "outside_site"]


def outside_site(path: str) -> str | None:
    """Why `path` does not name a JSON file inside the built site, or None: it must be relative, with `/` between
    its folders and no `..`, so that nothing the build writes lands outside `site_dir`, and end in `.json`, so that
    it cannot take the place of a page or an asset the build wrote."""
    pure = PurePosixPath(path)
    outside = "\\" in path or pure.is_absolute() or PureWindowsPath(path).drive or ".." in pure.parts
    if outside or path.endswith("/") or pure.suffix != ".json":
        return (
            "a JSON file's path inside the built site, such as values.json or data/values.json (relative, without "
            f"'..'), is wanted; got {path!r}"
        )
    return None


class PathInSite(c.Type[str]):
    """A JSON file's path inside the built site (empty for none), refused when it would write outside it or take
    the place of a page (`outside_site`)."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        path = super().run_validation(value)
        if path and (problem := outside_site(path)) is not None:
            raise base.ValidationError(problem)
        return path


class MathFontConfig(base.Config):  # type: ignore[no-untyped-call]
    """The math font served with ``output: mathml`` (``katex.math_font:``): a woff2 or woff font with an OpenType MATH
    table, from an npm package in ``katex.node_modules``, served as woff2."""

    #: The npm package, pinned in the site's package.json.
    package = c.Type(str, default=DEFAULT_FONT.package)
    #: The font file, relative to the package's folder.
    file = c.Type(str, default=DEFAULT_FONT.file)
    #: The family name the math stylesheet gives it (letters, digits, spaces and hyphens).
    family = c.Type(str, default=DEFAULT_FONT.family)
    #: Preload the font on every page with a formula; a site read from disk (``file://``) sets false.
    preload = c.Type(bool, default=True)


class KatexConfig(base.Config):  # type: ignore[no-untyped-call]
    """Server-side KaTeX (``katex:``)."""

    #: The folder holding the npm package ``katex`` (and, for ``output: mathml``, the math font), relative to
    #: ``mkdocs.yml``.
    node_modules = c.Type(str, default="node_modules")
    #: ``htmlAndMathml`` (KaTeX's HTML for the eye, MathML for assistive technology) or ``mathml`` (MathML alone,
    #: laid out by the browser with the math font the site serves, a fraction of the page's weight).
    output = c.Choice(("htmlAndMathml", "mathml"), default="htmlAndMathml")
    #: KaTeX macros for every formula, such as ``{"\\RR": "\\mathbb{R}"}``.
    macros = c.DictOfItems(c.Type(str), default={})
    #: A file of macros, one ``\\name:expansion`` a line (markdown-katex's ``macro-file``), relative to ``mkdocs.yml``;
    #: ``macros`` adds to it and wins.
    macro_file = c.Optional(c.Type(str))
    #: Where renderings are kept between builds, relative to ``mkdocs.yml``.
    cache_dir = c.Type(str, default=".cache/katex")
    #: The Node.js executable.
    node = c.Type(str, default="node")
    #: The most seconds KaTeX may spend on the formulas of one build (formulas served from the cache cost nothing);
    #: a build that needs more stops, naming the page it was on.
    time_budget = c.Type((int, float), default=60)
    #: The math font served for ``output: mathml``.
    math_font = c.SubConfig(MathFontConfig)
    #: Cut the math font served for ``output: mathml`` down to the glyphs the pages use.
    subset_font = c.Type(bool, default=True)
    #: KaTeX's fonts that every page with a formula preloads (``output: htmlAndMathml``), by file name without
    #: its suffix: the ones nearly every formula needs, so that they arrive with the stylesheet and the page's
    #: first screen is not laid out again when they come (`proven_numbers.preload`).
    preload_fonts = c.ListOfItems(c.Type(str), default=["KaTeX_Main-Regular", "KaTeX_Math-Italic"])


class PreviewConfig(base.Config):  # type: ignore[no-untyped-call]
    """The live preview (``mkdocs serve``; ``preview:``)."""

    #: Show a bad marker or formula in its page, where the author is looking, instead of stopping the preview.
    errors_in_page = c.Type(bool, default=True)
    #: Rebuild only the pages an author changed, when that gives the same site as a whole build.
    partial_rebuilds = c.Type(bool, default=True)
    #: How often ``mkdocs serve`` looks for changed files, in seconds (MkDocs' own default is 0.5).
    polling_interval = c.Type(float, default=0.1)
    #: Modules whose change rebuilds the values: they (and the modules that import them) are imported afresh, and
    #: their folders are watched. The values' own module is always among them.
    reload = c.ListOfItems(c.Type(str), default=[])


class ProvenNumbersConfig(base.Config):  # type: ignore[no-untyped-call]
    """The plugin's options."""

    #: ``"module:callable"``: the callable returns a mapping from names to values (numbers, NumPy arrays of one or
    #: two axes, or values of a kind of the site's own). Required.
    # The name is the option's; it hides the Mapping method of the same name, which nothing calls on this config.
    values = c.Type(str)  # type: ignore[assignment]
    #: Folders put on ``sys.path`` (relative to ``mkdocs.yml``) while the values' module is imported.
    python_path = c.ListOfItems(c.Type(str), default=["."])
    #: ``"module:callable"`` returning what values.json says about the build before its values (versions, seeds);
    #: by default NumPy's and Python's versions.
    about = c.Optional(c.Type(str))
    #: The marker's prefix: ``<!-- PREFIX:NAME -->``; also the prefix of the classes and data attributes of every
    #: shown value (``PREFIX-value``, ``data-PREFIX-name``).
    prefix = c.Type(str, default="value")
    #: Decimals shown when a marker does not say (``digits=``), 0 to 12.
    digits = c.Type(int, default=4)
    #: Where the values are published, relative to the built site; empty to publish none.
    values_json = PathInSite(default="values.json")
    #: The most numbers a value may hold, by its shape (a 100 by 100 array holds 10 000): a value past it fails the
    #: build, naming it and the line that made it. 0 sets no bound.
    max_cells = c.Type(int, default=2500)
    #: Fail the build on a value that no page shows (a computed number nobody can check is a silent bug).
    require_shown = c.Type(bool, default=True)
    #: Check every finished page, and every HTML and CSS file of the built site, against the site's promises (no
    #: other host, no ``javascript:``, no script but the theme's, unique ids).
    promises = c.Type(bool, default=True)
    #: Give every page a Content-Security-Policy ``<meta>`` that allows the site's own origin alone, and the theme's
    #: inline scripts by their hashes: the reader's browser then enforces the promises (`proven_numbers.csp`).
    csp = c.Type(bool, default=True)
    katex = c.SubConfig(KatexConfig)
    preview = c.SubConfig(PreviewConfig)
