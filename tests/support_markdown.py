"""Markdown converted as a page's is, with the math extension, without a build: for the tests of formulas, KaTeX and
the page's promises. And the real site's build, configured as `mkdocs.yml` says, for the tests that put a page
through its steps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import markdown  # type: ignore[import-untyped]
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from proven_numbers.build import Build
from proven_numbers.mdext import MathExtension
from proven_numbers.plugin import ProvenNumbersPlugin
from proven_numbers.report import ErrorReport

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"


def math_markdown(
    cache_dir: Path | None = None,
    *,
    report: ErrorReport | None = None,
    before: dict[str, dict[str, Any]] | None = None,
    **options: Any,
) -> markdown.Markdown:
    """Python-Markdown with superfences and the math extension (`proven_numbers.mdext`), after the extensions
    `before` (name: its configuration).

    With `cache_dir`, KaTeX renders formulas (the project's node_modules) and caches them there, and the extension
    takes `options` and records a formula's error in `report` if given (else raises). Without it, the extension is
    as its defaults make it: it can read formulas, not render one."""
    configs: dict[str, dict[str, Any]] = dict(before or {})
    if cache_dir is not None:
        settings = {"node_modules": str(NODE_MODULES), "cache_dir": str(cache_dir), "enabled": True, **options}
        configs["proven_numbers.mdext"] = {**settings, **({"report": report} if report is not None else {})}
    else:
        assert report is None, "a report of formulas' errors needs KaTeX: give a cache_dir"
        assert not options, "the extension's options need KaTeX: give a cache_dir"
    return markdown.Markdown(
        extensions=[*(before or {}), "pymdownx.superfences", "proven_numbers.mdext"], extension_configs=configs
    )


def convert(text: str, cache_dir: Path | None = None, **options: Any) -> str:
    """`text` as `math_markdown(cache_dir, **options)` converts it."""
    html: str = math_markdown(cache_dir, **options).convert(text)
    return html


def math_extension(md: markdown.Markdown) -> MathExtension:
    """The math extension of `md`."""
    return next(extension for extension in md.registeredExtensions if isinstance(extension, MathExtension))


def site_build() -> tuple[Build, MkDocsConfig]:
    """The real site's build (the plugin's), configured as `mkdocs.yml` says, its values computed and no page yet;
    and the site's configuration."""
    loaded = load_config(config_file=str(ROOT / "mkdocs.yml"))
    config = loaded.plugins.on_config(loaded)
    plugin = config.plugins["proven-numbers"]
    assert isinstance(plugin, ProvenNumbersPlugin)
    assert plugin.build is not None
    return plugin.build, config
