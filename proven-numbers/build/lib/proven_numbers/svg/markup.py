"""The markup both figures share: the ``<svg>`` shell and its CSS, lines, text, markers, escaping and coordinates."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "FONT_PX",
    "MARKERS",
    "SMALL_SCREEN_FONT_PX",
    "Label",
    "esc",
    "line",
    "marker",
    "num",
    "svg",
    "text",
    "text_width",
]

#: Text size in px (user units). A loss plot is drawn 640 units wide and shrinks with the page, so below
#: a 600 px viewport its text grows to `SMALL_SCREEN_FONT_PX` (about 10 px on screen on a 390 px phone);
#: its margins and legend are laid out for that size at every width.
FONT_PX = 13
SMALL_SCREEN_FONT_PX = 19
#: The shapes of `marker`, one a series in turn.
MARKERS = ("circle", "square", "triangle", "diamond")
_CHAR_EM = 0.6  # a generous average advance, used to leave room for text

Label = tuple[str, str]  # (text, superscript): "10", "−3" is 10 to the −3; the superscript may be ""

_BASE_CSS = """\
{p}{{font-family:inherit;font-size:{font}px;color:inherit}}
{p} text{{fill:currentColor;stroke:none}}
{p} .nnla-faint{{opacity:.65}}
{p} .nnla-heading{{font-weight:600}}
"""


def svg(
    p: str,
    width: float,
    height: float,
    kind: str,
    title: str,
    desc: str,
    css: str,
    css_values: Mapping[str, object],
    body: list[str],
    attrs: Mapping[str, str],
) -> str:
    """The ``<svg>`` element: accessible name and description, scoped CSS, then the body's elements.

    Args:
        p: the figure's id; every id and every CSS selector starts with it.
        width: the width of the viewBox, and the figure's largest displayed width.
        height: the height of the viewBox.
        kind: the figure's class, after ``nnla-figure``.
        title: the accessible name (the ``<title>``).
        desc: the description (the ``<desc>``).
        css: the figure's own CSS after the shared rules, a `str.format` template whose selectors start
            with ``{p}``.
        css_values: the template's other fields.
        body: the elements, one a line.
        attrs: further attributes of the root, such as ``{"data-scale": "log"}``.
    """
    style = (_BASE_CSS + css).format(p=f"#{p}", font=FONT_PX, **css_values)
    extra = "".join(f' {key}="{esc(value)}"' for key, value in attrs.items())
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{p}" class="nnla-figure {kind}" role="img" '
        f'aria-labelledby="{p}-title {p}-desc" viewBox="0 0 {num(width)} {num(height)}" '
        f'width="{num(width)}" height="{num(height)}" '
        f'style="width:100%;max-width:{num(width)}px;height:auto"{extra}>\n'
        f'<title id="{p}-title">{esc(title)}</title>\n<desc id="{p}-desc">{esc(desc)}</desc>\n'
        f"<style>\n{style}</style>\n" + "\n".join(body) + "\n</svg>\n"
    )


def line(x1: float, y1: float, x2: float, y2: float, cls: str = "") -> str:
    """A ``<line>`` from (x1, y1) to (x2, y2), with a class if `cls` is given."""
    attr = f' class="{cls}"' if cls else ""
    return f'<line{attr} x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}"/>'


def text(x: float, y: float, label: Label, anchor: str, cls: str) -> str:
    """A one-line text centred vertically on y; a superscript, if any, is raised in a smaller tspan."""
    sup = f'<tspan class="nnla-sup" dy="-0.6em">{esc(label[1])}</tspan>' if label[1] else ""
    # Labels run together in the search index ("100101102103"): a figure is found by its title and description.
    return (
        f'<text data-search-exclude="" class="{cls}" x="{num(x)}" y="{num(y)}" dy=".35em" '
        f'text-anchor="{anchor}">{esc(label[0])}{sup}</text>'
    )


def marker(shape: str, x: float, y: float, r: float = 3.5) -> str:
    """Path data for one marker of a shape in `MARKERS` centred on (x, y)."""
    if shape == "circle":
        arc = f"a{num(r)},{num(r)} 0 1,0"
        return f"M{num(x - r)},{num(y)}{arc} {num(2 * r)},0{arc} {num(-2 * r)},0Z"
    if shape == "square":
        s = r * 0.9
        return f"M{num(x - s)},{num(y - s)}h{num(2 * s)}v{num(2 * s)}h{num(-2 * s)}Z"
    if shape == "triangle":
        return f"M{num(x)},{num(y - 1.25 * r)}L{num(x + 1.15 * r)},{num(y + 0.85 * r)}H{num(x - 1.15 * r)}Z"
    d = 1.3 * r
    return f"M{num(x)},{num(y - d)}L{num(x + d)},{num(y)}L{num(x)},{num(y + d)}L{num(x - d)},{num(y)}Z"


def esc(text: str) -> str:
    """`text` escaped for an XML attribute value or element content."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def num(value: float, places: int = 2) -> str:
    """A coordinate with `places` decimals, no trailing zeros: a position in the markup, not a number a reader sees."""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def text_width(text: str, px: float = FONT_PX) -> float:
    """The room to leave for `text` at a size of `px`."""
    return len(text) * _CHAR_EM * px
