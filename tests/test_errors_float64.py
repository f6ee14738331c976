"""Values float64 cannot hold: integers and fractions beyond it, masked arrays, and results that overflow it.

Each public function either returns finite numbers, exactly those of the plain NumPy expression it stands for, or
raises an error that names the argument (or the expression and the inputs) — never NaN, infinity, a
`RuntimeWarning` (`filterwarnings = error` turns one into a failure) or Python's `OverflowError`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.typing import NDArray

import nnla
from nnla import examples

MAX_EXAMPLES = 150  # per test: the calls are on arrays of a few entries
SIZES = st.integers(1, 4)
SMALL = st.floats(-10, 10, allow_nan=False, allow_infinity=False, allow_subnormal=False)
# every decade from 1 to 1e307, so that products, squares and sums overflow about as often as not
LARGE = st.builds(lambda mantissa, exponent: mantissa * 10.0**exponent, st.floats(-9.99, 9.99), st.integers(0, 307))
VALUES = st.one_of(SMALL, LARGE)
# integers from just beyond float64 (1.8e308) to thousands of digits, which Python will not even print
BEYOND = st.one_of(st.integers(2**1024, 10**400), st.integers(10**400, 10**5000)).flatmap(
    lambda v: st.sampled_from([v, -v])
)


def _f(a: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.tanh(a) * 2.0


@dataclass(frozen=True)
class Call:
    """A public function and valid arguments for it, the arrays by name, so that a test can spoil one."""

    name: str
    function: Callable[..., Any]
    arrays: dict[str, Any]
    scalars: dict[str, Any]

    def __call__(self, **changes: Any) -> Any:
        arguments = {**self.arrays, **self.scalars, **changes}
        factors = [arguments.pop(key) for key in list(arguments) if key.startswith("factors[")]
        return self.function(*factors, **arguments)


X, W, b, T = np.arange(6.0).reshape(2, 3) / 7, np.ones((3, 2)) / 3, np.array([[0.1, -0.2]]), np.ones((2, 2))
W1, b1, W2, b2 = np.ones((3, 2)) / 5, np.zeros((1, 2)), np.ones((2, 2)) / 4, np.zeros((1, 2))
CALLS = [
    Call("forward", nnla.forward, {"X": X, "W": W, "b": b}, {}),
    Call("loss_vector", nnla.loss_vector, {"T": T, "P": T / 2}, {}),
    Call("sse", nnla.sse, {"T": T, "P": T / 2}, {}),
    Call("mse", nnla.mse, {"T": T, "P": T / 2}, {}),
    Call("jacobian_bias", nnla.jacobian_bias, {"x": X[:1], "W": W, "b": b, "t": T[:1]}, {}),
    Call("jacobian_weights", nnla.jacobian_weights, {"x": X[:1], "W": W, "b": b, "t": T[:1]}, {}),
    Call("gradients", nnla.gradients, {"X": X, "W": W, "b": b, "T": T}, {}),
    Call("update", nnla.update, {"X": X, "W": W, "b": b, "T": T}, {"lr": 0.1}),
    Call("gradient_descent", nnla.gradient_descent, {"X": X, "W": W, "b": b, "T": T}, {"lr": 0.1, "steps": 2}),
    Call("max_stable_lr", nnla.max_stable_lr, {"X": X}, {"z": 2}),
    Call("numerical_jacobian", nnla.numerical_jacobian, {"a": X}, {"f": _f, "eps": 1e-6}),
    Call("tanh", nnla.tanh, {"A": X}, {}),
    Call("tanh_derivative", nnla.tanh_derivative, {"A": X}, {}),
    Call("jacobian_tanh", nnla.jacobian_tanh, {"a": X[0]}, {}),
    Call("chain", nnla.chain, {"factors[0]": W, "factors[1]": W2}, {}),
    Call("network_forward", nnla.network_forward, {"X": X, "W1": W1, "b1": b1, "W2": W2, "b2": b2}, {}),
    Call("backprop", nnla.backprop, {"X": X, "W1": W1, "b1": b1, "W2": W2, "b2": b2, "T": T}, {}),
    Call(
        "network_descent",
        nnla.network_descent,
        {"X": X, "W1": W1, "b1": b1, "W2": W2, "b2": b2, "T": T},
        {"lr": 0.1, "steps": 2},
    ),
    Call("stage_jacobians", nnla.stage_jacobians, {"x": X[0], "W1": W1, "b1": b1, "W2": W2, "b2": b2, "t": T[0]}, {}),
    Call(
        "network_jacobians", nnla.network_jacobians, {"x": X[0], "W1": W1, "b1": b1, "W2": W2, "b2": b2, "t": T[0]}, {}
    ),
    Call("toy_descent", examples.toy_descent, {}, {"w0": 4.0, "y0": 3.0, "lr": 0.1, "steps": 2}),
]
ARRAY_ARGUMENTS = [(call, name) for call in CALLS for name in call.arrays]
REAL_ARGUMENTS = [(call, name) for call in CALLS for name in call.scalars if name in ("lr", "eps", "w0", "y0")]


def _spoiled(value: np.ndarray, index: int, entry: object) -> list[Any]:
    """`value` as nested lists of Python floats, with its flat entry `index` replaced by `entry`."""
    flat: list[Any] = np.asarray(value, dtype=np.float64).ravel().tolist()
    flat[index % len(flat)] = entry
    shaped: Any = flat
    for size in reversed(np.shape(value)[1:]):
        shaped = [shaped[i : i + size] for i in range(0, len(shaped), size)]
    assert isinstance(shaped, list)
    return shaped


def _id(case: tuple[Call, str]) -> str:
    return f"{case[0].name}-{case[1]}"


# ----------------------------------------------------------------------------- numbers no float64 can hold


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(st.sampled_from(ARRAY_ARGUMENTS), st.integers(0, 100), BEYOND)
def test_an_integer_beyond_float64_in_any_array_is_a_value_error_naming_it(
    case: tuple[Call, str], index: int, entry: int
) -> None:
    """Not Python's OverflowError from NumPy's conversion: a ValueError that names the argument and the index."""
    call, name = case
    with pytest.raises(ValueError, match=rf"^{re.escape(name)} must contain only numbers float64 can hold") as info:
        call(**{name: _spoiled(call.arrays[name], index, entry)})
    assert "about " + ("-" if entry < 0 else "") + "10**" in str(info.value)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(st.sampled_from(ARRAY_ARGUMENTS), st.integers(0, 100), BEYOND, st.integers(1, 10**6))
def test_a_fraction_beyond_float64_is_a_value_error_naming_it(
    case: tuple[Call, str], index: int, numerator: int, denominator: int
) -> None:
    """Fractions are real numbers the functions take; one too large for float64 is refused like an integer."""
    call, name = case
    entry = Fraction(2 * numerator * denominator + 1, denominator)
    with pytest.raises(ValueError, match=rf"^{re.escape(name)} must contain only numbers float64 can hold"):
        call(**{name: _spoiled(call.arrays[name], index, entry)})


@pytest.mark.skipif(bool(np.finfo(np.longdouble).max <= np.finfo(np.float64).max), reason="long double is float64 here")
@pytest.mark.parametrize(("call", "name"), ARRAY_ARGUMENTS, ids=list(map(_id, ARRAY_ARGUMENTS)))
def test_a_long_double_beyond_float64_is_a_value_error_naming_it(call: Call, name: str) -> None:
    """An array of dtype longdouble holding 1e400: not a RuntimeWarning and an 'infinite' entry it never had."""
    value = np.asarray(call.arrays[name], dtype=np.longdouble).copy()
    value.flat[-1] = np.longdouble("1e400")
    with pytest.raises(ValueError, match=rf"^{re.escape(name)} must contain only numbers float64 can hold"):
        call(**{name: value})


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(st.sampled_from(REAL_ARGUMENTS), BEYOND)
def test_a_scalar_beyond_float64_is_a_value_error_naming_it(case: tuple[Call, str], value: int) -> None:
    """lr, eps, w0, y0 = 10**400: a ValueError naming the argument, not an OverflowError from float()."""
    call, name = case
    with pytest.raises(ValueError, match=rf"^{name} must be a finite number float64 can hold; got about -?10\*\*\d+$"):
        call(**{name: value})


# ------------------------------------------------------------------------------------------------ masked arrays


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(st.sampled_from(ARRAY_ARGUMENTS), st.data())
def test_a_masked_array_is_refused_with_a_type_error_naming_it(case: tuple[Call, str], data: st.DataObject) -> None:
    """Whatever its mask (none set, some, all): NumPy would drop it and compute on the hidden values."""
    call, name = case
    value = np.asarray(call.arrays[name], dtype=np.float64)
    mask = data.draw(arrays(np.bool_, value.shape))
    masked = np.ma.array(value, mask=mask)
    form = data.draw(st.sampled_from(["array", "rows", "entries"]))
    if form == "rows" and value.ndim == 2:
        argument: Any = list(masked)  # a list of masked rows
    elif form == "entries":
        argument = [np.ma.masked if m else v for m, v in zip(mask.ravel(), value.ravel().tolist(), strict=True)]
        argument = np.reshape(np.array(argument, dtype=object), value.shape).tolist()
    else:
        argument = masked
    if form == "entries" and not mask.any():
        return  # no masked entry: a plain list
    with pytest.raises(TypeError, match=rf"^{re.escape(name)} must not be a masked array, nor hold one: "):
        call(**{name: argument})


def test_a_masked_example_is_refused_not_used_as_zero() -> None:
    """The issue's case: the mask of x was ignored, and forward computed with the hidden 2.0."""
    x = np.ma.array([1.0, 2.0, -1.0], mask=[False, True, False])
    with pytest.raises(TypeError, match=r"^X must not be a masked array, nor hold one: nnla would ignore the mask"):
        nnla.forward(x, W, b)


