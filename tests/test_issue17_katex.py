"""Issue 17, KaTeX's side: a cache entry is served only when its own HTML says it is the formula asked for (class
4); a display formula that cannot be rendered is the page's error at its line, whatever went wrong (class 3);
a `node` that never says hello fails the build in seconds (class 9); and a build's math work has a budget (class 8).
"""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import markdown  # type: ignore[import-untyped]
import pytest
from mkdocs.exceptions import PluginError
from support_markdown import NODE_MODULES, math_extension, math_markdown
from support_tiny_site import BuildError
from test_plugin_config import build_site, dice_site

from proven_numbers.katex import Budget, KatexBudgetError, KatexRenderer, KatexSetupError, cache_key, worker
from proven_numbers.katex.cache import entry_mismatch
from proven_numbers.mdext import MathError
from proven_numbers.report import ErrorReport


@pytest.fixture
def renderer(tmp_path: Path) -> Iterator[KatexRenderer]:
    r = KatexRenderer(NODE_MODULES, tmp_path / "cache", enabled=True)
    yield r
    r.close()


def fresh(renderer: KatexRenderer, **options: Any) -> KatexRenderer:
    """A renderer of another process on the same disk cache: nothing in memory."""
    return KatexRenderer(NODE_MODULES, renderer.cache_dir, options or None, enabled=True)


def entry(renderer: KatexRenderer, tex: str, display: bool = False) -> Path:
    return renderer._disk.path(cache_key(tex, display, renderer.options, renderer.version))


def rewrite(path: Path, html: str) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "html": html}), encoding="utf-8")


# --- class 4: the cache ---------------------------------------------------------------------------------------

#: Entries rewritten by hand, each with the right file name, key and version: none may be served.
POISONED = {
    "an event handler (the issue's example)": '<span class="katex"><svg onload="alert(1)"></svg></span>',
    "an event handler beside the right annotation": (
        '<span class="katex"><span class="katex-mathml" onmouseover="alert(1)"><math><semantics><mrow><mi>q</mi>'
        '</mrow><annotation encoding="application/x-tex">q</annotation></semantics></math></span></span>'
    ),
    "a request in a style": (
        '<span class="katex"><span style="background:url(https://example.org/x.png)"><math><semantics><mrow>'
        '<mi>q</mi></mrow><annotation encoding="application/x-tex">q</annotation></semantics></math></span></span>'
    ),
    "a request in a style, with a character reference": (
        '<span class="katex"><span style="height:u&#114;l(//example.org/x)"><math><semantics><mrow><mi>q</mi>'
        '</mrow><annotation encoding="application/x-tex">q</annotation></semantics></math></span></span>'
    ),
    "closing the page's own elements": (
        '<span class="katex"><math><semantics><mrow><mi>q</mi></mrow><annotation encoding="application/x-tex">'
        'q</annotation></semantics></math></span></p></div><span class="katex"></span>'
    ),
    "a comment hiding the rest of the page": (
        '<span class="katex"><!-- <math><semantics><mrow><mi>q</mi></mrow><annotation encoding="application/x-tex">'
        "q</annotation></semantics></math></span>"
    ),
    "an unquoted attribute": (
        '<span class="katex"><span class=x onclick=alert(1)><math><semantics><mrow><mi>q</mi></mrow><annotation '
        'encoding="application/x-tex">q</annotation></semantics></math></span></span>'
    ),
}


def served_instead_of(renderer: KatexRenderer, tex: str, good: str, html: str) -> None:
    """With `html` written into the entry of `tex`, a renderer of another process renders `tex` again, to `good`,
    and overwrites the entry."""
    rewrite(entry(renderer, tex), html)
    other = fresh(renderer)
    try:
        assert other.render(tex, display=False) == good
        assert (other.stats.disk_hits, other.stats.requests) == (0, 1)
    finally:
        other.close()
    assert json.loads(entry(renderer, tex).read_text(encoding="utf-8"))["html"] == good


@pytest.mark.parametrize("html", POISONED.values(), ids=POISONED.keys())
def test_a_poisoned_cache_entry_is_rendered_again(renderer: KatexRenderer, html: str) -> None:
    served_instead_of(renderer, "q", renderer.render("q", display=False), html)


