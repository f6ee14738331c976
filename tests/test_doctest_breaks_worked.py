"""Proof that the doc-test of Part III's worked example with distinct inputs can fail: break a copy, see it named.

As in ``test_doctest_breaks_network.py``, each test copies the project, changes one piece of text found exactly
once, builds the copy with its own ``nnla``, and runs ``doccheck.check_site`` on it.
"""

from __future__ import annotations

import re
from pathlib import Path

import doccheck
import doccheck_worked
import pytest
from conftest import BuiltSite, copy_project
from test_doctest_breaks import Mutation, problems_of, reported

#: The second slice of da/dW1 is taken at the first input: the identity times x_1 where x_2 belongs.
SLICE_OF_THE_WRONG_INPUT = Mutation(
    "hooks/nnla_essay/values_worked.py",
    "            stages.da1_dW1[1],\n",
    "            stages.da1_dW1[0],  # mutated: the slice of x_1 again\n",
)
#: The worked example falls back to a corner of XOR, whose inputs are both 1 and show no factor.
A_CORNER_AGAIN = Mutation(
    "hooks/nnla_essay/values_worked.py", "DISTINCT_X = ((0.5, -2.0),)\n", "DISTINCT_X = ((1.0, 1.0),)  # mutated\n"
)
ON_PART_3 = r"\(on [^)]*part-3/index\.html"


@pytest.fixture(scope="module")
def pristine(built_site: BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the project, made after the session's build (so that its KaTeX cache is warm)."""
    return copy_project(tmp_path_factory.mktemp("pristine-worked") / "project")


@pytest.mark.parametrize("check", list(doccheck_worked.CHECKS))
def test_the_project_passes_each_worked_example_check(read_site: doccheck.Site, check: str) -> None:
    """The session's build of the project itself: each check of the worked example finds nothing."""
    site = read_site
    problems = doccheck_worked.CHECKS[check](site)
    assert not problems, f"{check}:\n" + "\n".join(problems)


def test_a_slice_at_the_wrong_input_fails_the_doctest(pristine: Path, tmp_path: Path, read_site: doccheck.Site) -> None:
    """The second slice computed at x_1: that slice is reported on Part III, and nothing the engine computed right."""
    problems = problems_of(pristine, tmp_path, read_site, SLICE_OF_THE_WRONG_INPUT)
    reported(problems, rf"^part-3 worked_example_recomputes: mlp_distinct_da_dW1_2 {ON_PART_3}")
    others = [p for p in problems if re.search(r"mlp_distinct_(?!da_dW1_2)", p)]
    assert not others, "only the broken slice should be reported:\n" + "\n".join(others)


def test_a_worked_example_at_a_corner_fails_the_doctest(
    pristine: Path, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """Inputs of 1 and 1 recompute consistently, but the section's point no longer holds, and the check says so."""
    problems = problems_of(pristine, tmp_path, read_site, A_CORNER_AGAIN)
    reported(problems, r"^part-3 worked_example_shows_the_factor: .*'the worked example's inputs are distinct'")
    reported(problems, r"^part-3 worked_example_shows_the_factor: .*'its inputs are nonzero and not ±1'")
    assert not [p for p in problems if p.startswith("part-3 worked_example_recomputes")], problems
