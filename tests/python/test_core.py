import numpy as np
import pytest

import hebb
from hebb import _core


def test_uniform_is_keyed_by_identity():
    a = hebb.uniform(1, 7, n=1000)
    b = hebb.uniform(1, 7, n=1000)
    c = hebb.uniform(2, 7, n=1000)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    assert 0 < a.min() and a.max() < 1
    assert abs(a.mean() - 0.5) < 4 * np.sqrt(1 / 12 / 1000)


def test_hebb_error_becomes_value_error():
    with pytest.raises(ValueError, match="tau_m = -1"):
        _core.check_error("tau_m = -1 ms: must be > 0")
