"""The MkDocs hook functions, called directly as MkDocs calls them, and the live preview's reload."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import mkdocs.commands.serve as serve_command
import pytest
from conftest import build_in_process, copy_env, copy_project
from markdown import Markdown  # type: ignore[import-untyped]
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from nnla_essay.registry import compute_all

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def config() -> MkDocsConfig:
    """The project's configuration after the hooks' on_config, dispatched by MkDocs itself."""
    loaded = load_config(config_file=str(ROOT / "mkdocs.yml"))
    return loaded.plugins.on_config(loaded)


def hooks(config: MkDocsConfig) -> Any:
    """The proven-numbers plugin as MkDocs loaded it from mkdocs.yml (one instance per process: it has on_startup)."""
    return config.plugins["proven-numbers"]


def page(src_uri: str, config: MkDocsConfig) -> Page:
    source = File(src_uri, src_dir=str(ROOT / "docs"), dest_dir=config.site_dir, use_directory_urls=True)
    return Page(None, source, config)


def test_on_config_adds_the_math_extension_with_project_paths(config: MkDocsConfig) -> None:
    """The hooks put the math extension first, with paths from mkdocs.yml's folder and this build's deferral."""
    assert config.markdown_extensions[0] == "proven_numbers.mdext"
    assert config.markdown_extensions.count("proven_numbers.mdext") == 1
    options = config.mdx_configs["proven_numbers.mdext"]
    assert Path(options["node_modules"]) == ROOT / "node_modules"
    assert Path(options["cache_dir"]) == ROOT / ".cache" / "katex"
    assert options["deferral"] is hooks(config).build.deferral
    assert options["report"] is hooks(config).build.report
    assert options["prefix"] == "nnla"


def test_on_serve_watches_the_engine_the_hooks_and_the_theme_overrides_often(config: MkDocsConfig) -> None:
    """A save under any of these rebuilds the preview (MkDocs itself watches only docs/ and mkdocs.yml), and the
    preview looks for saved files every tenth of a second (MkDocs' own server every half)."""
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=8000, root=str(ROOT / "site"))
    server.watch(config.docs_dir)
    server.watch(config.config_file_path)
    module = hooks(config)
    try:
        served = module.on_serve(server, config=config, builder=server.builder)
        assert vars(serve_command)["build"] == module._rebuild  # the rebuilds go through the preview's
        emitters = served.observer.emitters
        assert {Path(e.watch.path) for e in emitters} >= {
            ROOT / "nnla",
            ROOT / "hooks" / "nnla_essay",
            ROOT / "overrides",
            Path(config.docs_dir),
            Path(config.config_file_path).parent,  # a file is watched in its folder
        }
        assert {e.timeout for e in emitters} == {0.1}
        assert (served.builder, served.root) == (server.builder, server.root)
        served.server_close()
    finally:
        module.on_shutdown()
    assert vars(serve_command)["build"] != module._rebuild


def test_markers_are_read_by_markdown_and_placed_by_on_page_content(config: MkDocsConfig) -> None:
    """on_page_markdown leaves the page as written (the math extension reads the markers after the snippets);
    the page's own Markdown object swaps them, and on_page_content puts the values where Markdown put them."""
    markdown = "# T\n\nThe SSE is <!-- nnla:sse -->.\n"
    out = hooks(config).on_page_markdown(markdown, page=page("demo.md", config), config=config, files=Files([]))
    assert out == markdown
    md = Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
    converted = md.convert(out)
    assert "nnla:" not in converted
    html = hooks(config).on_page_content(converted, page=page("demo.md", config), config=config, files=Files([]))
    assert 'data-nnla-name="sse"' in html
    output = hooks(config).on_post_page(html, page=page("demo.md", config), config=config)
    assert hooks(config).build.report.errors == []
    assert 'class="katex"' in output


def through_the_hooks(config: MkDocsConfig, markdown: str, demo: Page) -> str:
    """A page's Markdown through on_page_markdown, Python-Markdown with the site's extensions, on_page_content."""
    hook = hooks(config)
    demo.markdown = hook.on_page_markdown(markdown, page=demo, config=config, files=Files([]))
    demo.render(config, Files([]))
    return str(hook.on_page_content(demo.content or "", page=demo, config=config, files=Files([])))


def test_every_bad_marker_of_a_build_is_reported_at_once_with_page_and_line() -> None:
    """The build goes on past a bad marker, and fails at its end with every one, each at its page and line; an
    unknown name gets the closest names, whatever their case."""
    config = fresh_config()
    through_the_hooks(config, "a\n\n<!-- nnla:ssee -->\n", page("demo.md", config))
    through_the_hooks(config, "<!-- nnla:SSE -->\n\n<!-- nnla:sse claim=5.8 -->\n", page("other.md", config))
    with pytest.raises(PluginError) as failed:
        hooks(config).build.report.raise_if_any()
    report = str(failed.value)
    assert report.startswith("3 errors in the pages and their values:")
    assert "demo.md:3: unknown value 'ssee' in <!-- nnla:ssee -->: did you mean 'sse'" in report
    assert "other.md:1: unknown value 'SSE' in <!-- nnla:SSE -->: did you mean 'sse'" in report
    assert "other.md:3: the prose claims sse = 5.8" in report


