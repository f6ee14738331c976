"""What every finished page promises a reader, checked on the page's HTML before it is written.

- it shows no KaTeX error (``katex-error``, KaTeX's red formula);
- it shows no formula as code or as text: a $`...`$ split across lines is a code span between two dollars to
  Markdown, since markdown-katex's syntax (and the math extension's) reads a formula on one line, and a $` not
  closed on its line is text;
- it holds none of the build's internal tokens (a marker's, a formula's or a math fence's stand-in);
- its ids are unique.

`broken` lists what a page breaks; the build fails on the first page that breaks any, naming it and each problem.
That a page requests nothing from another host and runs no script but the theme's is checked on what ships, file
by file, read as a browser reads it (`proven_numbers.shipped`), and enforced by the reader's browser
(`proven_numbers.csp`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["broken", "formula_problems", "formulas_not_read", "math_tokens", "opening_line"]

#: A line break as Python-Markdown counts lines.
_LINE_BREAK = re.compile("\r\n?|\n")

#: Elements whose text is no prose: a $` there is code, a script's, a style's, or a formula's own TeX.
_NOT_PROSE = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea", "math", "annotation", "svg"})

#: The shape of the stand-in of an inline formula or of a ```math line (`proven_numbers.mdext`: a nonce of 12 hex
#: digits per Markdown object), for a caller that does not know the nonces of the build that made the page.
_MATH_TOKEN_SHAPE = re.compile(r"PNUM[MF][0-9A-F]{12}T[0-9]+Z")


def math_tokens(nonces: Iterable[str]) -> re.Pattern[str] | None:
    """What the math tokens of the Markdown objects with these nonces look like (`MathExtension`'s), or None for
    no nonce: a page holding such a token leaked it; a word of the same shape is prose."""
    known = sorted(set(nonces))
    if not known:
        return None
    return re.compile(f"PNUM[MF](?:{'|'.join(map(re.escape, known))})T[0-9]+Z")


def broken(
    page: str, token: re.Pattern[str] | None = None, math_token: re.Pattern[str] | None = _MATH_TOKEN_SHAPE
) -> list[str]:
    """What a finished page breaks of its promises (see the module docstring); empty when it keeps them all.

    Args:
        page: the page's HTML.
        token: what the build's internal marker tokens look like, if it has any.
        math_token: what the build's math tokens look like (`math_tokens` of its Markdown objects' nonces): then
            a word that only has their shape (``PNUMM0123456789ABT1Z`` in prose) is no leak. By default, for a
            caller that cannot know the nonces (a site built elsewhere), any string of their shape; None for a
            build without math.
    """
    tree = LexborHTMLParser(page)
    problems = [
        f"a formula shows KaTeX's error: {node.attributes.get('title') or ''!r}" for node in tree.css(".katex-error")
    ]
    problems += [message for message, _ in formula_problems(tree)]
    ids = Counter(node.attributes.get("id") or "" for node in tree.css("[id]"))
    repeated = sorted(name for name, count in ids.items() if count > 1)
    if repeated:
        problems.append(f"ids used more than once: {', '.join(repeated[:10])}{' …' if len(repeated) > 10 else ''}")
    leaked = token.search(page) if token is not None else None
    if leaked is not None:
        problems.append(f"an internal marker token reached the page: {leaked.group()}")
    leaked = math_token.search(page) if math_token is not None else None
    if leaked is not None:
        problems.append(f"an internal math token reached the page: {leaked.group()}")
    return problems


def formula_problems(tree: LexborHTMLParser) -> list[tuple[str, str]]:
    """Each inline formula Markdown did not read as one: what `broken` says of it, and how it starts on the page's
    Markdown (its first word after the opening $`), by which `opening_line` finds its line."""
    split, unclosed = formulas_not_read(tree)
    said = [
        (
            f"a formula split across lines shows as code between dollars: $`{tex}`$ (write an inline formula on one "
            "line, or as a ```math fence)",
            tex,
        )
        for tex in split
    ]
    said += [
        (
            f"a formula not closed on its line shows as text: {text} (close it on the same line with as many "
            "backticks as open it, then $)",
            text.lstrip("$`"),
        )
        for text in unclosed
    ]
    return said


def opening_line(markdown: str, start: str) -> int:
    """The first line of `markdown` on which an inline formula opens ($` or $``) with the text `start` begins with
    (its first word); 0 if none does (the formula came from an included file)."""
    words = start.split()
    if not words:
        return 0
    opening = re.compile(r"\$`+[ \t]*" + re.escape(words[0][:40]))
    for number, line in enumerate(_LINE_BREAK.split(markdown), start=1):
        if opening.search(line):
            return number
    return 0


def formulas_not_read(tree: LexborHTMLParser) -> tuple[list[str], list[str]]:
    """The inline formulas Markdown did not read as formulas: the TeX of each split across lines (a code span
    between two dollars, its white space collapsed), and the text from each $` that prose holds (not closed on its
    line), up to the end of its line or 60 characters."""
    split = [" ".join(node.text().split()) for node in tree.css("code") if _between_dollars(node)]
    unclosed = []
    body = tree.body
    for node in body.traverse(include_text=True) if body is not None else []:
        if node.tag != "-text" or "$`" not in (node.text_content or ""):
            continue
        parent, prose = node.parent, True
        while parent is not None and prose:
            prose = parent.tag not in _NOT_PROSE
            parent = parent.parent
        if not prose:
            continue
        text = node.text_content or ""
        at = text.find("$`")
        while at != -1:
            unclosed.append(text[at:].split("\n")[0][:60].rstrip())
            at = text.find("$`", at + 2)
    return split, unclosed


def _between_dollars(code: LexborNode) -> bool:
    """Whether a code element sits right between a "$" and a "$" of its parent's text, as Markdown leaves a formula
    whose $`...`$ is not on one line (a code span may span lines; an inline formula may not)."""
    before, after = code.prev, code.next
    return (
        before is not None
        and after is not None
        and before.tag == "-text"
        and after.tag == "-text"
        and (before.text_content or "").endswith("$")
        and (after.text_content or "").startswith("$")
    )
