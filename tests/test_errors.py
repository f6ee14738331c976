"""Bad input raises ValueError or TypeError with a message naming the argument, the expected and the actual."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest

import nnla
from nnla import examples

x = np.array([1.0, 2.0, -1.0])
W = np.array([[0.5, -1.0], [0.25, 0.5], [1.0, 0.0]])
b = np.array([0.1, -0.2])
t = np.array([1.0, 2.0])
X4 = np.arange(12.0).reshape(4, 3)
T4 = np.zeros((4, 2))
NAN_X = np.array([[1.0, np.nan, 3.0]])


def _exact(message: str) -> str:
    return "^" + re.escape(message) + "$"


# (id, call, exception, regular expression the message must match)
CASES: list[tuple[str, Callable[[], object], type[Exception], str]] = [
    (
        "W transposed",
        lambda: nnla.jacobian_bias(x, W.T, b, t),
        ValueError,
        _exact("W must have shape (n, z) = (3, 2) to match x of shape (1, 3); got (2, 3)"),
    ),
    (
        "W wrong and b not a row",
        lambda: nnla.forward(X4, W.T, np.zeros((2, 2))),
        ValueError,
        _exact("W must have shape (n, z) with n = 3 to match X of shape (4, 3); got (2, 3)"),
    ),
    (
        "W 1-D",
        lambda: nnla.forward(X4, np.ones(3), b),
        ValueError,
        _exact("W must have shape (n, z) = (3, 2) to match X of shape (4, 3); got (3,)"),
    ),
    (
        "b wrong length",
        lambda: nnla.forward(X4, W, np.zeros(3)),
        ValueError,
        _exact("b must have shape (1, z) = (1, 2) or (z,) = (2,) to match W of shape (3, 2); got (3,)"),
    ),
    (
        "b a column",
        lambda: nnla.gradients(X4, W, b.reshape(2, 1), T4),
        ValueError,
        _exact("b must have shape (1, z) = (1, 2) or (z,) = (2,) to match W of shape (3, 2); got (2, 1)"),
    ),
    (
        "X 3-D",
        lambda: nnla.forward(np.zeros((2, 2, 3)), W, b),
        ValueError,
        _exact("X must have shape (m, n), or (n,) for one row, with sizes at least 1; got (2, 2, 3)"),
    ),
    (
        "X empty",
        lambda: nnla.forward(np.zeros((0, 3)), W, b),
        ValueError,
        _exact("X must have shape (m, n), or (n,) for one row, with sizes at least 1; got (0, 3)"),
    ),
    (
        "X a scalar",
        lambda: nnla.max_stable_lr(3.0, z=2),
        ValueError,
        _exact("X must have shape (m, n), or (n,) for one row, with sizes at least 1; got ()"),
    ),
    (
        "T rows",
        lambda: nnla.gradients(X4, W, b, np.zeros((3, 2))),
        ValueError,
        _exact("T must have shape (m, z) = (4, 2) to match X of shape (4, 3) and W of shape (3, 2); got (3, 2)"),
    ),
    (
        "T columns in update",
        lambda: nnla.update(X4, W, b, np.zeros((4, 3)), lr=0.1),
        ValueError,
        _exact("T must have shape (m, z) = (4, 2) to match X of shape (4, 3) and W of shape (3, 2); got (4, 3)"),
    ),
    (
        "T 1-D for a batch",
        lambda: nnla.gradient_descent(X4, W, b, np.zeros(2), lr=0.1, steps=1),
        ValueError,
        _exact("T must have shape (m, z) = (4, 2) to match X of shape (4, 3) and W of shape (3, 2); got (2,)"),
    ),
    (
        "t wrong length",
        lambda: nnla.jacobian_weights(x, W, b, np.zeros(3)),
        ValueError,
        _exact("t must have shape (1, z) = (1, 2) to match W of shape (3, 2); got (3,)"),
    ),
    (
        "x is a batch",
        lambda: nnla.jacobian_weights(X4, W, b, t),
        ValueError,
        _exact("x must be one example, of shape (n,) or (1, n); got (4, 3)"),
    ),
    (
        "P shape",
        lambda: nnla.loss_vector(np.zeros((4, 2)), np.zeros((2, 4))),
        ValueError,
        _exact("P must have shape (m, z) = (4, 2) to match T of shape (4, 2); got (2, 4)"),
    ),
    (
        "T 3-D in sse",
        lambda: nnla.sse(np.zeros((1, 2, 2)), np.zeros((1, 2, 2))),
        ValueError,
        _exact("T must have shape (m, z), or (z,) for one row, with sizes at least 1; got (1, 2, 2)"),
    ),
    (
        "NaN in X",
        lambda: nnla.forward(NAN_X, W, b),
        ValueError,
        _exact("X must contain only finite numbers; got nan at index (0, 1)"),
    ),
    (
        "inf in W",
        lambda: nnla.gradients(X4, np.where(W == 0, np.inf, W), b, T4),
        ValueError,
        _exact("W must contain only finite numbers; got inf at index (2, 1)"),
    ),
    (
        "NaN in b",
        lambda: nnla.jacobian_bias(x, W, [0.0, np.nan], t),
        ValueError,
        _exact("b must contain only finite numbers; got nan at index (1,)"),
    ),
    (
        "-inf in t",
        lambda: nnla.jacobian_bias(x, W, b, [-np.inf, 0.0]),
        ValueError,
        _exact("t must contain only finite numbers; got -inf at index (0, 0)"),
    ),
    (
        "NaN in P",
        lambda: nnla.mse(t, [np.nan, 0.0]),
        ValueError,
        _exact("P must contain only finite numbers; got nan at index (0, 0)"),
    ),
    (
        "strings",
        lambda: nnla.forward(["a", "b", "c"], W, b),
        TypeError,
        _exact("X must be an array of real numbers; got an array of dtype <U1"),
    ),
    (
        "complex",
        lambda: nnla.forward(x, W, b + 1j),
        TypeError,
        _exact("b must be an array of real numbers; got an array of dtype complex128"),
    ),
    (
        "ragged",
        lambda: nnla.forward([[1.0, 2.0], [3.0]], W, b),
        TypeError,
        _exact("X must be an array of real numbers; got list"),
    ),
    (
        "objects",
        lambda: nnla.forward(x, W, [None, 1.0]),  # type: ignore[arg-type]  # wrong on purpose
        TypeError,
        _exact("b must be an array of real numbers; got list"),
    ),
    (
        "lr zero",
        lambda: nnla.update(X4, W, b, T4, lr=0),
        ValueError,
        _exact("lr must be a finite number greater than 0; got 0.0"),
    ),
    (
        "lr negative",
        lambda: nnla.gradient_descent(X4, W, b, T4, lr=-0.1, steps=3),
        ValueError,
        _exact("lr must be a finite number greater than 0; got -0.1"),
    ),
    (
        "lr NaN",
        lambda: nnla.gradient_descent(X4, W, b, T4, lr=float("nan"), steps=3),
        ValueError,
        _exact("lr must be a finite number; got nan"),
    ),
    (
        "lr inf",
        lambda: nnla.update(X4, W, b, T4, lr=np.inf),
        ValueError,
        _exact("lr must be a finite number; got inf"),
    ),
    (
        "lr a string",
        lambda: nnla.update(X4, W, b, T4, lr="0.1"),  # type: ignore[arg-type]
        TypeError,
        _exact("lr must be a real number; got str"),
    ),
    (
        "lr an array",
        lambda: nnla.update(X4, W, b, T4, lr=np.array([0.1])),  # type: ignore[arg-type]
        TypeError,
        _exact("lr must be a real number; got ndarray"),
    ),
    (
        "steps negative",
        lambda: nnla.gradient_descent(X4, W, b, T4, lr=0.1, steps=-1),
        ValueError,
        _exact("steps must be at least 0; got -1"),
    ),
    (
        "steps not an integer",
        lambda: nnla.gradient_descent(X4, W, b, T4, lr=0.1, steps=2.5),  # type: ignore[arg-type]
        TypeError,
        _exact("steps must be an integer; got float 2.5"),
    ),
    (
        "steps a bool",
        lambda: nnla.gradient_descent(X4, W, b, T4, lr=0.1, steps=True),
        TypeError,
        _exact("steps must be an integer; got bool True"),
    ),
    (
        "reduction in gradients",
        lambda: nnla.gradients(X4, W, b, T4, reduction="avg"),
        ValueError,
        _exact("reduction must be 'sum' or 'mean'; got 'avg'"),
    ),
    (
        "reduction in update",
        lambda: nnla.update(X4, W, b, T4, lr=0.1, reduction="MEAN"),
        ValueError,
        _exact("reduction must be 'sum' or 'mean'; got 'MEAN'"),
    ),
    (
        "reduction in gradient_descent",
        lambda: nnla.gradient_descent(X4, W, b, T4, lr=0.1, steps=1, reduction=None),  # type: ignore[arg-type]
        ValueError,
        _exact("reduction must be 'sum' or 'mean'; got None"),
    ),
    (
        "reduction in max_stable_lr",
        lambda: nnla.max_stable_lr(X4, z=2, reduction="max"),
        ValueError,
        _exact("reduction must be 'sum' or 'mean'; got 'max'"),
    ),
    (
        "z zero",
        lambda: nnla.max_stable_lr(X4, z=0),
        ValueError,
        _exact("z must be at least 1; got 0"),
    ),
    (
        "z a float",
        lambda: nnla.max_stable_lr(X4, z=2.0),  # type: ignore[arg-type]
        TypeError,
        _exact("z must be an integer; got float 2.0"),
    ),
    (
        "f not callable",
        lambda: nnla.numerical_jacobian(3, [1.0]),  # type: ignore[arg-type]
        TypeError,
        _exact("f must be callable; got int"),
    ),
    (
        "eps zero",
        lambda: nnla.numerical_jacobian(np.sin, [1.0], eps=0.0),
        ValueError,
        _exact("eps must be a finite number greater than 0; got 0.0"),
    ),
    (
        "eps negative",
        lambda: nnla.numerical_jacobian(np.sin, [1.0], eps=-1e-6),
        ValueError,
        _exact("eps must be a finite number greater than 0; got -1e-06"),
    ),
    (
        "eps too small for a",
        lambda: nnla.numerical_jacobian(np.sin, [1e30]),
        ValueError,
        _exact("eps must move a[0] = 1e+30 in float64; got 1e-06, which is too small"),
    ),
    (
        "a not finite",
        lambda: nnla.numerical_jacobian(np.sin, [0.0, np.inf]),
        ValueError,
        _exact("a must contain only finite numbers; got inf at index (1,)"),
    ),
    (
        "f changes shape",
        lambda: nnla.numerical_jacobian(lambda a: a[a > 0.5], np.array([0.5, 1.0])),
        ValueError,
        _exact("f must return the same shape at every point, (1,); got (2,)"),
    ),
    (
        "f not finite near a",
        lambda: nnla.numerical_jacobian(lambda a: np.where(abs(a) < 0.5, a, np.inf), np.zeros(2), eps=1.0),
        ValueError,
        _exact("f(a) near a[0] must contain only finite numbers; got inf at index (0,)"),
    ),
    (
        "f returns text",
        lambda: nnla.numerical_jacobian(lambda a: "x", [1.0]),
        TypeError,
        _exact("f(a) must be an array of real numbers; got an array of dtype <U1"),
    ),
    (
        "toy lr zero",
        lambda: examples.toy_descent(4.0, 3.0, lr=0.0, steps=3),
        ValueError,
        _exact("lr must be a finite number greater than 0; got 0.0"),
    ),
    (
        "toy start NaN",
        lambda: examples.toy_descent(float("nan"), 3.0, lr=0.1, steps=3),
        ValueError,
        _exact("w0 must be a finite number; got nan"),
    ),
    (
        "toy start an array",
        lambda: examples.toy_descent(4.0, np.array([3.0]), lr=0.1, steps=3),  # type: ignore[arg-type]
        TypeError,
        _exact("y0 must be a real number; got ndarray"),
    ),
    (
        "toy steps negative",
        lambda: examples.toy_descent(4.0, 3.0, lr=0.1, steps=-2),
        ValueError,
        _exact("steps must be at least 0; got -2"),
    ),
    (
        "toy overflow",
        lambda: examples.toy_descent(4.0, 3.0, lr=10.0, steps=1000),
        ValueError,
        r"^toy_descent overflows at step \d+ of 1000; take fewer steps or a smaller lr$",
    ),
    (
        "Example shapes",
        lambda: examples.Example("bad", "W does not fit X", X=X4, W=W[:2], b=b, T=T4),
        ValueError,
        _exact("W must have shape (n, z) = (3, 2) to match X of shape (4, 3); got (2, 2)"),
    ),
]


@pytest.mark.parametrize(("call", "error", "pattern"), [case[1:] for case in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_an_error_naming_the_argument(
    call: Callable[[], object], error: type[Exception], pattern: str
) -> None:
    """The error type and its whole message."""
    with pytest.raises(error, match=pattern):
        call()


BAD_SHAPES = [
    ((2, 3), (3, 2), (2,), (3, 2)),
    ((2, 3), (2, 2), (2,), (2, 2)),
    ((2, 3), (3, 2), (3,), (2, 2)),
    ((2, 3), (3, 2), (1, 3), (2, 2)),
    ((2, 3), (3, 2), (2,), (2, 3)),
    ((2, 3), (3, 2), (2,), (2, 2, 1)),
    ((2, 3), (3, 2, 1), (2,), (2, 2)),
    ((3,), (3, 2), (2, 2), (2,)),
    ((1, 3), (3,), (2,), (1, 2)),
]


@pytest.mark.parametrize(("X_shape", "W_shape", "b_shape", "T_shape"), BAD_SHAPES)
def test_no_bad_shape_reaches_numpy_broadcasting(
    X_shape: tuple[int, ...], W_shape: tuple[int, ...], b_shape: tuple[int, ...], T_shape: tuple[int, ...]
) -> None:
    """Every public function with (X, W, b, T) stops a mismatch with its own message, never NumPy's."""
    X_, W_, b_, T_ = (np.ones(s) for s in (X_shape, W_shape, b_shape, T_shape))
    calls: list[Callable[[], object]] = [
        lambda: nnla.gradients(X_, W_, b_, T_),
        lambda: nnla.update(X_, W_, b_, T_, lr=0.1),
        lambda: nnla.gradient_descent(X_, W_, b_, T_, lr=0.1, steps=2),
        lambda: nnla.loss_vector(T_, nnla.forward(X_, W_, b_)),
    ]
    if X_shape[0] == 1 or len(X_shape) == 1:
        calls += [lambda: nnla.jacobian_bias(X_, W_, b_, T_), lambda: nnla.jacobian_weights(X_, W_, b_, T_)]
    for call in calls:
        with pytest.raises(ValueError, match=r"^[XxWbTtP] must have shape") as info:
            call()
        assert "broadcast" not in str(info.value)
