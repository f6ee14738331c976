"""The site-level work over a built site folder, for a host that ran the Markdown extension but no MkDocs plugin.

``python -m proven_numbers check SITE_DIR --values calc_values:compute --prefix calc`` (`proven_numbers.__main__`)
does for a finished site what the plugin does at the end of its build:

- every page keeps the site's promises (`proven_numbers.promises`), and holds no marker left unreplaced (a host
  that skipped the extension would publish pages without their numbers) and no token of the build;
- every HTML and CSS file, KaTeX's copied ones included, requests nothing from another host and holds no script
  but the theme's (`proven_numbers.shipped`), read as a browser reads it; with ``require_csp``, every page carries
  its Content-Security-Policy (a host that writes one, as the plugin does);
- every value is shown on some page, and every shown value carries the data the values compute;
- KaTeX's stylesheet and fonts are copied into the site (``assets/katex/``), and ``values.json`` is written.

Every problem is reported, each with its file, and the command fails if there is one.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from proven_numbers import katex, promises, shipped
from proven_numbers.build import default_about, values_document
from proven_numbers.value import Value

__all__ = ["SiteCheck", "check_site"]

#: A marker stand-in of any build: the nonce is the build's, unknown here.
_TOKEN = re.compile(r"PNUM[0-9A-F]{12}T[0-9]{4,}Z")


@dataclass
class SiteCheck:
    """What the check found.

    Attributes:
        problems: each problem, with the file it is in.
        shown: for each value's name, the pages (paths in the site) that show it.
    """

    problems: list[str] = field(default_factory=list)
    shown: dict[str, set[str]] = field(default_factory=dict)


def _page_values(page: str, prefix: str) -> list[tuple[str, str | None]]:
    """Each shown value's name on the page, with its JSON if the element carries it (an explorer published in
    values.json alone carries none), read by the HTML parser."""
    name, data = f"data-{prefix}-name", f"data-{prefix}-value"
    return [
        (node.attributes.get(name) or "", node.attributes.get(data) if data in node.attributes else None)
        for node in LexborHTMLParser(page).css(f"[{name}]")
    ]


def check_site(
    site_dir: Path,
    values: Mapping[str, Value],
    prefix: str,
    node_modules: Path | None,
    values_json: str,
    require_csp: bool = False,
) -> SiteCheck:
    """Check a built site against its values and write what the plugin would have written (see the module).

    Args:
        site_dir: the built site.
        values: the site's values.
        prefix: the markers' prefix.
        node_modules: where the npm package katex is, to copy its stylesheet and fonts into the site; None copies
            nothing.
        values_json: where values.json goes in the site; empty writes none.
        require_csp: fail a page that carries no Content-Security-Policy (`proven_numbers.csp`).
    """
    result = SiteCheck()
    marker = re.compile(rf"<!--+[\s-]*{re.escape(prefix)}:", re.IGNORECASE)
    pages = sorted(site_dir.rglob("*.html"))
    if not pages:
        result.problems.append(f"{site_dir}: no HTML page: is this a built site?")
    for path in pages:
        where = path.relative_to(site_dir).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        result.problems += [f"{where}: {problem}" for problem in promises.broken(text, _TOKEN)]
        if marker.search(text):
            result.problems.append(
                f"{where}: a marker <!-- {prefix}:... --> was left in the page: the host did not run the "
                "proven_numbers Markdown extension, and the page would be published without its numbers"
            )
        for name, data in _page_values(text, prefix):
            value = values.get(name)
            if value is None:
                result.problems.append(f"{where}: shows {name!r}, which the values do not hold")
                continue
            result.shown.setdefault(name, set()).add(where)
            if data is not None and json.loads(data) != value.to_json():
                result.problems.append(f"{where}: the data of {name!r} on the page is not what the values compute")
    for name in values:
        if name not in result.shown:
            result.problems.append(f"the value {name!r} is shown on no page: show it with <!-- {prefix}:{name} -->")
    if node_modules is not None:
        for asset in katex.katex_assets(node_modules):
            target = site_dir / asset.uri
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(asset.path, target)
    if values_json:
        document = values_document(values, result.shown, default_about())
        text = json.dumps(document, indent=1, allow_nan=False, ensure_ascii=False)
        (site_dir / values_json).write_text(text + "\n", encoding="utf-8")
    result.problems += [str(problem) for problem in shipped.check_site(site_dir, require_csp=require_csp)]
    return result
