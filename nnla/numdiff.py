r"""Numerical differentiation: the independent reference every analytic derivative is checked against."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnla import _checks


def numerical_jacobian(
    f: Callable[[NDArray[np.float64]], ArrayLike], a: ArrayLike, eps: float = 1e-6
) -> NDArray[np.float64]:
    r"""Differentiate `f` at `a` by central differences, in float64.

    Each entry of `a` in turn is moved by $`\pm\varepsilon`$:

    ```math
    J[\alpha, \beta] =
    \frac{f_\beta(a + \varepsilon e_\alpha) - f_\beta(a - \varepsilon e_\alpha)}{2 \varepsilon}
    ```

    where $`\alpha`$ runs over the indices of `a` and $`\beta`$ over those of `f(a)`. The layout is the one
    used everywhere in `nnla`: the parameter's indices first, the output's last. The error is of order
    $`\varepsilon^2`$ times the third derivative, plus rounding of order $`10^{-16} |f| / \varepsilon`$;
    for the quadratic losses of `nnla` the first term is zero.

    The work is bounded: each of the $`2 \cdot`$ `a.size` evaluations passes `f` a copy of `a` and reads back
    `f(a)`, and all of them together may handle at most `nnla.MAX_ENTRIES` ($`2^{27}`$) entries:
    $`2 \cdot \text{a.size} \cdot (\text{a.size} + \text{f(a).size}) \le 2^{27}`$, which also bounds the
    Jacobian's own size.

    Args:
        f: a function taking an array of the shape of `a` and returning an array (or a number).
        a: the point, array of any shape.
        eps: the step, a finite number greater than 0.

    Returns:
        The Jacobian, array of shape `a.shape + f(a).shape`.

    Raises:
        TypeError: if `f` is not callable, or `a` or `f(a)` is not an array of real numbers or is a masked
            array.
        ValueError: if `eps` is not a finite number greater than 0, an entry of `a` or of `f` near `a` is not
            finite or too large for float64, `eps` does not move an entry of `a` or moves it out of float64,
            `f` returns arrays of different shapes, the work would pass `nnla.MAX_ENTRIES`, or a difference
            quotient overflows float64.

    Examples:
        >>> numerical_jacobian(lambda w: w**2, [4.0]).round(6)
        array([[8.]])
    """
    if not callable(f):
        raise TypeError(f"f must be callable; got {type(f).__name__}")
    eps = _checks.positive(eps, "eps")
    a = _checks.as_array(a, "a").copy()
    _checks.check_finite(a, "a")
    f0 = _checks.as_array(f(a.copy()), "f(a)")
    _checks.check_finite(f0, "f(a)")
    evaluations = 2 * a.size
    _checks.size(
        "numerical_jacobian",
        "the 2 a.size evaluations of f, each passing a copy of a and reading back f(a), (2 a.size, a.size + f(a).size)",
        (evaluations, a.size + f0.size),
        "differentiate with respect to part of a at a time, or use an analytic derivative",
        holds="would handle",
    )
    J = np.empty(a.shape + f0.shape)
    for alpha in np.ndindex(a.shape):
        up, down = a.copy(), a.copy()
        with _checks.quiet():
            up[alpha] += eps
            down[alpha] -= eps
            step = up[alpha] - down[alpha]  # 2 eps as represented in float64 at a[alpha]
        if not np.isfinite(step):
            raise ValueError(f"eps must keep a{list(alpha)} = {a[alpha]} within float64; got {eps}, which is too large")
        if step == 0:
            raise ValueError(f"eps must move a{list(alpha)} = {a[alpha]} in float64; got {eps}, which is too small")
        f_up = _checks.as_array(f(up), "f(a)")
        f_down = _checks.as_array(f(down), "f(a)")
        for value in (f_up, f_down):
            if value.shape != f0.shape:
                raise ValueError(f"f must return the same shape at every point, {f0.shape}; got {value.shape}")
            _checks.check_finite(value, f"f(a) near a{list(alpha)}")
        with _checks.quiet():
            J[alpha] = (f_up - f_down) / step
    _checks.finite_result(J, "numerical_jacobian: (f(a + eps) - f(a - eps)) / (2 eps)", {"a": a, "f(a)": f0})
    return J
