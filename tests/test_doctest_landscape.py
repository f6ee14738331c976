"""Part III's last section, "The landscape is not a bowl", as a doc-test: it passes on the project, and it fails,
naming the values, on copies whose engine or registry is broken in the ways a study can go wrong.

As in ``test_doctest_breaks_network.py``: each break copies the project, changes one piece of text found exactly
once, builds the copy with its own ``nnla``, and runs ``doccheck.check_site`` on it.
"""

from __future__ import annotations

from pathlib import Path

import doccheck
import doccheck_landscape
import pytest
from conftest import BuiltSite, copy_project
from test_doctest_breaks import Mutation, problems_of, reported

#: The batched runs record each gradient norm a thousandth too large.
NORMS_OFF_BY_A_THOUSANDTH = Mutation(
    "nnla/many.py",
    "                np.sqrt(norm, out=norm)\n",
    "                np.sqrt(norm, out=norm)\n                norm *= 1.001  # mutated\n",
)
#: The registry counts only the eigenvalues below -0.1 as negative, as a count that hides the small ones would.
NEGATIVE_COUNTED_LOOSELY = Mutation(
    "hooks/nnla_essay/values_landscape.py",
    "            int(np.sum(eigenvalues < 0)),\n",
    "            int(np.sum(eigenvalues < -0.1)),  # mutated\n",
)
#: The stuck run beside the page's is drawn from the wrong seed: the study's last stuck seed, not its first.
ANOTHER_STUCK_SEED = Mutation(
    "hooks/nnla_essay/values_landscape.py",
    "study_start(int(seeds[first]))",
    "study_start(int(seeds[stuck[-1]]))",
)
#: Part III, as doccheck_network reports a value there.
ON_PART_3 = r"\(on [^)]*part-3/index\.html"


@pytest.fixture(scope="module")
def pristine(built_site: BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the project, made after the session's build (so that its KaTeX cache is warm)."""
    return copy_project(tmp_path_factory.mktemp("pristine-landscape") / "project")


@pytest.mark.parametrize("check", list(doccheck_landscape.CHECKS))
def test_the_project_passes_each_landscape_check(read_site: doccheck.Site, check: str) -> None:
    """The session's build of the project itself: each of the section's checks finds nothing."""
    site = read_site
    problems = doccheck_landscape.CHECKS[check](site)
    assert not problems, f"{check}:\n" + "\n".join(problems)


def test_gradient_norms_that_are_not_the_gradients_fail_the_doctest(
    pristine: Path, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """Norms off by a thousandth: the runs drawn beside each other are named, their losses are not."""
    problems = problems_of(pristine, tmp_path, read_site, NORMS_OFF_BY_A_THOUSANDTH)
    reported(problems, rf"^part-3 runs_beside_rerun: mlp_study_beside {ON_PART_3}.*run 0's gradient_norms differ")
    reported(problems, rf"^part-3 runs_beside_rerun: mlp_study_beside {ON_PART_3}.*run 1's gradient_norms differ")
    assert not [p for p in problems if "'s losses differ" in p], problems


def test_a_hessian_count_hiding_small_negative_eigenvalues_fails_the_doctest(
    pristine: Path, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """Counting only the eigenvalues below -0.1: the count is named, the smallest eigenvalue is not."""
    problems = problems_of(pristine, tmp_path, read_site, NEGATIVE_COUNTED_LOOSELY)
    reported(problems, rf"^part-3 hessian_at_the_start: mlp_hessian_negative_start {ON_PART_3}")
    assert not [p for p in problems if "mlp_lambda_min_start" in p], problems


def test_the_wrong_stuck_run_beside_the_page_s_fails_the_doctest(
    pristine: Path, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """The figure drawn from another stuck seed than the one the page names: the runs beside are named."""
    problems = problems_of(pristine, tmp_path, read_site, ANOTHER_STUCK_SEED)
    reported(problems, rf"^part-3 runs_beside_rerun: mlp_study_beside {ON_PART_3}")
