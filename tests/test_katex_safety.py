"""No page can switch KaTeX's safety off, no formula can hang the build, and no cache entry is trusted as is."""

from __future__ import annotations

import json
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support_markdown import NODE_MODULES, convert

from proven_numbers import katex
from proven_numbers.katex import KatexError, KatexRenderer, KatexSetupError, cache_key
from proven_numbers.katex.renderer import MAX_TEX_CHARS, SAFE_OPTIONS
from proven_numbers.mdext import MathError

#: A hung worker must fail the formula within its deadline plus this.
DEADLINE_SLACK_S = 3.0


@pytest.fixture
def renderer(tmp_path: Path) -> Iterator[KatexRenderer]:
    r = KatexRenderer(NODE_MODULES, tmp_path / "cache", enabled=True)
    yield r
    r.close()


# --- options a page or the configuration cannot change --------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ['{"trust": true}', '{"throwOnError": false}', '{"output": "html"}', '{"strict": "ignore"}', '{"maxExpand": 1e9}'],
)
def test_a_fence_header_cannot_change_the_sites_options(header: str, tmp_path: Path) -> None:
    """A ```math fence's JSON header may set fleqn or leqno; the build fails on anything else, at its line."""
    with pytest.raises(MathError, match=r"^line 3: a formula may set only the KaTeX options fleqn, leqno"):
        convert(f"Text.\n\n```math {header}\nx\n```\n", tmp_path)


def test_the_configuration_cannot_change_the_sites_options(tmp_path: Path) -> None:
    with pytest.raises(KatexSetupError, match="sets the KaTeX option trust, but the site fixes it"):
        KatexRenderer(NODE_MODULES, tmp_path, {"trust": True})
    with pytest.raises(KatexSetupError, match="sets the KaTeX option colorIsTextColor, but it is not one"):
        KatexRenderer(NODE_MODULES, tmp_path, {"colorIsTextColor": True})


def test_every_rendering_uses_the_safe_options(renderer: KatexRenderer) -> None:
    assert {k: renderer.options[k] for k in SAFE_OPTIONS} == dict(SAFE_OPTIONS)


@pytest.mark.parametrize(
    ("tex", "command"),
    [
        (r"\href{javascript:alert(1)}{x}", r"\href"),
        (r"\url{https://example.org}", r"\url"),
        (r"\includegraphics[height=1em]{https://example.org/x.png}", r"\includegraphics"),
    ],
)
def test_commands_that_need_trust_fail_the_formula(renderer: KatexRenderer, tex: str, command: str) -> None:
    """With trust off KaTeX would render these as red text and the build would pass: here they fail it."""
    with pytest.raises(KatexError, match=rf"{command.replace(chr(92), chr(92) * 2)} is not allowed on this site"):
        renderer.render(tex, display=False)


@pytest.mark.parametrize("tex", [r"\htmlClass{x}{y}", r"\htmlStyle{color:red}{y}", r"\htmlId{a}{y}"])
def test_html_commands_fail_the_formula(renderer: KatexRenderer, tex: str) -> None:
    with pytest.raises(KatexError, match="HTML extension is disabled on strict mode"):
        renderer.render(tex, display=False)


def test_a_strict_warning_fails_the_formula_at_its_line(tmp_path: Path) -> None:
    """KaTeX's strict warnings named neither page nor line; now they are errors at the formula's line."""
    with pytest.raises(MathError, match=r"^line 2: KaTeX cannot render the inline formula \$`é`\$:.*unicode"):
        convert("One.\nTwo $`é`$.\n", tmp_path)


# --- bounded work -------------------------------------------------------------------------------------------


def test_a_formula_that_expands_without_end_fails_quickly(renderer: KatexRenderer) -> None:
    """Each macro doubles the last: 2^25 symbols from a formula of under 2 KB."""
    doubling = "".join(rf"\def\x{'a' * (i + 1)}{{\x{'a' * i}\x{'a' * i}}}" for i in range(1, 26))
    start = time.monotonic()
    with pytest.raises(KatexError, match="Too many expansions"):
        renderer.render(r"\def\xa{x}" + doubling + rf"\x{'a' * 26}", display=False)
    assert time.monotonic() - start < renderer.timeout


