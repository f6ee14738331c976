"""MathML alone (`katex.output: mathml`) laid out in Chromium as MathML 3 lays it out (issue 20): the columns of
`aligned`, `cases` and matrices keep KaTeX's alignment and spacing, a sign sits against its number as TeX sets it,
and the pages ask for nothing of KaTeX's HTML stylesheet or fonts. Built on a tiny site, not the essay."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support_tiny_site import TinySite, build_site, make_site

from proven_numbers.katex.mathml_tables import core_tables
from tools.static_server import serve

PAGE = r"""# Tables

```math
\begin{aligned} a &= bbbb + c \\ dddd &= e \end{aligned}
```

```math
f(x) = \begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}
```

```math
\begin{bmatrix} 1 & 22 \\ 333 & 4 \end{bmatrix}
```

```math
\begin{aligned} a &= b & c &= d \\ aa &= bbb & cccc &= dd \end{aligned}
```

```math
\begin{bmatrix} t_1 & t_2 \end{bmatrix}
```

```math
a = -2, \qquad b - 2
```

```math
\ell / \vdots \top \Delta \nabla
```

```math
1 + \lVert x \rVert^2 = f'(x)
```

```math
\Bigg( a \Bigg)^2
```

```math
\mathbf{a} \;\xrightarrow{\ \tanh\ }\; \mathbf{h}
```

Shown: <!-- nnla:sse -->.

