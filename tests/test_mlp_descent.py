"""Gradient descent on the network: XOR learned, the linear layer's floor on XOR, the trace, divergence, docstrings."""

from __future__ import annotations

import dataclasses
import doctest
import importlib

import numpy as np
import pytest
from test_mlp_support import loss, network_problem, predict

import nnla
from nnla import examples

XOR_THRESHOLD = 1e-3  # "near zero": a root-mean-square error below 0.032, a 250th of the linear floor in MSE
LINEAR_FLOOR = 0.25  # the least-squares MSE of a linear layer on XOR, from np.linalg.lstsq below
LSTSQ_ATOL = 1e-12
RTOL = 1e-12
ATOL = 1e-14
XOR = examples.xor


def _xor_trace(
    lr: float = examples.XOR_LR, steps: int = examples.XOR_STEPS, reduction: str = "mean"
) -> nnla.NetworkTrace:
    return nnla.network_descent(XOR.X, XOR.W1, XOR.b1, XOR.W2, XOR.b2, XOR.T, lr=lr, steps=steps, reduction=reduction)


def test_xor_is_the_four_points_of_the_square_and_their_parity() -> None:
    """X = {0, 1}^2 in the order 00, 01, 10, 11; T = x1 XOR x2 as a column; m = 4, n = 2, z = 1."""
    np.testing.assert_array_equal(XOR.X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(XOR.T[:, 0], np.logical_xor(XOR.X[:, 0], XOR.X[:, 1]))
    assert (XOR.m, XOR.n, XOR.k, XOR.z) == (4, 2, examples.XOR_HIDDEN, 1)


def test_xor_start_comes_from_the_seed_with_two_decimals_and_is_read_only() -> None:
    """W1, b1, W2, b2 are normal draws of default_rng(XOR_SEED), in that order, rounded to 2 decimals."""
    rng = np.random.default_rng(examples.XOR_SEED)
    k = examples.XOR_HIDDEN
    for name, shape in (("W1", (2, k)), ("b1", (1, k)), ("W2", (k, 1)), ("b2", (1, 1))):
        a = getattr(XOR, name)
        np.testing.assert_array_equal(a, rng.normal(size=shape).round(2), err_msg=name)
        assert a.dtype == np.float64
        with pytest.raises(ValueError, match="read-only"):
            a[0, 0] = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        XOR.W1 = np.zeros((2, k))  # type: ignore[misc]  # frozen on purpose: the test checks the refusal


def test_descent_learns_xor() -> None:
    """The MSE falls at every step, below the threshold first after 270 steps (as XOR_STEPS says), and the
    network's outputs round to XOR."""
    trace = _xor_trace()
    assert not trace.diverged
    assert trace.losses.shape == (examples.XOR_STEPS + 1,)
    np.testing.assert_allclose(trace.losses[0], loss(XOR.X, (XOR.W1, XOR.b1, XOR.W2, XOR.b2), XOR.T, "mean"))
    assert np.all(np.diff(trace.losses) < 0)
    assert int(np.argmax(trace.losses < XOR_THRESHOLD)) == 270
    assert trace.losses[-1] < XOR_THRESHOLD
    P = predict(XOR.X, trace.W1[-1], trace.b1[-1], trace.W2[-1], trace.b2[-1])
    np.testing.assert_array_equal(P.round(), XOR.T)
    np.testing.assert_allclose(trace.losses[-1], float(((XOR.T - P) ** 2).mean()), rtol=1e-9)


def test_descent_without_the_activation_derivative_does_not_learn_xor() -> None:
    """The XOR check can fail: the same run with tanh' left out of Delta_1 stays far above the threshold."""
    W1, b1, W2, b2 = (a.copy() for a in (XOR.W1, XOR.b1, XOR.W2, XOR.b2))
    lr, X, T = examples.XOR_LR, XOR.X, XOR.T
    for _ in range(examples.XOR_STEPS):
        H = np.tanh(X @ W1 + b1)
        D2 = -2 * (T - (H @ W2 + b2)) / T.size
        D1 = D2 @ W2.T  # missing: * (1 - H * H)
        W1, b1 = W1 - lr * X.T @ D1, b1 - lr * D1.sum(axis=0, keepdims=True)
        W2, b2 = W2 - lr * H.T @ D2, b2 - lr * D2.sum(axis=0, keepdims=True)
    assert loss(X, (W1, b1, W2, b2), T, "mean") > 10 * XOR_THRESHOLD


def test_no_linear_layer_fits_xor_its_least_squares_mse_is_a_quarter() -> None:
    """np.linalg.lstsq on A = [X, 1]: the best linear fit is 1/2 everywhere, MSE 1/4; descent stays above it."""
    A = np.hstack([XOR.X, np.ones((4, 1))])
    theta, *_ = np.linalg.lstsq(A, XOR.T, rcond=None)
    np.testing.assert_allclose(A @ theta, np.full((4, 1), 0.5), atol=LSTSQ_ATOL)
    np.testing.assert_allclose(float(((A @ theta - XOR.T) ** 2).mean()), LINEAR_FLOOR, atol=LSTSQ_ATOL)
    linear = nnla.gradient_descent(XOR.X, np.zeros((2, 1)), np.zeros((1, 1)), XOR.T, 0.5, 2000, "mean")
    assert np.all(linear.losses >= LINEAR_FLOOR * (1 - RTOL))
    np.testing.assert_allclose(linear.losses[-1], LINEAR_FLOOR, rtol=1e-9)
    assert _xor_trace().losses[-1] < LINEAR_FLOOR / 1000


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_the_trace_records_each_point_and_each_step_is_backprop(reduction: str) -> None:
    """losses[s] is the loss at point s; point s + 1 is point s minus lr times backprop there; immutable (z = 2)."""
    X, params, T = network_problem(6, 3, 4, 2, seed=7)
    lr, steps = 0.01, 5
    trace = nnla.network_descent(X, *params, T, lr=lr, steps=steps, reduction=reduction)
    assert (trace.lr, trace.reduction, trace.diverged) == (lr, reduction, False)
    shapes = {"W1": (3, 4), "b1": (1, 4), "W2": (4, 2), "b2": (1, 2)}
    for name, shape in shapes.items():
        assert getattr(trace, name).shape == (steps + 1, *shape)
    for name, start in zip(shapes, params, strict=True):
        np.testing.assert_array_equal(getattr(trace, name)[0], start)
    for s in range(steps + 1):
        point = (trace.W1[s], trace.b1[s], trace.W2[s], trace.b2[s])
        np.testing.assert_allclose(trace.losses[s], loss(X, point, T, reduction), rtol=RTOL)
        if s < steps:
            gradients = nnla.backprop(X, *point, T, reduction)
            for name, p, g in zip(shapes, point, gradients, strict=True):
                np.testing.assert_allclose(getattr(trace, name)[s + 1], p - lr * g, rtol=RTOL, atol=ATOL)
    for a in (trace.losses, trace.W1, trace.b1, trace.W2, trace.b2):
        assert not a.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            a[(0,) * a.ndim] = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        trace.diverged = True  # type: ignore[misc]  # frozen on purpose: the test checks the refusal


def test_the_trace_losses_agree_with_the_library_mse_to_the_last_bit() -> None:
    """The trace sums E * E as nnla.mse does, so a page's two numbers never differ in the last digit."""
    trace = _xor_trace(steps=20)
    for s in range(21):
        P = nnla.network_forward(XOR.X, trace.W1[s], trace.b1[s], trace.W2[s], trace.b2[s]).P
        assert trace.losses[s] == nnla.mse(XOR.T, P)


def test_zero_steps_record_only_the_start() -> None:
    """steps = 0 gives one point: the starting loss and parameters."""
    trace = _xor_trace(steps=0)
    assert trace.losses.shape == (1,)
    assert trace.W1.shape == (1, 2, examples.XOR_HIDDEN)
    assert trace.b2.shape == (1, 1, 1)
    np.testing.assert_allclose(trace.losses[0], loss(XOR.X, (XOR.W1, XOR.b1, XOR.W2, XOR.b2), XOR.T, "mean"))


def test_mean_descent_is_sum_descent_with_lr_divided_by_m_z() -> None:
    """The MSE's gradients are the SSE's over m z, so the parameter paths coincide."""
    sum_trace = _xor_trace(lr=examples.XOR_LR / 4, steps=50, reduction="sum")
    mean_trace = _xor_trace(lr=examples.XOR_LR, steps=50, reduction="mean")
    np.testing.assert_allclose(mean_trace.W1, sum_trace.W1, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mean_trace.W2, sum_trace.W2, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mean_trace.losses * 4, sum_trace.losses, rtol=1e-10)


@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("lr", [1.0, 10.0])
def test_too_large_a_step_diverges_and_the_trace_says_so(lr: float, reduction: str) -> None:
    """The output layer's steps grow until float64 overflows: the run stops there, handing out only finite numbers."""
    trace = _xor_trace(lr=lr, steps=5000, reduction=reduction)
    assert trace.diverged
    k = trace.losses.shape[0]
    assert 1 < k < 5001
    for a in (trace.losses, trace.W1, trace.b1, trace.W2, trace.b2):
        assert a.shape[0] == k
        assert np.all(np.isfinite(a))
    assert trace.losses[-1] > 1e300  # it went as far as float64 goes
    with np.errstate(over="ignore", invalid="ignore"):  # one more step does overflow
        point = (trace.W1[-1], trace.b1[-1], trace.W2[-1], trace.b2[-1])
        gradients = nnla.backprop(XOR.X, *point, XOR.T, reduction)
        following = [p - lr * g for p, g in zip(point, gradients, strict=True)]
        E = XOR.T - predict(XOR.X, *following)
        assert not (np.isfinite((E * E).sum()) and all(np.isfinite(p).all() for p in following))


def test_a_point_whose_sum_of_squares_overflows_but_is_finite_is_not_divergence() -> None:
    """Hidden weights of 1e200 saturate tanh: every parameter and loss stays finite though the point's sum of squares
    overflows float64, so the run goes on to the end, each loss the MSE at its point."""
    W1 = np.full_like(XOR.W1, 1e200)
    trace = nnla.network_descent(
        XOR.X, W1, XOR.b1, XOR.W2, XOR.b2, XOR.T, lr=examples.XOR_LR, steps=20, reduction="mean"
    )
    assert not trace.diverged
    assert trace.losses.shape == (21,)
    for s in range(21):
        P = nnla.network_forward(XOR.X, trace.W1[s], trace.b1[s], trace.W2[s], trace.b2[s]).P
        assert trace.losses[s] == nnla.mse(XOR.T, P)
    np.testing.assert_array_equal(trace.W1[-1], W1)


def test_a_starting_loss_that_overflows_gives_an_empty_diverged_trace() -> None:
    """Finite inputs whose loss is not finite in float64: no point can be recorded."""
    trace = nnla.network_descent([[1.0]], [[1.0]], [[0.0]], [[1e200]], [[0.0]], [[0.0]], lr=0.1, steps=3)
    assert trace.diverged
    assert trace.losses.shape == (0,)
    assert trace.W1.shape == (0, 1, 1)
    assert trace.W2.shape == (0, 1, 1)


MODULES = ["activation", "network", "chain_rule", "backward", "training"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    """Every `>>>` example in the hidden layer's docstrings gives the output it shows."""
    module = importlib.import_module(f"nnla.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
