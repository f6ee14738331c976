r"""A synthetic site for the build benchmark: three pages of 50 unique formulas each, with the real site's extensions.

150 formulas in all: 60 display, 60 inline and 30 matrices. Its hook serves KaTeX's stylesheet and fonts and
defers the math and restores it at the end of each page, as the proven-numbers plugin does.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.site_copies import NODE_MODULES

__all__ = ["make_synthetic_site"]

SYNTHETIC_EXTENSIONS = """\
markdown_extensions:
  - proven_numbers.mdext:
      node_modules: {node_modules}
      cache_dir: {cache_dir}
  - admonition
  - attr_list
  - footnotes
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.highlight
  - pymdownx.superfences
"""

SYNTHETIC_HOOK = '''\
"""Serve KaTeX's stylesheet and fonts, and defer the math and restore it, as the proven-numbers plugin does."""
from mkdocs.structure.files import File

from proven_numbers.katex import Deferral, katex_assets

_build = {{}}


def on_config(config):
    _build["deferral"] = config.mdx_configs["proven_numbers.mdext"]["deferral"] = Deferral()
    return config


def on_files(files, config):
    for asset in katex_assets({node_modules!r}):
        files.append(File.generated(config, asset.uri, abs_src_path=str(asset.path)))
    return files


def on_post_page(output, page, config):
    return _build["deferral"].restore(output)
'''


def display_formula(i: int) -> str:
    return (
        rf"\frac{{\partial \ell_{{{i}}}}}{{\partial w_{{{i % 7},{i % 5}}}}}"
        rf" = \sum_{{k=1}}^{{{i + 2}}} 2\,(p_k - t_k)\, x_{{k}} + \sqrt{{{i}}}\,\alpha^{{{i % 4}}}"
    )


def inline_formula(i: int) -> str:
    return rf"\hat{{y}}_{{{i}}} = x_{{{i}}} W + b_{{{i % 9}}}"


def matrix_formula(i: int) -> str:
    rows = [" & ".join(f"{(i * 3 + r * 3 + c) % 17 - 8}.{(i + c) % 10}" for c in range(3)) for r in range(3)]
    body = r" \\ ".join(rows)
    return rf"W_{{{i}}} = \begin{{bmatrix}} {body} \end{{bmatrix}} \in \mathbb{{R}}^{{3 \times 3}}"


def synthetic_pages() -> dict[str, str]:
    """Three pages holding 150 unique formulas: 60 display, 60 inline and 30 matrices, 50 to a page."""
    pages: dict[str, str] = {}
    for p, name in enumerate(["index.md", "one.md", "two.md"]):
        lines = [f"# Page {p + 1}", ""]
        for j in range(20):
            i = p * 20 + j
            lines += [
                f"## Step {i}",
                "",
                f"The prediction $`{inline_formula(i)}`$ follows from the forward pass, and its loss gradient is",
                "",
                "```math",
                display_formula(i),
                "```",
                "",
            ]
            if j % 2 == 0:
                lines += ["The weights after the update are", "", "```math", matrix_formula(i), "```", ""]
        pages[name] = "\n".join(lines)
    return pages


def make_synthetic_site(folder: Path) -> Path:
    """Write the synthetic site into `folder`; returns its mkdocs.yml."""
    (folder / "docs").mkdir(parents=True)
    (folder / "hooks").mkdir()
    for name, text in synthetic_pages().items():
        (folder / "docs" / name).write_text(text, encoding="utf-8")
    (folder / "hooks" / "katex_assets.py").write_text(
        SYNTHETIC_HOOK.format(node_modules=str(NODE_MODULES)), encoding="utf-8"
    )
    config = "\n".join(
        [
            "site_name: Synthetic",
            "strict: true",
            "theme:",
            "  name: material",
            "  font: false",
            "extra_css:",
            "  - assets/katex/katex.min.css",
            "hooks:",
            "  - hooks/katex_assets.py",
            "nav: [index.md, one.md, two.md]",
            SYNTHETIC_EXTENSIONS.format(node_modules=NODE_MODULES, cache_dir=folder / ".cache" / "katex"),
        ]
    )
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    return folder / "mkdocs.yml"