#: The formula's own rendering, edited in KaTeX's spelling, balanced, its annotation kept: only its vocabulary
#: (elements, attributes, styles) is wrong. (pattern, replacement, count)
EDITED = {
    "an event handler": ('<span class="katex-html"', '<span class="katex-html" onmouseover="alert(1)"', 1),
    "a request in a style": ('style="', 'style="background:url(//example.org/x.png);', 1),
    "a script for an identifier": ("<mi>q</mi>", "<script>q</script>", 1),
    "KaTeX's error output": ('<span class="base">', '<span class="base katex-error">', 1),
}


@pytest.mark.parametrize("edit", EDITED.values(), ids=EDITED.keys())
def test_the_formulas_own_rendering_with_a_foreign_word_is_rendered_again(
    renderer: KatexRenderer, edit: tuple[str, str, int]
) -> None:
    """Read from disk, an entry's vocabulary is checked on the tags its spelling check has read."""
    good = renderer.render("q^2", display=False)
    old, new, count = edit
    assert good.count(old) >= count, f"KaTeX's rendering no longer holds {old!r}: update this test"
    edited = good.replace(old, new, count)
    assert entry_mismatch(edited, "q^2", False, renderer.options) is not None
    served_instead_of(renderer, "q^2", good, edited)


def test_swapped_cache_entries_each_serve_their_own_formula(renderer: KatexRenderer) -> None:
    """Two valid entries with their HTML swapped: each formula is shown, not the other's (the issue's example)."""
    a, b = renderer.render("a^2", display=False), renderer.render("b^3", display=False)
    rewrite(entry(renderer, "a^2"), b)
    rewrite(entry(renderer, "b^3"), a)
    other = fresh(renderer)
    try:
        assert (other.render("a^2", display=False), other.render("b^3", display=False)) == (a, b)
        assert other.stats.requests == 2
    finally:
        other.close()


def test_an_entry_of_the_other_mode_or_options_is_not_served(renderer: KatexRenderer) -> None:
    """The same TeX inline, in display, and in display with fleqn: three renderings, none served for another."""
    inline = renderer.render("w", display=False)
    display = renderer.render("w", display=True)
    fleqn = renderer.render("w", display=True, options={"fleqn": True})
    rewrite(entry(renderer, "w", display=True), fleqn)
    rewrite(entry(renderer, "w"), display)
    other = fresh(renderer)
    try:
        assert other.render("w", display=False) == inline
        assert other.render("w", display=True) == display
        assert other.stats.requests == 2
    finally:
        other.close()


#: Formulas that make KaTeX write each part of its vocabulary: SVG paths and lines, styles with calc() and
#: colours, escaped text, tables, spaces, and every option a page or the configuration may set.
VOCABULARY = [
    (r"\sqrt{x^2 + y^2} = \frac{a}{b}", False, {}),
    (r"\widehat{xyz} + \overbrace{a+b}^{n} + \xrightarrow{f}", False, {}),
    (r"\cancel{x} \bcancel{y} \xcancel{z} \boxed{w} \fbox{v}", False, {}),
    (r"\color{red}{a} \colorbox{#ccf}{b} \textcolor{blue}{c}", False, {}),
    (r"f(\text{user 7}) \texttt{a:b} \text{a < b > c \& \"q' }", False, {}),
    (r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix} \quad \hspace{1em} \left( \frac{1}{2} \right)", True, {}),
    (r"\begin{aligned} a &= b \tag{1} \\ c &= d \end{aligned}", True, {"leqno": True}),
    (r"\sum_{i=1}^{n} \int_0^1 \mathbb{R} \mathcal{L} \operatorname{tr}", True, {"fleqn": True}),
    (r"x \rule{1em}{2pt} \kern2pt \mathrlap{y} \phantom{z} \underbrace{a}_{b}", True, {"leqno": True}),
]


@pytest.mark.parametrize("output", ["htmlAndMathml", "mathml"])
def test_katex_own_renderings_are_served_from_the_cache(tmp_path: Path, output: str) -> None:
    """What KaTeX writes passes the check: a build whose formulas are cached starts no node."""
    first = KatexRenderer(NODE_MODULES, tmp_path, {"output": output}, enabled=True)
    try:
        rendered = [first.render(tex, display, options) for tex, display, options in VOCABULARY]
    finally:
        first.close()
    for html, (tex, display, options) in zip(rendered, VOCABULARY, strict=True):
        assert entry_mismatch(html, tex, display, {**first.options, **options}) is None, tex
    second = KatexRenderer(NODE_MODULES, tmp_path, {"output": output}, enabled=True)
    try:
        assert [second.render(tex, display, options) for tex, display, options in VOCABULARY] == rendered
        assert (second.stats.disk_hits, second.stats.requests, second.running) == (len(VOCABULARY), 0, False)
    finally:
        second.close()


