"""The forward pass and the losses against loop-by-loop references written from the formulas."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import random_problem

import nnla

RTOL = 1e-12  # the references do the same arithmetic in another order
ATOL = 1e-12
SHAPES = list(itertools.product(range(1, 7), repeat=3))  # (m, n, z)


def _forward_by_loops(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    m, n = X.shape
    z = W.shape[1]
    P = np.zeros((m, z))
    for r in range(m):
        for j in range(z):
            P[r, j] = sum(X[r, i] * W[i, j] for i in range(n)) + b[0, j]
    return P


@pytest.mark.parametrize(("m", "n", "z"), SHAPES)
def test_forward_is_the_sum_over_i_of_x_ri_w_ij_plus_b_j(m: int, n: int, z: int) -> None:
    """p_rj = sum_i x_ri w_ij + b_j for every row r and output j."""
    X, W, b, _ = random_problem(m, n, z)
    np.testing.assert_allclose(nnla.forward(X, W, b), _forward_by_loops(X, W, b), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize(("m", "n", "z"), SHAPES)
def test_losses_are_squared_errors_summed_and_averaged_over_m_times_z(m: int, n: int, z: int) -> None:
    """loss_vector = (t - p)^2 entry by entry; SSE is its sum; MSE divides by m z (not by z alone)."""
    _, _, _, T = random_problem(m, n, z)
    P = np.random.default_rng([1, m, n, z]).normal(size=(m, z))
    by_loops = np.array([[(T[r, k] - P[r, k]) ** 2 for k in range(z)] for r in range(m)])
    np.testing.assert_allclose(nnla.loss_vector(T, P), by_loops, rtol=RTOL, atol=ATOL)
    total = sum(by_loops[r, k] for r in range(m) for k in range(z))
    np.testing.assert_allclose(nnla.sse(T, P), total, rtol=RTOL)
    np.testing.assert_allclose(nnla.mse(T, P), total / (m * z), rtol=RTOL)


def test_a_1d_input_is_one_row_and_the_bias_may_be_1d() -> None:
    """x of shape (n,) is the row (1, n); b of shape (z,) and (1, z) give the same prediction."""
    _, W, b, _ = random_problem(1, 3, 2)
    x = np.array([1.0, 2.0, -1.0])
    P = nnla.forward(x, W, b)
    assert P.shape == (1, 2)
    np.testing.assert_array_equal(nnla.forward(x[np.newaxis, :], W, b[0]), P)


def test_1d_targets_and_predictions_are_one_row() -> None:
    """loss_vector of two 1-D arrays is a (1, z) row; sse and mse are Python floats."""
    assert nnla.loss_vector([1.0, 2.0], [0.0, 0.0]).shape == (1, 2)
    assert type(nnla.sse([1.0, 2.0], [0.0, 0.0])) is float
    assert type(nnla.mse([1.0, 2.0], [0.0, 0.0])) is float


def test_integer_inputs_are_computed_in_float64() -> None:
    """Integer arrays are read as float64 and the result is float64."""
    P = nnla.forward([[1, 2]], [[1], [1]], [0])
    assert P.dtype == np.float64
    np.testing.assert_array_equal(P, [[3.0]])


def test_the_inputs_are_not_modified() -> None:
    """forward and the losses leave their arguments as they were."""
    X, W, b, T = random_problem(4, 3, 2)
    copies = [a.copy() for a in (X, W, b, T)]
    nnla.loss_vector(T, nnla.forward(X, W, b))
    for before, after in zip(copies, (X, W, b, T), strict=True):
        np.testing.assert_array_equal(before, after)


def test_squaring_is_needed_errors_of_opposite_sign_do_not_cancel() -> None:
    """Erratum 7: e = [1, -1] has loss 1, not 0 (the essay's MSE without the square would give 0)."""
    assert nnla.mse([1.0, -1.0], [0.0, 0.0]) == 1.0
