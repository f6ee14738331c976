"""Shared fixtures: one strict build of the whole site per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class BuiltSite:
    """A finished `mkdocs build --strict` of the project, and what it printed."""

    site_dir: Path
    output: str

    def page(self, path: str) -> str:
        return (self.site_dir / path).read_text(encoding="utf-8")


def build_site(site_dir: Path, config: Path = ROOT / "mkdocs.yml", env: dict[str, str] | None = None) -> BuiltSite:
    """Build the site as `make build` does, failing the calling test with MkDocs' output if it fails."""
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(config),
            "--site-dir",
            str(site_dir),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000", **(env or {})},
        check=False,
    )
    output = process.stdout + process.stderr
    if process.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed ({process.returncode}):\n{output}")
    return BuiltSite(site_dir, output)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The site, built once for the whole session in strict mode."""
    return build_site(tmp_path_factory.mktemp("site") / "site")
