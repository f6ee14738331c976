"""This site's hook for link previews: a card image for each page, drawn at build time, offline.

A link to a page shared where previews are shown (a chat, a social network) shows the page's `og:image`. Material's
own social plugin draws such cards, but it downloads its fonts from Google Fonts while building, and the build asks
nothing of any other host. This hook draws them with Pillow and KaTeX's own font (KaTeX_Main, the face the formulas
are set in, which the build already has from npm): the site's name, the page's title and its description on the
theme's indigo, 1200 by 630 pixels, written to `assets/images/social/PAGE.png`.

The same page gives the same bytes every build (Pillow writes no time into a PNG), so rebuilds of one commit stay
identical. `overrides/main.html` links a card as `og:image` only when `site_url` is given, since link previews need
an absolute address.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

try:
    from PIL import Image, ImageDraw, ImageFont
except ImportError:  # said in on_config, where MkDocs reports it as a sentence
    Image = ImageDraw = ImageFont = None  # type: ignore[assignment]

#: The card's size: the 1.91:1 of link previews.
WIDTH, HEIGHT = 1200, 630
MARGIN = 80
#: The theme's primary colour (mkdocs.yml: indigo) and text on it (white on it is 6.8:1).
BACKGROUND, FOREGROUND, MUTED = (63, 81, 181), (255, 255, 255), (220, 225, 245)
#: KaTeX's fonts, under the node_modules folder the proven-numbers plugin reads KaTeX from.
FONTS = PurePosixPath("katex/dist/fonts")
REGULAR, BOLD = "KaTeX_Main-Regular.ttf", "KaTeX_Main-Bold.ttf"
#: Where the cards go in the site.
FOLDER = "assets/images/social"
#: The sizes of the site's name, the title and the description, and how many lines each may take.
NAME_SIZE, TITLE_SIZE, TEXT_SIZE = 36, 76, 34
TITLE_LINES, TEXT_LINES = 2, 4


def card_uri(page: Page) -> str:
    """Where a page's card is, in the site: `assets/images/social/part-1.png` for `part-1.md`."""
    return f"{FOLDER}/{PurePosixPath(page.file.src_uri).with_suffix('.png')}"


def font_folder(config: MkDocsConfig) -> Path | None:
    """KaTeX's font folder, where the proven-numbers plugin takes KaTeX from; None when the plugin is off (then the
    theme refuses the pages anyway, with the message that says why, so no card is drawn)."""
    plugin = config.plugins.get("proven-numbers")
    if plugin is None:
        return None
    folder = Path(config.config_file_path).parent / str(plugin.config.katex.node_modules) / FONTS
    for name in (REGULAR, BOLD):
        if not (folder / name).is_file():
            raise PluginError(f"hooks/nnla_social.py: no {name} in {folder}: install KaTeX (npm ci)")
    return folder


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if Image is None:
        raise PluginError(
            "hooks/nnla_social.py needs Pillow to draw the link previews: pip install -r requirements-site.txt"
        )
    font_folder(config)
    return config


def curly_quotes(text: str) -> str:
    """Straight double quotes as opening and closing ones: KaTeX_Main, a TeX face, draws `"` as a closing quote."""
    out = []
    for i, char in enumerate(text):
        if char == '"':
            char = "\u201c" if i == 0 or text[i - 1].isspace() or text[i - 1] in "([" else "\u201d"
        out.append(char)
    return "".join(out)


def wrap(text: str, font: Any, width: float, lines: int) -> list[str]:
    """`text` in at most `lines` lines no wider than `width`, broken between words; an ellipsis ends a text cut."""
    words, result = text.split(), [""]
    for word in words:
        candidate = f"{result[-1]} {word}".strip()
        if font.getlength(candidate) <= width or not result[-1]:
            result[-1] = candidate
        else:
            result.append(word)
    if len(result) > lines:
        result = result[:lines]
        last = result[-1]
        while last and font.getlength(last + "…") > width:
            last = last.rsplit(" ", 1)[0] if " " in last else ""
        result[-1] = f"{last}…"
    return result


def draw_card(site_name: str, title: str, description: str, fonts: Path) -> bytes:
    """One card as PNG bytes: the site's name, the title in bold, the description below it."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    name_font = ImageFont.truetype(str(fonts / REGULAR), NAME_SIZE)
    title_font = ImageFont.truetype(str(fonts / BOLD), TITLE_SIZE)
    text_font = ImageFont.truetype(str(fonts / REGULAR), TEXT_SIZE)
    width = WIDTH - 2 * MARGIN
    y = MARGIN
    draw.text((MARGIN, y), site_name, font=name_font, fill=MUTED)
    y += round(NAME_SIZE * 2.2)
    draw.line((MARGIN, y - NAME_SIZE // 2, MARGIN + 160, y - NAME_SIZE // 2), fill=MUTED, width=4)
    for line in wrap(curly_quotes(title), title_font, width, TITLE_LINES):
        draw.text((MARGIN, y), line, font=title_font, fill=FOREGROUND)
        y += round(TITLE_SIZE * 1.2)
    y += TEXT_SIZE
    for line in wrap(curly_quotes(description), text_font, width, TEXT_LINES):
        draw.text((MARGIN, y), line, font=text_font, fill=MUTED)
        y += round(TEXT_SIZE * 1.35)
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    """Draw the page's card into the site, and tell the template where it is and its size (`nnla_card`)."""
    title = config.site_name if page.is_homepage or not page.title else page.title
    description = (page.meta or {}).get("description") or config.site_description or ""
    folder = font_folder(config)
    if folder is None:
        return context
    uri = card_uri(page)
    target = Path(config.site_dir) / uri
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(draw_card(config.site_name, str(title), str(description), folder))
    context["nnla_card"] = {"uri": uri, "width": WIDTH, "height": HEIGHT}
    return context
