"""KaTeX's stylesheet and fonts, taken from the project's `node_modules` and served by the site itself."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NamedTuple

from proven_numbers.katex.errors import SETUP_HINT, KatexSetupError

__all__ = ["KATEX_ASSET_DIR", "KATEX_CSS", "KatexAsset", "katex_assets", "katex_version", "pinned_version"]

#: Where the site serves KaTeX's stylesheet and fonts; the CSS refers to `fonts/` relatively.
KATEX_ASSET_DIR = "assets/katex"
KATEX_CSS = f"{KATEX_ASSET_DIR}/katex.min.css"


class KatexAsset(NamedTuple):
    """A file the site must serve for the rendered formulas to display.

    Attributes:
        uri: destination inside the site, e.g. "assets/katex/fonts/KaTeX_Main-Regular.woff2".
        path: absolute source path in `node_modules/katex/dist`.
    """

    uri: str
    path: Path


def katex_version(node_modules: str | os.PathLike[str]) -> str:
    """The version of the npm package `katex` installed in `node_modules`.

    Args:
        node_modules: the project's `node_modules` directory.

    Returns:
        The version string from `node_modules/katex/package.json`, e.g. "0.16.25".

    Raises:
        KatexSetupError: if the package is not installed.
    """
    package_json = Path(node_modules) / "katex" / "package.json"
    try:
        version = json.loads(package_json.read_text(encoding="utf-8"))["version"]
    except FileNotFoundError:
        raise KatexSetupError(f"KaTeX is not installed: {package_json} does not exist. {SETUP_HINT}") from None
    except (ValueError, KeyError) as err:
        raise KatexSetupError(f"{package_json} is unreadable ({err}). {SETUP_HINT}") from None
    return str(version)


def pinned_version(package_json: Path) -> str | None:
    """The version of `katex` that the project's `package.json` pins, or None when there is no such file.

    Raises:
        KatexSetupError: the file exists but pins no exact version of katex.
    """
    try:
        data = json.loads(package_json.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError as err:
        raise KatexSetupError(f"{package_json} is not JSON ({err})") from None
    pinned = data.get("dependencies", {}).get("katex") if isinstance(data, dict) else None
    if not isinstance(pinned, str) or not pinned[:1].isdigit():
        raise KatexSetupError(f"{package_json} must pin an exact version of katex; it says {pinned!r}")
    return pinned


def katex_assets(node_modules: str | os.PathLike[str]) -> list[KatexAsset]:
    """KaTeX's stylesheet and every font file, with the site paths to serve them at.

    The stylesheet goes to `assets/katex/katex.min.css` (`KATEX_CSS`) and the fonts to
    `assets/katex/fonts/`, the layout the stylesheet's relative `url(fonts/...)` expects.

    Args:
        node_modules: the project's `node_modules` directory.

    Returns:
        The stylesheet first, then the fonts sorted by name.

    Raises:
        KatexSetupError: if the package or its fonts are missing.
    """
    dist = Path(node_modules) / "katex" / "dist"
    css = dist / "katex.min.css"
    fonts = sorted(p for p in (dist / "fonts").glob("KaTeX_*") if p.is_file())
    if not css.is_file() or not fonts:
        raise KatexSetupError(f"KaTeX's stylesheet or fonts are missing from {dist}. {SETUP_HINT}")
    assets = [KatexAsset(KATEX_CSS, css)]
    assets += [KatexAsset(f"{KATEX_ASSET_DIR}/fonts/{p.name}", p) for p in fonts]
    return assets
