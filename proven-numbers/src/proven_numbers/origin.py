"""Where the site's code made a value: the file and line that called its constructor, read off the stack.

A value is made in the site's registry (or a helper of its kinds), through this package's constructors (`scalar`,
`array`, `table`) or a kind's class, whose generated ``__init__`` and ``__post_init__`` run on top of the caller. The
place to name is the first frame, from the innermost out, that is none of those: not this package's, not code
Python generated (``<string>``), not a method of the value being made (a kind's own ``__post_init__``), not an
installed package's. An error in a value then names that line, never a traceback.
"""

from __future__ import annotations

import functools
import sys
import sysconfig
import types
from collections.abc import Iterator
from pathlib import Path

__all__ = ["from_stack", "from_traceback"]

#: This package, and Python's own library (a value made at import time has the import machinery under it).
_NOT_SITE = tuple(
    {Path(__file__).resolve().parent, *(Path(sysconfig.get_path(name)).resolve() for name in ("stdlib", "platstdlib"))}
)


@functools.cache
def _site_file(filename: str) -> bool:
    """Whether the code of `filename` (a code object's) is the site's: once a file a process, as resolving a path
    asks the file system, some ten times a value, and a build makes hundreds of values."""
    if filename.startswith("<") or "site-packages" in filename or "dist-packages" in filename:
        return False
    path = Path(filename).resolve()
    return not any(path.is_relative_to(folder) for folder in _NOT_SITE)


def _site_code(frame: types.FrameType, making: type) -> bool:
    if not _site_file(frame.f_code.co_filename):
        return False
    return not isinstance(frame.f_locals.get("self"), making)  # the value's own __init__ or __post_init__


def _named(frame: types.FrameType) -> str:
    return f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}"


def _first(frames: Iterator[types.FrameType], making: type) -> str:
    """The first frame of the site's code; and, when the frame that called it is the site's too, in another file
    (a helper of the site's kinds, called from its registry), that one too."""
    first = next((frame for frame in frames if _site_code(frame, making)), None)
    if first is None:
        return ""
    caller = first.f_back
    if caller is not None and _site_code(caller, making) and caller.f_code.co_filename != first.f_code.co_filename:
        return f"{_named(first)}, called from {_named(caller)}"
    return _named(first)


def from_stack(making: type) -> str:
    """``FILE:LINE in FUNCTION`` of the site's code that is making a value of type `making` now, or "" if none
    (the value is made by this package, from a registry's plain number or array).

    Args:
        making: the value's base class: a frame whose ``self`` is one is the value's own construction.
    """
    frame: types.FrameType | None = sys._getframe(1)

    def outward() -> Iterator[types.FrameType]:
        nonlocal frame
        while frame is not None:
            yield frame
            frame = frame.f_back

    return _first(outward(), making)


def from_traceback(traceback: types.TracebackType | None, making: type) -> str:
    """The same for a value whose construction raised: the innermost frame of the site's code in `traceback`
    that is not the value's own construction."""
    frames: list[types.FrameType] = []
    while traceback is not None:
        frames.append(traceback.tb_frame)
        traceback = traceback.tb_next
    return _first(reversed(frames), making)
