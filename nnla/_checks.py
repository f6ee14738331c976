r"""Argument validation shared by the public functions.

Every check raises a `ValueError` or `TypeError` whose message names the argument, the shape the
convention expects and the shape it got, so a caller never sees a NumPy broadcasting error from inside.
The checks are cheap: no copies of float64 arrays, and one `np.isfinite` pass per argument.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike, NDArray

REDUCTIONS = ("sum", "mean")


def as_array(value: ArrayLike, name: str) -> NDArray[np.float64]:
    r"""Convert `value` to a float64 array without copying one that already is.

    Args:
        value: anything `np.asarray` reads as an array of real numbers.
        name: the argument's name, for the error message.

    Returns:
        The values as an array of dtype float64.

    Raises:
        TypeError: if the values are not real numbers (strings, complex numbers, objects).
    """
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as exc:  # ragged nested sequences
        raise TypeError(f"{name} must be an array of real numbers; got {type(value).__name__}") from exc
    if raw.dtype.kind in "biuf":
        return raw.astype(np.float64, copy=False)
    if raw.dtype.kind == "O":  # Python objects: accept real numbers of mixed types, such as Fraction
        if not all(isinstance(v, numbers.Real) for v in raw.flat):
            raise TypeError(f"{name} must be an array of real numbers; got {type(value).__name__}")
        return raw.astype(np.float64)
    raise TypeError(f"{name} must be an array of real numbers; got an array of dtype {raw.dtype}")


def check_finite(a: NDArray[np.float64], name: str) -> None:
    r"""Raise a `ValueError` naming the first NaN or infinite entry of `a`, if there is one."""
    if not np.isfinite(a).all():
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
        raise ValueError(f"{name} must contain only finite numbers; got {a[index]} at index {index}")


def as_rows(value: ArrayLike, name: str, rows: str = "m", cols: str = "n") -> NDArray[np.float64]:
    r"""Read `value` as a non-empty matrix of rows; a 1-D array of length n is one row, shape (1, n).

    Args:
        value: the array.
        name: the argument's name, for the error message.
        rows: the convention's letter for the number of rows, such as "m".
        cols: the convention's letter for the number of columns, such as "n".

    Returns:
        A finite float64 array of shape (rows, cols), both at least 1 (a view when possible).
    """
    a = as_array(value, name)
    if a.ndim == 1:
        a = a[np.newaxis, :]
    if a.ndim != 2 or a.size == 0:
        raise ValueError(
            f"{name} must have shape ({rows}, {cols}), or ({cols},) for one row, with sizes at least 1; "
            f"got {np.shape(value)}"
        )
    check_finite(a, name)
    return a


def one_example(value: ArrayLike, name: str, cols: str) -> NDArray[np.float64]:
    r"""Read `value` as a single row: shape (k,) or (1, k), returned as (1, k)."""
    a = as_rows(value, name, "1", cols)
    if a.shape[0] != 1:
        raise ValueError(f"{name} must be one example, of shape ({cols},) or (1, {cols}); got {a.shape}")
    return a


def layer(
    X: ArrayLike, W: ArrayLike, b: ArrayLike, x_name: str = "X"
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    r"""Check the arguments of the linear layer $`P = XW + \mathbf{1}b`$.

    Args:
        X: inputs, array of shape (m, n), or (n,) for one row.
        W: weights, array of shape (n, z).
        b: bias, array of shape (1, z) or (z,).
        x_name: the name the caller uses for `X` ("X" for a batch, "x" for one example).

    Returns:
        `(X, W, b)` as float64 arrays of shapes (m, n), (n, z) and (1, z).
    """
    X = as_rows(X, x_name)
    W = as_array(W, "W")
    b = as_array(b, "b")
    n = X.shape[1]
    if W.ndim != 2 or W.shape[0] != n or W.shape[1] == 0:
        b_is_a_row = b.size > 0 and (b.ndim == 1 or (b.ndim == 2 and b.shape[0] == 1))
        expected = f"(n, z) = ({n}, {b.shape[-1]})" if b_is_a_row else f"(n, z) with n = {n}"
        raise ValueError(f"W must have shape {expected} to match {x_name} of shape {X.shape}; got {W.shape}")
    z = W.shape[1]
    if b.shape not in ((z,), (1, z)):
        raise ValueError(
            f"b must have shape (1, z) = (1, {z}) or (z,) = ({z},) to match W of shape {W.shape}; got {b.shape}"
        )
    check_finite(W, "W")
    check_finite(b, "b")
    return X, W, b.reshape(1, z)


def targets(T: ArrayLike, shape: tuple[int, int], name: str, context: str) -> NDArray[np.float64]:
    r"""Check that the targets have the prediction's shape (m, z); a 1-D array is one row.

    Args:
        T: targets.
        shape: the expected shape (m, z).
        name: the argument's name ("T" or "t").
        context: what fixes the expected shape, such as "X of shape (4, 3) and W of shape (3, 2)".

    Returns:
        The targets as a finite float64 array of shape (m, z).
    """
    a = as_array(T, name)
    if a.ndim == 1:
        a = a[np.newaxis, :]
    if a.shape != shape:
        letters = "(1, z)" if name == "t" else "(m, z)"
        raise ValueError(f"{name} must have shape {letters} = {shape} to match {context}; got {np.shape(T)}")
    check_finite(a, name)
    return a


def reduction(value: object) -> str:
    r"""Check that `value` names a reduction of the loss vector: "sum" (SSE) or "mean" (MSE)."""
    if not isinstance(value, str) or value not in REDUCTIONS:
        raise ValueError(f"reduction must be 'sum' or 'mean'; got {value!r}")
    return value


def real(value: object, name: str) -> float:
    r"""Check that `value` is a finite real number (not a bool, not an array), and return it as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__}")
    result = float(value)
    if not np.isfinite(result):
        raise ValueError(f"{name} must be a finite number; got {result}")
    return result


def positive(value: object, name: str) -> float:
    r"""Check that `value` is a finite real number greater than 0 (a step size or a difference step)."""
    result = real(value, name)
    if result <= 0:
        raise ValueError(f"{name} must be a finite number greater than 0; got {result}")
    return result


def count(value: object, name: str, minimum: int = 0) -> int:
    r"""Check that `value` is an integer at least `minimum` (a number of steps or of outputs)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}")
    return int(value)
