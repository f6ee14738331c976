"""The library page: its examples run as written, its reference shows each public name once and no private one,
and its copy buttons copy code that runs."""

from __future__ import annotations

import ast
import doctest
import html
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import ROOT, BuiltSite, ServedSite

import nnla
from proven_numbers.copy_code import add_copy_text, runnable_code

PAGE = ROOT / "docs" / "library.md"
BUILT = "library/index.html"


def test_library_page_examples_run_as_written() -> None:
    result = doctest.testfile(str(PAGE), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 15, "the page's examples were not found"
    assert result.failed == 0


# --- the reference ------------------------------------------------------------------------------------------


def _entries(page: str) -> list[tuple[str, str]]:
    """Every entry of the reference, as (its heading's id, the name its heading shows)."""
    entries = []
    for heading in BeautifulSoup(page, "html.parser").select(".doc-heading"):
        name = heading.select_one(".doc-object-name")
        assert name is not None, f"the reference heading {heading.get('id')!r} names no object"
        entries.append((str(heading.get("id")), name.get_text(strip=True)))
    return entries


def public_names() -> list[str]:
    """What `nnla` exports, but its version string."""
    return [name for name in nnla.__all__ if name != "__version__"]


def private_names() -> set[str]:
    """Every private name the library defines: its private modules, and the functions, classes and variables
    of its modules whose names start with one underscore (`_` alone, the throwaway name, aside)."""
    names = set()
    for path in Path(nnla.__file__).parent.glob("*.py"):
        if path.stem.startswith("_") and not path.stem.startswith("__"):
            names.add(path.stem)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            found: list[str] = []
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                found = [node.name]
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
            names.update(n for n in found if n.startswith("_") and not n.startswith("__") and n.strip("_"))
    return names


def entry_problems(page: str) -> tuple[list[str], dict[str, int]]:
    """The public names the reference has no entry for, and those it has more than one entry for.

    An entry is a heading of the object itself (``nnla.NAME`` or ``nnla.MODULE.NAME``), not of a member
    of a class."""
    public = public_names()
    shown = Counter(name for heading_id, name in _entries(page) if name in public and heading_id.count(".") <= 2)
    return [name for name in public if shown[name] == 0], {name: n for name, n in shown.items() if n > 1}


def leaked_private_names(page: str, names: set[str]) -> list[str]:
    """The private names that occur on the page: in its text (code included), its ids or its links."""
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    attributes = " ".join(re.findall(r'(?:id|href)="([^"]*)"', page))
    return sorted(n for n in names if re.search(rf"(?<!\w){re.escape(n)}\b", text + " " + attributes))


@pytest.mark.site
def test_each_public_name_has_one_entry(built_site: BuiltSite) -> None:
    """`::: nnla.forward` documented the module and then the function in it: forward › forward."""
    missing, twice = entry_problems(built_site.page(BUILT))
    assert not missing, f"public names with no entry in the reference: {missing}"
    assert not twice, f"public names with more than one entry: {twice}"


@pytest.mark.site
def test_the_entry_check_sees_a_missing_and_a_doubled_entry(built_site: BuiltSite) -> None:
    """The module forward's heading before the function's (as `::: nnla.forward` made it), and one entry gone."""
    page = built_site.page(BUILT)
    module = '<h3 id="nnla.forward" class="doc doc-heading"><span class="doc doc-object-name">forward</span></h3>'
    gone = re.sub(r'(<h3 id="nnla\.sse"[^>]*>\s*<span class="doc doc-object-name[^"]*">)sse<', r"\1gone<", page)
    assert gone != page, "the entry of sse was not found"
    assert entry_problems(gone)[0] == ["sse"]
    assert entry_problems(module + page)[1] == {"forward": 2}


@pytest.mark.site
def test_every_requested_member_of_examples_is_documented(built_site: BuiltSite) -> None:
    """A name in a `members:` list that griffe cannot see (an attribute of a tuple assignment, such as
    batch_consistent) renders nothing, silently."""
    source = PAGE.read_text(encoding="utf-8")
    requested = set(re.findall(r'"(\w+)"', source[source.index("::: nnla.examples\n") :]))
    requested |= set(re.findall(r"^::: nnla\.examples\.(\w+)$", source, re.MULTILINE))
    assert {"Example", "NetworkExample", "toy_descent"} <= requested, "the examples' members were not read"
    documented = {heading_id.removeprefix("nnla.examples.") for heading_id, _ in _entries(built_site.page(BUILT))}
    assert requested <= documented, f"members listed but not documented: {sorted(requested - documented)}"


@pytest.mark.site
def test_no_private_name_leaks(built_site: BuiltSite) -> None:
    """No private helper appears on the page: `running = Example(..., X=_frozen(...))` and `xor = _xor()` did."""
    names = private_names()
    assert {"_frozen", "_xor", "_checks"} <= names, "the library's private names were not found"
    assert leaked_private_names(built_site.page(BUILT), names) == []


@pytest.mark.site
def test_the_leak_check_sees_a_value_and_an_id(built_site: BuiltSite) -> None:
    page = built_site.page(BUILT)
    value = '<code><span class="n">xor</span> <span class="o">=</span> <span class="n">_xor</span>()</code>'
    assert leaked_private_names(page + value, private_names()) == ["_xor"]
    assert leaked_private_names(page + '<a href="#nnla._checks.MAX_STEPS">', private_names()) == ["_checks"]


# --- the copy buttons ------------------------------------------------------------------------------------------

SESSION = """\
>>> x = [1,
...      2]
>>> len(x)
2
>>> 1 / 0
Traceback (most recent call last):
    ...
ZeroDivisionError: division by zero
"""


def test_runnable_code_keeps_the_statements_only() -> None:
    assert runnable_code(SESSION) == "x = [1,\n     2]\nlen(x)\n1 / 0"
    assert runnable_code("pip install -e .\n") is None


def test_add_copy_text_only_to_sessions() -> None:
    """A highlighted session gets data-copy with its statements, escaped; other code is left alone."""
    prompt = '<span class="gp">&gt;&gt;&gt; </span>'
    session = f'<div class="highlight"><pre><span></span><code>{prompt}a &lt; "b"\n</code></pre></div>'
    other = '<div class="highlight"><pre><span></span><code>pip install\n</code></pre></div>'
    out = add_copy_text(session + other)
    assert out.count("data-copy=") == 1
    assert 'data-copy="a &lt; &quot;b&quot;"><pre>' in out
    assert out.endswith(other)
    assert add_copy_text(out) == out, "a block that says what to copy is left as it is"


def _sessions(page: str) -> list[Tag]:
    """Every code block of the page that shows a >>> session."""
    blocks = BeautifulSoup(page, "html.parser").select("pre > code")
    return [code for code in blocks if code.get_text().lstrip().startswith(">>>")]


def _copy_text(code: Tag) -> str | None:
    """What Material's copy button copies from this block: its closest data-copy, else the block's text."""
    for parent in code.parents:
        if isinstance(parent, Tag) and parent.has_attr("data-copy"):
            return str(parent["data-copy"])
    return None


@pytest.mark.site
def test_every_session_copies_only_its_statements(built_site: BuiltSite) -> None:
    """The copy buttons copied the >>> prompts and the outputs, so that pasted code did not run."""
    sessions = _sessions(built_site.page(BUILT))
    assert len(sessions) >= 20, "the page's sessions (tour and docstring examples) were not found"
    for code in sessions:
        copied = _copy_text(code)
        assert copied is not None, f"a session copies its prompts and outputs:\n{code.get_text()[:200]}"
        expected = "".join(e.source for e in doctest.DocTestParser().get_examples(code.get_text())).rstrip("\n")
        assert copied == expected
        assert not re.search(r"^(>>>|\.\.\.)( |$)", copied, re.MULTILINE), copied
        compile(copied, "<copied>", "exec")


@pytest.mark.site
def test_the_copy_check_sees_a_session_without_copy_text(built_site: BuiltSite) -> None:
    """Without the hook's data-copy (Material's default), every session would copy its prompts and outputs."""
    bare = re.sub(r' data-copy="[^"]*"', "", built_site.page(BUILT))
    assert all(_copy_text(code) is None for code in _sessions(bare))


@pytest.mark.site
def test_the_tours_copied_code_runs(built_site: BuiltSite) -> None:
    """Pasted one after another, the tour's blocks run, and raise only where the page shows a traceback."""
    namespace: dict[str, Any] = {}
    blocks = [code for code in _sessions(built_site.page(BUILT)) if not code.find_parent(class_="doc")]
    assert len(blocks) >= 8, "the tour's sessions were not found"
    for code in blocks:
        copied = _copy_text(code)
        assert copied is not None
        raises = [e.exc_msg for e in doctest.DocTestParser().get_examples(code.get_text()) if e.exc_msg]
        if raises:
            with pytest.raises(ValueError, match="W must have shape"):
                exec(copied, namespace)
        else:
            exec(copied, namespace)


@pytest.mark.browser
def clipboard_once_filled(page: Any, bound_s: float = 120.0) -> str:
    """The clipboard's text as soon as it is not empty (polled every 50 ms), or "" after `bound_s`."""
    deadline = time.monotonic() + bound_s
    copied: str = page.evaluate("navigator.clipboard.readText()")
    while not copied and time.monotonic() < deadline:
        page.wait_for_timeout(50)
        copied = page.evaluate("navigator.clipboard.readText()")
    return copied


def test_the_copy_button_copies_the_statements(chromium: Any, served_site: ServedSite) -> None:
    """Material's own copy button, in Chromium: it copies the block's data-copy (Material reads the closest one),
    so a tour block and a docstring's example paste as code."""
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900}, permissions=["clipboard-read", "clipboard-write"]
    )
    try:
        page = context.new_page()
        page.goto(served_site.url("library/"))
        page.wait_for_load_state("load")
        blocks = page.locator("div.highlight[data-copy]")
        assert blocks.count() >= 20
        for block in (blocks.first, blocks.last):
            page.evaluate("navigator.clipboard.writeText('')")
            block.scroll_into_view_if_needed()
            block.hover()
            block.locator("button[data-md-type=copy], button.md-clipboard").first.click()
            # The copy is asynchronous: wait until the clipboard holds something, however long the machine takes.
            copied = clipboard_once_filled(page)
            assert copied == block.get_attribute("data-copy")
            assert ">>>" not in copied
    finally:
        context.close()
