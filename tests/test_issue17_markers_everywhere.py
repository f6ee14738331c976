"""Issue 17, class 5 and two false errors: a marker is read wherever Markdown renders, or fails at its page and line.

- front matter and ``Key: value`` metadata, which MkDocs reads as data (the title, the navigation, the
  description): a clear error at the marker's line of the file;
- a snippet (``--8<--``): its markers are read after it is included, shown, and an unknown name fails at the
  ``--8<--`` line;
- a docstring on a page of mkdocstrings: its marker shows its value; a wrong one fails naming the page;
- ``<template>``, ``<noscript>``, ``<option>`` and ``hidden``: a value there is not shown to the reader, so it fails;
- a prose word of the math tokens' shape is no leak (the build knows the nonces it issued);
- a marker's text inside a display formula is TeX, and the real marker after it shows its value.

Each test builds a tiny site in-process (`support_tiny_site`); each failed on the code before this change.
"""

from __future__ import annotations

import re
from pathlib import Path

import markdown  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support_tiny_site import ROOT, BuildError, TinySite, build_site, make_site

from proven_numbers.markers import Injector, MarkerError, Syntax
from proven_numbers.markers.reading import MarkerPass
from proven_numbers.mdext import MathExtension
from proven_numbers.report import AuthorErrors

PAGE = "page.md"

#: A value on every page that is not the subject, so that "shown on no page" does not muddle the message.
W = "W is <!-- nnla:W as=inline -->.\n\n"


def site_with(tmp_path: Path, index: str, **kwargs: object) -> TinySite:
    snippets = tmp_path / "includes"
    extensions = f'  - md_in_html\n  - pymdownx.snippets:\n      base_path: ["{snippets}"]\n      check_paths: true\n'
    return make_site(tmp_path, {"index.md": index}, extensions=extensions, **kwargs)  # type: ignore[arg-type]


def errors_of(site: TinySite) -> list[str]:
    """The build's author errors, one a line; empty when the build passes."""
    try:
        build_site(site)
    except BuildError as error:
        return [line.strip() for line in str(error).splitlines()[1:]]
    return []


@pytest.mark.parametrize(
    ("index", "line"),
    [
        ('---\ntitle: "SSE <!-- nnla:sse -->"\n---\n\n' + W + "The SSE is <!-- nnla:sse -->.\n", 2),
        ("Summary: the SSE is <!-- nnla:sse -->.\n\n" + W + "The SSE is <!-- nnla:sse -->.\n", 1),
        ("---\ndescription: x\nextra:\n  note: <!-- nnla:sse -->\n---\n\n" + W + "And <!-- nnla:sse -->.\n", 4),
    ],
    ids=["front-matter-title", "metadata-first-line", "front-matter-nested"],
)
def test_a_marker_in_front_matter_or_metadata_fails_at_its_line(tmp_path: Path, index: str, line: int) -> None:
    """The issue's examples: before, the raw marker went into <title> and the navigation, or the paragraph
    vanished, and the build passed."""
    errors = errors_of(site_with(tmp_path, index))
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"index.md:{line}: the marker <!-- nnla:sse --> stands in the page's front matter")


def test_a_marker_in_a_snippet_shows_its_value(tmp_path: Path) -> None:
    site = site_with(tmp_path, W + '--8<-- "sse.md"\n', files={"includes/sse.md": "The SSE is <!-- nnla:sse -->.\n"})
    assert errors_of(site) == []
    page = site.page("index.html")
    assert page.count('data-nnla-name="sse"') == 1
    assert "nnla:sse" not in page  # not left as a comment


def test_an_unknown_name_in_a_snippet_fails_at_the_line_that_includes_it(tmp_path: Path) -> None:
    index = W + "The SSE is <!-- nnla:sse -->.\n\n" + '--8<-- "bad.md"\n'
    site = site_with(tmp_path, index, files={"includes/bad.md": "Text.\n\nBad <!-- nnla:nope --> here.\n"})
    errors = errors_of(site)
    assert len(errors) == 1, errors
    assert errors[0].startswith("index.md:5: unknown value 'nope' in <!-- nnla:nope -->")