def test_the_preview_shows_a_bad_marker_in_its_page(tmp_path: Path) -> None:
    """Under mkdocs serve the same message stands in the page, where the marker was, and the page builds."""
    hook = hooks(fresh_config())
    hook.on_startup(command="serve", dirty=False)
    try:
        config = fresh_config()
        html = through_the_hooks(
            config, "a\n\nThe SSE <!-- nnla:ssee --> and <!-- nnla:sse -->.\n", page("d.md", config)
        )
    finally:
        hook.on_startup(command="build", dirty=False)
    assert re.search(
        r"The SSE <span class=\"pn-preview-error\"[^>]*>proven-numbers build error .*d\.md:3: unknown value", html
    )
    assert "d.md:3: unknown value 'ssee'" in hook.build.report.text()
    assert 'data-nnla-name="sse"' in html


def test_on_files_adds_the_math_stylesheet_alone(config: MkDocsConfig) -> None:
    """The site publishes MathML alone: the math font's stylesheet is served (the font is written at the end, cut to
    the pages), and none of KaTeX's stylesheet and fonts, which style KaTeX's HTML alone."""
    files = config.plugins.on_files(Files([]), config=config)
    assert {f.src_uri for f in files} == {"assets/fonts/math.css"}
    assert "assets/fonts/math.css" in config.extra_css
    assert not any("katex" in css for css in config.extra_css)


def test_on_files_adds_katex_css_and_every_font() -> None:
    """With KaTeX's HTML (katex.output: htmlAndMathml), its stylesheet and every font the stylesheet names."""
    loaded = load_config(config_file=str(ROOT / "mkdocs.yml"))
    loaded.plugins["proven-numbers"].config.katex.output = "htmlAndMathml"
    config = loaded.plugins.on_config(loaded)
    files = config.plugins.on_files(Files([]), config=config)
    uris = {f.src_uri for f in files}
    assert "assets/katex/katex.min.css" in uris
    assert "assets/fonts/math.css" not in uris
    fonts = {u for u in uris if u.startswith("assets/katex/fonts/")}
    css = (ROOT / "node_modules" / "katex" / "dist" / "katex.min.css").read_text(encoding="utf-8")
    named = set(re.findall(r"url\((fonts/[^)]+)\)", css))
    assert named, "KaTeX's stylesheet names no fonts"
    assert named <= {f.removeprefix("assets/katex/") for f in fonts}, "a font the stylesheet names is not served"


