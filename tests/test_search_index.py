"""The search index holds what a reader reads: formulas as plain text, not TeX, and words found inside code.

Material's search splits a section's text into words at its configured separator (the same for the index and
for the reader's query) and finds a word by its start. `words` below splits as Material's tokenizer does: at
the separator, inside the text between the tags the index keeps, lowercased.
"""

from __future__ import annotations

import difflib
import html
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup
from bs4.element import NavigableString, TemplateString
from conftest import BuiltSite, ServedSite, search_as_a_reader

from proven_numbers.katex import Deferral
from proven_numbers.katex.plain_text import plain_text

#: MkDocs' default separator, under which `np.linalg.lstsq` is one word.
DEFAULT_SEPARATOR = r"[\s\-]+"
#: A TeX command: a backslash and letters.
TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
#: The elements Material's search plugin keeps in a section's text (its parser's `keep`).
KEPT = "p, code, pre, li, ol, ul, sub, sup"


def mathml(body: str, tex: str = "") -> str:
    """A formula as KaTeX writes its MathML."""
    return (
        '<span class="katex"><span class="katex-mathml"><math xmlns="http://www.w3.org/1998/Math/MathML">'
        f'<semantics><mrow>{body}</mrow><annotation encoding="application/x-tex">{tex}</annotation></semantics>'
        '</math></span><span class="katex-html" aria-hidden="true">soup</span></span>'
    )


# --- a formula as plain text -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # \mathbf{p} = \mathbf{x} W + \mathbf{b}
        (
            '<mi mathvariant="bold">p</mi><mo>=</mo><mi mathvariant="bold">x</mi><mi>W</mi><mo>+</mo>'
            '<mi mathvariant="bold">b</mi>',
            "p = x W + b",
        ),
        # \begin{bmatrix} 0.1 & -0.2 \\ 1 & 0 \end{bmatrix}: rows apart, the minus on its number
        (
            '<mrow><mo fence="true">[</mo><mtable><mtr><mtd><mn>0.1</mn></mtd><mtd><mrow><mo>−</mo><mn>0.2</mn>'
            "</mrow></mtd></mtr><mtr><mtd><mn>1</mn></mtd><mtd><mn>0</mn></mtd></mtr></mtable>"
            '<mo fence="true">]</mo></mrow>',
            "[0.1 −0.2; 1 0]",
        ),
        # \lambda_{\max} \ge 2: KaTeX's invisible function application is no script of its own
        ("<msub><mi>λ</mi><mi>max</mi><mo>\u2061</mo></msub><mo>≥</mo><mn>2</mn>", "λ_max ≥ 2"),
        # L = \sum_{k=1}^{z} \ell_k
        (
            "<mi>L</mi><mo>=</mo><munderover><mo>∑</mo><mrow><mi>k</mi><mo>=</mo><mn>1</mn></mrow><mi>z</mi>"
            "</munderover><msub><mi>ℓ</mi><mi>k</mi></msub>",
            "L = ∑_(k = 1)^z ℓ_k",
        ),
        # \frac{\partial L}{\partial b_j} = -2 e_j
        (
            "<mfrac><mrow><mi>∂</mi><mi>L</mi></mrow><mrow><mi>∂</mi><msub><mi>b</mi><mi>j</mi></msub></mrow>"
            "</mfrac><mo>=</mo><mo>−</mo><mn>2</mn><msub><mi>e</mi><mi>j</mi></msub>",
            "(∂ L)/(∂ b_j) = −2 e_j",
        ),
        # a - b, and p(0) + p(1): a binary sign keeps its spaces, after a closing bracket too; f(x) has none
        ("<mi>a</mi><mo>−</mo><mi>b</mi>", "a − b"),
        (
            '<mi>p</mi><mo stretchy="false">(</mo><mn>0</mn><mo stretchy="false">)</mo><mo>+</mo><mi>p</mi>'
            '<mo stretchy="false">(</mo><mn>1</mn><mo stretchy="false">)</mo>',
            "p(0) + p(1)",
        ),
        # -2\mathbf{e} \qquad (1\times z): a space the formula asks for is no argument's parenthesis
        (
            '<mo>−</mo><mn>2</mn><mi mathvariant="bold">e</mi><mspace width="2em"/><mo stretchy="false">(</mo>'
            '<mn>1</mn><mo>×</mo><mi>z</mi><mo stretchy="false">)</mo>',
            "−2 e (1 × z)",
        ),
        # w\,(x_1 - x_2): KaTeX writes \, as a space in an mtext
        (
            '<mi>w</mi><mtext>\u2009</mtext><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo>',
            "w (x)",
        ),
        # \underbrace{\mathbf{x}}_{1\times n}: the brace is no text, its label is the script
        (
            '<munder><munder><mi mathvariant="bold">x</mi><mo stretchy="true">⏟</mo></munder><mrow><mn>1</mn>'
            "<mo>×</mo><mi>n</mi></mrow></munder>",
            "x_(1 × n)",
        ),
        # \hat{\boldsymbol{\theta}}: an accent follows its letter
        ('<mover accent="true"><mi mathvariant="bold-italic">θ</mi><mo>^</mo></mover>', "θ^"),
        # W_{\mathrm{lstsq}}
        ('<msub><mi>W</mi><mi mathvariant="normal">lstsq</mi></msub>', "W_lstsq"),
    ],
)
def test_plain_text_of_a_formula(body: str, expected: str) -> None:
    assert plain_text(mathml(body, r"\ignored")) == expected


