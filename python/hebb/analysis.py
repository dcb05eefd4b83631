"""hebb.analysis: neural-data analysis on recorded or simulated spike trains.

Numpy in, numpy out; the work is done in C++ (``hebb._analysis``). Times in ms.

* Lempel-Ziv complexity (LZ76, Kaspar & Schuster 1987) in linear time:
  :func:`lz76`, :func:`lz_complexity_of_spikes`, and the one-feature
  :class:`ThresholdClassifier` (the LZC classifier of Rudnicka et al. 2025).
* Neural Latents Benchmark metrics (nlb_tools definitions): :func:`bits_per_spike`,
  :func:`poisson_nll`, :func:`co_smoothing`, :func:`psth`, :func:`psth_r2`, and the
  Lorenz-driven synthetic data set :func:`make_lorenz_data`.
* Branching factor as NALSM defines it: :func:`branching_factor`.
* Results files of the spiking engine (HDF5, ``/spikes/<population>/{times,senders}``):
  :func:`load_spikes`, and every spike-train function has a ``*_file`` form or
  accepts the arrays that :func:`load_spikes` returns.

Errors in the input (wrong shapes, NaN or negative counts, ...) raise ValueError
naming the argument and what is allowed.
"""
from __future__ import annotations

import numpy as np

from . import _analysis as _a

__all__ = [
    "lz76", "lz76_phrases", "lz76_normalized", "lz76_quadratic", "lz_complexity_of_spikes",
    "suffix_array", "bin_spikes", "binary_train", "bin_population", "ThresholdClassifier",
    "poisson_nll", "bits_per_spike", "null_rates", "smooth_trials", "co_smoothing", "psth",
    "psth_r2", "make_lorenz_data", "branching_factor", "branching_factor_file", "load_spikes",
    "plot_lz_classifier", "HmmGlmModel", "fit_hmm_glm", "viterbi_states", "hmm_glm_log_likelihood",
    "sample_hmm_glm", "forward_backward",
]

ThresholdClassifier = _a.ThresholdClassifier
lz76_normalized = _a.lz76_normalized
suffix_array = _a.suffix_array


# ----------------------------------------------------------------------------- Lempel-Ziv
def _symbols(x) -> np.ndarray:
    a = np.asarray(x)
    if a.ndim != 1:
        raise ValueError(f"symbols: expected a 1-D sequence, got shape {a.shape}")
    if a.dtype == bool:
        return a.view(np.uint8)
    if a.dtype.kind == "f":
        if not np.all(np.isfinite(a)) or np.any(a != np.round(a)):
            raise ValueError("symbols: float values must be finite integers (bin or discretise first)")
        return a.astype(np.int64)
    if a.dtype.kind not in "iu":
        raise ValueError(f"symbols: dtype {a.dtype} is not an integer type")
    return a


def lz76(symbols, normalize: bool = False, alphabet: int | None = None):
    """LZ76 complexity C(n) of a symbol sequence (Kaspar & Schuster), linear time.

    With ``normalize=True`` returns c = C log(n) / (n log(alphabet)); the alphabet is
    the number of distinct symbols (at least 2) unless given. For a binary i.i.d.
    Bernoulli(p) sequence c tends to the entropy H(p) in bits.
    """
    s = _symbols(symbols)
    c = _a.lz76_complexity(s)
    if not normalize:
        return c
    if alphabet is None:
        alphabet = max(2, _a.alphabet_size(s.astype(np.int64, copy=False)))
    return _a.lz76_normalized(c, len(s), int(alphabet))


def lz76_phrases(symbols) -> np.ndarray:
    """Start positions of the LZ76 phrases."""
    return _a.lz76_phrases(_symbols(symbols).astype(np.int64, copy=False))


def lz76_quadratic(symbols) -> int:
    """The textbook Kaspar-Schuster scan (O(n^2) worst case), kept as a reference."""
    return _a.lz76_complexity_quadratic(_symbols(symbols).astype(np.int64, copy=False))


def bin_spikes(times, t_start: float, t_stop: float, bin: float = 1.0) -> np.ndarray:
    """Spike counts per bin of width ``bin`` ms on [t_start, t_stop) (partial last bin dropped)."""
    return _a.bin_spikes(np.asarray(times, dtype=float).ravel(), t_start, t_stop, bin)


def binary_train(times, t_start: float, t_stop: float, bin: float = 1.0) -> np.ndarray:
    """0/1 occupancy per bin (uint8): the symbol sequence for :func:`lz76`."""
    return _a.binary_train(np.asarray(times, dtype=float).ravel(), t_start, t_stop, bin)


