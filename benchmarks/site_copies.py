"""Copies of the real site for the build benchmark, and `mkdocs build` of a copy in a fresh process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["NODE_MODULES", "ROOT", "SiteBuildError", "copy_real_site", "environment", "fresh_build"]

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
#: What a build of the site reads, besides node_modules (linked).
SOURCES = ("mkdocs.yml", "package.json", "nnla", "docs", "hooks", "overrides")


class SiteBuildError(RuntimeError):
    """A build of a benchmark site failed, or a copy could not be made into a variant; the message says why."""


def environment(math: bool, site: Path | None = None) -> dict[str, str]:
    """The environment of a benchmark build: math on or off, and `nnla` imported from `site`'s folder if it has one.

    The project's `proven_numbers` and `nnla` come next (the synthetic site's hook imports them), then the benchmark's.
    """
    first = [str(site)] if site is not None and (site / "nnla").is_dir() else []
    path = os.pathsep.join([*first, str(ROOT / "hooks"), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PROVEN_NUMBERS_MATH="on" if math else "off", PYTHONPATH=path)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def fresh_build(config: Path, math: bool = True, site_dir: Path | None = None) -> float:
    """Wall time of `mkdocs build` in a fresh process (interpreter start-up and imports included).

    It runs in the site's folder: `python -m` puts that first on `sys.path`, so a copy imports its own `nnla`.

    Raises:
        SiteBuildError: the build failed; the message ends with MkDocs' output.
    """
    site_dir = site_dir or config.parent / "site"
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site_dir)]
    start = time.perf_counter()
    result = subprocess.run(
        command, env=environment(math, config.parent), capture_output=True, text=True, check=False, cwd=config.parent
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SiteBuildError((result.stdout + result.stderr).strip()[-3000:])
    return elapsed


def copy_real_site(folder: Path, config: Path, katex_cache: Path | None = None) -> Path:
    """Copy the real site's sources into `folder` (node_modules linked); return the copy's mkdocs.yml.

    Args:
        folder: where the copy goes (made if missing).
        config: the real site's mkdocs.yml; its folder holds the sources.
        katex_cache: a KaTeX cache to start the copy's own from, so that only formulas it renders anew cost.
    """
    source = config.parent
    folder.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        path = config if name == "mkdocs.yml" else source / name
        if path.is_dir():
            shutil.copytree(path, folder / name, ignore=ignore)
        elif path.is_file():
            shutil.copy2(path, folder / name)
    (folder / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    if katex_cache is not None and katex_cache.is_dir():
        shutil.copytree(katex_cache, folder / ".cache" / "katex")
    return folder / "mkdocs.yml"
