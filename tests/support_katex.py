"""A formula rendered by KaTeX through the renderer the site uses, with the `output` a test names."""

from __future__ import annotations

from pathlib import Path

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"


def render(tex: str, output: str, cache_dir: Path, display: bool = True) -> str:
    """`tex` as KaTeX writes it with `output` (``mathml`` or ``htmlAndMathml``), cached in `cache_dir`."""
    from proven_numbers.katex import KatexRenderer

    renderer = KatexRenderer(NODE_MODULES, cache_dir, enabled=True)
    renderer.options["output"] = output  # what the site fixes in SAFE_OPTIONS, and the benchmark's variants edit
    try:
        return renderer.render(tex, display=display)
    finally:
        renderer.close()