def docstring_site(tmp_path: Path, docstring: str) -> TinySite:
    module = f"tinylib_{abs(hash(str(tmp_path))):x}"
    return site_with(
        tmp_path,
        W + f"::: {module}\n",
        plugins=f"  - mkdocstrings:\n      handlers:\n        python:\n          paths: [{tmp_path}]\n",
        files={f"{module}.py": f'"""A module.\n\n{docstring}\n"""\n'},
    )


@pytest.mark.parametrize("docstring", ["The SSE is <!-- nnla:sse -->.", "Text.\n\nThe SSE:\n\n<!-- nnla:W -->"])
def test_a_marker_in_a_docstring_shows_its_value(tmp_path: Path, docstring: str) -> None:
    site = docstring_site(tmp_path, docstring + "\n\nAnd <!-- nnla:sse -->.")
    assert errors_of(site) == []
    page = site.page("index.html")
    assert page.count('data-nnla-name="sse"') >= 1
    assert "nnla:" not in page.replace("data-nnla-", "")


def test_a_wrong_marker_in_a_docstring_fails_naming_the_page_and_the_docstring(tmp_path: Path) -> None:
    site = docstring_site(tmp_path, "Text.\n\nBad <!-- nnla:nope --> and <!-- nnla:sse -->.")
    errors = errors_of(site)
    assert errors == [
        "index.md: unknown value 'nope' in <!-- nnla:nope -->: no registered name is close to it (2 values are "
        "registered) (in Markdown converted inside the page, such as a docstring, at its line 5)"
    ]


@pytest.mark.parametrize(
    ("html", "where", "line"),
    [
        ("<template>\n<!-- nnla:sse -->\n</template>", "<template>", 4),
        ("<noscript><p>The SSE is <!-- nnla:sse -->.</p></noscript>", "<noscript>", 3),
        ("<select><option><!-- nnla:sse --></option></select>", "<option>", 3),
        ('<div hidden markdown="1">\nThe SSE is <!-- nnla:sse -->.\n</div>', "<div hidden>", 4),
        ("<div hidden>\n<p><span>The SSE is <!-- nnla:sse -->.</span></p>\n</div>", "<div hidden>", 4),
    ],
)
def test_a_marker_the_reader_cannot_see_fails(tmp_path: Path, html: str, where: str, line: int) -> None:
    """Before, the value was injected there and counted as shown."""
    site = site_with(tmp_path, W + html + "\n\nThe SSE, for real: <!-- nnla:sse -->.\n")
    errors = errors_of(site)
    assert len(errors) == 1, errors
    assert re.match(rf"index\.md:{line}: the marker stands inside {where}, which the browser does not show", errors[0])


def test_a_prose_word_shaped_like_a_math_token_is_no_leak(tmp_path: Path) -> None:
    """``PNUMM0123456789ABT1Z`` in prose (the math stand-in's shape, another nonce) is a word; before, the real
    build failed it as a leaked token, since the promise check did not know the nonces the build issued."""
    site = site_with(
        tmp_path, W + "The word PNUMM0123456789ABT1Z and PNUMF0123456789ABT2Z, with $`x`$ <!-- nnla:sse -->.\n"
    )
    assert errors_of(site) == []
    assert "PNUMM0123456789ABT1Z and PNUMF0123456789ABT2Z" in site.page("index.html")


@pytest.mark.parametrize(
    "fence", ["```math\nx = \\text{<!-- nnla:sse -->}\n```", "```math\n% <!-- nnla:sse -->\nx\n```"]
)
def test_a_markers_text_in_a_display_formula_is_tex_and_the_real_marker_shows(tmp_path: Path, fence: str) -> None:
    site = site_with(tmp_path, W + fence + "\n\nThe SSE is <!-- nnla:sse -->.\n")
    assert errors_of(site) == []
    page = site.page("index.html")
    assert page.count('data-nnla-name="sse"') == 1
    assert "PNUM" not in page


