"""The minimal configuration the docs give another site's author builds, as written.

docs/configuration.md ("Minimal configuration") and proven-numbers/README.md each show a `mkdocs.yml` for a site
that starts from nothing. Written without a theme, it took MkDocs' own theme, whose highlight.js comes from a CDN:
the build failed on the site's promises, and an author following the docs met six errors before a first page.
Each block is built here as the docs print it, with a `site_name` (MkDocs' one required setting), the values'
module under a name of this test's own, and KaTeX where the block expects it (`node_modules` beside mkdocs.yml).
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pytest
from support_tiny_site import build_folder

ROOT = Path(__file__).resolve().parent.parent
VALUES = """\
import numpy as np


def compute():
    faces = np.arange(1, 7)
    return {"mean": float(faces.mean()), "faces": faces}
"""
PAGE = "# Dice\n\nThe mean is <!-- calc:mean -->, about <!-- calc:mean claim=3.5 -->, and $`E[A] = 7/2`$.\n"


def first_yaml_block(document: Path, after: str) -> str:
    """The first ```yaml block after the line `after` in `document`."""
    text = document.read_text(encoding="utf-8")
    start = text.index(after)
    found = re.search(r"^```yaml\n(.*?)^```$", text[start:], re.MULTILINE | re.DOTALL)
    assert found is not None, f"{document} has no ```yaml block after {after!r}"
    return found.group(1)


@pytest.mark.parametrize(
    ("document", "after"),
    [("docs/configuration.md", "## Minimal configuration"), ("proven-numbers/README.md", "# proven-numbers")],
)
def test_the_documented_minimal_configuration_builds(tmp_path: Path, document: str, after: str) -> None:
    block = first_yaml_block(ROOT / document, after)
    assert '"calc_values:compute"' in block
    module = f"calc_values_{zlib.crc32(str(tmp_path).encode()):08x}"
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Dice\n" + block.replace('"calc_values:compute"', f'"{module}:compute"'), encoding="utf-8"
    )
    (tmp_path / f"{module}.py").write_text(VALUES, encoding="utf-8")
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(PAGE + "\n<!-- calc:faces -->\n", encoding="utf-8")
    built = build_folder(tmp_path)
    page = (built / "index.html").read_text(encoding="utf-8")
    assert 'data-calc-name="mean" data-calc-value="3.5"' in page
    assert "<math" in page
