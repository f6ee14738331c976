"""Templates compiled once per process (`proven_numbers.templates`): never again on a rebuild, never served stale."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import jinja2
import pytest
from conftest import ROOT, SOURCE_DATE_EPOCH

from proven_numbers import templates


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from source, from now on."""
    compiled: list[str] = []
    compile_source = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *args: object) -> object:
        compiled.append(str(name))
        return compile_source(self, source, name, *args)  # type: ignore[call-overload]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    templates.COMPILED.clear()
    return compiled


def _env(source: str) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader({"page.html": source}), autoescape=True)
    templates.keep_compiled(env)
    return env


def test_a_new_environment_reuses_what_an_earlier_one_compiled(compiles: list[str]) -> None:
    assert _env("Hello {{ name }}").get_template("page.html").render(name="x") == "Hello x"
    assert _env("Hello {{ name }}").get_template("page.html").render(name="y") == "Hello y"
    assert compiles == ["page.html"]


def test_an_edited_template_is_compiled_afresh(compiles: list[str]) -> None:
    assert _env("Hello {{ name }}").get_template("page.html").render(name="x") == "Hello x"
    assert _env("Goodbye {{ name }}").get_template("page.html").render(name="x") == "Goodbye x"
    assert compiles == ["page.html", "page.html"]


REBUILDS = textwrap.dedent(
    """
    import json, logging, sys
    import jinja2
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    compiled = []
    compile_source = jinja2.Environment.compile
    def counting(self, source, name=None, *args):
        compiled.append(str(name))
        return compile_source(self, source, name, *args)
    jinja2.Environment.compile = counting
    logging.basicConfig(level=logging.ERROR)
    config_file, site_dir = sys.argv[1], sys.argv[2]
    counts = []
    for _ in range(2):  # as `mkdocs serve` rebuilds: the configuration loaded afresh, build() called again
        compiled.clear()
        build(load_config(config_file=config_file, site_dir=site_dir))
        counts.append(list(compiled))
    print(json.dumps(counts))
    """
)


@pytest.mark.slow
def test_a_rebuild_in_the_same_process_compiles_no_page_template(tmp_path: Path) -> None:
    """Material's and mkdocstrings' templates are compiled by the first build only."""
    process = subprocess.run(
        [sys.executable, "-c", REBUILDS, str(ROOT / "mkdocs.yml"), str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert process.returncode == 0, process.stderr
    first, second = json.loads(process.stdout.splitlines()[-1])
    assert "main.html" in first
    assert any(name.endswith("function.html.jinja") for name in first)
    # What is left is Material's search plugin translating its labels with a throwaway environment of its own.
    assert set(second) <= {"partials/language.html", "partials/languages/en.html"}, second
