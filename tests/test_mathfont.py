"""The math font the site serves for MathML-only formulas, and the Unicode letters that stand in for mathvariant."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # no stubs
from support_katex import render

from proven_numbers import mathfont
from proven_numbers.katex.errors import KatexSetupError
from proven_numbers.katex.mathvariant import VARIANTS, unicode_variants

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ('<mi mathvariant="bold">b</mi>', "<mi>𝐛</mi>"),
        ('<mn mathvariant="bold">21</mn>', "<mn>𝟐𝟏</mn>"),
        ('<mi mathvariant="double-struck">R</mi>', "<mi>ℝ</mi>"),
        ('<mi mathvariant="double-struck">A</mi>', "<mi>𝔸</mi>"),
        ('<mi mathvariant="sans-serif">T</mi>', "<mi>𝖳</mi>"),
        ('<mi mathvariant="bold-italic">δ</mi>', "<mi>𝜹</mi>"),
        ('<mi mathvariant="italic">h</mi>', "<mi>ℎ</mi>"),
        ('<mi mathvariant="normal">∂</mi>', "<mi>∂</mi>"),  # TeX's italic ∂; Firefox spaced the upright one
        # Not italicized by MathML Core anyway: "normal" only made Firefox space them.
        ('<mi mathvariant="normal">/</mi>', "<mi>/</mi>"),
        ('<mi mathvariant="normal">ℓ</mi>', "<mi>ℓ</mi>"),
        ('<mi mathvariant="normal">⋮</mi>', "<mi>⋮</mi>"),
        # Italicized by MathML Core without the mark: text, which it never italicizes and Firefox does not space.
        ('<mi mathvariant="normal">d</mi>', "<mtext>d</mtext>"),
        ('<mi mathvariant="normal">Δ</mi>', "<mtext>Δ</mtext>"),  # TeX's capital Greek is upright, Core's italic
        ('<mi mathvariant="normal">∇</mi>', "<mtext>∇</mtext>"),
    ],
)
def test_a_variant_becomes_its_unicode_letters(token: str, expected: str) -> None:
    assert unicode_variants(token) == expected


@pytest.mark.parametrize(
    "token",
    [
        '<mi mathvariant="bold">ℓ</mi>',  # Unicode has no bold ell: the stylesheet emboldens it
        '<mi mathvariant="normal">diag</mi>',  # a name: upright in MathML Core, spaced as a function's
        '<mo mathvariant="normal">Δ</mo>',  # an operator is never italicized
        '<mi mathvariant="bold">x&amp;</mi>',  # an entity: left alone rather than mapped in part
        '<mi mathvariant="fraktur">g</mi>',  # a variant the site does not map
    ],
)
def test_a_token_without_unicode_letters_is_left_alone(token: str) -> None:
    assert unicode_variants(token) == token


def test_the_greek_alphabets_line_up_with_unicode() -> None:
    """Spot checks across each Greek run, whose order has holes (capital theta symbol, nabla, partial)."""
    assert VARIANTS["bold"]["α"] == "\U0001d6c2"
    assert VARIANTS["bold"]["∂"] == "\U0001d6db"
    assert VARIANTS["bold"]["ϖ"] == "\U0001d6e1"
    assert VARIANTS["italic"]["α"] == "\U0001d6fc"
    assert VARIANTS["bold-italic"]["ω"] == "\U0001d74e"


PAGE = (
    "<p>x</p><math><semantics><mrow><mi>x</mi><mo>∈</mo><mi>ℝ</mi></mrow>"
    '<annotation encoding="application/x-tex">\\mathbb{R} Q</annotation></semantics></math>'
)


def test_math_text_is_what_the_formulas_show_and_their_italics() -> None:
    """The annotation's TeX (its Q) is not shown; a letter's italic form (𝑥) is."""
    assert mathfont.math_text(PAGE) == {"x", "𝑥", "∈", "ℝ"}


def cmap(font: Path) -> set[str]:
    with TTFont(str(font)) as opened:
        return {chr(c) for c in opened.getBestCmap()}


def test_the_served_font_is_cut_to_the_pages_glyphs_and_keeps_its_math_table(tmp_path: Path) -> None:
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text(PAGE, encoding="utf-8")
    font = mathfont.write_math_font(NODE_MODULES, tmp_path)
    assert font == tmp_path / "assets" / "fonts" / "stix-two-math.woff2"
    whole = mathfont.DEFAULT_FONT.source(NODE_MODULES)
    assert {"x", "𝑥", "∈", "ℝ"} <= cmap(font) < cmap(whole)
    assert "Q" not in cmap(font)
    with TTFont(str(font)) as opened:
        assert "MATH" in opened
        assert opened.flavor == "woff2"  # from the default's woff source
    assert font.stat().st_size < whole.stat().st_size / 5


def test_a_whole_woff_font_is_served_as_woff2(tmp_path: Path) -> None:
    # Not text: a font that is not cut reads no page (were it read, this one would fail to decode).
    (tmp_path / "page.html").write_bytes(b"<math>\xff</math>")
    font = mathfont.write_math_font(NODE_MODULES, tmp_path, subset=False)
    whole = mathfont.DEFAULT_FONT.source(NODE_MODULES)
    assert whole.suffix == ".woff"
    with TTFont(str(font)) as opened:
        assert opened.flavor == "woff2"
        assert "MATH" in opened
    assert cmap(font) == cmap(whole)


def test_a_process_that_builds_again_cuts_the_font_again_only_when_the_pages_characters_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mkdocs serve` builds again in one process: the same characters give the same bytes without reading the
    source again; a new character in a formula is cut afresh."""
    from fontTools import subset as subsetting  # type: ignore[import-untyped]

    (tmp_path / "page").mkdir()
    page = tmp_path / "page" / "index.html"
    page.write_text(PAGE, encoding="utf-8")
    first = mathfont.write_math_font(NODE_MODULES, tmp_path).read_bytes()
    loads: list[str] = []
    load_font = subsetting.load_font

    def counted(*args: object) -> object:
        loads.append(str(args[0]))
        return load_font(*args)

    monkeypatch.setattr(subsetting, "load_font", counted)
    again = mathfont.write_math_font(NODE_MODULES, tmp_path)
    assert again.read_bytes() == first
    assert loads == []
    page.write_text(PAGE.replace("<mi>x</mi>", "<mi>x</mi><mo>+</mo><mn>7</mn>"), encoding="utf-8")
    changed = mathfont.write_math_font(NODE_MODULES, tmp_path)
    assert len(loads) == 1
    assert {"+", "7"} <= cmap(changed)


