"""Property tests (hypothesis) of the hidden layer over shapes and values: the identities hold for every network."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from test_mlp_support import NAMES, Array, Network, loss, loss_in, predict

import nnla

MAX_EXAMPLES = 40
#: Central differences of a loss of size about T.size * magnitude^2 round to about 1e-16 of it over a step of
#: 1e-6, so 1e-10 of it; the truncation (eps^2 / 6 times a third derivative with |x|^3 <= 8) is smaller still.
FD_REL = 1e-9
RTOL = 1e-10
ATOL = 1e-10
#: Entries up to 2: beyond, tanh saturates and the problems say nothing new.
VALUES = st.floats(-2, 2, allow_nan=False, allow_infinity=False, allow_subnormal=False)
SIZES = st.integers(1, 5)

Problem = tuple[Array, Network, Array]


@st.composite
def problems(draw: st.DrawFn, m: st.SearchStrategy[int] = SIZES) -> Problem:
    """A batch X (m, n), parameters W1 (n, k), b1 (1, k), W2 (k, z), b2 (1, z), targets T (m, z)."""
    m_, n, k, z = draw(m), draw(SIZES), draw(SIZES), draw(SIZES)
    X = draw(arrays(np.float64, (m_, n), elements=VALUES))
    params = tuple(draw(arrays(np.float64, shape, elements=VALUES)) for shape in [(n, k), (1, k), (k, z), (1, z)])
    return X, (params[0], params[1], params[2], params[3]), draw(arrays(np.float64, (m_, z), elements=VALUES))


def _scale(X: Array, params: Network, T: Array) -> float:
    """A bound on |E| for the problem: |t| + k |W2| + |b2|, since |h| <= 1."""
    W2, b2 = params[2], params[3]
    return float(np.abs(T).max() + W2.shape[0] * np.abs(W2).max() + np.abs(b2).max())


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(problems(), st.sampled_from(["sum", "mean"]))
def test_backprop_equals_central_differences(problem: Problem, reduction: str) -> None:
    """All four gradients equal the numerical derivatives of the SSE (or MSE) for any shapes and values."""
    X, params, T = problem
    divide = 1.0 if reduction == "sum" else T.size
    atol = FD_REL * (1 + T.size * _scale(X, params, T) ** 2) / divide
    for index, (gradient, name) in enumerate(zip(nnla.backprop(X, *params, T, reduction), NAMES, strict=True)):
        numeric = nnla.numerical_jacobian(loss_in(X, params, T, index, reduction), params[index])
        np.testing.assert_allclose(gradient, numeric, rtol=0, atol=atol, err_msg=name)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(problems(m=st.just(1)))
def test_chained_jacobians_have_the_sparse_structure_and_sum_to_backprop(problem: Problem) -> None:
    """d l / d W2 is 0 off j = c and d l / d b2 off the diagonal, exactly; each .sum(axis=-1) is backprop's."""
    X, params, T = problem
    z = T.shape[1]
    _, _, J_W2, J_b2 = jacobians = nnla.network_jacobians(X, *params, T)
    off = ~np.eye(z, dtype=bool)
    assert np.all(J_W2[:, off] == 0)
    assert np.all(J_b2[off] == 0)
    for J, gradient in zip(jacobians, nnla.backprop(X, *params, T), strict=True):
        scale = 1 + np.abs(gradient).max()
        np.testing.assert_allclose(J.sum(axis=-1).reshape(gradient.shape), gradient, rtol=RTOL, atol=ATOL * scale)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(problems())
def test_a_batch_gradient_is_the_sum_of_its_examples_and_the_mean_divides_it_by_m_z(problem: Problem) -> None:
    """backprop over the batch = the sum of backprop over each row; the MSE's = the SSE's / (m z)."""
    X, params, T = problem
    m, z = T.shape
    total = nnla.backprop(X, *params, T, "sum")
    mean = nnla.backprop(X, *params, T, "mean")
    rows = [nnla.backprop(X[r], *params, T[r], "sum") for r in range(m)]
    for index, name in enumerate(NAMES):
        scale = ATOL * (1 + sum(np.abs(row[index]).max() for row in rows))
        np.testing.assert_allclose(total[index], sum(row[index] for row in rows), rtol=RTOL, atol=scale, err_msg=name)
        np.testing.assert_allclose(mean[index], total[index] / (m * z), rtol=RTOL, atol=scale / (m * z), err_msg=name)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(problems())
def test_the_loss_falls_along_the_gradient_at_the_rate_of_its_squared_norm(problem: Problem) -> None:
    """d/ds L(theta - s g) at s = 0 is -|g|^2: the four gradients together are the direction of steepest ascent."""
    X, params, T = problem
    g = nnla.backprop(X, *params, T)

    def along(s: Array) -> float:
        return loss(X, tuple(p - s[0] * d for p, d in zip(params, g, strict=True)), T)

    slope = nnla.numerical_jacobian(along, np.zeros(1))[0]
    norm2 = sum(float((d * d).sum()) for d in g)
    atol = FD_REL * (1 + T.size * _scale(X, params, T) ** 2) * (1 + norm2)
    np.testing.assert_allclose(slope, -norm2, rtol=1e-6, atol=atol)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(problems())
def test_the_forward_pass_is_the_two_layers_with_tanh_between(problem: Problem) -> None:
    """Shapes (m, k), (m, k), (m, z); H in [-1, 1]; P equals the reference written in test_mlp_support."""
    X, params, T = problem
    out = nnla.network_forward(X, *params)
    m, k = X.shape[0], params[0].shape[1]
    assert out.A1.shape == out.H.shape == (m, k)
    assert out.P.shape == T.shape
    assert np.all(np.abs(out.H) <= 1)
    np.testing.assert_allclose(out.H, np.tanh(out.A1), rtol=0, atol=0)
    np.testing.assert_allclose(out.P, predict(X, *params), rtol=RTOL, atol=ATOL * (1 + np.abs(out.P).max()))


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(arrays(np.float64, st.integers(1, 8), elements=st.floats(-30, 30, allow_nan=False)))
def test_the_activation_derivative_is_one_minus_tanh_squared_on_the_diagonal(a: Array) -> None:
    """tanh' = 1 - tanh^2 lies in [0, 1]; jacobian_tanh is diag(tanh'(a)), exactly 0 off the diagonal."""
    d = nnla.tanh_derivative(a)
    assert np.all((d >= 0) & (d <= 1))
    np.testing.assert_allclose(d, 1 - np.tanh(a) ** 2, rtol=1e-15, atol=0)
    J = nnla.jacobian_tanh(a)
    np.testing.assert_array_equal(J, np.diag(d))


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(problems(), st.floats(0.001, 100.0), st.sampled_from(["sum", "mean"]))
def test_descent_never_hands_out_non_finite_numbers(problem: Problem, lr: float, reduction: str) -> None:
    """Whatever the step, the trace holds only finite numbers and diverged is set iff it stopped early."""
    X, params, T = problem
    trace = nnla.network_descent(X, *params, T, lr=lr, steps=100, reduction=reduction)
    for a in (trace.losses, trace.W1, trace.b1, trace.W2, trace.b2):
        assert np.all(np.isfinite(a))
        assert a.shape[0] == trace.losses.shape[0]
    assert trace.diverged == (trace.losses.shape[0] < 101)
