"""Proof that the explorers' doc-test can fail: break a copy of their registry, their rendering, their figure or
their page.

As in ``test_doctest_breaks_network.py``, a mutated copy of the project must still build (the explorers show what
the registry computes; finding it wrong is the doc-test's job), and ``doccheck.check_site`` must name the explorer,
its page and the setting. A wrong page is made more cheaply, by altering a copy of the session's built site.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import doccheck
import doccheck_explorers
import pytest
from conftest import BuiltSite, copy_project
from test_doctest_breaks import Mutation, problems_of, reported

#: The learning-rate explorer's factor loses its 2: r = 1 − η λ_max / 2, so r and the regimes are wrong.
HALF_FACTOR = Mutation(
    "hooks/nnla_essay/values_explorers.py",
    "    factors = np.array([1.0 - lr * lam for lr in lrs])\n",
    "    factors = np.array([1.0 - lr * lam / 2 for lr in lrs])  # mutated\n",
)
#: The training explorer's MSE at each snapshot is taken one step late (the last snapshot keeps its own).
LATE_LOSS = Mutation(
    "hooks/nnla_essay/kinds.py",
    "        return np.asarray(self.runs[run].losses[self.steps], dtype=np.float64)\n",
    "        return np.asarray(self.runs[run].losses[np.minimum(self.steps + 1, self.steps[-1])])  # mutated\n",
)
#: The training explorer's dot drawn at half the snapshot's step: on the curve, but at the wrong place on it.
DOT_AT_HALF_THE_STEP = Mutation(
    "hooks/nnla_essay/training_explorer.py",
    "        marks.append([vertices[min(int(s), len(vertices) - 1)] for s in value.steps])\n",
    "        marks.append([vertices[min(int(s), len(vertices) - 1) // 2] for s in value.steps])  # mutated\n",
)
#: The training explorer's "stuck" seed is 3, two after the study's first stuck seed (1), and not stuck itself.
NOT_THE_STUCK_SEED = Mutation(
    "hooks/nnla_essay/values_explorers.py",
    "    stuck = first_stuck_seed()\n",
    "    stuck = first_stuck_seed() + 2  # mutated\n",
)
#: Each cell of the training explorer's surfaces is put on the other side of the midpoint: the hue is wrong.
SIDES_SWAPPED = Mutation(
    "hooks/nnla_essay/training_explorer.py",
    """"sides": "".join("h" if cell_side(float(v)) == "nnla-high" else "l" for v in cells),""",
    """"sides": "".join("l" if cell_side(float(v)) == "nnla-high" else "h" for v in cells),  # mutated""",
)
#: Part III's training explorer on its page, as doccheck_training reports it.
TRAINING_ON_PART_3 = r"explore_training \(on [^)]*part-3/index\.html\)"
#: The readout shows r where it says r².
R_FOR_R2 = Mutation(
    "hooks/nnla_essay/explorer_html.py",
    '                "r2": decimals(float(r * r), digits).text(),\n',
    '                "r2": decimals(float(r), digits).text(),  # mutated\n',
)
#: The learning-rate explorer's curves placed by the natural logarithm of each loss, not its log10: the axis' ticks
#: (log10) and the curve disagree.
NATURAL_LOG = Mutation(
    "proven-numbers/src/proven_numbers/svg/explorer.py",
    "        u = math.log10(value) if value > 0 else -math.inf\n",
    "        u = math.log(value) if value > 0 else -math.inf  # mutated\n",
)
#: Each setting's text alternative is the next setting's (the last wraps round to the first).
NEXT_DESCRIPTION = Mutation(
    "hooks/nnla_essay/figures.py",
    " for label in labels],\n",
    " for label in [*labels[1:], labels[0]]],  # mutated\n",
)
#: Part II's explorer on a page, as doccheck_explorers reports it.
ON_PART_2 = r"explore_lr \(on [^)]*part-2/index\.html\)"


def explorer_checks(site: Path, like: doccheck.Site) -> list[str]:
    """The doc-test's explorer checks on a copy of the built site, as `doccheck.check_site` reports them: the tests
    below assert what these report, so the others (the whole doc-test runs on the real build) are not rerun. Only
    the page a test altered is parsed again (`like`: the session's build as read)."""
    return doccheck_explorers.check(doccheck.read_site(site, like=like))


