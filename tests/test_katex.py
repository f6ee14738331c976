"""Server-side KaTeX: the persistent renderer (proven_numbers.katex) and the Markdown extension (mdext)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import markdown  # type: ignore[import-untyped]  # untyped; types-Markdown is not in requirements-dev.txt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from proven_numbers import katex
from proven_numbers.katex import KatexError, KatexRenderer, KatexSetupError, cache_key, katex_assets
from proven_numbers.math_syntax import iter_inline_math as _iter_inline_math
from proven_numbers.mdext import MathError

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"

# The extensions the site's mkdocs.yml uses alongside ours.
EXTENSIONS = [
    "admonition",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "md_in_html",
    "attr_list",
    "tables",
    "toc",
    "footnotes",
    "proven_numbers.mdext",
]

ANNOTATION_RE = re.compile(r'<annotation encoding="application/x-tex">(.*?)</annotation>', re.DOTALL)


def tex_of(html: str) -> list[str]:
    """The TeX that KaTeX keeps in each formula's MathML annotation (HTML-escaped as in the page)."""
    return ANNOTATION_RE.findall(html)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One disk cache for the module's Markdown conversions; every node process is closed afterwards."""
    yield tmp_path_factory.mktemp("katex-cache")
    katex.close_all()


@pytest.fixture
def renderer(tmp_path: Path) -> Iterator[KatexRenderer]:
    """A private renderer with an empty cache, closed after the test."""
    r = KatexRenderer(NODE_MODULES, tmp_path / "cache", enabled=True)
    yield r
    r.close()


def convert(text: str, cache_dir: Path, **config: Any) -> tuple[str, markdown.Markdown]:
    """Convert Markdown with the site's extensions; returns the HTML and the Markdown instance."""
    settings = {
        "node_modules": str(NODE_MODULES),
        "cache_dir": str(cache_dir),
        "enabled": True,
        "prefix": "nnla",
        **config,
    }
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs={"proven_numbers.mdext": settings})
    return md.convert(text), md


# --- the renderer ---------------------------------------------------------------------------------


def test_inline_render_is_katex_html_with_mathml_annotation(renderer: KatexRenderer) -> None:
    """Inline TeX becomes <span class="katex"> with MathML that keeps the TeX, and no display wrapper."""
    html = renderer.render(r"\hat{y} = xW + b", display=False)
    assert html.startswith('<span class="katex">')
    assert "katex-display" not in html
    assert tex_of(html) == [r"\hat{y} = xW + b"]


def test_display_render_is_katex_display(renderer: KatexRenderer) -> None:
    """Display TeX becomes <span class="katex-display"> with block MathML."""
    html = renderer.render(r"\sum_i x_i", display=True)
    assert html.startswith('<span class="katex-display">')
    assert 'display="block"' in html
    assert tex_of(html) == [r"\sum_i x_i"]


def test_katex_error_names_formula_and_reason(renderer: KatexRenderer) -> None:
    """A parse error raises KatexError carrying the TeX and KaTeX's message."""
    with pytest.raises(KatexError, match=r"KaTeX parse error") as info:
        renderer.render(r"\frac{a}{", display=False)
    assert info.value.tex == r"\frac{a}{"


def test_second_render_comes_from_cache_without_node(renderer: KatexRenderer) -> None:
    """A formula is sent to node once; a fresh renderer on the same cache never starts node."""
    first = renderer.render("a_1 + b_2", display=False)
    assert renderer.stats.requests == 1
    assert renderer.render("a_1 + b_2", display=False) == first
    assert (renderer.stats.requests, renderer.stats.memory_hits) == (1, 1)
    renderer.close()

    fresh = KatexRenderer(NODE_MODULES, renderer.cache_dir, enabled=True)
    assert fresh.render("a_1 + b_2", display=False) == first
    assert (fresh.stats.requests, fresh.stats.disk_hits, fresh.running) == (0, 1, False)
    assert fresh.render("a_1 + b_2", display=False) == first
    assert fresh.stats.memory_hits == 1  # the warm path touches no file
    assert not list(renderer.cache_dir.rglob(".tmp-*")), "an atomic write left its temporary file"


def test_display_mode_is_part_of_the_cache(renderer: KatexRenderer) -> None:
    """The same TeX inline and displayed are two renderings, not one served twice."""
    inline = renderer.render("x", display=False)
    display = renderer.render("x", display=True)
    assert inline != display
    assert renderer.stats.requests == 2


