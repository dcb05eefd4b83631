"""hebb.analysis: neural-data analysis on recorded or simulated spike trains.

Numpy in, numpy out; the work is done in C++ (``hebb._analysis``). Times in ms.

* Lempel-Ziv complexity (LZ76, Kaspar & Schuster 1987) in linear time:
  :func:`lz76`, :func:`lz_complexity_of_spikes`, and the one-feature
  :class:`ThresholdClassifier` (the LZC classifier of Rudnicka et al. 2025).
* Neural Latents Benchmark metrics (nlb_tools definitions): :func:`bits_per_spike`,
  :func:`poisson_nll`, :func:`co_smoothing`, :func:`psth`, :func:`psth_r2`, and the
  Lorenz-driven synthetic data set :func:`make_lorenz_data`.
* Branching factor as NALSM defines it: :func:`branching_factor`.
* HMM-GLM (Escola et al. 2011) with a Gaussian prior (:func:`fit_hmm_glm`) or the
  one-hot inh/none/exc prior of Li et al. 2024 (:func:`fit_onehot_hmm_glm`).
* Dynamic functional connectomes (Dyballa et al. 2024): :func:`differential_affinity`,
  :func:`affinity_tensor`, non-negative CP :func:`nonnegative_cp`,
  :func:`factor_match_score`, :func:`factor_graph`, and community detection with
  graph-tool's nested stochastic block model :func:`detect_communities`.
* Topological RSA (Lin & Kriegeskorte): :func:`rdm`, :func:`rank_minmax`, the
  geo-topological transforms :func:`rgtm` and :func:`rgdm`, :func:`identify_layers`.
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
    "sample_hmm_glm", "forward_backward", "fit_onehot_hmm_glm", "connection_types", "match_states",
    "hmm_glm_em_step",
    "rdm", "rdm_vector", "rdm_square", "rank_transform", "rank_minmax", "rgtm", "rgdm", "pearson",
    "spearman", "identify_layers", "differential_affinity", "affinity_tensor", "nonnegative_cp",
    "cp_reconstruct", "factor_match_score", "factor_graph", "detect_communities", "nmi",
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


def lz76(symbols, normalize: bool = False, alphabet: int | None = None, method: str = "auto"):
    """LZ76 complexity C(n) of a symbol sequence (Kaspar & Schuster), linear time.

    With ``normalize=True`` returns c = C log(n) / (n log(alphabet)); the alphabet is
    the number of distinct symbols (at least 2) unless given. For a binary i.i.d.
    Bernoulli(p) sequence c tends to the entropy H(p) in bits.

    ``method``: "auto" (default), "packed" (bit-packed q-gram buckets, no suffix array;
    at most 256 distinct symbols, hands over to the suffix array on repetitive input)
    or "suffix_array". All three give the same C; they differ only in speed.
    """
    s = _symbols(symbols)
    c = _a.lz76_complexity(s, method)
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


def hmm_glm_em_step(model, counts, prior_sd: float = 1.0, fisher_steps: int = 3):
    """One EM iteration of the HMM-GLM from ``model``: returns (updated model,
    log-likelihood of ``counts`` before the step). The input model is not changed."""
    return _a.hmm_glm_em_step(model, _counts2d(counts), float(prior_sd), int(fisher_steps))


def viterbi_states(model, counts) -> np.ndarray:
    """Most likely state path of ``counts`` under ``model``."""
    le = _a.emission_log_likelihood(model, _counts2d(counts))
    return _a.viterbi(np.log(np.maximum(model.initial, 1e-300)),
                      np.log(np.maximum(model.transition, 1e-300)), le)


def sample_hmm_glm(model, n_bins: int, seed: int = 1):
    """(counts, states) sampled from ``model``."""
    return _a.sample_hmm_glm(model, int(n_bins), int(seed))


def fit_onehot_hmm_glm(counts, n_states: int = 3, basis=(1.0, 0.5, 0.25), method: str = "laplace",
                       strength_sd: float = 3.0, type_iter: int = 5, max_iter: int = 200, tol: float = 1e-6,
                       restarts: int = 3, require_convergence: bool = True, seed: int = 1, **gumbel) -> dict:
    """Fit the one-hot HMM-GLM (Li et al., ICLR 2024): W = (A_exc - A_inh) * strength with
    connection types A in {inh, none, exc} per state under a shared learnt prior.

    ``method="laplace"`` (default) updates the type posteriors by coordinate ascent with
    the strengths integrated out by Laplace's method (half-normal prior of sd
    ``strength_sd``); ``method="gumbel_softmax"`` uses the paper's Gumbel-softmax
    estimator with Adam (keywords ``tau``, ``learning_rate``, ``adam_steps``,
    ``min_strength``; use ``type_iter`` of about 30). See
    include/hebb/analysis/onehot_hmm_glm.hpp for the algorithm.

    Returns a dict: model (an :class:`HmmGlmModel` with the one-hot weights), types
    (K, N, N; -1 inh, 0 none, +1 exc; row = target, column = source), type_probability
    (K, N, N, 3), prior (N, N, 3), posterior (T, K), log_likelihood (per iteration),
    type_iterations, iterations, converged. Raises ValueError if the final EM phase has
    not converged (unless ``require_convergence=False``)."""
    allowed = {"tau", "learning_rate", "adam_steps", "min_strength", "fisher_steps", "init_prior_sd"}
    bad = set(gumbel) - allowed
    if bad:
        raise ValueError(f"fit_onehot_hmm_glm: unknown argument(s) {sorted(bad)} (valid: {sorted(allowed)})")
    return _a.fit_onehot_hmm_glm(_counts2d(counts), int(n_states), [float(b) for b in basis], method,
                                 float(strength_sd), type_iter=int(type_iter), max_iter=int(max_iter),
                                 tol=float(tol), restarts=int(restarts),
                                 require_convergence=require_convergence, seed=int(seed), **gumbel)


def connection_types(weights, threshold: float) -> np.ndarray:
    """Types of a weight matrix by magnitude: 0 where |W| < threshold, else sign(W)."""
    return np.asarray(_a.connection_types(np.ascontiguousarray(weights, dtype=float), float(threshold)))


def match_states(true_states, fitted_states, n_states: int):
    """Best one-to-one relabelling of fitted states onto true ones (Hungarian method on
    the confusion counts). Returns ``(perm, accuracy)`` with ``perm[f]`` the true state
    matched to fitted state f."""
    from scipy.optimize import linear_sum_assignment
    z, f = np.asarray(true_states, dtype=np.int64), np.asarray(fitted_states, dtype=np.int64)
    if z.shape != f.shape:
        raise ValueError(f"match_states: shapes {z.shape} and {f.shape} differ")
    conf = np.zeros((n_states, n_states))
    np.add.at(conf, (f, z), 1)
    rows, cols = linear_sum_assignment(-conf)
    perm = np.empty(n_states, dtype=np.int64)
    perm[rows] = cols
    return perm, float(conf[rows, cols].sum() / max(len(z), 1))


# ----------------------------------------------------------------------------- topological RSA
def rdm(patterns, metric: str = "euclidean") -> np.ndarray:
    """RDM (stimuli x stimuli) of response patterns (stimuli x features): Euclidean
    distance or correlation distance 1 - r."""
    x = np.asarray(patterns, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"rdm: patterns must be (stimuli, features), got shape {x.shape}")
    return _a.rdm(np.ascontiguousarray(x), metric)


def _vec(v, name="rdm_vector") -> np.ndarray:
    a = np.asarray(v, dtype=float)
    if a.ndim == 2:
        return _a.rdm_vector(np.ascontiguousarray(a))
    if a.ndim != 1:
        raise ValueError(f"{name}: expected an RDM (n x n) or its upper-triangle vector, got shape {a.shape}")
    return a


def rdm_vector(rdm_matrix) -> np.ndarray:
    """Upper triangle (i < j, row by row; scipy's squareform order) of a square RDM."""
    return _a.rdm_vector(np.ascontiguousarray(rdm_matrix, dtype=float))


rdm_square = _a.rdm_square
rank_transform = lambda v: _a.rank_transform(np.asarray(v, dtype=float).ravel())
rank_transform.__doc__ = "Ranks (1-based) with ties averaged, as scipy.stats.rankdata."


def rank_minmax(rdm_or_vector) -> np.ndarray:
    """Rank-normalised RDM vector: ranks min-max scaled to [0, 1]."""
    return _a.rank_minmax(_vec(rdm_or_vector))


def rgtm(rdm_or_vector, lower: float = 0.2, upper: float = 0.8) -> np.ndarray:
    """Rank-based geo-topological model: rank-normalised distances set to 0 below the
    ``lower`` quantile, 1 above the ``upper`` quantile, linear between. Takes an RDM or
    its vector; returns the vector (use :func:`rdm_square` for the matrix)."""
    return _a.rgtm(_vec(rdm_or_vector), float(lower), float(upper))


def rgdm(rdm_or_vector, p: float = 0.05) -> np.ndarray:
    """Rank-based geodesic model: keep the edges up to the ``p`` quantile of the ranked
    distances, all-pairs shortest paths, ranks of the path lengths (min-max).

    Warns (RuntimeWarning) when the kept edges leave the conditions in several
    components: the unreachable pairs then all tie at the largest distance. With n
    conditions, ``p`` n(n-1)/2 edges cannot connect them below p = 2/n."""
    v = _vec(rdm_or_vector)
    out = _a.rgdm(v, float(p))
    n = int(round((1 + np.sqrt(1 + 8 * len(v))) / 2))
    if n > 2:
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components
        from scipy.stats import rankdata
        d = rankdata(v)
        keep = d <= np.quantile(d, p)  # the edges the C++ keeps (ranks, numpy's quantile)
        i, j = np.triu_indices(n, 1)
        parts = connected_components(coo_matrix((np.ones(keep.sum()), (i[keep], j[keep])), shape=(n, n)),
                                     directed=False)[0]
        if parts > 1:
            import warnings
            warnings.warn(f"rgdm: the {int(keep.sum())} edges kept at p = {p:g} leave the {n} conditions in "
                          f"{parts} components; their unreachable pairs all tie at the largest distance "
                          f"(raise p)", RuntimeWarning, stacklevel=2)
    return out


pearson = _a.pearson
spearman = _a.spearman


_TRANSFORMS = {
    "rdm": lambda v: v,
    "rank": lambda v: _a.rank_minmax(v),
    "rgtm": lambda v: _a.rgtm(v, 0.2, 0.8),
    "rgdm": lambda v: _a.rgdm(v, 0.05),
}


def identify_layers(candidates, data, transform: str = "rgtm", compare: str = "pearson") -> np.ndarray:
    """For each data RDM, the index of the most similar candidate RDM after the same
    ``transform`` ("rdm", "rank", "rgtm", "rgdm"), by Pearson or Spearman correlation of
    the RDM vectors. candidates, data: sequences of RDMs (or RDM vectors)."""
    if transform not in _TRANSFORMS:
        raise ValueError(f"identify_layers: transform = '{transform}': must be one of {sorted(_TRANSFORMS)}")
    if compare not in ("pearson", "spearman"):
        raise ValueError(f"identify_layers: compare = '{compare}': must be 'pearson' or 'spearman'")
    f, c = _TRANSFORMS[transform], (_a.pearson if compare == "pearson" else _a.spearman)
    cand = [f(_vec(r)) for r in candidates]
    out = []
    for r in data:
        v = f(_vec(r))
        out.append(int(np.argmax([c(v, w) for w in cand])))
    return np.asarray(out, dtype=np.int64)


# ----------------------------------------------------------------------------- functional connectome
def differential_affinity(traces, window: int = 50, step: int = 25) -> np.ndarray:
    """Non-negative pairwise affinities per time window from traces (samples, neurons):
    max(0, Pearson r) of the first differences within windows of ``window``
    differences every ``step`` samples. Returns (windows, pairs), pairs n < m in
    upper-triangle order (see :func:`factor_graph`)."""
    x = np.asarray(traces, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"differential_affinity: traces must be (samples, neurons), got shape {x.shape}")
    return _a.differential_affinity(np.ascontiguousarray(x), int(window), int(step))


def affinity_tensor(trials, window: int = 50, step: int = 25) -> np.ndarray:
    """The time x trials x pairs tensor of :func:`differential_affinity` over trials
    (a sequence of (samples, neurons) arrays of equal shape)."""
    mats = [differential_affinity(t, window, step) for t in trials]
    if not mats:
        raise ValueError("affinity_tensor: no trials")
    if any(m.shape != mats[0].shape for m in mats):
        raise ValueError("affinity_tensor: trials must have equal numbers of samples and neurons")
    return np.ascontiguousarray(np.stack(mats, axis=1))


def nonnegative_cp(tensor, rank: int, max_iter: int = 1000, tol: float = 1e-7, restarts: int = 5,
                   require_convergence: bool = True, seed: int = 1, init=None, inner_alpha: float = 0.5,
                   inner_delta: float = 0.1, extrapolate: bool = True) -> dict:
    """Non-negative CP of a 3-way tensor by accelerated HALS: X ≈ Σ_r λ_r a_r ∘ b_r ∘ c_r.

    Returns a dict: weights (λ, descending), factors (A, B, C with unit-norm columns),
    relative_error, iterations, converged. Raises ValueError on negative or NaN
    entries, a rank above min(IJ, IK, JK), or no convergence in ``max_iter`` iterations
    (unless ``require_convergence=False``).

    ``init=(A, B, C)`` (non-negative, I x R, J x R, K x R) runs one fit from those
    factors instead of ``restarts`` random starts (``seed`` unused): each iteration
    updates A, B, C by HALS in that order, then scales the columns of A and B to unit
    norm and moves the scale into C.

    Each update of a factor reuses its MTTKRP (a pass over the tensor) for up to
    ``1 + inner_alpha * rho`` column sweeps (rho: the MTTKRP's cost over a sweep's),
    stopping when a sweep moves the factor by less than ``inner_delta`` times the first
    (Gillis & Glineur 2012), and A and B alternate in rounds on the one product X C
    they share, by the same rule. With ``extrapolate``, C is extrapolated between
    iterations by Anderson's method (memory 3); an iteration that raises the error is
    rejected and the fit goes on from the last accepted one (rejected iterations count
    in ``iterations``). ``inner_alpha=0, extrapolate=False`` is plain HALS."""
    x = np.asarray(tensor, dtype=float)
    if x.ndim != 3:
        raise ValueError(f"nonnegative_cp: tensor must be 3-D, got shape {x.shape}")
    if init is not None:
        init = tuple(np.ascontiguousarray(f, dtype=float) for f in init)
        if len(init) != 3:
            raise ValueError(f"nonnegative_cp: init must be three factors (A, B, C), got {len(init)}")
    return _a.nonnegative_cp(np.ascontiguousarray(x), int(rank), int(max_iter), float(tol), int(restarts),
                             bool(require_convergence), int(seed), init, float(inner_alpha), float(inner_delta),
                             bool(extrapolate))


def cp_reconstruct(model) -> np.ndarray:
    """The full tensor Σ_r λ_r a_r ∘ b_r ∘ c_r of a CP model (dict as returned)."""
    a, b, c = model["factors"]
    return np.einsum("r,ir,jr,kr->ijk", model["weights"], a, b, c)


def factor_match_score(true_model, fitted_model) -> float:
    """Factor match score (tensortools, Williams et al. 2018): components matched by
    the Hungarian method, score mean_r (1 - |λ_r - λ'_r| / max(λ_r, λ'_r)) ·
    Π_modes cos(f_r, f'_r). 1 = identical up to permutation."""
    from scipy.optimize import linear_sum_assignment
    lt, lf = np.asarray(true_model["weights"]), np.asarray(fitted_model["weights"])
    if lt.shape != lf.shape:
        raise ValueError(f"factor_match_score: ranks {lt.size} and {lf.size} differ")
    sim = 1.0 - np.abs(lt[:, None] - lf[None, :]) / np.maximum(lt[:, None], lf[None, :])
    for ft, ff in zip(true_model["factors"], fitted_model["factors"]):
        ft = ft / np.linalg.norm(ft, axis=0)
        ff = ff / np.linalg.norm(ff, axis=0)
        sim = sim * (ft.T @ ff)
    r, c = linear_sum_assignment(-sim)
    return float(sim[r, c].mean())


def factor_graph(pair_loadings, n_neurons: int | None = None) -> np.ndarray:
    """Symmetric weighted adjacency (neurons x neurons) from one pairs factor (length
    N(N-1)/2, upper-triangle order)."""
    v = np.asarray(pair_loadings, dtype=float).ravel()
    a = _a.rdm_square(v)
    if n_neurons is not None and a.shape[0] != n_neurons:
        raise ValueError(f"factor_graph: {v.size} pairs make {a.shape[0]} neurons, not {n_neurons}")
    return a


def detect_communities(adjacency, weighted: bool = True, deg_corr: bool = False, seed: int = 1,
                       min_weight: float = 0.0, return_dl: bool = False):
    """Communities of a weighted undirected graph by graph-tool's nested stochastic
    block model (minimize_nested_blockmodel_dl; Peixoto 2014): edge weights modelled
    as "real-exponential" covariates when ``weighted``. Edges with weight <=
    ``min_weight`` are left out. Returns the block of each node at the lowest level,
    and with ``return_dl`` also the fit's description length (nats): the search is
    stochastic, so compare seeds and keep the partition of least description length.
    Needs Debian's python3-graph-tool (run with /usr/bin/python3)."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # graph-tool warns when cairo (drawing) is missing
        import graph_tool.all as gt
    a = np.asarray(adjacency, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"detect_communities: adjacency must be square, got shape {a.shape}")
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise ValueError("detect_communities: weights must be finite and non-negative")
    if not np.allclose(a, a.T):
        raise ValueError("detect_communities: adjacency must be symmetric (undirected graph)")
    n = a.shape[0]
    i, j = np.nonzero(np.triu(a > min_weight, 1))
    g = gt.Graph(directed=False)
    g.add_vertex(n)
    g.add_edge_list(np.c_[i, j])
    gt.seed_rng(int(seed))
    np.random.seed(int(seed) % 2**32)
    state_args = {"deg_corr": bool(deg_corr)}
    if weighted:
        w = g.new_ep("double")
        w.a = a[i, j]
        state_args.update(recs=[w], rec_types=["real-exponential"])
    state = gt.minimize_nested_blockmodel_dl(g, state_args=state_args)
    blocks = np.asarray(state.get_levels()[0].get_blocks().a, dtype=np.int64)
    _, labels = np.unique(blocks, return_inverse=True)
    return (labels, float(state.entropy())) if return_dl else labels


def nmi(labels_true, labels_pred) -> float:
    """Normalised mutual information (arithmetic mean normalisation, as sklearn)."""
    from sklearn.metrics import normalized_mutual_info_score
    return float(normalized_mutual_info_score(np.asarray(labels_true), np.asarray(labels_pred)))


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


def load_counts(path, population: str, bin: float = 1.0, t_start: float = 0.0, t_stop: float | None = None,
                n_neurons: int | None = None) -> np.ndarray:
    """Spike counts, bins x neurons, of one population of a results file: the input of
    the count-based analyses (NLB metrics, HMM-GLM, affinities, RDMs of population
    vectors). ``n_neurons`` defaults to the population's size stored in the file
    (``/populations/<population>`` attribute ``size``), ``t_stop`` [ms] to the end of the
    run (``/meta`` attribute ``t_end``); bins of ``bin`` ms on [t_start, t_stop), so a spike
    at exactly t_stop (the end of the run's last step) is not counted."""
    import h5py
    t, s = load_spikes(path, population)
    with h5py.File(path, "r") as f:
        if n_neurons is None:
            g = f.get(f"populations/{population}")
            if g is None or "size" not in g.attrs:
                raise ValueError(f"{path}: /populations/{population} has no 'size' attribute; pass n_neurons")
            n_neurons = int(g.attrs["size"])
        if t_stop is None:
            if "meta" not in f or "t_end" not in f["meta"].attrs:
                raise ValueError(f"{path}: /meta has no 't_end' attribute; pass t_stop")
            t_stop = float(f["meta"].attrs["t_end"])
    if s.size and (s.min() < 0 or s.max() >= n_neurons):
        raise ValueError(f"{path}: /spikes/{population} has senders outside 0..{n_neurons - 1}")
    return bin_population(t, s, int(n_neurons), float(t_start), float(t_stop), float(bin))


def branching_factor_file(path, population: str, t_start: float, t_stop: float,
                          n_neurons: int | None = None, **kw):
    """:func:`branching_factor` of one population of a results file."""
    t, s = load_spikes(path, population)
    n = int(n_neurons) if n_neurons is not None else (int(s.max()) + 1 if s.size else 1)
    return branching_factor(t, s, n, t_start, t_stop, **kw)


# ----------------------------------------------------------------------------- position on a linear track
def linearise_track(xy, percentiles=(1.0, 99.0)) -> np.ndarray:
    """Position along a straight track from 2-D head positions (samples x 2, e.g. camera
    pixels): the projection on the first principal axis of the samples, scaled to [0, 1]
    between the given percentiles of the projection and clipped. The axis points towards
    larger x, so 0 is the end at small x. Drop tracking placeholders before calling."""
    xy = np.asarray(xy, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2 or len(xy) < 2:
        raise ValueError(f"linearise_track: xy must be samples x 2 with at least 2 samples, got shape {xy.shape}")
    if not np.isfinite(xy).all():
        raise ValueError("linearise_track: xy has NaN or infinite entries")
    lo_p, hi_p = percentiles
    if not 0 <= lo_p < hi_p <= 100:
        raise ValueError(f"linearise_track: percentiles {percentiles} must satisfy 0 <= low < high <= 100")
    centred = xy - xy.mean(axis=0)
    axis = np.linalg.svd(centred, full_matrices=False)[2][0]
    s = centred @ (axis * (np.sign(axis[0]) or 1.0))
    lo, hi = np.percentile(s, [lo_p, hi_p])
    if hi <= lo:
        raise ValueError("linearise_track: the positions do not spread along any axis")
    return np.clip((s - lo) / (hi - lo), 0.0, 1.0)


def track_laps(z, end_zone: float = 0.1) -> np.ndarray:
    """Traversals of a linear track from positions z in [0, 1] (time order): a lap runs
    from the last sample in one end zone (z < end_zone or z > 1 - end_zone) to the first
    sample in the other. Returns an int array, laps x 3: start index, end index and the
    end run to (0: towards z = 0, 1: towards z = 1)."""
    z = np.asarray(z, dtype=float).ravel()
    if not 0 < end_zone < 0.5:
        raise ValueError(f"track_laps: end_zone = {end_zone} must be in (0, 0.5)")
    zone = np.where(z < end_zone, 0, np.where(z > 1 - end_zone, 1, -1))
    laps, last, last_i = [], -1, 0
    for i in np.flatnonzero(zone >= 0):
        if last >= 0 and zone[i] != last:
            laps.append((last_i, i, zone[i]))
        last, last_i = zone[i], i
    return np.asarray(laps, dtype=np.int64).reshape(-1, 3)


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
