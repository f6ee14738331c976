"""The library page's examples are doctests: what the page says the library prints, it prints."""

from __future__ import annotations

import doctest
from pathlib import Path

PAGE = Path(__file__).resolve().parent.parent / "docs" / "library.md"


def test_library_page_examples_run_as_written() -> None:
    result = doctest.testfile(str(PAGE), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 15, "the page's examples were not found"
    assert result.failed == 0
