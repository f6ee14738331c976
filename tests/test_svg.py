"""Tests of proven_numbers.svg: the markup is well-formed, accessible, deterministic and shows exactly the data."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any, TypedDict, Unpack

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proven_numbers.svg import Series, explorer, loss, loss_plot, markup, surface, surface_figure, tensor_figure

NS = {"s": "http://www.w3.org/2000/svg"}
#: Coordinates are written with two decimals.
COORD_TOL = 0.006


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def child(root: ET.Element, path: str) -> ET.Element:
    """The first element at `path` (prefix s: for SVG); the test fails if there is none."""
    element = root.find(path, NS)
    assert element is not None, f"no {path} in the figure"
    return element


def text_at(root: ET.Element, path: str) -> str:
    """The text of the first element at `path`; the test fails if there is no such element or it has no text."""
    content = child(root, path).text
    assert content is not None, f"{path} has no text"
    return content


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def find_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in classes(e)]


def vertices(polyline: ET.Element) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (pair.split(",") for pair in polyline.get("points", "").split())]


def tick_labels(root: ET.Element, axis: str) -> list[str]:
    (group,) = find_class(root, f"nnla-axis-{axis}")
    return ["".join(t.itertext()) for t in find_class(group, "nnla-tick-label")]


def tick_y(root: ET.Element, label: str) -> float:
    (group,) = find_class(root, "nnla-axis-y")
    (text,) = [t for t in find_class(group, "nnla-tick-label") if "".join(t.itertext()) == label]
    return float(text.get("y", "nan"))


class PlotOptions(TypedDict, total=False):
    """The keywords of loss_plot that `plot` passes on only when a test gives them, so loss_plot's defaults hold."""

    log_scale: bool | None
    reference: tuple[float, str] | None
    y_label: str


def plot(
    *losses: list[float],
    title: str = "Loss",
    description: str = "A test plot.",
    id_prefix: str = "fig",
    **options: Unpack[PlotOptions],
) -> str:
    series = [Series(f"run {n}", values) for n, values in enumerate(losses)]
    return loss_plot(series, title=title, description=description, id_prefix=id_prefix, **options)


def diagonal_tensor() -> npt.NDArray[np.float64]:
    """Shape (3, 2, 2), every slice diagonal with nonzero diagonal: 6 zeros and 6 nonzeros."""
    return np.stack([np.diag([1.5, -2.0]), np.diag([0.25, 3.0]), np.diag([-1.0, 1.0])])


#: A 3×3 output over the square: low on the diagonal, high off it, one tiny value written as a power of ten.
SURFACE = np.array([[0.0, 0.75, 1.0], [0.5, 5.48e-5, 0.8], [1.25, 0.9, -0.2]])
SURFACE_GRID = np.array([0.0, 0.5, 1.0])

#: Three runs for the explorer's plot: one that falls, one that grows out of the window, one that falls to 0.
SETTINGS = [[5.0, 0.5, 0.05, 0.005], [5.0, 500.0, 5.0e4, 5.0e6], [5.0, 0.5, 0.0, 0.0]]
SETTINGS_WINDOW = (1.0e-4, 1.0e5)


def explorer_plot(prefix: str = "fig", default: int = 0) -> tuple[str, list[explorer.Curve]]:
    """The explorer's plot of `SETTINGS`, drawn with the run `default`."""
    return explorer.settings_plot(
        [Series(f"η = {n}", losses) for n, losses in enumerate(SETTINGS)],
        [f"Run {n}." for n in range(len(SETTINGS))],
        default=default,
        window=SETTINGS_WINDOW,
        title="Loss",
        id_prefix=prefix,
    )


FIGURES: dict[str, Callable[[str], str]] = {
    "loss_plot": lambda prefix: plot([5.65, 0.0], id_prefix=prefix),
    "settings_plot": lambda prefix: explorer_plot(prefix)[0],
    "tensor_figure": lambda prefix: tensor_figure(diagonal_tensor(), title="J", description="", id_prefix=prefix),
    "surface_figure": lambda prefix: surface_figure(SURFACE, SURFACE_GRID, title="p", description="", id_prefix=prefix),
}


