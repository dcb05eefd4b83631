"""Readout learning through hebb.plasticity. Oracles: the regularised least-squares
fit (numpy) for RLS; E[target | t] = p * bump for gated LMS; the hand-written delta
rule for the gate; RLS's 1/n gain and slow re-locking after a switch (SYSTEMS.md
section 1's theory)."""
import numpy as np
import pytest

import hebb.plasticity as hp

BINS, FEAT = 100, 40


def time_code():
    t = np.arange(BINS)[:, None]
    c = (np.arange(FEAT) + 0.5) * BINS / FEAT
    return np.exp(-0.5 * ((t - c) / 2.5) ** 2)


def bump(latency, amp=1.0):
    return amp * np.exp(-0.5 * ((np.arange(BINS) * 10.0 - latency) / 40.0) ** 2)


def test_rls_is_the_least_squares_fit():
    rng = np.random.default_rng(2)
    R, Y = rng.normal(size=(150, 8)), rng.normal(size=(150, 3))
    m = hp.RlsReadout(8, 3, alpha=0.3)
    m.train(R, Y)
    W = np.linalg.solve(R.T @ R + 0.3 * np.eye(8), R.T @ Y).T
    np.testing.assert_allclose(m.weights, W, atol=1e-9)
    assert m.updates == 150


def test_gated_lms_matches_the_delta_rule_and_converges_to_p_times_the_outcome():
    R = time_code()
    rng = np.random.default_rng(4)
    gate = (np.arange(BINS) >= 20).astype(float)      # attention opens after the cue
    m = hp.LmsReadout(FEAT, 1, eta=0.003)
    w = np.zeros(FEAT)
    y = bump(300.0) * (rng.random() < 0.5)
    out = m.train(R, y, gate)
    for t in range(BINS):                               # the rule by hand
        z = w @ R[t]
        assert out[t, 0] == pytest.approx(z, abs=1e-12)
        w += 0.003 * gate[t] * (y[t] - z) * R[t]
    np.testing.assert_allclose(m.weights[0], w, atol=1e-12)
    amps = []
    for p in (0.2, 0.5, 0.8):
        m = hp.LmsReadout(FEAT, 1, eta=0.003)
        for k in range(1500):
            m.train(R, bump(300.0) * (rng.random() < p), gate)
        acc = np.zeros(BINS)
        for k in range(500):                            # converges in the mean: average readouts
            m.train(R, bump(300.0) * (rng.random() < p), gate)
            acc += m.predict(R)[:, 0] / 500
        assert abs(np.argmax(acc) * 10 - 300) <= 50
        np.testing.assert_allclose(acc, bump(300.0, p), atol=0.05)
        amps.append(acc.max())
    c = np.dot(amps, [0.2, 0.5, 0.8]) / np.dot([0.2, 0.5, 0.8], [0.2, 0.5, 0.8])
    ss_res = np.sum((np.array(amps) - c * np.array([0.2, 0.5, 0.8])) ** 2)
    assert 1 - ss_res / np.sum((np.array(amps) - np.mean(amps)) ** 2) >= 0.9


def test_rls_gain_decays_like_one_over_n_and_relocks_slower_than_lms():
    R = time_code()
    rng = np.random.default_rng(9)
    lms, rls = hp.LmsReadout(FEAT, 1, eta=0.02), hp.RlsReadout(FEAT, 1)
    gains = []
    for k in range(200):
        y = bump(300.0) * (rng.random() < 0.8)
        lms.train(R, y)
        rls.train(R, y)
        gains.append(rls.last_gain)
    slope = np.polyfit(np.log(np.arange(21, 201)), np.log(gains[20:]), 1)[0]
    assert slope == pytest.approx(-1.0, abs=0.15)

    def locked(m, L):
        z = m.predict(R)[:, 0]
        return abs(np.argmax(z) * 10 - L) <= 50 and z.max() > 0.4

    relock = {}
    for k in range(600):
        y = bump(600.0) * (rng.random() < 0.8)
        for name, m in (("lms", lms), ("rls", rls)):
            m.train(R, y)
            if name not in relock and locked(m, 600.0):
                relock[name] = k + 1
    assert relock["lms"] <= 50
    assert relock["rls"] >= 3 * relock["lms"]


def test_filtered_rates_is_the_exponential_filter():
    r = hp.filtered_rates([2.5, 2.7, 10.2], [0, 0, 1], 2, t_stop=20.0, dt=1.0, tau=5.0)
    assert r.shape == (20, 2)
    assert r[2, 0] == pytest.approx(2.0)
    assert r[7, 0] == pytest.approx(2.0 * np.exp(-5 / 5.0))
    assert r[10, 1] == pytest.approx(1.0) and r[9, 1] == 0.0


def test_bad_input_raises_value_error():
    with pytest.raises(ValueError, match="eta"):
        hp.LmsReadout(3, 1, eta=0.0)
    with pytest.raises(ValueError, match="forgetting"):
        hp.RlsReadout(3, 1, forgetting=2.0)
    m = hp.LmsReadout(3, 1)
    with pytest.raises(ValueError, match="rates"):
        m.train(np.zeros((5, 4)), np.zeros(5))
    with pytest.raises(ValueError, match="gate"):
        m.train(np.zeros((5, 3)), np.zeros(5), gate=np.ones(4))
    with pytest.raises(ValueError, match="NaN"):
        m.train(np.full((5, 3), np.nan), np.zeros(5))
