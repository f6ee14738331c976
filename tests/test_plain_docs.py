"""`help(nnla)` reads as plain text; the library page keeps the docstrings' formulas.

The docstrings write formulas in TeX for the library page (mkdocstrings reads the source); `nnla/__init__.py`
rewrites each `__doc__` at import (`nnla._doc`) so that `help()` and `pydoc` show `∂ℓ_k/∂b_j`, not
`\\partial \\ell_k`. Checked here: `pydoc.render_doc` of the package and of each public name shows no TeX, though
the source holds many formulas; every formula of the source has a plain reading (no command unknown to the
converter); the readings of a set of formulas, written out by hand; the docstrings' examples unchanged; and on the
built library page, the formulas still typeset by KaTeX.
"""

from __future__ import annotations

import ast
import doctest
import pydoc
import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from conftest import BuiltSite

import nnla
from nnla import _doc
from nnla._doc import plain

#: What a reader must not meet at a terminal: a TeX command, or the Markdown that marks a formula.
RAW_TEX = re.compile(r"\\[A-Za-z]+|\$`|```math")
PACKAGE = Path(nnla.__file__).parent


def source_docstrings() -> list[tuple[str, str]]:
    """Every docstring in the package's source, as written (what the library page reads), with where it is."""
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node, clean=False)
                if doc:
                    found.append((f"{path.name}:{getattr(node, 'name', '<module>')}", doc))
    return found


def help_text(obj: Any) -> str:
    return pydoc.plain(pydoc.render_doc(obj))


def test_the_source_writes_its_formulas_in_tex() -> None:
    """The check below has something to find: the source's docstrings hold over 90 formulas in TeX."""
    formulas = sum(len(RAW_TEX.findall(doc)) for _, doc in source_docstrings())
    assert formulas > 90, formulas
    assert RAW_TEX.search(Path(PACKAGE / "forward.py").read_text(encoding="utf-8"))


#: The public names help() documents from their own docstrings: a number (nnla.MAX_STEPS) shows int's.
DOCUMENTED = [n for n in nnla.__all__ if n != "__version__" and not isinstance(getattr(nnla, n), int)]


@pytest.mark.parametrize("name", ["nnla", *DOCUMENTED])
def test_help_shows_no_tex(name: str) -> None:
    """help(nnla) and help(nnla.NAME) for every public name: plain text, with its formulas read out."""
    obj = nnla if name == "nnla" else getattr(nnla, name)
    text = help_text(obj)
    assert not RAW_TEX.findall(text), f"help(nnla.{name}) shows TeX: {sorted(set(RAW_TEX.findall(text)))}"


def test_a_square_root_and_dots_read_as_text() -> None:
    assert plain(r"\sqrt{a^2 + \dots + b^2}", strict=True) == "√(a² + … + b²)"


def test_help_forward_reads_its_formula() -> None:
    text = help_text(nnla.forward)
    assert "P = XW + 1b,    p_rj = Σ_(i=1)^n x_ri w_ij + b_j" in text
    assert "The predictions P, array of shape (m, z)." in text


@pytest.mark.parametrize(("where", "doc"), source_docstrings(), ids=[where for where, _ in source_docstrings()])
def test_every_formula_of_the_source_has_a_plain_reading(where: str, doc: str) -> None:
    """No docstring uses a TeX command the converter does not know (strict: it would raise), and none is left."""
    text = _doc.plain_docstring(doc, strict=True)
    assert not RAW_TEX.search(text), f"{where}: {RAW_TEX.findall(text)}"