def test_plain_text_reads_no_tex_and_needs_mathml() -> None:
    """The annotation (the TeX) and KaTeX's HTML are not read; a rendering without MathML has no plain text."""
    assert plain_text(mathml("<mi>x</mi>", r"\mathbf{x}")) == "x"
    assert plain_text("<code>\\mathbf{x}</code>") is None


def test_a_plain_text_deferral_shows_the_formula_as_text() -> None:
    """The site's Deferral shows the formula's plain text meanwhile; the default one shows the TeX it is given."""
    rendered = mathml('<mi mathvariant="bold">x</mi><mo>=</mo><mn>1</mn>', r"\mathbf{x} = 1")
    shown = re.compile(r'<span class="pn-math-deferred" data-key="[0-9a-f]{24}">([^<]*)</span>')
    plain, tex = Deferral(plain_text=True), Deferral()
    assert shown.fullmatch(plain.defer(rendered, r"\mathbf{x} = 1"))[1] == "x = 1"  # type: ignore[index]
    assert shown.fullmatch(tex.defer(rendered, r"\mathbf{x} = 1"))[1] == r"\mathbf{x} = 1"  # type: ignore[index]
    assert plain.restore(plain.defer(rendered, "")) == rendered
    assert shown.fullmatch(plain.defer("<code>a &lt; b</code>", "a < b"))[1] == "a &lt; b"  # type: ignore[index]


# --- the built index -------------------------------------------------------------------------------------------


def index(built_site: BuiltSite) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(built_site.page("search/search_index.json"))
    return document


def words(text: str, separator: str) -> list[str]:
    """A section's words as Material's search makes them: the text between tags, split, lowercased."""
    pattern = re.compile(separator)
    return [w.lower() for segment in re.split(r"<[^>]+>", text) for w in pattern.split(segment) if w]


def outside_code(text: str) -> str:
    return re.sub(r"<(code|pre)>.*?</\1>", " ", text, flags=re.S)


def tex_commands(docs: list[dict[str, str]]) -> list[tuple[str, str]]:
    """Every TeX command in the index's titles and texts, outside code (where a page may show TeX as TeX)."""
    return [
        (doc["location"], command)
        for doc in docs
        for command in TEX_COMMAND.findall(outside_code(doc["title"] + " " + doc["text"]))
    ]


