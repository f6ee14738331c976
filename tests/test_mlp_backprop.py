"""Backpropagation against central differences, autograd, and the chain rule's Jacobians; and a version that fails."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from test_mlp_support import AD_ATOL, AD_RTOL, FD_ATOL, FD_RTOL, NAMES, Array, Network, loss_in, network_problem

import nnla

MNKZ = list(itertools.product([1, 2, 5], [1, 3], [1, 2, 4], [1, 3]))  # (m, n, k, z)
REDUCTIONS = ["sum", "mean"]


def _check_against_central_differences(
    gradients: tuple[Array, ...], X: Array, params: Network, T: Array, reduction: str
) -> None:
    """Each gradient equals the numerical derivative of the loss (written in test_mlp_support) in its parameter."""
    for index, (gradient, name) in enumerate(zip(gradients, NAMES, strict=True)):
        numeric = nnla.numerical_jacobian(loss_in(X, params, T, index, reduction), params[index])
        assert gradient.shape == params[index].shape, name
        np.testing.assert_allclose(gradient, numeric, rtol=FD_RTOL, atol=FD_ATOL, err_msg=name)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("m", "n", "k", "z"), MNKZ)
def test_backprop_equals_central_differences(m: int, n: int, k: int, z: int, reduction: str) -> None:
    """dW1, db1, dW2, db2 are the derivatives of the SSE (or MSE) of the network, written out in the test."""
    X, params, T = network_problem(m, n, k, z)
    _check_against_central_differences(nnla.backprop(X, *params, T, reduction=reduction), X, params, T, reduction)


def _without_tanh_prime(X: Array, params: Network, T: Array) -> tuple[Array, ...]:
    """Backpropagation with the activation's derivative left out: Delta_1 = Delta_2 W2^T."""
    W1, b1, W2, b2 = params
    H = np.tanh(X @ W1 + b1)
    D2 = -2 * (T - (H @ W2 + b2))
    D1 = D2 @ W2.T  # the factor 1 - H * H is missing
    return X.T @ D1, D1.sum(axis=0, keepdims=True), H.T @ D2, D2.sum(axis=0, keepdims=True)


@pytest.mark.parametrize(("m", "n", "k", "z"), [(1, 1, 1, 1), (4, 2, 3, 1), (5, 3, 4, 3)])
def test_the_check_fails_without_the_activation_derivative(m: int, n: int, k: int, z: int) -> None:
    """The check above can fail: with tanh' left out, the hidden layer's gradients disagree with it."""
    X, params, T = network_problem(m, n, k, z)
    wrong = _without_tanh_prime(X, params, T)
    with pytest.raises(AssertionError, match="W1"):
        _check_against_central_differences(wrong, X, params, T, "sum")
    # the output layer's gradients do not pass through the activation: only the hidden layer's are wrong
    right = nnla.backprop(X, *params, T)
    np.testing.assert_allclose(wrong[2], right[2], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(wrong[3], right[3], rtol=1e-12, atol=1e-14)
    assert not np.allclose(wrong[1], right[1], rtol=FD_RTOL, atol=FD_ATOL)


def _autograd_loss(X: Array, T: Array, reduction: str) -> Callable[..., Any]:
    # Any: autograd calls loss_ with its own tracing boxes, not arrays, and autograd is untyped.
    def loss_(W1: Any, b1: Any, W2: Any, b2: Any) -> Any:
        E = T - (anp.dot(anp.tanh(anp.dot(X, W1) + b1), W2) + b2)
        total = anp.sum(E * E)
        return total if reduction == "sum" else total / E.size

    return loss_


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    ("m", "n", "k", "z"), [(1, 1, 1, 1), (1, 3, 2, 2), (4, 2, 3, 1), (8, 3, 5, 2), (30, 7, 16, 5), (64, 10, 32, 4)]
)
def test_backprop_equals_autograd(m: int, n: int, k: int, z: int, reduction: str) -> None:
    """The independent autodiff library gives the same four gradients."""
    X, params, T = network_problem(m, n, k, z, seed=1)
    loss_ = _autograd_loss(X, T, reduction)
    for index, (gradient, name) in enumerate(zip(nnla.backprop(X, *params, T, reduction), NAMES, strict=True)):
        np.testing.assert_allclose(
            gradient, autograd.grad(loss_, index)(*params), rtol=AD_RTOL, atol=AD_ATOL, err_msg=name
        )


