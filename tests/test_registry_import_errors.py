"""A values module that is not valid Python, or whose code fails as it is imported, is named at its file and line.

Only an ImportError was caught: a syntax error, an IndentationError or a `1 / 0` at the module's top level ended
the build in a forty-line traceback through click and MkDocs; a `raise SystemExit(3)` in the values callable ended
it with status 3 and no word at all. Each is now a `PluginError` the build prints as one line.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from proven_numbers.registry import load_values

_NUMBERS = itertools.count()


def module(folder: Path, source: str) -> tuple[str, Path]:
    """A module of `source` in `folder`, under a name no other test imports; its spec and file."""
    name = f"values_import_{next(_NUMBERS)}_{id(folder):x}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    return f"{name}:compute", path


def failure(spec: str, folder: Path) -> str:
    with pytest.raises(PluginError) as failed:
        load_values(spec, [folder])
    message = str(failed.value)
    assert "Traceback" not in message
    return message


@pytest.mark.parametrize(
    ("source", "line", "told"),
    [
        ("import math\n\n\ndef compute(:\n    return {}\n", 4, "is not valid Python: "),
        ("def compute():\nreturn {}\n", 2, "is not valid Python: expected an indented block"),
        ("def compute():\n    if True:\n\treturn {}\n", 3, "is not valid Python: "),
    ],
)
def test_a_module_that_is_not_python_is_named_at_its_line(tmp_path: Path, source: str, line: int, told: str) -> None:
    spec, path = module(tmp_path, source)
    message = failure(spec, tmp_path)
    name = spec.partition(":")[0]
    assert message.startswith(f"proven-numbers: {path}:{line}: {name!r} (from {spec!r}) {told}"), message


def test_a_module_whose_code_fails_as_it_runs_is_named_at_its_line(tmp_path: Path) -> None:
    spec, path = module(
        tmp_path, "import numpy as np\n\nFACES = np.arange(1, 7)\nSCALE = 1 / 0\n\n\ndef compute():\n    return {}\n"
    )
    message = failure(spec, tmp_path)
    name = spec.partition(":")[0]
    assert message.startswith(f"proven-numbers: importing {name!r} (from {spec!r}) failed at {path}:4 in <module>")
    assert message.endswith("ZeroDivisionError('division by zero')")


def test_a_failure_in_a_module_it_imports_names_that_modules_line(tmp_path: Path) -> None:
    (tmp_path / "helper_for_values_import.py").write_text("\n\nLIMIT = {}['missing']\n", encoding="utf-8")
    spec, _ = module(tmp_path, "import helper_for_values_import\n\n\ndef compute():\n    return {}\n")
    message = failure(spec, tmp_path)
    assert f"failed at {tmp_path / 'helper_for_values_import.py'}:3 in <module>: KeyError('missing')" in message


def test_a_values_callable_that_calls_exit_is_named_at_its_line(tmp_path: Path) -> None:
    spec, path = module(tmp_path, "def compute():\n    raise SystemExit(3)\n")
    message = failure(spec, tmp_path)
    assert message == f"proven-numbers: computing the values of {spec!r} failed at {path}:2 in compute: SystemExit(3)"
