"""The door values come in by: a site's registry of plain numbers and arrays, made `Value`s, or refused by name."""

from __future__ import annotations

import textwrap
import zlib
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from mkdocs.exceptions import PluginError

from proven_numbers.registry import load_values
from proven_numbers.value import ArrayValue, RegistryError, ScalarValue, TableValue, coerce, scalar, table


@pytest.mark.parametrize("number", [3, 2.5, np.float32(0.5), np.int64(7), np.float64(-1.25), Fraction(1, 4)])
def test_a_plain_number_is_a_scalar(number: object) -> None:
    value = coerce("x", number)
    assert isinstance(value, ScalarValue)
    assert value.data == float(number)  # type: ignore[arg-type]
    assert value.forms == ("inline",)


@pytest.mark.parametrize("shape", [(3,), (2, 3)])
def test_an_array_of_one_or_two_axes_is_an_array_labelled_with_its_name(shape: tuple[int, ...]) -> None:
    data = np.arange(np.prod(shape), dtype=np.int64).reshape(shape)
    value = coerce("sum_pmf", data)
    assert isinstance(value, ArrayValue)
    assert value.data.dtype == np.float64
    np.testing.assert_array_equal(value.data, data)
    assert value.label == r"\mathrm{sum\_pmf}"
    assert value.forms == ("display", "inline")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("5.65", "is a str"),
        (True, "is a bool"),
        (1 + 2j, "is a complex"),
        (np.zeros((2, 2, 2)), "is a ndarray of shape (2, 2, 2)"),
        (np.array([1.0, np.nan]), "holds nan at index (1,)"),
        (np.array(["a"]), "holds <U1 data"),
        (np.array([1 + 1j]), "holds complex128 data"),
        (float("inf"), "is not finite"),
        (10**400, "is not finite"),
        ([1.0, 2.0], "is a list"),
    ],
)
def test_what_the_door_refuses_is_named(entry: object, message: str) -> None:
    with pytest.raises(RegistryError, match=r"value 'v'") as refused:
        coerce("v", entry)
    assert message in str(refused.value)


@pytest.mark.parametrize("name", ["2x", "a-b", "", "é"])
def test_a_name_a_marker_cannot_write_is_refused(name: str) -> None:
    with pytest.raises(RegistryError, match="letters, digits and underscores"):
        coerce(name, 1.0)


def test_a_value_under_another_name_is_refused() -> None:
    with pytest.raises(RegistryError, match="entry 'a' holds a value named 'b'"):
        coerce("a", scalar("b", 1.0))


def test_a_table_shows_a_whole_number_first() -> None:
    assert isinstance(table("t", [[0, 1.5], [1, 2.5]], ("i", "x")), TableValue)
    with pytest.raises(RegistryError, match=r"row 1 holds 0\.5"):
        table("t", [[0, 1.5], [0.5, 2.5]], ("i", "x"))


def registry_module(folder: Path, body: str) -> str:
    """A site's values module in `folder`, under a name of its own (a module is imported once per process)."""
    module = f"site_values_{zlib.crc32(str(folder).encode()):08x}"
    (folder / f"{module}.py").write_text(
        "import numpy as np\n\n\ndef compute():\n" + textwrap.indent(textwrap.dedent(body), "    "), encoding="utf-8"
    )
    return f"{module}:compute"


def test_a_registry_is_loaded_from_the_sites_folder(tmp_path: Path) -> None:
    spec = registry_module(tmp_path, 'return {"mean": np.float64(2.5), "faces": np.arange(1, 7)}\n')
    values = load_values(spec, [tmp_path])
    assert list(values) == ["mean", "faces"]
    assert isinstance(values["faces"], ArrayValue)


def test_every_wrong_entry_of_a_registry_is_named_in_one_message(tmp_path: Path) -> None:
    spec = registry_module(tmp_path, 'return {"ok": 1.0, "bad": "x", "worse": np.ones((2, 2, 2))}\n')
    with pytest.raises(PluginError) as failed:
        load_values(spec, [tmp_path])
    message = str(failed.value)
    assert "value 'bad' is a str" in message
    assert "value 'worse' is a ndarray of shape (2, 2, 2)" in message
    assert "'ok'" not in message


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("MODULE", "must name a module and a callable"),
        ("no_such_module:compute", "cannot import 'no_such_module'"),
        ("MODULE:missing", "has no callable 'missing'"),
    ],
)
def test_a_registry_that_cannot_be_found_is_named(tmp_path: Path, spec: str, message: str) -> None:
    module = registry_module(tmp_path, "return {}\n").partition(":")[0]
    with pytest.raises(PluginError, match=message):
        load_values(spec.replace("MODULE", module), [tmp_path])


def test_a_registry_that_returns_no_mapping_is_named(tmp_path: Path) -> None:
    spec = registry_module(tmp_path, "return [1.0]\n")
    with pytest.raises(PluginError, match=r"returned 'list' \(\[1\.0\]\), not a mapping"):
        load_values(spec, [tmp_path])


def test_a_registry_that_fails_is_named_at_its_line_without_a_traceback(tmp_path: Path) -> None:
    spec = registry_module(tmp_path, "scale = np.float64(0.0)\nreturn {'x': 1.0 / int(scale)}\n")
    with pytest.raises(PluginError) as failed:
        load_values(spec, [tmp_path])
    message = str(failed.value)
    module = spec.partition(":")[0]
    assert f"computing the values of '{spec}' failed at {tmp_path / module}.py:6 in compute" in message
    assert "ZeroDivisionError('float division by zero')" in message
