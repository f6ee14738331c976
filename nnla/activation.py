r"""The hidden layer's activation, $`\tanh`$: its values, its derivative, and its (diagonal) Jacobian.

The activation acts entry by entry, so the Jacobian of $`h = \tanh(a)`$ for one example is diagonal:
$`h_q`$ depends on $`a_q`$ alone.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnla import _checks


def _finite(A: ArrayLike) -> NDArray[np.float64]:
    a = _checks.as_array(A, "A")
    _checks.check_finite(a, "A")
    return a


def tanh(A: ArrayLike) -> NDArray[np.float64]:
    r"""Apply the activation entry by entry.

    ```math
    H = \tanh(A), \qquad h_{rq} = \tanh(a_{rq}) = \frac{e^{a_{rq}} - e^{-a_{rq}}}{e^{a_{rq}} + e^{-a_{rq}}}
    ```

    Args:
        A: pre-activations, array of any shape, such as (m, k) for a batch of m examples and k hidden units.

    Returns:
        $`H`$, array of the shape of `A`, each entry in $`(-1, 1)`$ (or $`\pm 1`$ where float64 rounds).

    Raises:
        ValueError: if an entry is not finite or too large for float64.
        TypeError: if `A` is not an array of real numbers, or is a masked array.

    Examples:
        >>> tanh([[0.0, 1.0]]).round(6)
        array([[0.      , 0.761594]])
    """
    return np.asarray(np.tanh(_finite(A)))  # an array for 0-d input too: NumPy's ufuncs give a scalar there


def tanh_derivative(A: ArrayLike) -> NDArray[np.float64]:
    r"""The derivative of the activation, entry by entry.

    ```math
    \tanh'(a) = 1 - \tanh^2(a)
    ```

    so it is read off the activation's output, $`1 - h^2`$, without another exponential: this is how the
    backward pass (`backprop`) uses it.

    Args:
        A: pre-activations, array of any shape.

    Returns:
        $`\tanh'(A)`$, array of the shape of `A`, each entry in $`(0, 1]`$ (or 0 where float64 rounds).

    Raises:
        ValueError: if an entry is not finite or too large for float64.
        TypeError: if `A` is not an array of real numbers, or is a masked array.

    Examples:
        >>> tanh_derivative([[0.0, 1.0]]).round(6)
        array([[1.      , 0.419974]])
    """
    H = np.tanh(_finite(A))
    return np.asarray(1.0 - H * H)


def jacobian_tanh(a: ArrayLike) -> NDArray[np.float64]:
    r"""The Jacobian of $`h = \tanh(a)`$ for one example: a diagonal matrix.

    Entry $`[l, q]`$ is $`\partial h_q / \partial a_l`$, the input's index first and the output's last, as
    everywhere in `nnla`. Only $`a_q`$ reaches $`h_q`$:

    ```math
    \frac{\partial h_q}{\partial a_l} = (1 - h_q^2)\, \delta_{lq}, \qquad
    \frac{\partial h}{\partial a} = \operatorname{diag}(1 - h \circ h)
    ```

    Args:
        a: one example's pre-activation, array of shape (k,) or (1, k).

    Its $`k^2`$ entries are at most `nnla.MAX_ENTRIES` ($`2^{27}`$); `tanh_derivative` gives the diagonal alone.

    Returns:
        The Jacobian, array of shape (k, k), `[l, q]` = $`\partial h_q / \partial a_l`$.

    Raises:
        ValueError: if `a` is not one row, an entry is not finite or too large for float64, or the matrix
            would hold more than `nnla.MAX_ENTRIES` entries.
        TypeError: if `a` is not an array of real numbers, or is a masked array.

    Examples:
        >>> jacobian_tanh([0.0, 1.0]).round(6)
        array([[1.      , 0.      ],
               [0.      , 0.419974]])
    """
    h = np.tanh(_checks.one_example(a, "a", "k")[0])
    k = h.shape[0]
    _checks.size("jacobian_tanh", "the Jacobian of shape (k, k)", (k, k), "use nnla.tanh_derivative, its diagonal")
    return np.diag(1.0 - h * h)
