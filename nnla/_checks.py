r"""Argument validation shared by the public functions, and the bounds on their results, work and memory.

Every check raises a `ValueError` or `TypeError` whose message names the argument, the shape the
convention expects and the shape it got, so a caller never sees a NumPy broadcasting error from inside.
The checks are cheap: no copies of float64 arrays, one `np.isfinite` pass per argument and per result,
and each bound on a size is checked before anything of that size is built. A nested list (never an array) is
scanned once for masked arrays, by the types of its items, at about the cost of `np.asarray` reading it.

Four kinds of trouble meet one rule each, here, so that every public function says the same thing the same way:

- a value that no float64 can hold (a masked array, whose mask NumPy would drop; an integer or a fraction
  beyond about $`\pm 1.8 \times 10^{308}`$) is refused by `as_array` or `real` before any work;
- a result that overflows float64 although every input is finite raises a `ValueError` from `finite_result`,
  such as "forward: X @ W overflows float64 for X of shape (1, 3) and W of shape (3, 2)"; the callers compute
  under `quiet()`, so that no NumPy `RuntimeWarning` comes first;
- a number of steps above `MAX_STEPS` is refused by `steps`;
- an array of more than `MAX_ENTRIES` entries that a function would build (a Jacobian tensor, the trace of a
  descent, the evaluations of central differences) is refused by `size`, with the fix.

Overflow is a `ValueError`, not Python's `OverflowError`: inputs whose result float64 cannot hold are inputs
the function cannot take, which is what the docstrings promise a `ValueError` for.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

REDUCTIONS = ("sum", "mean")

MAX_STEPS = 10**6
"""The most steps one call of a descent takes; a longer run is several calls, each starting where the last ended."""

MAX_ENTRIES = 2**27
"""The most entries (1 GiB of float64) of an array that grows faster than the arguments it is built from.

It bounds the Jacobian tensors (`jacobian_weights`, `stage_jacobians`, `network_jacobians`, `chain`), the
traces of descent, and the work of `numerical_jacobian` (the entries it passes to `f` and reads back). The
benchmark's largest tensor, `jacobian_weights` at n = z = 512, has exactly this many.
"""

_MASKED = np.ma.MaskedArray


def quiet() -> np.errstate:
    """Silence NumPy's overflow and invalid-operation warnings, for code that checks its results itself."""
    return np.errstate(over="ignore", invalid="ignore")


def describe(value: object) -> str:
    """A number for a message: an integer or fraction too long to print (Python refuses 4300 digits) as 10**k."""
    if isinstance(value, numbers.Rational) and not isinstance(value, bool):
        num, den = int(value.numerator), int(value.denominator)
        if abs(num) >= 10**16 * den:
            sign = "-" if num < 0 else ""
            return f"about {sign}10**{math.floor(math.log10(abs(num)) - math.log10(den))}"
    return str(value)


def _as_float(value: object) -> float | None:
    """`float(value)`, or None where the value is finite but beyond float64 (an int, a Fraction, a long double)."""
    try:
        with quiet():
            result = float(value)  # type: ignore[arg-type]  # a numbers.Real
    except OverflowError:
        return None
    if math.isinf(result) and value != result:  # finite in its own type: 1e400 as a long double
        return None
    return result


def _too_large(name: str, value: object, where: str) -> ValueError:
    return ValueError(
        f"{name} must contain only numbers float64 can hold, at most {np.finfo(np.float64).max:.4g} in "
        f"magnitude; got {describe(value)}{where}"
    )


def _holds_masked(value: list[object] | tuple[object, ...]) -> bool:
    """Whether a (nested) list or tuple holds a masked array, whose mask `np.asarray` would drop.

    Each list is scanned by the types of its items (`set(map(type, ...))`, at C speed), so that a list of
    floats costs a fraction of what `np.asarray` spends on it.
    """
    todo = [value]
    while todo:
        types = set(map(type, item := todo.pop()))
        if any(issubclass(t, _MASKED) for t in types):
            return True
        if any(issubclass(t, list | tuple) for t in types):
            todo.extend(v for v in item if isinstance(v, list | tuple))
    return False


def _narrow(raw: NDArray[np.generic], name: str) -> NDArray[np.float64]:
    """Convert objects or long doubles to float64, refusing a finite entry that float64 cannot hold."""
    a = None
    try:
        with quiet():
            a = raw.astype(np.float64)
    except OverflowError:
        pass
    if a is not None and np.isfinite(a).all():
        return a
    for index in np.ndindex(raw.shape):  # only on the way to an error: find the entry
        if _as_float(raw[index]) is None:
            raise _too_large(name, raw[index], f" at index {index}")
    if a is None:
        raise ValueError(f"{name} must contain only numbers float64 can hold")
    return a  # the non-finite entries were NaN or infinite already: check_finite names them


