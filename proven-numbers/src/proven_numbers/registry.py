"""The site's values: the ``values`` option's ``"module:callable"`` imported from the site's folders, called once
per build, and every entry made a `proven_numbers.value.Value` (`proven_numbers.value.coerce`).

A mistake in the registry fails the build with one message naming each value that is wrong and why, never a
traceback: a name a marker cannot write, a NaN, a string, a 3-D array without a kind.
"""

from __future__ import annotations

import importlib
import inspect
import math
import sys
import traceback
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from mkdocs.exceptions import PluginError

from proven_numbers import origin
from proven_numbers.value import RegistryError, Value, coerce

__all__ = ["load_about", "load_callable", "load_values", "on_path"]


@contextmanager
def on_path(paths: Sequence[Path]) -> Iterator[None]:
    """`paths` at the front of `sys.path` while the site's module is imported; then as it was."""
    added = [str(path) for path in paths if str(path) not in sys.path]
    sys.path[:0] = added
    try:
        yield
    finally:
        for path in added:
            sys.path.remove(path)


def load_callable(spec: str, paths: Sequence[Path]) -> Callable[[], object]:
    """The callable named by ``"module:callable"``, its module imported with `paths` on `sys.path`.

    Raises:
        PluginError: a spec without its colon, a module that cannot be imported (not found, not valid Python, or
            its code failing as it runs: named at its file and line), a name it does not define, or one that is
            not callable.
    """
    module_name, colon, attribute = spec.partition(":")
    if not colon or not module_name or not attribute:
        raise PluginError(f"proven-numbers: {spec!r} must name a module and a callable, as 'module:callable'")
    with on_path(paths):
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            folders = ", ".join(str(path) for path in paths)
            raise PluginError(
                f"proven-numbers: cannot import {module_name!r} (from {spec!r}; python_path: {folders}): {error}"
            ) from None
        except SyntaxError as error:  # IndentationError and TabError among them
            raise PluginError(
                f"proven-numbers: {error.filename}:{error.lineno}: {module_name!r} (from {spec!r}) is not valid "
                f"Python: {error.msg}"
            ) from None
        except (Exception, SystemExit) as error:  # the module's own code failed as it ran: say where
            raise PluginError(
                f"proven-numbers: importing {module_name!r} (from {spec!r}) failed{_where(error)}: {error!r}"
            ) from None
    found = getattr(module, attribute, None)
    if not callable(found):
        raise PluginError(f"proven-numbers: {module_name!r} has no callable {attribute!r} (from {spec!r})")
    return found  # type: ignore[no-any-return]


def _where(error: BaseException, registry: Callable[[], object] | None = None) -> str:
    """ " at FILE:LINE in FUNCTION" for the innermost frame of the site's code (not this package's, not an installed
    one's, not Python's import machinery), and, if that is not in the registry's own folder, the last frame there
    that led to it."""
    here = Path(__file__).resolve().parent
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if not frame.filename.startswith("<frozen ")
        and not Path(frame.filename).resolve().is_relative_to(here)
        and "site-packages" not in frame.filename
    ]
    if not frames:
        return ""
    where = f" at {frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name}"
    code = getattr(inspect.unwrap(registry), "__code__", None) if registry is not None else None  # through cache
    origin = Path(code.co_filename).resolve().parent if code is not None else None
    own = [frame for frame in frames if origin is not None and Path(frame.filename).resolve().is_relative_to(origin)]
    if own and own[-1] is not frames[-1]:
        where += f", called from {own[-1].filename}:{own[-1].lineno} in {own[-1].name}"
    return where


def _defined_at(registry: Callable[[], object]) -> str:
    """``FILE:LINE in NAME`` of the registry callable's definition, for a value made of its plain entries."""
    code = getattr(inspect.unwrap(registry), "__code__", None)
    if code is None:
        return getattr(registry, "__qualname__", repr(registry))
    return f"{code.co_filename}:{code.co_firstlineno} in {code.co_name}"


def load_values(spec: str, paths: Sequence[Path], max_cells: int = 0) -> Mapping[str, Value]:
    """Call the site's registry and make each of its entries a `Value`.

    Args:
        spec: ``"module:callable"``.
        paths: folders put on `sys.path` while its module is imported.
        max_cells: the most numbers a value may hold, by its shape (0: no bound).

    Raises:
        PluginError: naming every entry that is wrong, and the file and line of the site's code that made it, or
            the registry's own error when making a value failed.
    """
    registry = load_callable(spec, paths)
    try:
        entries = registry()
    except RegistryError as error:  # a value refused while it was made: name the line that made it
        made = origin.from_traceback(error.__traceback__, Value)
        where = f" (made at {made})" if made else ""
        raise PluginError(f"proven-numbers: the values of {spec!r}: {error}{where}") from None
    except (Exception, SystemExit) as error:  # the site's own code failed (or called exit): say where
        raise PluginError(
            f"proven-numbers: computing the values of {spec!r} failed{_where(error, registry)}: {error!r}"
        ) from None
    if not isinstance(entries, Mapping):
        raise PluginError(
            f"proven-numbers: {spec!r} returned {type(entries).__name__!r} ({entries!r:.60}), not a mapping from names "
            "to values"
        )
    values: dict[str, Value] = {}
    problems = []
    for name, entry in entries.items():
        maker = entry.made_at if isinstance(entry, Value) else ""
        where = f"made at {maker}" if maker else f"returned by {_defined_at(registry)}"
        try:
            value = values[name] = coerce(name, entry)
        except RegistryError as error:
            problems.append(f"{error} ({where})")
            continue
        cells = math.prod(value.shape)
        if max_cells and cells > max_cells:
            problems.append(
                f"value {name!r} holds {cells} numbers (shape {value.shape}), more than max_cells ({max_cells}): a "
                f"page cannot show so many legibly, and each costs it some 300 bytes of KaTeX's HTML; show a part "
                f"of it, or raise the plugin's max_cells ({where})"
            )
    if problems:
        raise PluginError(f"proven-numbers: the values of {spec!r} are wrong:\n  " + "\n  ".join(problems))
    return types.MappingProxyType(values)


def load_about(spec: str, paths: Sequence[Path]) -> dict[str, object]:
    """What the site's ``about`` callable says of the build, for values.json.

    Raises:
        PluginError: it returns no mapping with names for keys.
    """
    about = load_callable(spec, paths)()
    if not isinstance(about, Mapping) or not all(isinstance(key, str) for key in about):
        raise PluginError(f"proven-numbers: {spec!r} must return a mapping from names to JSON data")
    return dict(about)
