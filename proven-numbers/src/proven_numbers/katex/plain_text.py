r"""A formula as plain text, read from the MathML that KaTeX writes (beside its HTML, or alone).

What a reader can read and type into a search box: the numbers, identifiers and operators of the formula as
Unicode, its structure written with a few plain signs, and no TeX command. ``\mathbf{p} = \mathbf{x} W +
\mathbf{b}`` reads ``p = x W + b`` (with MathML alone, KaTeX's bold letters are Unicode's, 𝐩, read back as
the letters a reader types: `proven_numbers.katex.mathvariant.plain_letters`); a matrix reads
``[0.5 −1; 0.25 0.5]``, its rows separated by ``;``;
``\ell_k`` reads ``ℓ_k``, ``e^2`` reads ``e^2``, and a script of several tokens is put in parentheses,
``∑_(k=1)^z``; ``\frac{a}{b}`` reads ``a/b``.

The MathML is KaTeX's own reading of the TeX (the accessible form of the formula, which screen readers read),
so nothing here parses TeX.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from proven_numbers.katex.mathvariant import plain_letters

__all__ = ["plain_text"]

_MATH_RE = re.compile(r"<math[\s>].*?</math>", re.S)
#: Token elements: their text is the formula's text.
_TOKENS = frozenset({"mi", "mn", "mo", "mtext", "ms"})
#: Elements whose content is not shown (the TeX source, a phantom).
_HIDDEN = frozenset({"annotation", "annotation-xml", "mphantom"})
_VOID = frozenset({"mspace", "mglyph", "none", "mprescripts"})
_OPENING = frozenset("([{⟨⌊⌈‖|")
_CLOSING = frozenset(")]}⟩⌋⌉‖|")
#: Invisible operators (function application, invisible times, separator and plus).
_INVISIBLE = dict.fromkeys(range(0x2061, 0x2065))
_MINUS = frozenset({"−", "-", "+", "±"})


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[_Node] = field(default_factory=list)
    text: str = ""


class _Reader(HTMLParser):
    """MathML to a tree of `_Node`s, hidden elements left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack = [self.root]
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag == "mspace" and not self.hidden:  # a space the formula asks for (\, \quad), kept as a gap
                self.stack[-1].children.append(_Node(tag, dict(attrs)))
            return
        if self.hidden or tag in _HIDDEN:
            self.hidden += 1
            return
        node = _Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if self.hidden:
            self.hidden -= 1
            return
        if len(self.stack) > 1 and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.hidden and self.stack[-1].tag in _TOKENS:
            self.stack[-1].text += data


def _script(text: str) -> str:
    """A sub- or superscript: one token as it is, several in parentheses."""
    return text if re.fullmatch(r"[\w.′″']+|\S", text) else f"({text})"


def _row(nodes: list[_Node]) -> str:
    """Children side by side: a space between tokens, but none inside brackets, before a comma, between a name
    and the parenthesis of its argument, f(x), or after a sign that starts a number, −1.8."""
    out = ""
    previous: _Node | None = None
    glue = True
    for node in nodes:
        if node.tag == "mspace" or (node.tag == "mtext" and not node.text.strip()):  # \, \quad and the like
            previous = node
            continue
        text = _text(node)
        if not text:
            continue
        bracket = node.tag == "mo" and text in _OPENING
        # The parenthesis right after a name (not after a script, a space or an operator) holds its argument.
        argument = bracket and node.attrs.get("stretchy") == "false" and previous is not None and previous.tag == "mi"
        if not (glue or argument or text[0] in _CLOSING | {",", ";", "!", "′"}):
            out += " "
        out += text
        # A sign is no binary operator first in its row or after another operator (not after a closing bracket).
        after_operator = previous is None or (previous.tag == "mo" and _text(previous)[-1] not in _CLOSING)
        glue = bracket or (node.tag == "mo" and text in _MINUS and after_operator)
        previous = node
    return out


def _token(node: _Node) -> str:
    return " ".join(plain_letters(node.text.translate(_INVISIBLE)).split())


def _text(node: _Node) -> str:
    tag = node.tag
    if tag in _TOKENS:
        return _token(node)
    # KaTeX puts an invisible function application after \max in a script, as a third child of its msub.
    kids = [kid for kid in node.children if kid.tag != "mspace" and (kid.tag not in _TOKENS or _token(kid))]
    if (
        tag in {"munder", "mover"}
        and len(kids) == 2
        and kids[1].tag == "mo"
        and kids[1].attrs.get("stretchy") == "true"
    ):
        return _text(kids[0])  # an underbrace or an overline: its script, if any, is the next msub's or munder's
    if tag in {"msub", "munder"} and len(kids) == 2:
        return f"{_text(kids[0])}_{_script(_text(kids[1]))}"
    if tag in {"msup", "mover"} and len(kids) == 2:
        if node.attrs.get("accent") == "true":  # a hat or a bar over the base
            return _text(kids[0]) + _text(kids[1])
        return f"{_text(kids[0])}^{_script(_text(kids[1]))}"
    if tag in {"msubsup", "munderover"} and len(kids) == 3:
        return f"{_text(kids[0])}_{_script(_text(kids[1]))}^{_script(_text(kids[2]))}"
    if tag == "mfrac" and len(kids) == 2:
        return f"{_script(_text(kids[0]))}/{_script(_text(kids[1]))}"
    if tag == "msqrt":
        return f"√{_script(_row(kids))}"
    if tag == "mroot" and len(kids) == 2:
        return f"root_{_script(_text(kids[1]))}({_text(kids[0])})"
    if tag == "mtable":
        return "; ".join(t for t in (_text(row) for row in kids) if t)
    return _row(node.children)


@functools.lru_cache(maxsize=4096)  # a pure function of the HTML: `mkdocs serve` reads each formula once
def plain_text(html: str) -> str | None:
    """The formula in KaTeX's `html` as plain text, or None if the HTML holds no MathML.

    Args:
        html: KaTeX's rendering of one formula (HTML and MathML, or MathML alone).

    Returns:
        The formula's text, whitespace collapsed, such as ``p = x W + b``.
    """
    math = _MATH_RE.search(html)
    if math is None:
        return None
    reader = _Reader()
    reader.feed(math.group(0))
    reader.close()
    return " ".join(_row(reader.root.children).split())
