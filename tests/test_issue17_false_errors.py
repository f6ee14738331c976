"""No false error on valid input (issue 17, class 10): a formula's text is the reader's, a word is prose.

- A rendering is checked by what it is made of (KaTeX's elements, attributes and styles), not by words in its text:
  ``$`f(\\text{user id=7})`$`` failed because KaTeX's escaped text holds `` id=``.
- A leaked token is one of this build's tokens, not any word of their shape.
- The text of a marker inside a formula is the formula's TeX; the real marker after it shows its value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import markdown  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support_markdown import math_extension, math_markdown, site_build

from proven_numbers import katex
from proven_numbers.build import Build
from proven_numbers.katex import KatexRenderer
from proven_numbers.katex.cache import KATEX_ATTRIBUTES, KATEX_TAGS, entry_problem
from proven_numbers.promises import broken, math_tokens

ROOT = Path(__file__).resolve().parent.parent
KATEX_JS = ROOT / "node_modules" / "katex" / "dist" / "katex.mjs"
#: Attributes KaTeX writes only for commands that need `trust` (\href, \includegraphics, \htmlId, ...), or on its
#: error output (title): never on this site.
TRUSTED_ONLY = {"href", "src", "alt", "valign", "title"}
#: Generated formulas each property renders.
EXAMPLES = 150

VALID = [
    r"f(\text{user id=7})",
    r"\texttt{javascript:}",
    r"\text{<img src=x>}",
    r"\text{<script>alert(1)</script> <a href=x> <style> <iframe> <link> katex-error}",
    r"\mathrm{onclick=1}",
    r"\kern1em x \hspace{2em} y",
    r"\cancel{x} \colorbox{red}{x} \fcolorbox{red}{blue}{x} \boxed{x} \color{#ff0000} x",
    r"\sqrt[3]{x} \overbrace{a+b}^{n} \xrightarrow[a]{b} \widehat{abc} \phase{x} \rule{1em}{2em}",
    r"\begin{array}{c|c}a&b\\\hline c&d\end{array} \overleftrightarrow{AB}",
]


@pytest.fixture(scope="module")
def renderer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KatexRenderer]:
    r = KatexRenderer(ROOT / "node_modules", tmp_path_factory.mktemp("katex-cache"), enabled=True)
    yield r
    r.close()
    katex.close_all()


@pytest.mark.parametrize("display", [False, True])
@pytest.mark.parametrize("tex", VALID)
def test_a_formula_whose_text_reads_like_html_renders(renderer: KatexRenderer, tex: str, display: bool) -> None:
    """The issue's three formulas and their kin: KaTeX renders them, and the rendering is one the site ships."""
    html = renderer.render(tex, display)
    assert entry_problem(html) is None


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="abcxyz019 <>=:/.!-", min_size=1, max_size=30))
def test_any_text_in_a_formula_renders(renderer: KatexRenderer, text: str) -> None:
    r"""Generated text in \text{...} and \texttt{...}: what it says is never read as HTML."""
    for command in (r"\text", r"\texttt"):
        assert entry_problem(renderer.render(f"{command}{{{text}}}", False)) is None


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        ('<span class="katex"><img src="x"></span>', "a <img>"),
        ('<span class="katex"><a href="javascript:alert(1)">x</a></span>', "a <a>"),
        ('<span class="katex"><span onclick="alert(1)">x</span></span>', "the attribute onclick"),
        ('<span class="katex"><span id="x">x</span></span>', "the attribute id"),
        ('<span class="katex"><span class="katex-error">x</span></span>', "KaTeX's error output"),
        ('<span class="katex"><span style="background:url(//e.org/a.png)">x</span></span>', "the style"),
        ('<span class="katex"><span style="color:\\72 ed">x</span></span>', "the style"),
        ('<span class="katex"><svg><style>@import "//e.org/a.css";</style></svg></span>', "a <style>"),
        ('<span class="katex"><!-- x --></span>', "a comment"),
        ('<span class="katex"><math><![CDATA[<img src=x>]]></math></span>', "CDATA"),
        ('<span class="katex"><span/></span>', "a <span/>"),
        ("<div>x</div>", "something other than one KaTeX formula"),
    ],
)
def test_a_rendering_with_anything_katex_does_not_write_is_refused(html: str, problem: str) -> None:
    found = entry_problem(html)
    assert found is not None
    assert problem in found


def test_the_vocabulary_is_katexs_own() -> None:
    """Every attribute and element KaTeX's source writes without trust is allowed: a new KaTeX that writes another
    one fails here, not as a false error on some author's formula."""
    source = KATEX_JS.read_text(encoding="utf-8")
    attributes = set(re.findall(r'setAttribute\("([a-zA-Z-]+)"', source))
    attributes |= set(re.findall(r'"(x1|y1|x2|y2|stroke-width|viewBox|preserveAspectRatio)":', source))
    assert {name.lower() for name in attributes} - TRUSTED_ONLY <= KATEX_ATTRIBUTES
    elements = set(re.findall(r'new (?:mathMLTree\.)?MathNode\("([a-z]+)"', source)) - {"mglyph"}
    assert elements <= KATEX_TAGS


def test_a_prose_word_of_a_tokens_shape_is_no_leak() -> None:
    """With the build's nonces known, ``PNUMM0123456789ABT1Z`` in prose passes; the build's own token fails."""
    md = math_markdown()
    md.preprocessors["pn_math"].run(["A $`x`$ here.", "```math", "y", "```"])
    math = math_extension(md)
    pattern = math_tokens([math._nonce])
    word = "PNUMM0123456789ABT1Z"
    assert word not in math.formulas
    assert broken(f"<p>The word {word} here.</p>", math_token=pattern) == []
    for token in [*math.formulas, *math.fences]:
        assert broken(f"<p>{token}</p>", math_token=pattern) == [f"an internal math token reached the page: {token}"]
    assert math_tokens([]) is None


def page(build: Build, text: str, name: str = "formula.md") -> tuple[str, list[str]]:
    """One page through the real build's steps (its extensions, markers, promises, math restored); its errors."""
    build.report.errors.clear()
    config = build.config
    md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
    html = build.page_content(md.convert(build.page_markdown(text, name, text)), name)
    return build.page_output(html, name), [str(error) for error in build.report.errors]


@pytest.fixture(scope="module")
def build() -> Build:
    build, _ = site_build()
    return build


@pytest.mark.parametrize(
    "formula",
    [r"$`\text{<!-- nnla:sse -->}`$", "$`x <!-- nnla:sse -->`$", r"$``\text{`<!-- nnla:sse -->`}``$"],
)
def test_a_markers_text_in_a_formula_is_its_tex_and_the_real_marker_shows_its_value(build: Build, formula: str) -> None:
    html, errors = page(build, f"The syntax {formula} here.\n\nThe SSE is <!-- nnla:sse --> for real.\n")
    assert errors == []
    assert html.count('data-nnla-name="sse"') == 1
    assert "&lt;!-- nnla:sse --&gt;" in html
    assert "PNUM" not in html
