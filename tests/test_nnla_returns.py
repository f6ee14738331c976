"""What the library hands back is what it says: a new array, of the declared type, and errors in the caller's terms.

Found by a programmer's review: `chain` of one factor returned the caller's own array (writing into the result
changed the input, and a read-only input gave a read-only result); `tanh` and `tanh_derivative` returned a NumPy
scalar for a 0-d input, where the annotation and the docstring promise an array; and `network_descent_many`
named one run's slice, shape (n, k), where the caller had passed (r, n, k).
"""

from __future__ import annotations

import numpy as np
import pytest

import nnla


@pytest.mark.parametrize("writeable", [True, False])
def test_chain_of_one_factor_is_a_new_array(writeable: bool) -> None:
    J = np.array([[1.0, 2.0], [3.0, 4.0]])
    J.flags.writeable = writeable
    product = nnla.chain(J)
    assert not np.shares_memory(product, J)
    assert product.flags.writeable
    product[0, 0] = 99.0
    assert J[0, 0] == 1.0


@pytest.mark.parametrize("function", [nnla.tanh, nnla.tanh_derivative])
@pytest.mark.parametrize("value", [0.5, np.float64(0.5), np.array(0.5)])
def test_the_activation_of_a_0d_input_is_an_array(function: object, value: object) -> None:
    assert callable(function)
    result = function(value)
    assert isinstance(result, np.ndarray)
    assert result.shape == ()
    assert result.dtype == np.float64


def test_a_batch_of_runs_that_does_not_fit_names_what_the_caller_passed() -> None:
    starts = (np.ones((2, 2, 3)), np.ones((2, 1, 3)), np.ones((2, 3, 1)), np.ones((2, 1, 1)))  # n = 2, but X has 3
    told = r"in each run's start \(the run axis first; given W1 \(2, 2, 3\), b1 \(2, 1, 3\)"
    with pytest.raises(ValueError, match=told):
        nnla.network_descent_many([0, 1, 2], *starts, [1], lr=0.1, steps=2)