def test_the_markdown_extension_alone_reads_a_snippets_markers(tmp_path: Path) -> None:
    """The route without MkDocs (`proven_numbers.extension`, as Zensical runs it) reads markers at the same step:
    a snippet's marker shows its value, and an unknown one fails at the ``--8<--`` line."""
    (tmp_path / "mean.md").write_text("Mean <!-- calc:mean -->.\n\nBad <!-- calc:nope -->.\n", encoding="utf-8")
    options = {
        "values": "calc_values:compute",
        "python_path": [str(ROOT / "examples" / "dice")],
        "prefix": "calc",
        "node_modules": str(ROOT / "node_modules"),
        "cache_dir": str(tmp_path / "cache"),
        "page": "index.md",
    }
    md = markdown.Markdown(
        extensions=["pymdownx.superfences", "pymdownx.snippets", "proven_numbers"],
        extension_configs={"proven_numbers": options, "pymdownx.snippets": {"base_path": [str(tmp_path)]}},
    )
    with pytest.raises(AuthorErrors) as raised:
        md.convert('Faces <!-- calc:faces as=inline -->.\n\n--8<-- "mean.md"\n')
    assert str(raised.value).splitlines()[1:] == [
        "  index.md:3: unknown value 'nope' in <!-- calc:nope -->: did you mean 'mode'?"
    ]
    (tmp_path / "mean.md").write_text("Mean <!-- calc:mean -->.\n", encoding="utf-8")
    html = md.convert('Faces <!-- calc:faces as=inline -->.\n\n--8<-- "mean.md"\n')
    assert 'data-calc-name="mean"' in html
    assert "calc:" not in html


PAGE_WORDS = st.sampled_from(["Alpha.", "Beta gamma.", "- item", "> quote", "Delta *em*.", ""])
SNIPPET_WORDS = st.sampled_from(["Omega.", "Psi chi.", "- other", "> said", ""])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    before=st.lists(PAGE_WORDS, max_size=6),
    after=st.lists(PAGE_WORDS, max_size=6),
    snippet=st.lists(SNIPPET_WORDS, max_size=6),
    in_snippet=st.integers(min_value=0, max_value=6),
    in_page=st.none() | st.integers(min_value=0, max_value=6),
)
# The shape that failed before blank lines stopped anchoring the match: a blank line after the ``--8<--`` line and
# a blank line in the snippet before the marker.
@example(before=["Alpha.", ""], after=[], snippet=["Omega.", ""], in_snippet=2, in_page=None)
@example(before=[], after=[""], snippet=["Omega.", ""], in_snippet=2, in_page=None)
def test_a_bad_marker_in_or_after_a_snippet_is_named_at_the_pages_own_line(
    tmp_path: Path, before: list[str], after: list[str], snippet: list[str], in_snippet: int, in_page: int | None
) -> None:
    """Generated pages around one ``--8<--`` line (blank lines on both sides, which a snippet's blank lines used to be
    matched with): a bad marker inside the snippet is named at the ``--8<--`` line, one after it at its own line."""
    snippet = [*snippet[:in_snippet], "Bad <!-- nnla:nope_in -->.", *snippet[in_snippet:]]
    if in_page is not None:  # and sometimes none: nothing after the snippet to anchor the page's lines
        after = [*after[:in_page], "Bad <!-- nnla:nope_out -->.", *after[in_page:]]
    (tmp_path / "part.md").write_text("\n".join(snippet) + "\n", encoding="utf-8")
    page = [*before, '--8<-- "part.md"', *after]
    injector = Injector({}, lambda tex, display: tex, Syntax("nnla"))
    markers = MarkerPass(injector)
    md = markdown.Markdown(
        extensions=["pymdownx.superfences", "pymdownx.snippets", MathExtension(markers=markers)],
        extension_configs={"pymdownx.snippets": {"base_path": [str(tmp_path)]}},
    )
    markers.begin(PAGE)
    errors: list[MarkerError] = []

    def record(error: MarkerError) -> str:
        errors.append(error)
        return ""

    injector.inject(md.convert("\n".join(page) + "\n"), PAGE, on_error=record)
    lines = {error.message.split("'")[1]: error.line for error in errors if "unknown value" in error.message}
    expected = {"nope_in": len(before) + 1}
    if in_page is not None:
        expected["nope_out"] = len(before) + 2 + after.index("Bad <!-- nnla:nope_out -->.")
    assert lines == expected
