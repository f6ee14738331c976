r"""Server-side KaTeX: one persistent `node` process renders every formula of a build, with a cache.

- `renderer`: `KatexRenderer` (and the shared `get_renderer`), which turns TeX into KaTeX's HTML;
- `worker`: the `node` process behind it, speaking JSON lines (`worker.js`);
- `cache`: renderings on disk, filed under the TeX, the options and the KaTeX version, and served only when
  their own HTML says they are that rendering;
- `assets`: KaTeX's stylesheet and fonts, which the site serves itself;
- `deferral`: light stand-ins for rendered math while the rest of the build parses a page.

Typical use from a hook:

    renderer = get_renderer(node_modules=root / "node_modules", cache_dir=root / ".cache" / "katex")
    html = renderer.render(r"\hat{y} = xW + b", display=False)
"""

from __future__ import annotations

from proven_numbers.katex.assets import KATEX_ASSET_DIR, KATEX_CSS, KatexAsset, katex_assets, katex_version
from proven_numbers.katex.cache import cache_key
from proven_numbers.katex.deferral import Deferral
from proven_numbers.katex.errors import KatexBudgetError, KatexError, KatexSetupError
from proven_numbers.katex.renderer import (
    FORMULA_OPTIONS,
    MATH_ENV_VAR,
    SAFE_OPTIONS,
    TIME_BUDGET_S,
    Budget,
    KatexRenderer,
    RenderStats,
    close_all,
    get_renderer,
    math_enabled,
)

__all__ = [
    "FORMULA_OPTIONS",
    "KATEX_ASSET_DIR",
    "KATEX_CSS",
    "MATH_ENV_VAR",
    "SAFE_OPTIONS",
    "TIME_BUDGET_S",
    "Budget",
    "Deferral",
    "KatexAsset",
    "KatexBudgetError",
    "KatexError",
    "KatexRenderer",
    "KatexSetupError",
    "RenderStats",
    "cache_key",
    "close_all",
    "get_renderer",
    "katex_assets",
    "katex_version",
    "math_enabled",
]