# --- class 3: a display formula that cannot be rendered -------------------------------------------------------


def as_configured(tmp_path: Path, md: markdown.Markdown) -> None:
    """Nothing more than the configuration and the page say."""


def killed_worker(tmp_path: Path, md: markdown.Markdown) -> None:
    renderer = math_extension(md).renderer
    renderer.render("k", display=False)  # the worker runs
    assert renderer._worker is not None
    renderer._worker._proc.kill()
    renderer._worker._proc.wait()


def failing_renderer(tmp_path: Path, md: markdown.Markdown) -> None:
    def fail(*args: object, **kwargs: object) -> str:
        raise RuntimeError("an unforeseen failure")

    math_extension(md).renderer.render = fail  # type: ignore[method-assign]


#: What can go wrong with a display formula: how, the extension's configuration, the fence's header, the most
#: bytes of a reply, and what the page's error then says.
FAILURES = {
    "no node on PATH": (as_configured, {"node": "nnla-no-such-node"}, "", None, "needs Node.js, but `nnla-no-such"),
    "a worker killed mid-build": (killed_worker, {}, "", None, "the KaTeX worker (node) was killed by signal SIGKILL"),
    "a reply over the size limit": (as_configured, {}, "", 200, "the KaTeX worker sent a reply of more than 200 bytes"),
    "NaN in the header": (as_configured, {}, ' {"fleqn": NaN}', None, "must be a JSON object of KaTeX options"),
    "a string in the header": (as_configured, {}, ' {"fleqn": "yes"}', None, "the KaTeX option fleqn is true or false"),
    "any other failure": (failing_renderer, {}, "", None, "RuntimeError: an unforeseen failure"),
}


@pytest.mark.parametrize(("make", "config", "header", "most", "said"), FAILURES.values(), ids=FAILURES.keys())
def test_a_display_formula_that_fails_is_the_pages_error_at_its_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make: Any,
    config: dict[str, Any],
    header: str,
    most: int | None,
    said: str,
) -> None:
    """superfences swallows a fence formatter's exceptions and ships the fence as code; none may be lost."""
    if most is not None:
        monkeypatch.setattr(worker, "MAX_REPLY_BYTES", most)
    text = f"# Title\n\nText.\n\n```math{header}\nq_{{fence}}^{{7}} + 1\n```\n\nMore text.\n"
    report = ErrorReport(page="page.md")
    md = math_markdown(tmp_path / "cache", report=report, **config)
    make(tmp_path, md)
    html = md.convert(text)
    assert "<code>" not in html, "the fence shipped as code"
    assert [(error.page, error.line) for error in report.errors] == [("page.md", 5)]
    assert said in report.errors[0].message

    md = math_markdown(tmp_path / "again" / "cache", **config)  # without a report, the conversion fails
    make(tmp_path, md)
    with pytest.raises(MathError, match=r"^lines? 5"):
        md.convert(text)


# --- class 9: a node that never says hello --------------------------------------------------------------------