# --- both figures -------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", FIGURES.values(), ids=FIGURES.keys())
def test_root_is_an_accessible_image_labelled_by_its_title_and_desc(make: Callable[[str], str]) -> None:
    """role=img, and aria-labelledby names the <title> and <desc> elements, in that order."""
    root = parse(make("fig"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby", "").split()
    found = [next(e for e in root.iter() if e.get("id") == i) for i in ids]
    assert [e.tag.split("}")[1] for e in found] == ["title", "desc"]
    assert root[0].tag.endswith("title")  # the accessible name comes first


@pytest.mark.parametrize("make", FIGURES.values(), ids=FIGURES.keys())
def test_figure_scales_to_its_container(make: Callable[[str], str]) -> None:
    """A viewBox, width 100% and a max-width: the figure shrinks on a phone and never grows past its size."""
    root = parse(make("fig"))
    _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
    assert width > 0
    assert height > 0
    assert root.get("style") == f"width:100%;max-width:{width:g}px;height:auto"


@pytest.mark.parametrize("make", FIGURES.values(), ids=FIGURES.keys())
def test_output_is_deterministic(make: Callable[[str], str]) -> None:
    """The same input gives byte-identical output."""
    assert make("fig") == make("fig")


@pytest.mark.parametrize("make", FIGURES.values(), ids=FIGURES.keys())
def test_ids_and_css_are_scoped_by_the_prefix(make: Callable[[str], str]) -> None:
    """Every id starts with id_prefix and every CSS selector with #id_prefix, so figures on a page do not clash."""
    markup = make("first")
    root = parse(markup)
    assert all(e.get("id", "first").startswith("first") for e in root.iter())
    (style,) = root.iter("{http://www.w3.org/2000/svg}style")
    selectors = [s.strip() for group in re.findall(r"([^{}]+)\{", style.text or "") for s in group.split(",")]
    selectors = [s for s in selectors if not s.startswith("@media")]
    assert selectors
    assert all(s == "#first" or s.startswith("#first ") for s in selectors), selectors
    assert make("second").replace("second", "first") == markup


@pytest.mark.parametrize("make", FIGURES.values(), ids=FIGURES.keys())
def test_text_follows_the_page_colour_and_font(make: Callable[[str], str]) -> None:
    """Text is currentColor in the page's font; lines and fills are CSS variables with fallbacks."""
    (style,) = parse(make("fig")).iter("{http://www.w3.org/2000/svg}style")
    css = style.text or ""
    assert "#fig text{fill:currentColor" in css
    assert "font-family:inherit" in css
    assert "var(--nnla-fg,currentColor)" in css
    assert re.search(r"font-size:\d+px", css)


def test_loss_plot_text_grows_on_small_screens() -> None:
    """Below a 600 px viewport the plot, shrunk to fit, raises its text size so tick labels stay legible."""
    (style,) = parse(plot([1.0, 0.5])).iter("{http://www.w3.org/2000/svg}style")
    size = markup.SMALL_SCREEN_FONT_PX
    assert f"@media (max-width:600px){{#fig{{font-size:{size}px}}" in (style.text or "")
    assert size > markup.FONT_PX


def test_text_is_escaped() -> None:
    """Markup characters in the title, description and labels arrive as text, not as markup."""
    nasty = "<b>&\"'</b>"
    root = parse(
        loss_plot(
            [Series(nasty, [3.0, 1.0]), Series("b", [2.0, 1.0])],
            title=nasty,
            description=nasty,
            id_prefix="fig",
            reference=(0.5, nasty),
        )
    )
    assert text_at(root, "s:title") == nasty
    assert text_at(root, "s:desc").startswith(nasty)
    assert find_class(root, "nnla-series")[0].get("data-label") == nasty
    assert nasty in ["".join(t.itertext()) for t in find_class(root, "nnla-legend-label")]


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1).filter(str.strip))
def test_any_printable_title_round_trips(title: str) -> None:
    """Property: any printable title parses back unchanged from both figures."""
    makers: tuple[Callable[[], str], ...] = (
        lambda: plot([1.0], title=title),
        lambda: tensor_figure(np.ones((1, 1, 1)), title=title, description="", id_prefix="t"),
    )
    for make in makers:
        assert text_at(parse(make()), "s:title") == title


# --- loss_plot ---------------------------------------------------------------------------------------


def test_one_polyline_per_series_with_a_vertex_per_loss() -> None:
    """Each series is one polyline whose vertex count and data-n equal its number of losses."""
    root = parse(plot([5.0, 3.0, 2.0, 1.5], [5.0, 9.0], [4.0]))
    lines = find_class(root, "nnla-line")
    lines = [e for e in lines if e.tag.endswith("polyline")]
    assert [len(vertices(e)) for e in lines] == [4, 2, 1]
    assert [e.get("data-n") for e in lines] == ["4", "2", "1"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.floats(0, 1.7e308, allow_nan=False, allow_infinity=False), min_size=1, max_size=80),
        min_size=1,
        max_size=4,
    )
)
def test_every_loss_is_plotted(runs: list[list[float]]) -> None:
    """Property: no point is dropped or added, and every vertex is a finite coordinate inside the viewBox."""
    root = parse(plot(*runs))
    _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
    for polyline in (e for e in find_class(root, "nnla-line") if e.tag.endswith("polyline")):
        assert all(0 <= x <= width and 0 <= y <= height for x, y in vertices(polyline))
    polylines = [e for e in find_class(root, "nnla-line") if e.tag.endswith("polyline")]
    assert [len(vertices(e)) for e in polylines] == [len(r) for r in runs]
    markers = find_class(root, "nnla-markers")[: len(runs)]
    assert [int(m.get("data-n", "0")) for m in markers] == [
        len(r) if len(r) <= loss.MARK_EVERY_POINT_UP_TO else 1 for r in runs
    ]


