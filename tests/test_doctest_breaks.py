"""Proof that the doc-test can fail: break a copy of the project on purpose, and see the break reported, with where.

Each test copies what the build reads (``nnla/``, ``proven-numbers/``, ``hooks/``, ``docs/``, ``mkdocs.yml``;
``node_modules`` is linked) to a temporary folder, changes the copy by replacing a piece of its text (the piece
must be found exactly once, so that a change to the code makes these tests fail loudly instead of testing
nothing), builds the copy with the copy's own ``nnla`` and ``proven_numbers`` on ``PYTHONPATH`` and as the
working directory, and then asserts either that the build failed naming the page (and the line), or that
``doccheck.check_site``, the same checks ``test_site_values.py`` runs on the real site, reports the break on
the page it shows up on.

The engine's mistakes are also shown to fail the copy's unit tests (``tests/test_jacobians.py`` run against
the copy's ``nnla``): the doc-test is a second, independent line of defence, not the only one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import doccheck
import pytest
from conftest import ROOT, BuiltSite, build_copy, build_in_process, copy_env, copy_project

#: The copy's nnla says this is its version, so that values.json shows which nnla the build imported.
COPY_VERSION = "0.1.0+mutated-copy"


@dataclass(frozen=True)
class Mutation:
    """Replace `old` by `new` in the copy's file `path`; `old` must occur exactly once."""

    path: str
    old: str
    new: str


#: The build stops checking claims, so that what it would have caught must be caught by the doc-test instead.
BUILD_SKIPS_CLAIMS = Mutation(
    "proven-numbers/src/proven_numbers/markers/claims.py",
    "    if _CLAIM_FRACTION.match(claim):\n        nearest = float(Fraction(claim))\n",
    "    return None  # mutated: the build checks no claim\n"
    "    if _CLAIM_FRACTION.match(claim):\n        nearest = float(Fraction(claim))\n",
)
#: The running example's input x = [1, 2, -1] becomes [1, 2, -2]: ‖x‖² goes from 6 to 9, lr_max from 1/7 to 1/10.
PERTURBED_EXAMPLE = Mutation("nnla/examples.py", "X=_frozen([[1.0, 2.0, -1.0]]),", "X=_frozen([[1.0, 2.0, -2.0]]),")
#: The engine's gradient scale: dL/dP = 2 (P - T) for the SSE.
_SCALE = '    G *= 2.0 if reduction == "sum" else 2.0 / G.size\n'
ENGINE_MISTAKES = {
    "gradient sign flipped": Mutation("nnla/jacobians.py", _SCALE, _SCALE.replace("2.0", "-2.0")),
    "factor 2 missing": Mutation("nnla/jacobians.py", _SCALE, _SCALE.replace("2.0", "1.0")),
    # Gᵀ X is the transpose of the weight gradient, shape (z, n); reshaping it to W's (n, z) instead of
    # transposing keeps every shape check happy and scrambles the entries.
    "weight gradient transposed": Mutation(
        "nnla/jacobians.py", "    dW = X.T @ G\n", "    dW = (G.T @ X).reshape(W.shape)\n"
    ),
}
#: The weight Jacobian in the other layout, the loss component first: [k, i, j] instead of [i, j, k].
#: (Swapping j and k alone would change nothing: the tensor is zero off j = k.)
OTHER_LAYOUT = Mutation(
    "nnla/jacobians.py",
    "entries j != k stay 0\n    return J\n",
    "entries j != k stay 0\n    return np.moveaxis(J, -1, 0)  # mutated: [k, i, j]\n",
)


# ------------------------------------------------------------------------------------------------ machinery