def bin_population(times, senders, n_neurons: int, t_start: float, t_stop: float,
                   bin: float = 1.0) -> np.ndarray:
    """Counts, bins x neurons, from (time, sender) pairs."""
    return _a.bin_population(np.asarray(times, dtype=float).ravel(),
                             np.asarray(senders, dtype=np.int64).ravel(), int(n_neurons),
                             t_start, t_stop, bin)


def lz_complexity_of_spikes(times, t_start: float, t_stop: float, bin: float = 1.0,
                            normalize: bool = True):
    """Normalised LZ76 complexity of one spike train binarised at ``bin`` ms."""
    return lz76(binary_train(times, t_start, t_stop, bin), normalize=normalize, alphabet=2)


# ----------------------------------------------------------------------------- NLB metrics
def _samples_by_neurons(x, name: str) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim < 2:
        raise ValueError(f"{name}: expected (..., neurons) with at least 2 dimensions, got shape {a.shape}")
    return np.ascontiguousarray(a.reshape(-1, a.shape[-1]))


def poisson_nll(rates, counts) -> float:
    """Sum of Poisson negative log-likelihoods; NaN counts are missing samples."""
    r, y = np.asarray(rates), np.asarray(counts)
    if r.shape != y.shape:
        raise ValueError(f"poisson_nll: rates has shape {r.shape}, counts {y.shape}: must be equal")
    return _a.poisson_nll(_samples_by_neurons(r, "rates"), _samples_by_neurons(y, "counts"))


def bits_per_spike(rates, counts) -> float:
    """nlb_tools bits/spike: (NLL(null) - NLL(rates)) / (total spikes * ln 2).

    Arrays are (..., neurons), e.g. (trials, time, neurons); rates in counts per bin.
    The null model is each neuron's mean count over all samples.
    """
    r, y = np.asarray(rates), np.asarray(counts)
    if r.shape != y.shape:
        raise ValueError(f"bits_per_spike: rates has shape {r.shape}, counts {y.shape}: must be equal")
    return _a.bits_per_spike(_samples_by_neurons(r, "rates"), _samples_by_neurons(y, "counts"))


def null_rates(counts) -> np.ndarray:
    """Per-neuron mean count over samples, broadcast to the shape of ``counts``."""
    y = np.asarray(counts, dtype=float)
    return _a.null_rates(_samples_by_neurons(y, "counts")).reshape(y.shape)


def _trials(x, name: str) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim != 3:
        raise ValueError(f"{name}: expected (trials, time, neurons), got shape {a.shape}")
    return a


def smooth_trials(counts, sd_bins: float) -> np.ndarray:
    """Gaussian smoothing along time within each trial; counts (trials, time, neurons)."""
    y = _trials(counts, "counts")
    return _a.smooth_trials(np.ascontiguousarray(y.reshape(-1, y.shape[2])), y.shape[1],
                            float(sd_bins)).reshape(y.shape)


def co_smoothing(heldin_train, heldout_train, heldin_eval, heldout_eval=None, *,
                 kernel_sd: float = 50.0, bin: float = 5.0, alpha: float = 0.0,
                 max_iter: int = 100, tol: float = 1e-9):
    """nlb_tools' smoothing baseline for co-smoothing: predict held-out neurons.

    Arrays are (trials, time, neurons). Held-in spikes are smoothed (Gaussian, sd
    ``kernel_sd`` ms at ``bin`` ms bins), log-transformed, and a Poisson GLM per
    held-out neuron is fitted on the training trials. Returns ``(rates, co_bps)``:
    predicted held-out rates on the eval trials and their bits/spike (NaN when
    ``heldout_eval`` is None).
    """
    hi_tr, ho_tr, hi_ev = (_trials(a, n) for a, n in ((heldin_train, "heldin_train"),
                                                     (heldout_train, "heldout_train"),
                                                     (heldin_eval, "heldin_eval")))
    T = hi_tr.shape[1]
    if hi_ev.shape[1] != T or ho_tr.shape[:2] != hi_tr.shape[:2]:
        raise ValueError(f"co_smoothing: shapes {hi_tr.shape}, {ho_tr.shape}, {hi_ev.shape}: trials "
                         "and time bins must match")
    if heldout_eval is None:
        ho_ev = np.zeros((hi_ev.shape[0], T, ho_tr.shape[2]))
        ho_ev[..., :] = 1.0  # placeholder so the C++ side can score; result discarded
    else:
        ho_ev = _trials(heldout_eval, "heldout_eval")
    flat = lambda a: np.ascontiguousarray(a.reshape(-1, a.shape[2]))
    rates, _, bps = _a.co_smoothing(flat(hi_tr), flat(ho_tr), flat(hi_ev), flat(ho_ev), T,
                                    kernel_sd=kernel_sd, bin=bin, alpha=alpha, max_iter=max_iter,
                                    tol=tol)
    return rates.reshape(hi_ev.shape[0], T, ho_tr.shape[2]), (bps if heldout_eval is not None else float("nan"))


