"""The checks of the figures' arguments: each raises a `ValueError` or `TypeError` whose message names the argument.

Arrays are read by `_array`, which refuses what is not real numbers, and checked by `_finite`, which names the
first NaN or infinite entry.
"""

from __future__ import annotations

import math
import re

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["identifier", "losses", "optional_bool", "reference", "size", "surface", "tensor", "text"]

_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # not allowed in XML 1.0


def _array(value: ArrayLike, name: str) -> NDArray[np.float64]:
    """`value` as a float64 array, or a `TypeError` naming `name` when it holds anything but real numbers."""
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as exc:  # ragged nested sequences
        raise TypeError(f"{name} must be an array of real numbers; got {type(value).__name__}") from exc
    if raw.dtype.kind not in "biuf" or isinstance(value, np.ma.MaskedArray):
        raise TypeError(f"{name} must be an array of real numbers; got an array of {raw.dtype}")
    with np.errstate(over="ignore"):
        return raw.astype(np.float64, copy=False)


def _finite(a: NDArray[np.float64], name: str) -> None:
    """A `ValueError` naming the first NaN or infinite entry of `a`, if there is one."""
    if not np.isfinite(a).all():
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
        raise ValueError(f"{name} must contain only finite numbers; got {a[index]} at index {index}")


def identifier(id_prefix: object) -> str:
    """Check that `id_prefix` can be an XML id and a CSS selector: a letter, then letters, digits, ``-``, ``_``."""
    if not isinstance(id_prefix, str) or not _ID.match(id_prefix):
        raise ValueError(
            "id_prefix must start with a letter and hold only letters, digits, '-' and '_' "
            f"(it becomes an XML id and a CSS selector); got {id_prefix!r}"
        )
    return id_prefix


def text(value: object, name: str, allow_empty: bool = False) -> str:
    """Check that `value` is a str XML can hold, and not blank unless `allow_empty`."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str; got {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise ValueError(f"{name} must not be empty")
    if _CONTROL.search(value):
        raise ValueError(
            f"{name} must not contain control characters or surrogates (XML cannot hold them); got {value!r}"
        )
    return value


def size(value: object, name: str, least: int) -> None:
    """Check that `value` is an int number of px, at least `least`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int (px); got {type(value).__name__}")
    if value < least:
        raise ValueError(f"{name} must be at least {least} px; got {value}")


def optional_bool(value: object, name: str) -> None:
    """Check that `value` is True, False or None."""
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"{name} must be True, False or None; got {value!r}")


def losses(value: ArrayLike, name: str) -> NDArray[np.float64]:
    """Read `value` as the losses of one run: a non-empty array of shape (k,), finite and non-negative."""
    a = _array(value, name)
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"{name} must be a 1-D array of shape (k,) with k >= 1; got shape {a.shape}")
    _finite(a, name)
    if (a < 0).any():
        at = int(np.argmax(a < 0))
        raise ValueError(f"{name} must be non-negative (a loss); got {a[at]} at index {at}")
    return a


def reference(value: object) -> tuple[float, str] | None:
    """Check that `value` is None or a ``(loss, label)`` tuple: a finite, non-negative real and a label."""
    if value is None:
        return None
    if not isinstance(value, tuple) or len(value) != 2:
        raise TypeError(f"reference must be a (value, label) tuple or None; got {value!r}")
    loss, label = value
    if isinstance(loss, bool) or not isinstance(loss, (int, float, np.integer, np.floating)):
        raise TypeError(f"reference value must be a real number; got {type(loss).__name__}")
    loss = float(loss)
    if not math.isfinite(loss) or loss < 0:
        raise ValueError(f"reference value must be a finite, non-negative loss; got {loss}")
    return loss, text(label, "reference label")


def tensor(value: ArrayLike, name: str) -> NDArray[np.float64]:
    """Read `value` as a finite array of shape (n, z, z) with n and z at least 1."""
    T = _array(value, name)
    if T.ndim != 3 or T.shape[1] != T.shape[2] or T.size == 0:
        raise ValueError(f"{name} must be a 3-D array of shape (n, z, z) with n, z >= 1; got shape {T.shape}")
    _finite(T, name)
    return T


def surface(value: ArrayLike, grid: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Read `value` as a finite array of shape (g, g) over `grid`, a finite, increasing array of shape (g,)."""
    axis = _array(grid, "grid")
    if axis.ndim != 1 or axis.size == 0:
        raise ValueError(f"grid must be a 1-D array of shape (g,) with g >= 1; got shape {axis.shape}")
    _finite(axis, "grid")
    if (np.diff(axis) <= 0).any():
        raise ValueError(f"grid must increase; got {axis.tolist()}")
    Z = _array(value, "Z")
    if Z.shape != (axis.size, axis.size):
        raise ValueError(
            f"Z must be of shape (g, g) = {(axis.size, axis.size)} for a grid of {axis.size}; got {Z.shape}"
        )
    _finite(Z, "Z")
    return Z, axis
