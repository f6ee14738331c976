r"""nnla: the linear layer of "Neural Networks with Linear Algebra", in NumPy.

The convention is the essay's, generalised to a batch of m examples: an input x is a row of shape (1, n)
(a batch X stacks m of them, shape (m, n)), the weights W have shape (n, z), the bias b has shape (1, z),
and the prediction is $`P = XW + \mathbf{1}b`$, of shape (m, z). The error is $`E = T - P`$, the loss
vector $`E \circ E`$, the SSE its sum and the MSE its mean.

One layout for every derivative: the parameter's indices come first and the loss component comes last.
`jacobian_bias` has shape (z, z) with `[j, k]` = $`\partial \ell_k / \partial b_j`$; `jacobian_weights`
has shape (n, z, z) with `[i, j, k]` = $`\partial \ell_k / \partial w_{ij}`$; `numerical_jacobian(f, a)`
has shape `a.shape + f(a).shape`. So the gradient of the SSE is always the Jacobian summed over its last
axis, `.sum(axis=-1)`.

Every function accepts anything NumPy reads as an array of real numbers, computes in float64, and raises
a `ValueError` or `TypeError` naming the argument, the expected shape and the shape it got when an input
does not fit. A masked array is refused (`TypeError`), since its mask would be ignored; so is a number float64
cannot hold, such as the integer `10**400` (`ValueError`). No function returns NaN or infinity computed from
finite inputs: a result that overflows float64 raises a `ValueError` that names the expression and the inputs'
shapes (the descents instead stop and report `diverged`). Work and memory are bounded: a descent takes at most
`MAX_STEPS` steps per call, and no Jacobian tensor, trace or run of central differences may hold more than
`MAX_ENTRIES` entries; the error says the bound and what to use instead.

A hidden layer (the essay's Part III) follows the same convention twice, with $`\tanh`$ between:
$`A_1 = XW_1 + \mathbf{1}b_1`$, $`H = \tanh(A_1)`$, $`P = HW_2 + \mathbf{1}b_2`$, with $`W_1`$ of shape (n, k)
and $`W_2`$ of shape (k, z). `network_forward` keeps every intermediate result; `stage_jacobians` gives each
stage's Jacobian for one example in the one layout, so that the chain rule is their product in the order the
stages run (`chain`, `network_jacobians`); `backprop` computes the same gradients summed, without any Jacobian;
`network_descent` trains the network, and `network_descent_many` trains it from many starts at once.
"""

from __future__ import annotations

from nnla import examples
from nnla._checks import MAX_ENTRIES, MAX_STEPS
from nnla.activation import jacobian_tanh, tanh, tanh_derivative
from nnla.backward import backprop
from nnla.chain_rule import Stages, chain, network_jacobians, stage_jacobians
from nnla.descent import Trace, gradient_descent, max_stable_lr, update
from nnla.forward import forward
from nnla.jacobians import gradients, jacobian_bias, jacobian_weights
from nnla.loss import loss_vector, mse, sse
from nnla.many import ManyTraces, network_descent_many
from nnla.network import ForwardPass, network_forward
from nnla.numdiff import numerical_jacobian
from nnla.training import NetworkTrace, network_descent

from nnla import _doc  # isort: skip

# The docstrings' formulas are TeX for the library page, which reads the source; help() and pydoc get plain text.
_doc.plain_docstrings(__name__)

__version__ = "0.1.0"

__all__ = [
    "MAX_ENTRIES",
    "MAX_STEPS",
    "ForwardPass",
    "ManyTraces",
    "NetworkTrace",
    "Stages",
    "Trace",
    "__version__",
    "backprop",
    "chain",
    "examples",
    "forward",
    "gradient_descent",
    "gradients",
    "jacobian_bias",
    "jacobian_tanh",
    "jacobian_weights",
    "loss_vector",
    "max_stable_lr",
    "mse",
    "network_descent",
    "network_descent_many",
    "network_forward",
    "network_jacobians",
    "numerical_jacobian",
    "sse",
    "stage_jacobians",
    "tanh",
    "tanh_derivative",
    "update",
]