def test_changed_options_are_never_served_stale(tmp_path: Path) -> None:
    """Renderers differing only in a macro share a cache directory but not renderings."""
    p = KatexRenderer(NODE_MODULES, tmp_path, {"macros": {r"\F": "p"}}, enabled=True)
    q = KatexRenderer(NODE_MODULES, tmp_path, {"macros": {r"\F": "q"}}, enabled=True)
    try:
        assert "<mi>p</mi>" in p.render(r"\F", display=False)
        assert "<mi>q</mi>" in q.render(r"\F", display=False)
        assert q.stats.requests == 1
    finally:
        p.close()
        q.close()


@pytest.mark.parametrize(
    ("tex", "display", "options", "version"),
    [
        ("x^3", False, {"output": "htmlAndMathml"}, "0.16.25"),  # TeX
        ("x^2", True, {"output": "htmlAndMathml"}, "0.16.25"),  # display mode
        ("x^2", False, {"output": "mathml"}, "0.16.25"),  # options
        ("x^2", False, {"output": "htmlAndMathml"}, "0.16.26"),  # KaTeX version
    ],
)
def test_cache_key_changes_with_each_input(tex: str, display: bool, options: dict[str, Any], version: str) -> None:
    """Each of TeX, display mode, options and KaTeX version changes the key."""
    base = cache_key("x^2", False, {"output": "htmlAndMathml"}, "0.16.25")
    assert cache_key(tex, display, options, version) != base


def test_cache_key_ignores_option_order() -> None:
    """Options are keyed as canonical JSON, so key order is not a change."""
    a = cache_key("x", False, {"output": "html", "throwOnError": True}, "1")
    b = cache_key("x", False, {"throwOnError": True, "output": "html"}, "1")
    assert a == b


def test_version_is_read_from_node_modules(renderer: KatexRenderer) -> None:
    """The key's version is the installed package's, and node, when started, loads that same version."""
    renderer.render("y", display=False)
    assert renderer.version == katex.katex_version(NODE_MODULES)
    assert re.fullmatch(r"\d+\.\d+\.\d+", renderer.version)


#: What every setup error ends with: how any site installs KaTeX (not this repository's `make setup`).
NPM_HINT = r"Fix: install KaTeX from npm beside mkdocs\.yml, .*`npm ci` .* or `npm install --save-exact katex`\.$"


def test_missing_node_says_what_to_install(tmp_path: Path) -> None:
    """Without node the first cache miss fails with a PluginError telling the user what to run."""
    r = KatexRenderer(NODE_MODULES, tmp_path, node="nnla-no-such-node", enabled=True)
    with pytest.raises(KatexSetupError, match=r"`nnla-no-such-node` is not on PATH .*Node\.js 18.*" + NPM_HINT):
        r.render("x", display=False)


def test_a_node_given_as_a_path_is_not_said_to_be_off_path(tmp_path: Path) -> None:
    r = KatexRenderer(NODE_MODULES, tmp_path, node=str(tmp_path / "no" / "node"), enabled=True)
    with pytest.raises(
        KatexSetupError, match=r"/no/node` is not an executable file \(the plugin's katex\.node option\)"
    ):
        r.render("x", display=False)


def test_missing_katex_says_what_to_install(tmp_path: Path) -> None:
    """Without node_modules/katex rendering and the asset list fail with the same advice."""
    r = KatexRenderer(tmp_path / "node_modules", tmp_path / "cache", enabled=True)
    with pytest.raises(KatexSetupError, match=r"katex/package\.json does not exist\. " + NPM_HINT):
        r.render("x", display=False)
    with pytest.raises(KatexSetupError, match=NPM_HINT):
        katex_assets(tmp_path / "node_modules")


