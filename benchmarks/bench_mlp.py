r"""Time and memory of the hidden layer's gradients: backpropagation (`nnla.backprop`) and the chain rule's Jacobians.

Run from the repository root, as a module (it imports the timing helpers of `benchmarks.bench_engine`):

    .venv/bin/python -m benchmarks.bench_mlp

For n = k = z in {8, 64, 256, 512} and a batch of m = 256 it prints one table with, for each route, the
median time of repeated calls and the peak memory allocated during one call, measured as
`bench_engine.py` measures the linear layer (its `median_seconds` and `peak_bytes`):

- `backprop`: `nnla.backprop(X, W1, b1, W2, b2, T)`, with its argument checks;
- raw: the NumPy expression it stands for, written inline: the forward pass, then
  `D2 = -2 * (T - P)`, `D1 = (D2 @ W2.T) * (1 - H**2)`, `X.T @ D1`, `D1.sum(axis=0)`, `H.T @ D2`,
  `D2.sum(axis=0)`;
- chain: `nnla.network_jacobians(x, W1, b1, W2, b2, t)` summed over the last axis, for ONE example: the
  explicit route the page prints, whose (n, k, k), (n, k, z) and (k, z, z) tensors grow as the cube of the
  size while the gradients grow as its square. It is left out at n = k = z = 512, where those tensors take
  1 GiB each and one call multiplies 2 x 512^4 numbers.

The goal is `backprop` within 1.2x of the raw expression at n = k = z = 512.
"""

from __future__ import annotations

import numpy as np

import nnla
from benchmarks.bench_engine import fmt_bytes, fmt_time, median_seconds, peak_bytes

M = 256
SIZES = (8, 64, 256, 512)
CHAIN_MAX_SIZE = 256


def raw_backprop(
    X: np.ndarray, W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray, T: np.ndarray
) -> tuple[np.ndarray, ...]:
    """The bare NumPy expression for the four SSE gradients, with no checks."""
    H = np.tanh(X @ W1 + b1)
    D2 = -2 * (T - (H @ W2 + b2))
    D1 = (D2 @ W2.T) * (1 - H**2)
    return X.T @ D1, D1.sum(axis=0), H.T @ D2, D2.sum(axis=0)


def measure(size: int, rng: np.random.Generator) -> str:
    """One row of the table: the three routes at n = k = z = size."""
    n = k = z = size
    X, T = rng.normal(size=(M, n)), rng.normal(size=(M, z))
    W1, b1 = rng.normal(size=(n, k)) / np.sqrt(n), rng.normal(size=(1, k))
    W2, b2 = rng.normal(size=(k, z)) / np.sqrt(k), rng.normal(size=(1, z))
    x, t = X[0], T[0]

    def backprop() -> object:
        return nnla.backprop(X, W1, b1, W2, b2, T)

    def raw() -> object:
        return raw_backprop(X, W1, b1, W2, b2, T)

    def chain() -> object:
        return [J.sum(axis=-1) for J in nnla.network_jacobians(x, W1, b1, W2, b2, t)]

    t_backprop, t_raw = median_seconds(backprop, raw)
    m_backprop, m_raw = peak_bytes(backprop), peak_bytes(raw)
    if size <= CHAIN_MAX_SIZE:
        (t_chain,) = median_seconds(chain)
        chain_time, chain_memory = fmt_time(t_chain), fmt_bytes(peak_bytes(chain))
    else:
        chain_time = chain_memory = "-"
    return (
        f"{size:>9} {n * k + k * z:>7} {n * k * z:>10} | {fmt_time(t_backprop):>12} {fmt_time(t_raw):>12} "
        f"{t_backprop / t_raw:>5.2f} | {chain_time:>12} | "
        f"{fmt_bytes(m_backprop):>13} {fmt_bytes(m_raw):>13} {chain_memory:>13}"
    )


def main() -> None:
    rng = np.random.default_rng(2023)
    columns = (
        f"{'n = k = z':>9} {'weights':>7} {'n*k*z':>10} | {'t backprop':>12} {'t raw':>12} {'ratio':>5} | "
        f"{'t chain':>12} | {'mem backprop':>13} {'mem raw':>13} {'mem chain':>13}"
    )
    print(f"m = {M}; t: median time of repeats; mem: tracemalloc peak during one call; chain: one example")
    print(columns)
    print("-" * len(columns))
    for size in SIZES:
        print(measure(size, rng))
    print("ratio = backprop / raw (goal: at most 1.2 at n = k = z = 512)")
    print(f"the chain route is for ONE example, and left out above n = k = z = {CHAIN_MAX_SIZE};")
    print("backprop and raw are for all m examples")


if __name__ == "__main__":
    main()
