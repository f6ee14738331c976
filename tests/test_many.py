"""nnla.network_descent_many against its reference: nnla.network_descent, run once a start in a Python loop."""

from __future__ import annotations

from collections.abc import Callable
from unittest import mock

import numpy as np
import pytest

import nnla
import nnla.many

#: The runs side by side sum in another order than one run alone: their losses agree to this.
RTOL, ATOL = 1e-10, 1e-13
#: Runs that overflow grow by orders of magnitude a step, and their rounding with them: they agree to this.
GROWING_RTOL = 1e-6

Starts = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def starts(runs: int, n: int, k: int, z: int, seed: int, scale: float = 1.0) -> Starts:
    rng = np.random.default_rng(seed)
    return tuple(scale * rng.normal(size=(runs, *shape)) for shape in ((n, k), (1, k), (k, z), (1, z)))  # type: ignore[return-value]


def batch(m: int, n: int, z: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed + 1)
    return rng.normal(size=(m, n)), rng.normal(size=(m, z))


def one(S: Starts, q: int) -> Starts:
    return S[0][q], S[1][q], S[2][q], S[3][q]


@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize(("m", "n", "k", "z"), [(4, 2, 3, 1), (5, 3, 4, 2), (1, 1, 1, 1)])
def test_every_run_is_the_single_run_from_its_start(reduction: str, m: int, n: int, k: int, z: int) -> None:
    """Without `until`, each run's losses and last point are network_descent's from the same start."""
    X, T = batch(m, n, z, seed=m + n)
    S = starts(7, n, k, z, seed=k)
    many = nnla.network_descent_many(X, *S, T, lr=0.02, steps=40, reduction=reduction)
    assert many.losses.shape == (7, 41)
    assert many.stopped.tolist() == [40] * 7
    assert not many.reached.any()
    assert not many.diverged.any()
    for q in range(7):
        run = nnla.network_descent(X, *one(S, q), T, lr=0.02, steps=40, reduction=reduction)
        np.testing.assert_allclose(many.losses[q], run.losses, rtol=RTOL, atol=ATOL)
        for mine, theirs in zip((many.W1, many.b1, many.W2, many.b2), (run.W1, run.b1, run.W2, run.b2), strict=True):
            np.testing.assert_allclose(mine[q], theirs[-1], rtol=RTOL, atol=ATOL)


def test_a_run_stops_at_its_first_loss_below_until_and_keeps_that_point() -> None:
    """On XOR, with the page's recipe: each run stops where its single run first goes below `until`."""
    ex = nnla.examples.xor
    S = starts(12, ex.n, ex.k, ex.z, seed=5)
    until, steps = 0.05, 400
    many = nnla.network_descent_many(ex.X, *S, ex.T, lr=0.2, steps=steps, reduction="mean", until=until)
    assert 0 < many.reached.sum() < len(many.reached), "the test wants runs of both kinds"
    for q in range(12):
        run = nnla.network_descent(ex.X, *one(S, q), ex.T, lr=0.2, steps=steps, reduction="mean")
        below = np.flatnonzero(run.losses < until)
        stop = int(below[0]) if below.size else steps
        assert (many.stopped[q], many.reached[q]) == (stop, below.size > 0)
        np.testing.assert_allclose(many.losses[q, : stop + 1], run.losses[: stop + 1], rtol=RTOL, atol=ATOL)
        assert np.all(many.losses[q, stop:] == many.losses[q, stop])
        np.testing.assert_allclose(many.W1[q], run.W1[stop], rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(many.b2[q], run.b2[stop], rtol=RTOL, atol=ATOL)


def test_a_run_that_overflows_stops_at_its_last_finite_point_as_the_single_run_does() -> None:
    """A step too large for some starts: those runs diverge where network_descent says, the others go on."""
    X, T = batch(6, 3, 2, seed=3)
    S = starts(8, 3, 4, 2, seed=11, scale=3.0)
    many = nnla.network_descent_many(X, *S, T, lr=0.1, steps=300)
    assert 0 < many.diverged.sum() < len(many.diverged), "the test wants runs of both kinds"
    assert np.isfinite(many.losses).all()
    for q in range(8):
        run = nnla.network_descent(X, *one(S, q), T, lr=0.1, steps=300)
        assert (bool(many.diverged[q]), int(many.stopped[q])) == (run.diverged, len(run.losses) - 1)
        # A run that grows without bound grows its rounding with it: the two agree to GROWING_RTOL.
        np.testing.assert_allclose(many.losses[q, : len(run.losses)], run.losses, rtol=GROWING_RTOL)
        scale = np.abs(run.W2[-1]).max()  # entries far below the largest carry its rounding
        np.testing.assert_allclose(many.W2[q], run.W2[-1], rtol=GROWING_RTOL, atol=GROWING_RTOL * scale)


def test_the_record_is_read_only() -> None:
    ex = nnla.examples.xor
    many = nnla.network_descent_many(ex.X, *starts(2, 2, 3, 1, seed=0), ex.T, lr=0.1, steps=3)
    records = (many.losses, many.gradient_norms, many.stopped, many.reached, many.diverged)
    for a in (*records, many.W1, many.b1, many.W2, many.b2):
        assert not a.flags.writeable


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"b1": np.zeros((3, 1, 3))}, r"b1 must hold one start per run, of shape \(r, 1, k\) with the same r"),
        ({"W1": np.zeros((2, 2, 3))[:, :, :, np.newaxis]}, r"W1 must hold one start per run"),
        ({"W1": np.zeros((2, 4, 3))}, r"W1 must have shape"),
        ({"until": 0.0}, r"until must be a finite number greater than 0"),
        ({"lr": -1.0}, r"lr must be a finite number greater than 0"),
        ({"W2": np.full((2, 3, 1), 1e300), "b2": np.full((2, 1, 1), 1e300)}, r"starting loss of run 0 overflows"),
    ],
)
def test_arguments_that_do_not_fit_are_named(change: dict[str, object], message: str) -> None:
    ex = nnla.examples.xor
    W1, b1, W2, b2 = starts(2, 2, 3, 1, seed=0)
    kwargs: dict[str, object] = {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "lr": 0.1, "until": None, **change}
    with pytest.raises(ValueError, match=message):
        nnla.network_descent_many(ex.X, T=ex.T, steps=3, **kwargs)  # type: ignore[arg-type]


