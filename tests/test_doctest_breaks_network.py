"""Proof that Part III's doc-test can fail: break a copy of the hidden-layer engine or page, and see Part III named.

As in ``test_doctest_breaks.py`` (whose copying, mutating and building this module reuses), each test copies what
the build reads, changes one piece of text found exactly once, builds the copy with the copy's own ``nnla``, and
runs ``doccheck.check_site`` on it, which runs ``doccheck_network.check``. The copy must still build: Part III
shows what the engine computes, and it is the doc-test's job to find that the engine is wrong, and where.
"""

from __future__ import annotations

import re
from pathlib import Path

import doccheck
import doccheck_network
import pytest
from conftest import BuiltSite, build_in_process, copy_project
from test_doctest_breaks import Mutation, build, built, fresh_copy, insert_paragraph, mutate, problems_of, reported

#: The backward pass forgets the activation's derivative: Delta_1 = Delta_2 W2^T, without the factor 1 - H∘H.
NO_TANH_PRIME = Mutation("nnla/backward.py", "    D1 *= tanh_prime\n", "    pass  # mutated: tanh'(A1) is left out\n")
#: The chain rule's activation Jacobian is the identity instead of diag(1 - h∘h).
IDENTITY_ACTIVATION_JACOBIAN = Mutation(
    "nnla/chain_rule.py", "        dh_da1=np.diag(1.0 - h * h),\n", "        dh_da1=np.eye(k),  # mutated\n"
)
#: The backward pass's dL/dP loses its factor 2: Delta_2 = -E for the SSE, -E/(m z) for the MSE.
NO_FACTOR_2 = Mutation(
    "nnla/backward.py",
    '    D2 *= 2.0 if reduction == "sum" else 2.0 / D2.size\n',
    '    D2 *= 1.0 if reduction == "sum" else 1.0 / D2.size  # mutated\n',
)
#: The seed study keeps the first of its stuck runs and drops the others, as a study that reports only the runs
#: that behave would: the counts still add up to the runs it kept, but not to the seeds the page names.
DROPPED_STUCK_RUNS = Mutation(
    "hooks/nnla_essay/values_landscape.py",
    "    stuck = np.flatnonzero(~many.reached)\n",
    "    stuck = np.flatnonzero(~many.reached)[:1]  # mutated: the stuck runs but one are dropped\n",
)
#: The problem of a value on Part III, as doccheck_network reports it.
ON_PART_3 = r"\(on [^)]*part-3/index\.html"


