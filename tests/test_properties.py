"""Property tests (hypothesis) over shapes and values: the identities hold for every problem, not a few."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import nnla

MAX_EXAMPLES = 40
FD_REL = 1e-9  # central differences are exact on a quadratic up to rounding, about 1e-16 / eps
RTOL = 1e-10
ATOL = 1e-10
VALUES = st.floats(-10, 10, allow_nan=False, allow_infinity=False, allow_subnormal=False)
SIZES = st.integers(1, 6)

Problem = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@st.composite
def problems(draw: st.DrawFn, m: st.SearchStrategy[int] = SIZES) -> Problem:
    """A batch (X, W, b, T) of shapes (m, n), (n, z), (1, z), (m, z) with values in [-10, 10]."""
    m_, n, z = draw(m), draw(SIZES), draw(SIZES)
    return (
        draw(arrays(np.float64, (m_, n), elements=VALUES)),
        draw(arrays(np.float64, (n, z), elements=VALUES)),
        draw(arrays(np.float64, (1, z), elements=VALUES)),
        draw(arrays(np.float64, (m_, z), elements=VALUES)),
    )


def _sse(X: np.ndarray, W: np.ndarray, b: np.ndarray, T: np.ndarray) -> float:
    return float(((T - (X @ W + b)) ** 2).sum())


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(problems(), st.sampled_from(["sum", "mean"]))
def test_gradients_equal_central_differences(problem: Problem, reduction: str) -> None:
    """dW, db equal the numerical derivatives of the SSE (or MSE) for any shapes and values."""
    X, W, b, T = problem
    divide = 1.0 if reduction == "sum" else T.size
    dW, db = nnla.gradients(X, W, b, T, reduction=reduction)
    numeric_W = nnla.numerical_jacobian(lambda W_: _sse(X, W_, b, T) / divide, W)
    numeric_b = nnla.numerical_jacobian(lambda b_: _sse(X, W, b_, T) / divide, b)
    # rounding in the loss is about 1e-16 times the sum of squares of its largest terms, over a step of 1e-6
    magnitude = np.abs(T).max() + X.shape[1] * np.abs(X).max() * np.abs(W).max() + np.abs(b).max()
    scale = FD_REL * (1 + T.size * magnitude**2) / divide
    np.testing.assert_allclose(dW, numeric_W, rtol=0, atol=scale)
    np.testing.assert_allclose(db, numeric_b, rtol=0, atol=scale)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(problems(m=st.just(1)))
def test_jacobians_have_the_sparse_structure_and_sum_to_the_gradient(problem: Problem) -> None:
    """Off the diagonal j = k both Jacobians are exactly 0, and .sum(axis=-1) is the one-example gradient."""
    X, W, b, T = problem
    n, z = W.shape
    J_b = nnla.jacobian_bias(X, W, b, T)
    J_W = nnla.jacobian_weights(X, W, b, T)
    off = ~np.eye(z, dtype=bool)
    assert np.all(J_b[off] == 0)
    assert np.all(J_W[:, off] == 0)
    dW, db = nnla.gradients(X, W, b, T)
    np.testing.assert_allclose(J_W.sum(axis=-1), dW, rtol=RTOL, atol=ATOL * (1 + np.abs(dW).max()))
    np.testing.assert_allclose(J_b.sum(axis=-1), db[0], rtol=RTOL, atol=ATOL * (1 + np.abs(db).max()))
    assert np.count_nonzero(J_W) <= n * z


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(problems())
def test_losses_are_consistent(problem: Problem) -> None:
    """loss_vector >= 0, SSE is its sum, MSE = SSE / (m z), and a perfect prediction has loss 0."""
    X, W, b, T = problem
    P = nnla.forward(X, W, b)
    ell = nnla.loss_vector(T, P)
    assert ell.shape == T.shape
    assert np.all(ell >= 0)
    np.testing.assert_allclose(nnla.sse(T, P), ell.sum(), rtol=RTOL)
    np.testing.assert_allclose(nnla.mse(T, P), nnla.sse(T, P) / T.size, rtol=RTOL)
    assert nnla.sse(P, P) == 0.0


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(problems(), arrays(np.float64, 6, elements=VALUES))
def test_forward_is_affine_in_the_bias(problem: Problem, shift: np.ndarray) -> None:
    """Adding c to the bias adds c to every row of P."""
    X, W, b, _ = problem
    c = shift[: W.shape[1]]
    np.testing.assert_allclose(
        nnla.forward(X, W, b + c), nnla.forward(X, W, b) + c, rtol=RTOL, atol=ATOL * (1 + np.abs(b).max())
    )


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(problems(), st.floats(0.01, 0.99), st.sampled_from(["sum", "mean"]))
def test_a_step_below_the_limit_never_raises_the_loss(problem: Problem, fraction: float, reduction: str) -> None:
    """With lr < max_stable_lr every eigen-component shrinks, so one update cannot increase the loss."""
    X, W, b, T = problem
    lr = fraction * nnla.max_stable_lr(X, W.shape[1], reduction)
    W1, b1 = nnla.update(X, W, b, T, lr, reduction)
    before, after = _sse(X, W, b, T), _sse(X, W1, b1, T)
    assert after <= before * (1 + 1e-9) + 1e-9


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(problems(), st.sampled_from(["sum", "mean"]))
def test_max_stable_lr_matches_the_kronecker_hessian(problem: Problem, reduction: str) -> None:
    """2 / largest eigenvalue of 2 (A^T A kron I_z) (over m z for the MSE), A = [X, 1]."""
    X, W, _, _ = problem
    m, z = X.shape[0], W.shape[1]
    A = np.hstack([X, np.ones((m, 1))])
    H = 2 * np.kron(A.T @ A, np.eye(z)) / (1 if reduction == "sum" else m * z)
    np.testing.assert_allclose(nnla.max_stable_lr(X, z, reduction), 2 / np.linalg.eigvalsh(H)[-1], rtol=1e-9)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(problems(), st.floats(1.05, 3.0))
def test_descent_above_the_limit_never_hands_out_non_finite_numbers(problem: Problem, factor: float) -> None:
    """Whatever happens, the trace holds only finite numbers; diverged is set if it stopped early."""
    X, W, b, T = problem
    lr = factor * nnla.max_stable_lr(X, W.shape[1])
    trace = nnla.gradient_descent(X, W, b, T, lr, steps=300)
    assert np.all(np.isfinite(trace.losses))
    assert np.all(np.isfinite(trace.W))
    assert np.all(np.isfinite(trace.b))
    assert trace.diverged == (trace.losses.shape[0] < 301)