# ---------------------------------------------------------------------------------- results that overflow float64


def matrices(rows: int, cols: int) -> st.SearchStrategy[np.ndarray]:
    return arrays(np.float64, (rows, cols), elements=VALUES)


@st.composite
def layers(draw: st.DrawFn, one: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X, W, b, T) of shapes (m, n), (n, z), (1, z), (m, z), with entries of every magnitude float64 holds."""
    m, n, z = 1 if one else draw(SIZES), draw(SIZES), draw(SIZES)
    return draw(matrices(m, n)), draw(matrices(n, z)), draw(matrices(1, z)), draw(matrices(m, z))


def _finite(*values: Any) -> bool:
    return all(np.isfinite(v).all() for v in values)


def _overflow(function: str, names: str) -> str:
    """The message of a result that overflows: the function, the expression, then inputs (of `names`) by name."""
    one = "(" + "|".join(re.escape(name) for name in names.split()) + r") (of shape \([\d, ]+\)|= \S+( \S+)?)"
    return rf"^{function}: .+ overflows float64 for {one}((, | and ){one})*$"


def _same_or_overflow(function: str, names: str, call: Callable[[], Any], reference: Callable[[], Any]) -> None:
    """`call` gives exactly the reference expression's values where those are finite, and else the overflow error."""
    with np.errstate(over="ignore", invalid="ignore"):
        expected = reference()
    parts = expected if isinstance(expected, tuple) else (expected,)
    if _finite(*parts):
        actual = call()
        for a, e in zip(actual if isinstance(actual, tuple) else (actual,), parts, strict=True):
            np.testing.assert_array_equal(a, e)
    else:
        with pytest.raises(ValueError, match=_overflow(function, names)):
            call()


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(layers())
def test_forward_gives_xw_plus_b_or_names_the_overflow(problem: tuple[np.ndarray, ...]) -> None:
    X_, W_, b_, _ = problem
    _same_or_overflow("forward", "X W b", lambda: nnla.forward(X_, W_, b_), lambda: X_ @ W_ + b_)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(st.data())
