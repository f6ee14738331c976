"""Claims: a number written in prose (``<!-- nnla:sse claim=5.65 -->``), and how the build checks it."""

from __future__ import annotations

import math
import re
from fractions import Fraction

from proven_numbers.numbers import grouped

__all__ = ["FRACTION_ULPS", "MAX_SIGNIFICANT", "check_claim", "problem", "tex", "well_formed"]

#: The most significant digits a claim may write. float64 holds about 16, and the engine's arithmetic spends a
#: few on rounding: a finer claim would be checking rounding noise, a precision the engine does not have.
MAX_SIGNIFICANT = 12

#: How far, in units in the last place of float64, a value may lie from the fraction it claims to be: the few
#: roundings of a short computation (1/7 computed as 2 / 14.0 is exact; a relative 1e-9 would pass a value wrong
#: in its tenth digit).
FRACTION_ULPS = 4

_CLAIM_DECIMAL = re.compile(r"\A-?[0-9]{1,3}(?:_[0-9]{3})+(?:\.[0-9]+)?\Z|\A-?[0-9]+(?:\.[0-9]+)?\Z")
_CLAIM_FRACTION = re.compile(r"\A-?[0-9]+/[1-9][0-9]*\Z")


def _significant(digits: str) -> int:
    """How many significant digits a run of digits (a decimal point aside) has."""
    stripped = digits.replace(".", "").lstrip("0")
    return len(stripped) if "." not in digits else len(stripped or "0")


def problem(claim: str) -> str | None:
    """Why `claim` is not written as a claim may be, or None when it is: a decimal in ASCII digits, perhaps
    grouped by ``_``, or a fraction, with at most `MAX_SIGNIFICANT` significant digits in each number."""
    if not (_CLAIM_DECIMAL.match(claim) or _CLAIM_FRACTION.match(claim)):
        return (
            "claim= takes a number as written in prose (5.65, -13, 161_369.65 or 1/7; an underscore groups the "
            "whole part in threes, and no other digits)"
        )
    numbers = claim.lstrip("-").replace("_", "").split("/")
    finest = max(_significant(number) for number in numbers)
    if finest > MAX_SIGNIFICANT:
        return (
            f"claim= writes {finest} significant digits, more than the engine's float64 values hold "
            f"(at most {MAX_SIGNIFICANT}): round the number in the prose"
        )
    return None


def well_formed(claim: str) -> bool:
    """Whether `claim` is written as a claim may be (see `problem`)."""
    return problem(claim) is None


def tex(claim: str) -> str:
    r"""A well-formed claim as a formula shows it, in the style of every computed number (`proven_numbers.numbers`):
    TeX's minus, and a whole part of five digits or more grouped in threes by a thin space, however the prose
    groups it: ``161_369.65`` and ``161369.65`` are both ``161\,369.65``; ``1/7`` is ``1/7``."""
    sign = "-" if claim.startswith("-") else ""
    parts = claim.lstrip("-").replace("_", "").split("/")
    return sign + "/".join(grouped(part, r"\,") for part in parts)


def check_claim(claim: str, value: float) -> str | None:
    """Check a number written in prose against the value it claims, at the precision it is written.

    ``5.65`` holds for any value that rounds to 5.65 (within half a unit of its last decimal), ``-13`` for one
    that rounds to −13, and ``1/7`` only for 1/7 itself, up to float64 rounding: within `FRACTION_ULPS` units in
    the last place of the float64 nearest 1/7.

    Args:
        claim: the number as written (digits may be grouped with ``_``).
        value: the computed value.

    Returns:
        None when the claim holds, else why not.
    """
    if _CLAIM_FRACTION.match(claim):
        nearest = float(Fraction(claim))
        if abs(value - nearest) <= FRACTION_ULPS * math.ulp(nearest):
            return None
        return (
            f"the engine computes {value!r}, not {claim} = {nearest!r} (within {FRACTION_ULPS} units in the last place)"
        )
    written = claim.replace("_", "")
    decimals = len(written.split(".")[1]) if "." in written else 0
    tolerance = 0.5 * 10.0**-decimals
    if abs(value - float(written)) <= tolerance * (1 + 1e-9):
        return None
    places = f"{decimals} decimal{'' if decimals == 1 else 's'}"
    return f"the engine computes {value!r}, which is {round(value, decimals):.{decimals}f} to {places}"