RELOAD_SCRIPT = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from types import SimpleNamespace
    from mkdocs.config import load_config

    root = Path(sys.argv[1])
    plugin = load_config(config_file=str(root / "mkdocs.yml")).plugins["proven-numbers"]
    plugin.on_startup(command="serve", dirty=False)
    page = SimpleNamespace(
        file=SimpleNamespace(
            src_uri="demo.md",
            abs_src_path=str(root / "docs" / "demo.md"),
            abs_dest_path=str(root / "site" / "demo" / "index.html"),
        ),
        url="demo/",
        title="Demo",
        present_anchor_ids=set(),
    )

    import markdown

    def configured():
        loaded = load_config(config_file=str(root / "mkdocs.yml"))
        assert loaded.plugins["proven-numbers"] is plugin  # MkDocs keeps a plugin that has on_startup
        return plugin.on_config(loaded)

    def sse_on_page():
        config = configured()
        out = plugin.on_page_markdown("<!-- nnla:sse claim=5.65 -->\\n", page=page, config=config, files=None)
        md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
        return plugin.on_page_content(md.convert(out), page=page, config=config, files=None)

    def edit(path, old, new):
        text = path.read_text()
        assert old in text, (path, old)
        path.write_text(text.replace(old, new, 1))
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))

    def renderer():
        return sys.modules["proven_numbers.katex.renderer"]._renderers

    import nnla
    assert Path(nnla.__file__).resolve().is_relative_to(root), nnla.__file__
    print("first", sse_on_page() is not None)
    renderers = dict(renderer())
    edit(root / "nnla" / "examples.py", "T=_frozen([[1.0, 2.0]])", "T=_frozen([[1.0, 3.0]])")
    second = sse_on_page()  # the preview shows the failed claim in the page
    print("second", "pn-preview-error" in second, second.split("build error (mkdocs build fails here): ")[-1])
    kept = renderer() == renderers and all(a is b for a, b in zip(renderer().values(), renderers.values()))
    print("renderer kept", kept)
    edit(root / "hooks" / "nnla_essay" / "registry.py", '"The sum of squared errors', '"The SSE (edited)')
    configured()
    print("registry", plugin.build.injector.values["sse"].description)
    """
)


@pytest.mark.slow
def test_serve_rebuild_sees_an_edited_engine_and_registry(tmp_path: Path) -> None:
    """`mkdocs serve` keeps the hook module; an edit of the engine or the registry must change the next build."""
    copy = copy_project(tmp_path / "copy", katex_cache=False)
    env = {**os.environ, **copy_env(copy)}
    result = subprocess.run(
        [sys.executable, "-c", RELOAD_SCRIPT, str(copy)],
        cwd=copy,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "first True"
    # With t = [1, 3] the error is [0.9, 3.2] and the SSE 0.81 + 10.24 = 11.05: the claim of 5.65 fails.
    assert lines[1].startswith("second True"), result.stdout
    assert "demo.md:1: the prose claims sse = 5.65, but the engine computes 11.05" in lines[1]
    # The engine was reloaded, the KaTeX renderer (and its node process) kept.
    assert lines[2] == "renderer kept True", result.stdout
    # An edit of the registry reaches the next build too.
    assert lines[3].startswith("registry The SSE (edited)"), result.stdout


def test_a_value_no_page_shows_fails_the_build(tmp_path: Path) -> None:
    """A computed number that no page shows is a number nobody checks: the build must stop and name it."""
    loaded = load_config(config_file=str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path))
    config = loaded.plugins.on_config(loaded)
    hook = hooks(config)
    shown = "".join(f"<!-- nnla:{name} -->\n\n" for name in compute_all() if name != "jw_nonzeros")
    through_the_hooks(config, shown, page("all.md", config))
    with pytest.raises(
        PluginError, match=r"the value 'jw_nonzeros' is shown on no page: show it with <!-- nnla:jw_nonzeros -->"
    ):
        hook.on_post_build(config=config)
    assert not (tmp_path / "values.json").exists()


def fresh_config() -> MkDocsConfig:
    """A configuration of its own, after on_config: the hooks' current build is this one's."""
    loaded = load_config(config_file=str(ROOT / "mkdocs.yml"))
    return loaded.plugins.on_config(loaded)


def test_lines_are_the_files_own_on_a_page_with_front_matter(tmp_path: Path) -> None:
    """MkDocs strips YAML front matter before the hooks see a page; messages still name the file's own line."""
    config = fresh_config()
    source = "---\ntitle: Demo\ntags: [a, b]\n---\n\nText.\n\n<!-- nnla:sse claim=5.66 -->\n"
    path = tmp_path / "demo.md"
    path.write_text(source, encoding="utf-8")
    demo = Page(None, File("demo.md", src_dir=str(tmp_path), dest_dir=config.site_dir, use_directory_urls=True), config)
    demo.read_source(config)
    assert demo.markdown is not None
    assert demo.markdown.startswith("Text.")
    through_the_hooks(config, demo.markdown, demo)
    with pytest.raises(PluginError, match=r"demo\.md:8: the prose claims sse = 5\.66"):
        hooks(config).build.report.raise_if_any()


def test_formula_lines_are_the_files_own_on_a_page_with_front_matter(tmp_path: Path) -> None:
    config = fresh_config()
    source = "---\ntitle: Demo\n---\nText.\n\nBad $`\\frac{1}`$ here.\n"
    path = tmp_path / "demo.md"
    path.write_text(source, encoding="utf-8")
    demo = Page(None, File("demo.md", src_dir=str(tmp_path), dest_dir=config.site_dir, use_directory_urls=True), config)
    demo.read_source(config)
    assert demo.markdown is not None
    demo.markdown = hooks(config).on_page_markdown(demo.markdown, page=demo, config=config, files=Files([]))
    demo.render(config, Files([]))
    with pytest.raises(PluginError, match=r"demo\.md:6: KaTeX cannot render the inline formula"):
        hooks(config).build.report.raise_if_any()


@pytest.mark.slow
def test_a_toolchain_that_skips_the_plugin_fails_loudly(tmp_path: Path) -> None:
    """Without the plugin every marker would stay an invisible comment: the theme refuses to render such a page."""
    copy = copy_project(tmp_path / "copy")
    config = copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    without = re.sub(r"\n  - proven-numbers:\n(?:(?:      .*)?\n)+", "\n", text)
    assert "  - proven-numbers:" not in without
    config.write_text(without, encoding="utf-8")
    returncode, output = build_in_process(config, tmp_path / "site")  # only mkdocs.yml differs: no fresh process
    assert returncode != 0
    assert "proven_numbers_plugin_did_not_run__this_build_would_publish_pages_without_their_computed_numbers" in output
