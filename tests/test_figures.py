"""The figures the pages draw from the registry: a run drawn as its gap above the floor it levels off at.

`nnla_essay.figures.draw_figure` on the registry's own values: the noisy batch's descent (Part II) and the linear
layer on XOR (Part III) level off at a least-squares loss, and their figures must show that they close in on it
and never go below it, which a plot of the loss beside a line at the level hid (the curve lay on the line).
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from collections.abc import Mapping

import numpy as np
import pytest

from nnla_essay import figures
from nnla_essay import registry as values
from nnla_essay.kinds import TraceValue
from proven_numbers.value import Value

SVG = "{http://www.w3.org/2000/svg}"
#: The curve must stand at least this far above where it ends halfway through the run, in px.
APART_PX = 30.0
#: The runs that level off at a floor, and the floor.
FLOORS = {"trace_batch_noisy": "batch_lstsq_mse", "trace_mlp_linear": "mlp_linear_mse"}


@pytest.fixture(scope="module")
def registry() -> Mapping[str, Value]:
    return values.compute_all()


def drawn(registry: Mapping[str, Value], name: str) -> ET.Element:
    return ET.fromstring(figures.draw_figure(registry[name], registry, "fig"))


def curve(root: ET.Element) -> list[tuple[float, float]]:
    (line,) = root.iter(f"{SVG}polyline")
    return [(float(x), float(y)) for x, y in (pair.split(",") for pair in (line.get("points") or "").split())]


def zero_baseline(root: ET.Element) -> float:
    """The y of the log axis' own baseline for 0, from its tick label."""
    (axis,) = [g for g in root.iter(f"{SVG}g") if "nnla-axis-y" in (g.get("class") or "")]
    (label,) = [t for t in axis.iter(f"{SVG}text") if "nnla-tick-label" in (t.get("class") or "") and t.text == "0"]
    return float(label.get("y", "nan"))


@pytest.mark.parametrize("name", list(FLOORS))
def test_a_run_that_levels_off_at_its_floor_is_drawn_as_its_gap_above_it(
    registry: Mapping[str, Value], name: str
) -> None:
    """A log axis of the gap: halfway through the run the curve still stands well above where it ends (the old
    figure drew the loss on a line at the floor: there the two were the same pixel), it ends on the baseline 0
    (within float64's rounding of the floor), and the axis and text alternative name the least-squares loss."""
    root = drawn(registry, name)
    assert root.get("data-scale") == "log"
    points = curve(root)
    assert points[len(points) // 4][1] < points[-1][1] - APART_PX
    assert points[-1][1] == pytest.approx(zero_baseline(root), abs=0.01)
    titles = "".join(t.text or "" for t in root.iter(f"{SVG}text") if "nnla-axis-title" in (t.get("class") or ""))
    assert "least-squares" in titles
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert "above the least-squares" in (desc.text or "")
    assert "Gap falls from" in (desc.text or "")


def test_a_run_whose_reference_is_no_floor_keeps_the_loss_and_a_dashed_line(
    registry: Mapping[str, Value],
) -> None:
    """The network's MSE goes far below the linear layer's floor: its figure is the loss beside the floor's line."""
    root = drawn(registry, "mlp_trace")
    assert [e for e in root.iter(f"{SVG}line") if "nnla-reference" in (e.get("class") or "")]


def test_a_run_below_its_floor_cannot_be_drawn_as_a_gap(registry: Mapping[str, Value]) -> None:
    """A run that went below the least-squares loss by more than rounding would contradict the page: an error."""
    value = registry["trace_batch_noisy"]
    assert isinstance(value, TraceValue)
    level = float(np.asarray(registry["batch_lstsq_mse"].data))
    losses = value.data.losses.copy()
    losses[-1] = level * (1 - 1e-9)
    below = dataclasses.replace(value, data=dataclasses.replace(value.data, losses=losses))
    with pytest.raises(ValueError, match=r"trace_batch_noisy falls below batch_lstsq_mse .* at step 200"):
        figures.draw_figure(below, registry, "fig")
