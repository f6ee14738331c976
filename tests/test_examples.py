"""The worked examples: the running example checked by hand, the batches, the toy descent, the docstrings."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest

import nnla
from nnla import examples

RTOL = 1e-12
ATOL = 1e-12
LSTSQ_ATOL = 1e-10  # least squares on an 8 x 4 matrix of condition number about 3


def test_running_example_has_the_errata_values_worked_by_hand() -> None:
    """p = xW + b, e, the loss vector, SSE and MSE of the running example, each written out by hand."""
    ex = examples.running
    np.testing.assert_array_equal(ex.X, [[1.0, 2.0, -1.0]])
    np.testing.assert_array_equal(ex.W, [[0.5, -1.0], [0.25, 0.5], [1.0, 0.0]])
    np.testing.assert_array_equal(ex.b, [[0.1, -0.2]])
    np.testing.assert_array_equal(ex.T, [[1.0, 2.0]])
    p = [1 * 0.5 + 2 * 0.25 + (-1) * 1 + 0.1, 1 * (-1) + 2 * 0.5 + (-1) * 0 - 0.2]  # [0.1, -0.2]
    e = [1 - p[0], 2 - p[1]]  # [0.9, 2.2]
    ell = [e[0] ** 2, e[1] ** 2]  # [0.81, 4.84]
    P = nnla.forward(ex.X, ex.W, ex.b)
    np.testing.assert_allclose(P, [p], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(P, [[0.1, -0.2]], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(nnla.loss_vector(ex.T, P), [ell], rtol=RTOL)
    np.testing.assert_allclose(nnla.loss_vector(ex.T, P), [[0.81, 4.84]], rtol=RTOL)
    np.testing.assert_allclose(nnla.sse(ex.T, P), 5.65, rtol=RTOL)
    np.testing.assert_allclose(nnla.mse(ex.T, P), 2.825, rtol=RTOL)


@pytest.mark.parametrize("ex", [examples.running, examples.batch_consistent, examples.batch_noisy])
def test_examples_are_read_only_float64_arrays_of_consistent_shapes(ex: examples.Example) -> None:
    """X (m, n), W (n, z), b (1, z), T (m, z), all float64 and not writeable."""
    m, n, z = ex.m, ex.n, ex.z
    shapes = {"X": (m, n), "W": (n, z), "b": (1, z), "T": (m, z)}
    for field, shape in shapes.items():
        a = getattr(ex, field)
        assert a.shape == shape, field
        assert a.dtype == np.float64, field
        assert not a.flags.writeable, field
        with pytest.raises(ValueError, match="read-only"):
            a[(0,) * a.ndim] = 1.0


def test_example_fields_cannot_be_reassigned() -> None:
    """The dataclass is frozen."""
    with pytest.raises(AttributeError):
        examples.running.X = np.zeros((1, 3))  # type: ignore[misc]  # frozen on purpose: the test checks the refusal


def _lstsq(X: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, float]:
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    theta, *_ = np.linalg.lstsq(A, T, rcond=None)
    return theta, float(((A @ theta - T) ** 2).sum())


def test_batch_consistent_is_fitted_exactly_by_the_true_parameters() -> None:
    """T = X W_true + b_true, so least squares recovers W_true, b_true with zero residual."""
    ex = examples.batch_consistent
    assert (ex.m, ex.n, ex.z) == (8, 3, 2)
    np.testing.assert_allclose(ex.T, ex.X @ examples.BATCH_W_TRUE + examples.BATCH_B_TRUE, rtol=0, atol=1e-13)
    theta, residual = _lstsq(ex.X, ex.T)
    np.testing.assert_allclose(theta[:3], examples.BATCH_W_TRUE, atol=LSTSQ_ATOL)
    np.testing.assert_allclose(theta[3:], examples.BATCH_B_TRUE, atol=LSTSQ_ATOL)
    assert residual < LSTSQ_ATOL
    np.testing.assert_array_equal(ex.W, np.zeros((3, 2)))
    np.testing.assert_array_equal(ex.b, np.zeros((1, 2)))


def test_batch_inputs_have_two_decimals_and_come_from_the_seed() -> None:
    """X is drawn from default_rng(SEED) and rounded to 2 decimals; rebuilding gives the same arrays."""
    ex = examples.batch_consistent
    np.testing.assert_allclose(ex.X * 100, np.round(ex.X * 100), rtol=0, atol=1e-9)
    X_again = np.random.default_rng(examples.SEED).normal(size=(8, 3)).round(2)
    np.testing.assert_array_equal(ex.X, X_again)
    consistent, noisy = examples._batches()
    np.testing.assert_array_equal(consistent.T, ex.T)
    np.testing.assert_array_equal(noisy.T, examples.batch_noisy.T)


def test_batch_noisy_has_a_clearly_positive_least_squares_residual() -> None:
    """Same X and start as the consistent batch; the noise (2 decimals) leaves SSE > 1 at the optimum."""
    noisy, consistent = examples.batch_noisy, examples.batch_consistent
    np.testing.assert_array_equal(noisy.X, consistent.X)
    np.testing.assert_array_equal(noisy.W, consistent.W)
    np.testing.assert_array_equal(noisy.b, consistent.b)
    noise = noisy.T - consistent.T
    np.testing.assert_allclose(noise * 100, np.round(noise * 100), rtol=0, atol=1e-9)
    assert np.count_nonzero(np.round(noise, 2)) > noise.size // 2
    _, residual = _lstsq(noisy.X, noisy.T)
    assert residual > 1.0


def test_toy_descent_swapped_rule_raises_z_from_25_to_29() -> None:
    """Erratum 11: from (4, 3), w <- 4 - 2*3 = -2, y <- 3 - 2*4 = -5, Z = 4 + 25 = 29."""
    path = examples.toy_descent(*examples.TOY_START, lr=1.0, steps=1, swapped=True)
    np.testing.assert_array_equal(path, [[4.0, 3.0, 25.0], [-2.0, -5.0, 29.0]])


def test_toy_descent_correct_rule_with_step_1_oscillates_at_25() -> None:
    """w <- w - 2w = -w, y <- -y: the point flips sign and Z stays 25."""
    path = examples.toy_descent(*examples.TOY_START, lr=1.0, steps=4)
    assert path.shape == (5, 3)
    np.testing.assert_array_equal(path[:, 2], [25.0] * 5)
    np.testing.assert_array_equal(path[1, :2], [-4.0, -3.0])
    np.testing.assert_array_equal(path[2, :2], [4.0, 3.0])


@pytest.mark.parametrize(("lr", "converges"), [(0.1, True), (0.5, True), (0.9, True), (1.0, False), (1.1, False)])
def test_toy_descent_converges_iff_lr_below_1(lr: float, converges: bool) -> None:
    """Each step multiplies (w, y) by 1 - 2 lr, of magnitude below 1 iff 0 < lr < 1."""
    path = examples.toy_descent(*examples.TOY_START, lr=lr, steps=200)
    w, y = 4.0 * (1 - 2 * lr) ** 200, 3.0 * (1 - 2 * lr) ** 200
    np.testing.assert_allclose(path[-1, :2], [w, y], rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(path[:, 2], path[:, 0] ** 2 + path[:, 1] ** 2, rtol=RTOL)
    assert bool(path[-1, 2] < 1e-6) is converges


MODULES = ["forward", "loss", "jacobians", "descent", "numdiff", "examples"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    """Every `>>>` example in the engine's docstrings gives the output it shows."""
    module = importlib.import_module(f"nnla.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
