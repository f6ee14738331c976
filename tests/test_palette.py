"""The header's light/dark switch, our own (overrides/partials/), in Chromium.

Material's palette component is left out of the pages because its start-up restyles the whole page several
times, which on Part II is most of Lighthouse's Total Blocking Time (overrides/partials/javascripts/palette.html
says how). These tests hold the replacement to what a reader had from Material's switch: the system's
preference until the reader chooses, the choice kept across pages, the keyboard, and no flash of the wrong
palette; and they hold it to its purpose: a page's start-up leaves `<body>` alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from conftest import ROOT, BuiltSite, ServedSite

#: Record every change to an attribute of <body>, and whether the article had been parsed when it happened.
WATCH_BODY_JS = """
window.__bodyChanges = [];
new MutationObserver((records) => {
    for (const r of records) {
        if (r.target !== document.body) continue;
        window.__bodyChanges.push({
            name: r.attributeName,
            value: document.body.getAttribute(r.attributeName),
            beforeArticle: document.querySelector('article') === null,
        });
    }
}).observe(document, { subtree: true, attributes: true });
"""

#: What the switch shows: the palette on <body>, the checked option, the visible toggle and its name.
STATE_JS = """() => {
    const inputs = [...document.querySelectorAll('[data-nnla-palette] input[name=__palette]')];
    const labels = [...document.querySelectorAll('[data-nnla-palette] label')].filter((l) => !l.hidden);
    return {
        scheme: document.body.dataset.mdColorScheme,
        accent: document.body.dataset.mdColorAccent,
        checked: inputs.findIndex((i) => i.checked),
        visible: labels.map((l) => l.title),
        colorScheme: document.querySelector('meta[name=color-scheme]')?.content,
        themeColor: document.querySelector('meta[name=theme-color]')?.content,
    };
}"""


class _ConfigLoader(yaml.SafeLoader):
    """YAML as mkdocs.yml writes it: MkDocs' own tags (`!relative`, `!ENV`) are read as nothing."""


