"""One-hot HMM-GLM from Python. Oracles: a planted model (true states and connection
types); a brute-force search over state permutations for match_states; the
normalisation of the returned probabilities."""
import itertools

import numpy as np
import pytest

import hebb.analysis as A


def planted(N=5, K=2, stay=0.98, seed=0):
    rng = np.random.default_rng(seed)
    m = A.HmmGlmModel()
    m.basis = [0.3, 0.15, 0.05]
    m.initial = np.full(K, 1.0 / K)
    m.transition = np.full((K, K), (1 - stay) / (K - 1)) + np.eye(K) * (stay - (1 - stay) / (K - 1))
    m.bias = rng.uniform(-1.0, 0.5, (K, N))
    types = rng.choice([-1, 0, 1], (K, N, N), p=[0.2, 0.6, 0.2])
    m.weights = list(types * rng.uniform(0.6, 1.2, (K, N, N)))
    return m, types


def test_match_states_equals_brute_force():
    rng = np.random.default_rng(1)
    z = rng.integers(0, 4, 500)
    f = np.where(rng.random(500) < 0.7, (z + 2) % 4, rng.integers(0, 4, 500))
    perm, acc = A.match_states(z, f, 4)
    best = max(np.mean(np.asarray(p)[f] == z) for p in itertools.permutations(range(4)))
    assert acc == pytest.approx(best)
    assert np.mean(perm[f] == z) == pytest.approx(acc)


def test_onehot_fit_recovers_types_and_states():
    m, types = planted(5, 2, 0.98, 3)
    y, z = A.sample_hmm_glm(m, 4000, seed=4)
    fit = A.fit_onehot_hmm_glm(y, n_states=2, basis=m.basis, restarts=2)
    assert fit["converged"]
    path = A.viterbi_states(fit["model"], y)
    perm, acc = A.match_states(z, path, 2)
    ideal = np.mean(A.viterbi_states(m, y) == z)  # decoding with the true model
    assert acc >= ideal - 0.03, (acc, ideal)
    t = fit["types"]
    assert t.shape == (2, 5, 5) and set(np.unique(t)) <= {-1, 0, 1}
    tacc = np.mean([np.mean(t[f] == types[perm[f]]) for f in range(2)])
    assert tacc >= 0.85, tacc
    # one-hot weights: sign(W) is the type, and the probabilities are distributions
    W = np.array(fit["model"].weights)
    np.testing.assert_array_equal(np.sign(W).astype(int), t)
    np.testing.assert_allclose(fit["type_probability"].sum(-1), 1.0, atol=1e-12)
    np.testing.assert_allclose(fit["prior"].sum(-1), 1.0, atol=1e-4)


def test_gumbel_softmax_method_runs_and_is_reproducible():
    m, _ = planted(4, 2, 0.97, 5)
    y, _ = A.sample_hmm_glm(m, 2000, seed=6)
    kw = dict(n_states=2, basis=m.basis, method="gumbel_softmax", type_iter=3, adam_steps=5, restarts=1)
    a, b = A.fit_onehot_hmm_glm(y, **kw), A.fit_onehot_hmm_glm(y, **kw)
    np.testing.assert_array_equal(a["type_probability"], b["type_probability"])  # counter-based noise
    c = A.fit_onehot_hmm_glm(y, seed=2, **kw)
    assert not np.array_equal(a["type_probability"], c["type_probability"])


def test_errors():
    with pytest.raises(ValueError, match="too few samples"):
        A.fit_onehot_hmm_glm(np.ones((30, 3)), n_states=3)
    with pytest.raises(ValueError, match="method"):
        A.fit_onehot_hmm_glm(np.ones((3000, 2)), n_states=1, method="gibbs")
    with pytest.raises(ValueError, match="unknown argument"):
        A.fit_onehot_hmm_glm(np.ones((3000, 2)), n_states=1, temperature=0.5)
    with pytest.raises(ValueError, match="non-negative integers"):
        A.fit_onehot_hmm_glm(-np.ones((3000, 2)), n_states=1)
    with pytest.raises(ValueError, match="threshold"):
        A.connection_types(np.eye(2), -1.0)