@pytest.fixture(scope="module")
def pristine(built_site: BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the project, made after the session's build (so that its KaTeX cache is warm)."""
    copy = copy_project(tmp_path_factory.mktemp("pristine") / "project")
    mutate(copy, Mutation("nnla/__init__.py", '__version__ = "0.1.0"\n', f'__version__ = "{COPY_VERSION}"\n'))
    return copy


def fresh_copy(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(pristine, copy, symlinks=True)  # node_modules stays a link
    return copy


def mutate(copy: Path, *mutations: Mutation) -> None:
    for mutation in mutations:
        file = copy / mutation.path
        text = file.read_text(encoding="utf-8")
        count = text.count(mutation.old)
        assert count == 1, (
            f"{mutation.path} holds {count} copies of the text this test changes, not 1: the code changed, so "
            f"update the mutation to break the same thing again:\n{mutation.old}"
        )
        file.write_text(text.replace(mutation.old, mutation.new), encoding="utf-8")


def insert_paragraph(page: Path, paragraph: str) -> int:
    """Put a one-line paragraph on a page, at top level past its middle; return its line number (from 1)."""
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    fence = ""
    for index, line in enumerate(lines):
        opening = re.match(r"\s*(`{3,}|~{3,})", line)
        if opening and (not fence or opening.group(1).startswith(fence)):
            fence = "" if fence else opening.group(1)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if (
            index >= len(lines) // 2
            and not fence
            and not line.strip()
            and following.strip()
            and not following[0].isspace()
            and not lines[index - 1][0].isspace()
        ):
            lines[index + 1 : index + 1] = [paragraph + "\n", "\n"]
            page.write_text("".join(lines), encoding="utf-8")
            return index + 2
    raise AssertionError(f"no place for a paragraph on {page}")


def build(copy: Path) -> tuple[int, str, Path]:
    site = copy.parent / "site"
    returncode, output = build_copy(copy, site)
    return returncode, output, site


def build_pages(copy: Path) -> tuple[int, str, Path]:
    """Build a copy whose break is in its pages alone (docs/), in this process: its code is the checkout's, so the
    modules already imported are the copy's (`conftest.build_in_process`); no process to start."""
    site = copy.parent / "site"
    returncode, output = build_in_process(copy / "mkdocs.yml", site)
    return returncode, output, site


def built(copy: Path, pages_only: bool = False) -> tuple[str, Path]:
    returncode, output, site = build_pages(copy) if pages_only else build(copy)
    assert returncode == 0, f"the mutated copy should build, and let the doc-test find the break:\n{output}"
    return output, site


def problems_of(pristine: Path, tmp_path: Path, like: doccheck.Site, *mutations: Mutation) -> list[str]:
    """Build a mutated copy (it must build) and return what the doc-test reports on it. `like` is the session's
    build as read (conftest's `read_site`): the copy's pages that are the same are not parsed again."""
    copy = fresh_copy(pristine, tmp_path)
    mutate(copy, *mutations)
    output, site = built(copy)
    return doccheck.check_site(site, output, like)


def unit_tests_fail(copy: Path) -> str:
    """Run the engine's Jacobian and gradient unit tests against the copy's nnla; return their failure."""
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-x",
            "-q",
            "-p",
            "no:cacheprovider",
            # The copy's engine first: pyproject's own pythonpath would put the project's ahead of it.
            "-o",
            f"pythonpath={copy} {copy / 'hooks'} {ROOT}",
            str(ROOT / "tests" / "test_jacobians.py"),
        ],
        cwd=copy,
        env={**os.environ, **copy_env(copy)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert process.returncode == 1, f"the unit tests should fail on the mutated engine:\n{process.stdout}"
    return process.stdout


def reported(problems: list[str], pattern: str) -> list[str]:
    found = [p for p in problems if re.search(pattern, p)]
    assert found, f"the doc-test did not report {pattern!r}; it reported:\n" + "\n".join(problems)
    return found


# ---------------------------------------------------------------------------------------------------- tests


def test_an_unchanged_copy_passes_every_check_with_its_own_nnla(
    pristine: Path, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """The baseline: the copy imports its own nnla (not the editable install), builds, and passes the doc-test."""
    copy = fresh_copy(pristine, tmp_path)
    where = subprocess.run(
        [sys.executable, "-c", "import nnla; print(nnla.__file__)"],
        cwd=copy,
        env=copy_env(copy),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).resolve() == (copy / "nnla" / "__init__.py").resolve()
    output, site = built(copy)
    assert json.loads((site / "values.json").read_text(encoding="utf-8"))["nnla"] == COPY_VERSION
    assert doccheck.check_site(site, output, like=read_site) == []


def test_a_perturbed_example_fails_the_build_at_the_claim(pristine: Path, tmp_path: Path) -> None:
    """The running example's x changes while the prose still claims lr_max = 1/7: the build stops at that line."""
    copy = fresh_copy(pristine, tmp_path)
    mutate(copy, PERTURBED_EXAMPLE)
    returncode, output, _ = build(copy)
    assert returncode != 0, output
    match = re.search(r"([\w./-]+\.md):(\d+): the prose claims (\w+) = (\S+), but the engine computes", output)
    assert match, output
    page, line, name, claim = match.groups()
    written = (copy / "docs" / page).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    assert f"<!-- nnla:{name} claim={claim} -->" in written, f"{page}:{line} is {written!r}"


def test_a_perturbed_example_fails_the_doctest_at_the_claim(
    pristine: Path, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """The same, with the build's claim check switched off: the doc-test's own claim check reports the page."""
    problems = problems_of(pristine, tmp_path, read_site, PERTURBED_EXAMPLE, BUILD_SKIPS_CLAIMS)
    reported(problems, r"^claims_hold_at_their_written_precision: \S+/index\.html: the prose claims lr_max = 1/7")


def test_an_unknown_marker_fails_the_build_with_page_and_line(pristine: Path, tmp_path: Path) -> None:
    copy = fresh_copy(pristine, tmp_path)
    line = insert_paragraph(copy / "docs" / "part-2.md", "<!-- nnla:grad_weight -->")
    returncode, output, _ = build_pages(copy)
    assert returncode != 0, output
    assert f"part-2.md:{line}: unknown value 'grad_weight'" in output, output
    assert "did you mean 'grad_weights'" in output, output


def test_a_malformed_marker_fails_the_build_with_page_and_line(pristine: Path, tmp_path: Path) -> None:
    copy = fresh_copy(pristine, tmp_path)
    line = insert_paragraph(copy / "docs" / "part-2.md", "<!-- nnla: W -->")
    returncode, output, _ = build_pages(copy)
    assert returncode != 0, output
    assert f"part-2.md:{line}: malformed marker '<!-- nnla: W -->'" in output, output


def test_a_broken_link_fails_the_strict_build(pristine: Path, tmp_path: Path) -> None:
    """MkDocs' link validation is a warning, and strict mode makes the warning stop the build."""
    copy = fresh_copy(pristine, tmp_path)
    insert_paragraph(copy / "docs" / "part-2.md", "See [the missing page](no-such-page.md).")
    returncode, output, _ = build_pages(copy)
    assert returncode != 0, output
    assert re.search(r"WARNING .*'part-2\.md' contains a link 'no-such-page\.md'", output), output
    assert "Aborted with 1 warnings in strict mode" in output, output


def test_a_number_typed_into_the_prose_fails_the_doctest(
    pristine: Path, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """A result written by hand, neither computed nor claimed, is reported with its page and its sentence."""
    copy = fresh_copy(pristine, tmp_path)
    insert_paragraph(copy / "docs" / "part-2.md", "The running example's SSE is 5.65, as computed by hand.")
    output, site = built(copy, pages_only=True)
    reported(
        doccheck.check_site(site, output, like=read_site),
        r"^numbers_in_prose_are_accounted_for: part-2/index\.html: 5\.65 in the prose \(.*SSE is 5\.65, as",
    )


@pytest.mark.parametrize(
    ("mistake", "wrong"),
    [
        ("gradient sign flipped", ["grad_weights", "grad_bias", "W_next", "b_next"]),
        ("factor 2 missing", ["grad_weights", "grad_bias", "W_next", "b_next"]),
        ("weight gradient transposed", ["grad_weights", "W_next"]),
    ],
)
def test_a_wrong_engine_fails_the_doctest(
    pristine: Path, tmp_path: Path, mistake: str, wrong: list[str], read_site: doccheck.Site
) -> None:
    """The engine's gradient made wrong: its unit tests fail, and the doc-test names each wrong value's page."""
    copy = fresh_copy(pristine, tmp_path)
    mutate(copy, ENGINE_MISTAKES[mistake], BUILD_SKIPS_CLAIMS)
    unit_tests_fail(copy)
    output, site = built(copy)
    problems = doccheck.check_site(site, output, like=read_site)
    for name in wrong:
        reported(problems, rf"^values_match_recomputation: {name} \(on [^)]*part-2/index\.html")
    reported(problems, r"^traces_rerun_from_their_published_inputs: trace_\w+ \(on [^)]*index\.html")
    if mistake == "weight gradient transposed":  # the bias gradient is untouched, and the doc-test says so
        assert not [p for p in problems if p.startswith("values_match_recomputation: grad_bias ")]


def test_a_jacobian_in_the_other_layout_fails_the_build_at_its_figure(pristine: Path, tmp_path: Path) -> None:
    """The tensor in layout [k, i, j] has shape (z, n, z): the figure of Part II refuses it, naming the page."""
    copy = fresh_copy(pristine, tmp_path)
    mutate(copy, OTHER_LAYOUT)
    unit_tests_fail(copy)
    returncode, output, _ = build(copy)
    assert returncode != 0, output
    assert "part-2.md:436: 'jacobian_weights' (an array) could not be shown as=figure: ValueError:" in output, output
    assert "got shape (2, 3, 2)" in output, output
    assert "Traceback" not in output, output


def test_a_jacobian_in_the_other_layout_fails_the_doctest(
    pristine: Path, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """Where no figure guards its shape (shown as slices only), the doc-test catches the layout, by page."""
    problems = problems_of(
        pristine,
        tmp_path,
        read_site,
        OTHER_LAYOUT,
        Mutation("docs/part-2.md", "<!-- nnla:jacobian_weights as=figure -->\n", "\n"),
    )
    found = reported(problems, r"^values_match_recomputation: jacobian_weights \(on [^)]*part-2/index\.html")
    assert "shapes (2, 3, 2), (3, 2, 2) mismatch" in found[0], found[0]


def test_numbers_in_two_styles_fail_the_doctest(pristine: Path, tmp_path: Path, read_site: doccheck.Site) -> None:
    """Digits left ungrouped in tables and formulas, and a claim shown as plain text: the doc-test names each."""
    problems = problems_of(
        pristine,
        tmp_path,
        read_site,
        Mutation("proven-numbers/src/proven_numbers/numbers.py", "GROUP_FROM = 5\n", "GROUP_FROM = 99\n"),
        Mutation(
            "proven-numbers/src/proven_numbers/markers/render.py",
            "        shown = self.render_tex(claims.tex(written), False)\n",
            "        shown = written\n",
        ),
    )
    ungrouped = r"^tables_show_the_values_at_their_precision: trace_literal on \S+: step 2 shows 161369\.65, not"
    reported(problems, ungrouped)
    reported(problems, r"^claims_hold_at_their_written_precision: part-2/index\.html: the claim trace_literal_sse2")
