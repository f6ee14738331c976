r"""KaTeX's MathML for a norm's bars (`\lVert x \rVert`), written as the fences they are.

KaTeX writes `\lVert` and `\rVert` as `<mo stretchy="false">∥</mo>`, the character U+2225 PARALLEL TO, and
`\left\lVert … \right\rVert` as `<mo fence="true">∥</mo>`. MathML Core's operator dictionary spaces that
character as a relation, so both browsers drew ‖x‖² in (1 + ‖x‖²) as "(1 +  ‖ x ‖² )", a wide space on each side
of each bar (measured in Chromium and Firefox). TeX sets the bars as an opening and a closing fence, against what
they enclose. The rewrite writes them as U+2016 DOUBLE VERTICAL LINE, the character a norm's bars are (a screen
reader names it so, not "parallel to"), with no space of their own on either side: the space beside them is
that of the operator next to them, as in TeX. KaTeX's plain `<mo>∥</mo>`, the relation `\parallel`, stays.
"""

from __future__ import annotations

import re

__all__ = ["norm_bars"]

#: A norm's bar as KaTeX writes it: `\lVert`, `\rVert` (stretchy="false") or with `\left` and `\right` (fence).
_BAR = re.compile(r'<mo (stretchy="false"|fence="true")>∥</mo>')


def norm_bars(markup: str) -> str:
    """Every norm's bar as a double vertical line with no space of its own.

    Args:
        markup: KaTeX's output for one formula (MathML).

    Returns:
        The same markup with each bar rewritten.

    Examples:
        >>> norm_bars('<mo stretchy="false">∥</mo><mi>x</mi>')
        '<mo stretchy="false" lspace="0em" rspace="0em">‖</mo><mi>x</mi>'
        >>> norm_bars('<mo fence="true">∥</mo>')
        '<mo fence="true" lspace="0em" rspace="0em">‖</mo>'
        >>> norm_bars("<mi>a</mi><mo>∥</mo><mi>b</mi>")
        '<mi>a</mi><mo>∥</mo><mi>b</mi>'
    """
    return _BAR.sub(r'<mo \1 lspace="0em" rspace="0em">‖</mo>', markup)