def test_the_losses_give_the_squares_and_their_sums_or_name_the_overflow(data: st.DataObject) -> None:
    m, z = data.draw(SIZES), data.draw(SIZES)
    T_, P_ = data.draw(matrices(m, z)), data.draw(matrices(m, z))

    def squares() -> np.ndarray:
        E: NDArray[np.float64] = T_ - P_
        return E * E

    _same_or_overflow("loss_vector", "T P", lambda: nnla.loss_vector(T_, P_), squares)
    _same_or_overflow("sse", "T P", lambda: nnla.sse(T_, P_), lambda: float(squares().sum()))
    _same_or_overflow("mse", "T P", lambda: nnla.mse(T_, P_), lambda: float(squares().sum() / squares().size))


def _raw_gradients(X_: np.ndarray, W_: np.ndarray, b_: np.ndarray, T_: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    G = X_ @ W_ + b_ - T_  # P - T = -E
    G = G * 2.0
    return X_.T @ G, G.sum(axis=0, keepdims=True)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(layers(), st.sampled_from([1e-3, 0.5, 1e300]))
def test_gradients_and_update_give_the_raw_expression_or_name_the_overflow(
    problem: tuple[np.ndarray, ...], lr: float
) -> None:
    X_, W_, b_, T_ = problem
    _same_or_overflow("gradients", "X W b T", lambda: nnla.gradients(X_, W_, b_, T_), lambda: _raw_gradients(*problem))

    def step() -> tuple[np.ndarray, np.ndarray]:
        dW, db = _raw_gradients(*problem)
        return W_ - lr * dW, b_ - lr * db

    _same_or_overflow("update", "X W b T lr", lambda: nnla.update(X_, W_, b_, T_, lr), step)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(layers(one=True))
def test_the_jacobians_give_minus_2_e_x_or_name_the_overflow(problem: tuple[np.ndarray, ...]) -> None:
    x, W_, b_, t = problem
    n, z = W_.shape

    def by_hand() -> tuple[np.ndarray, np.ndarray]:
        e = (t - (x @ W_ + b_))[0]
        J_b, J_W = np.zeros((z, z)), np.zeros((n, z, z))
        for k in range(z):
            J_b[k, k] = -2 * e[k]
            J_W[:, k, k] = -2 * e[k] * x[0]
        return J_b, J_W

    _same_or_overflow("jacobian_bias", "x W b t", lambda: nnla.jacobian_bias(x, W_, b_, t), lambda: by_hand()[0])
    _same_or_overflow("jacobian_weights", "x W b t", lambda: nnla.jacobian_weights(x, W_, b_, t), lambda: by_hand()[1])


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(st.data(), st.sampled_from(["sum", "mean"]))
def test_max_stable_lr_gives_2_over_lambda_max_or_names_the_overflow(data: st.DataObject, reduction: str) -> None:
    m, n = data.draw(SIZES), data.draw(SIZES)
    X_ = data.draw(matrices(m, n))
    z = data.draw(st.one_of(st.integers(1, 5), st.integers(10**300, 10**320)))
    sigma = float(np.linalg.norm(np.hstack([X_, np.ones((m, 1))]), 2))

    def reference() -> float:
        try:
            return 2 / (2 * sigma**2 if reduction == "sum" else 2 * sigma**2 / (m * z))
        except (OverflowError, ZeroDivisionError):
            return np.inf

    with np.errstate(over="ignore"):
        expected = reference()
    if np.isfinite(expected) and expected > 0:
        assert nnla.max_stable_lr(X_, z, reduction) == expected
    else:
        with pytest.raises(
            ValueError, match=r"^max_stable_lr: .+ overflows float64 for X of shape \(\d+, \d+\) and z = "
        ):
            nnla.max_stable_lr(X_, z, reduction)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(st.data())
def test_chain_gives_the_product_or_names_the_overflow(data: st.DataObject) -> None:
    sizes = data.draw(st.lists(SIZES, min_size=2, max_size=4))
    factors = [data.draw(matrices(p, q)) for p, q in itertools.pairwise(sizes)]

    def product() -> np.ndarray:
        result = factors[-1]
        for J in reversed(factors[:-1]):
            result = np.tensordot(J, result, axes=1)
        return result

    names = " ".join(f"factors[{s}]" for s in range(len(factors)))
    _same_or_overflow("chain", names, lambda: nnla.chain(*factors), product)


@st.composite
def networks(draw: st.DrawFn, one: bool = False) -> tuple[np.ndarray, ...]:
    """(X, W1, b1, W2, b2, T) with entries of every magnitude float64 holds."""
    m, n, k, z = 1 if one else draw(SIZES), draw(SIZES), draw(SIZES), draw(SIZES)
    return tuple(draw(matrices(*shape)) for shape in ((m, n), (n, k), (1, k), (k, z), (1, z), (m, z)))


def _raw_network(
    X_: np.ndarray, W1_: np.ndarray, b1_: np.ndarray, W2_: np.ndarray, b2_: np.ndarray
) -> tuple[np.ndarray, ...]:
    A1 = X_ @ W1_ + b1_
    H = np.tanh(A1)
    return A1, H, H @ W2_ + b2_


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(networks())
def test_the_network_forward_and_backprop_give_the_raw_expressions_or_name_the_overflow(
    problem: tuple[np.ndarray, ...],
) -> None:
    X_, W1_, b1_, W2_, b2_, T_ = problem

    def forward() -> tuple[np.ndarray, ...]:
        return _raw_network(*problem[:5])

    def gradients() -> tuple[np.ndarray, ...]:
        A1, H, P = forward()
        D2 = (P - T_) * 2.0
        D1 = (D2 @ W2_.T) * (1.0 - H * H)
        grads = (X_.T @ D1, D1.sum(axis=0, keepdims=True), H.T @ D2, D2.sum(axis=0, keepdims=True))
        return grads if _finite(A1, P) else (np.full(1, np.inf), *grads[1:])

    def network() -> tuple[np.ndarray, ...]:
        out = nnla.network_forward(*problem[:5])
        return out.A1, out.H, out.P

    _same_or_overflow("network_forward", "X W1 b1 W2 b2", network, forward)
    _same_or_overflow("backprop", "X W1 b1 W2 b2 T", lambda: nnla.backprop(X_, W1_, b1_, W2_, b2_, T_), gradients)


FUNCTIONS_OF_ONE_EXAMPLE = [nnla.stage_jacobians, nnla.network_jacobians]


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(networks(one=True), st.sampled_from(FUNCTIONS_OF_ONE_EXAMPLE))
def test_the_chain_rule_jacobians_are_finite_or_name_the_overflow(
    problem: tuple[np.ndarray, ...], function: Callable[..., Any]
) -> None:
    """Finite Jacobians where the forward pass, e = t - p and the products are finite; else the overflow named."""
    with np.errstate(over="ignore", invalid="ignore"):
        A1, _, P = _raw_network(*problem[:5])
        forward_overflows = not _finite(A1, P, -2.0 * (problem[5] - P))
    if forward_overflows:
        with pytest.raises(ValueError, match=_overflow(function.__name__, "x W1 b1 W2 b2 t")):
            function(*problem)
        return
    try:
        result = function(*problem)
    except ValueError as error:  # only the products of network_jacobians may overflow past a finite forward pass
        message = str(error)
        assert function is nnla.network_jacobians
        assert re.match(r"^network_jacobians: ∂ℓ/∂(W1|b1|W2|b2) overflows float64 for x of shape", message), message
        return
    parts = result if isinstance(result, tuple) else vars(result).values()
    assert _finite(*parts)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(layers(), st.floats(1e-3, 1e3))
def test_descent_on_huge_values_reports_divergence_and_hands_out_only_finite_numbers(
    problem: tuple[np.ndarray, ...], lr: float
) -> None:
    """The descents stop at the overflow, as they did: no error, no warning, a trace of finite numbers."""
    X_, W_, b_, T_ = problem
    trace = nnla.gradient_descent(X_, W_, b_, T_, lr, steps=5)
    assert _finite(trace.losses, trace.W, trace.b)
    assert trace.diverged == (trace.losses.shape[0] < 6)
    z = W_.shape[1]
    net = nnla.network_descent(X_, W_, b_, np.ones((z, 1)), np.zeros(1), T_[:, :1], lr, steps=5)
    assert _finite(net.losses, net.W1, net.b1, net.W2, net.b2)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(st.data())
def test_numerical_jacobian_names_a_difference_that_overflows(data: st.DataObject) -> None:
    """f finite near a, but f(a + eps) - f(a - eps) beyond float64: an error, not an infinite slope."""
    a = data.draw(arrays(np.float64, data.draw(SIZES), elements=SMALL))
    scale = data.draw(st.sampled_from([1.0, 1e300, 1.7e308]))

    def f(v: np.ndarray) -> np.ndarray:
        return np.where(v > a, scale, -scale)  # a step of 2 scale across a

    with np.errstate(over="ignore"):
        finite = np.isfinite(2 * scale / 2e-6)
    if finite:
        assert _finite(nnla.numerical_jacobian(f, a))
    else:
        with pytest.raises(ValueError, match=_overflow("numerical_jacobian", "a f(a)")):
            nnla.numerical_jacobian(f, a)


def test_toy_descent_names_a_starting_point_whose_z_overflows() -> None:
    """Z = w0^2 + y0^2 with w0 = 1e200 was returned as inf in the first row."""
    with pytest.raises(
        ValueError, match=r"^toy_descent: Z = w0² \+ y0² overflows float64 for w0 = 1e\+200 and y0 = 0.0$"
    ):
        examples.toy_descent(1e200, 0.0, lr=0.1, steps=3)


# ------------------------------------------------------------------------------------------ the examples


def test_forward_of_an_integer_beyond_float64_is_a_value_error_naming_x() -> None:
    """`nnla.forward([10**400, 2, -1], W, b)` raised OverflowError, naming no argument."""
    with pytest.raises(
        ValueError,
        match=r"^X must contain only numbers float64 can hold, at most 1\.798e\+308 in magnitude; "
        r"got about 10\*\*400 at index \(0,\)$",
    ):
        nnla.forward([10**400, 2, -1], W, b[0])


def test_max_stable_lr_of_1e200_is_a_value_error() -> None:
    """`nnla.max_stable_lr([[1e200]], 1)` raised OverflowError (34, 'Numerical result out of range')."""
    with pytest.raises(
        ValueError, match=r"^max_stable_lr: σ_max\(\[X, 1\]\)² overflows float64 for X of shape \(1, 1\) and z = 1$"
    ):
        nnla.max_stable_lr([[1e200]], 1)


def test_forward_names_a_product_that_overflows() -> None:
    """Entries near 1e300 gave inf with a RuntimeWarning; now the product and the shapes are named."""
    with pytest.raises(
        ValueError, match=r"^forward: X @ W overflows float64 for X of shape \(1, 3\) and W of shape \(3, 2\)$"
    ):
        nnla.forward([1e300, 1e300, 1.0], W * 1e10, b)


def test_sse_names_squares_that_overflow() -> None:
    """Errors near 1e200 squared to inf with a RuntimeWarning."""
    with pytest.raises(
        ValueError, match=r"^sse: E ∘ E overflows float64 for T of shape \(1, 2\) and P of shape \(1, 2\)$"
    ):
        nnla.sse([1e200, 0.0], [-1e200, 1.0])
