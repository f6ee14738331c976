"""What the live preview shows instead of failing: the error, in the page, where the author is looking.

`mkdocs build` fails on a bad marker or formula. Under `mkdocs serve` a failed build leaves the browser on the
stale page (and MkDocs' reload waits for a build that succeeds), so there the hooks put the same message into
the page, at the place of the marker or formula, and say it in the terminal too.
"""

from __future__ import annotations

import html
import html.parser
import logging

__all__ = ["ERROR_CLASS", "error_box", "in_page", "report"]

#: The class of the box (styled inline: the preview must show it even if the site's stylesheet is the problem).
ERROR_CLASS = "pn-preview-error"
_STYLE = (
    "border:2px solid #c62828;border-radius:4px;padding:.6em .8em;margin:1em 0;"
    "font-family:monospace;white-space:pre-wrap;color:#c62828;background:transparent"
)

log = logging.getLogger("mkdocs.plugins.proven_numbers.preview")


def error_box(message: str, inline: bool = False) -> str:
    """The HTML that stands in the preview where the broken marker or formula was."""
    tag = "span" if inline else "div"
    text = html.escape(f"proven-numbers build error (mkdocs build fails here): {message}", quote=False)
    return f'<{tag} class="{ERROR_CLASS}" role="alert" style="{_STYLE}">{text}</{tag}>'


def report(message: str) -> None:
    """Say the error in the terminal, at a level that does not abort a strict preview build."""
    log.info("proven-numbers build error, shown in the page (mkdocs build fails on it): %s", message)


class _BodyStart(html.parser.HTMLParser):
    """Finds where the page's <body> start tag ends (the parser's own line index: lines at "\n" alone)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.at: tuple[int, int, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body" and self.at is None:
            line, column = self.getpos()
            self.at = (line, column, self.get_starttag_text() or "")


def in_page(page: str, messages: list[str]) -> str:
    """The finished page with a box of `messages` first in its body (or first of all, if it has no body): for
    what is wrong with the page as a whole, such as a broken promise, which has no place of its own."""
    boxes = "".join(error_box(message) for message in messages)
    finder = _BodyStart()
    finder.feed(page)
    finder.close()
    if finder.at is None:
        return boxes + page
    line, column, tag = finder.at
    line_start = 0
    for _ in range(line - 1):  # the parser counts lines at "\n" alone
        line_start = page.index("\n", line_start) + 1
    after = line_start + column + len(tag)
    return page[:after] + boxes + page[after:]
