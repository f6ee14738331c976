r"""KaTeX's MathML variants (`mathvariant="bold"`) as MathML Core writes them: Unicode's mathematical letters.

Browsers that implement MathML Core (Chromium among them) ignore `mathvariant` except "normal", so the bold
**b** of `\mathbf{b}` would show as an italic *b* and the ℝ of `\mathbb{R}` as an italic R. Unicode encodes
those letters themselves (𝐛 U+1D41B, ℝ U+211D), and a math font draws them. A token whose every character has
such a letter is rewritten to it; any other (a bold ℓ, which Unicode lacks) keeps its `mathvariant`, for the
site's stylesheet to embolden. `plain_letters` reads them back, for text a reader types (the search index).

KaTeX also marks one-character identifiers upright (`<mi mathvariant="normal">/</mi>`), and Firefox spaces an
upright identifier from an italic one after it as it spaces a function's name: gaps around the slash of ∂L / ∂W,
and in Δw, that Chromium does not draw. Where MathML Core would not set the character in italic anyway
(`MATH_AUTO`: a slash, ℓ, ⋮, ⊤), "normal" changes nothing but that gap, and the token is written without it. ∂
too, for another reason: TeX sets `\partial` in its math italic, so a plain `<mi>∂</mi>` shows it as TeX does
(𝜕), in both browsers. A letter MathML Core would italicize (Δ, ∇, the d of `\mathrm{d}`) needs "normal" to
stay upright, and Firefox spaced it: such a letter is written as `<mtext>`, which MathML Core never italicizes
and Firefox sets beside an italic letter without a gap (Δw). Chromium draws the same glyph, at the same width.
"""

from __future__ import annotations

import re

__all__ = ["MATH_AUTO", "VARIANTS", "plain_letters", "unicode_variants"]


def _letters(capital: int, small: int, holes: dict[str, str] | None = None) -> dict[str, str]:
    """A–Z from `capital` and a–z from `small`, with the letters Unicode encoded earlier taken from `holes`."""
    table = {chr(ord("A") + i): chr(capital + i) for i in range(26)}
    table.update({chr(ord("a") + i): chr(small + i) for i in range(26)})
    table.update(holes or {})
    return table


def _digits(zero: int) -> dict[str, str]:
    return {chr(ord("0") + i): chr(zero + i) for i in range(10)}


#: Capital and small Greek letters in the order of Unicode's mathematical Greek alphabets (capital theta
#: symbol after rho; then nabla, and after the small letters partial, epsilon, theta, kappa, phi, rho, pi
#: symbols).
_GREEK = "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡϴΣΤΥΦΧΨΩ∇αβγδεζηθικλμνξοπρςστυφχψω∂ϵϑϰϕϱϖ"


def _greek(first: int) -> dict[str, str]:
    return {letter: chr(first + i) for i, letter in enumerate(_GREEK)}


#: mathvariant -> {character: its mathematical letter}, from Unicode's Mathematical Alphanumeric Symbols.
VARIANTS: dict[str, dict[str, str]] = {
    "bold": {**_letters(0x1D400, 0x1D41A), **_digits(0x1D7CE), **_greek(0x1D6A8)},
    "italic": {**_letters(0x1D434, 0x1D44E, {"h": "\u210e"}), **_greek(0x1D6E2)},
    "bold-italic": {**_letters(0x1D468, 0x1D482), **_greek(0x1D71C)},
    "double-struck": {
        **_letters(0x1D538, 0x1D552, {"C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"}),
        **_digits(0x1D7D8),
    },
    "sans-serif": {**_letters(0x1D5A0, 0x1D5BA), **_digits(0x1D7E2)},
    "monospace": {**_letters(0x1D670, 0x1D68A), **_digits(0x1D7F6)},
}

#: The characters MathML Core sets in italic in a one-character `<mi>` (its `math-auto` text transform): those of
#: the italic alphabets, and the dotless i and j.
MATH_AUTO = frozenset({*VARIANTS["italic"], "\u0131", "\u0237"})

#: A MathML token with a variant and plain text, as KaTeX writes it: `<mi mathvariant="bold">b</mi>`.
_TOKEN = re.compile(r'<(mi|mn|mo|mtext) mathvariant="([a-z-]+)">([^<&]+)</\1>')


def unicode_variants(markup: str) -> str:
    """Rewrite every token whose variant Unicode encodes, for each of its characters, to those characters.

    Args:
        markup: KaTeX's output (MathML), or any HTML holding it.

    Returns:
        The same markup, with `<mi mathvariant="bold">b</mi>` as `<mi>𝐛</mi>` and the like, and an upright
        letter as `<mtext>`; a token with a character outside the variant's alphabet is left as it is.

    Examples:
        >>> unicode_variants('<mi mathvariant="double-struck">R</mi><mi mathvariant="bold">ℓ</mi>')
        '<mi>ℝ</mi><mi mathvariant="bold">ℓ</mi>'
        >>> unicode_variants('<mi mathvariant="normal">Δ</mi><mi>w</mi>')
        '<mtext>Δ</mtext><mi>w</mi>'
    """

    def rewrite(token: re.Match[str]) -> str:
        tag, variant, text = token.groups()
        if tag == "mi" and variant == "normal" and (text == "∂" or (len(text) == 1 and text not in MATH_AUTO)):
            return f"<mi>{text}</mi>"
        if tag == "mi" and variant == "normal" and len(text) == 1:  # upright only with the mark: Δ, ∇, d
            return f"<mtext>{text}</mtext>"
        table = VARIANTS.get(variant)
        if table is None or any(c not in table for c in text):
            return token.group(0)
        return f"<{tag}>{''.join(table[c] for c in text)}</{tag}>"

    return _TOKEN.sub(rewrite, markup)


#: Each mathematical letter of `VARIANTS`, and the letter or digit it is a variant of.
_PLAIN = {ord(letter): plain for table in VARIANTS.values() for plain, letter in table.items() if letter != plain}


def plain_letters(text: str) -> str:
    """`text` with every mathematical letter of `VARIANTS` as the letter it is a variant of: what a reader types.

    Examples:
        >>> plain_letters("𝐱 W + 𝐛 ∈ ℝ")
        'x W + b ∈ R'
    """
    return text.translate(_PLAIN)
