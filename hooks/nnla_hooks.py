"""This site's MkDocs hook: what the NNLA site adds to the proven-numbers plugin, and nothing of the machinery.

The plugin (`proven_numbers`, configured in mkdocs.yml) computes the essay's values with `nnla` at build time,
through `nnla_essay.registry.compute_all`, and puts them on the pages. This hook adds one thing of this site's
own: the copy button of a ``>>>`` session copies its statements only (the library page's docstrings among them),
after the plugin has put the values in.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from proven_numbers.copy_code import add_copy_text


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return str(add_copy_text(html))