#: Formulas of the docstrings and their plain readings, written out by hand.
READINGS = {
    r"P = XW + \mathbf{1}b": "P = XW + 1b",
    r"\partial \ell_k / \partial w_{ij}": "∂ℓ_k / ∂w_ij",
    r"\frac{\partial \ell_k}{\partial b_j} = -2 e_k \delta_{jk}": "∂ℓ_k/∂b_j = -2 e_k δ_jk",
    r"\frac{\partial\, \mathrm{SSE}}{\partial W} = -2 X^\top E": "∂SSE/∂W = -2 Xᵀ E",
    r"\mathrm{MSE} = \frac{1}{m z} \sum_{r=1}^{m} (t_{rk} - p_{rk})^2": "MSE = 1/(m z) Σ_(r=1)^m (t_rk - p_rk)²",
    r"\lambda_{\max} = 2 (1 + \lVert x \rVert^2)": "λ_max = 2 (1 + ‖x‖²)",
    r"\pm 1.8 \times 10^{308}": "±1.8 × 10³⁰⁸",
    r"10^{-16} |f| / \varepsilon": "10⁻¹⁶ |f| / ε",
    r"h = \frac{e^{a_{rq}} - e^{-a_{rq}}}{2}": "h = (e^(a_rq) - e^(-a_rq))/2",
    r"[J_1]_{\alpha q_1} \cdots [J_r]_{q_{r-1} c}": "[J_1]_(α q_1) ⋯ [J_r]_(q_(r-1) c)",
    r"\tanh'(A_1) = 1 - H \circ H": "tanh'(A_1) = 1 - H ∘ H",
    "E = T - P, \\qquad\nL = E \\circ E": "E = T - P,\nL = E ∘ E",
    r"A_1 = X W_1, \qquad H = \tanh(A_1)": "A_1 = X W_1,    H = tanh(A_1)",
    r"2 \cdot \text{a.size} \le 2^{27}": "2 · a.size ≤ 2²⁷",
    # Rows: one a line whatever the source's lines, the alignment marks gone, \qquad's gap kept within a row.
    "\\begin{aligned}\nE &= T -\n P, \\qquad & L &= E, \\\\\n\\Delta &= -2E\n\\end{aligned}": (
        "E = T - P,    L = E,\nΔ = -2E"
    ),
}


@pytest.mark.parametrize(("tex", "text"), READINGS.items())
def test_a_formula_reads_as_written_by_hand(tex: str, text: str) -> None:
    assert _doc.plain(tex, strict=True) == text


def test_an_unknown_command_is_kept_and_named_when_strict() -> None:
    assert _doc.plain(r"x \mapsto y") == r"x \mapsto y"
    with pytest.raises(ValueError, match=r"\\mapsto"):
        _doc.plain(r"x \mapsto y", strict=True)


def test_an_environment_other_than_rows_is_kept_and_named_when_strict() -> None:
    assert _doc.plain(r"\begin{cases} a \end{cases}") == r"\begin{cases} a \end{cases}"
    with pytest.raises(ValueError, match=r"\\begin\{cases\}, \\end\{cases\}"):
        _doc.plain(r"\begin{cases} a \end{cases}", strict=True)


def test_a_displayed_formula_keeps_its_indentation_and_an_inline_one_its_sentence() -> None:
    doc = "Summary.\n\n    ```math\n    a = \\frac{b}{c}\n    ```\n\n    Where $`\\eta`$ is\n    the step."
    assert _doc.plain_docstring(doc) == "Summary.\n\n    a = b/c\n\n    Where η is\n    the step."


def test_the_examples_in_the_docstrings_are_unchanged() -> None:
    """The rewrite touches formulas only: each function's `>>>` examples are the source's, to the character."""
    parser = doctest.DocTestParser()
    for name in nnla.__all__:
        obj = getattr(nnla, name)
        if not callable(obj) or not obj.__doc__:
            continue
        written = [d for w, d in source_docstrings() if w.endswith(f":{obj.__name__}")]
        if not written:
            continue
        before = [(e.source, e.want) for e in parser.get_examples(written[0])]
        after = [(e.source, e.want) for e in parser.get_examples(obj.__doc__)]
        assert after == before, name


@pytest.mark.site
def test_the_library_page_still_typesets_the_formulas(built_site: BuiltSite) -> None:
    """On the built library page, forward's docstring shows its formulas through KaTeX, not as plain text."""
    page = BeautifulSoup(built_site.page("library/index.html"), "html.parser")
    heading = page.find(id="nnla.forward.forward")
    assert heading is not None
    entry = heading.find_parent(class_="doc-object") or heading.parent
    assert entry is not None
    assert len(entry.select(".katex")) >= 3
    assert "Σ_(i=1)^n" not in entry.get_text()
