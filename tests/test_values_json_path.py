"""`values_json` (and the checker's `--values-json`) names a JSON file inside the built site, and nothing else.

It was joined to the site's folder as written: `values_json: /etc/x.json` wrote /etc/x.json, and `../../x.json`
two folders above the site, with the build passing; `index.html` would have replaced the home page.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from support_tiny_site import BuildError
from test_plugin_config import build_site, dice_site

from proven_numbers.__main__ import main
from proven_numbers.config import outside_site

REFUSED = ["/tmp/escape.json", "../../escape.json", "data/../../escape.json", "C:/escape.json", "data\\v.json",
           "data/", ".", "index.html", "values.JSON"]  # fmt: skip
ACCEPTED = ["values.json", "data/values.json", "a/./b/values.json"]


@pytest.mark.parametrize("path", REFUSED)
def test_a_path_outside_the_site_or_not_json_is_refused(path: str) -> None:
    assert outside_site(path) == (
        "a JSON file's path inside the built site, such as values.json or data/values.json (relative, without "
        f"'..'), is wanted; got {path!r}"
    )


@pytest.mark.parametrize("path", ACCEPTED)
def test_a_json_file_inside_the_site_is_accepted(path: str) -> None:
    assert outside_site(path) is None


def test_the_build_refuses_it_and_writes_nothing_outside(tmp_path: Path) -> None:
    site = dice_site(tmp_path, options="      values_json: ../escape.json\n")
    with pytest.raises(BuildError, match=r"values_json.*got '\.\./escape\.json'"):
        build_site(site)
    assert not (site / "escape.json").exists()
    assert not (tmp_path / "escape.json").exists()


def test_an_empty_values_json_still_writes_none(tmp_path: Path) -> None:
    site = dice_site(tmp_path, options='      values_json: ""\n')
    built = build_site(site)
    assert not (built / "values.json").exists()
    assert (built / "index.html").is_file()


def test_the_checker_refuses_it_with_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    module = f"unused_values_{zlib.crc32(str(tmp_path).encode()):08x}"
    status = main(["check", str(tmp_path), "--values", f"{module}:compute", "--values-json", "../escape.json"])
    assert status == 2
    assert "--values-json: a JSON file's path inside the built site" in capsys.readouterr().err
    assert not (tmp_path.parent / "escape.json").exists()
