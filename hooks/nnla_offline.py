"""This site's hook for its offline build: a downloaded site read from disk (file://), search included.

Material's `offline` plugin (mkdocs.yml; on with `NNLA_OFFLINE=true`) makes the site readable from a folder: every
page becomes `NAME.html`, and the search index is also written as a script a page may load from disk. Its search
still needs a web worker, which a page opened from disk may not start, and for that the plugin adds a script from
unpkg.com: another host, which the site never asks anything of (the proven-numbers promises fail the build on it).
This hook puts the site's own stand-in there instead, `nnla_offline.js` beside this file, served as
`assets/javascripts/nnla-file-worker.js`. In the published build (offline off) it does nothing.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

#: The site's stand-in for a web worker on file://, and where the offline build serves it.
SCRIPT = Path(__file__).with_name("nnla_offline.js")
SCRIPT_URI = "assets/javascripts/nnla-file-worker.js"
#: What Material's offline plugin adds to `extra.polyfills` for its search on file://.
FOREIGN_WORKER = "iframe-worker"


def offline(config: MkDocsConfig) -> bool:
    """Whether this build is the offline one: Material's offline plugin is configured and enabled."""
    plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
    return plugin is not None and bool(plugin.config.enabled)


# After Material's offline plugin (priority 0) has added its polyfill.
@event_priority(-50)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if not offline(config):
        return config
    # A page read from disk has the origin "null": Chromium refuses it a font preloaded with `crossorigin` (a CORS
    # fetch), and logs the refusal, while the stylesheet's own @font-face loads the same file. So the offline build
    # preloads nothing (the plugin's katex.math_font.preload and katex.preload_fonts, which proven-numbers reads
    # when it adds the math's files).
    numbers = config.plugins.get("proven-numbers")
    if numbers is not None:
        numbers.config.katex.math_font.preload = False
        numbers.config.katex.preload_fonts = []
    polyfills = list(config.extra.get("polyfills", []))
    kept = [script for script in polyfills if FOREIGN_WORKER not in str(script)]
    if len(kept) == len(polyfills):
        raise PluginError(
            f"hooks/nnla_offline.py: the offline build found no {FOREIGN_WORKER!r} script in extra.polyfills to "
            "replace; Material's offline plugin may have changed how it runs search from disk"
        )
    config.extra["polyfills"] = [SCRIPT_URI, *kept]
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    if offline(config):
        files.append(File.generated(config, SCRIPT_URI, abs_src_path=str(SCRIPT)))
    return files