@pytest.mark.parametrize(("m", "n", "k", "z"), [(2, 3, 2, 2), (4, 2, 3, 1), (6, 1, 4, 3)])
def test_batch_gradient_is_the_sum_of_the_examples_summed_jacobians(m: int, n: int, k: int, z: int) -> None:
    """Over a batch, each gradient is the sum over r of network_jacobians(x_r, ...).sum(-1); the MSE's over m z."""
    X, params, T = network_problem(m, n, k, z, seed=2)
    per_example = [nnla.network_jacobians(X[r], *params, T[r]) for r in range(m)]
    sums = [sum(J[index].sum(axis=-1) for J in per_example) for index in range(4)]
    for gradient, total, param in zip(nnla.backprop(X, *params, T, "sum"), sums, params, strict=True):
        np.testing.assert_allclose(gradient, np.reshape(total, param.shape), rtol=1e-12, atol=1e-13)
    for gradient, total, param in zip(nnla.backprop(X, *params, T, "mean"), sums, params, strict=True):
        np.testing.assert_allclose(gradient, np.reshape(total, param.shape) / (m * z), rtol=1e-12, atol=1e-13)


def test_backprop_leaves_its_arguments_unchanged() -> None:
    """The backward pass works in the forward pass's buffers, never in the caller's arrays."""
    X, params, T = network_problem(5, 3, 4, 2, seed=3)
    copies = [a.copy() for a in (X, *params, T)]
    nnla.backprop(X, *params, T, reduction="mean")
    for before, after in zip(copies, (X, *params, T), strict=True):
        np.testing.assert_array_equal(after, before)


def test_backprop_accepts_one_dimensional_rows_and_lists() -> None:
    """x of shape (n,), biases of shape (k,) and (z,), a target (z,): the gradients of the (1, .) rows."""
    X, params, T = network_problem(1, 3, 2, 2, seed=4)
    W1, b1, W2, b2 = params
    as_rows = nnla.backprop(X, W1, b1, W2, b2, T)
    as_vectors = nnla.backprop(X[0].tolist(), W1.tolist(), b1[0], W2, b2[0].tolist(), T[0])
    for a, b in zip(as_rows, as_vectors, strict=True):
        np.testing.assert_array_equal(a, b)
    assert as_vectors[1].shape == (1, 2)
    assert as_vectors[3].shape == (1, 2)


def test_the_forward_pass_keeps_each_stage() -> None:
    """A1 = X W1 + b1, H = tanh(A1), P = H W2 + b2, all read-only; X is a copy, the caller's stays writeable."""
    X, (W1, b1, W2, b2), _ = network_problem(4, 3, 5, 2, seed=5)
    out = nnla.network_forward(X, W1, b1, W2, b2)
    A1 = np.array([[sum(X[r, i] * W1[i, j] for i in range(3)) + b1[0, j] for j in range(5)] for r in range(4)])
    np.testing.assert_allclose(out.A1, A1, rtol=1e-13)
    np.testing.assert_allclose(out.H, np.tanh(A1), rtol=1e-13)
    np.testing.assert_allclose(out.P, np.tanh(A1) @ W2 + b2, rtol=1e-12)
    np.testing.assert_array_equal(out.X, X)
    for a in (out.X, out.A1, out.H, out.P):
        assert a.dtype == np.float64
        with pytest.raises(ValueError, match="read-only"):
            a[0, 0] = 0.0
    before = X[0, 0]
    X[0, 0] += 1.0
    assert out.X[0, 0] == before
