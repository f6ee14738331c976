r"""KaTeX's MathML for a sized bracket that carries a script (`\Big)^T`, `\bigg)^2`), as Chromium draws it sized.

KaTeX writes `\Big)^T` as ``<msup><mo minsize="1.8em" maxsize="1.8em">)</mo><mi>T</mi></msup>``: the bracket,
stretched to its size, is the script's base. Chromium drew such a bracket at its normal size, sitting low beside
its tall opening partner, in Part II's loss and the home page's numerator layout (Firefox drew it sized). In an
``<mrow>`` of its own, the base of the script is no longer the operator itself, and Chromium stretches it to the
size KaTeX gave it; Firefox draws the same. The script stays where TeX puts it, at the bracket's top.
"""

from __future__ import annotations

import re

__all__ = ["sized_bases"]

#: A script element whose base is an operator with a size of its own.
_SIZED_BASE = re.compile(r"<(msup|msub|msubsup)>(<mo\s[^>]*\bminsize=[^>]*>[^<]*</mo>)")


def sized_bases(markup: str) -> str:
    """Every sized operator that is a script's base, wrapped in an `<mrow>`.

    Examples:
        >>> sized_bases('<msup><mo stretchy="true" minsize="1.8em" maxsize="1.8em">)</mo><mi>T</mi></msup>')
        '<msup><mrow><mo stretchy="true" minsize="1.8em" maxsize="1.8em">)</mo></mrow><mi>T</mi></msup>'
        >>> sized_bases("<msup><mo>)</mo><mi>T</mi></msup>")
        '<msup><mo>)</mo><mi>T</mi></msup>'
    """
    return _SIZED_BASE.sub(r"<\1><mrow>\2</mrow>", markup)
