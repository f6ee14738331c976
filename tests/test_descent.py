"""Gradient descent: one step, whole runs against least squares, and the stability limit 2 / lambda_max."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

import nnla
from nnla import examples

RTOL = 1e-12
ATOL = 1e-12
CONVERGED_ATOL = 1e-9  # on the loss and the parameters after enough steps
HESSIAN_RTOL = 1e-6  # central differences of a linear gradient
STEPS = 2000
BATCHES = [examples.batch_consistent, examples.batch_noisy]
REDUCTIONS = ["sum", "mean"]


def _lstsq(ex: examples.Example, reduction: str) -> tuple[np.ndarray, np.ndarray, float]:
    """The least-squares W, b and the loss there, from np.linalg.lstsq on A = [X, 1]."""
    A = np.hstack([ex.X, np.ones((ex.m, 1))])
    theta, *_ = np.linalg.lstsq(A, ex.T, rcond=None)
    loss = float(((A @ theta - ex.T) ** 2).sum())
    return theta[:-1], theta[-1:], loss if reduction == "sum" else loss / ex.T.size


def _numerical_hessian(X: np.ndarray, T: np.ndarray, reduction: str) -> np.ndarray:
    """The loss's Hessian in theta = (W, b) flattened, by central differences of the analytic gradient."""
    m, n = X.shape
    z = T.shape[1]

    def gradient(theta: np.ndarray) -> np.ndarray:
        W, b = theta[: n * z].reshape(n, z), theta[n * z :].reshape(1, z)
        E = T - (X @ W + b)
        scale = -2.0 if reduction == "sum" else -2.0 / (m * z)
        return np.concatenate([(scale * X.T @ E).ravel(), (scale * E.sum(axis=0)).ravel()])

    theta0 = np.random.default_rng(0).normal(size=(n + 1) * z)
    H = nnla.numerical_jacobian(gradient, theta0)
    return (H + H.T) / 2


def _kronecker_hessian(X: np.ndarray, z: int, reduction: str) -> np.ndarray:
    """The same Hessian from its closed form: 2 (A^T A) kron I_z, divided by m z for the MSE."""
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    H = 2 * np.kron(A.T @ A, np.eye(z))
    return H if reduction == "sum" else H / (X.shape[0] * z)