def test_math_off_renders_code_without_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PROVEN_NUMBERS_MATH=off gives <code class="pn-math-off"> and needs neither node nor KaTeX."""
    monkeypatch.setenv("PROVEN_NUMBERS_MATH", "off")
    r = KatexRenderer(tmp_path / "no-node-modules", tmp_path, node="nnla-no-such-node")
    assert r.render("a < b_1", display=True) == '<code class="pn-math-off">a &lt; b_1</code>'
    assert (r.running, r.stats.requests) == (False, 0)


def test_katex_assets_are_the_css_and_every_font() -> None:
    """The stylesheet goes to assets/katex/ and every font it refers to is served beside it in fonts/."""
    assets = katex_assets(NODE_MODULES)
    assert assets[0].uri == katex.KATEX_CSS == "assets/katex/katex.min.css"
    uris = {a.uri for a in assets}
    css = assets[0].path.read_text(encoding="utf-8")
    referenced = set(re.findall(r"url\((fonts/[^)]+)\)", css))
    assert referenced, "the stylesheet refers to no fonts"
    assert {f"assets/katex/{ref}" for ref in referenced} <= uris
    font_files = {p.name for p in (NODE_MODULES / "katex" / "dist" / "fonts").iterdir()}
    assert {a.path.name for a in assets[1:]} == font_files
    assert all(a.path.is_file() for a in assets)


def test_shared_renderer_is_one_instance(tmp_path: Path) -> None:
    """get_renderer hands every caller with the same settings the same renderer (one node process)."""
    a = katex.get_renderer(str(NODE_MODULES), tmp_path, {"macros": {}}, enabled=True)
    b = katex.get_renderer(NODE_MODULES, str(tmp_path), {"macros": {}}, enabled=True)
    c = katex.get_renderer(NODE_MODULES, tmp_path, {"macros": {"\\a": "b"}}, enabled=True)
    assert a is b
    assert c is not a


# --- the Markdown extension -----------------------------------------------------------------------


def test_inline_and_display_in_markdown(cache_dir: Path) -> None:
    """$`...`$ renders inline in its paragraph; ```math as a display block in our div, not in a <p>."""
    html, _ = convert("Text $`x_1`$ here.\n\n```math\ny_2\n```\n", cache_dir)
    assert re.match(r'<p>Text <span class="katex">.*</span> here\.</p>', html)
    assert '<div class="nnla-math-display" tabindex="0"><span class="katex-display">' in html
    assert "<p><div" not in html
    assert tex_of(html) == ["x_1", "y_2"]


def test_tilde_fence_and_long_fence_are_math(cache_dir: Path) -> None:
    """~~~math and ````math fences are display math closed by the same fence."""
    html, _ = convert("~~~math\na\n~~~\n\n````math\nb\n```\n````\n", cache_dir)
    assert html.count("nnla-math-display") == 2
    assert tex_of(html) == ["a", "b\n```"]


def test_code_keeps_math_syntax(cache_dir: Path) -> None:
    """Math syntax inside code fences and ordinary code spans stays code."""
    text = "\n".join(
        [
            "```python",
            'tex = "$`x`$"',
            "```",
            "",
            "~~~~text",
            "```math",
            "not math",
            "```",
            "~~~~",
            "",
            "Write `` $`x`$ `` for inline math, `code` stays code.",
        ]
    )
    html, _ = convert(text, cache_dir)
    assert "katex" not in html
    assert "$`x`$" in html
    assert "```math\nnot math\n```" in html
    assert "<code>code</code>" in html


def test_underscores_and_asterisks_survive(cache_dir: Path) -> None:
    """Markdown emphasis never reaches inside a formula or its annotation."""
    html, _ = convert("$`a_i * b_i * c_i`$ and $`d_1 d_2`$\n\n```math\n*x* * y_1 z_2\n```\n", cache_dir)
    assert tex_of(html) == ["a_i * b_i * c_i", "d_1 d_2", "*x* * y_1 z_2"]
    assert "<em>" not in html
    assert "<strong>" not in html


def test_double_backtick_inline_math(cache_dir: Path) -> None:
    """$``...``$ allows a backtick in the TeX."""
    html, _ = convert("$``a`b``$", cache_dir)
    assert tex_of(html) == ["a`b"]


def test_math_in_admonition_and_list(cache_dir: Path) -> None:
    """Indented math inside an admonition and a list item renders inside that block."""
    text = "\n".join(
        [
            '!!! note "Note"',
            "    Inside $`\\alpha`$.",
            "",
            "    ```math",
            "    \\beta",
            "    ```",
            "",
            "1. Item $`\\gamma`$",
            "",
            "    ```math",
            "    \\delta",
            "    ```",
        ]
    )
    html, _ = convert(text, cache_dir)
    admonition = html[html.index('<div class="admonition note">') : html.index("<ol>")]
    assert tex_of(admonition) == ["\\alpha", "\\beta"]
    assert '<div class="nnla-math-display" tabindex="0">' in admonition
    item = html[html.index("<li>") : html.index("</li>")]
    assert tex_of(item) == ["\\gamma", "\\delta"]
    assert '<div class="nnla-math-display" tabindex="0">' in item


def test_math_in_html_blocks_and_details(cache_dir: Path) -> None:
    """Math renders inside md_in_html blocks, raw HTML blocks and pymdownx.details."""
    text = "\n".join(
        [
            '<div markdown="1">',
            "In $`a_1`$",
            "",
            "```math",
            "b_2",
            "```",
            "</div>",
            "",
            '<div class="raw">Raw $`c_3`$</div>',
            "",
            '??? note "Details"',
            "    Hidden $`d_4`$",
        ]
    )
    html, _ = convert(text, cache_dir)
    assert tex_of(html) == ["a_1", "b_2", "c_3", "d_4"]
    assert "\x02" not in html, "a stash placeholder was left in the page"