_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def palettes() -> list[dict[str, Any]]:
    """The palettes mkdocs.yml configures, in order."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)
    found = config["theme"]["palette"]
    assert isinstance(found, list), "these tests expect a list of palettes"
    assert len(found) == 2, "these tests expect a light and a dark palette"
    return found


LIGHT, DARK = palettes()


def colour(palette: dict[str, Any]) -> dict[str, str]:
    """The attributes a palette puts on <body>, as Material names them."""
    return {
        "media": palette["media"],
        "scheme": palette["scheme"],
        "primary": palette["primary"].replace(" ", "-"),
        "accent": palette["accent"].replace(" ", "-"),
    }


@pytest.fixture
def browser_page(chromium: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page (nothing stored) whose system prefers light (or the `color_scheme` given as the fixture's
    parameter), watching <body> from the first byte; the test fails if the page reports an error."""
    scheme = getattr(request, "param", "light")
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    context.add_init_script(WATCH_BODY_JS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        yield page
        assert not errors, f"the page reported errors: {errors}"
    finally:
        context.close()


def settle(page: Any) -> None:
    """Let the page finish loading and run its animation frames."""
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def test_every_page_has_our_switch_and_not_materials_component(built_site: BuiltSite) -> None:
    pages = sorted(built_site.site_dir.rglob("index.html"))
    assert len(pages) >= 7
    for page in pages:
        html = page.read_text(encoding="utf-8")
        name = page.relative_to(built_site.site_dir)
        assert 'data-md-component="palette"' not in html, f"{name} would start Material's palette component"
        assert html.count('<form class="md-header__option" data-nnla-palette autocomplete="off">') == 1, name
        for index, palette in enumerate((LIGHT, DARK)):
            attributes = "".join(f' data-md-color-{key}="{value}"' for key, value in colour(palette).items())
            expected = f'id="__palette_{index}"{attributes} aria-label="{palette["toggle"]["name"]}"'
            assert expected in html, f"{name}: option {index} is not {expected}"


def test_start_up_leaves_body_alone(browser_page: Any, served_site: ServedSite) -> None:
    """With the palette the page was built with, nothing at start-up touches <body> (each touch restyles it all)."""
    browser_page.goto(served_site.url("part-2/"))
    settle(browser_page)
    assert browser_page.evaluate("window.__bodyChanges") == []
    state = browser_page.evaluate(STATE_JS)
    assert state["scheme"] == LIGHT["scheme"]
    assert state["checked"] == 0
    assert state["visible"] == [LIGHT["toggle"]["name"]]
    assert state["colorScheme"] == "light"
    assert state["themeColor"].startswith("rgb(")


@pytest.mark.parametrize("browser_page", ["dark"], indirect=True)
def test_a_dark_system_gets_the_dark_palette_before_the_content(browser_page: Any, served_site: ServedSite) -> None:
    browser_page.goto(served_site.url("part-2/"))
    settle(browser_page)
    changes = browser_page.evaluate("window.__bodyChanges")
    state = browser_page.evaluate(STATE_JS)
    assert state["scheme"] == DARK["scheme"]
    assert state["checked"] == 1
    assert state["visible"] == [DARK["toggle"]["name"]]
    assert state["colorScheme"] == "dark"
    light, dark = colour(LIGHT), colour(DARK)
    differ = [(f"data-md-color-{key}", dark[key]) for key in dark if key != "media" and dark[key] != light[key]]
    assert sorted((c["name"], c["value"]) for c in changes) == sorted(differ), "only what differs changes, once"
    assert all(c["beforeArticle"] for c in changes), f"the palette changed after the content was parsed: {changes}"


def test_the_readers_choice_wins_and_is_kept_across_pages(browser_page: Any, served_site: ServedSite) -> None:
    page = browser_page
    page.goto(served_site.url("part-1/"))
    page.locator("[data-nnla-palette] label:visible").click()
    settle(page)
    state = page.evaluate(STATE_JS)
    assert (state["scheme"], state["checked"], state["colorScheme"]) == (DARK["scheme"], 1, "dark")
    assert state["visible"] == [DARK["toggle"]["name"]]
    assert page.evaluate("document.body.hasAttribute('data-md-color-switching')") is False

    page.goto(served_site.url("part-2/"))
    settle(page)
    assert page.evaluate(STATE_JS)["scheme"] == DARK["scheme"], "the choice was not kept on the next page"
    assert all(c["beforeArticle"] for c in page.evaluate("window.__bodyChanges"))

    page.emulate_media(color_scheme="light")  # the system changes its mind: the reader's choice stands
    settle(page)
    assert page.evaluate(STATE_JS)["scheme"] == DARK["scheme"]


def test_the_palette_follows_the_system_until_the_reader_chooses(browser_page: Any, served_site: ServedSite) -> None:
    page = browser_page
    page.goto(served_site.url())
    settle(page)
    page.emulate_media(color_scheme="dark")
    settle(page)
    assert page.evaluate(STATE_JS)["scheme"] == DARK["scheme"]
    page.emulate_media(color_scheme="light")
    settle(page)
    assert page.evaluate(STATE_JS)["scheme"] == LIGHT["scheme"]


def test_enter_on_the_switch_changes_the_palette(browser_page: Any, served_site: ServedSite) -> None:
    page = browser_page
    page.goto(served_site.url())
    settle(page)
    page.focus("[data-nnla-palette] input:checked")
    page.keyboard.press("Enter")
    settle(page)
    assert page.evaluate(STATE_JS)["scheme"] == DARK["scheme"]
    assert page.evaluate("document.activeElement.id") == "__palette_1", "focus stays on the switch"
    page.keyboard.press("Enter")
    settle(page)
    assert page.evaluate(STATE_JS)["scheme"] == LIGHT["scheme"]
