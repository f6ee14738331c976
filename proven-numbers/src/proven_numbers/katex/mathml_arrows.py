r"""KaTeX's MathML for a labelled arrow (`\xrightarrow{\tanh}`), written so that Chromium draws it as Firefox does.

KaTeX writes `\xrightarrow{f}` as an `<mover>` whose base is a stretchy arrow of at least 3em and whose script is
the label in an `<mpadded>`: Firefox stretches the arrow under its label. Chromium does not stretch the base of
an `<mover>` along the line, so it drew a short → with the label floating a line above it (the stretchy arrow's
box is tall), as in Part III's layer diagram. The font's long arrow (⟶, ⟵, ⟹, …), not stretched, with the label
over it as a plain row, reads right in both browsers (compared in screenshots). A long arrow is about 1.6em
long, so only a short label, of `MAX_LABEL` characters or fewer, is rewritten; a longer one, or an arrow with a
label under it too (`\xrightarrow[b]{a}`, an `<munderover>`), stays as KaTeX wrote it.
"""

from __future__ import annotations

import html
import re

__all__ = ["LONG_ARROWS", "MAX_LABEL", "short_arrows"]

#: Each arrow KaTeX stretches, and the font's long arrow drawn in its place.
LONG_ARROWS = {"→": "⟶", "←": "⟵", "↔": "⟷", "⇒": "⟹", "⇐": "⟸", "⇔": "⟺", "↦": "⟼"}
#: The longest label (in characters, white space aside) that fits over a long arrow.
MAX_LABEL = 5
_ARROW = re.compile(
    r'<mover><mo stretchy="true" minsize="[^"]*">(?P<arrow>[' + "".join(LONG_ARROWS) + r"])</mo>"
    r'<mpadded width="[^"]*" lspace="[^"]*">(?P<label>(?:(?!</?(?:mpadded|mover)\b).)*)</mpadded></mover>'
)
_TAG = re.compile(r"<[^>]*>")
#: The invisible operators (function application, times, separator, plus): no width in the label.
_INVISIBLE = dict.fromkeys(range(0x2061, 0x2065))


def short_arrows(markup: str) -> str:
    """Every labelled arrow with a short label, as the font's long arrow under its label.

    Examples:
        >>> short_arrows('<mover><mo stretchy="true" minsize="3.0em">→</mo>'
        ...              '<mpadded width="+0.6em" lspace="0.3em"><mi>f</mi></mpadded></mover>')
        '<mover><mo stretchy="false">⟶</mo><mrow><mi>f</mi></mrow></mover>'
    """

    def rewrite(match: re.Match[str]) -> str:
        label = match.group("label")
        text = html.unescape(_TAG.sub("", label)).translate(_INVISIBLE)
        if len("".join(text.split())) > MAX_LABEL:
            return match.group(0)
        return f'<mover><mo stretchy="false">{LONG_ARROWS[match.group("arrow")]}</mo><mrow>{label}</mrow></mover>'

    return _ARROW.sub(rewrite, markup)
