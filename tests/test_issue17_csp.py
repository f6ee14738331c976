"""Issue 17, class 2: every page carries a Content-Security-Policy, and the reader's browser enforces it: the real
site loads with no violation and no request to another host, over HTTP and from disk, and an injected handler,
script or foreign fetch is blocked (`proven_numbers.csp`)."""

from __future__ import annotations

import contextlib
import http.server
import shutil
import threading
import wsgiref.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, BuiltSite, ServedSite, serve
from mkdocs.livereload import LiveReloadServer
from selectolax.lexbor import LexborHTMLParser

from proven_numbers import csp
from proven_numbers.shipped import check_page

#: Listens for the browser's report of every blocked script, style, fetch and handler, from the first byte.
VIOLATIONS = (
    "window.__violations = [];"
    "document.addEventListener('securitypolicyviolation', e => window.__violations.push("
    "[e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber].join(' ')));"
)


def pages(site: BuiltSite) -> list[str]:
    return sorted(path.relative_to(site.site_dir).as_posix() for path in site.site_dir.rglob("*.html"))


def test_the_policy_as_shipped_is_the_one_documented() -> None:
    """docs/configuration.md quotes the policy a page without inline scripts or styles gets, word for word."""
    assert csp.policy() in (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")


def test_the_policy_allows_no_inline_script_but_by_hash() -> None:
    directives = {part.split()[0]: part.split()[1:] for part in csp.policy(["a()"], ["p{}"]).split("; ")}
    assert directives["script-src"] == ["'self'", csp.source_hash("a()")]
    assert directives["style-src-elem"] == ["'self'", csp.source_hash("p{}")]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    for name in ("default-src", "img-src", "font-src", "connect-src", "frame-src", "base-uri", "form-action"):
        assert directives[name][0] == "'self'", name


def test_a_script_of_the_pages_own_content_is_left_out() -> None:
    page = '<html><head><meta charset="utf-8"></head><body><script>theme()</script><script>mine()</script></body>'
    protected = csp.protect(page, not_allowed=["mine()"])
    assert csp.source_hash("theme()") in protected
    assert csp.source_hash("mine()") not in protected
    assert protected.index(csp.HTTP_EQUIV) > protected.index("charset")


@pytest.mark.site
def test_every_page_carries_its_policy_first_in_head(built_site: BuiltSite) -> None:
    for path in pages(built_site):
        head = LexborHTMLParser(built_site.page(path)).head
        assert head is not None, path
        children = [node for node in head.iter(include_text=False) if node.is_element_node]
        assert "charset" in children[0].attributes, path
        assert children[1].attributes.get("http-equiv") == csp.HTTP_EQUIV, path
        assert check_page(built_site.page(path), path, require_csp=True) == [], path


def load(browser: Any, url: str, own: str) -> tuple[list[str], list[str], list[str]]:
    """Open `url`; the policy's violations, the requests that left `own` (a URL prefix), the console's errors."""
    page = browser.new_page()
    page.add_init_script(VIOLATIONS)
    foreign: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: None if request.url.startswith((own, "data:")) else foreign.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    violations = page.evaluate("window.__violations")
    page.close()
    return violations, foreign, errors


@pytest.mark.site
@pytest.mark.browser
def test_every_page_loads_with_no_violation_and_no_foreign_request(served_site: ServedSite, chromium: Any) -> None:
    """Over HTTP and from disk (file://, where Chromium's 'self' is the file: scheme): nothing is blocked, since
    the site needs nothing its policy refuses, and nothing is requested from another host."""
    for path in pages(served_site.site):
        for url, own in [
            (served_site.url(path), served_site.base_url),
            ((served_site.site.site_dir / path).as_uri(), "file:"),  # 404.html's links are absolute: file:///assets
        ]:
            violations, foreign, errors = load(chromium, url, own)
            assert violations == [], (url, violations)
            assert foreign == [], (url, foreign)
            assert not [error for error in errors if "Content Security Policy" in error], (url, errors)


#: What a careless or hostile page could hold; each sets window.__ran or asks the other host for something.
INJECTED = (
    '<img src="missing.png" onerror="window.__ran = \'handler\'">'
    "<script>window.__ran = 'inline'; fetch('{foreign}fetch')</script>"
    '<img src="{foreign}image.png">'
    '<a id="js" href="java&#9;script:void(window.__ran=\'link\')">x</a>'
    "<div style=\"background:url('{foreign}style.png');width:9px;height:9px\"></div>"
)


@contextlib.contextmanager
def counting_host() -> Iterator[tuple[str, list[str]]]:
    """Another origin (another port of 127.0.0.1) that records every request it receives."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.site
@pytest.mark.browser
@pytest.mark.parametrize("policy", [True, False], ids=["with-policy", "without-policy (the control)"])
def test_an_injected_handler_script_or_fetch_is_blocked(
    built_site: BuiltSite, chromium: Any, tmp_path: Path, policy: bool
) -> None:
    """The home page with every kind of injection: with its policy the browser runs none and asks the other host
    for nothing; without it (the control, which shows the test can fail) they run and the other host is asked."""
    text = built_site.page("index.html")
    if not policy:
        start = text.index(f'<meta http-equiv="{csp.HTTP_EQUIV}"')
        text = text[:start] + text[text.index(">", start) + 1 :]
    with counting_host() as (foreign, hits):
        broken = text.replace("</body>", INJECTED.format(foreign=foreign) + "</body>")
        (tmp_path / "index.html").write_text(broken, encoding="utf-8")
        with serve(tmp_path) as base:
            page = chromium.new_page()
            page.add_init_script(VIOLATIONS)
            page.goto(base + "index.html", wait_until="load")
            page.click("#js")
            page.wait_for_timeout(500)
            ran = page.evaluate("window.__ran")
            violations = page.evaluate("window.__violations")
            page.close()
    if policy:
        assert ran is None, ran
        assert hits == [], hits
        blocked = " ".join(violations)
        for directive in ("script-src-attr", "script-src-elem", "img-src"):
            assert directive in blocked, violations
    else:
        assert ran is not None
        assert hits, "without the policy the other host is asked"


def test_the_preview_allows_mkdocs_live_reload_script_and_nothing_else(tmp_path: Path) -> None:
    """`mkdocs serve` appends its live-reload script to each page: the preview's server adds its hash to the page's
    policy (the script is MkDocs', so the test takes it from MkDocs' own server); a page without the wrapper would
    block it."""
    page = csp.protect('<html><head><meta charset="utf-8"></head><body><script>theme()</script></body></html>')
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    server.watch(str(tmp_path))  # MkDocs appends its script only when it watches something
    try:

        def fetch(app: Any) -> str:
            environ: dict[str, Any] = {"PATH_INFO": "/index.html"}
            wsgiref.util.setup_testing_defaults(environ)
            return b"".join(app(environ, lambda *args: None)).decode()

        served = fetch(csp.reloading(server.serve_request))
        unwrapped = fetch(server.serve_request)
    finally:
        server.server_close()
    assert "livereload" in served
    assert check_page(served, "index.html", require_csp=True) == []
    assert any("does not allow" in problem.message for problem in check_page(unwrapped, "index.html", require_csp=True))


@pytest.mark.site
def test_the_check_command_passes_the_real_site_and_fails_a_page_without_its_policy(
    built_site: BuiltSite, tmp_path: Path
) -> None:
    """`python -m proven_numbers check --require-csp` over a copy of the real site: it passes (it used to stop on
    the explorer that carries no data, read by a regular expression); a page stripped of its policy fails."""
    from nnla_essay.registry import compute_all
    from proven_numbers.check import check_site
    from proven_numbers.registry import load_values

    site = tmp_path / "site"
    shutil.copytree(built_site.site_dir, site)
    values = load_values("nnla_essay.registry:compute_all", [ROOT / "hooks"])
    assert set(values) == set(compute_all())
    assert check_site(site, values, "nnla", None, "", require_csp=True).problems == []
    page = site / "errata" / "index.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(f'http-equiv="{csp.HTTP_EQUIV}"', 'name="gone"'), encoding="utf-8")
    problems = check_site(site, values, "nnla", None, "", require_csp=True).problems
    assert problems == ["errata/index.html:3: the page carries no Content-Security-Policy <meta>"]  # its <html>