def test_a_shorter_series_ends_where_its_data_ends() -> None:
    """A run that diverged after 3 steps stops at step 3, the x of step 3 on the shared axis of 10 steps."""
    root = parse(plot(list(np.linspace(5, 1, 11)), [5.0, 20.0, 400.0, 9000.0]))
    long, short = (vertices(e) for e in find_class(root, "nnla-line") if e.tag.endswith("polyline"))
    assert short[-1][0] == pytest.approx(long[3][0], abs=COORD_TOL)
    assert [x for x, _ in long] == sorted(x for x, _ in long)


@pytest.mark.parametrize(
    ("losses", "scale"),
    [
        ([100.0, 10.0, 1.0], "linear"),  # exactly 2 decades: not more than 2
        ([1000.0, 10.0, 1.0], "log"),
        ([5.0, 1e-9], "log"),
        ([5.65, 0.0], "linear"),  # one positive value spans no decades
        ([0.0, 0.0], "linear"),
    ],
)
def test_log_scale_is_chosen_when_the_losses_span_more_than_two_decades(losses: list[float], scale: str) -> None:
    assert parse(plot(losses)).get("data-scale") == scale


def test_log_scale_can_be_forced_either_way() -> None:
    assert parse(plot([1000.0, 1.0], log_scale=False)).get("data-scale") == "linear"
    assert parse(plot([2.0, 1.0], log_scale=True)).get("data-scale") == "log"


def test_linear_ticks_are_round_numbers_covering_the_data() -> None:
    """The essay's one step, 5.65 to 0: y ticks 0, 2, 4, 6 and x ticks 0, 1."""
    root = parse(plot([5.65, 0.0]))
    assert tick_labels(root, "y") == ["0", "2", "4", "6"]
    assert tick_labels(root, "x") == ["0", "1"]


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        (1.0, ["0", "0.2", "0.4", "0.6", "0.8", "1"]),
        (0.3, ["0", "0.1", "0.2", "0.3"]),
        (47.0, ["0", "10", "20", "30", "40", "50"]),
        (3e-4, ["0", "1×10−4", "2×10−4", "3×10−4"]),
        (2e5, ["0", "50\u202f000", "100\u202f000", "150\u202f000", "200\u202f000"]),  # grouped as everywhere
        (9e5, ["0", "2×105", "4×105", "6×105", "8×105", "1×106"]),
    ],
)
def test_linear_tick_labels(top: float, expected: list[str]) -> None:
    assert tick_labels(parse(plot([top, 0.0])), "y") == expected


def test_log_ticks_are_powers_of_ten_with_superscript_exponents() -> None:
    """Decades from 10^-4 to 10^2, written as 10 with the exponent in a raised tspan."""
    root = parse(plot([100.0, 1.0, 0.01, 0.0001]))
    assert tick_labels(root, "y") == [f"10{e}".replace("-", "−") for e in range(-4, 3)]
    (group,) = find_class(root, "nnla-axis-y")
    sups = [t for t in group.iter("{http://www.w3.org/2000/svg}tspan")]
    assert [s.text for s in sups] == ["−4", "−3", "−2", "−1", "0", "1", "2"]
    assert all(s.get("dy", "").startswith("-") for s in sups)


def test_log_ticks_thin_out_over_many_decades() -> None:
    """From 10^-17 to 10^5 the labels step by a round 5 decades, inside the data's decades, at most seven."""
    labels = tick_labels(parse(plot([1e5, 1e-17])), "y")
    assert labels == [f"10{e}".replace("-", "−") for e in range(-15, 6, 5)]


def test_a_log_axis_to_float64s_maximum_has_round_steps_few_faint_lines_and_no_tick_above_it() -> None:
    """The literal rule's chart (5.65 to 1.6×10^308): labels every 50 decades up to 10^300, at most one faint line
    between two (the old axis drew one a decade, a grey band), none above float64's largest value, and the axis
    ends at the data's largest value. The old axis labelled every 52 decades up to 10^312."""
    root = parse(plot([5.65, 1.5864035918563277e308]))
    exponents = [int(label[2:].replace("−", "-")) for label in tick_labels(root, "y")]
    assert exponents == list(range(0, 301, 50))
    (grid,) = find_class(root, "nnla-grid")
    faint = [e for e in grid if "nnla-minor" in classes(e)]
    assert len(faint) < len(exponents)
    (line,) = [e for e in root.iter("{http://www.w3.org/2000/svg}polyline")]
    top_of_data = min(y for _, y in vertices(line))
    (axis,) = find_class(root, "nnla-axis-y")
    assert float(axis[0].get("y1", "nan")) == pytest.approx(top_of_data, abs=0.01)  # the axis ends at the data
    assert all(tick_y(root, label) >= top_of_data - 0.01 for label in tick_labels(root, "y"))


