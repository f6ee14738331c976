"""Issue 17, class 2: what ships is read as a browser reads it, and every spelling of a foreign request or a script
the browser would honour fails, at its file and line (`proven_numbers.shipped`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from proven_numbers import csp
from proven_numbers.report import AuthorError
from proven_numbers.shipped import check_page, check_stylesheet

#: A page as the theme writes one, with its policy; the case goes on line 5.
PAGE = '<!doctype html>\n<html><head><meta charset="utf-8">\n{policy}\n</head><body>\n{case}\n</body></html>\n'
POLICY = f'<meta http-equiv="{csp.HTTP_EQUIV}" content="{csp.policy()}">'


def page_problems(case: str, *, require_csp: bool = True) -> list[str]:
    return [
        str(problem)
        for problem in check_page(PAGE.format(policy=POLICY, case=case), "p/index.html", require_csp=require_csp)
    ]


#: Each of the issue's spellings (and their kin), with what the failure says. Every one is on line 5 of its page.
SPELLINGS = [
    ('<base href="https://evil.example/">', "<base href='https://evil.example/'> sends every relative URL"),
    ('<base href="//evil.example/"><img src="a.png">', "<img src> requests 'https://evil.example/a.png'"),
    ('<a href="java&#9;script:alert(1)">x</a>', "<a href> holds a javascript: URL"),
    ('<a href="java&#x0A;script:alert(1)">x</a>', "<a href> holds a javascript: URL"),
    ('<a href="&#106;avascript:alert(1)">x</a>', "<a href> holds a javascript: URL"),
    ('<a href=" JaVaScRiPt:alert(1)">x</a>', "<a href> holds a javascript: URL"),
    ('<form action="javascript:alert(1)"><button>x</button></form>', "<form action> holds a javascript: URL"),
    ('<img src="https:\\\\evil.example\\x.png">', "<img src> requests 'https://evil.example/x.png'"),
    ('<img src="https:evil.example/x.png">', "<img src> requests 'https://evil.example/x.png'"),
    ('<img srcset="a.png 1x, //evil.example/b.png 2x">', "<img srcset> requests 'https://evil.example/b.png'"),
    (
        "<style>a{background:url(\\68ttps://evil.example/x.png)}</style>",
        "<style> requests 'https://evil.example/x.png'",
    ),
    (
        "<style>a{background:u\\72l(https://evil.example/y.png)}</style>",
        "<style> requests 'https://evil.example/y.png'",
    ),
    ("<p style=\"background:image-set('https://evil.example/a.png' 1x)\">x</p>", "<p style> requests 'https://evil"),
    ('<style>@import"https://evil.example/a.css";</style>', "<style> requests 'https://evil.example/a.css'"),
    ("<style>@import url(//evil.example/b.css);</style>", "<style> requests 'https://evil.example/b.css'"),
    ('<meta http-equiv="refresh" content="0; url=https://evil.example/">', "<meta http-equiv=refresh>"),
    ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', "<iframe srcdoc>"),
    ('<iframe src="https://evil.example/"></iframe>', "<iframe src> requests 'https://evil.example/'"),
    ('<svg><script href="https://evil.example/x.js"></script></svg>', "an SVG <script>"),
    ('<svg><script xlink:href="data:,alert(1)"></script></svg>', "an SVG <script>"),
    ('<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a></svg>', "rewrites a link"),
    ('<svg><set attributeName="xlink:href" to="javascript:alert(1)"/></svg>', "<set attributeName='xlink:href'>"),
    ('<svg><image href="https://evil.example/i.png"/></svg>', "<image href> requests"),
    (
        '<svg><style><img src="https://evil.example/s.png"></style></svg>',
        "<img src> requests 'https://evil.example/s.png'",
    ),
    ('<p onclick="alert(1)">x</p>', "<p onclick> is an event handler"),
    ('<img src="a.png" OnError="alert(1)">', "<img onerror> is an event handler"),
    ('<script>fetch("https://evil.example/")</script>', "an inline <script> the page's policy does not allow"),
    ('<script src="https://evil.example/x.js"></script>', "<script src> requests 'https://evil.example/x.js'"),
    ('<link rel="stylesheet" href="https://evil.example/k.css">', "<link href> requests"),
    ('<link rel="preconnect" href="https://evil.example">', "<link href> requests"),
    ('<object data="https://evil.example/x.swf"></object>', "<object> embeds a plugin"),
    ('<video poster="//evil.example/p.png"></video>', "<video poster> requests"),
    ('<a href="x" ping="https://evil.example/track">x</a>', "<a ping> requests"),
    ('<form><button formaction="https://evil.example/post">x</button></form>', "<button formaction> requests"),
    ('<template><img src="//evil.example/t.png"></template>', "<img src> requests 'https://evil.example/t.png'"),
]


@pytest.mark.parametrize(("case", "message"), SPELLINGS, ids=[case for case, _ in SPELLINGS])
def test_each_spelling_fails_at_its_line(case: str, message: str) -> None:
    problems = page_problems(case)
    assert any(problem.startswith("p/index.html:5: ") and message in problem for problem in problems), problems


@pytest.mark.parametrize(
    "case",
    [
        '<a href="https://example.org/essay">a link is no request</a>',
        '<link rel="canonical" href="https://example.org/nnla/">',
        '<img src="../assets/a.png" srcset="a.png 1x, b.png 2x"><link rel="stylesheet" href="assets/k.css">',
        "<style>.a{background:url(fonts/KaTeX_Main-Regular.woff2)}.b{content:'https://example.org/'}</style>",
        "<p style=\"mask-image:url('data:image/svg+xml;charset=utf-8,<svg/>')\">x</p>",
        '<script src="../javascripts/explorers.js" defer></script><script type="application/json">{"a": 1}</script>',
        '<svg><a href="#f"><use href="#g"/></a></svg><p>javascript: in prose is text</p>',
        '<a href="mailto:someone@example.org">mail</a>',
    ],
)
def test_what_the_site_legitimately_holds_passes(case: str) -> None:
    assert page_problems(case) == []


def test_a_page_without_its_policy_fails_when_one_is_required() -> None:
    text = PAGE.format(policy="", case="<p>x</p>")
    assert [str(p) for p in check_page(text, "a.html", require_csp=True)] == [
        "a.html:2: the page carries no Content-Security-Policy <meta>"
    ]
    assert check_page(text, "a.html", require_csp=False) == []


def test_a_policy_after_a_fetch_fails() -> None:
    text = PAGE.format(policy=f'<link rel="stylesheet" href="a.css">{POLICY}', case="<p>x</p>")
    assert any("is not first in <head>" in str(p) for p in check_page(text, "a.html", require_csp=True))


def test_an_inline_script_with_its_hash_passes_and_one_without_fails() -> None:
    script = "window.ok = 1"
    allowed = f'<meta http-equiv="{csp.HTTP_EQUIV}" content="{csp.policy([script])}">'
    assert check_page(PAGE.format(policy=allowed, case=f"<script>{script}</script>"), "a.html", require_csp=True) == []
    problems = check_page(PAGE.format(policy=allowed, case=f"<script>{script};</script>"), "a.html", require_csp=True)
    assert [p.line for p in problems] == [5]


@pytest.mark.parametrize(
    ("css", "line", "message"),
    [
        ('@import "https://evil.example/a.css";', 1, "requests 'https://evil.example/a.css'"),
        ("a{}\nb{background:url(\\68ttps://evil.example/x.png)}", 2, "requests 'https://evil.example/x.png'"),
        ("\n\n@font-face{src:url(//evil.example/f.woff2)}", 3, "requests 'https://evil.example/f.woff2'"),
        ("a{b:image-set('https://evil.example/1.png' 1x, 'b.png' 2x)}", 1, "requests 'https://evil.example/1.png'"),
        ("a{cursor:url('javascript:alert(1)'),auto}", 1, "holds a javascript: URL"),
    ],
)
def test_a_stylesheet_fails_at_its_line(css: str, line: int, message: str) -> None:
    problems = check_stylesheet(css, "s/x.css")
    assert any(p.line == line and message in p.message for p in problems), problems


# ------------------------------------------------------------------------------------ generated spellings


#: The ways HTML lets an author write one character of an attribute value.
def _html_char(char: str) -> st.SearchStrategy[str]:
    code = ord(char)
    return st.sampled_from([char, f"&#{code};", f"&#x{code:x};", f"&#X{code:X};", f"&#{code:07d};"])


def _spelled(text: str) -> st.SearchStrategy[str]:
    return st.tuples(*(_html_char(char) for char in text)).map("".join)


#: What a URL parser drops: tabs and newlines anywhere, C0 controls and spaces at the ends.
_DROPPED = st.sampled_from(["", "\t", "\n", "\r", "&#9;", "&#10;", "&#13;", "&Tab;", "&NewLine;"])
_EDGE = st.sampled_from(["", " ", "\x01", "\x1f", "&#1;", "\f"])


@st.composite
def javascript_urls(draw: st.DrawFn) -> str:
    scheme = "".join(char.upper() if draw(st.booleans()) else char for char in "javascript")
    spelled = "".join(draw(_spelled(char)) + draw(_DROPPED) for char in scheme)
    return draw(_EDGE) + spelled + draw(_spelled(":")) + "alert(1)"


@st.composite
def foreign_urls(draw: st.DrawFn) -> str:
    slash = st.sampled_from(["/", "\\"])
    scheme = draw(st.sampled_from(["https:", "http:", "HTTPS:", "hTtP:", ""]))
    slashes = draw(slash) + draw(slash)
    if scheme and draw(st.booleans()):
        slashes = draw(st.sampled_from(["", "/", "\\", "///"]))  # special schemes accept any run of slashes
    host = draw(st.sampled_from(["evil.example", "EVIL.example", "evil.example:8443", "127.0.0.2", "[::1]"]))
    url = scheme + slashes + host + draw(slash) + "x.png"
    return draw(_EDGE) + "".join(draw(_DROPPED) + char for char in url)


@settings(max_examples=300, deadline=None)
@given(url=javascript_urls(), tag=st.sampled_from(["a", "area", "iframe", "form", "embed"]))
def test_every_spelling_of_javascript_is_refused(url: str, tag: str) -> None:
    attribute = {"a": "href", "area": "href", "iframe": "src", "form": "action", "embed": "src"}[tag]
    problems = page_problems(f'<{tag} {attribute}="{url}"></{tag}>')
    assert any("javascript: URL" in problem for problem in problems), (url, problems)


@settings(max_examples=300, deadline=None)
@given(url=foreign_urls(), attribute=st.sampled_from(["img src", "script src", "video poster", "link href"]))
def test_every_spelling_of_another_host_is_refused(url: str, attribute: str) -> None:
    tag, name = attribute.split()
    rel = ' rel="icon"' if tag == "link" else ""
    problems = page_problems(f'<{tag}{rel} {name}="{url}"></{tag}>')
    assert any("from another host" in problem for problem in problems), (url, problems)


@settings(max_examples=300, deadline=None)
@given(path=st.lists(st.sampled_from(["..", ".", "a", "b c", "%41", "x.png", "?q", "#f"]), min_size=1, max_size=6))
def test_every_relative_url_stays_home(path: str) -> None:
    url = "/".join(path)
    assert page_problems(f'<img src="{url}"><a href="{url}">x</a>') == []


def _css_char(char: str) -> st.SearchStrategy[str]:
    """The ways CSS lets a stylesheet write one character of an identifier or a URL: itself, or a hex escape
    (with the optional white space that ends one)."""
    code = ord(char)
    return st.sampled_from([char, f"\\{code:x} ", f"\\{code:06x}", f"\\{code:X} "])


@st.composite
def foreign_css(draw: st.DrawFn) -> str:
    url = "".join(draw(_css_char(char)) for char in "https://evil.example/x.png")
    name = "".join(draw(_css_char(char)) if char != "(" else char for char in "url")
    form = draw(st.sampled_from(["url", "quoted", "set", "import", "import-url"]))
    if form == "url":
        return f"a{{background:{name}({draw(st.sampled_from(['', ' ', chr(10)]))}{url})}}"
    quote = draw(st.sampled_from(["'", '"']))
    if form == "quoted":
        return f"a{{background:url({quote}{url}{quote})}}"
    if form == "set":
        return f"a{{background:image-set({quote}{url}{quote} 1x)}}"
    if form == "import":
        return f"@import{draw(st.sampled_from(['', ' ', '/**/']))}{quote}{url}{quote};"
    return f"@import {name}({url});"


@settings(max_examples=300, deadline=None)
@given(css=foreign_css(), where=st.sampled_from(["file", "style", "attribute"]))
def test_every_spelling_of_a_foreign_css_request_is_refused(css: str, where: str) -> None:
    if where == "file":
        problems = [str(p) for p in check_stylesheet(css, "x.css")]
    elif where == "style":
        problems = page_problems(f"<style>{css}</style>")
    else:
        if css.startswith("@import"):
            css = "a{background:url('https://evil.example/x.png')}"
        declaration = css[css.index("{") + 1 : -1].replace('"', "&quot;")
        problems = page_problems(f'<p style="{declaration}">x</p>')
    assert any("requests 'https://evil.example/x.png' from another host" in p for p in problems), (css, problems)


# ------------------------------------------------------------------------------------ a whole build

DICE = ROOT / "examples" / "dice"


def build_dice(tmp_path: Path, files: dict[str, str], caplog: pytest.LogCaptureFixture) -> str:
    """Build the dice site with these files added under docs/; the build's errors, or '' when it passes."""
    site = tmp_path / "dice"
    shutil.copytree(DICE, site)
    with (site / "mkdocs.yml").open("a", encoding="utf-8") as config_file:
        config_file.write("  - attr_list\n")  # the page's Markdown may set attributes, as this site's may
    for name, text in files.items():
        (site / "docs" / name).write_text(text, encoding="utf-8")
    config = load_config(str(site / "mkdocs.yml"), site_dir=str(tmp_path / "out"))
    config.plugins["proven-numbers"].config.katex.node_modules = str(ROOT / "node_modules")
    config.plugins["proven-numbers"].config.katex.cache_dir = str(tmp_path / "cache")
    try:
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
    except (PluginError, Abort) as error:
        return f"{error}\n{caplog.text}"
    finally:
        config.plugins.on_shutdown()
    return ""


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"evil.html": "<!doctype html>\n<html><head><title>x</title></head><body></body></html>\n"},
         "evil.html:2: what ships breaks the site's promises (a file of docs/ or of the theme, not a page): the page "
         "carries no"),
        ({"extra.css": "a{}\n@import 'https://evil.example/a.css';\n"},
         "extra.css:2: what ships breaks the site's promises (a file of docs/ or of the theme, not a page): requests "
         "'https://evil.example/"),
        ({"click.md": "# Click\n\nA paragraph.\n{: onclick=\"alert(1)\" }\n"},
         "(the page click.md): <p onclick> is an event handler"),
        ({"fetch.md": "# Fetch\n\n<script>fetch('https://evil.example/')</script>\n"},
         "an inline <script> the page's policy does not allow"),
    ],
    ids=["static-html", "stylesheet-import", "attr-list-onclick", "inline-script"],
)  # fmt: skip
def test_a_build_that_ships_one_fails_naming_the_file(
    tmp_path: Path, files: dict[str, str], expected: str, caplog: pytest.LogCaptureFixture
) -> None:
    error = build_dice(tmp_path, files, caplog)
    assert expected in error, error


