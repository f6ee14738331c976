"""Work and memory are bounded: descents take at most MAX_STEPS steps, no built tensor passes MAX_ENTRIES entries.

The bounds are read from `nnla._checks` at each call (patched with `create=True`, so that a run on code without
them fails by its results, not by a missing name), so the generated cases lower them to a few hundred and try
shapes on both sides of the bound; the issue's own cases run against the real bounds, under a deadline (the old
code ran for minutes) and with tracemalloc watching (the refusal comes before anything large is built).
"""

from __future__ import annotations

import contextlib
import itertools
import re
import signal
import tracemalloc
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nnla
from nnla import _checks, examples

MAX_EXAMPLES = 150
BOUNDS = st.integers(1, 400)  # MAX_ENTRIES, lowered for the generated cases
SIZES = st.integers(1, 12)
#: A refusal takes microseconds, however busy the machine; the old code took 143 s (jacobian_weights at 1000).
DEADLINE_SECONDS = 30.0


class DeadlineExceededError(Exception):
    """The call ran past the deadline: the bound it should have met is missing."""


@contextlib.contextmanager
def deadline(seconds: float = DEADLINE_SECONDS) -> Iterator[None]:
    """Interrupt the block (SIGALRM) if it runs longer than `seconds`, so that a missing bound fails, not hangs."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise DeadlineExceededError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _peak_bytes(call: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        with contextlib.suppress(ValueError):
            call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _refused(where: str, bound: int, fix: str) -> str:
    """The message of a refusal: the function, the array's shape, its entries, the bound and the fix."""
    return (
        rf"^{re.escape(where)}: .+ = \([\d, ]+\) would (hold|handle) [\d,]+ entries \([\d.e+-]+ GiB of float64\), "
        rf"more than nnla\.MAX_ENTRIES = {bound:,}; {re.escape(fix)}"
    )


def _bounded(bound: int, entries: int, where: str, fix: str, call: Callable[[], Any]) -> Any:
    """Under MAX_ENTRIES = bound: `call` raises the refusal iff `entries` passes the bound, and else returns."""
    with mock.patch.object(_checks, "MAX_ENTRIES", bound, create=True):
        if entries > bound:
            with pytest.raises(ValueError, match=_refused(where, bound, fix)):
                call()
            return None
        return call()


def _ones(*shape: int) -> np.ndarray:
    return np.full(shape, 0.5)


# ------------------------------------------------------------------------------------------------------ the values


def test_the_bounds_are_public_named_constants() -> None:
    """A caller can read them, and check a size before a call: 10**6 steps, 2**27 entries (1 GiB of float64)."""
    assert nnla.MAX_STEPS == 10**6
    assert nnla.MAX_ENTRIES == 2**27
    assert {"MAX_STEPS", "MAX_ENTRIES"} <= set(nnla.__all__)


BOUNDED = {
    "MAX_ENTRIES": [
        nnla.jacobian_bias,
        nnla.jacobian_weights,
        nnla.jacobian_tanh,
        nnla.chain,
        nnla.stage_jacobians,
        nnla.network_jacobians,
        nnla.numerical_jacobian,
        nnla.gradient_descent,
        nnla.network_descent,
    ],
    "MAX_STEPS": [nnla.gradient_descent, nnla.network_descent, examples.toy_descent],
}