@pytest.mark.parametrize("losses", [[3.0, 2.0e-7], [1.0e300, 1.0e-300], [0.5, 0.4], [1.0e-5, 2.0e-5, 1.0e-2]])
def test_log_ticks_stay_inside_the_datas_decades(losses: list[float]) -> None:
    """No labelled tick below the decade at or below the smallest loss, nor above the decade at or above the
    largest: the axis does not reach out to a round multiple of its step, empty."""
    labels = tick_labels(parse(plot(losses, log_scale=True)), "y")
    exponents = [int(label[2:].replace("−", "-")) for label in labels]
    assert len(exponents) >= 2
    assert min(exponents) >= np.floor(np.log10(min(losses)))
    assert max(exponents) <= np.ceil(np.log10(max(losses)))


def test_x_ticks_step_through_the_run() -> None:
    assert tick_labels(parse(plot(list(np.linspace(5, 1, 51)))), "x") == ["0", "10", "20", "30", "40", "50"]


def test_zeros_on_a_log_scale_sit_on_their_own_baseline() -> None:
    """A loss of 0 is plotted on the baseline labelled 0, below the lowest decade, and the desc says so."""
    root = parse(plot([100.0, 1.0, 0.01, 0.0]))
    assert root.get("data-scale") == "log"
    (line,) = [e for e in find_class(root, "nnla-line") if e.tag.endswith("polyline")]
    points = vertices(line)
    assert len(points) == 4
    assert points[3][1] == pytest.approx(tick_y(root, "0"), abs=COORD_TOL)
    assert points[3][1] > tick_y(root, "10−2") > points[1][1]
    assert "1 value equal to 0 is drawn on a separate baseline marked 0" in text_at(root, "s:desc")


def test_reference_line_is_drawn_at_its_value_and_named_in_the_legend() -> None:
    """The dashed line's y is the y of a loss with the same value; the legend gives its label and value."""
    root = parse(plot([4.0, 2.0, 0.0], reference=(2.0, "least squares")))
    (ref,) = [e for e in find_class(root, "nnla-reference") if e.get("data-value")]  # not the legend sample
    (line,) = [e for e in find_class(root, "nnla-line") if e.tag.endswith("polyline")]
    assert float(ref.get("y1", "nan")) == float(ref.get("y2", "nan"))
    assert float(ref.get("y1", "nan")) == pytest.approx(vertices(line)[1][1], abs=COORD_TOL)
    assert ref.get("data-value") == "2.0"
    assert "least squares (2)" in ["".join(t.itertext()) for t in find_class(root, "nnla-legend-label")]
    assert "Dashed line: least squares, 2." in text_at(root, "s:desc")


def test_no_reference_line_unless_asked() -> None:
    assert find_class(parse(plot([4.0, 2.0])), "nnla-reference") == []


def test_legend_only_with_several_series_or_a_reference() -> None:
    assert find_class(parse(plot([4.0, 2.0])), "nnla-legend-item") == []
    labels = find_class(parse(plot([4.0, 2.0], [3.0, 1.0])), "nnla-legend-label")
    assert ["".join(t.itertext()) for t in labels] == ["run 0", "run 1"]
    assert len(find_class(parse(plot([4.0, 2.0], reference=(1.0, "r"))), "nnla-legend-item")) == 2


def test_axis_titles() -> None:
    root = parse(plot([4.0, 2.0], y_label="loss (MSE)"))
    assert ["".join(t.itertext()) for t in find_class(root, "nnla-axis-title")] == ["loss (MSE)", "step"]
    assert "loss (SSE)" in ["".join(t.itertext()) for t in find_class(parse(plot([1.0])), "nnla-axis-title")]


@pytest.mark.parametrize(
    ("runs", "summary"),
    [
        ([[5.65, 0.0]], "The essay's step. Loss falls from 5.65 to 0 in 1 step."),
        ([[2.0]], "The essay's step. Loss is 2 at step 0."),
        ([[1.0, 3.0, 9.0]], "The essay's step. Loss rises from 1 to 9 in 2 steps."),
        ([[4.0, 0.5, 4.0]], "The essay's step. Loss starts and ends at 4 over 2 steps (lowest 0.5 at step 1)."),
        (
            [[4.0, 2.0, 1.0], [4.0, 8.0]],
            "The essay's step. 2 series. run 0: loss falls from 4 to 1 in 2 steps; "
            "run 1: loss rises from 4 to 8 in 1 step, ending at step 1 of 2.",
        ),
    ],
)
def test_description_ends_with_a_summary_of_the_data(runs: list[list[float]], summary: str) -> None:
    root = parse(plot(*runs, description="The essay's step"))
    assert text_at(root, "s:desc") == summary


# --- tensor_figure -----------------------------------------------------------------------------------


