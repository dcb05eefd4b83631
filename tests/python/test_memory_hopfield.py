"""Modern, bit-packed and classical Hopfield memories from Python.
Oracle: the update written in numpy (float64)."""
import numpy as np
import pytest

import hebb.memory as hm


def numpy_update(x, q, beta):
    s = beta * q @ x.T
    s -= s.max(axis=-1, keepdims=True)
    p = np.exp(s)
    p /= p.sum(axis=-1, keepdims=True)
    return p @ x


@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 1e-4)])
def test_modern_update_equals_numpy(dtype, tol):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((5000, 48))
    q = rng.standard_normal((6, 48)) * 0.5
    net = hm.ModernHopfield(x, beta=0.8, dtype=dtype)
    assert (net.size, net.dim) == (5000, 48)
    ref = numpy_update(x, q, 0.8)
    assert np.abs(net.update(q) - ref).max() < tol * max(1, np.abs(ref).max())
    assert np.abs(net.update(q[2]) - ref[2]).max() < tol * max(1, np.abs(ref).max())
    w = net.weights(q)
    assert w.shape == (6, 5000)
    assert np.allclose(w.sum(axis=1), 1, atol=1e-5)


def test_modern_energy_decreases_and_retrieve_converges():
    rng = np.random.default_rng(2)
    x = rng.choice([-1.0, 1.0], size=(30, 64))
    net = hm.ModernHopfield(x, beta=0.3, dtype=np.float64)
    s = rng.standard_normal((8, 64)) * 3
    e = net.energy(s)
    for _ in range(10):
        s = net.update(s)
        e2 = net.energy(s)
        assert np.all(e2 <= e + 1e-9)
        e = e2
    y, steps = net.retrieve(x[:3] * np.where(rng.random((3, 64)) < 0.1, -1, 1), max_steps=50, tol=1e-9)
    assert 1 <= steps <= 50
    assert np.array_equal(np.sign(y), x[:3])


def test_binary_store_equals_numpy_and_dense():
    rng = np.random.default_rng(3)
    n, d = 4000, 256
    x = rng.choice(np.array([-1, 1], dtype=np.int8), size=(n, d))
    mem = hm.BinaryHopfield(d)
    mem.add(x)
    assert mem.size == n and mem.bytes == n * d // 8
    q = x[:16].copy()
    flips = rng.random(q.shape) < 0.25
    q[flips] *= -1
    assert np.array_equal(mem.similarities(q), q.astype(np.int64) @ x.T.astype(np.int64))
    for beta in (0.01, 0.1, 1.0):
        ref = numpy_update(x.astype(np.float64), q.astype(np.float64), beta)
        y, summed = mem.update(q, beta, return_summed=True)
        assert np.allclose(y, ref, rtol=1e-9, atol=1e-12)
        assert np.array_equal(mem.retrieve(q, beta), np.where(ref < 0, -1, 1).astype(np.int8))
        dense = hm.ModernHopfield(x, beta=beta, dtype=np.float64)
        assert np.allclose(dense.update(q.astype(np.float64)), y, rtol=1e-9, atol=1e-12)
    assert summed.max() < n  # beta = 1: a clear winner, the rest pruned


def test_classical_hopfield_recall_and_energy():
    rng = np.random.default_rng(4)
    x = rng.choice(np.array([-1, 1], dtype=np.int8), size=(5, 100))
    net = hm.ClassicalHopfield(x)
    q = x[0].copy()
    q[:8] *= -1
    out, e = net.recall(q, seed=1, entity=0, return_energies=True)
    assert np.array_equal(out, x[0])
    assert np.all(np.diff(e) < 0)
    assert e[-1] == pytest.approx(net.energy(out))


def test_bad_input():
    with pytest.raises(ValueError, match="empty memory"):
        hm.ModernHopfield(np.zeros((0, 4)))
    net = hm.ModernHopfield(np.ones((3, 4)))
    with pytest.raises(ValueError, match="dimension 5"):
        net.update(np.ones((2, 5), dtype=np.float32))
    with pytest.raises(ValueError, match="dtype"):
        hm.ModernHopfield(np.ones((3, 4)), dtype=np.int32)
    mem = hm.BinaryHopfield(4)
    with pytest.raises(ValueError, match="empty"):
        mem.retrieve(np.ones(4, dtype=np.int8), 1.0)
    with pytest.raises(ValueError, match=r"\+1/-1"):
        mem.add(np.array([[1, 0, 1, 1]], dtype=np.int8))
    with pytest.raises(ValueError, match="dimension"):
        mem.add(np.ones((2, 5), dtype=np.int8))
    with pytest.raises(ValueError, match=r"\+1/-1"):
        hm.ClassicalHopfield(np.array([[1, 2], [1, -1]], dtype=np.int8))
