r"""Markers: how a page names a computed value, and how the build puts it there.

A marker is an HTML comment on one line, data and never code::

    <!-- nnla:NAME -->
    <!-- nnla:NAME as=inline digits=2 -->
    <!-- nnla:NAME claim=5.65 -->

One concept a module:

- `nnla_site.markers.syntax`: what a marker is, `candidates`, which finds what looks like one, and `parse`.
- `nnla_site.places` (shared with the math extension): where Markdown put each of them: text, code, a heading, ...
- `nnla_site.markers.claims`: the grammar of a claim, and `check_claim`, which checks it.
- `nnla_site.markers.render`: how each form of a value (display, inline, slices, table, figure, claim) becomes
  HTML.
- `nnla_site.markers.injector`: the `Injector`, which swaps every candidate for a token before Markdown runs,
  then puts each marker's HTML (or, in code, the marker as written) where Markdown put its token, and records
  what was shown.
"""

from __future__ import annotations

from nnla_site.markers.claims import check_claim
from nnla_site.markers.injector import Injector
from nnla_site.markers.render import FORMS
from nnla_site.markers.syntax import OPTIONS, Marker, MarkerError, scan

__all__ = ["FORMS", "OPTIONS", "Injector", "Marker", "MarkerError", "check_claim", "scan"]