<!-- nnla:W -->
"""


@pytest.fixture(scope="module")
def mathml_site(tmp_path_factory: pytest.TempPathFactory) -> TinySite:
    folder = tmp_path_factory.mktemp("mathml-site")
    site = make_site(folder, {"index.md": PAGE})
    # make_site's `katex:` block names node_modules: MathML alone, and a cache of this site's own.
    config = (folder / "mkdocs.yml").read_text(encoding="utf-8")
    options = f"      katex:\n        output: mathml\n        cache_dir: {folder / 'katex-cache'}\n"
    assert config.count("      katex:\n") == 1
    (folder / "mkdocs.yml").write_text(config.replace("      katex:\n", options), encoding="utf-8")
    return build_site(site)


@pytest.fixture(scope="module")
def laid_out(mathml_site: TinySite, chromium: Any) -> Iterator[tuple[Any, list[str]]]:
    """The page in Chromium, fonts loaded, and every URL it fetched."""
    with serve(mathml_site.site_dir) as base:
        tab = chromium.new_page(viewport={"width": 1280, "height": 900})
        fetched: list[str] = []
        tab.on("request", lambda request: fetched.append(request.url))
        tab.goto(base, wait_until="load")
        tab.evaluate("document.fonts.ready.then(() => true)")
        yield tab, fetched
        tab.close()


#: Each table's rows, each row's cells: the left and right edges of the cell's content, in CSS pixels.
EDGES_JS = """(n) => [...document.querySelectorAll('mtable')[n].querySelectorAll(':scope > mtr')].map((row) =>
    [...row.children].map((cell) => {
        const box = cell.firstElementChild.getBoundingClientRect();
        return [box.left, box.right];
    }))"""


def edges(tab: Any, table: int) -> list[list[list[float]]]:
    found: list[list[list[float]]] = tab.evaluate(EDGES_JS, table)
    return found


def test_an_aligned_block_lines_up_its_right_column_left_and_its_left_column_right(laid_out: Any) -> None:
    tab, _ = laid_out
    (a, rest_1), (dddd, rest_2) = edges(tab, 0)
    assert dddd[1] - dddd[0] > 2 * (a[1] - a[0])  # the rows differ, so that alignment shows
    assert a[1] == pytest.approx(dddd[1], abs=0.5)  # `a` and `dddd` end where the equals signs begin
    assert rest_1[0] == pytest.approx(rest_2[0], abs=0.5)
    # KaTeX's aligned has no space between its columns: `=` follows `a` as in `a = b`, not 0.8em further.
    assert rest_1[0] - a[1] == pytest.approx(0, abs=0.5)


def test_a_wider_aligned_block_keeps_each_pair_and_a_quad_between_pairs(laid_out: Any) -> None:
    tab, _ = laid_out
    rows = edges(tab, 3)
    for column in range(4):
        side = 1 if column % 2 == 0 else 0  # right-aligned columns share right edges, left-aligned left edges
        assert rows[0][column][side] == pytest.approx(rows[1][column][side], abs=0.5), column
    font = float(tab.evaluate("parseFloat(getComputedStyle(document.querySelectorAll('mtable')[3]).fontSize)"))
    assert rows[1][1][1] <= rows[1][2][0] - 0.99 * font  # at least KaTeX's 1em between the pairs' cells
    assert rows[1][1][0] - rows[1][0][1] == pytest.approx(0, abs=0.5)  # nothing between `aa` and `= bbb`


def test_cases_are_left_aligned(laid_out: Any) -> None:
    tab, _ = laid_out
    (_, x_positive), (_, otherwise) = edges(tab, 1)
    assert otherwise[1] - otherwise[0] > 1.5 * (x_positive[1] - x_positive[0])
    assert x_positive[0] == pytest.approx(otherwise[0], abs=0.5)


def test_a_matrix_centres_its_columns_with_no_space_inside_its_brackets(laid_out: Any) -> None:
    tab, _ = laid_out
    (one, twentytwo), (three, four) = edges(tab, 2)
    assert (one[0] + one[1]) / 2 == pytest.approx((three[0] + three[1]) / 2, abs=0.5)
    assert (twentytwo[0] + twentytwo[1]) / 2 == pytest.approx((four[0] + four[1]) / 2, abs=0.5)
    table = tab.evaluate("(() => { const b = document.querySelectorAll('mtable')[2].getBoundingClientRect();"
                         " return [b.left, b.right]; })()")  # fmt: skip
    assert three[0] == pytest.approx(table[0], abs=0.5)  # the widest cell touches the table's edges:
    assert twentytwo[1] == pytest.approx(table[1], abs=0.5)  # MathML's columnspacing is between columns


def test_the_pages_fetch_no_katex_stylesheet_or_font(laid_out: Any, mathml_site: TinySite) -> None:
    _, fetched = laid_out
    assert any(url.endswith("assets/fonts/stix-two-math.woff2") for url in fetched)
    assert not [url for url in fetched if "katex" in url.lower()]
    page = mathml_site.page("index.html")
    assert "katex.min.css" not in page
    assert not (mathml_site.site_dir / "assets" / "katex").exists()


def test_a_uniform_list_becomes_one_word_and_a_mixed_one_moves_onto_the_cells() -> None:
    table = (
        '<math><mtable columnalign="right left" columnspacing="0em 1em 0em">'
        "<mtr><mtd><mi>a</mi></mtd><mtd><mi>b</mi></mtd><mtd><mi>c</mi></mtd></mtr></mtable></math>"
    )
    assert core_tables(table) == (
        '<math><mtable columnspacing="0em 1em 0em"><mtr><mtd columnalign="right"><mi>a</mi></mtd>'
        '<mtd columnalign="left" data-gap="0em"><mi>b</mi></mtd>'
        '<mtd columnalign="left" data-gap="1em"><mi>c</mi></mtd></mtr></mtable></math>'
    )
    assert core_tables('<mtable columnspacing="1em 1em"></mtable>') == '<mtable columnspacing="1em"></mtable>'
    assert core_tables('<mtable columnalign="center center"></mtable>') == "<mtable></mtable>"
    assert core_tables("<math><mi>x</mi></math>") == "<math><mi>x</mi></math>"


def test_the_page_served_has_its_tables_rewritten(mathml_site: TinySite) -> None:
    page = mathml_site.page("index.html")
    assert '<mtd columnalign="right">' in page
    assert 'columnalign="right left"' not in page


def test_a_bracket_hugs_its_rows(laid_out: Any) -> None:
    """No padding between a matrix's first and last rows and the table's edges (MathML's rowspacing is between
    rows): the brackets of a row vector stretch over its entries, not a padded box."""
    tab, _ = laid_out
    top, bottom, cell_top, cell_bottom = tab.evaluate(
        """() => { const table = document.querySelectorAll('mtable')[4], cell = table.querySelector('mtd');
        const t = table.getBoundingClientRect(), c = cell.getBoundingClientRect();
        const s = getComputedStyle(cell);
        return [t.top, t.bottom, c.top + parseFloat(s.paddingTop), c.bottom - parseFloat(s.paddingBottom)]; }"""
    )
    assert cell_top == pytest.approx(top, abs=0.5)
    assert cell_bottom == pytest.approx(bottom, abs=0.5)


#: In the formula whose TeX starts with `a = -2`: the space between each minus sign and what follows it, in px.
AFTER_MINUS_JS = """() => {
    const math = [...document.querySelectorAll('math')].find(
        (m) => (m.querySelector('annotation')?.textContent || '').trim().startsWith('a = -2'));
    return [...math.querySelectorAll('mo')].filter((mo) => mo.textContent === '\u2212').map(
        (mo) => mo.nextElementSibling.getBoundingClientRect().left - mo.getBoundingClientRect().right);
}"""


def test_a_sign_sits_against_its_number_and_a_binary_minus_is_spaced(laid_out: Any) -> None:
    """`a = -2`: the minus touches the 2 (mathml_signs marks it a prefix; KaTeX's bare `<mo>` left a medium
    space, as for `b - 2`, whose minus keeps it)."""
    tab, _ = laid_out
    sign, binary = tab.evaluate(AFTER_MINUS_JS)
    assert sign == pytest.approx(0, abs=0.5)
    assert binary > 2


#: The width of a one-character token, each of the markups given, set in the page one after another.
WIDTHS_JS = """([text, opens]) => opens.map((open) => {
    const box = document.createElement('p');
    const tag = open.slice(1).split(/[ >]/)[0];
    box.innerHTML = `<math>${open}${text}</${tag}></math>`;
    document.body.append(box);
    const width = box.querySelector(tag).getBoundingClientRect().width;
    box.remove();
    return width;
})"""


@pytest.mark.parametrize(("text", "same"), [("/", True), ("ℓ", True), ("⋮", True), ("⊤", True), ("Δ", False)])
def test_normal_is_dropped_only_where_chromium_draws_the_same_without_it(laid_out: Any, text: str, same: bool) -> None:
    """mathvariant.unicode_variants drops mathvariant="normal" from a one-character identifier that MathML Core
    would not italicize (`MATH_AUTO`): for those, Chromium draws the same glyph either way, and for a letter it
    italicizes (Δ), not. (The page has a formula of these characters, so that the served font holds them.)"""
    from proven_numbers.katex.mathvariant import MATH_AUTO

    assert (text not in MATH_AUTO) == same
    tab, _ = laid_out
    upright, plain = tab.evaluate(WIDTHS_JS, [text, ['<mi mathvariant="normal">', "<mi>"]])
    assert (upright == pytest.approx(plain, abs=0.01)) == same, (upright, plain)


@pytest.mark.parametrize("text", ["Δ", "∇"])
def test_an_upright_letter_as_text_is_the_upright_glyph(laid_out: Any, text: str) -> None:
    """mathvariant.unicode_variants writes an upright letter that MathML Core would italicize (Δ) as `<mtext>`,
    which Firefox sets against an italic letter after it (Δw) where it spaced the marked `<mi>` as a function's
    name: Chromium draws it as wide as the marked identifier, the upright glyph, and not as the italic one."""
    tab, _ = laid_out
    text_width, upright, italic = tab.evaluate(WIDTHS_JS, [text, ["<mtext>", '<mi mathvariant="normal">', "<mi>"]])
    assert text_width == pytest.approx(upright, abs=0.01), (text_width, upright)
    assert text_width != pytest.approx(italic, abs=0.01), (text_width, italic)


#: The norm's bars and the prime of the formula `1 + \lVert x \rVert^2 = f'(x)`, each with what stands beside it.
MARKS_JS = """() => {
    const math = [...document.querySelectorAll('math')].find((m) => m.textContent.includes('‖'));
    const box = (element) => element.getBoundingClientRect();
    const [open, close] = [...math.querySelectorAll('mo')].filter((mo) => mo.textContent === '‖');
    const x = [...math.querySelectorAll('mi')].find((mi) => mi.textContent === '𝑥' || mi.textContent === 'x');
    const prime = [...math.querySelectorAll('mo')].find((mo) => mo.textContent === '′');
    const f = prime.previousElementSibling;
    return {
        gaps: [box(x).left - box(open).right, box(close).left - box(x).right],
        prime: [box(prime).top, box(f).top, box(prime).left - box(f).right],
    };
}"""


def test_a_norms_bars_hug_what_they_enclose(laid_out: Any) -> None:
    """mathml_norms writes \\lVert and \\rVert as fences with no space of their own: KaTeX's ∥ was spaced as a
    relation, 8 px each side at 28 px type."""
    tab, _ = laid_out
    gaps = tab.evaluate(MARKS_JS)["gaps"]
    assert gaps == [pytest.approx(0, abs=1.0), pytest.approx(0, abs=1.0)], gaps


def test_a_prime_sits_at_the_top_of_its_letter_not_above_it(laid_out: Any) -> None:
    """mathml_primes sets f' as f and ′ side by side: as a superscript the prime, already drawn high, was raised
    a second time, its top 7 px above the letter's at 28 px type."""
    tab, _ = laid_out
    prime_top, letter_top, gap = tab.evaluate(MARKS_JS)["prime"]
    assert prime_top >= letter_top - 1.0, (prime_top, letter_top)
    assert gap == pytest.approx(0, abs=1.0)


