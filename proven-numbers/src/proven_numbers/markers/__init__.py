r"""Markers: how a page names a computed value, and how the build puts it there.

A marker is an HTML comment on one line, data and never code::

    <!-- PREFIX:NAME -->
    <!-- PREFIX:NAME as=inline digits=2 -->
    <!-- PREFIX:NAME claim=5.65 -->

One concept a module:

- `proven_numbers.markers.syntax`: what a marker is, `candidates`, which finds what looks like one, and `parse`.
- `proven_numbers.places` (shared with the math extension): where Markdown put each of them: text, code, a heading, ...
- `proven_numbers.markers.claims`: the grammar of a claim, and `check_claim`, which checks it.
- `proven_numbers.markers.render`: how each form of a value (display, inline, slices, table, figure, claim) becomes
  HTML.
- `proven_numbers.markers.injector`: the `Injector`, which swaps every candidate for a token as Markdown reads the
  page, then puts each marker's HTML (or, in code, the marker as written) where Markdown put its token, and
  records what was shown.
- `proven_numbers.markers.reading`: where the swap happens: a preprocessor of the math extension, after the
  snippets, in every Markdown object of the build (mkdocstrings' too); and the error for a marker in front matter.
"""

from __future__ import annotations

from proven_numbers.markers.claims import check_claim
from proven_numbers.markers.injector import Injector
from proven_numbers.markers.syntax import OPTIONS, Marker, MarkerError, Syntax

__all__ = ["OPTIONS", "Injector", "Marker", "MarkerError", "Syntax", "check_claim"]
