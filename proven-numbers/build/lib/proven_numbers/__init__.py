"""Computed numbers on documentation pages, checked by the build.

A site's values (numbers, NumPy arrays, or values of its own kinds) reach its pages through markers
(``<!-- PREFIX:NAME -->``); a number written in prose is a claim the build checks at its written precision
(``<!-- PREFIX:NAME claim=5.65 -->``); a value no page shows fails the build; math in markdown-katex's syntax is
rendered at build time by KaTeX, whose stylesheet and fonts the site serves itself; every finished page keeps the
site's promises (no request to another host). Every author error is reported at its page and line.

- `proven_numbers.plugin`: the MkDocs plugin (`proven_numbers.config` lists its options);
- `proven_numbers.mdext`: the Python-Markdown extension for math;
- `proven_numbers.value`: what a value is, and the base class of a site's own kinds.

Nothing here imports the site that uses it. Math needs Node.js with the npm package ``katex``.
"""

from proven_numbers.value import ArrayValue, RegistryError, ScalarValue, TableValue, Value, array, scalar, table

__all__ = ["ArrayValue", "RegistryError", "ScalarValue", "TableValue", "Value", "array", "scalar", "table"]