#: The heights of the two brackets of `\Bigg( a \Bigg)^2`, the closing one a script's base.
SIZED_JS = """() => {
    const math = [...document.querySelectorAll('math')].find((m) => m.querySelector('msup mo[minsize]'));
    const [open, close] = [...math.querySelectorAll('mo[minsize]')];
    return [open.getBoundingClientRect().height, close.getBoundingClientRect().height];
}"""


def test_a_sized_bracket_under_a_script_keeps_its_size(laid_out: Any) -> None:
    """mathml_sized puts a sized bracket that is a script's base in a row of its own: Chromium drew it at its
    normal size beside its tall partner."""
    tab, _ = laid_out
    opening, closing = tab.evaluate(SIZED_JS)
    assert opening > 40, opening  # \Bigg at the page's size: well above a line
    assert closing == pytest.approx(opening, abs=1.0)


#: The labelled arrow of `\xrightarrow{\ \tanh\ }`: the arrow's box and the label's.
ARROW_JS = """() => {
    const over = document.querySelector('mover');
    const [arrow, label] = [...over.children].map((child) => child.getBoundingClientRect());
    return { arrow: [arrow.left, arrow.right, arrow.top], label: [label.left, label.right, label.bottom],
             font: parseFloat(getComputedStyle(over).fontSize) };
}"""


def test_a_labelled_arrow_carries_its_label_just_above_it(laid_out: Any) -> None:
    """mathml_arrows writes a short-labelled arrow as the font's long arrow: Chromium drew KaTeX's stretchy one
    short, with its label a line above it."""
    tab, _ = laid_out
    found = tab.evaluate(ARROW_JS)
    (a_left, a_right, a_top), (l_left, l_right, l_bottom) = found["arrow"], found["label"]
    assert a_right - a_left > 1.4 * found["font"], found  # a long arrow, not →
    assert l_bottom <= a_top + 0.5 * found["font"], found  # over the arrow, overlapping at most its box's margin
    assert l_bottom >= a_top - 0.5 * found["font"], found  # and not floating a line above it
    assert a_left - 2 <= l_left, found  # within the arrow's length
    assert l_right <= a_right + 2, found
