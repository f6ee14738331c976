"""The activation and each stage's Jacobian, and their chain-rule products, against central differences and autograd."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from test_mlp_support import AD_ATOL, AD_RTOL, FD_ATOL, FD_RTOL, Array, Network, network_problem

import nnla

EXACT_RTOL = 1e-14
NKZ = list(itertools.product(range(1, 5), repeat=3))  # (n, k, z)


def _one(n: int, k: int, z: int, seed: int = 0) -> tuple[Array, Network, Array]:
    """One example x (n,), the parameters, and its target t (z,)."""
    X, params, T = network_problem(1, n, k, z, seed)
    return X[0], params, T[0]


def _intermediates(x: Array, W1: Array, b1: Array, W2: Array, b2: Array, t: Array) -> tuple[Array, Array, Array, Array]:
    """a, h, p, e of one example as 1-D arrays, written here independently of nnla."""
    a = x @ W1 + b1[0]
    h = np.tanh(a)
    p = h @ W2 + b2[0]
    return a, h, p, t - p


# ----------------------------------------------------------------------------------------------- the activation


def test_tanh_and_its_derivative_against_closed_forms_and_central_differences() -> None:
    """tanh is (e^a - e^-a) / (e^a + e^-a); its derivative is 1 / cosh^2 and the numerical derivative."""
    A = np.linspace(-4, 4, 33).reshape(3, 11)
    np.testing.assert_allclose(nnla.tanh(A), (np.exp(A) - np.exp(-A)) / (np.exp(A) + np.exp(-A)), rtol=1e-14)
    np.testing.assert_allclose(nnla.tanh_derivative(A), 1 / np.cosh(A) ** 2, rtol=1e-13)
    numeric = nnla.numerical_jacobian(np.tanh, A)  # (3, 11, 3, 11), nonzero where the indices agree
    diagonal = np.einsum("ijij->ij", numeric)
    np.testing.assert_allclose(nnla.tanh_derivative(A), diagonal, rtol=FD_RTOL, atol=FD_ATOL)
    np.testing.assert_array_equal(numeric.sum(axis=(2, 3)) - diagonal, np.zeros_like(A))


@pytest.mark.parametrize("k", range(1, 7))
def test_jacobian_tanh_is_diagonal_and_equals_central_differences(k: int) -> None:
    """[l, q] = d h_q / d a_l: 1 - h_q^2 on the diagonal, exactly 0 off it."""
    a = np.random.default_rng(k).normal(scale=2, size=k)
    J = nnla.jacobian_tanh(a)
    np.testing.assert_allclose(J, nnla.numerical_jacobian(np.tanh, a), rtol=FD_RTOL, atol=FD_ATOL)
    np.testing.assert_array_equal(J - np.diag(np.diag(J)), np.zeros((k, k)))
    np.testing.assert_allclose(np.diag(J), 1 - np.tanh(a) ** 2, rtol=EXACT_RTOL)


def test_the_activation_check_fails_without_the_derivative() -> None:
    """The check above can fail: the identity (tanh' taken as 1) is not the numerical Jacobian of tanh."""
    a = np.array([0.5, -1.0, 2.0])
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(np.eye(3), nnla.numerical_jacobian(np.tanh, a), rtol=FD_RTOL, atol=FD_ATOL)


# ------------------------------------------------------------------------------------------------ each stage


@pytest.mark.parametrize(("n", "k", "z"), NKZ)
def test_each_stage_jacobian_equals_central_differences(n: int, k: int, z: int) -> None:
    """Every stage differentiated numerically, in the layout input first, output last."""
    x, (W1, b1, W2, b2), t = _one(n, k, z)
    a, h, p, _ = _intermediates(x, W1, b1, W2, b2, t)
    s = nnla.stage_jacobians(x, W1, b1, W2, b2, t)
    numeric = {
        "dl_dp": nnla.numerical_jacobian(lambda p_: (t - p_) ** 2, p),
        "dp_dh": nnla.numerical_jacobian(lambda h_: h_ @ W2 + b2[0], h),
        "dh_da1": nnla.numerical_jacobian(np.tanh, a),
        "da1_dW1": nnla.numerical_jacobian(lambda W_: x @ W_ + b1[0], W1),
        "da1_db1": nnla.numerical_jacobian(lambda b_: x @ W1 + b_, b1[0]),
        "dp_dW2": nnla.numerical_jacobian(lambda W_: h @ W_ + b2[0], W2),
        "dp_db2": nnla.numerical_jacobian(lambda b_: h @ W2 + b_, b2[0]),
    }
    shapes = {
        "dl_dp": (z, z),
        "dp_dh": (k, z),
        "dh_da1": (k, k),
        "da1_dW1": (n, k, k),
        "da1_db1": (k, k),
        "dp_dW2": (k, z, z),
        "dp_db2": (z, z),
    }
    for name, expected in numeric.items():
        actual = getattr(s, name)
        assert actual.shape == shapes[name], name
        np.testing.assert_allclose(actual, expected, rtol=FD_RTOL, atol=FD_ATOL, err_msg=name)


@pytest.mark.parametrize(("n", "k", "z"), [(1, 1, 1), (2, 3, 1), (3, 2, 4), (4, 4, 2)])
def test_each_stage_has_its_closed_form(n: int, k: int, z: int) -> None:
    """-2 diag(e), W2 itself, diag(1 - h^2), x_i delta_jl, h_q delta_jr and identities, entry by entry."""
    x, (W1, b1, W2, b2), t = _one(n, k, z, seed=1)
    _, h, _, e = _intermediates(x, W1, b1, W2, b2, t)
    s = nnla.stage_jacobians(x, W1, b1, W2, b2, t)
    np.testing.assert_allclose(s.dl_dp, np.diag(-2 * e), rtol=EXACT_RTOL)
    np.testing.assert_array_equal(s.dp_dh, W2)
    np.testing.assert_allclose(s.dh_da1, np.diag(1 - h**2), rtol=EXACT_RTOL)
    np.testing.assert_array_equal(s.da1_db1, np.eye(k))
    np.testing.assert_array_equal(s.dp_db2, np.eye(z))
    for i, j, q in itertools.product(range(n), range(k), range(k)):
        assert s.da1_dW1[i, j, q] == (x[i] if j == q else 0.0)
    for q, j, r in itertools.product(range(k), range(z), range(z)):
        assert s.dp_dW2[q, j, r] == (h[q] if j == r else 0.0)


# --------------------------------------------------------------------------------------------- the chain rule


def _loss_vector_of(index: int, x: Array, params: Network, t: Array) -> Callable[[Array], Array]:
    """The loss vector (z,) of one example as a function of the parameter at `index` (W1, b1, W2, b2)."""

    def ell(value: Array) -> Array:
        current = list(params)
        current[index] = value
        W1, b1, W2, b2 = current
        h: Array = np.tanh(x @ W1 + b1.reshape(-1))
        return (t - (h @ W2 + b2.reshape(-1))) ** 2

    return ell


@pytest.mark.parametrize(("n", "k", "z"), NKZ)
def test_chained_jacobians_equal_central_differences_of_the_loss_vector(n: int, k: int, z: int) -> None:
    """d l / d W1 (n, k, z), d l / d b1 (k, z), d l / d W2 (k, z, z) and d l / d b2 (z, z), numerically."""
    x, params, t = _one(n, k, z)
    jacobians = nnla.network_jacobians(x, *params, t)
    shapes = [(n, k, z), (k, z), (k, z, z), (z, z)]
    points = [params[0], params[1][0], params[2], params[3][0]]  # the biases as the 1-D rows they are in ell
    for index, (J, shape, point) in enumerate(zip(jacobians, shapes, points, strict=True)):
        assert J.shape == shape
        numeric = nnla.numerical_jacobian(_loss_vector_of(index, x, params, t), point)
        np.testing.assert_allclose(J, numeric, rtol=FD_RTOL, atol=FD_ATOL, err_msg=f"parameter {index}")


@pytest.mark.parametrize(("n", "k", "z"), [(1, 1, 1), (2, 3, 1), (3, 2, 4), (4, 5, 3)])
def test_chained_jacobians_equal_autograd(n: int, k: int, z: int) -> None:
    """autograd.jacobian of the loss vector, its output index moved from first to last (our layout)."""
    x, (W1, b1, W2, b2), t = _one(n, k, z, seed=2)

    # Any: autograd calls ell with its own tracing boxes, not arrays, and autograd is untyped.
    def ell(W1_: Any, b1_: Any, W2_: Any, b2_: Any) -> Any:
        E = t - (anp.dot(anp.tanh(anp.dot(x, W1_) + b1_), W2_) + b2_)
        return E * E

    point = (W1, b1[0], W2, b2[0])
    for index, J in enumerate(nnla.network_jacobians(x, W1, b1, W2, b2, t)):
        expected = np.moveaxis(autograd.jacobian(ell, index)(*point), 0, -1)
        np.testing.assert_allclose(J, expected, rtol=AD_RTOL, atol=AD_ATOL, err_msg=f"parameter {index}")


@pytest.mark.parametrize(("n", "k", "z"), [(2, 3, 1), (3, 2, 4), (4, 4, 2)])
def test_chained_jacobians_have_their_closed_forms(n: int, k: int, z: int) -> None:
    """[i, j, c] = x_i (1 - h_j^2) (W2)_jc (-2 e_c); d l / d W2 is nonzero only at j = c, where it is -2 e_c h_q."""
    x, (W1, b1, W2, b2), t = _one(n, k, z, seed=3)
    _, h, _, e = _intermediates(x, W1, b1, W2, b2, t)
    J_W1, J_b1, J_W2, J_b2 = nnla.network_jacobians(x, W1, b1, W2, b2, t)
    expected_W1 = np.empty((n, k, z))
    for i, j, c in itertools.product(range(n), range(k), range(z)):
        expected_W1[i, j, c] = x[i] * (1 - h[j] ** 2) * W2[j, c] * (-2 * e[c])
    np.testing.assert_allclose(J_W1, expected_W1, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(J_b1, expected_W1[0] / x[0], rtol=1e-12, atol=1e-15)
    off = ~np.eye(z, dtype=bool)
    assert np.all(J_W2[:, off] == 0)
    for j in range(z):
        np.testing.assert_allclose(J_W2[:, j, j], -2 * e[j] * h, rtol=EXACT_RTOL)
    np.testing.assert_allclose(J_b2, np.diag(-2 * e), rtol=EXACT_RTOL)


@pytest.mark.parametrize(("n", "k"), [(2, 3), (3, 2), (1, 4)])
def test_the_chain_check_fails_with_the_output_first_factor(n: int, k: int) -> None:
    """The checks above can fail: d p / d h taken as W2^T (output index first, k = z so it fits) is wrong."""
    x, params, t = _one(n, k, k)
    s = nnla.stage_jacobians(x, *params, t)
    numeric = nnla.numerical_jacobian(_loss_vector_of(0, x, params, t), params[0])
    right = nnla.chain(s.da1_dW1, s.dh_da1, s.dp_dh, s.dl_dp)
    wrong = nnla.chain(s.da1_dW1, s.dh_da1, s.dp_dh.T, s.dl_dp)
    np.testing.assert_allclose(right, numeric, rtol=FD_RTOL, atol=FD_ATOL)
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(wrong, numeric, rtol=FD_RTOL, atol=FD_ATOL)


def test_chain_is_the_product_in_the_order_the_functions_run() -> None:
    """chain(A, B, C) = sum over the inner indices of A[..., q] B[q, r] C[r, c], for a 3-axis first factor."""
    rng = np.random.default_rng(4)
    A, B, C = rng.normal(size=(2, 3, 4)), rng.normal(size=(4, 5)), rng.normal(size=(5, 6))
    product = nnla.chain(A, B, C)
    assert product.shape == (2, 3, 6)
    expected = np.zeros((2, 3, 6))
    for i, j, q, r, c in itertools.product(range(2), range(3), range(4), range(5), range(6)):
        expected[i, j, c] += A[i, j, q] * B[q, r] * C[r, c]
    np.testing.assert_allclose(product, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(nnla.chain(A), A)


@pytest.mark.parametrize(("n", "k", "z"), NKZ)
def test_chained_jacobians_summed_over_the_last_axis_are_the_backward_pass(n: int, k: int, z: int) -> None:
    """Layout contract: .sum(axis=-1) of each chained Jacobian is backprop's gradient for m = 1, reduction "sum"."""
    X, params, T = network_problem(1, n, k, z, seed=5)
    jacobians = nnla.network_jacobians(X, *params, T)
    gradients = nnla.backprop(X, *params, T, reduction="sum")
    for J, gradient, param in zip(jacobians, gradients, params, strict=True):
        assert gradient.shape == param.shape
        np.testing.assert_allclose(J.sum(axis=-1).reshape(param.shape), gradient, rtol=1e-12, atol=1e-14)
