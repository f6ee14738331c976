"""The syntax of math on a page (markdown-katex's): code spans as Markdown finds them on a line, the inline
formulas among them, and the error a formula gives, with its line."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mkdocs.exceptions import PluginError

__all__ = ["MathError", "code_spans", "dedent", "iter_inline_math"]

_BACKTICKS_RE = re.compile(r"`+")


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


def dedent(line: str, width: int) -> str:
    """Remove up to `width` leading spaces (the fence's indentation) from a line of the formula."""
    stripped = len(line) - len(line.lstrip(" "))
    return line[min(width, stripped) :]


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