def test_zero_cells_are_marked_differently_from_nonzero_ones() -> None:
    """n=3, z=2, diagonal slices: 6 zero cells (dotted, unfilled) and 6 nonzero (filled by magnitude)."""
    root = parse(tensor_figure(diagonal_tensor(), title="J", description="", id_prefix="jac"))
    cells = find_class(root, "nnla-cell")
    zeros, nonzeros = find_class(root, "nnla-zero"), find_class(root, "nnla-nonzero")
    zeros = [c for c in zeros if c in cells]
    assert (len(cells), len(zeros), len(nonzeros)) == (12, 6, 6)
    assert {c.get("data-index") for c in nonzeros} == {f"{i},{j},{j}" for i in (1, 2, 3) for j in (1, 2)}
    assert all(child(c, "s:rect").get("fill-opacity") is None for c in zeros)
    assert all(float(child(c, "s:rect").get("fill-opacity", "0")) > 0 for c in nonzeros)
    css = child(root, "s:style").text or ""
    assert "#jac .nnla-cell.nnla-zero text{opacity:.7}" in css
    assert re.search(r"#jac \.nnla-zero rect\{fill:none;[^}]*stroke-dasharray", css)


def test_cells_show_their_values_and_signs() -> None:
    root = parse(tensor_figure(diagonal_tensor(), title="J", description="", id_prefix="jac"))
    texts = {c.get("data-index"): "".join(c.itertext()) for c in find_class(root, "nnla-cell")}
    assert texts["1,1,1"] == "1.5"
    assert texts["1,2,2"] == "−2"
    assert texts["1,1,2"] == "0"
    assert texts["2,1,1"] == "0.25"
    assert "nnla-negative" in classes(next(c for c in find_class(root, "nnla-cell") if c.get("data-index") == "1,2,2"))


def test_opacity_grows_with_magnitude() -> None:
    J = np.array([[[1.0, -2.0], [3.0, -4.0]]])
    root = parse(tensor_figure(J, title="J", description="", id_prefix="jac"))
    opacity = [float(child(c, "s:rect").get("fill-opacity", "nan")) for c in find_class(root, "nnla-cell")]
    assert opacity == sorted(opacity)
    assert opacity[0] < opacity[-1] <= 1


def test_slice_headings_and_index_captions() -> None:
    root = parse(
        tensor_figure(diagonal_tensor(), title="J", description="", id_prefix="jac", row_label="r", col_label="c")
    )
    assert ["".join(t.itertext()) for t in find_class(root, "nnla-heading")] == ["r = 1", "r = 2", "r = 3"]
    (caption,) = find_class(root, "nnla-caption")
    assert caption.text == "in each slice: row c = 1…2, column k = 1…2"


@settings(max_examples=30, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.integers(1, 6).flatmap(
            lambda z: st.lists(
                st.sampled_from([0.0, 0.0, 1.0, -2.5, 1e-7, 123.0]), min_size=n * z * z, max_size=n * z * z
            ).map(lambda v: np.array(v).reshape(n, z, z))
        )
    )
)
def test_one_cell_per_entry_and_zeros_counted(J: npt.NDArray[np.float64]) -> None:
    """Property: one cell per entry, and the zero cells are exactly the entries equal to 0."""
    root = parse(tensor_figure(J, title="J", description="", id_prefix="t"))
    cells = find_class(root, "nnla-cell")
    assert len(cells) == J.size
    assert sum("nnla-zero" in classes(c) for c in cells) == int((J == 0).sum())
    assert [float(c.get("data-value", "nan")) for c in cells] == list(J.ravel())


@pytest.mark.parametrize(
    ("J", "summary"),
    [
        (
            diagonal_tensor(),
            "3 slices i = 1…3, each 2×2 with rows j and columns k; 6 of 12 entries are nonzero, "
            "all on the diagonal j = k; the nonzero entries range from −2 to 3.",
        ),
        (np.zeros((1, 2, 2)), "1 slice i = 1…1, each 2×2 with rows j and columns k; all 4 entries are 0."),
        (
            np.full((2, 1, 1), 2.0),
            "2 slices i = 1…2, each 1×1 with rows j and columns k; 2 of 2 entries are nonzero; "
            "every nonzero entry is 2.",
        ),
    ],
)
def test_tensor_description_summarises_the_entries(J: npt.NDArray[np.float64], summary: str) -> None:
    root = parse(tensor_figure(J, title="J", description="The Jacobian", id_prefix="jac"))
    assert text_at(root, "s:desc") == f"The Jacobian. {summary}"


