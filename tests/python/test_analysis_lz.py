"""LZ76 complexity and the LZC classifier from Python.

Oracles: Kaspar & Schuster's worked example (C = 6), a plain-Python transcription of
the Kaspar-Schuster scan written here, the entropy limit H(p) (SYSTEMS.md section 2),
and on real retina data the bound c <= H(p_hat) (+ finite-n bias).
"""
from pathlib import Path

import numpy as np
import pytest

import hebb.analysis as A

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def ks_python(s):
    """Kaspar & Schuster (1987) flow chart, 0-based, in plain Python."""
    n = len(s)
    if n < 2:
        return n
    c, l, i, k, kmax = 1, 1, 0, 1, 1
    while True:
        if s[i + k - 1] == s[l + k - 1]:
            k += 1
            if l + k > n:
                c += 1
                break
        else:
            kmax = max(k, kmax)
            i += 1
            if i == l:
                c += 1
                l += kmax
                if l + 1 > n:
                    break
                i, k, kmax = 0, 1, 1
            else:
                k = 1
    return c


def H(p):
    return -p * np.log2(p) - (1 - p) * np.log2(1 - p)


def test_worked_example_and_phrases():
    s = [int(c) for c in "0001101001000101"]
    assert A.lz76(s) == 6
    assert list(A.lz76_phrases(s)) == [0, 1, 4, 6, 9, 13]
    assert A.lz76(np.array(s, dtype=bool)) == 6


def test_linear_equals_python_scan_on_random_and_multisymbol_sequences():
    rng = np.random.default_rng(12)
    for trial in range(60):
        k = 2 + trial % 4
        s = rng.integers(0, k, size=int(rng.integers(1, 400)))
        assert A.lz76(s) == ks_python(list(s)) == A.lz76_quadratic(s)


def test_every_method_equals_python_scan_on_random_periodic_and_low_entropy_input():
    rng = np.random.default_rng(5)
    for trial in range(40):
        n = int(rng.integers(1, 3000))
        kind = trial % 4
        if kind == 0:
            s = rng.integers(0, [2, 3, 4, 17][trial // 4 % 4], n)
        elif kind == 1:
            s = np.tile(rng.integers(0, 3, int(rng.integers(1, 12))), n)[:n]
        elif kind == 2:
            s = (rng.random(n) < 0.03).astype(np.int64)
        else:
            s = np.r_[rng.integers(0, 2, n // 3), np.zeros(n - n // 3, np.int64)]
        ref = ks_python(list(s))
        for method in ("auto", "packed", "suffix_array"):
            assert A.lz76(s, method=method) == ref, (trial, method)
        assert A.lz76(s.astype(np.uint8)) == ref
    with pytest.raises(ValueError, match="method"):
        A.lz76([0, 1], method="fast")


@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 0.7, 0.9])
def test_bernoulli_complexity_tends_to_entropy(p):
    x = (np.random.default_rng(int(p * 100)).random(100_000) < p).astype(np.uint8)
    assert abs(A.lz76(x, normalize=True) - H(p)) <= 0.03


def test_alphabet_normalisation():
    x = np.random.default_rng(3).integers(0, 4, size=100_000)
    c = A.lz76(x)
    assert A.lz76(x, normalize=True) == pytest.approx(c * np.log(len(x)) / (len(x) * np.log(4)))
    # a uniform i.i.d. 4-symbol source has entropy 1 in units of log 4
    assert abs(A.lz76(x, normalize=True) - 1.0) < 0.04


def test_bad_input():
    with pytest.raises(ValueError, match="1-D"):
        A.lz76(np.zeros((3, 3), dtype=int))
    with pytest.raises(ValueError, match="finite integers"):
        A.lz76([0.5, 1.0])
    with pytest.raises(ValueError, match="alphabet"):
        A.lz76_normalized(3, 10, 1)
    with pytest.raises(ValueError, match="bin"):
        A.binary_train([1.0], 0, 10, 0.0)


def poisson_trains(rate, n, rng):
    p = 1 - np.exp(-rate * 1e-3)
    return (rng.random((n, 1000)) < p).astype(np.uint8)


@pytest.mark.parametrize("rates,floor", [((20, 40), 0.91), ((10, 20), 0.82)])
def test_lzc_threshold_classifier_on_poisson_trains(rates, floor):
    # SYSTEMS.md section 2: 1-ms bins, 1-s trains, 300 test trains per class
    for seed in (1, 2):
        rng = np.random.default_rng(seed)
        feats, labels = [], []
        for label, rate in enumerate(rates):
            for x in poisson_trains(rate, 600, rng):
                feats.append(A.lz76(x, normalize=True, alphabet=2))
                labels.append(label)
        f, y = np.array(feats), np.array(labels)
        train = np.arange(len(f)) % 2 == 0
        clf = A.ThresholdClassifier.fit(f[train], y[train])
        assert clf.sign == 1  # higher rate, higher complexity below p = 0.5
        assert clf.accuracy(f[~train], y[~train]) >= floor


def test_real_retina_trains_have_complexity_below_their_marginal_entropy():
    path = DATA / "single_units_kramer_eden" / "08_retina_spike_times.csv"
    if not path.exists():
        pytest.skip(f"{path} not present")
    rows = np.genfromtxt(path, delimiter=",", dtype=None, names=True, encoding=None)
    values = {}
    for cond in ("low_light", "high_light"):
        t = rows["t_s"][rows["condition"] == cond] * 1000.0
        x = A.binary_train(t, 0.0, 30_000.0, 1.0)
        assert A.lz76(x) == A.lz76_quadratic(x)  # the two algorithms agree on real data
        c = A.lz76(x, normalize=True, alphabet=2)
        # LZ76 estimates the entropy rate, which cannot exceed the marginal entropy;
        # measured 0.155 vs H = 0.169 (low light) and 0.190 vs 0.206 (high light)
        assert c < H(x.mean())
        values[cond] = c
    assert values["high_light"] > values["low_light"]


def test_methods_agree_on_a_real_binned_spike_train():
    # w-maze, tetrode 10 / cluster 15 (about 107 Hz, multi-unit): its first 1000 s in
    # 1-ms bins, P(spike) = 0.13.
    # Low entropy: the default goes straight to the suffix array; the packed parse (an
    # independent algorithm) and the quadratic scan must give the same phrases and C.
    path = DATA / "rat_hc_nelpy" / "w-maze" / "spikes.mat"
    if not path.exists():
        pytest.skip(f"{path} not present")
    from scipy.io import loadmat
    tets = loadmat(path)["spikes"][0, 0][0, 0].ravel()
    units = [c.ravel()[0]["time"].ravel() for tet in tets if tet.dtype == object for c in tet.ravel()
             if c.dtype.names and c.size and c.ravel()[0]["time"].size]
    t = max(units, key=len) * 1000.0
    x = A.binary_train(t, t.min(), t.min() + 1e6, 1.0)
    assert len(x) == 10**6 and 0.1 < x.mean() < 0.16
    head = x[:20_000]
    assert A.lz76(head) == A.lz76_quadratic(head)
    assert A.lz76(x) == A.lz76(x, method="packed") == A.lz76(x, method="suffix_array")
