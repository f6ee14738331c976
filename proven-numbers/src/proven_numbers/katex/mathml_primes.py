r"""KaTeX's MathML for a prime (`f'`, `\tanh'`), written so that the browser does not raise it twice.

TeX's `'` is a superscript `\prime`, and KaTeX's MathML keeps the superscript: `<msup><mi>f</mi><mo>′</mo></msup>`.
But the prime character of a math font (U+2032, as Unicode means it) is already drawn high, beside the top of the
letter, so a browser that lifts it as a superscript too sets it a second time higher, floating above the letter:
Chromium and Firefox both did, in σ′ and tanh′ (screenshots compared). MathML Core writes a prime as the
character it is, after its base: the rewrite puts the base and the prime side by side in an `<mrow>`, with no
space around the prime, which is how both browsers draw f′ as TeX does.

Only a superscript of primes alone is rewritten (′, ″, ‴, ⁗, and a row of them: KaTeX writes `f''` as two);
`f'^2`, a prime with more in its superscript, is left as KaTeX wrote it.
"""

from __future__ import annotations

import re

__all__ = ["PRIMES", "primes_beside"]

#: The prime characters (prime, double, triple, quadruple).
PRIMES = "′″‴⁗"
_PRIME_MO = rf"<mo(?:\s[^>]*)?>[{PRIMES}]</mo>"
#: A superscript that is primes alone (`f'`, or `f''` as KaTeX writes it: a row of two), ending its `<msup>`.
_PRIME_LAST = re.compile(rf"({_PRIME_MO}|<mrow>(?:{_PRIME_MO})+</mrow>)</msup>")
_PRIME_CHARACTER = re.compile(rf">([{PRIMES}])</mo>")
_MSUP = re.compile(r"<(/?)msup\b[^>]*>")
#: A start or end tag of any element (KaTeX writes no comments, and `<` in text as `&lt;`).
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^>]*?(/?)>")


def _one_element(markup: str) -> bool:
    """Whether `markup` is a single element, start tag to its end tag."""
    depth = 0
    for tag in _TAG.finditer(markup):
        if depth == 0 and tag.start() != 0:
            return False
        closing, self_closing = tag.group(1) == "/", tag.group(3) == "/"
        depth += 0 if self_closing else -1 if closing else 1
        if depth == 0:
            return tag.end() == len(markup)
    return False


def primes_beside(markup: str) -> str:
    """Every `<msup>` whose superscript is a prime alone, as its base and the prime side by side in an `<mrow>`.

    Args:
        markup: KaTeX's output for one formula (MathML).

    Returns:
        The same markup with each such superscript rewritten; any other left as it is.

    Examples:
        >>> primes_beside('<msup><mi>f</mi><mo mathvariant="normal">′</mo></msup>')
        '<mrow><mi>f</mi><mo lspace="0em" rspace="0em">′</mo></mrow>'
        >>> primes_beside("<msup><mi>f</mi><mrow><mo>′</mo><mn>2</mn></mrow></msup>")
        '<msup><mi>f</mi><mrow><mo>′</mo><mn>2</mn></mrow></msup>'
    """
    searched = len(markup)
    while True:
        last = None
        for match in _PRIME_LAST.finditer(markup, 0, searched):
            last = match
        if last is None:
            return markup
        searched = last.start()
        # The <msup> this prime ends: the start tag that balances its end tag, read backwards.
        depth, start = 0, None
        tags = list(_MSUP.finditer(markup, 0, last.start()))
        for tag in reversed(tags):
            if tag.group(1):
                depth += 1
            elif depth == 0:
                start = tag
                break
            else:
                depth -= 1
        if start is None:
            continue
        base = markup[start.end() : last.start()]
        if not _one_element(base):
            continue
        prime = "".join(f'<mo lspace="0em" rspace="0em">{c}</mo>' for c in _PRIME_CHARACTER.findall(last.group(1)))
        markup = f"{markup[: start.start()]}<mrow>{base}{prime}</mrow>{markup[last.end() :]}"
        searched = start.start() + len("<mrow>") + len(base)
