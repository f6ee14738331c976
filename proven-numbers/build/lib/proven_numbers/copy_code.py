""">>> sessions whose copy button copies only the code: the statements, without prompts and outputs.

Material's copy button copies a code block's text, unless an ancestor of the block carries a ``data-copy``
attribute, whose value it copies instead (Material 9.4.4, `extract` in its clipboard integration). A Python
session (a ``pycon`` fence of a page, or an ``Examples:`` section of a docstring that mkdocstrings highlights) is
read here with `doctest`'s own parser, the one the tests run the examples with, and its statements are written
into that attribute at build time: the reader pastes code that runs, and no script is involved.
"""

from __future__ import annotations

import doctest
import html
import re

__all__ = ["add_copy_text", "runnable_code"]

#: A block Pygments highlighted (pymdownx.highlight, for a fence and for mkdocstrings alike), and its code.
_BLOCK_RE = re.compile(
    r'<div class="highlight"(?P<attrs>[^>]*)>(?P<pre><pre>(?:<span></span>)?<code>(?P<code>.*?)</code>)', re.S
)
_TAG_RE = re.compile(r"<[^>]+>")
_PROMPT = ">>> "


def runnable_code(session: str) -> str | None:
    """The statements of a ``>>>`` session, as one would type them into a file; None if it is no session.

    Args:
        session: the session's text, prompts, continuation lines and outputs as shown.

    Returns:
        Each example's source in order (continuation lines without their ``...`` prompt), outputs and
        tracebacks left out; None when the text does not start with a ``>>>`` prompt.
    """
    if not session.lstrip().startswith(_PROMPT.rstrip()):
        return None
    examples = doctest.DocTestParser().get_examples(session)
    return "".join(example.source for example in examples).rstrip("\n")


def add_copy_text(page_html: str) -> str:
    """Give every highlighted ``>>>`` session of a page a ``data-copy`` attribute holding its statements.

    A block that is no session, or that already says what to copy, is left as it is.

    Args:
        page_html: the page's HTML (``on_page_content``).

    Returns:
        The HTML, each session's ``<div class="highlight">`` carrying ``data-copy``.
    """

    def annotate(m: re.Match[str]) -> str:
        if "data-copy=" in m.group("attrs"):
            return m.group(0)
        code = runnable_code(html.unescape(_TAG_RE.sub("", m.group("code"))))
        if code is None:
            return m.group(0)
        return f'<div class="highlight"{m.group("attrs")} data-copy="{html.escape(code, quote=True)}">{m.group("pre")}'

    return _BLOCK_RE.sub(annotate, page_html)