@pytest.mark.parametrize("tex", ["[" * 100_000, "{" * (MAX_TEX_CHARS + 1)])
def test_a_huge_formula_is_refused_before_katex_sees_it(renderer: KatexRenderer, tex: str) -> None:
    with pytest.raises(KatexError, match=rf"it has {len(tex)} characters; the most is {MAX_TEX_CHARS}"):
        renderer.render(tex, display=False)
    assert renderer.stats.requests == 0


def test_a_deeply_nested_formula_fails_with_a_message(renderer: KatexRenderer) -> None:
    with pytest.raises(KatexError, match="KaTeX"):
        renderer.render("{" * 15_000 + "x" + "}" * 4_000, display=False)


def test_a_worker_that_never_answers_fails_the_formula_by_its_deadline(tmp_path: Path) -> None:
    """A stand-in node that says hello and then hangs: the formula fails within the deadline, and says why."""
    version = katex.katex_version(NODE_MODULES)
    fake = tmp_path / "hanging-node"
    fake.write_text(f'#!/bin/sh\necho \'{{"katex": "{version}"}}\'\nexec sleep 600\n', encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    renderer = KatexRenderer(NODE_MODULES, tmp_path / "cache", enabled=True, node=str(fake), timeout=0.5)
    start = time.monotonic()
    with pytest.raises(KatexError, match=r"took longer than 0.5 s on it and was stopped"):
        renderer.render("x", display=False)
    assert time.monotonic() - start < 0.5 + DEADLINE_SLACK_S
    assert not renderer.running


# --- the cache and the version --------------------------------------------------------------------------------


def entry_path(renderer: KatexRenderer, tex: str) -> Path:
    return renderer._disk.path(cache_key(tex, False, renderer.options, renderer.version))


@pytest.mark.parametrize(
    "entry",
    [
        {"html": None},
        {"html": '<img src="https://example.org/x.png">'},
        {"html": '<span class="katex"><a href="javascript:alert(1)">x</a></span>'},
        {"html": '<span class="katex"><span class="katex-error">x</span></span>'},
        "not an object",
    ],
)
def test_a_bad_cache_entry_is_rendered_again(renderer: KatexRenderer, entry: object) -> None:
    path = entry_path(renderer, "x")
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(entry, dict):
        entry = {"key": path.stem, "katex": renderer.version, **entry}
    path.write_text(json.dumps(entry), encoding="utf-8")
    html = renderer.render("x", display=False)
    assert html.startswith('<span class="katex">')
    assert "x</annotation>" in html
    assert (renderer.stats.disk_hits, renderer.stats.requests) == (0, 1)
    assert json.loads(path.read_text(encoding="utf-8"))["html"] == html


def test_a_cache_entry_of_another_katex_version_is_not_served(renderer: KatexRenderer, tmp_path: Path) -> None:
    html = renderer.render("y", display=False)
    path = entry_path(renderer, "y")
    written = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**written, "katex": "0.0.1", "html": html.replace("y", "z")}), encoding="utf-8")
    fresh = KatexRenderer(NODE_MODULES, renderer.cache_dir, enabled=True)
    try:
        assert fresh.render("y", display=False) == html
        assert (fresh.stats.disk_hits, fresh.stats.requests) == (0, 1)
    finally:
        fresh.close()


def test_node_modules_must_hold_the_pinned_katex(tmp_path: Path) -> None:
    """With another KaTeX in node_modules than package.json pins, the build would ship another site."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    (project / "package.json").write_text(json.dumps({"dependencies": {"katex": "0.15.0"}}), encoding="utf-8")
    renderer = KatexRenderer(project / "node_modules", tmp_path / "cache", enabled=True)
    try:
        with pytest.raises(KatexSetupError, match=r"package.json pins katex 0.15.0, but .* is 0\.16"):
            renderer.render("x", display=False)
    finally:
        renderer.close()
