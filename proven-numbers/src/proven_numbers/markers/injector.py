r"""The build's side of markers: each marker of a page swapped for its value's HTML, and a record of what was shown.

`Injector.replace_markers` swaps every candidate marker of a page (`proven_numbers.markers.syntax.candidates`) for a
token of this build, code or not, keeping every line in place (`proven_numbers.markers.reading` calls it as
Markdown reads the page, for the page and for Markdown converted inside it, such as a docstring). Markdown then
makes the page. `Injector.inject` finds each token in the HTML (`proven_numbers.places`) and, by the place Markdown
gave it, puts back the marker as written where it is code, puts the value where it is text, and fails with the
page and the line where a value cannot stand (a heading, a link title, an attribute, a comment, a script, a
formula, an element the reader does not see) or where the marker is wrong (a malformed marker, an unknown name, a
form the value lacks, a block inside a sentence, a false claim). A display formula's TeX that holds a marker's
text takes it back as written (`Injector.as_written`).
A line of the page that holds a NUL byte fails too, at its line: HTML has no place for one.
"""

from __future__ import annotations

import collections
import difflib
import html
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from mkdocs.exceptions import PluginError

from proven_numbers import origin, places
from proven_numbers.katex.errors import KatexError
from proven_numbers.markers import render
from proven_numbers.markers.claims import check_claim
from proven_numbers.markers.syntax import LINE_BREAK, Candidate, Marker, MarkerError, Syntax
from proven_numbers.value import ScalarValue, Value

__all__ = ["Injector"]

#: Why a value cannot stand in each kind of place, and what to do.
_NOT_HERE: Mapping[str, str] = {
    "heading": "a heading cannot show a computed value (its anchor and the table of contents would show the "
    "marker's stand-in): put the value in the text below the heading",
    "attribute": "the marker stands inside a link title, an attribute or an attribute list, where no value can "
    "be shown: move it into the text",
    "comment": "the marker stands inside another HTML comment, so nobody would see it: take it out of the comment",
    "script": "the marker stands inside a <script>, <style> or <title>, where no value can be shown",
    "formula": "the marker stands inside a formula: write the value with a marker next to the formula instead",
}