def sections_saying(docs: list[dict[str, str]], word: str) -> list[dict[str, str]]:
    return [doc for doc in docs if word in (doc["title"] + doc["text"]).lower()]


@pytest.mark.site
def test_no_tex_command_in_the_index(built_site: BuiltSite) -> None:
    """Search results showed raw LaTeX (\\begin{bmatrix} -1.8 & 0 ...): the stand-ins held the TeX."""
    docs = index(built_site)["docs"]
    assert len(docs) > 50, "the index has hardly any sections"
    assert tex_commands(docs) == []
    assert not any('class="katex' in doc["text"] for doc in docs), "KaTeX's HTML reached the index"


def test_the_tex_check_sees_tex() -> None:
    """What the index held before: the TeX of a formula and of a matrix; TeX shown as code is no finding."""
    docs = [
        {
            "location": "a/",
            "title": "A",
            "text": r"<p>An input \mathbf{x} is a row</p> \begin{bmatrix} -1.8 \end{bmatrix}",
        },
        {"location": "b/", "title": "B", "text": r"<p>write <code>$`\mathbf{p}`$</code></p>"},
    ]
    assert tex_commands(docs) == [("a/", r"\mathbf"), ("a/", r"\begin"), ("a/", r"\end")]


@pytest.mark.site
def test_formulas_are_indexed_as_plain_text(built_site: BuiltSite) -> None:
    """The convention's formulas and a matrix of numbers read as a reader reads them."""
    docs = {doc["location"]: doc["text"] for doc in index(built_site)["docs"]}
    assert "the prediction is a 1 × z row:</p> p = x W + b" in docs["#convention"]
    matrices = re.findall(r"\[[−\d.; ]+\]", " ".join(docs.values()))
    assert any(re.search(r"−\d", m) and ";" in m for m in matrices), "no matrix of numbers read as [a b; c d]"


@pytest.mark.site
def test_a_word_in_code_is_found(built_site: BuiltSite) -> None:
    """ "lstsq" found nothing: under MkDocs' default separator `np.linalg.lstsq` is one word, and a query
    finds a word by its start."""
    document = index(built_site)
    separator = document["config"]["separator"]
    saying = sections_saying(document["docs"], "lstsq")
    assert {doc["location"].split("#")[0] for doc in saying} >= {"part-2/", "part-3/", "errata/"}
    not_found = [doc["location"] for doc in saying if "lstsq" not in words(doc["title"] + doc["text"], separator)]
    assert not_found == [], f"sections that say lstsq and are not found by it: {not_found}"
    found_before = [doc for doc in saying if "lstsq" in words(doc["title"] + doc["text"], DEFAULT_SEPARATOR)]
    assert len(found_before) < len(saying), "the default separator finds lstsq as well: the test shows nothing"


@pytest.mark.site
def test_a_decimal_number_stays_one_word(built_site: BuiltSite) -> None:
    """A dot splits `np.linalg` but not 3.672, so a reader finds a number as the page shows it."""
    separator = index(built_site)["config"]["separator"]
    assert words("<p>From 3.672 to 2.451. Then np.linalg.lstsq.</p>", separator) == [
        "from",
        "3.672",
        "to",
        "2.451",
        "then",
        "np",
        "linalg",
        "lstsq",
    ]


def page_words(page_html: str, separator: str) -> list[str]:
    """The words of a finished page's article as the index would hold them, each formula as its plain text.

    Independent of what the build put in the page while the search plugin read it: this reads the page a
    reader gets, KaTeX's HTML and all."""
    article = BeautifulSoup(page_html, "html.parser").select_one("article")
    assert article is not None
    for formula in article.select(".katex"):
        formula.replace_with(plain_text(str(formula)) or "")
    # Skipped: what the search plugin never reads, and Material's facts at the page's foot (its last-updated date),
    # which the theme adds around the page's content.
    for skipped in article.select(".headerlink, script, style, [data-search-exclude], .md-source-file"):
        skipped.decompose()
    for kept in article.select(KEPT):  # a tag the index keeps separates words
        kept.insert_before(" ")
        kept.append(" ")
    # Material's parser reads the content of a <template> too.
    text = article.get_text("", types=(NavigableString, TemplateString))
    return words(html.escape(text, quote=False), separator)