def test_a_missing_font_package_says_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(KatexSetupError, match="math font is missing"):
        mathfont.write_math_font(tmp_path / "node_modules", tmp_path)


def test_another_math_font_is_served_under_its_own_name_and_family(tmp_path: Path) -> None:
    """Noto Sans Math, the other math font the site's package.json pins: its file, and a stylesheet naming it."""
    noto = mathfont.MathFont(
        "@fontsource/noto-sans-math", "files/noto-sans-math-latin-400-normal.woff2", "Noto Sans Math"
    )
    font = mathfont.write_math_font(NODE_MODULES, tmp_path, subset=False, font=noto)
    assert font == tmp_path / "assets" / "fonts" / "noto-sans-math.woff2"
    assert font.read_bytes() == noto.source(NODE_MODULES).read_bytes()
    css = mathfont.math_font_css(noto)
    assert 'font-family: "Noto Sans Math";' in css
    assert 'src: url("noto-sans-math.woff2") format("woff2");' in css
    assert "STIX" not in css


def test_a_font_without_a_math_table_is_refused(tmp_path: Path) -> None:
    """KaTeX's own fonts have no MATH table: with one of them no bracket would stretch around a matrix."""
    plain = mathfont.MathFont("katex", "dist/fonts/KaTeX_Main-Regular.woff2", "KaTeX Main")
    with pytest.raises(KatexSetupError, match=r"KaTeX_Main-Regular\.woff2 \(katex\.math_font\) has no OpenType MATH"):
        mathfont.write_math_font(NODE_MODULES, tmp_path, subset=False, font=plain)
    assert not (tmp_path / plain.uri).exists()


@pytest.mark.parametrize(
    ("package", "file", "family", "named"),
    [
        ("@fontsource/stix-two-math", "files/x.woff2", 'STIX"', "katex.math_font.family"),
        ("@fontsource/stix-two-math", "/etc/x.woff2", "STIX", "katex.math_font.file"),
        ("@fontsource/stix-two-math", "files/x.otf", "STIX", "katex.math_font.file"),
        ("@fontsource/stix-two-math", "files/x.ttf", "STIX", "katex.math_font.file"),
        ("../stix", "files/x.woff2", "STIX", "katex.math_font.package"),
    ],
)
def test_a_math_font_option_the_stylesheet_or_the_path_cannot_hold_is_refused(
    package: str, file: str, family: str, named: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(named)):
        mathfont.MathFont(package, file, family)


@pytest.mark.parametrize("output", ["mathml", "htmlAndMathml"])
def test_only_mathml_alone_gets_unicode_letters(tmp_path: Path, output: str) -> None:
    """With MathML alone the bold b is 𝐛; with KaTeX's HTML beside it, the MathML is KaTeX's own."""
    from proven_numbers.katex import KatexRenderer

    renderer = KatexRenderer(NODE_MODULES, tmp_path / "cache", enabled=True)
    renderer.options["output"] = output  # what the site fixes in SAFE_OPTIONS, and the benchmark's variants edit
    try:
        html = renderer.render(r"\mathbf{b} \in \mathbb{R}", display=False)
    finally:
        renderer.close()
    assert renderer.mathml_only is (output == "mathml")
    if output == "mathml":
        assert "<mi>𝐛</mi>" in html
        assert "<mi>ℝ</mi>" in html
        assert "mathvariant" not in html
        assert "katex-html" not in html
    else:
        assert '<mi mathvariant="bold">b</mi>' in html
        assert "katex-html" in html


def test_a_formula_reads_the_same_with_mathml_alone(tmp_path: Path) -> None:
    """Search reads a formula's plain text: with MathML alone it held 𝐩 = 𝐱 W + 𝐛, which no reader types."""
    from proven_numbers.katex.plain_text import plain_text

    tex = r"\mathbf{p} = \mathbf{x} W + \mathbf{b} \in \mathbb{R}^{1 \times z}, \quad \boldsymbol{\ell}_k = h"
    read = {output: plain_text(render(tex, output, tmp_path / output)) for output in ("mathml", "htmlAndMathml")}
    assert read["mathml"] == read["htmlAndMathml"] == "p = x W + b ∈ R^(1 × z), ℓ_k = h"


def test_plain_letters_undo_every_unicode_variant() -> None:
    from proven_numbers.katex.mathvariant import plain_letters

    for table in VARIANTS.values():
        plain = "".join(table)
        assert plain_letters("".join(table.values())) == plain
