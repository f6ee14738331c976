"""A value whose own TeX KaTeX rejects (an array's label, a table's heading) is named at its marker's line.

The values module makes the TeX, the page's marker shows it: a bad `\\frac{` in a label stopped the build at the
first such value with "Error reading page 'index.md': KaTeX cannot render the display formula …", naming neither
the value, nor the marker's line, nor the line of the values module that made it. Each is now the marker's error,
with the line that made the value, and the build reports them all.
"""

from __future__ import annotations

from pathlib import Path

from test_plugin_config import dice_page_errors, dice_site

MORE_VALUES = """

import proven_numbers.value as _pn

_dice_compute = compute


def compute():
    found = dict(_dice_compute())
    found["labelled"] = _pn.array("labelled", np.array([1.0, 2.0]), r"\\frac{", "A label KaTeX rejects.")
    found["headed"] = _pn.table("headed", np.array([[0, 1.5], [1, 2.5]]), ("step", r"loss $`\\oops`$"), "A heading.")
    return found
"""


def test_each_value_that_katex_rejects_is_named_at_its_marker(tmp_path: Path) -> None:
    site = dice_site(tmp_path)
    (module,) = site.glob("calc_values_*.py")
    module.write_text(module.read_text(encoding="utf-8") + MORE_VALUES, encoding="utf-8")
    made = module.read_text(encoding="utf-8").splitlines()
    label_line = next(n for n, line in enumerate(made, 1) if '"labelled"] =' in line)
    table_line = next(n for n, line in enumerate(made, 1) if '"headed"] =' in line)
    told, lines = dice_page_errors(site, "\n<!-- calc:labelled -->\n\n<!-- calc:headed -->\n")
    assert f"index.md:{lines + 2}: 'labelled' cannot be shown as=display: KaTeX rejects the formula its value" in told
    assert f"made at {module}:{label_line} in compute" in told
    assert f"index.md:{lines + 4}: 'headed' cannot be shown as=table: KaTeX rejects the formula its value" in told
    assert f"made at {module}:{table_line} in compute" in told
    assert "Error reading page" not in told
