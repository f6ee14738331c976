r"""Time and memory of the SSE gradient, directly (`nnla.gradients`) and through the Jacobian tensor.

Run from the repository root:

    .venv/bin/python benchmarks/bench_engine.py

For n = z in {8, 64, 256, 512} and a batch of m = 256 it prints one table with, for each route, the median
time of repeated calls (`time.perf_counter`; `gradients` and raw take turns, so the machine's load affects
both alike) and the peak memory allocated during one call (`tracemalloc`):

- `gradients`: `nnla.gradients(X, W, b, T)`, with its argument checks;
- raw: the NumPy expression it stands for, `E = T - (X @ W + b)`, `-2 * X.T @ E` and `-2 * E.sum(axis=0)`;
- tensor: `nnla.jacobian_weights(x, W, b, t).sum(axis=-1)` for ONE example, the essay's route, whose
  (n, z, z) array grows as n z^2 while the direct gradient's output grows as n z.

The goal is `gradients` within 1.2x of the raw expression at n = z = 512.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

import nnla

M = 256
SIZES = (8, 64, 256, 512)
MIN_REPEATS = 5
MAX_REPEATS = 200
BUDGET_SECONDS = 1.0  # per timed route and size


def median_seconds(*calls: Callable[[], object]) -> list[float]:
    """The median wall time of each call, the calls taking turns until BUDGET_SECONDS is spent.

    Taking turns gives every call the same share of whatever else the machine is doing, so their ratio
    is fair even when the absolute times wander; the order flips every round (A B, B A, ...) because a call
    that follows one freeing large arrays pays for fresh pages.
    """
    for call in calls:
        call()  # warm up: first-touch page faults, BLAS thread start
    times: list[list[float]] = [[] for _ in calls]
    spent = 0.0
    rounds = 0
    while rounds < MIN_REPEATS or (spent < BUDGET_SECONDS * len(calls) and rounds < MAX_REPEATS):
        turns = list(zip(calls, times, strict=True))
        for call, record in turns if rounds % 2 == 0 else reversed(turns):
            start = time.perf_counter()
            call()
            record.append(time.perf_counter() - start)
            spent += record[-1]
        rounds += 1
    return [statistics.median(record) for record in times]


def peak_bytes(call: Callable[[], object]) -> int:
    """The peak of memory traced by tracemalloc (NumPy reports its array buffers to it) during one call."""
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def raw_gradients(X: np.ndarray, W: np.ndarray, b: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The bare NumPy expression for the SSE gradient, with no checks."""
    E = T - (X @ W + b)
    return -2 * X.T @ E, -2 * E.sum(axis=0)


def fmt_time(seconds: float) -> str:
    return f"{seconds * 1e3:9.3f} ms"


def fmt_bytes(n_bytes: int) -> str:
    return f"{n_bytes / 2**20:9.2f} MiB"


def measure(size: int, rng: np.random.Generator) -> str:
    """One row of the table: the three routes at n = z = size."""
    n = z = size
    X, W = rng.normal(size=(M, n)), rng.normal(size=(n, z))
    b, T = rng.normal(size=(1, z)), rng.normal(size=(M, z))
    x, t = X[0], T[0]

    def direct() -> object:
        return nnla.gradients(X, W, b, T)

    def raw() -> object:
        return raw_gradients(X, W, b, T)

    def tensor() -> object:
        return nnla.jacobian_weights(x, W, b, t).sum(axis=-1)

    t_direct, t_raw = median_seconds(direct, raw)
    (t_tensor,) = median_seconds(tensor)
    m_direct, m_raw, m_tensor = peak_bytes(direct), peak_bytes(raw), peak_bytes(tensor)
    return (
        f"{size:>5} {n * z:>7} {n * z * z:>10} | {fmt_time(t_direct):>12} {fmt_time(t_raw):>12} "
        f"{t_direct / t_raw:>5.2f} | {fmt_time(t_tensor):>12} | "
        f"{fmt_bytes(m_direct):>13} {fmt_bytes(m_raw):>13} {fmt_bytes(m_tensor):>13}"
    )


def main() -> None:
    rng = np.random.default_rng(2023)
    columns = (
        f"{'n = z':>5} {'n*z':>7} {'n*z^2':>10} | {'t gradients':>12} {'t raw':>12} {'ratio':>5} | "
        f"{'t tensor':>12} | {'mem gradients':>13} {'mem raw':>13} {'mem tensor':>13}"
    )
    print(f"m = {M}; t: median time of repeats; mem: tracemalloc peak during one call; tensor: one example")
    print(columns)
    print("-" * len(columns))
    for size in SIZES:
        print(measure(size, rng))
    print("ratio = gradients / raw (goal: at most 1.2 at n = z = 512)")
    print("the tensor route is for ONE example; gradients and raw are for all m examples")


if __name__ == "__main__":
    main()
