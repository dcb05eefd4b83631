"""Sparsey mac from Python. Oracles: the learning rule written in numpy, Q/K for novel
items, scipy's Spearman correlation."""
import numpy as np
import pytest
from scipy.stats import spearmanr

import hebb.memory as hm


def random_inputs(rng, n, inputs, active):
    x = np.zeros((n, inputs), dtype=np.uint8)
    for i in range(n):
        x[i, rng.choice(inputs, active, replace=False)] = 1
    return x


def test_learn_recall_and_match():
    rng = np.random.default_rng(1)
    mac = hm.SparseyMac(inputs=1000, modules=16, units=16, seed=3)
    x = random_inputs(rng, 80, 1000, 20)
    codes = mac.learn(x)
    assert codes.shape == (80, 16) and mac.stored == 80
    assert np.array_equal(mac.recall(x), codes)
    # V of the first item's code units is 1 (all its inputs connect to them)
    v = mac.match(x[0]).reshape(16, 16)
    assert np.all(v[np.arange(16), codes[0]] == 1.0)
    assert mac.familiarity(x[0]) == 1.0
    # the weight density equals the union of active inputs per winner, counted in numpy
    w = np.zeros((1000, 256), dtype=bool)
    for xi, c in zip(x, codes):
        w[np.ix_(np.flatnonzero(xi), np.arange(16) * 16 + c)] = True
    assert mac.weight_density == pytest.approx(w.mean())


def test_novel_overlap_and_similarity():
    rng = np.random.default_rng(2)
    mac = hm.SparseyMac(inputs=1000, modules=16, units=16, seed=4)
    x = random_inputs(rng, 50, 1000, 20)
    codes = mac.learn(x)
    novel = mac.sample(random_inputs(rng, 100, 1000, 20), entity=10)
    mean = hm.code_overlap(novel[:, None, :], codes[None, :, :]).mean()
    assert abs(mean - 16 / 16) <= 0.2 * 16 / 16
    # probes keeping k of 20 active inputs of a stored item
    ins, outs = [], []
    for t in range(300):
        i, keep = t % 50, t % 21
        on = np.flatnonzero(x[i])
        off = np.setdiff1d(np.arange(1000), on)
        p = np.zeros(1000, dtype=np.uint8)
        p[rng.choice(on, keep, replace=False)] = 1
        p[rng.choice(off, 20 - keep, replace=False)] = 1
        ins.append(keep / 20)
        outs.append(hm.code_overlap(mac.sample(p, entity=1000 + t), codes[i]))
    assert spearmanr(ins, outs).statistic >= 0.8


def test_jaccard_match_against_numpy():
    # Oracle: the weights rebuilt in numpy from the codes; V_i = |A n RF_i| / |A u RF_i|
    rng = np.random.default_rng(5)
    mac = hm.SparseyMac(inputs=80, modules=4, units=4, match_rule="jaccard", seed=6)
    assert mac.match_rule == "jaccard" and hm.SparseyMac(inputs=5).match_rule == "coverage"
    x = (rng.random((40, 80)) < 0.4).astype(np.uint8)
    codes = mac.learn(x)
    w = np.zeros((80, 16), dtype=bool)
    for xi, c in zip(x, codes):
        w[np.ix_(np.flatnonzero(xi), np.arange(4) * 4 + c)] = True
    for p in (rng.random((10, 80)) < 0.4).astype(np.uint8):
        a = p.astype(bool)[:, None]
        expect = (a & w).sum(0) / (a | w).sum(0)
        np.testing.assert_allclose(mac.match(p), expect, rtol=0, atol=1e-12)


def test_list_storage_same_codes():
    # oracle: the dense store; lists hold the same weights in another layout
    rng = np.random.default_rng(7)
    x = (rng.random((60, 200)) < 0.2).astype(np.uint8)
    a = hm.SparseyMac(inputs=200, modules=8, units=8, match_rule="jaccard", storage="dense", seed=8)
    b = hm.SparseyMac(inputs=200, modules=8, units=8, match_rule="jaccard", storage="lists", seed=8)
    assert not a.list_storage and b.list_storage
    assert np.array_equal(a.learn(x), b.learn(x))
    assert np.array_equal(a.recall(x[::-1]), b.recall(x[::-1]))
    assert a.weight_density == b.weight_density


def test_codes_to_binary():
    b = hm.codes_to_binary(np.array([[0, 2], [1, 1]]), 3)
    assert b.tolist() == [[1, 0, 0, 0, 0, 1], [0, 1, 0, 0, 1, 0]]


def test_bad_input():
    with pytest.raises(ValueError, match="sparsey.units = 1"):
        hm.SparseyMac(inputs=10, units=1)
    with pytest.raises(ValueError, match="match_rule = 'cosine'"):
        hm.SparseyMac(inputs=10, match_rule="cosine")
    with pytest.raises(ValueError, match="storage = 'sparse'"):
        hm.SparseyMac(inputs=10, storage="sparse")
    mac = hm.SparseyMac(inputs=10, modules=4, units=4)
    with pytest.raises(ValueError, match="no active"):
        mac.learn(np.zeros(10, dtype=np.uint8))
    with pytest.raises(ValueError, match="binary"):
        mac.learn(np.full(10, 2, dtype=np.uint8))
    with pytest.raises(ValueError, match="10 inputs"):
        mac.recall(np.ones(12, dtype=np.uint8))