def test_the_tensor_is_drawn_as_its_n_by_z_by_z_block() -> None:
    """n floors stacked down the page (i = 1 on top), each a z×z grid of sheared cells whose rows recede up and to
    the right (row j = 1 at the back), joined by the block's three visible upright edges. The old figure drew the
    slices flat, side by side: its headings stood on one line and its cells were upright rectangles."""
    root = parse(tensor_figure(diagonal_tensor(), title="J", description="", id_prefix="jac"))
    assert root.get("data-shape") == "3 2 2"
    heading_y = [float(t.get("y", "nan")) for t in find_class(root, "nnla-heading")]
    assert heading_y == sorted(heading_y)
    assert len(set(heading_y)) == 3
    cells = {c.get("data-index"): c for c in find_class(root, "nnla-cell")}
    assert all("skewX(" in (child(c, "s:rect").get("transform") or "") for c in cells.values())

    def centre(index: str) -> tuple[float, float]:
        label = child(cells[index], "s:text")
        return float(label.get("x", "nan")), float(label.get("y", "nan"))

    assert centre("1,1,1")[1] < centre("1,2,1")[1]  # row j = 1 is behind row j = 2: higher up,
    assert centre("1,1,1")[0] > centre("1,2,1")[0]  # and further right
    assert centre("1,1,1")[0] < centre("1,1,2")[0]  # column k = 2 is right of k = 1, on the same row
    assert centre("1,1,1")[1] == centre("1,1,2")[1]
    assert centre("1,2,2")[1] < centre("2,1,1")[1]  # every cell of slice 1 above every cell of slice 2
    (block,) = find_class(root, "nnla-block")
    uprights = [e for e in block if e.tag.endswith("line") and e.get("x1") == e.get("x2")]
    assert len(uprights) == 3
    assert len([e for e in block if e.tag.endswith("path")]) == 3  # one outline a floor


def test_a_large_tensor_stays_at_most_640_wide_and_its_zeros_in_view() -> None:
    """Six 6×6 slices: the block grows down the page, not across it, and no two cells' labels overlap."""
    root = parse(tensor_figure(np.eye(6)[None].repeat(6, axis=0), title="J", description="", id_prefix="t"))
    assert float(root.get("viewBox", "").split()[2]) <= 640
    centres = [
        (float(child(c, "s:text").get("x", "nan")), float(child(c, "s:text").get("y", "nan")))
        for c in find_class(root, "nnla-cell")
    ]
    assert len(set(centres)) == 6 * 6 * 6
    assert min(abs(a[1] - b[1]) + abs(a[0] - b[0]) for a, b in itertools.pairwise(centres)) > 20


def test_the_tensor_figure_is_legible_on_a_phone() -> None:
    """The running example's size (3×2×2) is drawn at most 400 units wide with 16-unit text, so that on a 390 px
    phone (a column of about 358 px) its values are still at least 14 px; the old figure's were 13 units at 352."""
    root = parse(tensor_figure(diagonal_tensor(), title="J", description="", id_prefix="jac"))
    width = float(root.get("viewBox", "").split()[2])
    size = float(re.search(r"#jac\{font-size:(\d+)px\}", child(root, "s:style").text or "").group(1))  # type: ignore[union-attr]
    assert size * min(1.0, 358 / width) >= 14


