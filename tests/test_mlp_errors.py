"""Bad input to the hidden layer's functions raises an error naming the argument, the expected and the actual."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import numpy as np
import pytest

import nnla
from nnla import examples

X = np.arange(8.0).reshape(4, 2)  # m = 4, n = 2
W1 = np.ones((2, 3))  # k = 3
b1 = np.zeros(3)
W2 = np.ones((3, 1))  # z = 1
b2 = np.zeros(1)
T = np.zeros((4, 1))
x, t = X[0], T[0]


def _exact(message: str) -> str:
    return "^" + re.escape(message) + "$"


def _with(a: np.ndarray, index: tuple[int, ...], value: float) -> np.ndarray:
    out = a.astype(np.float64)
    out[index] = value
    return out


# (id, call, exception, the whole message)
CASES: list[tuple[str, Callable[[], object], type[Exception], str]] = [
    (
        "W1 transposed",
        lambda: nnla.network_forward(X, W1.T, b1, W2, b2),
        ValueError,
        "W1 must have shape (n, k) = (2, 3) to match X of shape (4, 2); got (3, 2)",
    ),
    (
        "W1 wrong and b1 not a row",
        lambda: nnla.backprop(X, W1.T, np.zeros((2, 3)), W2, b2, T),
        ValueError,
        "W1 must have shape (n, k) with n = 2 to match X of shape (4, 2); got (3, 2)",
    ),
    (
        "W1 1-D",
        lambda: nnla.network_forward(X, np.ones(2), b1, W2, b2),
        ValueError,
        "W1 must have shape (n, k) = (2, 3) to match X of shape (4, 2); got (2,)",
    ),
    (
        "b1 wrong length",
        lambda: nnla.network_forward(X, W1, np.zeros(2), W2, b2),
        ValueError,
        "b1 must have shape (1, k) = (1, 3) or (k,) = (3,) to match W1 of shape (2, 3); got (2,)",
    ),
    (
        "b1 a column",
        lambda: nnla.backprop(X, W1, np.zeros((3, 1)), W2, b2, T),
        ValueError,
        "b1 must have shape (1, k) = (1, 3) or (k,) = (3,) to match W1 of shape (2, 3); got (3, 1)",
    ),
    (
        "W2 rows",
        lambda: nnla.network_forward(X, W1, b1, np.ones((2, 1)), b2),
        ValueError,
        "W2 must have shape (k, z) = (3, 1) to match W1 of shape (2, 3); got (2, 1)",
    ),
    (
        "W2 transposed and b2 not a row",
        lambda: nnla.network_descent(X, W1, b1, W2.T, np.zeros((3, 3)), T, lr=0.1, steps=1),
        ValueError,
        "W2 must have shape (k, z) with k = 3 to match W1 of shape (2, 3); got (1, 3)",
    ),
    (
        "b2 wrong length",
        lambda: nnla.network_forward(X, W1, b1, W2, np.zeros(2)),
        ValueError,
        "b2 must have shape (1, z) = (1, 1) or (z,) = (1,) to match W2 of shape (3, 1); got (2,)",
    ),
    (
        "X 3-D",
        lambda: nnla.network_forward(np.zeros((4, 2, 1)), W1, b1, W2, b2),
        ValueError,
        "X must have shape (m, n), or (n,) for one row, with sizes at least 1; got (4, 2, 1)",
    ),
    (
        "T rows",
        lambda: nnla.backprop(X, W1, b1, W2, b2, np.zeros((3, 1))),
        ValueError,
        "T must have shape (m, z) = (4, 1) to match X of shape (4, 2) and W2 of shape (3, 1); got (3, 1)",
    ),
    (
        "T columns in descent",
        lambda: nnla.network_descent(X, W1, b1, W2, b2, np.zeros((4, 2)), lr=0.1, steps=1),
        ValueError,
        "T must have shape (m, z) = (4, 1) to match X of shape (4, 2) and W2 of shape (3, 1); got (4, 2)",
    ),
    (
        "x is a batch",
        lambda: nnla.stage_jacobians(X, W1, b1, W2, b2, t),
        ValueError,
        "x must be one example, of shape (n,) or (1, n); got (4, 2)",
    ),
    (
        "W1 wrong for one example",
        lambda: nnla.network_jacobians(x, W1.T, b1, W2, b2, t),
        ValueError,
        "W1 must have shape (n, k) = (2, 3) to match x of shape (1, 2); got (3, 2)",
    ),
    (
        "t wrong length",
        lambda: nnla.network_jacobians(x, W1, b1, W2, b2, np.zeros(2)),
        ValueError,
        "t must have shape (1, z) = (1, 1) to match W2 of shape (3, 1); got (2,)",
    ),
    (
        "a is a batch",
        lambda: nnla.jacobian_tanh(np.zeros((2, 3))),
        ValueError,
        "a must be one example, of shape (k,) or (1, k); got (2, 3)",
    ),
    (
        "NaN in X",
        lambda: nnla.backprop(_with(X, (1, 0), np.nan), W1, b1, W2, b2, T),
        ValueError,
        "X must contain only finite numbers; got nan at index (1, 0)",
    ),
    (
        "inf in W1",
        lambda: nnla.backprop(X, _with(W1, (0, 2), np.inf), b1, W2, b2, T),
        ValueError,
        "W1 must contain only finite numbers; got inf at index (0, 2)",
    ),
    (
        "NaN in b1",
        lambda: nnla.network_forward(X, W1, _with(b1, (1,), np.nan), W2, b2),
        ValueError,
        "b1 must contain only finite numbers; got nan at index (1,)",
    ),
    (
        "-inf in W2",
        lambda: nnla.stage_jacobians(x, W1, b1, _with(W2, (2, 0), -np.inf), b2, t),
        ValueError,
        "W2 must contain only finite numbers; got -inf at index (2, 0)",
    ),
    (
        "NaN in b2",
        lambda: nnla.network_descent(X, W1, b1, W2, _with(b2, (0,), np.nan), T, 0.1, 1),
        ValueError,
        "b2 must contain only finite numbers; got nan at index (0,)",
    ),
    (
        "inf in T",
        lambda: nnla.backprop(X, W1, b1, W2, b2, _with(T, (3, 0), np.inf)),
        ValueError,
        "T must contain only finite numbers; got inf at index (3, 0)",
    ),
    (
        "NaN in t",
        lambda: nnla.network_jacobians(x, W1, b1, W2, b2, [np.nan]),
        ValueError,
        "t must contain only finite numbers; got nan at index (0, 0)",
    ),
    (
        "inf in A",
        lambda: nnla.tanh([0.0, np.inf]),
        ValueError,
        "A must contain only finite numbers; got inf at index (1,)",
    ),
    (
        "NaN in A'",
        lambda: nnla.tanh_derivative([[np.nan]]),
        ValueError,
        "A must contain only finite numbers; got nan at index (0, 0)",
    ),
    (
        "NaN in a",
        lambda: nnla.jacobian_tanh([np.nan]),
        ValueError,
        "a must contain only finite numbers; got nan at index (0, 0)",
    ),
    (
        "strings in W1",
        lambda: nnla.network_forward(X, [["a"] * 3] * 2, b1, W2, b2),
        TypeError,
        "W1 must be an array of real numbers; got an array of dtype <U1",
    ),
    (
        "complex b2",
        lambda: nnla.backprop(X, W1, b1, W2, b2 + 1j, T),
        TypeError,
        "b2 must be an array of real numbers; got an array of dtype complex128",
    ),
    (
        "reduction in backprop",
        lambda: nnla.backprop(X, W1, b1, W2, b2, T, reduction="avg"),
        ValueError,
        "reduction must be 'sum' or 'mean'; got 'avg'",
    ),
    (
        "reduction in descent",
        lambda: nnla.network_descent(X, W1, b1, W2, b2, T, 0.1, 1, "MEAN"),
        ValueError,
        "reduction must be 'sum' or 'mean'; got 'MEAN'",
    ),
    (
        "lr zero",
        lambda: nnla.network_descent(X, W1, b1, W2, b2, T, lr=0, steps=1),
        ValueError,
        "lr must be a finite number greater than 0; got 0.0",
    ),
    (
        "lr NaN",
        lambda: nnla.network_descent(X, W1, b1, W2, b2, T, lr=float("nan"), steps=1),
        ValueError,
        "lr must be a finite number; got nan",
    ),
    (
        "lr a string",
        lambda: nnla.network_descent(X, W1, b1, W2, b2, T, lr="0.1", steps=1),  # type: ignore[arg-type]  # wrong on purpose
        TypeError,
        "lr must be a real number; got str",
    ),
    (
        "steps negative",
        lambda: nnla.network_descent(X, W1, b1, W2, b2, T, lr=0.1, steps=-1),
        ValueError,
        "steps must be at least 0; got -1",
    ),
    (
        "steps a float",
        lambda: nnla.network_descent(X, W1, b1, W2, b2, T, lr=0.1, steps=2.0),  # type: ignore[arg-type]  # wrong on purpose
        TypeError,
        "steps must be an integer; got float 2.0",
    ),
    ("chain of nothing", lambda: nnla.chain(), ValueError, "chain needs at least one factor; got none"),
    (
        "chain of a scalar",
        lambda: nnla.chain(3.0),
        ValueError,
        "factors[0] must have at least one axis, the output's; got shape ()",
    ),
    (
        "chain mismatch",
        lambda: nnla.chain(np.ones((2, 3, 4)), np.ones((4, 2)), np.ones((3, 1))),
        ValueError,
        "factors[2] must have shape (2, q) to follow factors[1] of shape (4, 2); got (3, 1)",
    ),
    (
        "chain of a tensor",
        lambda: nnla.chain(np.ones((2, 3)), np.ones((3, 2, 2))),
        ValueError,
        "factors[1] must have shape (3, q) to follow factors[0] of shape (2, 3); got (3, 2, 2)",
    ),
    (
        "chain NaN",
        lambda: nnla.chain(np.ones((2, 3)), _with(np.ones((3, 1)), (1, 0), np.nan)),
        ValueError,
        "factors[1] must contain only finite numbers; got nan at index (1, 0)",
    ),
    (
        "example shapes",
        lambda: examples.NetworkExample("bad", "W2 does not fit W1", X=X, T=T, W1=W1, b1=b1, W2=W2[:2], b2=b2),
        ValueError,
        "W2 must have shape (k, z) = (3, 1) to match W1 of shape (2, 3); got (2, 1)",
    ),
]


@pytest.mark.parametrize(("call", "error", "message"), [case[1:] for case in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_an_error_naming_the_argument(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    """The error type and its whole message."""
    with pytest.raises(error, match=_exact(message)):
        call()


SHAPES = {"X": (4, 2), "W1": (2, 3), "b1": (1, 3), "W2": (3, 1), "b2": (1, 1), "T": (4, 1)}
WRONG = [(2, 4), (5,), (1, 2, 3), (0, 3)]  # each fits no argument
MESSAGE = re.compile(r"^(X|x|W1|b1|W2|b2|T|t) must (have shape|be one example)")


@pytest.mark.parametrize(("name", "wrong"), list(itertools.product(SHAPES, WRONG)))
def test_no_bad_shape_reaches_numpy_broadcasting(name: str, wrong: tuple[int, ...]) -> None:
    """Every public function that takes the network stops a mismatch with its own message, which names the
    argument (or, when the argument fits alone, the one it fails to match, citing it)."""
    a = {key: np.ones(shape) for key, shape in SHAPES.items()}
    a[name] = np.ones(wrong)
    one = {key: value[:1] if key in ("X", "T") and key != name else value for key, value in a.items()}
    calls: list[Callable[[], object]] = [
        lambda: nnla.backprop(a["X"], a["W1"], a["b1"], a["W2"], a["b2"], a["T"]),
        lambda: nnla.network_descent(a["X"], a["W1"], a["b1"], a["W2"], a["b2"], a["T"], lr=0.1, steps=2),
        lambda: nnla.network_jacobians(one["X"], one["W1"], one["b1"], one["W2"], one["b2"], one["T"]),
        lambda: nnla.stage_jacobians(one["X"], one["W1"], one["b1"], one["W2"], one["b2"], one["T"]),
    ]
    if name != "T":
        calls.append(lambda: nnla.network_forward(a["X"], a["W1"], a["b1"], a["W2"], a["b2"]))
    for call in calls:
        with pytest.raises(ValueError, match=MESSAGE) as info:
            call()
        message = str(info.value)
        assert "broadcast" not in message
        assert re.search(rf"\b{name}\b", message, flags=re.IGNORECASE), message