def psth(counts, conditions) -> np.ndarray:
    """Condition-averaged rates: (n_conditions, time, neurons) from (trials, time, neurons)."""
    y = _trials(counts, "counts")
    c = np.asarray(conditions, dtype=np.int64).ravel()
    out = _a.psth(np.ascontiguousarray(y.reshape(-1, y.shape[2])), y.shape[1], c)
    return out.reshape(-1, y.shape[1], y.shape[2])


def psth_r2(true_psth, pred_psth) -> float:
    """R² of predicted against true PSTHs, per neuron over conditions and time, averaged."""
    a, b = np.asarray(true_psth, dtype=float), np.asarray(pred_psth, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"psth_r2: shapes {a.shape} and {b.shape} differ")
    return _a.psth_r2(_samples_by_neurons(a, "true_psth"), _samples_by_neurons(b, "pred_psth"))


def make_lorenz_data(n_trials: int = 100, trial_length: int = 50, n_neurons: int = 30,
                     bin: float = 10.0, base_rate: float = 20.0, gain: float = 1.0,
                     dt: float = 0.01, steps_per_bin: int = 1, seed: int = 1) -> dict:
    """Lorenz-driven Poisson counts (LFADS / LangevinFlow synthetic data).

    Returns a dict of arrays: ``counts`` and ``rates`` (trials, time, neurons; rates
    in counts per bin), ``latents`` (trials, time, 3; standardised) and ``readout``
    (neurons, 3).
    """
    d = _a.make_lorenz_data(n_trials, trial_length, n_neurons, bin, base_rate, gain, dt,
                            steps_per_bin, seed)
    return {"counts": d["counts"].reshape(n_trials, trial_length, n_neurons),
            "rates": d["rates"].reshape(n_trials, trial_length, n_neurons),
            "latents": d["latents"].reshape(n_trials, trial_length, 3),
            "readout": d["readout"]}


# ----------------------------------------------------------------------------- branching factor
def _csr(connectivity, n_neurons: int):
    """(offsets, targets) CSR by source from a dense adjacency (pre x post), a scipy
    sparse matrix (pre x post) or an (offsets, targets) pair."""
    if connectivity is None:
        return None, None
    if isinstance(connectivity, tuple) and len(connectivity) == 2:
        return (np.asarray(connectivity[0], dtype=np.int64), np.asarray(connectivity[1], dtype=np.int64))
    try:
        import scipy.sparse as sp
        if sp.issparse(connectivity):
            m = sp.csr_matrix(connectivity)
            if m.shape != (n_neurons, n_neurons):
                raise ValueError(f"connectivity: shape {m.shape}: must be ({n_neurons}, {n_neurons})")
            m.eliminate_zeros()
            return m.indptr.astype(np.int64), m.indices.astype(np.int64)
    except ImportError:  # pragma: no cover
        pass
    a = np.asarray(connectivity)
    if a.shape != (n_neurons, n_neurons):
        raise ValueError(f"connectivity: shape {a.shape}: must be ({n_neurons}, {n_neurons}) (pre x post)")
    rows, cols = np.nonzero(a)
    offsets = np.zeros(n_neurons + 1, dtype=np.int64)
    np.add.at(offsets, rows + 1, 1)
    return np.cumsum(offsets), cols.astype(np.int64)


def branching_factor(times, senders, n_neurons: int, t_start: float, t_stop: float,
                     window: float = 4.0, dt: float = 1.0, connectivity=None):
    """NALSM branching factor: descendants in (t, t+window] over ancestors in
    [t-window, t) per spike, averaged per neuron then over neurons.

    ``connectivity`` (pre x post, dense or scipy sparse, or CSR (offsets, targets))
    restricts ancestors to presynaptic and descendants to postsynaptic neurons;
    without it every other neuron counts. Returns ``(mean, per_neuron, events)``.
    """
    off, tgt = _csr(connectivity, int(n_neurons))
    return _a.branching_factor(np.asarray(times, dtype=float).ravel(),
                               np.asarray(senders, dtype=np.int64).ravel(), int(n_neurons),
                               t_start, t_stop, window, dt, off, tgt)


