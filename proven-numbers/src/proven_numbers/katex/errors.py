"""What can go wrong when rendering math: the set-up (Node.js, the npm package) or a formula itself."""

from __future__ import annotations

from mkdocs.exceptions import PluginError

__all__ = ["SETUP_HINT", "KatexBudgetError", "KatexError", "KatexSetupError"]

#: What installs KaTeX for any site that uses the plugin (this repository's `make setup` runs `npm ci`).
SETUP_HINT = (
    "Fix: install KaTeX from npm beside mkdocs.yml, into the folder the plugin's katex.node_modules names: "
    "`npm ci` where the site's package-lock.json pins it, or `npm install --save-exact katex`."
)


class KatexSetupError(PluginError):
    """Node.js or the npm package `katex` is missing or broken, so no formula can be rendered."""


class KatexError(PluginError):
    """KaTeX rejected a formula.

    Attributes:
        tex: the formula's TeX source.
        display: whether it was rendered in display mode.
        reason: KaTeX's own message, e.g. "KaTeX parse error: Expected '}', got 'EOF' at end of input".
    """

    def __init__(self, tex: str, display: bool, reason: str) -> None:
        self.tex = tex
        self.display = display
        self.reason = reason
        kind = "display" if display else "inline"
        super().__init__(f"KaTeX cannot render the {kind} formula {tex!r}: {reason}")


class KatexBudgetError(PluginError):
    """The formulas of one build have taken more of KaTeX's time than `katex.time_budget` allows."""