def as_array(value: ArrayLike, name: str) -> NDArray[np.float64]:
    r"""Convert `value` to a float64 array without copying one that already is.

    Args:
        value: anything `np.asarray` reads as an array of real numbers.
        name: the argument's name, for the error message.

    Returns:
        The values as an array of dtype float64.

    Raises:
        TypeError: if the values are not real numbers (strings, complex numbers, objects), or are a masked
            array (or a list holding one), whose mask the computation would ignore.
        ValueError: if an entry is finite but too large for float64, such as the integer `10**400`.
    """
    if isinstance(value, _MASKED) or (isinstance(value, list | tuple) and _holds_masked(value)):
        raise TypeError(
            f"{name} must not be a masked array, nor hold one: nnla would ignore the mask; fill the masked entries "
            "first (a.filled(v)) or leave out the masked examples"
        )
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as exc:  # ragged nested sequences
        raise TypeError(f"{name} must be an array of real numbers; got {type(value).__name__}") from exc
    kind = raw.dtype.kind
    if kind in "biu" or (kind == "f" and raw.dtype.itemsize <= 8):
        return raw.astype(np.float64, copy=False)  # exact or rounded: these never overflow float64
    if kind == "f":  # a long double, whose range is wider than float64's
        return _narrow(raw, name)
    if kind == "O":  # Python objects: accept real numbers of mixed types, such as Fraction
        if not all(isinstance(v, numbers.Real) for v in raw.flat):
            raise TypeError(f"{name} must be an array of real numbers; got {type(value).__name__}")
        return _narrow(raw, name)
    raise TypeError(f"{name} must be an array of real numbers; got an array of dtype {raw.dtype}")


def check_finite(a: NDArray[np.float64], name: str) -> None:
    r"""Raise a `ValueError` naming the first NaN or infinite entry of `a`, if there is one."""
    if not np.isfinite(a).all():
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
        raise ValueError(f"{name} must contain only finite numbers; got {a[index]} at index {index}")


def _inputs(inputs: Mapping[str, object]) -> str:
    parts = [
        f"{k} of shape {v.shape}" if isinstance(v, np.ndarray) else f"{k} = {describe(v)}" for k, v in inputs.items()
    ]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def finite_result(value: NDArray[np.float64] | float, what: str, inputs: Mapping[str, object]) -> None:
    r"""Raise a `ValueError` if `value`, computed from finite `inputs`, is not finite: float64 overflowed.

    Args:
        value: the result, an array or a number.
        what: the function and the expression that overflowed, such as "forward: X @ W".
        inputs: the arguments it came from, by name: the message gives an array's shape, a number's value.
    """
    if not np.isfinite(value).all():
        raise ValueError(f"{what} overflows float64 for {_inputs(inputs)}")


def size(where: str, what: str, shape: tuple[int, ...], fix: str, holds: str = "would hold") -> None:
    r"""Raise a `ValueError` if `shape` counts more than `MAX_ENTRIES` entries, naming the bound and the fix.

    Args:
        where: the public function.
        what: the array with its shape in the convention's letters, such as "the Jacobian tensor of shape (n, z, z)".
        shape: that shape in numbers.
        fix: what to do instead, such as "use nnla.gradients, which builds no tensor".
        holds: the verb, for work rather than an array ("would handle").
    """
    entries = math.prod(shape)
    if entries > MAX_ENTRIES:
        raise ValueError(
            f"{where}: {what} = {shape} {holds} {entries:,} entries ({entries * 8 / 2**30:.3g} GiB of float64), "
            f"more than nnla.MAX_ENTRIES = {MAX_ENTRIES:,}; {fix}"
        )


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
    r"""Check that `value` is a finite real number (not a bool, not an array) float64 can hold; return it as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__}")
    result = _as_float(value)
    if result is None:
        raise ValueError(f"{name} must be a finite number float64 can hold; got {describe(value)}")
    if not math.isfinite(result):
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
        raise ValueError(f"{name} must be at least {minimum}; got {describe(value)}")
    return int(value)


def steps(value: object) -> int:
    r"""Check a number of steps of descent: an integer from 0 to `MAX_STEPS`."""
    result = count(value, "steps")
    if result > MAX_STEPS:
        raise ValueError(
            f"steps must be at most nnla.MAX_STEPS = {MAX_STEPS:,}; got {describe(result)}: split the run into "
            "calls of at most that many steps, each starting where the last one ended"
        )
    return result


def trace(where: str, n_steps: int, sizes: Mapping[str, int], fix: str) -> None:
    r"""Check that a trace of `n_steps + 1` points, each the loss and parameters of `sizes`, fits `MAX_ENTRIES`.

    Args:
        where: the public function.
        n_steps: the number of steps, already checked.
        sizes: each parameter's number of entries, by name, such as {"W": n z, "b": z}.
        fix: where the next call starts, such as "trace.W[-1], trace.b[-1]".
    """
    per_point = 1 + sum(sizes.values())
    letters = "(steps + 1, 1 + " + " + ".join(f"{name}.size" for name in sizes) + ")"
    size(
        where,
        f"the trace of the loss and the parameters at each point, of shape {letters}",
        (n_steps + 1, per_point),
        f"take at most {max(MAX_ENTRIES // per_point - 1, 0):,} steps in one call, and continue from {fix}",
    )