# ----------------------------------------------------------------------------- HMM-GLM
HmmGlmModel = _a.HmmGlmModel
forward_backward = _a.forward_backward
hmm_glm_log_likelihood = lambda model, counts: _a.hmm_glm_log_likelihood(model, _counts2d(counts))


def _counts2d(counts) -> np.ndarray:
    y = np.asarray(counts, dtype=float)
    if y.ndim != 2:
        raise ValueError(f"counts: expected (time bins, neurons), got shape {y.shape}")
    return np.ascontiguousarray(y)


def fit_hmm_glm(counts, n_states: int = 3, basis=(1.0, 0.5, 0.25), prior_sd: float = 1.0,
                init_stay: float = 0.9, max_iter: int = 200, tol: float = 1e-6, fisher_steps: int = 3,
                restarts: int = 3, require_convergence: bool = True, seed: int = 1) -> dict:
    """Fit an HMM-GLM by EM (Poisson GLM emissions with a spike-history basis, softplus
    link, Gaussian prior of sd ``prior_sd`` around a shared mean; ``prior_sd=np.inf``
    gives the plain HMM-GLM). counts: (time bins, neurons). Raises ValueError if EM has
    not converged in ``max_iter`` iterations (unless ``require_convergence=False``).
    Returns a dict: model, posterior (T x K), log_likelihood (per iteration),
    iterations, converged."""
    m, post, ll, it, conv = _a.fit_hmm_glm(_counts2d(counts), int(n_states), [float(b) for b in basis],
                                           float(prior_sd), init_stay, max_iter, tol, fisher_steps,
                                           restarts, require_convergence, seed)
    return {"model": m, "posterior": post, "log_likelihood": np.asarray(ll), "iterations": it,
            "converged": conv}


def viterbi_states(model, counts) -> np.ndarray:
    """Most likely state path of ``counts`` under ``model``."""
    le = _a.emission_log_likelihood(model, _counts2d(counts))
    return _a.viterbi(np.log(np.maximum(model.initial, 1e-300)),
                      np.log(np.maximum(model.transition, 1e-300)), le)


def sample_hmm_glm(model, n_bins: int, seed: int = 1):
    """(counts, states) sampled from ``model``."""
    return _a.sample_hmm_glm(model, int(n_bins), int(seed))


# ----------------------------------------------------------------------------- results files
def load_spikes(path, population: str):
    """Spike times (ms) and senders of one population from a hebb results file
    (HDF5: ``/spikes/<population>/times`` and ``/senders``)."""
    import h5py
    with h5py.File(path, "r") as f:
        if "spikes" not in f:
            raise ValueError(f"{path}: no /spikes group (not a hebb results file?)")
        g = f["spikes"]
        if population not in g:
            raise ValueError(f"{path}: unknown population '{population}' (valid: {', '.join(sorted(g))})")
        p = g[population]
        for k in ("times", "senders"):
            if k not in p:
                raise ValueError(f"{path}: /spikes/{population} has no '{k}' dataset")
        times = np.asarray(p["times"][...], dtype=float)
        senders = np.asarray(p["senders"][...], dtype=np.int64)
    if times.shape != senders.shape:
        raise ValueError(f"{path}: /spikes/{population}: times {times.shape} and senders "
                         f"{senders.shape} differ in shape")
    return times, senders


def branching_factor_file(path, population: str, t_start: float, t_stop: float,
                          n_neurons: int | None = None, **kw):
    """:func:`branching_factor` of one population of a results file."""
    t, s = load_spikes(path, population)
    n = int(n_neurons) if n_neurons is not None else (int(s.max()) + 1 if s.size else 1)
    return branching_factor(t, s, n, t_start, t_stop, **kw)


# ----------------------------------------------------------------------------- plots
def plot_lz_classifier(features, labels, classifier=None, names=("class 0", "class 1"),
                       xlabel="normalised LZ76 complexity", ax=None):
    """Histograms of one feature per class, with the fitted threshold."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    x, y = np.asarray(features, dtype=float), np.asarray(labels)
    bins = np.linspace(x.min(), x.max(), 40)
    for k, name in enumerate(names):
        ax.hist(x[y == k], bins=bins, alpha=0.6, label=name)
    if classifier is not None:
        ax.axvline(classifier.threshold, color="k", ls="--", label="threshold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("trains")
    ax.legend(frameon=False)
    return ax
