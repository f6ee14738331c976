r"""What a marker is on the page: an HTML comment on one line, data and never code.

    <!-- nnla:NAME -->
    <!-- nnla:NAME as=inline digits=2 -->
    <!-- nnla:NAME claim=5.65 -->

`candidates` finds every place on a page that looks like a marker, wherever it stands: whether it is a marker,
or an example of one in code, is for the Markdown parser to say (`nnla_site.places`), not for a guess
about lines. `parse` reads one candidate that turned out to stand in the text, and rejects a malformed one, or
one with an unknown or ill-formed option, with the page and line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from nnla_site.markers import claims

__all__ = ["DEFAULT_DIGITS", "OPTIONS", "Candidate", "Marker", "MarkerError", "candidates", "parse", "scan"]

#: The options a marker may carry, with what each means.
OPTIONS: Mapping[str, str] = {
    "as": "how to show it: display, inline, table, figure or slices",
    "digits": "the most decimals shown, 0 to 12",
    "claim": "a number written in the prose, checked against the value at its written precision",
}
#: Decimals shown when a marker does not say.
DEFAULT_DIGITS = 4

#: Anything that starts like a marker, near misses included (``<!--- nnla:x --->``, ``<!-- NNLA_x -->``), up to
#: the end of its comment on the same line, or of the line.
_CANDIDATE = re.compile(r"<!--+[\s-]*nnla(?:(?!-->).)*(?:-->)?", re.IGNORECASE)
_MARKER = re.compile(
    r"<!--\s*nnla:(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<options>(?:\s+[^\s=]+=[^\s]+?)*)\s*-->\Z", re.ASCII
)
_OPTION = re.compile(r"([^\s=]+)=([^\s]+)")


class MarkerError(Exception):
    """A marker that cannot be shown: names the page, the line and what to do about it."""

    def __init__(self, page: str, line: int, message: str) -> None:
        super().__init__(f"{page}:{line}: {message}")
        self.page = page
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Candidate:
    """Something on a page that looks like a marker.

    Attributes:
        line: the 1-based line of the page it stands on.
        start: where it starts in the page's Markdown.
        text: what is written, exactly.
    """

    line: int
    start: int
    text: str


@dataclass(frozen=True)
class Marker:
    """One marker as written on a page.

    Attributes:
        name: the value's name.
        options: the marker's ``key=value`` options.
        line: the 1-based line of the page it stands on.
        text: the marker exactly as written.
    """

    name: str
    options: Mapping[str, str]
    line: int
    text: str


def _parse_options(page: str, line: int, name: str, text: str) -> dict[str, str]:
    options: dict[str, str] = {}
    for key, value in _OPTION.findall(text):
        if key not in OPTIONS:
            known = ", ".join(f"{k}= ({v})" for k, v in OPTIONS.items())
            raise MarkerError(page, line, f"marker for {name!r} has an unknown option {key!r}; known options: {known}")
        if key in options:
            raise MarkerError(page, line, f"marker for {name!r} gives the option {key!r} twice")
        options[key] = value
    if "digits" in options and not re.fullmatch(r"[0-9]|1[0-2]", options["digits"]):
        raise MarkerError(page, line, f"digits= takes a whole number from 0 to 12; got {options['digits']!r}")
    if "claim" in options:
        claim = options["claim"]
        wrong = claims.problem(claim)
        if wrong is not None:
            raise MarkerError(page, line, f"{wrong}; got {claim!r}")
        if set(options) - {"claim"}:
            raise MarkerError(page, line, "claim= shows the number as written: it takes no other option")
    return options


def candidates(markdown: str) -> list[Candidate]:
    """Every place of a page that looks like a marker, in page order, code or not."""
    found = []
    line, counted = 1, 0
    for match in _CANDIDATE.finditer(markdown):
        line += markdown.count("\n", counted, match.start())
        counted = match.start()
        found.append(Candidate(line, match.start(), match.group()))
    return found


def parse(candidate: Candidate, page: str) -> Marker:
    """Read a candidate that stands in the page's text as a marker.

    Raises:
        MarkerError: it does not parse, or an option is unknown, repeated or ill-formed.
    """
    match = _MARKER.match(candidate.text)
    if match is None:
        raise MarkerError(
            page,
            candidate.line,
            f"malformed marker {candidate.text!r}: write <!-- nnla:NAME --> or <!-- nnla:NAME key=value -->, "
            "on one line, with a name of letters, digits and underscores",
        )
    name = match.group("name")
    options = _parse_options(page, candidate.line, name, match.group("options"))
    return Marker(name, options, candidate.line, candidate.text)


def scan(markdown: str, page: str) -> list[Marker]:
    """Parse every candidate of a page as a marker, as if none stood in code (for tests and tools).

    Raises:
        MarkerError: a candidate that does not parse.
    """
    return [parse(candidate, page) for candidate in candidates(markdown)]