def silent_node(tmp_path: Path) -> Path:
    """A `node` that says nothing and sleeps; each start adds a line to the file `starts` beside it."""
    fake = tmp_path / "node"
    fake.write_text(f"#!/bin/sh\necho started >> {tmp_path / 'starts'}\nexec sleep 600\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    return fake


def starts(tmp_path: Path) -> int:
    """How many times the silent node of `tmp_path` was started."""
    started = tmp_path / "starts"
    return len(started.read_text(encoding="utf-8").splitlines()) if started.exists() else 0


def test_a_node_that_never_says_hello_fails_the_page_once_and_fast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three formulas, one start-up bound: the first waits for it, the others fail at once with the same error."""
    monkeypatch.setattr(worker, "START_TIMEOUT_S", 2.0)
    report = ErrorReport(page="page.md")
    md = math_markdown(tmp_path / "cache", report=report, node=str(silent_node(tmp_path)))
    md.convert("".join(f"```math\nq_{i}\n```\n\n" for i in range(3)))
    assert starts(tmp_path) == 1, "node was started again for each formula: one start-up bound a formula"
    assert [error.line for error in report.errors] == [1, 5, 9]
    for error in report.errors:
        assert "did not start KaTeX within 2 s (it said nothing) and was stopped" in error.message


def test_a_new_build_tries_node_again(tmp_path: Path) -> None:
    renderer = KatexRenderer(NODE_MODULES, tmp_path, enabled=True, node=str(silent_node(tmp_path)), start_timeout=0.2)
    with pytest.raises(KatexSetupError, match="said nothing"):
        renderer.render("a", display=False)
    renderer.node, renderer.start_timeout = "node", None
    with pytest.raises(KatexSetupError, match="said nothing"):  # the same build: not tried again
        renderer.render("b", display=False)
    renderer.begin_build(None)
    try:
        assert renderer.render("b", display=False).startswith('<span class="katex">')
    finally:
        renderer.close()


# --- class 8: a budget for the math of a build ----------------------------------------------------------------


def test_the_budget_stops_the_build_naming_the_page(renderer: KatexRenderer) -> None:
    renderer.begin_build(Budget(seconds=0.05, page="docs/heavy.md"))
    rendered = []

    def render_many() -> None:
        for i in range(10_000):
            renderer.render(rf"\sum_{{k=1}}^{{{i}}} \frac{{x_k}}{{{i}}}", display=True)
            rendered.append(i)

    with pytest.raises(KatexBudgetError, match=r"^the build stopped at docs/heavy\.md: KaTeX has spent .* katex\.time"):
        render_many()
    # Stopped at the formula that overspent, not at the end of the page: however busy the machine, 0.05 s of
    # KaTeX is far from 10,000 formulas (a fresh formula takes it a few milliseconds when idle).
    assert len(rendered) < 5_000, f"{len(rendered)} formulas rendered past a budget of 0.05 s"
    renderer.begin_build(None)
    renderer.render("z", display=False)  # the next build has a budget of its own


def test_a_spent_budget_in_a_fence_stops_the_conversion_at_its_line(tmp_path: Path) -> None:
    """Not swallowed by superfences, nor recorded and passed over: the build stops."""
    md = math_markdown(tmp_path / "cache", report=ErrorReport(page="p.md"))
    math_extension(md).renderer.begin_build(Budget(seconds=0.0, spent=1.0, page="p.md"))
    with pytest.raises(PluginError, match=r"^line 3: the build stopped at p\.md"):
        md.convert("Text.\n\n```math\nx\n```\n")


def test_a_site_over_its_budget_fails_naming_the_page(tmp_path: Path) -> None:
    site = dice_site(tmp_path, katex="        time_budget: 0.3\n")
    page = site / "docs" / "index.md"
    formulas = "\n\n".join(
        rf"$`\sum_{{k=1}}^{{{i}}} \binom{{{i}}}{{k}} \sqrt{{\frac{{x^k}}{{k!}}}}`$" for i in range(3000)
    )
    page.write_text(f"{page.read_text(encoding='utf-8')}\n\n{formulas}\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"the build stopped at index\.md: KaTeX has spent"):
        build_site(site)


def test_the_budget_option_has_a_default_and_is_checked() -> None:
    from proven_numbers.config import KatexConfig

    config = KatexConfig()
    config.load_dict({})
    assert config.validate() == ([], [])
    assert config["time_budget"] == 60
    config = KatexConfig()
    config.load_dict({"time_budget": "soon"})
    assert config.validate()[0]


# --- class 9: lines after a snippet ---------------------------------------------------------------------------


def test_a_formula_error_after_a_snippet_is_at_its_own_line(tmp_path: Path) -> None:
    """pymdownx.snippets puts the included file's lines into the page before the math is read: an error after the
    snippet is still named at its line of the page, and one inside it at the line that includes it."""
    (tmp_path / "snip.md").write_text("one\n\ntwo\n\nthree $`\\frac{b}{`$\n\nfour\n", encoding="utf-8")
    text = 'Line 1.\n\n--8<-- "snip.md"\n\nLine 5 $`\\frac{a}{`$.\n\n```math\n\\nope\n```\n\nLine 11 $`\\nein`$.\n'
    report = ErrorReport(page="p.md")
    md = math_markdown(tmp_path / "cache", report=report, before={"pymdownx.snippets": {"base_path": [str(tmp_path)]}})
    md.convert(text)
    found = sorted((error.line, error.message.split(": ", 1)[0]) for error in report.errors)
    assert [line for line, _ in found] == [3, 5, 7, 11], report.errors
