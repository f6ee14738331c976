r"""Reading a page's markers where Markdown reads the page: a preprocessor of the math extension, after
pymdownx.snippets, so that a marker in an included file, or in a docstring that mkdocstrings renders with the
site's extensions, is read like one on the page; and the error for a marker where MkDocs reads the page as data.

- `MarkerPass`: one build's (or one host's) markers through its Markdown objects: the `Injector`, the page being
  converted, and which Markdown object converts the page itself. A Markdown object that starts converting while
  the page is converted (mkdocstrings' own, for a docstring) converts Markdown *inside* the page: its markers are
  shown in the page like the page's own, and an error in them is named with the page, not a line of the page's
  file that it does not stand on.
- `MarkerPreprocessor`: swaps every candidate marker for a token, each at the line of the page as written (a line
  a snippet brought in is the line of its ``--8<--``), after the snippets are in and Markdown has normalized the
  white space, before the math extension reads the formulas.
- `front_matter_markers`: markers in the lines MkDocs reads as the page's data (YAML front matter, or
  ``Key: value`` metadata lines at the top), which end in the ``<title>``, the navigation and the description as
  plain text: each is an error at its line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from markdown import Markdown  # type: ignore[import-untyped]
from markdown.preprocessors import Preprocessor  # type: ignore[import-untyped]

from proven_numbers.markers.injector import Injector
from proven_numbers.markers.syntax import Syntax
from proven_numbers.math_reading import line_origins

if TYPE_CHECKING:
    from proven_numbers.mdext import MathExtension

__all__ = ["PRIORITY", "MarkerPass", "MarkerPreprocessor", "front_matter_markers"]

#: After pymdownx.snippets (32) and normalize_whitespace (30): every line is in, split as Markdown splits it;
#: before the math extension (27) reads the formulas.
PRIORITY = 29
#: What an error in Markdown converted inside the page says of where it is.
INSIDE = "in Markdown converted inside the page, such as a docstring, at its line {line}"


class MarkerPass:
    """The markers of a build through its Markdown objects.

    Args:
        injector: the build's `Injector`, or a callable that makes it when the first page needs it.
    """

    def __init__(self, injector: Injector | Callable[[], Injector]) -> None:
        self._injector = injector
        self.page = ""
        self._page_md: Markdown | None = None

    @property
    def injector(self) -> Injector:
        if not isinstance(self._injector, Injector):
            self._injector = self._injector()
        return self._injector

    def begin(self, page: str) -> None:
        """A page is about to be converted: the next Markdown object to read markers converts the page itself."""
        self.page = page
        self._page_md = None

    def inside(self, md: Markdown) -> bool:
        """Whether `md` converts Markdown inside the page (a docstring), rather than the page itself."""
        if self._page_md is None:
            self._page_md = md
        return self._page_md is not md


class MarkerPreprocessor(Preprocessor):  # type: ignore[misc]
    """Swaps the page's markers for the build's tokens, every line kept in place."""

    def __init__(self, md: Markdown, math: MathExtension, markers: MarkerPass) -> None:
        super().__init__(md)
        self.math = math
        self.markers = markers

    def run(self, lines: list[str]) -> list[str]:
        origins = line_origins(self.math.written, lines)
        self.math.origins = origins  # the same lines, for the formulas
        self.math.written = None
        markers = self.markers
        inside = INSIDE if markers.inside(self.md) else ""
        swapped = markers.injector.replace_markers("\n".join(lines), markers.page, origins=origins, inside=inside)
        return swapped.split("\n")


def front_matter_markers(syntax: Syntax, source: str, markdown: str) -> list[tuple[int, str]]:
    """Each candidate marker in what MkDocs took off the top of the page as its data, with its line in the file
    and the error; empty when MkDocs took nothing (or `markdown` is not the end of `source`)."""
    if not source.endswith(markdown):
        return []
    head = source[: len(source) - len(markdown)]
    return [
        (
            candidate.line,
            f"the marker {candidate.text} stands in the page's front matter or metadata, which MkDocs reads as "
            "data (the page's title, the navigation, the description) and shows as written: no value can be "
            "shown there; write the value in the page's text",
        )
        for candidate in syntax.candidates(head)
    ]