@pytest.fixture(scope="module")
def pristine(built_site: BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the project, made after the session's build (so that its KaTeX cache is warm)."""
    return copy_project(tmp_path_factory.mktemp("pristine-explorers") / "project")


@pytest.mark.parametrize("check", list(doccheck_explorers.CHECKS))
def test_the_project_passes_each_explorer_check(read_site: doccheck.Site, check: str) -> None:
    """The session's build of the project itself: each of the explorers' checks finds nothing."""
    site = read_site
    problems = doccheck_explorers.CHECKS[check](site)
    assert not problems, f"{check}:\n" + "\n".join(problems)


def test_a_wrong_factor_fails_the_doctest_at_each_setting(
    pristine: Path, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """r without its factor 2: every setting's r is reported, the boundary's regime too, and nothing else."""
    problems = problems_of(pristine, tmp_path, read_site, HALF_FACTOR)
    wrong_r = reported(problems, rf"^explorers learning_rate_settings_recompute: {ON_PART_2}, setting \d+: r = ")
    assert len(set(re.findall(r"setting (\d+): r = ", "\n".join(wrong_r)))) > 1, wrong_r
    reported(problems, rf"^explorers learning_rate_settings_recompute: {ON_PART_2}, setting 49: regime 'stable'")
    assert all(p.startswith("explorers ") for p in problems), "\n".join(problems)


def test_a_late_snapshot_loss_fails_the_doctest(pristine: Path, tmp_path: Path, read_site: doccheck.Site) -> None:
    """The MSE of the next step under each snapshot: the re-run disagrees, at every run, and nothing else."""
    problems = problems_of(pristine, tmp_path, read_site, LATE_LOSS)
    for run in range(6):
        reported(problems, rf"^explorers training_runs_recompute: {TRAINING_ON_PART_3}, run {run} .*, step 0: its MSE")
    assert all(p.startswith("explorers training_runs_recompute") for p in problems), "\n".join(problems)


def test_a_dot_off_its_step_fails_the_doctest(pristine: Path, tmp_path: Path, read_site: doccheck.Site) -> None:
    """The dot on the curve but at half the step: each snapshot past the first is reported, and the static page."""
    problems = problems_of(pristine, tmp_path, read_site, DOT_AT_HALF_THE_STEP)
    reported(
        problems,
        r"^explorers training_curves_draw_the_runs: explore_training on part-3/index\.html, run 0: "
        r"snapshot 1: the dot at ",
    )
    assert all(p.startswith("explorers training_curves_draw_the_runs") for p in problems), "\n".join(problems)
    assert not any("snapshot 0:" in p for p in problems), "step 0 is its own half: the dot is right there"


def test_a_seed_that_is_not_stuck_fails_the_doctest(pristine: Path, tmp_path: Path, read_site: doccheck.Site) -> None:
    """The explorer's second seed is not the study's first stuck one: its runs are not the ones the page names."""
    problems = problems_of(pristine, tmp_path, read_site, NOT_THE_STUCK_SEED)
    reported(problems, rf"^explorers training_runs_recompute: {TRAINING_ON_PART_3}: its runs are not the sweep's")


def test_cells_shaded_on_the_wrong_side_fail_the_doctest(
    pristine: Path, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """Every cell's hue swapped: reported cell by cell, and nothing else."""
    problems = problems_of(pristine, tmp_path, read_site, SIDES_SWAPPED)
    reported(
        problems,
        r"^explorers training_readouts_show_the_runs: explore_training on part-3/index\.html, run 0, "
        r"snapshot 0: cell 0 shows ",
    )
    assert all(p.startswith("explorers training_readouts_show_the_runs") for p in problems), "\n".join(problems)


def test_a_readout_of_the_wrong_number_fails_the_doctest(
    pristine: Path, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """r shown where the readout says r²: reported at a setting where the two differ."""
    problems = problems_of(pristine, tmp_path, read_site, R_FOR_R2)
    reported(problems, r"^explorers readouts_show_the_settings: explore_lr on part-2/index\.html, setting 0: shows r2")
    assert all(p.startswith("explorers readouts_show_the_settings") for p in problems), "\n".join(problems)


def test_a_page_whose_default_is_not_the_engines_fails_the_doctest(
    built_site: BuiltSite, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """The static readout (what a reader without JavaScript sees) changed on a copy of the built Part III."""
    site = tmp_path / "site"
    shutil.copytree(built_site.site_dir, site)
    page = site / "part-3" / "index.html"
    text = page.read_text(encoding="utf-8")
    match = re.search(r'<output data-nnla-show="loss">([^<]*)</output>', text)
    assert match, "part-3/index.html no longer has the training explorer's loss readout: update this test"
    page.write_text(text[: match.start(1)] + "0.5" + text[match.end(1) :], encoding="utf-8")
    problems = explorer_checks(site, read_site)
    reported(
        problems,
        r"^explorers training_default_is_on_the_page: explore_training on part-3/index\.html: "
        r"the page shows loss '0\.5'",
    )


def test_readout_text_the_engine_did_not_compute_fails_the_doctest(
    built_site: BuiltSite, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """One setting's readout text altered in the page's data: the doc-test names the setting."""
    site = tmp_path / "site"
    shutil.copytree(built_site.site_dir, site)
    page = site / "part-2" / "index.html"
    text = page.read_text(encoding="utf-8")
    match = re.search(r'(data-nnla-shown=")([^"]*)(")', text)
    assert match, "part-2/index.html no longer has the explorer's readouts: update this test"
    shown = json.loads(html.unescape(match.group(2)))
    shown[7]["loss"] = "1"
    altered = html.escape(json.dumps(shown, ensure_ascii=False))
    page.write_text(text[: match.start(2)] + altered + text[match.end(2) :], encoding="utf-8")
    problems = explorer_checks(site, read_site)
    reported(
        problems, r"^explorers readouts_show_the_settings: explore_lr on part-2/index\.html, setting 7: shows loss '1'"
    )


def test_a_curve_on_the_wrong_scale_fails_the_doctest(pristine: Path, tmp_path: Path, read_site: doccheck.Site) -> None:
    """Curves placed by ln of the loss on an axis ticked in log10: the doc-test names the setting and the step, on
    both explorers' plots (the training explorer's curves leave its window, and it still builds)."""
    problems = problems_of(pristine, tmp_path, read_site, NATURAL_LOG)
    reported(
        problems,
        r"^explorers learning_rate_curves_draw_the_runs: explore_lr on part-2/index\.html, "
        r"setting 0: step 1: the vertex",
    )
    reported(problems, r"^explorers training_curves_draw_the_runs: explore_training on part-3/index\.html, run 0: ")
    curves = ("explorers learning_rate_curves_draw_the_runs", "explorers training_curves_draw_the_runs")
    assert all(p.startswith(curves) for p in problems), "\n".join(problems)


def test_a_text_alternative_of_another_setting_fails_the_doctest(
    pristine: Path, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """Each setting's figure described as the next one's: the doc-test names the η the description lacks."""
    problems = problems_of(pristine, tmp_path, read_site, NEXT_DESCRIPTION)
    reported(
        problems,
        r"^explorers learning_rate_curves_draw_the_runs: explore_lr on part-2/index\.html, setting 3: "
        r"the text alternative does not name η = ",
    )


def test_a_static_figure_that_is_not_the_default_fails_the_doctest(
    built_site: BuiltSite, tmp_path: Path, read_site: doccheck.Site
) -> None:
    """The figure a reader without JavaScript sees drawn with another setting's curve, on a copy of Part II."""
    site = tmp_path / "site"
    shutil.copytree(built_site.site_dir, site)
    page = site / "part-2" / "index.html"
    text = page.read_text(encoding="utf-8")
    match = re.search(
        r'(<svg [^>]*id="nnla-explore-lr".*?<polyline class="[^"]*" data-n="\d+" points=")([^"]*)"', text, re.S
    )
    assert match, "part-2/index.html no longer draws the explorer's curve as a polyline: update this test"
    curves = json.loads(html.unescape(re.search(r'data-nnla-curves="([^"]*)"', text).group(1)))  # type: ignore[union-attr]
    page.write_text(text[: match.start(2)] + curves[0]["points"] + text[match.end(2) :], encoding="utf-8")
    problems = explorer_checks(site, read_site)
    reported(
        problems,
        r"^explorers readouts_show_the_settings: explore_lr on part-2/index\.html: "
        r"the figure does not draw the default",
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('src="../javascripts/explorers.js"', 'src="../javascripts/explorerz.js"'),
        ('rel="stylesheet" href="../stylesheets/explorers.css"', 'rel="preload" href="../stylesheets/explorers.css"'),
    ],
    ids=["script", "stylesheet"],
)
def test_a_page_without_the_explorers_own_files_fails_the_doctest(
    built_site: BuiltSite, tmp_path: Path, read_site: doccheck.Site, old: str, new: str
) -> None:
    """Part II's explorer without the site's script or its stylesheet (another file, or a link that applies none)."""
    site = tmp_path / "site"
    shutil.copytree(built_site.site_dir, site)
    page = site / "part-2" / "index.html"
    text = page.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"part-2/index.html no longer has {old!r} once: update this test"
    page.write_text(text.replace(old, new), encoding="utf-8")
    problems = explorer_checks(site, read_site)
    path = "javascripts/explorers.js" if "javascripts" in old else "stylesheets/explorers.css"
    assert problems == [
        f"explorers scripts_are_ours_and_local: part-2/index.html (for explore_lr) does not load the site's own {path}"
    ], problems
