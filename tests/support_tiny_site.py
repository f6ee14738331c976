"""A tiny site with the proven-numbers plugin, built in-process: a few pages, a few values, and the options a test
needs (snippets, mkdocstrings, Material's search). For the issue-17 tests of markers where the build reads them,
the preview and the registry; a build takes about a second, where the essay's takes half a minute."""

from __future__ import annotations

import itertools
import logging
import textwrap
from dataclasses import dataclass
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

ROOT = Path(__file__).resolve().parent.parent
#: Each site's values module gets a name of its own: Python keeps imported modules by name.
_NUMBERS = itertools.count()

VALUES = """\
import numpy as np


def compute():
    return {"sse": 5.6512, "W": np.array([[1.0, 2.0], [3.0, 4.0]])}
"""


#: A site's own kind of value (`own_kind`): a number, shown as it is.
_OWN_KIND = """\
from dataclasses import dataclass
from typing import ClassVar

from proven_numbers.value import RegistryError, Value


@dataclass(frozen=True, kw_only=True)
class {name}(Value):
    kind: ClassVar[str] = "{kind}"
    forms: ClassVar[tuple[str, ...]] = ("inline",)
{post_init}
    @property
    def shape(self):
        return ()

    def to_json(self):
        return self.data

    def show(self, form, showing):
{show}        return str(self.data)
"""


def own_kind(name: str, kind: str, *, made: str = "", shown: str = "") -> str:
    """The source of a site's own kind of value, the class `name` of kind `kind`: a number, shown inline as it is.
    `made` and `shown` are Python lines run when a value is made (its ``__post_init__``) and when it is shown
    (``show``), without indent: a check that raises, say."""
    post_init = f"\n    def __post_init__(self):\n{textwrap.indent(made, ' ' * 8)}" if made else ""
    return _OWN_KIND.format(name=name, kind=kind, post_init=post_init, show=textwrap.indent(shown, " " * 8))


def line_of(text: str, part: str) -> int:
    """The line (from 1) of `text` that holds `part`, which must be there once."""
    assert text.count(part) == 1, (part, text)
    return text[: text.index(part)].count("\n") + 1


@dataclass
class TinySite:
    """A tiny site's folder and what its build said."""

    root: Path

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    def page(self, path: str) -> str:
        return (self.site_dir / path).read_text(encoding="utf-8")


def make_site(
    folder: Path,
    pages: dict[str, str],
    *,
    values: str = VALUES,
    plugins: str = "",
    options: str = "",
    extensions: str = "",
    theme: str = "  name: mkdocs\n  highlightjs: false\n",
    files: dict[str, str] | None = None,
) -> TinySite:
    """Write a site: `pages` under docs/, `values` as its values module, the extra `plugins` before the plugin (YAML
    list items), the plugin's extra `options`, extra Markdown `extensions`, and other `files` by path."""
    module = f"tiny_values_{next(_NUMBERS)}_{abs(hash(str(folder))):x}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{module}.py").write_text(values, encoding="utf-8")
    for path, text in {**{f"docs/{p}": t for p, t in pages.items()}, **(files or {})}.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")
    config = f"""\
site_name: Tiny
strict: true
theme:
{theme}plugins:
  - search
{plugins}  - proven-numbers:
      values: "{module}:compute"
      prefix: nnla
{textwrap.indent(options, "      ")}      katex:
        node_modules: {ROOT / "node_modules"}
markdown_extensions:
  - pymdownx.superfences
{extensions}"""
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")
    return TinySite(folder)


class BuildError(Exception):
    """What MkDocs said when the build failed."""


class _Said(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_folder(folder: Path) -> Path:
    """Build the site whose mkdocs.yml is in `folder` into its site/, in-process, as `mkdocs build --strict` does;
    the site's folder.

    Raises:
        BuildError: with what MkDocs logged as errors, when the build fails.
    """
    logger = logging.getLogger("mkdocs")
    said = _Said()
    logger.addHandler(said)
    try:
        config = load_config(config_file=str(folder / "mkdocs.yml"), site_dir=str(folder / "site"))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except Abort as abort:  # MkDocs logs the error, then aborts
        raise BuildError("\n".join(said.messages) or str(abort)) from None
    finally:
        logger.removeHandler(said)
    return folder / "site"


def build_site(site: TinySite) -> TinySite:
    """Build the tiny site in-process, as `mkdocs build --strict` does (`build_folder`)."""
    build_folder(site.root)
    return site