def test_math_in_table_and_footnote(cache_dir: Path) -> None:
    """A pipe inside math does not split a table cell; footnotes may hold math."""
    html, _ = convert("| a | b |\n|---|---|\n| $`x|y`$ | c[^1] |\n\n[^1]: See $`z_1`$.\n", cache_dir)
    assert html.count("<td>") == 2
    assert tex_of(html) == ["x|y", "z_1"]


def test_heading_with_math_gets_a_plain_toc_entry(cache_dir: Path) -> None:
    """The toc and the id see the TeX as text; the heading itself shows the rendered formula."""
    html, md = convert("## Gradient of $`L_{ij}`$\n\n## Plain {#own-id}\n", cache_dir)
    assert md.toc_tokens[0]["name"] == "Gradient of L_{ij}"
    assert md.toc_tokens[0]["id"] == "gradient-of-l_ij"
    assert md.toc_tokens[1]["id"] == "own-id"
    heading = html[: html.index("</h2>")]
    assert heading.startswith('<h2 id="gradient-of-l_ij">Gradient of <span class="katex">')
    assert tex_of(heading) == ["L_{ij}"]


def test_error_names_the_line_and_the_formula(cache_dir: Path) -> None:
    """A KaTeX error fails with the line in the page's Markdown, the formula and KaTeX's message."""
    text = "# Title\n\nSome text.\n\n- item $`\\frac{a}{`$\n"
    with pytest.raises(MathError, match=r"^line 5: KaTeX cannot render the inline formula \$`\\frac\{a\}\{`\$: "):
        convert(text, cache_dir)
    with pytest.raises(MathError, match=r"^lines 3-6: .*display formula `x \+ \\nope`: KaTeX parse error"):
        convert("# T\n\n```math\nx +\n\\nope\n```\n", cache_dir)


def test_unclosed_math_fence_fails(cache_dir: Path) -> None:
    """A ```math fence that is never closed is an error at its line, not silently code."""
    with pytest.raises(MathError, match=r"^line 3: Markdown does not read ```math as the opening of a fence"):
        convert("# T\n\n```math\nx\n", cache_dir)


def test_fence_header_sets_options(cache_dir: Path) -> None:
    """A JSON object after ```math sets KaTeX options for that formula only."""
    html, _ = convert('```math {"fleqn": true}\nx\n```\n\n```math\nx\n```\n', cache_dir)
    assert html.count("katex-display fleqn") == 1


def test_macros_config(cache_dir: Path) -> None:
    """The extension's `macros` reach KaTeX."""
    html, _ = convert("$`\\RR`$", cache_dir, macros={"\\RR": "\\mathbb{R}"})
    assert '<mi mathvariant="double-struck">R</mi>' in html


def test_math_off_in_markdown(tmp_path: Path) -> None:
    """enabled: false renders TeX as code in the same places, without node or KaTeX."""
    settings = {
        "enabled": False,
        "node": "nnla-no-such-node",
        "node_modules": str(tmp_path),
        "cache_dir": str(tmp_path),
    }
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs={"proven_numbers.mdext": settings})
    html = md.convert("A $`x_1 < y`$.\n\n```math\nz\n```\n")
    assert '<p>A <code class="pn-math-off">x_1 &lt; y</code>.</p>' in html
    # Without a prefix of the site's, a display formula's box is the package's default, value-math-display.
    assert '<div class="value-math-display" tabindex="0"><code class="pn-math-off">z</code></div>' in html


# --- the inline scanner, property-based ------------------------------------------------------------

plain = st.text(alphabet=st.characters(exclude_characters="`$\\\n", exclude_categories=["Cs"]), max_size=20)
tex_text = st.text(alphabet=st.characters(exclude_characters="`\n", exclude_categories=["Cs"]), min_size=1, max_size=20)


@given(before=plain, tex=tex_text, after=plain)
def test_scanner_finds_exactly_the_formula(before: str, tex: str, after: str) -> None:
    """In any text without backticks or dollars around it, $`TeX`$ is found with its exact span."""
    line = f"{before}$`{tex}`${after}"
    assert list(_iter_inline_math(line)) == [(len(before), len(line) - len(after), tex)]


