"""NLB metrics from Python. Oracles: a scipy transcription of nlb_tools'
bits_per_spike written here; bps(null) = 0 and invariance to bin order (SYSTEMS.md
section 13); true Lorenz rates beat the null; R² identities."""
import numpy as np
import pytest
from scipy.special import gammaln

import hebb.analysis as A


def nlb_bits_per_spike(rates, spikes):
    """nlb_tools.evaluation.bits_per_spike, restated with numpy/scipy."""
    def nll(r, y):
        m = ~np.isnan(y)
        r, y = r[m], y[m]
        return np.sum(r - y * np.log(r) + gammaln(y + 1.0))
    null = np.tile(np.nanmean(spikes, axis=tuple(range(spikes.ndim - 1)), keepdims=True),
                   spikes.shape[:-1] + (1,))
    return (nll(null, spikes) - nll(rates, spikes)) / np.nansum(spikes) / np.log(2)


@pytest.fixture(scope="module")
def lorenz():
    return A.make_lorenz_data(n_trials=40, trial_length=50, n_neurons=30, seed=3)


def test_bits_per_spike_matches_nlb_definition(lorenz):
    y, r = lorenz["counts"], lorenz["rates"]
    assert A.bits_per_spike(r, y) == pytest.approx(nlb_bits_per_spike(r, y), rel=1e-10)
    y2 = y.copy()
    y2[3, 5:9, 2] = np.nan  # missing bins
    assert A.bits_per_spike(r, y2) == pytest.approx(nlb_bits_per_spike(r, y2), rel=1e-10)


def test_null_is_zero_and_bin_order_does_not_matter(lorenz):
    y, r = lorenz["counts"], lorenz["rates"]
    assert A.bits_per_spike(A.null_rates(y), y) == 0.0
    perm = np.random.default_rng(0).permutation(y.shape[0] * y.shape[1])
    yf, rf = y.reshape(-1, 30)[perm], r.reshape(-1, 30)[perm]
    assert A.bits_per_spike(rf, yf) == pytest.approx(A.bits_per_spike(r, y), rel=1e-12)
    assert A.bits_per_spike(r, y) > 0


def test_co_smoothing_predicts_held_out_neurons(lorenz):
    y, r = lorenz["counts"], lorenz["rates"]
    hi, ho = slice(0, 22), slice(22, 30)
    rates, co_bps = A.co_smoothing(y[:30, :, hi], y[:30, :, ho], y[30:, :, hi], y[30:, :, ho],
                                   kernel_sd=30.0, bin=10.0, alpha=1e-2)
    true_bps = A.bits_per_spike(r[30:, :, ho], y[30:, :, ho])
    assert rates.shape == (10, 50, 8)
    assert 0 < co_bps < true_bps
    assert co_bps == pytest.approx(nlb_bits_per_spike(rates, y[30:, :, ho]), rel=1e-9)


def test_psth_and_r2(lorenz):
    r = lorenz["rates"]
    cond = np.arange(r.shape[0]) % 4
    ps = A.psth(r, cond)
    assert ps.shape == (4, 50, 30)
    np.testing.assert_allclose(ps[1], r[cond == 1].mean(axis=0), rtol=1e-12)
    assert A.psth_r2(ps, ps) == pytest.approx(1.0)
    assert A.psth_r2(ps, np.broadcast_to(ps.mean(axis=(0, 1)), ps.shape)) == pytest.approx(0.0, abs=1e-12)


def test_bad_input_raises_value_error():
    y = np.ones((4, 3))
    with pytest.raises(ValueError, match="shape"):
        A.bits_per_spike(np.ones((4, 2)), y)
    y[1, 1] = -1
    with pytest.raises(ValueError, match=r"counts\[1, 1\] = -1"):
        A.bits_per_spike(np.ones((4, 3)), y)
    with pytest.raises(ValueError, match="dt"):
        A.make_lorenz_data(dt=1.0)
