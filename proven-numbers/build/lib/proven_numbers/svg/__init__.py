r"""Figures as inline SVG, drawn at build time: the loss against step, the Jacobian tensor, an output surface.

Each figure function returns one ``<svg>`` element as a string, to be written straight into an HTML page.
The output depends only on the arguments (same input, byte-identical output): coordinates are written with
two decimals, and every ``id`` is derived from the caller's `id_prefix`, so several figures can share a page.

Accessibility: the root has ``role="img"`` and ``aria-labelledby`` naming its ``<title>`` (the caller's
title) and ``<desc>`` (the caller's description followed by a summary computed from the data).

Styling lives inside each figure, in a ``<style>`` element whose every selector starts with
``#<id_prefix>``; the site stylesheet needs nothing. Text is ``currentColor`` and inherits the page's
font, so it follows a light or a dark palette. Lines and fills are CSS custom properties whose fallbacks
have a contrast of at least 3:1 on both white and ``#1e2129``; a site may override them:

- ``--nnla-fg``: axes, grid and outlines (fallback ``currentColor``);
- ``--nnla-series-1`` to ``--nnla-series-6``: the loss curves (`SERIES_COLOURS`);
- ``--nnla-positive`` and ``--nnla-negative``: the tensor's cells, and the surface's above and below its midpoint.

The markup is regular enough to test: one ``<polyline class="nnla-line">`` per series with one vertex
per loss and a ``data-n`` attribute; one ``<g class="nnla-cell ...">`` per tensor entry, with the class
``nnla-zero`` or ``nnla-nonzero``, a ``data-value`` and a 1-based ``data-index`` such as ``"1,2,2"``; one
``<g class="nnla-cell ...">`` per point of a surface, with the class ``nnla-high`` or ``nnla-low``, a ``data-value``
and a ``data-index`` such as ``"1,5"``.

What is where:

- `loss`: `loss_plot` and its input `Series`: the curves, axes and legend;
- `explorer`: `settings_plot`: an explorer's loss plot, one run at a time on axes that fit them all;
- `tensor`: `tensor_figure`: a tensor of shape (n, z, z) as n shaded grids;
- `surface`: `surface_figure`: an output over a grid of the input square, as one shaded grid;
- `scales`: the y scale (linear or logarithmic), round numbers and the ticks of both axes;
- `markup`: the ``<svg>`` shell and its shared CSS, lines, text, markers, escaping and coordinates;
- `describe`: the words of each figure's ``<desc>``, a summary of its data;
- `validate`: the checks of the figures' arguments, each naming the argument.
"""

from __future__ import annotations

from proven_numbers.svg.explorer import Curve, settings_plot
from proven_numbers.svg.loss import SERIES_COLOURS, Series, loss_plot
from proven_numbers.svg.surface import surface_figure
from proven_numbers.svg.tensor import tensor_figure

__all__ = ["SERIES_COLOURS", "Curve", "Series", "loss_plot", "settings_plot", "surface_figure", "tensor_figure"]
