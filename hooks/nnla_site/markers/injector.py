r"""The build's side of markers: each marker of a page swapped for its value's HTML, and a record of what was shown.

`Injector.replace_markers` swaps each marker for a token that survives Markdown unchanged and renders the value's
HTML at once, so that every error points at the marker's line; `Injector.inject` puts the HTML in place of the
tokens once Markdown has run.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from nnla_site.markers import render
from nnla_site.markers.claims import check_claim
from nnla_site.markers.syntax import DEFAULT_DIGITS, Marker, MarkerError, scan
from nnla_site.value import ScalarValue, TypedValue

__all__ = ["Injector"]

_TOKEN_PREFIX = "NNLAVALUE"


def _a(word: str) -> str:
    """The word with its indefinite article: "a scalar", "an array"."""
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _nearest(name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(repr(c) for c in close) + "?"
    return "known names: " + ", ".join(names)


@dataclass
class _Pending:
    token: str
    html: str
    block: bool
    line: int


@dataclass
class Injector:
    """Replaces markers with rendered values, page by page, and remembers which values were shown where.

    Attributes:
        values: the registry, from `nnla_site.values.compute_all`.
        render_tex: renders TeX to KaTeX HTML: ``render_tex(tex, display)``.
        draw_figure: draws a value's SVG figure: ``draw_figure(value, values)``.
        shown: for each value's name, the pages that show it.
    """

    values: Mapping[str, TypedValue]
    render_tex: render.RenderTex
    draw_figure: Callable[[TypedValue, Mapping[str, TypedValue]], str]
    shown: dict[str, set[str]] = field(default_factory=dict)
    _pending: dict[str, list[_Pending]] = field(default_factory=dict)

    def replace_markers(self, markdown: str, page: str) -> str:
        """Swap each marker of a page for a token, rendering its value now.

        Args:
            markdown: the page's Markdown source.
            page: the page's path (``part-1.md``).

        Returns:
            The Markdown with tokens in place of markers, on the same lines.

        Raises:
            MarkerError: an unknown name, a form the value does not have, a block marker sharing its line,
                a marker in a heading, or a claim that does not hold.
        """
        lines = markdown.splitlines(keepends=True)
        pending = self._pending[page] = []
        for marker in scan(markdown, page):
            rendered, block = self._render(marker, page)
            token = f"{_TOKEN_PREFIX}{len(pending):04d}Z"
            index = marker.line - 1
            lines[index] = lines[index].replace(marker.text, token, 1)
            pending.append(_Pending(token, rendered, block, marker.line))
            self.shown.setdefault(marker.name, set()).add(page)
        return "".join(lines)

    def inject(self, content: str, page: str) -> str:
        """Put each rendered value where its token stands in the page's HTML.

        Raises:
            MarkerError: a token did not come through Markdown as a token (for instance a marker inside a link
                or an HTML attribute), so its value would be missing from the page.
        """
        for item in self._pending.pop(page, []):
            wrapped = f"<p>{item.token}</p>"
            if item.block and wrapped in content:
                content = content.replace(wrapped, item.html, 1)
            elif item.token in content:
                content = content.replace(item.token, item.html, 1)
            else:
                raise MarkerError(
                    page,
                    item.line,
                    "the marker on this line did not reach the page: move it out of the link, "
                    "heading or HTML attribute it stands in",
                )
        if _TOKEN_PREFIX in content:
            raise MarkerError(page, 0, "a marker's value was placed twice or not at all; check markers in headings")
        return content

    def unshown(self) -> list[str]:
        """The names of values no page has shown."""
        return [name for name in self.values if name not in self.shown]

    def _render(self, marker: Marker, page: str) -> tuple[str, bool]:
        """The HTML of a marker's value, and whether it is a block; the checks of the marker against its value."""
        value = self.values.get(marker.name)
        if value is None:
            raise MarkerError(
                page,
                marker.line,
                f"unknown value {marker.name!r} in {marker.text}: {_nearest(marker.name, list(self.values))}",
            )
        if "claim" in marker.options:
            return self._render_claim(marker, value, page), False
        forms = render.FORMS[type(value)]
        form = marker.options.get("as", forms[0])
        if form not in forms:
            raise MarkerError(
                page,
                marker.line,
                f"{marker.name!r} is {_a(value.kind)} of shape {value.shape} and cannot be shown as={form}; "
                f"it can be shown as: {', '.join(forms)}",
            )
        block = form in render.BLOCK_FORMS
        if block and not marker.alone:
            raise MarkerError(
                page,
                marker.line,
                f"as={form} is a block: put {marker.text} on a line of its own, with blank lines around",
            )
        digits = int(marker.options.get("digits", DEFAULT_DIGITS))
        figure = functools.partial(self.draw_figure, value, self.values)
        return render.shown_as(value, form, digits, self.render_tex, figure), block

    def _render_claim(self, marker: Marker, value: TypedValue, page: str) -> str:
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
        return render.claim(value, claim)