@given(before=plain, tex=tex_text, after=plain)
def test_scanner_skips_code_spans(before: str, tex: str, after: str) -> None:
    """Math syntax inside a longer code span, or with the $ outside missing, is not math."""
    assert list(_iter_inline_math(f"{before}```$`{tex}`$```{after}")) == []
    assert list(_iter_inline_math(f"{before}`{tex}`${after}")) == []


# --- deferred math and a real MkDocs build ----------------------------------------------------------------


def test_deferred_math_is_light_until_restored(cache_dir: Path) -> None:
    """With a Deferral, the page holds TeX stand-ins; its restore() puts KaTeX's HTML back, stand-ins and all gone."""
    deferral = katex.Deferral()
    html, _ = convert("A $`x_1`$.\n\n```math\ny_2\n```\n", cache_dir, deferral=deferral)
    assert 'class="katex' not in html
    assert re.findall(r'<span class="pn-math-deferred" data-key="[0-9a-f]{24}">([^<]*)</span>', html) == [
        "x_1",
        "y_2",
    ]
    restored = deferral.restore(html)
    assert "pn-math-deferred" not in restored
    assert tex_of(restored) == ["x_1", "y_2"]
    assert '<div class="nnla-math-display" tabindex="0"><span class="katex-display">' in restored


def test_restore_refuses_an_unknown_stand_in(cache_dir: Path) -> None:
    """A stand-in its Deferral never made (another build's) is an error, not a silently missing formula."""
    html, _ = convert("A $`x_1`$.\n", cache_dir, deferral=katex.Deferral())
    with pytest.raises(KatexSetupError, match="no rendered math"):
        katex.Deferral().restore(html)


def test_mkdocs_build_with_material(tmp_path: Path, cache_dir: Path) -> None:
    """A strict Material build: math in the page, the title and the nav read the TeX, search indexes the TeX."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "docs" / "loss.md").write_text(
        "# Loss $`L_{ij}`$\n\nText $`a * b_1`$.\n\n## Step $`\\eta`$\n\n```math\n\\sum_i e_i^2\n```\n",
        encoding="utf-8",
    )
    (tmp_path / "hook.py").write_text(
        "from proven_numbers.katex import Deferral\n\nstate = {}\n\n\ndef on_config(config):\n"
        "    state['deferral'] = config.mdx_configs['proven_numbers.mdext']['deferral'] = Deferral()\n\n\n"
        "def on_post_page(output, page, config):\n"
        "    return state['deferral'].restore(output)\n",
        encoding="utf-8",
    )
    settings = f"{{node_modules: '{NODE_MODULES}', cache_dir: '{cache_dir}', enabled: true, prefix: nnla}}"
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\nstrict: true\ntheme: {name: material, font: false}\nhooks: [hook.py]\n"
        "markdown_extensions:\n  - toc: {permalink: true}\n  - pymdownx.superfences\n"
        f"  - proven_numbers.mdext: {settings}\n",
        encoding="utf-8",
    )
    build(load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    page = (tmp_path / "site" / "loss" / "index.html").read_text(encoding="utf-8")
    assert tex_of(page) == ["L_{ij}", "a * b_1", "\\eta", "\\sum_i e_i^2"]
    assert "pn-math-deferred" not in page
    assert 'id="step-eta"' in page
    assert "<title>Loss L_{ij} - T</title>" in page
    search = (tmp_path / "site" / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "katex" not in search
    assert "a * b_1" in search


def test_line_starting_with_a_code_span_is_no_fence(cache_dir: Path) -> None:
    """```` ```math ```` at the start of a line is inline code, and math after it still renders."""
    html, _ = convert("```` ```math ```` opens display math.\n\nThen $`x_1`$.\n", cache_dir)
    assert "<code>```math</code> opens display math." in html
    assert tex_of(html) == ["x_1"]


def test_unclosed_code_fence_is_text(cache_dir: Path) -> None:
    """An unclosed ``` fence is no code block, so the math after it renders."""
    html, _ = convert("```python\n\nThen $`x_1`$.\n", cache_dir)
    assert tex_of(html) == ["x_1"]


def test_a_dead_worker_is_reported_and_replaced(renderer: KatexRenderer) -> None:
    """If node dies mid-build the next formula says so, and the one after starts a fresh process."""
    renderer.render("a", display=False)
    assert renderer._worker is not None
    renderer._worker._proc.kill()
    renderer._worker._proc.wait()
    with pytest.raises(KatexSetupError, match=r"killed by signal SIGKILL.*a new one starts on the next formula"):
        renderer.render("b", display=False)
    assert "katex" in renderer.render("c", display=False)
    assert renderer.stats.starts == 2
