"""The loss plot's scales: the y scale (linear, or logarithmic with its own 0 baseline), round numbers and ticks."""

from __future__ import annotations

import math
import sys

import numpy as np
from numpy.typing import NDArray

from proven_numbers import numbers
from proven_numbers.svg.markup import Label

__all__ = [
    "DECADE_STEPS",
    "FLOAT64_TOP_DECADE",
    "MAX_LOG_LABELS",
    "Ticks",
    "YScale",
    "linear_ticks",
    "log_ticks",
    "nice",
    "step_ticks",
]

#: Decades between two labelled ticks of a log axis, from which `log_ticks` takes the first that is enough.
DECADE_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500)
#: The most labelled ticks of a log axis.
MAX_LOG_LABELS = 7
#: float64's largest decade: 10^308 is below its largest value (about 1.8 × 10^308), 10^309 is not a float64.
FLOAT64_TOP_DECADE = math.floor(math.log10(sys.float_info.max))

# Ticks in the scale's coordinate u (the loss on a linear axis, its log10 on a log axis):
# the labelled ticks, the unlabelled minor ticks, and the axis's (lowest, highest) u.
Ticks = tuple[list[tuple[float, Label]], list[float], tuple[float, float]]


class YScale:
    """Map a loss to a y coordinate: linearly, or by its log10 with a loss of 0 on its own baseline."""

    def __init__(self, log: bool, domain: tuple[float, float], top: float, bottom: float, zero: float) -> None:
        self.log, self.top, self.bottom, self.zero = log, top, bottom, zero
        self.lo, self.hi = domain

    def at(self, u: float) -> float:
        """The y of scale coordinate u (a loss, or its log10)."""
        return self.bottom - (u - self.lo) / (self.hi - self.lo) * (self.bottom - self.top)

    def __call__(self, value: float) -> float:
        if not self.log:
            return self.at(value)
        return self.zero if value == 0 else self.at(math.log10(value))


def nice(raw: float) -> float:
    """The smallest of 1, 2, 5 times a power of ten that is at least `raw` (at least the smallest normal float)."""
    raw = max(raw, sys.float_info.min)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(f * magnitude for f in (1.0, 2.0, 5.0, 10.0) if f * magnitude >= raw * (1 - 1e-9))


def linear_ticks(top: float) -> Ticks:
    """Round ticks from 0 up to the first one at or above `top` (a fifth of 1 apart when everything is 0)."""
    step = nice((top if top > 0 else 1.0) / 5)
    count = max(1, math.ceil(top / step - 1e-9))
    high = count * step
    if not math.isfinite(high):  # the round tick above the largest float: stop the axis at `top`
        count, high = count - 1, top
    exponent = math.floor(math.log10(step))
    scientific, places = step >= 1e5 or step < 1e-3, max(0, -exponent)
    labels: list[tuple[float, Label]] = [(0.0, ("0", ""))]
    for m in range(1, count + 1):
        if scientific:  # each multiple of step has at most 2 significant digits (m <= 10, step 1, 2 or 5 ×10^k)
            labels.append((m * step, numbers.scientific(m * step, 1).label()))
        else:  # from 10^-3 to below 10^6: `places` decimals show each multiple of step exactly
            labels.append((m * step, numbers.decimals(m * step, places).label()))
    return labels, [], (0.0, high)


def log_ticks(positive: NDArray[np.float64]) -> Ticks:
    """A log axis from the decade at or below the smallest positive value to the one at or above the largest.

    Labels 10^k stand at the multiples of a step of decades, the first of `DECADE_STEPS` that puts at most
    `MAX_LOG_LABELS` of them on the axis; the decades between two labels get a faint line only at a round sub-step
    (`_minor_step`), never one a decade over many decades (which draws a grey band). No tick stands beyond the
    data's decades, nor above float64's largest decade: when the data reach past 10^308, the axis ends at their
    largest value.
    """
    low, high = math.log10(float(positive.min())), math.log10(float(positive.max()))
    lo = math.floor(low + 1e-12)
    hi = max(math.ceil(high - 1e-12), lo + 1)
    every = next(
        (e for e in DECADE_STEPS if math.floor(hi / e) - math.ceil(lo / e) + 1 <= MAX_LOG_LABELS), DECADE_STEPS[-1]
    )
    top = float(hi) if hi <= FLOAT64_TOP_DECADE else high
    first, last = every * math.ceil(lo / every), every * math.floor(min(top, FLOAT64_TOP_DECADE) / every)
    labelled: list[tuple[float, Label]] = [(e, numbers.power_of_ten(e)) for e in range(first, last + 1, every)]
    sub = _minor_step(every)
    if sub:
        minor = [float(e) for e in range(sub * math.ceil(lo / sub), math.floor(top) + 1, sub) if e % every]
    elif every == 1 and hi - lo <= 4:
        minor = [e + math.log10(f) for e in range(lo, hi) for f in range(2, 10)]
    else:
        minor = []
    return labelled, minor, (float(lo), top)


def _minor_step(every: int) -> int:
    """The decades between faint lines when labels stand `every` decades apart (0: none between decades).

    Each decade when labels skip one (2), none when they step by 5, and halfway when they step by 10 or more:
    at most one faint line between two labels.
    """
    if every == 2:
        return 1
    return every // 2 if every >= 10 else 0


def step_ticks(steps: int, span: float) -> list[int]:
    """Integer steps 0, s, 2s, … up to `steps`, at most one per ~70 px."""
    if steps == 0:
        return [0]
    step = max(1, round(nice(steps / max(1.0, min(10.0, span / 70)))))
    return list(range(0, steps + 1, step))
