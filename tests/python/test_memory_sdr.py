"""Ahmad & Hawkins probabilities and the dendritic neuron from Python.
Oracles: scipy.stats.hypergeom (an independent implementation) and exact integers."""
import math
from fractions import Fraction

import numpy as np
import pytest
from scipy.stats import hypergeom

import hebb.memory as hm


@pytest.mark.parametrize("n,a,s,theta", [(1000, 50, 20, 5), (10000, 300, 24, 12), (2000, 40, 20, 15)])
def test_false_match_equals_scipy_hypergeom(n, a, s, theta):
    ref = hypergeom.sf(theta - 1, n, s, a)  # P(X >= theta), X ~ draws a from n with s marked
    assert hm.false_match(n, a, s, theta) == pytest.approx(ref, rel=1e-8)


def test_tiny_probability_exact_fraction():
    # Table 1B row s = theta = 10: P = C(n-s, a-s)/C(n, a) exactly, as a Fraction
    n, a, s = 100000, 2000, 10
    exact = Fraction(math.comb(n - s, a - s), math.comb(n, a))
    assert hm.log_false_match(n, a, s, s) == pytest.approx(math.log(exact), abs=1e-6)
    # far below the double range: 1e-400-ish, still finite in log form
    lp = hm.log_false_match(100000, 2000, 240, 240)
    exact = Fraction(math.comb(100000 - 240, 2000 - 240), math.comb(100000, 2000))
    ln_exact = math.log(exact.numerator) - math.log(exact.denominator)
    assert lp == pytest.approx(ln_exact, abs=1e-6)
    assert hm.format_probability(lp).endswith(f"e{math.floor(ln_exact / math.log(10)):+03d}")


def test_noise_match_equals_scipy():
    for v in (0, 10, 30):
        ref = hypergeom.sf(7, 50, 20, 50 - v)
        assert hm.noise_match(50, 20, 8, v) == pytest.approx(ref, rel=1e-8, abs=1e-300)


def test_monte_carlo_matches_formula():
    p = hm.false_match(1000, 50, 20, 5)
    k = hm.monte_carlo_false_matches(1000, 50, 20, 5, 200000, 3)
    assert abs(k - 200000 * p) < 3 * math.sqrt(200000 * p * (1 - p))


def test_dendritic_neuron_from_python():
    nrn = hm.DendriticNeuron(n=500, synapses=10, threshold=6, seed=2)
    pats = [hm.random_pattern(500, 30, 1, k) for k in range(5)]
    for p in pats:
        nrn.learn(p)
    assert nrn.segments == 5
    for k, p in enumerate(pats):
        assert set(nrn.segment(k)) <= set(p)
        assert nrn.fires(p)
        assert nrn.overlaps(p)[k] == 10
    noisy = hm.add_noise(pats[0], 500, 5, 9, 0)
    assert len(np.intersect1d(noisy, pats[0])) == 25


def test_errors_are_value_errors():
    with pytest.raises(ValueError, match="threshold theta = 30"):
        hm.false_match(1000, 50, 20, 30)
    with pytest.raises(ValueError, match="threshold"):
        hm.DendriticNeuron(n=100, synapses=5, threshold=6)
    nrn = hm.DendriticNeuron(n=100, synapses=5, threshold=3)
    with pytest.raises(ValueError, match="fewer than synapses"):
        nrn.learn(np.array([1, 2, 3]))
    with pytest.raises(ValueError, match="out of range"):
        nrn.fires(np.array([1, 200]))
