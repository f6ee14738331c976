r"""What a marker is on the page: an HTML comment on one line, data and never code.

    <!-- PREFIX:NAME -->
    <!-- PREFIX:NAME as=inline digits=2 -->
    <!-- PREFIX:NAME claim=5.65 -->

The prefix is the site's (the plugin's ``prefix`` option; this site's is ``nnla``), and so is the number of
decimals shown when a marker does not say (``digits``): a `Syntax` holds both. `Syntax.candidates` finds every
place on a page that looks like a marker, wherever it stands, a comment written as a marker whose prefix has
one typo among them (``<!-- nlla:sse -->``), and a comment written as a marker of another prefix that names one
of the site's values or gives a marker's option (``<!-- value:sse -->``, the plugin's default prefix, or
``<!-- nnla:x digits=2 -->`` copied from another site): whether it is a marker, or an example of one in code, is
for the Markdown parser to say (`proven_numbers.places`), not for a guess about lines. `Syntax.parse`
reads one candidate that turned out to stand in the text, and rejects a malformed one, or one with an unknown or
ill-formed option, with the page and line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from proven_numbers.markers import claims
from proven_numbers.math_syntax import inline_math_spans

__all__ = ["DEFAULT_DIGITS", "LINE_BREAK", "OPTIONS", "Candidate", "Marker", "MarkerError", "Syntax"]

#: The options a marker may carry, with what each means.
OPTIONS: Mapping[str, str] = {
    "as": "how to show it: display, inline, table, figure or slices",
    "digits": "the most decimals shown, 0 to 12",
    "claim": "a number written in the prose, checked against the value at its written precision",
}
#: Decimals shown when a marker does not say, unless the site says otherwise.
DEFAULT_DIGITS = 4
#: What a prefix may be: a letter, then letters, digits and hyphens (it also starts the pages' classes and
#: data attributes, ``PREFIX-value`` and ``data-PREFIX-name``).
PREFIX = re.compile(r"[a-z][a-z0-9-]*\Z", re.ASCII)
_OPTION = re.compile(r"([^\s=]+)=([^\s]+)")
#: A line break as Python-Markdown counts lines (its whitespace normalization turns "\r\n" and "\r" into "\n" and
#: it splits at "\n" alone): not U+2028, NEL, a form feed or the other breaks `str.splitlines` knows.
LINE_BREAK = re.compile("\r\n?|\n")
#: What stands for a formula's characters while candidates are sought: matched by no candidate's start.
_MASK = "\x00"
#: The rest of a marker's comment: up to its end on the same line, or to the end of the line.
_REST_OF_COMMENT = r"(?:(?!-->)[^\r\n])*(?:-->)?"
_REST = re.compile(_REST_OF_COMMENT)
#: How a comment that may be a marker starts: ``<!-- WORD:``, WORD where a marker has its prefix.
_PREFIX_HEAD = re.compile(r"<!--+[ \t-]*(?P<word>[A-Za-z0-9_-]+):")
#: What follows ``<!-- WORD:`` in a comment written as a marker: a name, then options, up to the comment's end.
_MARKER_TAIL = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<options>(?:[ \t]+[^\s=]+=[^\s]+?)*)[ \t]*-->")


def _one_edit(word: str, prefix: str) -> bool:
    """Whether `word` is `prefix` with exactly one letter added, dropped, changed, or swapped with its neighbour."""
    if word == prefix or abs(len(word) - len(prefix)) > 1:
        return False
    if len(word) == len(prefix):
        differ = [i for i, (a, b) in enumerate(zip(word, prefix, strict=True)) if a != b]
        if len(differ) == 1:
            return True
        i = differ[0]
        return len(differ) == 2 and differ[1] == i + 1 and word[i] == prefix[i + 1] and word[i + 1] == prefix[i]
    short, long = sorted((word, prefix), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


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
        line: the 1-based line of the page it stands on (0 when it stands in Markdown converted inside the page).
        start: where it starts in the page's Markdown.
        text: what is written, exactly.
        inside: where it stands, when not on a line of the page's file (in a docstring, at its line 3).
    """

    line: int
    start: int
    text: str
    inside: str = ""


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


