"""Claims: a number written in prose (``<!-- nnla:sse claim=5.65 -->``), and how the build checks it."""

from __future__ import annotations

import math
import re
from fractions import Fraction

__all__ = ["check_claim", "well_formed"]

_CLAIM_DECIMAL = re.compile(r"^-?\d{1,3}(?:_\d{3})+(?:\.\d+)?$|^-?\d+(?:\.\d+)?$")
_CLAIM_FRACTION = re.compile(r"^-?\d+/[1-9]\d*$")


def well_formed(claim: str) -> bool:
    """Whether `claim` is written as a claim may be: a decimal, digits perhaps grouped by ``_``, or a fraction."""
    return bool(_CLAIM_DECIMAL.match(claim) or _CLAIM_FRACTION.match(claim))


def check_claim(claim: str, value: float) -> str | None:
    """Check a number written in prose against the value it claims, at the precision it is written.

    ``5.65`` holds for any value that rounds to 5.65 (within half a unit of its last decimal), ``-13`` for one
    that rounds to −13, and ``1/7`` only for 1/7 itself, up to float64 rounding.

    Args:
        claim: the number as written (digits may be grouped with ``_``).
        value: the computed value.

    Returns:
        None when the claim holds, else why not.
    """
    if _CLAIM_FRACTION.match(claim):
        exact = Fraction(claim)
        if math.isclose(value, float(exact), rel_tol=1e-9, abs_tol=1e-12):
            return None
        return f"the engine computes {value!r}, not {claim} = {float(exact)!r}"
    written = claim.replace("_", "")
    decimals = len(written.split(".")[1]) if "." in written else 0
    tolerance = 0.5 * 10.0**-decimals
    if abs(value - float(written)) <= tolerance * (1 + 1e-9):
        return None
    return f"the engine computes {value!r}, which is {round(value, decimals):.{decimals}f} to {decimals} decimals"
