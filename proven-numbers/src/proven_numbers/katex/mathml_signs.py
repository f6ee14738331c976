r"""KaTeX's MathML for a sign after a relation, a bracket or a comma, marked as the prefix it is.

TeX sets the minus of `a = -2` against its number: a binary operator that follows a relation, an opening bracket,
punctuation, another binary operator or a large operator becomes an ordinary symbol, with no space around it
(The TeXbook, appendix G, rule 5). KaTeX's HTML does the same; its MathML writes ``<mo>=</mo><mo>−</mo><mn>2</mn>``
and leaves the rest to the browser, and MathML Core takes an operator's form from its place in the row alone: in
the middle of a row it is infix, spaced as a binary minus, so Chromium and Firefox both drew "a = − 2". The
rewrite adds ``form="prefix"`` to such a sign, MathML's way of saying what TeX decided, and the browser's operator
dictionary then gives it no space (measured in both browsers).

Two siblings are read from the markup as it is: an end tag ``</mo>`` directly followed by a start tag ``<mo>`` are
two operators side by side in one row. A sign first in its row is a prefix already, and a sign after anything else
(a letter, a number, a closing bracket, `\cdots`) is binary, as in TeX: both are left alone.
"""

from __future__ import annotations

import re

__all__ = ["prefix_signs"]

#: The binary operators TeX turns into signs.
SIGNS = "−+±∓"
#: The operators after which a sign is a prefix, by TeX's class. Relations (with `<` and `>` as KaTeX escapes them):
RELATIONS = ("=", "&lt;", "&gt;", "≤", "≥", "≠", "≈", "≡", "∼", "≃", "≅", "∝", "≪", "≫", ":", "≔", "∈", "∉", "∋",
             "⊂", "⊃", "⊆", "⊇", "←", "→", "↔", "⇐", "⇒", "⇔", "↦", "⟵", "⟶", "⟹", "∣")  # fmt: skip
#: opening brackets and punctuation:
OPENING = ("(", "[", "{", "⟨", "⌊", "⌈", ",", ";")
#: binary operators, large operators, and the function application after a name (`\sin -x`).
OPERATORS = (*SIGNS, "×", "·", "⋅", "∘", "⊗", "⊕", "∗", "∖", "∩", "∪", "∧", "∨", "÷",
             "∑", "∏", "∫", "∮", "⋂", "⋃", "\u2061", "&#x2061;")  # fmt: skip
#: An operator of those, then a bare sign beside it.
_SIGN_AFTER = re.compile(
    r"(<mo(?:\s[^>]*)?>(?:"
    + "|".join(map(re.escape, (*RELATIONS, *OPENING, *OPERATORS)))
    + r")</mo>)<mo>(["
    + SIGNS
    + r"])</mo>"
)


def prefix_signs(markup: str) -> str:
    """Every sign that TeX sets as a prefix (after a relation, an opening bracket, punctuation, or another
    operator) marked ``form="prefix"``.

    Args:
        markup: KaTeX's output for one formula (MathML).

    Returns:
        The same markup, each such sign's ``<mo>`` with the attribute.

    Examples:
        >>> prefix_signs("<mi>a</mi><mo>=</mo><mo>−</mo><mn>2</mn>")
        '<mi>a</mi><mo>=</mo><mo form="prefix">−</mo><mn>2</mn>'
        >>> prefix_signs('<mo stretchy="false">)</mo><mo>−</mo><mi>b</mi>')
        '<mo stretchy="false">)</mo><mo>−</mo><mi>b</mi>'
    """
    while True:  # a sign after a sign (`= - -2`) is found once the first is marked
        rewritten = _SIGN_AFTER.sub(r'\1<mo form="prefix">\2</mo>', markup)
        if rewritten == markup:
            return markup
        markup = rewritten
