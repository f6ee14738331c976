"""The Jacobians and gradients against central differences, autograd, and their exact structure."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import autograd
import autograd.numpy as anp
import numpy as np
import numpy.typing as npt
import pytest
from conftest import random_problem

import nnla

FD_RTOL = 1e-6  # central differences are exact on quadratics up to rounding, ~1e-10 relative here
FD_ATOL = 1e-6
AD_RTOL = 1e-12  # autograd does the same products in another order
AD_ATOL = 1e-12
EXACT_RTOL = 1e-14
NZ = list(itertools.product(range(1, 7), repeat=2))  # (n, z)
MNZ = list(itertools.product(range(1, 7), repeat=3))  # (m, n, z)

Array = npt.NDArray[np.float64]


def _error(x: Array, W: Array, b: Array, t: Array) -> Array:
    """e = t - (xW + b) for one example, shape (z,), written here independently of nnla."""
    return (t.reshape(-1) - (x.reshape(-1) @ W + b.reshape(-1))).reshape(-1)


@pytest.mark.parametrize(("n", "z"), NZ)
def test_jacobian_bias_equals_central_differences(n: int, z: int) -> None:
    """[j, k] = d l_k / d b_j, checked entry by entry with b moved by +-eps."""
    X, W, b, T = random_problem(1, n, z)
    x, t = X[0], T[0]

    def ell(b_: Array) -> Array:
        e: Array = t - (x @ W + b_)  # typed here: conftest.random_problem's arrays carry no dtype
        return e**2

    numeric = nnla.numerical_jacobian(ell, b[0])
    assert numeric.shape == (z, z)
    np.testing.assert_allclose(nnla.jacobian_bias(x, W, b, t), numeric, rtol=FD_RTOL, atol=FD_ATOL)


@pytest.mark.parametrize(("n", "z"), NZ)
def test_jacobian_weights_equals_central_differences(n: int, z: int) -> None:
    """[i, j, k] = d l_k / d w_ij, checked entry by entry with each w_ij moved by +-eps."""
    X, W, b, T = random_problem(1, n, z)
    x, t = X[0], T[0]

    def ell(W_: Array) -> Array:
        e: Array = t - (x @ W_ + b[0])  # typed here: conftest.random_problem's arrays carry no dtype
        return e**2

    numeric = nnla.numerical_jacobian(ell, W)
    assert numeric.shape == (n, z, z)
    np.testing.assert_allclose(nnla.jacobian_weights(x, W, b, t), numeric, rtol=FD_RTOL, atol=FD_ATOL)


@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize(("m", "n", "z"), MNZ)
def test_gradients_equal_central_differences(m: int, n: int, z: int, reduction: str) -> None:
    """dW and db are the derivatives of the SSE (or MSE) written out in the test."""
    X, W, b, T = random_problem(m, n, z)
    divide = 1.0 if reduction == "sum" else m * z

    def loss_of_W(W_: Array) -> float:
        return float(((T - (X @ W_ + b)) ** 2).sum() / divide)

    def loss_of_b(b_: Array) -> float:
        return float(((T - (X @ W + b_)) ** 2).sum() / divide)

    dW, db = nnla.gradients(X, W, b, T, reduction=reduction)
    assert dW.shape == (n, z)
    assert db.shape == (1, z)
    np.testing.assert_allclose(dW, nnla.numerical_jacobian(loss_of_W, W), rtol=FD_RTOL, atol=FD_ATOL)
    np.testing.assert_allclose(db, nnla.numerical_jacobian(loss_of_b, b), rtol=FD_RTOL, atol=FD_ATOL)


def _autograd_loss(X: Array, T: Array, reduction: str) -> Callable[..., Any]:
    # Any: autograd calls loss with its own tracing boxes, not arrays, and autograd is untyped.
    def loss(W: Any, b: Any) -> Any:
        E = T - (anp.dot(X, W) + b)
        total = anp.sum(E * E)
        return total if reduction == "sum" else total / E.size

    return loss


@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize(("m", "n", "z"), [(1, 1, 1), (1, 3, 2), (8, 3, 2), (5, 6, 4), (6, 2, 6), (30, 7, 5)])
def test_gradients_equal_autograd(m: int, n: int, z: int, reduction: str) -> None:
    """The independent autodiff library gives the same dW and db."""
    X, W, b, T = random_problem(m, n, z, seed=1)
    loss = _autograd_loss(X, T, reduction)
    dW, db = nnla.gradients(X, W, b, T, reduction=reduction)
    np.testing.assert_allclose(dW, autograd.grad(loss, 0)(W, b), rtol=AD_RTOL, atol=AD_ATOL)
    np.testing.assert_allclose(db, autograd.grad(loss, 1)(W, b), rtol=AD_RTOL, atol=AD_ATOL)


@pytest.mark.parametrize(("n", "z"), [(1, 1), (3, 2), (4, 5), (6, 6)])
def test_jacobians_equal_autograd(n: int, z: int) -> None:
    """autograd.jacobian of the loss vector, moved to our layout (parameter first, loss component last)."""
    X, W, b, T = random_problem(1, n, z, seed=2)
    x, t = X[0], T[0]

    # Any: autograd calls ell with its own tracing boxes, not arrays, and autograd is untyped.
    def ell(W_: Any, b_: Any) -> Any:
        E = t - (anp.dot(x, W_) + b_)
        return E * E

    # autograd puts the output's index first: (z, n, z) and (z, z); move it to the end.
    J_W = np.moveaxis(autograd.jacobian(ell, 0)(W, b[0]), 0, -1)
    J_b = np.moveaxis(autograd.jacobian(ell, 1)(W, b[0]), 0, -1)
    np.testing.assert_allclose(nnla.jacobian_weights(x, W, b, t), J_W, rtol=AD_RTOL, atol=AD_ATOL)
    np.testing.assert_allclose(nnla.jacobian_bias(x, W, b, t), J_b, rtol=AD_RTOL, atol=AD_ATOL)


@pytest.mark.parametrize(("n", "z"), NZ)
def test_jacobian_bias_is_diagonal_with_minus_2e(n: int, z: int) -> None:
    """Off-diagonal entries are exactly 0; the diagonal is -2e (erratum 14)."""
    X, W, b, T = random_problem(1, n, z, seed=3)
    J = nnla.jacobian_bias(X[0], W, b, T[0])
    e = _error(X[0], W, b, T[0])
    np.testing.assert_array_equal(J - np.diag(np.diag(J)), np.zeros((z, z)))
    np.testing.assert_allclose(np.diag(J), -2 * e, rtol=EXACT_RTOL)


@pytest.mark.parametrize(("n", "z"), NZ)
def test_jacobian_weights_has_n_times_z_nonzeros_all_at_j_equal_k(n: int, z: int) -> None:
    """With no zero in x or e, exactly n z of the n z^2 entries are nonzero, those with j = k (erratum 17)."""
    X, W, b, T = random_problem(1, n, z, seed=4)
    x, t = X[0], T[0]
    e = _error(x, W, b, t)
    assert np.all(x != 0)
    assert np.all(e != 0)
    J = nnla.jacobian_weights(x, W, b, t)
    assert J.shape == (n, z, z)
    assert np.count_nonzero(J) == n * z
    _i, j, k = np.nonzero(J)
    np.testing.assert_array_equal(j, k)
    for row in range(n):
        for col in range(z):
            np.testing.assert_allclose(J[row, col, col], -2 * e[col] * x[row], rtol=EXACT_RTOL)


@pytest.mark.parametrize(("n", "z"), NZ)
def test_summing_the_jacobians_over_the_last_axis_gives_minus_2_xT_e(n: int, z: int) -> None:
    """Layout contract: .sum(axis=-1) of either Jacobian is the SSE gradient, -2 x^T e and -2 e."""
    X, W, b, T = random_problem(1, n, z, seed=5)
    x, t = X[0], T[0]
    e = _error(x, W, b, t)
    outer = np.array([[-2 * x[i] * e[j] for j in range(z)] for i in range(n)])
    np.testing.assert_allclose(nnla.jacobian_weights(x, W, b, t).sum(axis=-1), outer, rtol=EXACT_RTOL)
    np.testing.assert_allclose(nnla.jacobian_bias(x, W, b, t).sum(axis=-1), -2 * e, rtol=EXACT_RTOL)
    dW, db = nnla.gradients(X, W, b, T)
    np.testing.assert_allclose(dW, outer, rtol=EXACT_RTOL, atol=1e-15)
    np.testing.assert_allclose(db[0], -2 * e, rtol=EXACT_RTOL, atol=1e-15)


@pytest.mark.parametrize(("m", "n", "z"), [(2, 3, 2), (8, 3, 2), (5, 1, 4), (6, 6, 6)])
def test_batch_gradient_is_the_sum_of_the_examples_summed_jacobians(m: int, n: int, z: int) -> None:
    """Over a batch, dW = sum over r of jacobian_weights(x_r, ...).sum(-1); the MSE divides it by m z."""
    X, W, b, T = random_problem(m, n, z, seed=6)
    dW_sum = sum(nnla.jacobian_weights(X[r], W, b, T[r]).sum(axis=-1) for r in range(m))
    db_sum = sum(nnla.jacobian_bias(X[r], W, b, T[r]).sum(axis=-1) for r in range(m))
    dW, db = nnla.gradients(X, W, b, T, reduction="sum")
    np.testing.assert_allclose(dW, dW_sum, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(db[0], db_sum, rtol=1e-12, atol=1e-12)
    dW_mean, db_mean = nnla.gradients(X, W, b, T, reduction="mean")
    np.testing.assert_allclose(dW_mean, dW_sum / (m * z), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(db_mean[0], db_sum / (m * z), rtol=1e-12, atol=1e-12)


def test_running_example_jacobians_by_hand() -> None:
    """x = [1, 2, -1], e = [0.9, 2.2]: d l/d b = diag(-1.8, -4.4); the W gradient is -2 x^T e."""
    from nnla.examples import running

    np.testing.assert_allclose(
        nnla.jacobian_bias(running.X, running.W, running.b, running.T), [[-1.8, 0.0], [0.0, -4.4]], rtol=1e-12
    )
    J = nnla.jacobian_weights(running.X, running.W, running.b, running.T)
    expected = np.zeros((3, 2, 2))
    expected[:, 0, 0] = [-1.8, -3.6, 1.8]  # -2 * 0.9 * x_i
    expected[:, 1, 1] = [-4.4, -8.8, 4.4]  # -2 * 2.2 * x_i
    np.testing.assert_allclose(J, expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 2, 2)])
def test_numerical_jacobian_layout_is_parameter_first_output_last(shape: tuple[int, ...]) -> None:
    """For f(a) = sin(a) (A, 2A), J[alpha, c, beta] is cos(a_alpha) [alpha = beta] times c+1."""
    a = np.random.default_rng(7).normal(size=shape)

    def f(a_: Array) -> Array:
        return np.stack([np.sin(a_), 2 * np.sin(a_)])

    J = nnla.numerical_jacobian(f, a)
    assert J.shape == (*shape, 2, *shape)
    expected = np.zeros((*shape, 2, *shape))
    for alpha in np.ndindex(shape):
        for c in range(2):
            expected[(*alpha, c, *alpha)] = (c + 1) * np.cos(a[alpha])
    np.testing.assert_allclose(J, expected, rtol=1e-8, atol=1e-9)


def test_numerical_jacobian_of_a_scalar_function_is_a_gradient() -> None:
    """f(W) = sum(W^3) has gradient 3 W^2, shape W.shape (central differences: error eps^2)."""
    W = np.array([[1.0, -2.0], [0.5, 3.0]])
    J = nnla.numerical_jacobian(lambda W_: float((W_**3).sum()), W)
    assert J.shape == (2, 2)
    np.testing.assert_allclose(J, 3 * W**2, rtol=1e-8)


def test_numerical_jacobian_does_not_modify_its_point() -> None:
    """The point a is left as it was, even if f writes into its argument."""
    a = np.array([1.0, 2.0])

    def f(a_: Array) -> Array:
        out = a_ * 2
        a_[:] = 0.0
        return out

    J = nnla.numerical_jacobian(f, a)
    np.testing.assert_array_equal(a, [1.0, 2.0])
    np.testing.assert_allclose(J, 2 * np.eye(2), rtol=1e-8)
