r"""KaTeX's MathML for an operator name in a script, as one argument of the script.

KaTeX writes `\lambda_{\max}` as ``<msub><mi>λ</mi><mi>max</mi><mo>&#x2061;</mo></msub>``: the name and the
invisible function application after it (U+2061) side by side, directly inside the script element, which so has
three children. A script element takes exactly two (``msubsup`` three, and `\sigma_{\max}^2` had four): MathML
Core lays out any other count as invalid markup, and the Nu Html Checker reports it (``mo`` not allowed as a
child of ``msub``). The rewrite wraps each such name and its U+2061 in one ``<mrow>``, the script's argument, which
is what the TeX says.

The markup is read tag by tag, counting each element's children, so that a base of any depth is one child.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

__all__ = ["grouped_names"]

#: Script elements and how many children each takes: a base and its scripts.
_SCRIPTS = {"msub": 2, "msup": 2, "munder": 2, "mover": 2, "msubsup": 3, "munderover": 3}
#: A start tag, an end tag, or a tag that closes itself.
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)(?:\s[^>]*?)?(/?)>")
#: The function application KaTeX puts after an operator name.
_APPLICATION = re.compile(r"<mo>(?:\u2061|&#x2061;)</mo>")


@dataclass
class _Open:
    tag: str
    #: Each child's start and end offset in the markup.
    children: list[tuple[int, int]] = field(default_factory=list)


def _split_script(markup: str, element: _Open) -> tuple[int, int] | None:
    """Where the name and its function application are, if `element` is a script element they were split in: it has
    one child more than it takes, and after its base an `<mi>` followed by the application."""
    if len(element.children) != _SCRIPTS.get(element.tag, -1) + 1:
        return None
    scripts = element.children[1:]
    for (name_start, _), (apply_start, apply_end) in pairwise(scripts):
        if markup.startswith("<mi>", name_start) and _APPLICATION.fullmatch(markup, apply_start, apply_end):
            return name_start, apply_end
    return None


def grouped_names(markup: str) -> str:
    """Every script element whose argument KaTeX split into a name and a function application, with the two in
    one ``<mrow>``.

    Args:
        markup: KaTeX's output for one formula (MathML); markup whose tags do not pair up is returned as it is.

    Returns:
        The same markup, each such script element with two children.

    Examples:
        >>> grouped_names("<msub><mi>λ</mi><mi>max</mi><mo>\u2061</mo></msub>")
        '<msub><mi>λ</mi><mrow><mi>max</mi><mo>\u2061</mo></mrow></msub>'
    """
    if "\u2061" not in markup and "&#x2061;" not in markup:
        return markup
    stack: list[_Open] = []
    spans: list[tuple[int, int]] = []
    for tag in _TAG.finditer(markup):
        closing, name, self_closing = tag.groups()
        if not closing:
            if stack:
                stack[-1].children.append((tag.start(), tag.end()))
            if not self_closing:
                stack.append(_Open(name))
            continue
        if not stack or stack[-1].tag != name:  # not MathML as KaTeX writes it: left as it is
            return markup
        element = stack.pop()
        if stack:  # the child's end is its end tag's
            start, _ = stack[-1].children[-1]
            stack[-1].children[-1] = (start, tag.end())
        split = _split_script(markup, element)
        if split is not None:
            spans.append(split)
    for start, end in sorted(spans, reverse=True):
        markup = f"{markup[:start]}<mrow>{markup[start:end]}</mrow>{markup[end:]}"
    return markup