@dataclass(frozen=True)
class Syntax:
    """The markers of one site: their prefix, and the decimals shown when a marker does not say.

    Raises:
        ValueError: a prefix that is not a lowercase letter followed by lowercase letters, digits and hyphens, or
            digits outside 0 to 12.
    """

    prefix: str
    digits: int = DEFAULT_DIGITS
    #: The site's values' names: a comment written as a marker of another prefix that names one is a marker's
    #: mistake, not the author's own comment.
    names: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not isinstance(self.prefix, str) or not PREFIX.match(self.prefix):
            raise ValueError(
                "prefix must be a lowercase letter followed by lowercase letters, digits and hyphens; "
                f"got {self.prefix!r}"
            )
        if isinstance(self.digits, bool) or not isinstance(self.digits, int) or not 0 <= self.digits <= 12:
            raise ValueError(f"digits must be a whole number from 0 to 12; got {self.digits!r}")

    @functools.cached_property
    def _candidate(self) -> re.Pattern[str]:
        """Anything that starts like a marker, near misses included (``<!--- nnla:x --->``, ``<!-- NNLA_x -->``), up
        to the end of its comment on the same line, or of the line."""
        return re.compile(rf"<!--+[\s-]*{re.escape(self.prefix)}{_REST_OF_COMMENT}", re.IGNORECASE)

    def _misspelled(self, word: str) -> bool:
        """Whether `word`, written where a marker has its prefix, is the prefix with one typo."""
        return _one_edit(word.casefold(), self.prefix)

    def _foreign(self, text: str, head: re.Match[str]) -> bool:
        """Whether the comment that starts with `head` is written as a marker of another prefix: whole on its line,
        naming one of the site's values or giving one of a marker's options."""
        if head.group("word").casefold() == self.prefix:
            return False
        tail = _MARKER_TAIL.match(text, head.end())
        if tail is None:
            return False
        keys = {key for key, _ in _OPTION.findall(tail.group("options"))}
        return tail.group("name") in self.names or (bool(keys) and keys <= set(OPTIONS))

    @functools.cached_property
    def _marker(self) -> re.Pattern[str]:
        options = r"(?P<options>(?:\s+[^\s=]+=[^\s]+?)*)"
        return re.compile(
            rf"<!--\s*{re.escape(self.prefix)}:(?P<name>[A-Za-z_][A-Za-z0-9_]*){options}\s*-->\Z", re.ASCII
        )

    def candidates(self, markdown: str) -> list[Candidate]:
        """Every place of a page that looks like a marker, in page order, code or not; but not the TeX of an inline
        formula (``$`\\text{<!-- nnla:x -->}`$``), which the math extension takes off the page before Markdown
        parses it, and renders as written."""
        # The formulas' characters masked, offsets kept: no candidate starts inside one.
        masked = list(markdown)
        for start, end in inline_math_spans(markdown):
            masked[start:end] = _MASK * (end - start)
        text = "".join(masked)
        spans = [(match.start(), match.end()) for match in self._candidate.finditer(text)]
        # A comment written as a marker whose prefix has one typo (<!-- nlla:sse -->), or as a marker of another
        # prefix (<!-- value:sse -->), is a candidate too: in text it is a marker's mistake, not an HTML comment that
        # silently hides the value. Other comments stay comments.
        taken = list(spans)
        for head in _PREFIX_HEAD.finditer(text):
            start = head.start()
            if any(a <= start < b for a, b in taken):
                continue
            if not self._misspelled(head.group("word")) and not self._foreign(text, head):
                continue
            end = _REST.match(text, head.end()).end()  # type: ignore[union-attr]  # it matches the empty string
            spans.append((start, end))
            taken.append((start, end))
        found = []
        line, counted = 1, 0
        for start, end in sorted(spans):
            line += len(LINE_BREAK.findall(markdown, counted, start))
            counted = start
            found.append(Candidate(line, start, markdown[start:end]))
        return found

    def named(self, text: str) -> str | None:
        """The value a marker as written names, when that much of it reads (``<!-- nnla:W digits=44 -->``: W)."""
        found = re.match(rf"<!--\s*{re.escape(self.prefix)}:([A-Za-z_][A-Za-z0-9_]*)\b", text, re.ASCII)
        return found.group(1) if found else None

    def parse(self, candidate: Candidate, page: str) -> Marker:
        """Read a candidate that stands in the page's text as a marker.

        Raises:
            MarkerError: it does not parse, or an option is unknown, repeated or ill-formed.
        """
        match = self._marker.match(candidate.text)
        head = _PREFIX_HEAD.match(candidate.text)
        if match is None and head is not None:
            p, word, text = self.prefix, head.group("word"), candidate.text
            meant = text[: head.start("word")] + p + text[head.end("word") :]  # the site's prefix in its place
            if self._misspelled(word):
                raise MarkerError(
                    page,
                    candidate.line,
                    f"malformed marker {text!r}: the site's markers are <!-- {p}:NAME -->, and {word!r} is not "
                    f"{p!r}: did you mean {meant}? (an HTML comment of your own must not look like a marker)",
                )
            if self._foreign(text, head):
                raise MarkerError(
                    page,
                    candidate.line,
                    f"{text!r} is written as a marker with the prefix {word!r}, but the site's markers are "
                    f"<!-- {p}:NAME -->: did you mean {meant}? (the prefix is the plugin's `prefix` option; a "
                    "comment of your own must not look like a marker)",
                )
        if match is None:
            p = self.prefix
            raise MarkerError(
                page,
                candidate.line,
                f"malformed marker {candidate.text!r}: write <!-- {p}:NAME --> or <!-- {p}:NAME key=value -->, "
                "on one line, with a name of letters, digits and underscores",
            )
        name = match.group("name")
        options = _parse_options(page, candidate.line, name, match.group("options"))
        return Marker(name, options, candidate.line, candidate.text)

    def scan(self, markdown: str, page: str) -> list[Marker]:
        """Parse every candidate of a page as a marker, as if none stood in code (for tests and tools).

        Raises:
            MarkerError: a candidate that does not parse.
        """
        return [self.parse(candidate, page) for candidate in self.candidates(markdown)]
