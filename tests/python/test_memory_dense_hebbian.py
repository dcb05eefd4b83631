"""Dense Hebbian network from Python. Oracles: numpy for the data/energy, the exact
binomial m* and the erf limit of SYSTEMS.md 4b."""
import math

import numpy as np
import pytest

import hebb.memory as hm


def test_data_and_empirical_archetypes():
    arch, ex = hm.make_dense_hebbian_data(500, 3, 20, 0.4, seed=1, draw=0)
    assert arch.shape == (3, 500) and ex.shape == (60, 500)
    xibar = hm.empirical_archetypes(ex, 20, 0.4)
    assert np.allclose(xibar, ex.reshape(3, 20, 500).sum(axis=1) / (0.4 * 20))
    # E[eta xi] = r
    agree = (ex.reshape(3, 20, 500) * arch[:, None, :]).mean()
    assert abs(agree - 0.4) < 4 * math.sqrt((1 - 0.16) / ex.size)


def test_energy_is_formula_and_relax_reaches_theory():
    arch, ex = hm.make_dense_hebbian_data(1000, 3, 50, 0.2, seed=4, draw=0)
    xibar = hm.empirical_archetypes(ex, 50, 0.2)
    net = hm.DenseHebbian(xibar, 4)
    s0 = ex[0]
    assert net.energy(s0) == pytest.approx(-1000 * np.sum((xibar @ s0 / 1000) ** 4))
    ms = []
    for draw in range(5):
        arch, ex = hm.make_dense_hebbian_data(1000, 3, 50, 0.2, seed=4, draw=draw)
        net = hm.DenseHebbian(hm.empirical_archetypes(ex, 50, 0.2), 4)
        s, sweeps = net.relax(ex[draw], seed=1, entity=draw)
        assert sweeps < 1000
        ms.append(arch[0].astype(np.int64) @ s.astype(np.int64) / 1000)  # int8 @ int8 would overflow
    assert abs(np.mean(ms) - hm.expected_overlap(0.2, 50)) <= 0.03
    assert hm.erf_overlap(0.2, 50) == pytest.approx(math.erf(1 / math.sqrt(2 * hm.dataset_entropy(0.2, 50))))


def test_bad_input():
    with pytest.raises(ValueError, match="P = 1"):
        hm.DenseHebbian(np.ones((2, 4)), 1)
    net = hm.DenseHebbian(np.ones((2, 4)), 2)
    with pytest.raises(ValueError, match="spins"):
        net.relax(np.ones(3, dtype=np.int8), seed=1)
    with pytest.raises(ValueError, match=r"\+1/-1"):
        net.energy(np.array([1, 0, 1, 1], dtype=np.int8))
    with pytest.raises(ValueError, match="r = 2"):
        hm.make_dense_hebbian_data(10, 2, 3, 2.0, seed=1)
