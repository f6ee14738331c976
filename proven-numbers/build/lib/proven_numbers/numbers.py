r"""The one grammar of the numbers a page shows: a sign, a mantissa, and for very large or very small
magnitudes a power of ten.

A number is rounded once, into a `Number` of parts, and written from those parts as TeX (in a formula), as
HTML (in a table) or as plain text (in an SVG label or a description). No writer parses another's output.

Two rounding rules make a `Number`:

- `decimals(value, digits)`: at most `digits` decimals, trailing zeros dropped; a magnitude of at least
  $`10^6`$, or one too small to show in `digits` decimals, gets a power of ten. Every value in a formula or a
  table is written this way, so a reader (or a test reading the TeX back) knows the precision shown.
- `significant(value)`: about three significant digits, for the words and labels of a figure.

Every writer groups the digits of a whole part of five digits or more in threes, by a thin space
(``161 369.65``; ``2023`` stays as it is), as claims in prose are shown too (`proven_numbers.markers.claims`): one
style for every number a reader sees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "GROUP_FROM",
    "SCIENTIFIC_ABOVE",
    "Number",
    "decimals",
    "grouped",
    "power_of_ten",
    "scientific",
    "significant",
    "superscript",
]

#: Magnitudes at or above this are written with a power of ten by `decimals`.
SCIENTIFIC_ABOVE = 1e6
#: A whole part of this many digits or more is grouped in threes.
GROUP_FROM = 5
#: The space between groups of digits in text (no line breaks there); a formula writes TeX's thin space.
THIN_SPACE = "\N{NARROW NO-BREAK SPACE}"
MINUS = "\N{MINUS SIGN}"
TIMES = "\N{MULTIPLICATION SIGN}"
_SUPERSCRIPT = str.maketrans("0123456789" + MINUS, "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


@dataclass(frozen=True)
class Number:
    r"""A rounded number as parts: ``-1.69 \times 10^{5}`` is ``Number(True, "1.69", 5)``.

    Attributes:
        negative: whether a minus sign is written.
        mantissa: the digits without a sign, such as ``"5.65"`` or ``"0"``.
        exponent: the power of ten, or None when there is none.
    """

    negative: bool
    mantissa: str
    exponent: int | None = None

    def tex(self) -> str:
        r"""The number in a formula: ``-1.69 \times 10^{5}`` (TeX's own minus), ``161\,369.65``."""
        sign = "-" if self.negative else ""
        mantissa = grouped(self.mantissa, r"\,")
        if self.exponent is None:
            return sign + mantissa
        return rf"{sign}{mantissa} \times 10^{{{self.exponent}}}"

    def _signed(self) -> tuple[str, str | None]:
        sign = MINUS if self.negative else ""
        mantissa = grouped(self.mantissa, THIN_SPACE)
        if self.exponent is None:
            return sign + mantissa, None
        return sign + mantissa, str(self.exponent).replace("-", MINUS)

    def html(self) -> str:
        """The number in HTML text: a real minus sign, and the exponent in ``<sup>``."""
        mantissa, exponent = self._signed()
        return mantissa if exponent is None else f"{mantissa}{TIMES}10<sup>{exponent}</sup>"

    def text(self) -> str:
        """The number as plain text: a real minus sign, and the exponent in Unicode superscript digits."""
        mantissa, exponent = self._signed()
        return mantissa if exponent is None else f"{mantissa}{TIMES}10{superscript(exponent)}"

    def label(self) -> tuple[str, str]:
        """The number as an SVG label: ``(text, superscript)``, the superscript drawn raised (or ``""``)."""
        mantissa, exponent = self._signed()
        return (mantissa, "") if exponent is None else (f"{mantissa}{TIMES}10", exponent)


def grouped(digits: str, space: str) -> str:
    """`digits` (``161369.65``) with a whole part of `GROUP_FROM` digits or more grouped in threes by `space`."""
    whole, point, fraction = digits.partition(".")
    if len(whole) < GROUP_FROM:
        return digits
    head = len(whole) % 3 or 3
    groups = [whole[:head], *(whole[i : i + 3] for i in range(head, len(whole), 3))]
    return space.join(groups) + point + fraction


def _finite(value: float) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"value must be a finite number to be written on a page; got {value!r}")
    return value


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def scientific(value: float, places: int) -> Number:
    """Write `value` as a mantissa with at most `places` decimals (trailing zeros dropped) and a power of ten."""
    mantissa, exponent = f"{_finite(value):.{places}e}".split("e")
    return Number(mantissa.startswith("-"), _trim(mantissa.lstrip("-")), int(exponent))


def decimals(value: float, digits: int = 4) -> Number:
    r"""Round `value` to at most `digits` decimals.

    Trailing zeros are dropped (``0.5``, not ``0.5000``), a value that rounds to zero is ``0`` (never ``-0``),
    and a magnitude of at least $`10^6`$, or one too small to show in `digits` decimals, is written as
    $`m \times 10^{k}`$ with at most `digits` decimals in the mantissa.

    Args:
        value: a finite number.
        digits: the most decimals to show; at least 0.

    Raises:
        ValueError: `value` is not finite or `digits` is negative.
    """
    value = _finite(value)
    if digits < 0:
        raise ValueError(f"digits must be at least 0; got {digits}")
    if value == 0.0:
        return Number(False, "0")
    magnitude = abs(value)
    if magnitude >= SCIENTIFIC_ABOVE or magnitude < 0.5 * 10.0**-digits:
        return scientific(value, digits)
    text = np.format_float_positional(value, precision=digits, unique=True, fractional=True, trim="-")
    if text in {"-0", "0"}:
        return Number(False, "0")
    return Number(text.startswith("-"), text.lstrip("-"))


def significant(value: float) -> Number:
    """Round `value` to about three significant digits: 5.65, 0.0123, 1234, or 1.2×10⁻⁵ below 0.001 or from 10⁵.

    Raises:
        ValueError: `value` is not finite.
    """
    value = _finite(value)
    if value == 0:
        return Number(False, "0")
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e5:
        places = max(0, 2 - math.floor(math.log10(magnitude)))
        text = _trim(f"{value:.{places}f}")
        return Number(text.startswith("-"), text.lstrip("-"))
    return scientific(value, 2)


def power_of_ten(exponent: int) -> tuple[str, str]:
    """A power of ten as an SVG label, ``("10", "−3")``; its plain text is ``"".join`` with `superscript`."""
    return "10", str(exponent).replace("-", MINUS)


def superscript(text: str) -> str:
    """Digits and minus signs in Unicode superscript, as plain text shows an exponent: ``"−3"`` is ``"⁻³"``."""
    return text.replace("-", MINUS).translate(_SUPERSCRIPT)