def test_update_subtracts_lr_times_the_gradient() -> None:
    """W* = W - lr (-2 X^T E), b* = b - lr (-2 1^T E), with E written out in the test."""
    ex = examples.batch_noisy
    W0 = np.arange(6.0).reshape(3, 2) / 10
    b0 = np.array([[0.3, -0.1]])
    E = ex.T - (ex.X @ W0 + b0)
    W1, b1 = nnla.update(ex.X, W0, b0, ex.T, lr=0.01)
    np.testing.assert_allclose(W1, W0 - 0.01 * (-2 * ex.X.T @ E), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(b1, b0 - 0.01 * (-2 * E.sum(axis=0, keepdims=True)), rtol=RTOL, atol=ATOL)
    W1m, b1m = nnla.update(ex.X, W0, b0, ex.T, lr=0.01, reduction="mean")
    np.testing.assert_allclose(W1m, W0 - 0.01 * (-2 * ex.X.T @ E) / 16, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(b1m, b0 - 0.01 * (-2 * E.sum(axis=0, keepdims=True)) / 16, rtol=RTOL, atol=ATOL)


def test_the_essays_literal_rule_multiplies_the_residual_by_minus_13() -> None:
    """Erratum 18: lr = 1 on the SSE of the running example: e -> (1 - 2(1 + |x|^2)) e = -13 e."""
    ex = examples.running
    x = ex.X[0]
    r = 1 - 2 * (1 + x @ x)
    assert r == -13.0
    trace = nnla.gradient_descent(ex.X, ex.W, ex.b, ex.T, lr=1, steps=4)
    errors = [ex.T - nnla.forward(ex.X, trace.W[s], trace.b[s]) for s in range(5)]
    for before, after in itertools.pairwise(errors):
        np.testing.assert_allclose(after, r * before, rtol=1e-9)
    np.testing.assert_allclose(trace.losses, 5.65 * 169.0 ** np.arange(5), rtol=1e-9)
    np.testing.assert_allclose(trace.losses[:3], [5.65, 954.85, 161369.65], rtol=1e-9)
    assert not trace.diverged


@pytest.mark.parametrize(
    ("lr", "expected"),
    [
        (1 / 14, [5.65, 0.0, 0.0]),  # r = 1 - 14 / 14 = 0: zero loss in one step
        (1 / 7, [5.65, 5.65, 5.65]),  # r = -1: the loss oscillates at 5.65
        (1 / 28, [5.65, 5.65 / 4, 5.65 / 16]),  # r = 1/2: the loss is divided by 4 each step
    ],
)
def test_running_example_step_sizes_from_the_errata(lr: float, expected: list[float]) -> None:
    """Erratum 19: each SSE step multiplies e by r = 1 - 14 lr."""
    ex = examples.running
    trace = nnla.gradient_descent(ex.X, ex.W, ex.b, ex.T, lr=lr, steps=2)
    np.testing.assert_allclose(trace.losses, expected, rtol=1e-9, atol=1e-24)


def test_max_stable_lr_of_the_running_example_is_one_seventh() -> None:
    """lambda_max = 2 (1 + |x|^2) = 14 for the SSE, so 2 / 14; for the MSE (m z = 2) twice that."""
    ex = examples.running
    np.testing.assert_allclose(nnla.max_stable_lr(ex.X, ex.z), 1 / 7, rtol=RTOL)
    np.testing.assert_allclose(nnla.max_stable_lr(ex.X, ex.z, reduction="mean"), 2 / 7, rtol=RTOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    ("m", "n", "z"), [(1, 3, 2), (8, 3, 2), (1, 1, 1), (4, 2, 3), (6, 5, 1), (3, 6, 2), (20, 4, 3)]
)
def test_max_stable_lr_is_2_over_the_largest_eigenvalue_of_the_hessian(m: int, n: int, z: int, reduction: str) -> None:
    """Against the Hessian the test builds by central differences, and against the Kronecker formula."""
    rng = np.random.default_rng([8, m, n, z])
    X, T = rng.normal(size=(m, n)), rng.normal(size=(m, z))
    H = _numerical_hessian(X, T, reduction)
    np.testing.assert_allclose(H, _kronecker_hessian(X, z, reduction), rtol=HESSIAN_RTOL, atol=HESSIAN_RTOL)
    lam_max = np.linalg.eigvalsh(H)[-1]
    np.testing.assert_allclose(nnla.max_stable_lr(X, z, reduction), 2 / lam_max, rtol=HESSIAN_RTOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("fraction", [0.5, 0.9, 0.99])
def test_below_the_limit_descent_reaches_the_least_squares_fit_of_the_consistent_batch(
    fraction: float, reduction: str
) -> None:
    """The loss falls to ~0 and (W, b) to the np.linalg.lstsq solution, which is (W_true, b_true)."""
    ex = examples.batch_consistent
    lr = fraction * nnla.max_stable_lr(ex.X, ex.z, reduction)
    trace = nnla.gradient_descent(ex.X, ex.W, ex.b, ex.T, lr, STEPS, reduction)
    W_ls, b_ls, loss_ls = _lstsq(ex, reduction)
    assert not trace.diverged
    assert trace.losses.shape == (STEPS + 1,)
    assert loss_ls < 1e-20
    assert trace.losses[-1] < CONVERGED_ATOL
    np.testing.assert_allclose(trace.W[-1], W_ls, atol=CONVERGED_ATOL)
    np.testing.assert_allclose(trace.b[-1], b_ls, atol=CONVERGED_ATOL)
    np.testing.assert_allclose(trace.W[-1], examples.BATCH_W_TRUE, atol=CONVERGED_ATOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("fraction", [0.5, 0.9, 0.99])
def test_below_the_limit_descent_on_the_noisy_batch_falls_to_the_least_squares_loss_never_below(
    fraction: float, reduction: str
) -> None:
    """The loss decreases at every step to the lstsq residual and never goes under it."""
    ex = examples.batch_noisy
    lr = fraction * nnla.max_stable_lr(ex.X, ex.z, reduction)
    trace = nnla.gradient_descent(ex.X, ex.W, ex.b, ex.T, lr, STEPS, reduction)
    W_ls, b_ls, loss_ls = _lstsq(ex, reduction)
    floor = loss_ls * (1 - RTOL)
    assert loss_ls > 0.1
    assert np.all(trace.losses >= floor)
    assert np.all(np.diff(trace.losses) <= ATOL * loss_ls)
    np.testing.assert_allclose(trace.losses[-1], loss_ls, rtol=CONVERGED_ATOL)
    np.testing.assert_allclose(trace.W[-1], W_ls, atol=CONVERGED_ATOL)
    np.testing.assert_allclose(trace.b[-1], b_ls, atol=CONVERGED_ATOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("ex", BATCHES, ids=lambda e: e.name)
def test_at_the_limit_descent_does_not_converge(ex: examples.Example, reduction: str) -> None:
    """At lr = 2 / lambda_max the top eigen-direction flips sign forever: the loss stays well above lstsq."""
    lr = nnla.max_stable_lr(ex.X, ex.z, reduction)
    trace = nnla.gradient_descent(ex.X, ex.W, ex.b, ex.T, lr, STEPS, reduction)
    _, _, loss_ls = _lstsq(ex, reduction)
    gap = trace.losses - loss_ls
    assert np.all(gap[-100:] > 0.1 * gap[0])
    assert not trace.diverged


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("factor", [1.1, 2.0])
@pytest.mark.parametrize("ex", [*BATCHES, examples.running], ids=lambda e: getattr(e, "name", None))
def test_above_the_limit_descent_diverges_and_the_trace_says_so(
    ex: examples.Example, factor: float, reduction: str
) -> None:
    """The run stops at the overflow, sets diverged, and hands out only finite numbers."""
    lr = factor * nnla.max_stable_lr(ex.X, ex.z, reduction)
    trace = nnla.gradient_descent(ex.X, ex.W, ex.b, ex.T, lr, 5000, reduction)
    assert trace.diverged
    k = trace.losses.shape[0]
    assert 1 < k < 5001
    assert trace.W.shape == (k, ex.n, ex.z)
    assert trace.b.shape == (k, 1, ex.z)
    assert np.all(np.isfinite(trace.losses))
    assert np.all(np.isfinite(trace.W))
    assert np.all(np.isfinite(trace.b))
    assert trace.losses[-1] > 1e300  # it went as far as float64 goes
    # one more step from the last recorded point does overflow
    with np.errstate(over="ignore", invalid="ignore"):
        W_next, b_next = nnla.update(ex.X, trace.W[-1], trace.b[-1], ex.T, lr, reduction)
        E = ex.T - (ex.X @ W_next + b_next)
        assert not np.isfinite((E * E).sum())


def test_the_trace_records_each_point_and_is_immutable() -> None:
    """losses[s] is the loss at (W[s], b[s]); W[0], b[0] are the start; nothing can be changed."""
    ex = examples.batch_noisy
    trace = nnla.gradient_descent(ex.X, ex.W, ex.b, ex.T, lr=0.01, steps=5, reduction="sum")
    assert trace.lr == 0.01
    assert trace.reduction == "sum"
    assert trace.diverged is False
    assert trace.losses.dtype == np.float64
    np.testing.assert_array_equal(trace.W[0], ex.W)
    np.testing.assert_array_equal(trace.b[0], ex.b)
    for s in range(6):
        np.testing.assert_allclose(trace.losses[s], nnla.sse(ex.T, nnla.forward(ex.X, trace.W[s], trace.b[s])))
    for s in range(5):
        W_next, b_next = nnla.update(ex.X, trace.W[s], trace.b[s], ex.T, lr=0.01)
        np.testing.assert_allclose(trace.W[s + 1], W_next, rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(trace.b[s + 1], b_next, rtol=RTOL, atol=ATOL)
    for a in (trace.losses, trace.W, trace.b):
        assert not a.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            a[(0,) * a.ndim] = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        trace.diverged = True  # type: ignore[misc]  # frozen on purpose: the test checks the refusal


def test_zero_steps_record_only_the_start() -> None:
    """steps = 0 gives one point: the starting loss and parameters."""
    ex = examples.running
    trace = nnla.gradient_descent(ex.X, ex.W, ex.b, ex.T, lr=0.1, steps=0)
    np.testing.assert_allclose(trace.losses, [5.65], rtol=RTOL)
    assert trace.W.shape == (1, 3, 2)
    assert trace.b.shape == (1, 1, 2)


def test_mean_descent_is_sum_descent_with_lr_divided_by_m_z() -> None:
    """The MSE gradient is the SSE gradient over m z, so the parameter paths coincide."""
    ex = examples.batch_noisy
    lr = 0.02
    sum_trace = nnla.gradient_descent(ex.X, ex.W, ex.b, ex.T, lr, 50, "sum")
    mean_trace = nnla.gradient_descent(ex.X, ex.W, ex.b, ex.T, lr * ex.m * ex.z, 50, "mean")
    np.testing.assert_allclose(mean_trace.W, sum_trace.W, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mean_trace.losses * ex.m * ex.z, sum_trace.losses, rtol=1e-10)


def test_a_starting_loss_that_overflows_gives_an_empty_diverged_trace() -> None:
    """Finite inputs whose loss is not finite in float64: no point can be recorded."""
    trace = nnla.gradient_descent([[1.0]], [[1e200]], [[0.0]], [[0.0]], lr=0.1, steps=3)
    assert trace.diverged
    assert trace.losses.shape == (0,)
    assert trace.W.shape == (0, 1, 1)
    assert trace.b.shape == (0, 1, 1)