def norm_along(X: np.ndarray, run: nnla.NetworkTrace, T: np.ndarray, reduction: str) -> np.ndarray:
    """The gradient's norm in all the parameters at each point of a single run, by nnla.backprop."""
    return np.array(
        [
            np.sqrt(sum(np.sum(g * g) for g in nnla.backprop(X, *point, T, reduction=reduction)))
            for point in zip(run.W1, run.b1, run.W2, run.b2, strict=True)
        ]
    )


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_the_gradient_norms_are_backprops_at_every_point(reduction: str) -> None:
    """Without `until`: each run's gradient norm at each point is nnla.backprop's at network_descent's point."""
    X, T = batch(5, 3, 2, seed=2)
    S = starts(4, 3, 4, 2, seed=9)
    many = nnla.network_descent_many(X, *S, T, lr=0.02, steps=30, reduction=reduction)
    assert many.gradient_norms.shape == (4, 31)
    for q in range(4):
        run = nnla.network_descent(X, *one(S, q), T, lr=0.02, steps=30, reduction=reduction)
        np.testing.assert_allclose(many.gradient_norms[q], norm_along(X, run, T, reduction), rtol=RTOL, atol=ATOL)


def test_a_run_that_reaches_until_records_its_gradient_norm_there_and_repeats_it() -> None:
    """The norm is recorded at the point where a run stops below `until` too, then repeats, as its loss does."""
    ex = nnla.examples.xor
    S = starts(12, ex.n, ex.k, ex.z, seed=5)
    many = nnla.network_descent_many(ex.X, *S, ex.T, lr=0.2, steps=400, reduction="mean", until=0.05)
    assert 0 < many.reached.sum() < len(many.reached), "the test wants runs of both kinds"
    assert np.isfinite(many.gradient_norms).all()
    for q in range(12):
        stop = int(many.stopped[q])
        run = nnla.network_descent(ex.X, *one(S, q), ex.T, lr=0.2, steps=stop, reduction="mean")
        expected = norm_along(ex.X, run, ex.T, "mean")
        np.testing.assert_allclose(many.gradient_norms[q, : stop + 1], expected, rtol=RTOL, atol=ATOL)
        assert np.all(many.gradient_norms[q, stop:] == many.gradient_norms[q, stop])


def until_study() -> nnla.ManyTraces:
    """XOR with the page's recipe and `until`: runs that reach it at many different steps, and runs that do not."""
    ex = nnla.examples.xor
    S = starts(12, ex.n, ex.k, ex.z, seed=5)
    return nnla.network_descent_many(ex.X, *S, ex.T, lr=0.2, steps=400, reduction="mean", until=0.05)


def overflow_study() -> nnla.ManyTraces:
    """A step too large for some starts: runs that diverge at different steps, and runs that go to the end."""
    X, T = batch(6, 3, 2, seed=3)
    return nnla.network_descent_many(X, *starts(8, 3, 4, 2, seed=11, scale=3.0), T, lr=0.1, steps=300)


@pytest.mark.parametrize("study", [until_study, overflow_study])
@pytest.mark.parametrize("every", [1, 2, 5])
def test_the_record_does_not_depend_on_how_often_it_is_written(
    study: Callable[[], nnla.ManyTraces], every: int
) -> None:
    """The losses and norms wait in a buffer until a run stops or _RECORD_EVERY steps pass: written every step, or
    every few, the record is the same to the last bit (every = 1 puts each stop at the first step of a stretch)."""
    expected = study()
    with mock.patch.object(nnla.many, "_RECORD_EVERY", every):
        written = study()
    assert 0 < (written.reached | written.diverged).sum() < len(written.stopped), "the test wants stops"
    for name in ("losses", "gradient_norms", "stopped", "reached", "diverged", "W1", "b1", "W2", "b2"):
        np.testing.assert_array_equal(getattr(written, name), getattr(expected, name), err_msg=name)


def test_a_point_whose_sum_of_squares_overflows_but_is_finite_goes_on() -> None:
    """Hidden weights of 1e200 saturate tanh and stay finite, though their sum of squares overflows float64: that
    run goes on to the end, as network_descent's does, beside a run from an ordinary start."""
    ex = nnla.examples.xor
    S = starts(2, ex.n, ex.k, ex.z, seed=4)
    S[0][1] = 1e200
    many = nnla.network_descent_many(ex.X, *S, ex.T, lr=0.1, steps=20, reduction="mean")
    assert not many.diverged.any()
    assert many.stopped.tolist() == [20, 20]
    for q in range(2):
        run = nnla.network_descent(ex.X, *one(S, q), ex.T, lr=0.1, steps=20, reduction="mean")
        assert not run.diverged
        np.testing.assert_allclose(many.losses[q], run.losses, rtol=RTOL, atol=ATOL)
        np.testing.assert_array_equal(many.W1[q], run.W1[-1])
    assert many.W1[1].max() == 1e200
