r"""Part III's worked example with distinct inputs as a doc-test: its numbers recomputed here from its input.

The page takes one input $`\tilde{\mathbf{x}}`$ whose entries differ, a target, and the XOR network's seeded start,
and shows the two slices of $`\partial \mathbf{a} / \partial W_1`$, the backward pass's $`\boldsymbol{\delta}_1`$,
the chain rule's $`\partial \ell / \partial W_1`$ and the ratio of its rows. Each is computed again here with
`doccheck_network`'s formulas, entry by entry (nothing here calls nnla), and the section's point is checked as the
page states it: the inputs differ and are nonzero, and row $`i`$ of the Jacobian is $`x_i \boldsymbol{\delta}_1`$.
`doccheck_network.check` runs this module's checks with its own, and lists its names in its `RECOMPUTED`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import doccheck
import doccheck_network as net
import numpy as np

if TYPE_CHECKING:
    from doccheck import Site

#: The worked example's names that are chosen (its input and target), checked by what the page says of them; the
#: others of `doccheck_network.WORKED` are recomputed by `worked_example_recomputes`.
CHOSEN = {"mlp_distinct_x", "mlp_distinct_t"}


def worked_example_recomputes(site: Site) -> list[str]:
    """The slices, δ1, the chain's ∂ℓ/∂W1 and the ratio of its rows, again from the published input and start."""
    p = site.published
    missing = [name for name in sorted(CHOSEN) if name not in p]
    if missing:
        return [f"{name} is not on {net.PAGE}" for name in missing]
    _, params, _ = net.example(p)
    x, t = doccheck.array(p, "mlp_distinct_x"), doccheck.array(p, "mlp_distinct_t")
    J = net.one_example_jacobians(x, params, t)
    delta1 = net.deltas(x, params, t, 1.0)[1]
    again = {
        "mlp_distinct_da_dW1_1": J["da_dW1"][0],
        "mlp_distinct_da_dW1_2": J["da_dW1"][1],
        "mlp_distinct_delta1": delta1,
        "mlp_distinct_J_W1": J["J_W1"][:, :, 0],  # one output, c = 1
        "mlp_distinct_ratio": x[0, 1] / x[0, 0],
    }
    problems = [
        f"{name} is listed in doccheck_network.WORKED but not recomputed" for name in net.WORKED - CHOSEN - again.keys()
    ]
    for name, expected in again.items():
        problems += net.compare(site, name, expected, doccheck.RTOL, doccheck.ATOL)
    return problems


def worked_example_shows_the_factor(site: Site) -> list[str]:
    """What the section is for holds: one input of two distinct nonzero entries, neither 1, and each row of the
    published ∂ℓ/∂W1 is its input entry times the published δ1."""
    p = site.published
    if not {"mlp_distinct_x", "mlp_distinct_J_W1", "mlp_distinct_delta1"} <= p.keys():
        return [f"the worked example with distinct inputs is not on {net.PAGE}"]
    x = doccheck.array(p, "mlp_distinct_x")
    J, delta1 = doccheck.array(p, "mlp_distinct_J_W1"), doccheck.array(p, "mlp_distinct_delta1")
    entries = x.ravel()
    expectations = [
        (x.shape == (1, 2), f"the worked example is one input of two entries (its shape is {x.shape})"),
        (len(set(entries)) == entries.size, "the worked example's inputs are distinct"),
        (bool(np.all(entries != 0) and np.all(np.abs(entries) != 1)), "its inputs are nonzero and not ±1"),
        (J.shape == (x.size, delta1.size), "its dl/dW1 has one row per input and one column per hidden unit"),
        (bool(np.all(np.abs(delta1) > doccheck.ATOL)), "every entry of its delta1 is nonzero, so the factor shows"),
    ]
    problems = [f"{net.PAGE}: '{what}' does not hold" for holds, what in expectations if not holds]
    if not problems:
        message = doccheck.mismatch(
            lambda: np.testing.assert_allclose(J, x.T @ delta1, rtol=doccheck.RTOL, atol=doccheck.ATOL)
        )
        if message:
            problems.append(f"{net.PAGE}: mlp_distinct_J_W1's rows are not x_i times mlp_distinct_delta1: {message}")
    return problems


#: The checks of the worked example, by name, run by `doccheck_network.check` after its own.
CHECKS: dict[str, Callable[[Site], list[str]]] = {
    check.__name__: check for check in (worked_example_recomputes, worked_example_shows_the_factor)
}
