"""KaTeX's MathML rewritten for the browsers that lay it out themselves (MathML Core), one rewrite after another.

With MathML alone the browser lays out KaTeX's MathML, and Chromium and Firefox read parts of it otherwise than
KaTeX's HTML shows them. Each rewrite is a module of its own, with what it fixes and how it was measured:

- `mathml_scripts`: a script's arguments one element each (`\\lambda_{\\max}`);
- `mathml_signs`: a sign after a relation or bracket marked the prefix TeX makes it (`a = -2`);
- `mathvariant`: variants as Unicode's letters (𝐛, ℝ), an upright letter as text (Δ);
- `mathml_primes`: a prime beside its letter, not raised twice (f′);
- `mathml_norms`: a norm's bars as fences (‖x‖);
- `mathml_sized`: a sized bracket that carries a script in a row of its own (`\\Big)^T`);
- `mathml_arrows`: a short-labelled arrow as the font's long arrow (`\\xrightarrow{\\tanh}`);
- `mathml_tables`: a table's alignment and spacing as a stylesheet can select them (last: it reads the others').
"""

from __future__ import annotations

from proven_numbers.katex.mathml_arrows import short_arrows
from proven_numbers.katex.mathml_norms import norm_bars
from proven_numbers.katex.mathml_primes import primes_beside
from proven_numbers.katex.mathml_scripts import grouped_names
from proven_numbers.katex.mathml_signs import prefix_signs
from proven_numbers.katex.mathml_sized import sized_bases
from proven_numbers.katex.mathml_tables import core_tables
from proven_numbers.katex.mathvariant import unicode_variants

__all__ = ["REWRITES", "for_mathml_core"]

#: The rewrites, in the order they are applied.
REWRITES = (
    grouped_names,
    prefix_signs,
    unicode_variants,
    primes_beside,
    norm_bars,
    sized_bases,
    short_arrows,
    core_tables,
)


def for_mathml_core(markup: str) -> str:
    """KaTeX's MathML for one formula, as the browsers lay it out (every rewrite of `REWRITES`, in order)."""
    for rewrite in REWRITES:
        markup = rewrite(markup)
    return markup
