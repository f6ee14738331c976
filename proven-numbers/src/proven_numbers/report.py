"""Every author error of a build in one report, as a compiler gives it: each at its ``page:line``, then the build fails.

The build does not stop at the first bad marker or formula: each is recorded here (and, in the live preview, also
shown in its page), the pages go on being converted, and at the end of the build `ErrorReport.raise_if_any` fails
with all of them, sorted by page and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mkdocs.exceptions import PluginError

__all__ = ["AuthorError", "AuthorErrors", "ErrorReport"]


class AuthorErrors(PluginError):  # noqa: N818 (it is the errors, plural)
    """The build's author errors, every one of them."""


@dataclass(frozen=True, order=True)
class AuthorError:
    """One mistake, at its page and line (0: not known).

    The page is a page of the site's source as the build names it, or a file of the built site (the check of what
    ships, `proven_numbers.shipped`); it is empty for a mistake in the site's values.
    """

    page: str
    line: int
    message: str

    def __str__(self) -> str:
        if not self.page:
            return self.message
        return f"{self.page}:{self.line}: {self.message}" if self.line else f"{self.page}: {self.message}"


@dataclass
class ErrorReport:
    """The author errors of one build.

    Attributes:
        page: the page being converted, to which a formula's error (which knows only its line) belongs.
        errors: every error so far, in the order found.
    """

    page: str = ""
    errors: list[AuthorError] = field(default_factory=list)

    def add(self, page: str, line: int, message: str) -> None:
        """Record an error at `page`:`line` (0 when the line is not known)."""
        error = AuthorError(page, line, message)
        if error not in self.errors:
            self.errors.append(error)

    def add_here(self, line: int, message: str) -> None:
        """Record an error of the page being converted."""
        self.add(self.page, line, message)

    def text(self) -> str:
        """The report: a count, then one error a line, by page and line."""
        count = len(self.errors)
        lines = [f"  {error}" for error in sorted(self.errors)]
        return f"{count} error{'s' if count != 1 else ''} in the pages and their values:\n" + "\n".join(lines)

    def raise_if_any(self) -> None:
        """Fail the build with every error, if there is one.

        Raises:
            AuthorErrors: listing them all.
        """
        if self.errors:
            raise AuthorErrors(self.text())
