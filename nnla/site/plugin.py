r"""The build's side of the site: what the MkDocs hooks in ``hooks/`` do, kept here where it can be tested.

One `Build` lives for one build: it computes every value once, replaces the markers of each page, serves
KaTeX's stylesheet and fonts from the site, and at the end checks that every value was shown and writes
``values.json``.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

import nnla
from nnla import examples, svg
from nnla.site import katex
from nnla.site.markers import Injector, MarkerError, text_number
from nnla.site.values import Value, compute_all

__all__ = ["MDEXT", "Build", "values_document"]

#: Material's search dialog as its template writes it, without an accessible name.
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
#: The Markdown extension that renders the pages' math; mkdocs.yml lists it.
MDEXT = "nnla.site.mdext"


def draw_figure(value: Value, values: Mapping[str, Value]) -> str:
    """Draw a value's SVG figure: a loss trace against step, or the Jacobian tensor slice by slice."""
    prefix = f"nnla-{value.name.replace('_', '-')}"
    if value.kind == "trace":
        trace: nnla.Trace = value.data
        reference = None
        if value.reference:
            reference = (float(values[value.reference].data), "least-squares residual")
        loss = "SSE" if trace.reduction == "sum" else "MSE"
        label = f"η = {text_number(trace.lr, 4)}"
        return svg.loss_plot(
            [svg.Series(label, trace.losses)],
            title=value.description,
            description=f"Loss ({loss}) against step for gradient descent with step {label}.",
            id_prefix=prefix,
            reference=reference,
            y_label=f"loss ({loss})",
        )
    return svg.tensor_figure(
        np.asarray(value.data),
        title=value.description,
        description="Each panel is one row i of W: a z×z grid of ∂ℓ_k/∂w_ij, j down and k across.",
        id_prefix=prefix,
    )


def values_document(values: Mapping[str, Value], shown: Mapping[str, set[str]]) -> dict[str, Any]:
    """What ``values.json`` holds: every value at full precision, its shape and the pages that show it."""
    return {
        "nnla": nnla.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "seed": examples.SEED,
        "values": {
            name: {
                "kind": value.kind,
                "shape": list(value.shape),
                "value": value.to_json(),
                "pages": sorted(shown.get(name, ())),
                "description": value.description,
            }
            for name, value in values.items()
        },
    }


class Build:
    """One build of the site.

    Args:
        config: the MkDocs configuration; paths are taken from its file's folder.
    """

    def __init__(self, config: MkDocsConfig) -> None:
        self.root = Path(config.config_file_path).resolve().parent
        self.node_modules = self.root / "node_modules"
        self.cache_dir = self.root / ".cache" / "katex"
        self.renderer = katex.get_renderer(node_modules=self.node_modules, cache_dir=self.cache_dir)
        self.injector = Injector(compute_all(), self._render_tex, draw_figure)
        mdext = config.mdx_configs.setdefault(MDEXT, {})
        # Pages carry light stand-ins for their math until `page_output`, so that the search plugin and every
        # other HTML parser in the build do not pay for KaTeX's bulky markup.
        mdext.update(node_modules=str(self.node_modules), cache_dir=str(self.cache_dir), defer=True)
        if MDEXT not in config.markdown_extensions:
            raise PluginError(f"mkdocs.yml must list {MDEXT!r} under markdown_extensions: it renders the math")

    def _render_tex(self, tex: str, display: bool) -> str:
        return katex.defer(self.renderer.render(tex, display), tex)

    def add_katex_assets(self, files: Files, config: MkDocsConfig) -> Files:
        """Serve KaTeX's stylesheet and every font it names from the site itself, taken from node_modules."""
        for asset in katex.katex_assets(self.node_modules):
            files.append(File.generated(config, asset.uri, abs_src_path=str(asset.path)))
        return files

    def page_markdown(self, markdown: str, page: str) -> str:
        """Replace the page's markers; a bad one fails the build naming the page and line."""
        try:
            return self.injector.replace_markers(markdown, page)
        except MarkerError as error:
            raise PluginError(f"nnla marker error in {error}") from None

    def page_content(self, content: str, page: str) -> str:
        """Put the rendered values into the page's HTML."""
        try:
            return self.injector.inject(content, page)
        except MarkerError as error:
            raise PluginError(f"nnla marker error in {error}") from None

    def page_output(self, output: str) -> str:
        """Put KaTeX's HTML back in place of the stand-ins, once nothing else parses the page.

        Also names Material's search dialog for screen readers: its template gives the dialog no name.
        """
        return katex.restore(output).replace(SEARCH_DIALOG, SEARCH_DIALOG[:-1] + ' aria-label="Search">', 1)

    def finish(self, site_dir: str) -> None:
        """Check that every value was shown and write ``values.json``.

        Raises:
            PluginError: a value no page shows (a computed number nobody can check is a silent bug).
        """
        unshown = self.injector.unshown()
        if unshown:
            raise PluginError(
                "nnla: these computed values are shown on no page: "
                + ", ".join(unshown)
                + ". Add a marker such as <!-- nnla:"
                + unshown[0]
                + " --> where the essay discusses it, or remove the value from nnla/site/values.py."
            )
        document = values_document(self.injector.values, self.injector.shown)
        text = json.dumps(document, indent=1, sort_keys=False, allow_nan=False, ensure_ascii=False)
        Path(site_dir, "values.json").write_text(text + "\n", encoding="utf-8")
