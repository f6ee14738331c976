"""The syntax of math on a page (markdown-katex's): code spans as Markdown finds them on a line, the inline
formulas among them, the line that may open a display formula's fence, and the error a formula gives, with its
line."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mkdocs.exceptions import PluginError

from proven_numbers.katex.renderer import FORMULA_OPTIONS

__all__ = [
    "FenceOpening",
    "MathError",
    "code_spans",
    "fence_opening",
    "fence_options",
    "inline_math_spans",
    "iter_inline_math",
]

_BACKTICKS_RE = re.compile(r"`+")
#: A line break as Python-Markdown sees one: it turns "\r\n" and "\r" into "\n", and splits lines at "\n" alone.
_LINE_BREAK_RE = re.compile("\r\n?|\n")
# What may open a ```math fence: the prefix of a quote, a list or an admonition (pymdownx.superfences' own
# prefix characters), the fence, the language (`math`, `.math`), and the rest of the line: KaTeX options.
_FENCE_OPENING_RE = re.compile(r"^(?P<head>[> \t]*(?P<fence>`{3,}|~{3,})[ \t]*\.?math)(?P<header>(?:[ \t]|\{).*)?$")


class MathError(PluginError):
    """A formula on a page cannot be rendered.

    Attributes:
        lineno: the formula's first line in the page's Markdown (1-based, after any front matter).
        tex: the formula's TeX source.
        display: display (fenced) or inline math.
        reason: KaTeX's message, or what is wrong with the fence.
    """

    def __init__(
        self,
        lineno: int,
        tex: str,
        display: bool,
        reason: str,
        last_line: int | None = None,
        katex: bool = True,
    ) -> None:
        self.lineno = lineno
        self.tex = tex
        self.display = display
        self.reason = reason
        where = f"lines {lineno}-{last_line}" if last_line and last_line != lineno else f"line {lineno}"
        if not katex:
            message = f"{where}: {reason}"
        else:
            shown = f"display formula `{' '.join(tex.split())}`" if display else f"inline formula $`{tex}`$"
            message = f"{where}: KaTeX cannot render the {shown}: {' '.join(reason.splitlines())}"
        super().__init__(message)


@dataclass(frozen=True)
class FenceOpening:
    """A line that opens a ```math fence, if Markdown reads it as a fence (only the parser can say).

    Attributes:
        head: the line up to and including the word `math`.
        header: the rest of the line (white space and the KaTeX options' JSON object), as written.
    """

    head: str
    header: str


def fence_opening(line: str) -> FenceOpening | None:
    """The line as the opening of a ```math fence, or None when it cannot open one.

    A backtick fence whose line holds another backtick opens no fence (it starts a code span), as in CommonMark.
    """
    m = _FENCE_OPENING_RE.match(line.rstrip("\r"))
    if m is None:
        return None
    header = m.group("header") or ""
    if m.group("fence")[0] == "`" and "`" in header:
        return None
    return FenceOpening(m.group("head"), header)


def code_spans(line: str) -> Iterator[tuple[int, int, int, int]]:
    """Find the code spans of one line as Markdown does (the essay's $`...`$ math among them).

    A code span opens with a run of n backticks (not escaped by a backslash) and closes with the next run
    of exactly n backticks.

    Yields:
        (start, open_end, close_start, end): where the opening run starts and ends, and where the closing run
        starts and ends; the code is ``line[open_end:close_start]``.
    """
    runs = [(m.start(), m.end()) for m in _BACKTICKS_RE.finditer(line)]
    k = 0
    while k < len(runs):
        start, end = runs[k]
        backslashes = len(line[:start]) - len(line[:start].rstrip("\\"))
        if backslashes % 2:
            start += 1  # the first backtick is escaped and literal
        n = end - start
        close = next((c for c in range(k + 1, len(runs)) if runs[c][1] - runs[c][0] == n), None)
        if n == 0 or close is None:
            k += 1
            continue
        yield start, end, *runs[close]
        k = close + 1


def iter_inline_math(line: str) -> Iterator[tuple[int, int, str]]:
    """Find $`...`$ and $``...``$ in one line, skipping ordinary code spans as Markdown would.

    A code span (see `code_spans`) is math when its runs are of 1 or 2 backticks, a `$` comes right before
    the opening run and right after the closing run.

    Yields:
        (start, end, tex): the slice of `line` from the opening `$` to the closing `$`, and the TeX.
    """
    for start, open_end, close_start, end in code_spans(line):
        if open_end - start <= 2 and line[start - 1 : start] == "$" and line[end : end + 1] == "$":
            yield start - 1, end + 1, line[open_end:close_start]


def inline_math_spans(text: str) -> Iterator[tuple[int, int]]:
    r"""Where the math extension takes an inline formula off a page before Markdown parses it, as offsets of `text`:
    each $`...`$ of a line (`iter_inline_math`) that cannot open a ```math fence, the lines split as Python-Markdown
    splits them (at "\n", "\r\n" and "\r" alone).

    What stands there is the formula's TeX, whatever it looks like (``$`\text{<!-- nnla:x -->}`$``).
    """
    start = 0
    for brk in [*_LINE_BREAK_RE.finditer(text), None]:
        end = brk.start() if brk is not None else len(text)
        line = text[start:end]
        if "$`" in line and fence_opening(line) is None:
            for first, last, _ in iter_inline_math(line):
                yield start + first, start + last
        if brk is not None:
            start = brk.end()


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def fence_options(header: str, line: int, tex: str) -> dict[str, Any]:
    """The KaTeX options the JSON header of a ```math fence at `line` sets, checked: a JSON object of booleans,
    each an option a formula may set (`proven_numbers.katex.FORMULA_OPTIONS`).

    Raises:
        MathError: at `line`, naming what is wrong with the header.
    """
    header = header.strip()
    if not header:
        return {}
    try:  # strict JSON: Python's reader also takes NaN and Infinity, which KaTeX's (node's) refuses
        options = json.loads(header, parse_constant=_no_constant)
    except ValueError:
        options = None
    if not isinstance(options, dict):
        raise MathError(
            line,
            tex,
            True,
            f"the text after ```math must be a JSON object of KaTeX options, not {header!r}",
            katex=False,
        )
    refused = sorted(set(options) - FORMULA_OPTIONS)
    if refused:
        raise MathError(
            line,
            tex,
            True,
            f"a formula may set only the KaTeX options {', '.join(sorted(FORMULA_OPTIONS))}; "
            f"{', '.join(refused)} is fixed by the site (errors fail the build, nothing is trusted)",
            katex=False,
        )
    for name, value in options.items():
        if not isinstance(value, bool):
            raise MathError(
                line,
                tex,
                True,
                f"the KaTeX option {name} is true or false, not {json.dumps(value)}",
                katex=False,
            )
    return options
