"""HMM-GLM from Python. Oracles: brute-force path enumeration (T = 6) for the forward
pass; planted states of a sampled model (accuracy after the best permutation)."""
import itertools

import numpy as np
import pytest

import hebb.analysis as A


def planted(N=4, K=2, stay=0.97, seed=0):
    rng = np.random.default_rng(seed)
    m = A.HmmGlmModel()
    m.basis = [0.3, 0.15, 0.05]
    m.initial = np.full(K, 1.0 / K)
    m.transition = np.full((K, K), (1 - stay) / (K - 1)) + np.eye(K) * (stay - (1 - stay) / (K - 1))
    m.bias = rng.uniform(-1.0, 0.5, (K, N))
    m.weights = [rng.choice([-1.0, 0.0, 1.0], (N, N), p=[0.2, 0.6, 0.2]) * rng.uniform(0.6, 1.2, (N, N))
                 for _ in range(K)]
    return m


def test_forward_pass_equals_enumeration():
    m = planted(3, 2, 0.8, 1)
    y, _ = A.sample_hmm_glm(m, 6, seed=2)
    le = A._a.emission_log_likelihood(m, y)
    lpi, la = np.log(m.initial), np.log(m.transition)
    total = sum(np.exp(lpi[z[0]] + le[0, z[0]] + sum(la[z[t - 1], z[t]] + le[t, z[t]] for t in range(1, 6)))
                for z in itertools.product(range(2), repeat=6))
    post, _, ll = A.forward_backward(lpi, la, le)
    assert ll == pytest.approx(np.log(total), rel=1e-12)
    np.testing.assert_allclose(post.sum(axis=1), 1.0, rtol=1e-12)
    assert A.hmm_glm_log_likelihood(m, y) == pytest.approx(ll, rel=1e-12)


def test_fit_recovers_planted_states():
    m = planted(4, 2, 0.98, 3)
    y, z = A.sample_hmm_glm(m, 4000, seed=4)
    fit = A.fit_hmm_glm(y, n_states=2, basis=m.basis, restarts=2)
    assert fit["converged"]
    path = A.viterbi_states(fit["model"], y)
    acc = max(np.mean(path == z), np.mean(path == 1 - z))
    # oracle: decoding with the true model; the fitted one may lose at most 3 points
    ideal = np.mean(A.viterbi_states(m, y) == z)
    assert acc >= ideal - 0.03, (acc, ideal)


def test_errors():
    with pytest.raises(ValueError, match="too few samples"):
        A.fit_hmm_glm(np.ones((20, 3)), n_states=3)
    with pytest.raises(ValueError, match="non-negative integers"):
        A.fit_hmm_glm(np.full((500, 2), 0.5), n_states=1)
    m = planted(4, 2, 0.95, 5)
    y, _ = A.sample_hmm_glm(m, 1500, seed=6)
    with pytest.raises(ValueError, match="did not converge"):
        A.fit_hmm_glm(y, n_states=2, max_iter=2, restarts=1)


def test_em_step_returns_the_likelihood_and_does_not_lower_it():
    # oracle: EM monotonicity (no prior: each step cannot decrease log p(y)) and the
    # forward pass of hmm_glm_log_likelihood for the returned value
    m = planted(4, 2, 0.95, 7)
    y, _ = A.sample_hmm_glm(m, 3000, seed=8)
    start = planted(4, 2, 0.9, 9)  # a different model of the same shape
    start.basis = m.basis
    before = A.hmm_glm_log_likelihood(start, y)
    new, ll = A.hmm_glm_em_step(start, y, prior_sd=np.inf)
    assert ll == pytest.approx(before, rel=1e-12)
    lls = [before]
    for _ in range(3):
        new, ll = A.hmm_glm_em_step(new, y, prior_sd=np.inf)
        lls.append(A.hmm_glm_log_likelihood(new, y))
    assert all(b >= a - 1e-6 * abs(a) for a, b in zip(lls, lls[1:])), lls
    assert np.array_equal(np.asarray(start.bias), planted(4, 2, 0.9, 9).bias)  # input unchanged
