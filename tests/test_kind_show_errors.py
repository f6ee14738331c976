"""A site's own kind whose ``show`` or ``figure`` fails is an author's error at the marker's page and line, naming the
value and the line of the site's code that raised: never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from support_tiny_site import BuildError, build_site, line_of, make_site, own_kind

KIND = (
    own_kind(
        "Fragile",
        "fragile",
        shown='if self.data < 0:\n    raise ValueError("a fragile value cannot be negative")\n',
    )
    + """

def compute():
    return {"good": Fragile(name="good", description="", data=1), "bad": Fragile(name="bad", description="", data=-1)}
"""
)


def test_a_kind_that_fails_to_show_is_named_at_the_marker(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"index.md": "# T\n\nGood <!-- nnla:good -->.\n\nBad <!-- nnla:bad -->.\n"}, values=KIND)
    with pytest.raises(BuildError) as failed:
        build_site(site)
    message = str(failed.value)
    values = next(tmp_path.glob("tiny_values_*.py"))
    assert (
        "index.md:5: 'bad' (a fragile) could not be shown as=inline: ValueError: a fragile value cannot be " in message
    )
    assert f"(raised at {values}:{line_of(KIND, 'raise ValueError')} in show)" in message
    assert "Traceback" not in message


def test_a_kind_that_shows_passes(tmp_path: Path) -> None:
    page = "# T\n\nGood <!-- nnla:good -->.\n\nBad no more <!-- nnla:bad -->.\n"
    site = make_site(tmp_path, {"index.md": page}, values=KIND.replace("data=-1)}", "data=2)}"))
    assert "<p>Bad no more 2.</p>" in build_site(site).page("index.html")