def test_the_dice_site_builds_with_its_policy(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert build_dice(tmp_path, {}, caplog) == ""
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert f'<meta http-equiv="{csp.HTTP_EQUIV}"' in page


def test_a_site_checked_again_reads_only_the_files_whose_text_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mkdocs serve` builds again in one process: a file whose text is the same keeps its answer, one whose text
    changed is checked again, and the same text with the policy now required is another question."""
    from proven_numbers import shipped

    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    good = "<!doctype html><html><head></head><body><p>x</p></body></html>"
    bad = '<!doctype html><html><head></head><body><img src="https://example.org/x.png"></body></html>'
    (site / "index.html").write_text(good, encoding="utf-8")
    (site / "a" / "index.html").write_text(bad, encoding="utf-8")
    first = shipped.check_site(site, require_csp=False)
    assert [problem.page for problem in first] == ["a/index.html"]
    checked: list[str] = []
    check_page = shipped.check_page

    def counted(text: str, where: str, *, require_csp: bool) -> list[AuthorError]:
        checked.append(where)
        return check_page(text, where, require_csp=require_csp)

    monkeypatch.setattr(shipped, "check_page", counted)
    assert shipped.check_site(site, require_csp=False) == first
    assert checked == []
    (site / "index.html").write_text(bad, encoding="utf-8")
    assert sorted(problem.page for problem in shipped.check_site(site, require_csp=False)) == [
        "a/index.html",
        "index.html",
    ]
    assert checked == ["index.html"]
    shipped.check_site(site, require_csp=True)
    assert sorted(checked) == ["a/index.html", "index.html", "index.html"]
