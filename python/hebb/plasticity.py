"""Plasticity beyond the network's projections: readout learning on recorded activity.

The synaptic rules (stdp_pair, stdp_triplet, stdp_dopamine, synaptic_scaling,
stdp_nalsm with its astrocyte) act on a network's projections: use them through
``hebb.Network`` (``connect(..., plasticity={...})``, ``set_plasticity``) and list
them with ``hebb.rules()``. This module trains linear readouts z = W r of activity
(filtered spike trains, rates) that you recorded:

* :class:`LmsReadout`: the delta rule gated by a third factor,
  W <- W + eta g(t) (y - W r) r^T (converges to E[y | r]; constant gain).
* :class:`RlsReadout`: recursive least squares, the rule of FORCE (Sussillo & Abbott
  2009), the baseline: fast at first, but its gain decays like 1/n.
* :func:`filtered_rates`: spike trains -> exponentially filtered traces r(t).

Arrays: rates (T, n_in), targets (T, n_out) or (T,), gate (T,) (None: always on).
Bad shapes or values raise ValueError naming the argument.
"""
from __future__ import annotations

import numpy as np

from . import _plasticity as _p

__all__ = ["LmsReadout", "RlsReadout", "filtered_rates", "plot_readout"]


def _rows(x, name, cols=None):
    a = np.asarray(x, dtype=float)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2:
        raise ValueError(f"{name}: expected a (T, n) array, got shape {a.shape}")
    if cols is not None and a.shape[1] != cols:
        raise ValueError(f"{name}: {a.shape[1]} columns, need {cols}")
    return np.ascontiguousarray(a)


def _gate(g, T):
    if g is None:
        return None
    g = np.asarray(g, dtype=float).ravel()
    if g.shape[0] != T:
        raise ValueError(f"gate: {g.shape[0]} values, need one per row ({T})")
    if not np.all(np.isfinite(g)):
        raise ValueError("gate: contains NaN or infinity")
    return g


class _Readout:
    def __init__(self, core, n_in, n_out):
        self._c, self.n_in, self.n_out = core, int(n_in), int(n_out)

    def train(self, rates, targets, gate=None):
        """One online pass over the rows; returns the outputs (T, n_out), each computed
        before that row's update (the online prediction)."""
        R = _rows(rates, "rates", self.n_in)
        Y = _rows(targets, "targets", self.n_out)
        return self._c.train(R, Y, _gate(gate, R.shape[0]))

    def predict(self, rates):
        """Outputs (T, n_out) of the current weights, without learning."""
        return self._c.predict(_rows(rates, "rates", self.n_in))

    @property
    def weights(self):
        """(n_out, n_in)"""
        return self._c.weights

    @weights.setter
    def weights(self, w):
        self._c.weights = np.atleast_2d(np.asarray(w, dtype=float))


class LmsReadout(_Readout):
    """Gated delta rule: W <- W + eta g (y - W r) r^T; eta in [1 / r^2]."""

    def __init__(self, n_in, n_out=1, eta=1e-3):
        super().__init__(_p.LmsReadout(int(n_in), int(n_out), float(eta)), n_in, n_out)
        self.eta = float(eta)


class RlsReadout(_Readout):
    """Recursive least squares (FORCE): P(0) = I / alpha; forgetting lambda in (0, 1]
    (1: none). ``last_gain`` is r^T P r / (lambda + r^T P r) of the last update."""

    def __init__(self, n_in, n_out=1, alpha=1.0, forgetting=1.0):
        super().__init__(_p.RlsReadout(int(n_in), int(n_out), float(alpha), float(forgetting)), n_in, n_out)

    @property
    def last_gain(self):
        return self._c.last_gain

    @property
    def updates(self):
        return self._c.updates


def filtered_rates(times, senders, n_neurons, t_stop, dt=1.0, tau=20.0, t_start=0.0):
    """Exponentially filtered spike trains r_i(t) on a grid of `dt` ms from t_start to
    t_stop: r <- r exp(-dt/tau) + (spikes in the bin); returns (T, n_neurons) with T =
    round((t_stop - t_start) / dt). Spike times in ms, senders neuron indices."""
    if not (dt > 0 and tau > 0 and t_stop > t_start):
        raise ValueError(f"filtered_rates: need dt > 0, tau > 0, t_stop > t_start (got {dt}, {tau}, {t_start}, {t_stop})")
    t = np.asarray(times, dtype=float).ravel()
    s = np.asarray(senders, dtype=np.int64).ravel()
    if t.shape != s.shape:
        raise ValueError(f"filtered_rates: {t.size} times but {s.size} senders")
    if s.size and (s.min() < 0 or s.max() >= n_neurons):
        raise ValueError(f"senders: values must be in [0, {n_neurons})")
    T = int(round((t_stop - t_start) / dt))
    counts = np.zeros((T, int(n_neurons)))
    k = np.floor((t - t_start) / dt - 1e-9).astype(np.int64)
    ok = (k >= 0) & (k < T)
    np.add.at(counts, (k[ok], s[ok]), 1.0)
    out = np.empty_like(counts)
    r = np.zeros(int(n_neurons))
    decay = np.exp(-dt / tau)
    for i in range(T):
        r = r * decay + counts[i]
        out[i] = r
    return out


def plot_readout(t, outputs, targets=None, ax=None, title=None):
    """Readout outputs (and targets) against time; returns the axes (matplotlib, Agg)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3))
    ax.plot(t, outputs, label="readout")
    if targets is not None:
        ax.plot(t, targets, "k--", lw=1, label="target")
    ax.set_xlabel("time")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8)
    return ax
