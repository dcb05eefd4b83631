"""Spike-train statistics shared by the validation tests."""
import numpy as np


def rate(times, n, t0, t1):
    """Mean rate [Hz] per neuron in (t0, t1] ms."""
    return np.count_nonzero((times > t0) & (times <= t1)) / n / ((t1 - t0) * 1e-3)


def cv_isi(times, senders, t0, min_spikes=3):
    """Mean over neurons (with >= min_spikes after t0) of the ISI CV."""
    keep = times > t0
    t, s = times[keep], senders[keep]
    order = np.lexsort((t, s))
    t, s = t[order], s[order]
    cvs = []
    for i in np.unique(s):
        ti = t[s == i]
        if len(ti) >= min_spikes:
            d = np.diff(ti)
            cvs.append(d.std() / d.mean())
    return float(np.mean(cvs)) if cvs else float("nan")


def fano(times, t0, t1, bin_ms=1.0):
    """Fano factor of the population spike count in bins: 1 for independent Poisson neurons."""
    c, _ = np.histogram(times, bins=np.arange(t0, t1 + 1e-9, bin_ms))
    return c.var() / c.mean()
