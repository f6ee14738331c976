"""The text alternatives of the figures: the caller's description, then a summary of the data in words."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from proven_numbers import numbers

__all__ = ["clipped", "join", "loss_summary", "short", "surface_summary", "tensor_summary"]


def short(value: float) -> str:
    """A number in about three significant digits, for a figure's words (`proven_numbers.numbers.significant`)."""
    return numbers.significant(value).text()


def join(description: str, summary: str) -> str:
    """The caller's description, ended as a sentence, then the summary."""
    description = description.strip()
    if description and description[-1] not in ".!?:":
        description += "."
    return f"{description} {summary}" if description else summary


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def loss_summary(
    curves: list[tuple[str, NDArray[np.float64]]],
    log: bool,
    domain: tuple[float, float],
    has_zero: bool,
    reference: tuple[float, str] | None,
    values: NDArray[np.float64],
    quantity: str = "loss",
) -> str:
    """Describe each curve in words: where its `quantity` starts and ends, and how the axes are scaled."""
    longest = max(losses.size for _, losses in curves) - 1
    sentences = []
    for label, losses in curves:
        first, last, steps = float(losses[0]), float(losses[-1]), losses.size - 1
        if steps == 0:
            text = f"{quantity} is {short(first)} at step 0"
        else:
            verb = "falls" if last < first else "rises" if last > first else "starts and ends at"
            text = (
                f"{quantity} {verb} from {short(first)} to {short(last)} in {_plural(steps, 'step')}"
                if verb != "starts and ends at"
                else f"{quantity} starts and ends at {short(first)} over {_plural(steps, 'step')}"
            )
            low = int(np.argmin(losses))
            if losses[low] < min(first, last):
                text += f" (lowest {short(float(losses[low]))} at step {low})"
        if len(curves) > 1:
            text = f"{label}: {text}" + (f", ending at step {steps} of {longest}" if steps < longest else "")
        sentences.append(text)
    summary = "; ".join(sentences) + "."
    summary = summary[0].upper() + summary[1:] if len(curves) == 1 else f"{len(curves)} series. {summary}"
    if log:
        lo, hi = ("10" + numbers.superscript(str(round(u))) for u in domain)
        summary += f" The y-axis is logarithmic, from {lo} to {hi}"
        zeros = int((values == 0).sum())
        summary += (
            f"; {_plural(zeros, 'value')} equal to 0 {'is' if zeros == 1 else 'are'} drawn on a separate "
            "baseline marked 0 below it."
            if has_zero
            else "."
        )
    if reference is not None:
        summary += f" Dashed line: {reference[1]}, {short(reference[0])}."
    return summary


def clipped(side: str, domain: tuple[float, float], step: int) -> str:
    """Say where a curve leaves a plot's log axis: through its ``top`` or ``bottom``, at which step."""
    edge = domain[1] if side == "top" else domain[0]
    where = "above" if side == "top" else "below"
    power = "10" + numbers.superscript(str(round(edge)))
    return f"At step {step} it leaves the plot through its {side} ({where} {power}), marked by an arrow."


def tensor_summary(T: NDArray[np.float64], labels: tuple[str, ...]) -> str:
    """Describe a tensor of shape (n, z, z) in words: its slices, its nonzeros and their range."""
    n, z = T.shape[0], T.shape[1]
    nonzero = T != 0
    count, total = int(nonzero.sum()), T.size
    text = f"{_plural(n, 'slice')} {labels[0]} = 1…{n}, each {z}×{z} with rows {labels[1]} "
    text += f"and columns {labels[2]}; "
    if count == 0:
        return text + f"all {total} entries are 0."
    text += f"{count} of {total} entries are nonzero"
    if z > 1 and count < total and not (nonzero & ~np.eye(z, dtype=bool)).any():
        text += f", all on the diagonal {labels[1]} = {labels[2]}"
    low, high = float(T[nonzero].min()), float(T[nonzero].max())
    if low == high:
        return text + f"; every nonzero entry is {short(low)}."
    return text + f"; the nonzero entries range from {short(low)} to {short(high)}."


def surface_summary(Z: NDArray[np.float64], grid: NDArray[np.float64]) -> str:
    """Describe an output over the square in words: its grid, its range and where, and its four corners."""
    g = grid.size

    def at(index: int) -> str:
        r, c = divmod(index, g)
        return f"(x₁, x₂) = ({short(float(grid[r]))}, {short(float(grid[c]))})"

    text = f"A {g}×{g} grid, x₁ from {short(float(grid[0]))} to {short(float(grid[-1]))} down the rows and x₂ across "
    text += f"the columns, each cell shaded and labelled by the output. It ranges from {short(float(Z.min()))} at "
    text += f"{at(int(Z.argmin()))} to {short(float(Z.max()))} at {at(int(Z.argmax()))}. At the corners: "
    corners = [(0, 0), (0, g - 1), (g - 1, 0), (g - 1, g - 1)]
    text += ", ".join(f"{short(float(Z[r, c]))} at {at(r * g + c).split(' = ')[1]}" for r, c in corners)
    return text + "."