def differences(a: list[str], b: list[str]) -> Iterator[str]:
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            yield f"{tag}: index {' '.join(a[i1:i2])[:120]!r}, page {' '.join(b[j1:j2])[:120]!r}"


@pytest.mark.site
def test_the_index_holds_each_pages_text(built_site: BuiltSite) -> None:
    """Each page's sections, in order, hold the words of the page, formulas as plain text, and nothing else."""
    document = index(built_site)
    separator = document["config"]["separator"]
    pages: dict[str, list[str]] = {}
    for doc in document["docs"]:
        page = doc["location"].split("#")[0]
        pages.setdefault(page, []).extend(words(doc["title"], separator) + words(doc["text"], separator))
    assert len(pages) >= 9
    for page, indexed in pages.items():
        shown = page_words(built_site.page(f"{page}index.html"), separator)
        assert not list(differences(indexed, shown)), (page, list(differences(indexed, shown))[:5])


@pytest.mark.site
def test_figures_are_found_by_their_description_not_their_labels(built_site: BuiltSite, read_site: Any) -> None:
    """An axis's labels, and a table's cells, would run together into nonsense words ("steploss (MSE)03.67"):
    the index holds each figure's title and description, and the prose around a table, instead. The pages are
    read in the session's parse of them (conftest's `read_site`), which this test only reads."""
    document = index(built_site)
    text = " ".join(doc["text"] for doc in document["docs"])
    figures = 0
    for page in {doc["location"].split("#")[0] for doc in document["docs"]}:
        soup = read_site.soups[f"{page}index.html"]
        for svg in soup.select("article svg.nnla-figure"):
            labels = [label.get_text() for label in svg.select("text")]
            desc = svg.select_one("desc")
            assert desc is not None
            assert html.escape(desc.get_text(), quote=False)[:60] in text, (page, desc.get_text()[:60])
            # Labels run together: enough of them to make a word no prose holds by chance ("024" is in 0.5024).
            run, count = "", 0
            while count < len(labels) and len(run) < 6:
                run, count = run + labels[count], count + 1
            assert run not in text, (page, labels[:count])
            figures += 1
        for table in soup.select("article .nnla-table table"):
            cells = "".join(cell.get_text() for cell in table.select("tr")[:2])
            assert cells not in text, (page, cells)
    assert figures >= 10


@pytest.mark.site
def test_the_text_check_sees_tex_in_place_of_a_formula(built_site: BuiltSite) -> None:
    """An index that held the TeX of the convention's formula differs from the page it indexes."""
    separator = index(built_site)["config"]["separator"]
    shown = page_words(built_site.page("index.html"), separator)
    at = shown.index("p", shown.index("row"))
    tex = [*shown[:at], *words(r"\mathbf{p} = \mathbf{x} W + \mathbf{b}", separator), *shown[at + 5 :]]
    assert shown[at : at + 5] == ["p", "x", "w", "+", "b"]
    assert list(differences(tex, shown))


# --- in the browser ----------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_searching_lstsq_in_the_browser(chromium: Any, served_site: ServedSite) -> None:
    """Material's own search, in Chromium: lstsq lists the sections that use it, and their text reads without
    TeX."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(served_site.url("part-1/"))
        search_as_a_reader(page, "lstsq")
        results = page.locator(".md-search-result__item")
        results.first.wait_for()
        links = [results.nth(i).locator("a").first.get_attribute("href") or "" for i in range(results.count())]
        text = page.locator(".md-search-result").inner_text()
    finally:
        context.close()
    assert any("part-2/" in link for link in links), links
    assert any("errata/" in link for link in links), links
    assert not TEX_COMMAND.search(text), text[:500]
