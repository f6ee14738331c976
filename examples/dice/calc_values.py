"""The values of the dice example: two fair six-sided dice, computed with NumPy alone.

The proven-numbers plugin calls `compute` once per build (``values: "calc_values:compute"`` in ``mkdocs.yml``);
every entry must be shown on ``docs/index.md``, or the build fails.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FACES = np.arange(1, 7, dtype=np.float64)


def compute() -> dict[str, float | npt.NDArray[np.float64]]:
    r"""The dice's values by name.

    - ``faces``: array of shape (6,), the faces 1 to 6;
    - ``joint``: array of shape (6, 6), $P(A = i, B = j) = 1/36$ for two independent fair dice;
    - ``sum_pmf``: array of shape (11,), $P(A + B = s)$ for $s = 2, \dots, 12$: the joint summed along its
      anti-diagonals;
    - ``mean``, ``variance``: $E[A + B]$ and $\operatorname{Var}[A + B]$ from ``sum_pmf``;
    - ``mode``: the most likely sum, and ``p_seven``: $P(A + B = 7)$.
    """
    p = np.full(6, 1 / 6)
    joint = np.outer(p, p)
    sums = np.add.outer(FACES, FACES)
    totals = np.arange(2, 13, dtype=np.float64)
    sum_pmf = np.array([joint[sums == s].sum() for s in totals])
    mean = float(totals @ sum_pmf)
    variance = float(((totals - mean) ** 2) @ sum_pmf)
    return {
        "faces": FACES,
        "joint": joint,
        "sum_pmf": sum_pmf,
        "mean": mean,
        "variance": variance,
        "mode": float(totals[np.argmax(sum_pmf)]),
        "p_seven": float(sum_pmf[5]),
    }