# --- input errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("J", "message"),
    [
        (np.ones((3, 2)), "J must be a 3-D array of shape (n, z, z) with n, z >= 1; got shape (3, 2)"),
        (np.ones((3, 2, 3)), "J must be a 3-D array of shape (n, z, z) with n, z >= 1; got shape (3, 2, 3)"),
        (np.ones((0, 2, 2)), "J must be a 3-D array of shape (n, z, z) with n, z >= 1; got shape (0, 2, 2)"),
        (np.array([[[1.0, 0.0], [0.0, np.nan]]]), "J must contain only finite numbers; got nan at index (0, 1, 1)"),
    ],
)
def test_tensor_input_errors_name_the_argument_and_shape(J: npt.NDArray[np.float64], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        tensor_figure(J, title="J", description="", id_prefix="t")


def test_tensor_rejects_non_numbers() -> None:
    with pytest.raises(TypeError, match="J must be an array of real numbers"):
        tensor_figure([[["a"]]], title="J", description="", id_prefix="t")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"series": []}, ValueError, "series must hold at least one Series; got an empty sequence"),
        ({"series": Series("a", [1.0])}, TypeError, "series must be a sequence of Series"),
        ({"series": [[1.0, 2.0]]}, TypeError, "series[0] must be a Series; got list"),
        (
            {"series": [Series("a", [1.0]), Series("b", [[1.0, 2.0]])]},
            ValueError,
            "series[1].losses must be a 1-D array of shape (k,) with k >= 1; got shape (1, 2)",
        ),
        (
            {"series": [Series("a", [])]},
            ValueError,
            "series[0].losses must be a 1-D array of shape (k,) with k >= 1; got shape (0,)",
        ),
        (
            {"series": [Series("a", [1.0, np.inf])]},
            ValueError,
            "series[0].losses must contain only finite numbers; got inf at index (1,)",
        ),
        (
            {"series": [Series("a", [1.0, -0.5])]},
            ValueError,
            "series[0].losses must be non-negative (a loss); got -0.5 at index 1",
        ),
        ({"series": [Series("", [1.0])]}, ValueError, "series[0].label must not be empty"),
        ({"id_prefix": "1fig"}, ValueError, "id_prefix must start with a letter"),
        ({"id_prefix": "a b"}, ValueError, "got 'a b'"),
        ({"title": ""}, ValueError, "title must not be empty"),
        ({"title": "a\x00b"}, ValueError, "title must not contain control characters"),
        ({"description": 3}, TypeError, "description must be a str; got int"),
        ({"reference": (np.nan, "x")}, ValueError, "reference value must be a finite, non-negative loss; got nan"),
        ({"reference": (-1.0, "x")}, ValueError, "reference value must be a finite, non-negative loss; got -1.0"),
        ({"reference": 2.0}, TypeError, "reference must be a (value, label) tuple or None; got 2.0"),
        ({"width": 100}, ValueError, "width must be at least 240 px; got 100"),
        ({"height": 50.0}, TypeError, "height must be an int (px); got float"),
        ({"log_scale": "yes"}, TypeError, "log_scale must be True, False or None; got 'yes'"),
        (
            {"series": [Series("a", [0.0, 0.0])], "log_scale": True},
            ValueError,
            "log_scale=True needs at least one positive loss; every loss is 0",
        ),
    ],
)
def test_loss_plot_input_errors_name_the_argument(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    # Any: the cases pass ill-typed arguments on purpose, to see loss_plot reject them at run time.
    args: dict[str, Any] = {"series": [Series("a", [2.0, 1.0])], "title": "t", "description": "d", "id_prefix": "p"}
    args.update(kwargs)
    with pytest.raises(error, match=re.escape(message)):
        loss_plot(**args)


# --- the surface figure ----------------------------------------------------------------------------------


def surface_cells(root: ET.Element) -> list[ET.Element]:
    return [g for g in find_class(root, "nnla-cell") if g.tag.endswith("g")]


def test_one_cell_per_point_with_its_value_index_and_label() -> None:
    """A cell per point of the grid, row by row (x1 down, x2 across), holding its value exactly and its label."""
    root = parse(FIGURES["surface_figure"]("fig"))
    cells = surface_cells(root)
    assert [c.get("data-index") for c in cells] == [f"{r},{c}" for r in (1, 2, 3) for c in (1, 2, 3)]
    assert [float(c.get("data-value", "nan")) for c in cells] == SURFACE.ravel().tolist()
    labels = ["".join(child(c, "s:text").itertext()) for c in cells]
    assert labels == ["0", "0.75", "1", "0.5", "5.48×10⁻⁵", "0.8", "1.25", "0.9", "−0.2"]
    assert [classes(child(c, "s:text")) >= {"nnla-long"} for c in cells] == [False] * 4 + [True] + [False] * 4


def test_hue_is_the_side_of_the_midpoint_and_opacity_the_distance() -> None:
    """Blue below 0.5, vermillion from it; fuller the further from 0.5, full from SPAN away (clamped beyond)."""
    root = parse(FIGURES["surface_figure"]("fig"))
    cells = surface_cells(root)
    sides = ["nnla-high" in classes(c) for c in cells]
    assert sides == [v >= surface.MIDPOINT for v in SURFACE.ravel()]
    opacities = [float(child(c, "s:rect").get("fill-opacity", "nan")) for c in cells]
    base, gain = surface.OPACITY
    assert opacities[3] == pytest.approx(base)  # 0.5, the midpoint
    assert opacities[0] == opacities[2] == opacities[6] == pytest.approx(base + gain)  # 0, 1 and 1.25 (clamped)
    assert opacities[1] == pytest.approx(base + gain / 2)  # 0.75, half of SPAN away
    assert root.get("data-midpoint") == "0.5"
    assert root.get("data-opacity") == f"{base!r} {gain!r}"


def test_axes_are_labelled_with_the_grid() -> None:
    root = parse(FIGURES["surface_figure"]("fig"))
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "x₂ (across)" in texts
    assert "x₁ (down)" in texts
    assert texts.count("0.5") >= 2  # the middle of each axis (and the colour key's midpoint)


def test_surface_description_gives_the_range_and_the_corners() -> None:
    root = parse(surface_figure(SURFACE, SURFACE_GRID, title="p", description="Before.", id_prefix="fig"))
    desc = text_at(root, "s:desc")
    assert desc.startswith("Before. A 3×3 grid, x₁ from 0 to 1 down the rows")
    assert "ranges from −0.2 at (x₁, x₂) = (1, 1) to 1.25 at (x₁, x₂) = (1, 0)" in desc
    assert desc.endswith("At the corners: 0 at (0, 0), 1 at (0, 1), 1.25 at (1, 0), −0.2 at (1, 1).")


@pytest.mark.parametrize(
    ("Z", "grid", "message"),
    [
        (np.zeros((2, 3)), np.array([0.0, 1.0]), r"Z must be of shape \(g, g\) = \(2, 2\)"),
        (np.zeros((2, 2)), np.array([1.0, 0.0]), "grid must increase"),
        (np.zeros((2, 2)), np.zeros((2, 1)), r"grid must be a 1-D array"),
        (np.array([[0.0, np.nan], [0.0, 0.0]]), np.array([0.0, 1.0]), "Z"),
    ],
)
def test_surface_input_errors_name_the_argument(
    Z: npt.NDArray[np.float64], grid: npt.NDArray[np.float64], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        surface_figure(Z, grid, title="p", description="", id_prefix="fig")


# --- the explorer's plot: one run at a time on fixed axes ------------------------------------------------------


def test_the_explorers_plot_draws_its_default_run_with_its_text_alternative() -> None:
    """The SVG's polyline and <desc> are the default run's curve, for each choice of default."""
    for default in range(len(SETTINGS)):
        markup_, curves = explorer_plot(default=default)
        root = parse(markup_)
        (line,) = root.iter("{http://www.w3.org/2000/svg}polyline")
        assert line.get("points") == curves[default].points
        assert line.get("class") == curves[default].line_class
        assert text_at(root, "s:desc") == curves[default].desc
        assert f"Run {default}." in curves[default].desc


def test_the_explorers_axes_are_the_same_for_every_default() -> None:
    """Only the curve and the text alternative change with the run: axes, ticks and grid are drawn once for all."""
    drawn = [parse(explorer_plot(default=d)[0]) for d in range(len(SETTINGS))]
    for root in drawn:
        for element in root.iter():
            if element.tag.endswith("polyline") or element.tag.endswith("desc"):
                element.attrib.clear()
                element.text = ""
        root.find("{http://www.w3.org/2000/svg}g[@class='nnla-series nnla-series-1']").attrib.clear()  # type: ignore[union-attr]
    first = ET.tostring(drawn[0])
    assert all(ET.tostring(root) == first for root in drawn[1:])


def test_a_run_inside_the_window_has_a_vertex_per_loss_on_the_log_axis() -> None:
    """Each loss at its decade, by the figure's own ticks: 5 → 0.005 falls by equal steps of one decade."""
    markup_, curves = explorer_plot()
    root = parse(markup_)
    ys = [y for _, y in (map(float, pair.split(",")) for pair in curves[0].points.split())]
    assert len(ys) == curves[0].n == 4
    step = (tick_y(root, "10−2") - tick_y(root, "100")) / 2  # labelled every other decade
    assert np.diff(ys) == pytest.approx([step] * 3, abs=0.1)
    assert curves[0].line_class == "nnla-line"


def test_a_run_that_leaves_the_window_ends_on_its_edge_with_an_arrow() -> None:
    """Growing past 10^5 between steps 2 and 3, the curve ends on the top edge between those steps, marked by an
    arrow up, and its text alternative says so; a loss of 0 leaves through the bottom."""
    markup_, curves = explorer_plot()
    root = parse(markup_)
    (axis,) = find_class(root, "nnla-axis-y")
    top, bottom = float(axis[0].get("y1", "nan")), float(axis[0].get("y2", "nan"))
    up = [tuple(map(float, pair.split(","))) for pair in curves[1].points.split()]
    step_3 = float(curves[0].points.split()[3].split(",")[0])
    assert len(up) == 4
    assert up[-1][1] == pytest.approx(top, abs=0.1)
    assert up[2][0] < up[3][0] < step_3  # between steps 2 and 3
    assert "nnla-exit-top" in curves[1].line_class
    assert "leaves the plot through its top" in curves[1].desc
    down = [tuple(map(float, pair.split(","))) for pair in curves[2].points.split()]
    assert len(down) == 3
    assert down[-1][1] == pytest.approx(bottom, abs=0.1)
    assert "nnla-exit-bottom" in curves[2].line_class
    assert "through its bottom" in curves[2].desc
    css = text_at(root, "s:style")
    assert "#fig .nnla-line.nnla-exit-top{marker-end:url(#fig-up)}" in css
    assert {m.get("id") for m in root.iter("{http://www.w3.org/2000/svg}marker")} == {"fig-dot", "fig-up", "fig-down"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"default": 3}, "default must be the index of a series"),
        ({"window": (0.0, 1.0)}, "window must be two finite losses"),
        ({"window": (2.0, 1.0)}, "window must be two finite losses"),
        ({"descriptions": ["one"]}, "descriptions must hold one text per series"),
    ],
)
def test_the_explorers_plot_rejects_what_it_cannot_draw(options: dict[str, Any], message: str) -> None:
    kwargs: dict[str, Any] = {
        "default": 0,
        "window": SETTINGS_WINDOW,
        "title": "Loss",
        "id_prefix": "fig",
    }
    descriptions = options.pop("descriptions", ["a", "b", "c"])
    kwargs.update(options)
    with pytest.raises(ValueError, match=message):
        explorer.settings_plot([Series(str(n), v) for n, v in enumerate(SETTINGS)], descriptions, **kwargs)
