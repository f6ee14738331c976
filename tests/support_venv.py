"""The venv another site's author installs: proven-numbers from this repository, without `nnla`.

One venv serves both routes to a second site, MkDocs (tests/test_second_site.py) and Zensical
(tests/test_zensical_route.py): `python -m venv` without the system's packages, and this process's pip installing
into it (`pip --python`, so that the venv needs no pip of its own) a copy of `./proven-numbers`, the site's pinned
mkdocs, Markdown, pymdown-extensions and NumPy, and Zensical. The two modules share its `xdist_group`, so that one
worker makes it once (conftest's `plugin_venv`). Installing Zensical beside MkDocs changes neither route: Zensical
reads `zensical.yml` and runs no MkDocs plugin, MkDocs never imports Zensical.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The group of every test that uses the venv (`pytest.mark.xdist_group`).
GROUP = "plugin-venv"
#: The packages the venv gets at the versions requirements-site.txt pins (the plugin's own dependencies, unpinned
#: there, such as Jinja2, come with it).
PINNED = ("numpy", "mkdocs", "markdown", "pymdown-extensions")
ZENSICAL = "zensical==0.0.73"
#: Every build of the example records this as its date.
SOURCE_DATE_EPOCH = "1700000000"
#: pip's limit, for an install that downloads (the pip cache in ~/.cache/pip usually spares that).
INSTALL_TIMEOUT = 900


@dataclass(frozen=True)
class Venv:
    """A virtual environment holding proven-numbers and its dependencies, and not `nnla`."""

    root: Path

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    @property
    def mkdocs(self) -> Path:
        return self.root / "bin" / "mkdocs"

    @property
    def zensical(self) -> Path:
        return self.root / "bin" / "zensical"


def clean_env() -> dict[str, str]:
    """The environment of every subprocess: no PYTHONPATH (`make` puts the repository on it), no active venv."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    return {**env, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}


def pins() -> list[str]:
    """The requirement lines of requirements-site.txt for the packages of PINNED."""
    lines = (ROOT / "requirements-site.txt").read_text(encoding="utf-8").splitlines()
    found = [line.strip() for line in lines if line.split("==")[0].strip().lower() in PINNED]
    assert len(found) == len(PINNED), f"requirements-site.txt pins {found}, not each of {PINNED}"
    return found


def run(command: list[str | Path], cwd: Path, timeout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def make_venv(base: Path) -> Venv:
    """Make the venv in `base`, with a copy of ./proven-numbers installed (pip would write build/ into the tree)."""
    source = base / "proven-numbers"
    ignore = shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__")
    shutil.copytree(ROOT / "proven-numbers", source, ignore=ignore)
    made = Venv(base / "venv")
    process = run([sys.executable, "-m", "venv", "--without-pip", made.root], cwd=base, timeout=INSTALL_TIMEOUT)
    assert process.returncode == 0, process.stdout + process.stderr
    pip: list[str | Path] = [sys.executable, "-m", "pip", "--python", made.python, "install", "--quiet"]
    pip.append("--disable-pip-version-check")
    process = run([*pip, source, *pins(), ZENSICAL], cwd=base, timeout=INSTALL_TIMEOUT)
    assert process.returncode == 0, process.stdout + process.stderr
    return made
