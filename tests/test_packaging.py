"""The wheel holds the library and nothing else, and the library imports nothing of the site's."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: What the site's machinery needs and the library must never import.
SITE_ONLY = ("mkdocs", "markdown", "material", "pymdownx", "proven_numbers", "tools", "bs4", "playwright")

#: Imports the library under a finder that refuses every module of SITE_ONLY, then uses it.
IMPORT_SCRIPT = """
import importlib.abc, sys
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {refused!r}:
            raise ImportError("the library imported " + name)
sys.meta_path.insert(0, Refuse())
import nnla
assert nnla.__file__.startswith({folder!r}), nnla.__file__
p = nnla.forward([1.0, 2.0, -1.0], [[0.5, -1.0], [0.25, 0.5], [1.0, 0.0]], [0.1, -0.2])
print(round(nnla.sse([1.0, 2.0], p), 10))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    process = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert process.returncode == 0, process.stderr
    (built,) = out.glob("nnla-*.whl")
    return built


def test_the_wheel_holds_only_the_library(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    outside = [n for n in names if not (n.startswith("nnla/") or (n.startswith("nnla-") and ".dist-info/" in n))]
    assert outside == []
    assert "nnla/py.typed" in names
    assert not [n for n in names if n.endswith((".js", ".html", ".css"))]


def test_the_wheel_describes_the_library_and_needs_only_numpy(wheel: Path) -> None:
    (metadata,) = [n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(".dist-info/METADATA")]
    text = zipfile.ZipFile(wheel).read(metadata).decode("utf-8")
    requires = [line for line in text.splitlines() if line.startswith("Requires-Dist:")]
    assert requires == ["Requires-Dist: numpy>=1.24"]
    assert "make serve" not in text, "the wheel's description is the site's README, not the library's"
    assert "import nnla" in text


def test_no_library_module_imports_the_site() -> None:
    for path in sorted((ROOT / "nnla").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in SITE_ONLY, f"{path.relative_to(ROOT)} imports {name}"


def test_the_unpacked_wheel_imports_and_computes_without_the_site(wheel: Path, tmp_path: Path) -> None:
    zipfile.ZipFile(wheel).extractall(tmp_path)
    script = IMPORT_SCRIPT.format(refused=set(SITE_ONLY), folder=str(tmp_path))
    process = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    assert process.stdout.split() == ["5.65"]
