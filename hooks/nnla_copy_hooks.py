"""MkDocs hook: the copy button of a ``>>>`` session copies its statements only (`nnla_site.copy_code`).

A hook of its own, beside `nnla_hooks.py`, so that it works on pages that the nnla build does not otherwise
touch (the library page's docstrings, rendered by mkdocstrings). The module is looked up at each page, so that
`mkdocs serve` picks up an edit of `nnla_site.copy_code` after `nnla_hooks.py` reloaded the changed modules.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # MkDocs puts this folder on sys.path only while it loads this file
    sys.path.insert(0, str(HERE))


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    copy_code = importlib.import_module("nnla_site.copy_code")
    result: str = copy_code.add_copy_text(html)
    return result
