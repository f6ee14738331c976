"""In the live preview a broken formula is shown in its page, with the message `mkdocs build` fails on."""

from __future__ import annotations

import logging
from pathlib import Path

import markdown  # type: ignore[import-untyped]  # untyped; types-Markdown is not in requirements-dev.txt
import pytest

from proven_numbers.mdext import MathError
from proven_numbers.preview import ERROR_CLASS

ROOT = Path(__file__).resolve().parent.parent
PAGE = (
    'Intro.\n\nBad $`\\frac{1}`$ inline.\n\n```math\n\\sqrt{\n```\n\n```math {"trust": true}\nx\n```\n\nGood $`y`$.\n'
)


def convert(text: str, tmp_path: Path, preview: bool) -> str:
    settings = {
        "node_modules": str(ROOT / "node_modules"),
        "cache_dir": str(tmp_path),
        "enabled": True,
        "preview_errors": preview,
    }
    md = markdown.Markdown(
        extensions=["pymdownx.superfences", "proven_numbers.mdext"],
        extension_configs={"proven_numbers.mdext": settings},
    )
    rendered: str = md.convert(text)
    return rendered


def test_the_build_fails_on_a_bad_formula_at_its_line(tmp_path: Path) -> None:
    """Every formula is put in place once Markdown has placed it: the first bad one on the page fails."""
    with pytest.raises(MathError, match=r"^line 3: KaTeX cannot render the inline formula"):
        convert(PAGE, tmp_path, preview=False)


def test_the_preview_shows_every_error_in_place_and_renders_the_rest(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.proven_numbers.preview")
    html = convert(PAGE, tmp_path, preview=True)
    boxes = html.count(f'class="{ERROR_CLASS}"')
    assert boxes == 3
    assert html.index("line 3: KaTeX cannot render") < html.index("lines 5-7: KaTeX cannot render")
    assert html.index("lines 5-7") < html.index("line 9: a formula may set only")
    assert html.index("line 9") < html.index('<annotation encoding="application/x-tex">y</annotation>')
    assert '<span class="pn-preview-error"' in html  # the inline one stays inline
    assert [r.levelname for r in caplog.records if r.name.endswith("proven_numbers.preview")] == ["INFO"] * 3
