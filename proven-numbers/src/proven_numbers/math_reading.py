"""Reading a page before Markdown parses it, for the math extension (`proven_numbers.mdext`): the page's lines as
written, and a token of the page in place of each inline formula and each line that may open a ```math fence.

Which lines open fences and which formulas are code is Markdown's to say: pymdownx.superfences reads the fences,
and `proven_numbers.math_placing` puts every token that is left where Markdown placed it. A formula's line is the
line of the page as written: `line_origins` maps the lines pymdownx.snippets brought in to the line of their
``--8<--``.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from markdown import Markdown  # type: ignore[import-untyped]
from markdown.preprocessors import Preprocessor  # type: ignore[import-untyped]

from proven_numbers.math_syntax import fence_opening, iter_inline_math

if TYPE_CHECKING:
    from proven_numbers.mdext import MathExtension

__all__ = ["SOURCE_PRIORITY", "MathPreprocessor", "SourcePreprocessor", "line_origins"]

#: Before pymdownx.snippets (32), which puts other files' lines into the page: the page's lines as written.
SOURCE_PRIORITY = 34


class SourcePreprocessor(Preprocessor):  # type: ignore[misc]
    """Keeps the page's lines as written, before pymdownx.snippets puts other files' lines among them."""

    def __init__(self, md: Markdown, ext: MathExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        # Split as Markdown's normalize_whitespace (30) will split the page, at \r\n, \r and \n alike, so that
        # both sides of `line_origins` count lines the same way.
        self.ext.written = "\n".join(lines).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return lines


def line_origins(written: list[str] | None, lines: list[str]) -> list[int]:
    """The line of the page as written (1-based) that each of `lines` comes from, the page as the preprocessors
    before this extension's left it: a line a snippet brought in is the line of its ``--8<--``.

    Args:
        written: the page's lines before pymdownx.snippets, or None when they were not seen.
        lines: the lines now.
    """
    if written is None or written == lines:
        return list(range(1, len(lines) + 1))
    origins: list[int] = []
    # A blank line anchors no match: a snippet's blank lines would otherwise match the page's, and the lines after
    # them would be taken for the page's own.
    matcher = SequenceMatcher(lambda line: not line.strip(), written, lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):  # the same lines, or each changed in place
            origins += range(i1 + 1, i2 + 1)
        elif tag != "delete":  # lines from elsewhere: the line that brought them in
            origins += [min(i1 + 1, len(written))] * (j2 - j1)
    return origins


class MathPreprocessor(Preprocessor):  # type: ignore[misc]
    """Swaps each inline formula, and each line that may open a ```math fence, for a token of this page.

    Which lines open fences and which formulas are code is Markdown's to say: pymdownx.superfences reads the
    fences (calling `_format` for each ```math fence), and `proven_numbers.math_placing` puts every token that is
    left where Markdown placed it.
    """

    def __init__(self, md: Markdown, ext: MathExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        self.ext.begin_document()
        origins = self.ext.origins or line_origins(self.ext.written, lines)
        self.ext.written, self.ext.origins = None, None
        out = []
        for line, lineno in zip(lines, origins, strict=True):
            opening = fence_opening(line)
            if opening is None:
                out.append(self._inline(line, lineno))
            else:
                # superfences reads the token as the fence's one option, and `_validate` knows it.
                out.append(f"{opening.head} {self.ext.fence_token(opening, lineno)}")
        return out

    def _inline(self, line: str, lineno: int) -> str:
        """Swap each inline formula for a token: whether it is math or an example in code, Markdown says later."""
        if "$`" not in line:
            return line
        pieces: list[str] = []
        pos = 0
        for start, end, tex in iter_inline_math(line):
            pieces += [line[pos:start], self.ext.token(tex, line[start:end], lineno)]
            pos = end
        pieces.append(line[pos:])
        return "".join(pieces)