def _a(word: str) -> str:
    """The word with its indefinite article: "a scalar", "an array"."""
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def nearest(name: str, names: list[str]) -> str:
    """The closest names to `name`, compared without case (``SSE`` finds ``sse``), as a question; or a hint."""
    folded = {known.casefold(): known for known in reversed(names)}
    close = difflib.get_close_matches(name.casefold(), list(folded), n=3, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(repr(folded[c]) for c in close) + "?"
    return f"no registered name is close to it ({len(names)} values are registered)"


def _lines_holding(character: str, markdown: str) -> list[int]:
    """The lines of a page (counted as Python-Markdown counts them) that hold `character`."""
    lines: list[int] = []
    line, counted = 1, 0
    at = markdown.find(character)
    while at != -1:
        line += len(LINE_BREAK.findall(markdown, counted, at))
        counted = at
        if not lines or lines[-1] != line:
            lines.append(line)
        at = markdown.find(character, at + 1)
    return lines


@dataclass(frozen=True)
class _Pending:
    token: str
    candidate: Candidate


@dataclass
class Injector:
    """Replaces markers with rendered values, page by page, and remembers which values were shown where.

    Attributes:
        values: the site's registry, every entry a `proven_numbers.value.Value`.
        render_tex: renders TeX to KaTeX HTML: ``render_tex(tex, display)``.
        syntax: the markers' syntax (their prefix, the digits shown by default).
        published: where the site publishes its values, which a value too large for its page names.
        shown: for each value's name, the pages that show it.
        named: for each value's name, the pages where a marker names it, shown or not (a marker with a mistake):
            such a value is not also reported as shown on no page.
        failed: the tokens of markers whose mistake was reported: one in a heading also stands in the page's
            title and the navigation of every page, which is not reported again there.
        nonce: what makes this build's tokens its own (random): no page can write one by chance.
    """

    values: Mapping[str, Value]
    render_tex: render.RenderTex
    syntax: Syntax
    published: str = "values.json"
    shown: dict[str, set[str]] = field(default_factory=dict)
    named: dict[str, set[str]] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)
    nonce: str = field(default_factory=lambda: secrets.token_hex(6).upper())
    _pending: dict[str, list[_Pending]] = field(default_factory=dict)
    _unreadable: dict[str, list[MarkerError]] = field(default_factory=dict)
    _taken: dict[str, set[str]] = field(default_factory=dict)

    @property
    def token_pattern(self) -> re.Pattern[str]:
        """What this build's tokens look like."""
        return re.compile(f"PNUM{self.nonce}T[0-9]{{4,}}Z")

    @property
    def unreported_token(self) -> re.Pattern[str]:
        """What this build's tokens look like, less those of markers whose mistake was reported already."""
        reported = "|".join(sorted(re.escape(token) for token in self.failed))
        return re.compile((f"(?!(?:{reported})(?![0-9]))" if reported else "") + self.token_pattern.pattern)

    def replace_markers(self, markdown: str, page: str, origins: Sequence[int] | None = None, inside: str = "") -> str:
        """Swap every candidate marker of a page for a token, code or not, keeping every line in place.

        Args:
            markdown: the page's Markdown source.
            page: the page's path (``part-1.md``).
            origins: the line of the page's file each line of `markdown` comes from, when they differ (a snippet's
                lines come from the line that includes it).
            inside: for Markdown converted inside the page (a docstring), what says where it is, with ``{line}``
                for its own line: its markers join the page's, and their errors are named with the page and this.

        Returns:
            The Markdown with tokens in place of candidates.
        """

        def line_of(line: int) -> int:
            return 0 if inside else origins[line - 1] if origins is not None else line

        def note(line: int) -> str:
            return inside.format(line=line) if inside else ""

        if not inside:
            self._pending[page], self._unreadable[page] = [], []
            self._taken.pop(page, None)
        pending = self._pending.setdefault(page, [])
        self._unreadable.setdefault(page, []).extend(
            MarkerError(
                page,
                line_of(line),
                "the line holds a NUL byte (U+0000), which HTML does not allow and a browser shows as nothing or "
                "as U+FFFD: delete it (it comes with text copied from a binary file or a terminal)"
                + (f" ({note(line)})" if inside else ""),
            )
            for line in _lines_holding("\x00", markdown)
        )
        pieces, last = [], 0
        for found in self.syntax.candidates(markdown):
            candidate = Candidate(line_of(found.line), found.start, found.text, note(found.line))
            token = f"PNUM{self.nonce}T{len(pending):04d}Z"
            pieces += [markdown[last : candidate.start], token]
            last = candidate.start + len(candidate.text)
            pending.append(_Pending(token, candidate))
        return "".join([*pieces, markdown[last:]])

    def as_written(self, text: str, page: str) -> str:
        """`text` (a display formula's TeX, read by Markdown after the markers were swapped) with each of this
        page's marker tokens put back as written: the formula's text, not a marker. Such a token is not expected
        in the page.
        """
        written = {item.token: item.candidate.text for item in self._pending.get(page, [])}

        def back(match: re.Match[str]) -> str:
            token = match.group()
            if token not in written:
                return token
            self._taken.setdefault(page, set()).add(token)
            return written[token]

        return self.token_pattern.sub(back, text)

    def inject(self, content: str, page: str, on_error: Callable[[MarkerError], str] | None = None) -> str:
        """Put each marker's value, or the marker as written where it is code, where its token stands in the HTML.

        Args:
            content: the page's HTML, as Markdown made it from `replace_markers`' Markdown.
            page: the page's path.
            on_error: for the live preview: instead of raising, put what this returns for the error where the
                marker stands (or, for a marker that did not reach the page, at the top), and go on.

        Raises:
            MarkerError: naming the page and the marker's line, for a marker that is wrong, or that stands where
                no value can (a heading, an attribute, a comment, a script, a formula), or that did not reach the
                page (or reached it twice).
        """

        def fail(error: MarkerError, candidate: Candidate | None = None) -> str:
            if candidate is not None and candidate.inside:
                error = MarkerError(error.page, error.line, f"{error.message} ({candidate.inside})")
            if on_error is None:
                raise error
            return on_error(error)

        pending = {item.token: item.candidate for item in self._pending.pop(page, [])}
        taken = self._taken.pop(page, set())
        found = places.find(content, self.token_pattern)
        counts = collections.Counter(place.token for place in found)
        notes = [fail(error) for error in self._unreadable.pop(page, [])]
        for token, candidate in pending.items():
            if counts[token] != 1 and not (token in taken and counts[token] == 0):
                how = "did not reach the page" if counts[token] == 0 else f"reached the page {counts[token]} times"
                error = MarkerError(
                    page,
                    candidate.line,
                    f"the marker {candidate.text} {how}: Markdown swallowed or copied it (a link reference, "
                    "an abbreviation or a footnote that is never used?); move it into ordinary text",
                )
                notes.append(fail(error, candidate))
        figures: collections.Counter[str] = collections.Counter()
        pieces, last = ["".join(notes)], 0
        for place in found:
            start, end = place.start, place.start + len(place.token)
            try:
                if place.token not in pending:
                    raise MarkerError(page, 0, f"the page holds a marker stand-in {place.token} it did not write")
                if counts[place.token] != 1:
                    shown = ""  # said at the top already
                else:
                    start, end, shown = self._place(place, pending[place.token], page, figures)
            except MarkerError as error:
                self.failed.add(place.token)
                shown = fail(error, pending.get(place.token))
            pieces += [content[last:start], shown]
            last = end
        return "".join([*pieces, content[last:]])

    def _place(
        self, place: places.Place, candidate: Candidate, page: str, figures: collections.Counter[str]
    ) -> tuple[int, int, str]:
        """What replaces one token: the span of the HTML it replaces, and the HTML that goes there."""
        start, end = place.start, place.start + len(place.token)
        if place.where == "code":
            return start, end, html.escape(candidate.text)
        name = self.syntax.named(candidate.text)
        if name is not None and name in self.values:
            self.named.setdefault(name, set()).add(page)
        if place.where != "text":
            raise MarkerError(page, candidate.line, f"{_NOT_HERE[place.where]}: {candidate.text}")
        if place.hidden:
            raise MarkerError(
                page,
                candidate.line,
                f"the marker stands inside {place.hidden}, which the browser does not show the reader (a template, "
                f"the content for a browser without scripts, a choice of a list, or hidden): {candidate.text}; "
                "move it into the text",
            )
        marker = self.syntax.parse(candidate, page)
        figures[marker.name] += 1
        shown, form = self._render(marker, page, figures[marker.name])
        if form in self.values[marker.name].block_forms:
            if place.alone and place.parent == "p":
                start, end = place.parent_start, place.parent_end  # the block replaces its paragraph
            elif not place.alone or places.phrasing(place):
                raise MarkerError(
                    page,
                    candidate.line,
                    f"as={form} is a block: put {candidate.text} on a line of its own, with blank lines around",
                )
        self.shown.setdefault(marker.name, set()).add(page)
        return start, end, shown

    def unshown(self) -> list[str]:
        """The names of values no page has shown, nor named in a marker whose mistake the build reports."""
        return [name for name in self.values if name not in self.shown and name not in self.named]

    def _render(self, marker: Marker, page: str, occurrence: int) -> tuple[str, str]:
        """The HTML of a marker's value, and the form it is shown in; the checks of the marker against its value.

        `occurrence` counts the value's markers on the page, so that a figure shown twice keeps its ids unique.
        """
        value = self.values.get(marker.name)
        if value is None:
            raise MarkerError(
                page,
                marker.line,
                f"unknown value {marker.name!r} in {marker.text}: {nearest(marker.name, list(self.values))}",
            )
        if "claim" in marker.options:
            return self._render_claim(marker, value, page), "claim"
        forms = value.forms
        form = marker.options.get("as", forms[0])
        if form not in forms:
            raise MarkerError(
                page,
                marker.line,
                f"{marker.name!r} is {_a(value.kind)} of shape {value.shape} and cannot be shown as={form}; "
                f"it can be shown as: {', '.join(forms)}",
            )
        try:
            return render.shown_as(value, form, self._showing(marker, occurrence)), form
        except KatexError as error:  # the value's own TeX (its label, a table's heading) that KaTeX rejects
            where = f" (made at {value.made_at})" if value.made_at else ""
            raise MarkerError(
                page,
                marker.line,
                f"{marker.name!r} cannot be shown as={form}: KaTeX rejects the formula its value makes{where}: "
                f"{error.reason} in {error.tex!r}; correct the value's label or headings",
            ) from None
        except (MarkerError, PluginError):
            raise  # the machinery's own, already said where they are (a bad marker, KaTeX's set-up or budget)
        except Exception as error:  # a site's kind that fails to show itself: its value and its line, no traceback
            raised = origin.from_traceback(error.__traceback__, _Nothing)
            raise MarkerError(
                page,
                marker.line,
                f"{marker.name!r} ({_a(value.kind)}) could not be shown as={form}: {type(error).__name__}: {error}"
                + (f" (raised at {raised})" if raised else ""),
            ) from None

    def _showing(self, marker: Marker, occurrence: int) -> render.Showing:
        digits = int(marker.options.get("digits", self.syntax.digits))
        prefix = self.syntax.prefix
        id_prefix = f"{prefix}-{marker.name.replace('_', '-')}" + (f"-{occurrence}" if occurrence > 1 else "")
        return render.Showing(digits, self.render_tex, self.values, id_prefix, prefix, self.published)

    def _render_claim(self, marker: Marker, value: Value, page: str) -> str:
        claim = marker.options["claim"]
        if not isinstance(value, ScalarValue):
            raise MarkerError(
                page,
                marker.line,
                f"claim= checks a number, but {marker.name!r} is {_a(value.kind)} of shape {value.shape}",
            )
        problem = check_claim(claim, value.data)
        if problem is not None:
            raise MarkerError(
                page,
                marker.line,
                f"the prose claims {marker.name} = {claim}, but {problem}; correct the prose or the example",
            )
        return self._showing(marker, 1).claim(value, claim)


class _Nothing:
    """No value is one: every frame of the site's code counts where a kind's own method raised
    (`origin.from_traceback` skips the frames of the value being made, which a kind's ``show`` is not)."""