@pytest.fixture(scope="module")
def pristine(built_site: BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the project, made after the session's build (so that its KaTeX cache is warm)."""
    return copy_project(tmp_path_factory.mktemp("pristine-network") / "project")


def not_reported(problems: list[str], pattern: str) -> None:
    found = [p for p in problems if re.search(pattern, p)]
    assert not found, f"the doc-test should not report {pattern!r}; it reported:\n" + "\n".join(found)


@pytest.mark.parametrize("check", list(doccheck_network.CHECKS))
def test_the_project_passes_each_part_3_check(read_site: doccheck.Site, check: str) -> None:
    """The session's build of the project itself: each of Part III's checks finds nothing."""
    site = read_site
    problems = doccheck_network.CHECKS[check](site)
    assert not problems, f"{check}:\n" + "\n".join(problems)


def test_a_backward_pass_without_the_activation_derivative_fails_the_doctest(
    pristine: Path, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """tanh' left out of backprop: the hidden layer's gradients, the deltas and the training are reported on Part III.

    The chain rule's Jacobians do not go through backprop, and the doc-test says they are still right.

    Without tanh' the training is unstable, and where it ends depends on the processor's rounding: on some
    (measured on an AMD EPYC) its weights run away to about 1e69, where the Hessian at its end cannot be taken by
    central differences. The build itself then stops, without a traceback, naming where the values' computation
    failed: the break is caught before any page, which this test also accepts.
    """
    copy = fresh_copy(pristine, tmp_path)
    mutate(copy, NO_TANH_PRIME)
    returncode, output, site = build(copy)
    if returncode != 0:
        assert "computing the values of 'nnla_essay.registry:compute_all' failed at" in output, output
        assert "values_network.py" in output, output
        assert "Traceback" not in output, output
        return
    problems = doccheck.check_site(site, output, like=read_site)
    for name in ("mlp_delta1", "mlp_outer_W1", "mlp_D1", "mlp_grad_W1", "mlp_grad_b1"):
        reported(problems, rf"^part-3 values_match_recomputation: {name} {ON_PART_3}")
    reported(problems, rf"^part-3 jacobians_match_central_differences: mlp_grad_W1 {ON_PART_3}")
    reported(problems, rf"^part-3 jacobians_match_central_differences: mlp_gradient_gap {ON_PART_3}")
    reported(problems, rf"^part-3 training_reruns: mlp_trace {ON_PART_3}")
    for name in ("mlp_J_W1", "mlp_J_b1", "mlp_dh_da", "mlp_delta2", "mlp_grad_W2", "mlp_grad_b2"):
        not_reported(problems, rf"^part-3 values_match_recomputation: {name} ")
    not_reported(problems, r"mlp_jacobian_gap")


def test_an_activation_jacobian_taken_as_the_identity_fails_the_doctest(
    pristine: Path, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """The chain rule with dh/da = I: the stage, the products through it and the gap are reported on Part III."""
    problems = problems_of(pristine, tmp_path, read_site, IDENTITY_ACTIVATION_JACOBIAN)
    for name in ("mlp_dh_da", "mlp_J_W1", "mlp_J_b1"):
        reported(problems, rf"^part-3 values_match_recomputation: {name} {ON_PART_3}")
        reported(problems, rf"^part-3 jacobians_match_central_differences: {name} {ON_PART_3}")
    reported(problems, rf"^part-3 jacobians_match_central_differences: mlp_jacobian_gap {ON_PART_3}")
    # The output layer's Jacobians and the backward pass do not use that stage.
    for name in ("mlp_J_W2", "mlp_J_b2", "mlp_J_W1_numeric", "mlp_grad_W1", "mlp_trace"):
        not_reported(problems, rf"^part-3 \w+: {name} ")


def test_a_backward_pass_without_its_factor_2_fails_the_doctest(
    pristine: Path, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """dL/dP = -E instead of -2E: every gradient is halved, and training with them no longer matches a re-run."""
    problems = problems_of(pristine, tmp_path, read_site, NO_FACTOR_2)
    for name in ("mlp_delta2", "mlp_D2", "mlp_grad_W1", "mlp_grad_b1", "mlp_grad_W2", "mlp_grad_b2"):
        reported(problems, rf"^part-3 values_match_recomputation: {name} {ON_PART_3}")
    reported(problems, rf"^part-3 training_reruns: mlp_trace {ON_PART_3}")
    reported(problems, rf"^part-3 step_sweep_reruns: mlp_lr_sweep {ON_PART_3}")


def test_a_number_typed_into_part_3_fails_the_doctest(pristine: Path, tmp_path: Path, read_site: doccheck.Site) -> None:
    """A result written by hand on Part III, neither computed nor claimed, is reported with the page and sentence."""
    copy = fresh_copy(pristine, tmp_path)
    insert_paragraph(copy / "docs" / "part-3.md", "After training, the MSE is 0.0001, as computed by hand.")
    output, site = built(copy, pages_only=True)
    reported(
        doccheck.check_site(site, output, like=read_site),
        r"^part-3 numbers_in_prose_are_accounted_for: part-3/index\.html: 0\.0001 in the prose \(.*MSE is 0\.0001",
    )


def test_inline_math_split_over_two_lines_fails_the_build(pristine: Path, tmp_path: Path) -> None:
    """Inline math cannot span lines: it would reach the reader as dollar signs around code; the build names it
    (a promise of every page) before the doc-test could (its `math_is_typeset`, which still backs it up)."""
    copy = fresh_copy(pristine, tmp_path)
    line = insert_paragraph(
        copy / "docs" / "part-3.md", "The summed loss is $`L = \\ell_1 +\n\\ell_2`$ for two outputs."
    )
    returncode, output = build_in_process(copy / "mkdocs.yml", tmp_path / "site")
    assert returncode != 0, output
    assert f"part-3.md:{line}: the page breaks the site's promises: a formula split across lines" in output, output


def test_a_seed_study_that_drops_its_stuck_runs_fails_the_doctest(
    pristine: Path, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """The study reports one stuck run of several: its re-run here names the count, the seeds, where they end, and
    the runs that no longer add up; what it did not touch (the runs that reach, the stuck run it kept) is not named."""
    problems = problems_of(pristine, tmp_path, read_site, DROPPED_STUCK_RUNS)
    for name in ("mlp_study_stuck", "mlp_study_stuck_seeds", "mlp_study_stuck_low"):
        reported(problems, rf"^part-3 seed_study_reruns: {name} {ON_PART_3}")
    reported(problems, r"^part-3 seed_study_reruns: .*'every run either reaches the MSE or is stuck' does not hold")
    for name in ("mlp_study_reached_short", "mlp_study_reached", "mlp_study_stuck_seed", "mlp_study_stuck_P"):
        not_reported(problems, rf"^part-3 \w+: {name} ")
