r"""What a marker is on the page: an HTML comment on one line, data and never code.

    <!-- nnla:NAME -->
    <!-- nnla:NAME as=inline digits=2 -->
    <!-- nnla:NAME claim=5.65 -->

`scan` finds the markers of a page, skipping fenced blocks and code spans (found as the math extension finds
them, `nnla_site.mdext.code_spans`), and rejects a malformed one, or one with an unknown or ill-formed option,
with the page and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from nnla_site.markers import claims
from nnla_site.mdext import code_spans

__all__ = ["DEFAULT_DIGITS", "OPTIONS", "Marker", "MarkerError", "scan"]

#: The options a marker may carry, with what each means.
OPTIONS: Mapping[str, str] = {
    "as": "how to show it: display, inline, table, figure or slices",
    "digits": "the most decimals shown, 0 to 12",
    "claim": "a number written in the prose, checked against the value at its written precision",
}
#: Decimals shown when a marker does not say.
DEFAULT_DIGITS = 4

_CANDIDATE = re.compile(r"<!--\s*nnla\b", re.IGNORECASE)
_MARKER = re.compile(r"<!--\s*nnla:(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<options>(?:\s+[^\s=]+=[^\s]+?)*)\s*-->")
_OPTION = re.compile(r"([^\s=]+)=([^\s]+)")
_FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})")


class MarkerError(Exception):
    """A marker that cannot be shown: names the page, the line and what to do about it."""

    def __init__(self, page: str, line: int, message: str) -> None:
        super().__init__(f"{page}:{line}: {message}")
        self.page = page
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Marker:
    """One marker as written on a page.

    Attributes:
        name: the value's name.
        options: the marker's ``key=value`` options.
        line: the 1-based line of the page it stands on.
        text: the marker exactly as written.
        alone: whether it is the only thing on its line.
    """

    name: str
    options: Mapping[str, str]
    line: int
    text: str
    alone: bool


def _lines_outside_code(markdown: str) -> Iterator[tuple[int, str, list[tuple[int, int]]]]:
    """Yield (line number, line, code spans) for each line that is not inside a fenced block."""
    fence = ""
    for number, line in enumerate(markdown.splitlines(), start=1):
        match = _FENCE.match(line)
        if fence:
            if match and match.group("fence")[0] == fence[0] and len(match.group("fence")) >= len(fence):
                rest = line[match.end() :]
                if not rest.strip():
                    fence = ""
            continue
        if match:
            fence = match.group("fence")
            continue
        yield number, line, [(start, end) for start, _, _, end in code_spans(line)]


def _parse_options(page: str, line: int, name: str, text: str) -> dict[str, str]:
    options: dict[str, str] = {}
    for key, value in _OPTION.findall(text):
        if key not in OPTIONS:
            known = ", ".join(f"{k}= ({v})" for k, v in OPTIONS.items())
            raise MarkerError(page, line, f"marker for {name!r} has an unknown option {key!r}; known options: {known}")
        if key in options:
            raise MarkerError(page, line, f"marker for {name!r} gives the option {key!r} twice")
        options[key] = value
    if "digits" in options and not (options["digits"].isdigit() and 0 <= int(options["digits"]) <= 12):
        raise MarkerError(page, line, f"digits= takes a whole number from 0 to 12; got {options['digits']!r}")
    if "claim" in options:
        claim = options["claim"]
        if not claims.well_formed(claim):
            raise MarkerError(
                page,
                line,
                f"claim= takes a number as written in prose (5.65, -13, 161_369.65 or 1/7); got {claim!r}",
            )
        if set(options) - {"claim"}:
            raise MarkerError(page, line, "claim= shows the number as written: it takes no other option")
    return options


def scan(markdown: str, page: str) -> list[Marker]:
    """Find every marker on a page, outside code fences and code spans.

    Args:
        markdown: the page's Markdown source.
        page: the page's path, for error messages.

    Returns:
        The markers in page order.

    Raises:
        MarkerError: a comment that starts like a marker but does not parse.
    """
    markers = []
    for number, line, spans in _lines_outside_code(markdown):
        for candidate in _CANDIDATE.finditer(line):
            if any(start <= candidate.start() < end for start, end in spans):
                continue
            match = _MARKER.match(line, candidate.start())
            if match is None:
                end = line.find("-->", candidate.start())
                written = line[candidate.start() : end + 3 if end >= 0 else len(line)]
                raise MarkerError(
                    page,
                    number,
                    f"malformed marker {written!r}: write <!-- nnla:NAME --> or <!-- nnla:NAME key=value -->, "
                    "on one line, with a name of letters, digits and underscores",
                )
            name = match.group("name")
            options = _parse_options(page, number, name, match.group("options"))
            alone = line.strip() == match.group()
            markers.append(Marker(name, options, number, match.group(), alone))
    return markers
