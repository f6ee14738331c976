r"""Part III's worked example with distinct inputs: the factor $`x_i`$ of $`\partial \mathbf{a} / \partial W_1`$, seen.

Every corner of XOR has entries 0 or 1, so at the corner the chain rule's section uses, both slices of
$`\partial \mathbf{a} / \partial W_1`$ are the identity and the factor $`x_i`$ cannot be told from 1. This section
takes one input whose entries are distinct and nonzero, with the XOR network's seeded start, and computes with
`nnla` the two slices, the backward pass's $`\boldsymbol{\delta}_1`$ and the chain rule's $`\partial \ell / \partial
W_1`$, whose rows are $`x_1 \boldsymbol{\delta}_1`$ and $`x_2 \boldsymbol{\delta}_1`$.
"""

from __future__ import annotations

import numpy as np

import nnla
from nnla import examples
from proven_numbers.value import Value, array, scalar

__all__ = ["DISTINCT_T", "DISTINCT_X", "worked_values"]

#: The input of the worked example: distinct, nonzero, of different signs, so that each slice shows its own factor.
DISTINCT_X = ((0.5, -2.0),)
#: Its target: XOR's answer for inputs that differ.
DISTINCT_T = ((1.0,),)


def worked_values() -> list[Value]:
    """The worked example's input and target, the slices of ∂a/∂W1, δ1, the chain's ∂ℓ/∂W1 and the rows' ratio."""
    ex = examples.xor
    params = (ex.W1, ex.b1, ex.W2, ex.b2)
    x, t = np.array(DISTINCT_X), np.array(DISTINCT_T)
    stages = nnla.stage_jacobians(x, *params, t)
    J_W1 = nnla.network_jacobians(x, *params, t)[0]
    delta1 = nnla.backprop(x, *params, t, reduction="sum")[1]
    slice_label = (
        r"\left[\frac{{\partial a_l}}{{\partial (W_1)_{{{0}j}}}}\right]_{{j,l}} \text{{ at }} \tilde{{\mathbf{{x}}}}"
    )
    return [
        array("mlp_distinct_x", x, r"\tilde{\mathbf{x}}", "The worked example's input: two distinct nonzero entries."),
        array("mlp_distinct_t", t, r"\tilde{\mathbf{t}}", "The worked example's target."),
        array(
            "mlp_distinct_da_dW1_1",
            stages.da1_dW1[0],
            slice_label.format(1),
            "Slice i = 1 of ∂a/∂W1 at the worked example's input: the identity times x_1.",
        ),
        array(
            "mlp_distinct_da_dW1_2",
            stages.da1_dW1[1],
            slice_label.format(2),
            "Slice i = 2 of ∂a/∂W1 at the worked example's input: the identity times x_2.",
        ),
        array(
            "mlp_distinct_delta1",
            delta1,
            r"\tilde{\boldsymbol{\delta}}_1",
            "δ1 = ∂L/∂a for the worked example at the seeded start (the backward pass's db1).",
        ),
        array(
            "mlp_distinct_J_W1",
            J_W1[:, :, 0],
            r"\left[\frac{\partial \tilde{\ell}_1}{\partial (W_1)_{ij}}\right]_{i,j}",
            "The chain rule's ∂ℓ/∂W1 for the worked example, as its one slice c = 1: rows x_1 δ1 and x_2 δ1.",
        ),
        scalar(
            "mlp_distinct_ratio",
            float(J_W1[1, 0, 0] / J_W1[0, 0, 0]),
            "The second row of that ∂ℓ/∂W1 divided by its first, entry by entry: x_2/x_1.",
        ),
    ]