@pytest.mark.parametrize(
    ("bound", "function"),
    [(bound, f) for bound, functions in BOUNDED.items() for f in functions],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_each_bounded_function_states_its_bound_in_its_docstring(bound: str, function: Callable[..., Any]) -> None:
    assert f"`nnla.{bound}`" in (function.__doc__ or "")


# ---------------------------------------------------------------------------------------------------------- steps


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(st.integers(0, 30), st.integers(-3, 3), st.sampled_from(["gradient_descent", "network_descent", "toy"]))
def test_steps_above_max_steps_are_refused_and_up_to_it_run(bound: int, offset: int, which: str) -> None:
    """steps = bound + offset: refused with the bound and the fix iff it passes MAX_STEPS."""
    steps = bound + offset
    if steps < 0:
        return
    runs: dict[str, Callable[[], Any]] = {
        "gradient_descent": lambda: nnla.gradient_descent([1.0], [[0.5]], [0.0], [1.0], lr=0.1, steps=steps).losses,
        "network_descent": lambda: (
            nnla.network_descent([1.0], [[0.5]], [0.0], [[0.5]], [0.0], [1.0], lr=0.1, steps=steps).losses
        ),
        "toy": lambda: examples.toy_descent(4.0, 3.0, lr=0.1, steps=steps),
    }
    with mock.patch.object(_checks, "MAX_STEPS", bound, create=True):
        if steps > bound:
            with pytest.raises(
                ValueError,
                match=rf"^steps must be at most nnla\.MAX_STEPS = {bound:,}; got {steps}: split the run into calls ",
            ):
                runs[which]()
        else:
            assert len(runs[which]()) == steps + 1


def test_a_billion_steps_are_refused_at_once() -> None:
    """The issue's case: `gradient_descent(..., steps=10**9)` would run for a day and grow without limit."""
    with (
        deadline(),
        pytest.raises(ValueError, match=r"^steps must be at most nnla\.MAX_STEPS = 1,000,000; got 1000000000"),
    ):
        nnla.gradient_descent([1.0, 2.0, -1.0], np.ones((3, 2)), [0.1, -0.2], [1.0, 2.0], lr=1e-3, steps=10**9)


@pytest.mark.parametrize("steps", [10**9, 10**400])
def test_network_and_toy_descents_refuse_too_many_steps_at_once(steps: int) -> None:
    with deadline():
        for call in (
            lambda: nnla.network_descent([1.0], [[0.5]], [0.0], [[0.5]], [0.0], [1.0], lr=0.1, steps=steps),
            lambda: examples.toy_descent(4.0, 3.0, lr=0.1, steps=steps),
        ):
            with pytest.raises(ValueError, match=r"^steps must be at most nnla\.MAX_STEPS = 1,000,000; got "):
                call()


# ------------------------------------------------------------------------------------------------------ the traces


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(BOUNDS, SIZES, SIZES, st.integers(0, 40))
def test_a_trace_of_more_than_max_entries_is_refused(bound: int, n: int, z: int, steps: int) -> None:
    """(steps + 1) (1 + n z + z) numbers in the trace of gradient_descent; the fix says how many steps fit."""
    entries = (steps + 1) * (1 + n * z + z)
    fix = f"take at most {max(bound // (1 + n * z + z) - 1, 0):,} steps in one call, and continue from trace.W[-1]"
    trace = _bounded(
        bound,
        entries,
        "gradient_descent",
        fix,
        lambda: nnla.gradient_descent(_ones(2, n), _ones(n, z), _ones(z), _ones(2, z), lr=1e-3, steps=steps),
    )
    if trace is not None:
        assert trace.losses.size + trace.W.size + trace.b.size == entries


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(BOUNDS, SIZES, st.integers(1, 6), SIZES, st.integers(0, 20))
def test_a_network_trace_of_more_than_max_entries_is_refused(bound: int, n: int, k: int, z: int, steps: int) -> None:
    per_point = 1 + n * k + k + k * z + z
    fix = f"take at most {max(bound // per_point - 1, 0):,} steps in one call, and continue from trace.W1[-1]"
    trace = _bounded(
        bound,
        (steps + 1) * per_point,
        "network_descent",
        fix,
        lambda: nnla.network_descent(
            _ones(2, n), _ones(n, k), _ones(k), _ones(k, z), _ones(z), _ones(2, z), lr=1e-3, steps=steps
        ),
    )
    if trace is not None:
        assert trace.losses.shape == (steps + 1,)


# ------------------------------------------------------------------------------------------- the Jacobian tensors


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(BOUNDS, SIZES, SIZES)
def test_the_linear_layers_jacobians_are_bounded(bound: int, n: int, z: int) -> None:
    """jacobian_weights builds n z^2 entries, jacobian_bias z^2: refused iff past the bound, naming nnla.gradients."""
    arguments = (_ones(n), _ones(n, z), _ones(z), _ones(z))
    fix = "use nnla.gradients, which builds no tensor"
    J_W = _bounded(bound, n * z * z, "jacobian_weights", fix, lambda: nnla.jacobian_weights(*arguments))
    J_b = _bounded(bound, z * z, "jacobian_bias", fix, lambda: nnla.jacobian_bias(*arguments))
    if J_W is not None:
        assert J_W.shape == (n, z, z)
    if J_b is not None:
        assert J_b.shape == (z, z)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(BOUNDS, st.integers(1, 30))
def test_the_activations_jacobian_is_bounded(bound: int, k: int) -> None:
    J = _bounded(
        bound, k * k, "jacobian_tanh", "use nnla.tanh_derivative, its diagonal", lambda: nnla.jacobian_tanh(_ones(k))
    )
    if J is not None:
        assert J.shape == (k, k)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(BOUNDS, SIZES, SIZES, SIZES)
def test_the_chain_rules_tensors_are_bounded(bound: int, n: int, k: int, z: int) -> None:
    """stage_jacobians builds n k^2 and k z^2 entries; network_jacobians those and n k z more."""
    arguments = (_ones(n), _ones(n, k), _ones(k), _ones(k, z), _ones(z), _ones(z))
    fix = "for the gradients use nnla.backprop, which builds no tensor"
    stages = max(n * k * k, k * z * z)
    s = _bounded(bound, stages, "stage_jacobians", fix, lambda: nnla.stage_jacobians(*arguments))
    J = _bounded(bound, max(stages, n * k * z), "network_jacobians", fix, lambda: nnla.network_jacobians(*arguments))
    if s is not None:
        assert s.da1_dW1.shape == (n, k, k)
    if J is not None:
        assert J[0].shape == (n, k, z)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(BOUNDS, st.lists(st.integers(1, 30), min_size=2, max_size=5))
def test_chain_bounds_every_partial_product(bound: int, sizes: list[int]) -> None:
    """From the right, J_s ... J_r has shape (q_{s-1}, q_r): the largest of them must fit, outer products included."""
    factors = [_ones(p, q) for p, q in itertools.pairwise(sizes)]
    largest = max(p * sizes[-1] for p in sizes[:-2]) if len(sizes) > 2 else 0
    product = _bounded(
        bound,
        largest,
        "chain",
        "for the gradients use nnla.backprop, which builds no tensor",
        lambda: nnla.chain(*factors),
    )
    if product is not None:
        assert product.shape == (sizes[0], sizes[-1])


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(st.integers(10, 2000), st.integers(1, 12), st.integers(1, 12))
def test_numerical_jacobian_bounds_its_evaluations(bound: int, a_size: int, f_size: int) -> None:
    """2 a.size evaluations, each passing a copy of a and reading back f(a): 2 a.size (a.size + f(a).size) entries."""
    calls = []

    def f(v: np.ndarray) -> np.ndarray:
        calls.append(1)
        return np.full(f_size, v.sum())

    J = _bounded(
        bound,
        2 * a_size * (a_size + f_size),
        "numerical_jacobian",
        "differentiate with respect to part of a at a time, or use an analytic derivative",
        lambda: nnla.numerical_jacobian(f, np.zeros(a_size)),
    )
    if J is None:
        assert len(calls) == 1  # f(a) alone, for its size: no evaluation of the differences
    else:
        assert J.shape == (a_size, f_size)
        assert len(calls) == 1 + 2 * a_size


# ------------------------------------------------------------------------------------------ the examples


@pytest.mark.parametrize("size", [1000, 2000])
def test_jacobian_weights_at_n_z_1000_and_2000_is_refused_at_once_building_nothing(size: int) -> None:
    """The issue's cases: 143 s and 7.5 GiB at n = z = 1000, NumPy's own MemoryError at 2000."""
    x, W = np.ones(size), np.ones((size, size))
    with deadline():
        peak = _peak_bytes(lambda: nnla.jacobian_weights(x, W, np.zeros(size), np.zeros(size)))
        with pytest.raises(
            ValueError,
            match=rf"^jacobian_weights: the Jacobian tensor of shape \(n, z, z\) = \({size}, {size}, {size}\) "
            rf"would hold {size**3:,} entries \([\d.]+ GiB of float64\), more than nnla\.MAX_ENTRIES = 134,217,728; "
            r"use nnla\.gradients, which builds no tensor$",
        ):
            nnla.jacobian_weights(x, W, np.zeros(size), np.zeros(size))
    assert peak < W.nbytes  # the checks' temporaries (a bool per entry of W), not the tensor's 8 n z^2 bytes


def test_the_largest_tensor_within_the_bound_is_the_benchmarks() -> None:
    """n = z = 512 (2**27 entries) is allowed, as benchmarks/bench_engine.py times it; 513 is not."""
    with pytest.raises(ValueError, match=r"^jacobian_weights: .+ = \(512, 513, 513\) would hold"):
        nnla.jacobian_weights(np.ones(512), np.ones((512, 513)), np.zeros(513), np.zeros(513))
    _checks.size("jacobian_weights", "the Jacobian tensor", (512, 512, 512), "")  # exactly at the bound: no error


def test_numerical_jacobian_past_the_bound_is_refused_after_one_evaluation() -> None:
    """a of 8192 entries and a scalar f: 2 * 8192 * 8193 > 2**27, so no difference is taken."""
    with deadline(), pytest.raises(ValueError, match=r"^numerical_jacobian: .+ = \(16384, 8193\) would handle"):
        nnla.numerical_jacobian(lambda v: v.sum(), np.zeros(8192))
