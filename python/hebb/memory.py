"""Associative memories and sparse distributed codes (the ``memory`` part).

Thin wrappers over the C++ engine (``hebb._memory``) plus the plots of the
published systems:

* Ahmad & Hawkins (2016): exact SDR match probabilities (:func:`false_match`,
  :func:`noise_match`, their ``log_`` forms for values below 1e-308) and a neuron
  with dendritic segments (:class:`DendriticNeuron`).
* Modern Hopfield networks (Ramsauer et al. 2021): :class:`ModernHopfield` (float32
  or float64, batched), the bit-packed :class:`BinaryHopfield` for +1/-1 patterns and
  the classical :class:`ClassicalHopfield` for comparison.
* Dense Hebbian networks trained on noisy examples (Agliari et al. 2022):
  :func:`make_dense_hebbian_data`, :class:`DenseHebbian`, :func:`expected_overlap`.
* Sparsey (Rinkus 2014): :class:`SparseyMac`.

Patterns are rows: an (N, d) array holds N patterns of dimension d. Bad input
raises ValueError with the argument and what is allowed.
"""
from __future__ import annotations

import math

import numpy as np

from . import _memory
from ._memory import (  # noqa: F401  (re-exported API)
    BinaryHopfield,
    ClassicalHopfield,
    DendriticNeuron,
    DenseHebbian,
    SparseyMac,
    add_noise,
    dataset_entropy,
    empirical_archetypes,
    erf_overlap,
    expected_overlap,
    false_match,
    log_binomial,
    log_false_match,
    log_hypergeometric_tail,
    log_neuron_false_match,
    log_noise_match,
    make_dense_hebbian_data,
    monte_carlo_false_matches,
    monte_carlo_noise_matches,
    neuron_false_match,
    noise_match,
    random_pattern,
    to_decimal,
)

__all__ = [
    "BinaryHopfield", "ClassicalHopfield", "DendriticNeuron", "DenseHebbian", "ModernHopfield",
    "SparseyMac", "add_noise", "code_overlap", "dataset_entropy", "empirical_archetypes",
    "erf_overlap", "expected_overlap", "false_match", "format_probability", "log_binomial",
    "log_false_match", "log_hypergeometric_tail", "log_neuron_false_match", "log_noise_match",
    "make_dense_hebbian_data", "monte_carlo_false_matches", "monte_carlo_noise_matches",
    "neuron_false_match", "noise_match", "random_pattern", "to_decimal", "codes_to_binary",
    "save_figure",
]


def ModernHopfield(patterns, beta: float = 1.0, dtype=np.float32):
    """A modern Hopfield network storing the rows of ``patterns`` ((N, d)).

    ``dtype`` is float32 (default) or float64. Methods: ``update(queries)`` (one step
    xi <- X softmax(beta X^T xi), queries (B, d) or (d,)), ``retrieve(queries,
    max_steps, tol)`` -> (states, steps), ``energy(states)``, ``weights(queries)``
    (the softmax, (B, N)), ``separations()``, ``separation_bound()``.
    """
    dt = np.dtype(dtype)
    if dt == np.float32:
        return _memory.ModernHopfield32(np.asarray(patterns, dtype=np.float32), float(beta))
    if dt == np.float64:
        return _memory.ModernHopfield64(np.asarray(patterns, dtype=np.float64), float(beta))
    raise ValueError(f"ModernHopfield: dtype = {dt}: must be float32 or float64")


def format_probability(log_p: float, digits: int = 4) -> str:
    """ln P as text 'm.mmmme-XX', also for P below the double range."""
    m, e = to_decimal(log_p)
    if m == 0:
        return "0"
    return f"{m:.{digits}f}e{e:+03d}"


def code_overlap(a, b) -> np.ndarray:
    """Units shared by Sparsey codes (rows of winner indices): sum over modules of a == b."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(f"code_overlap: codes of {a.shape[-1]} and {b.shape[-1]} modules")
    return (a == b).sum(axis=-1)


def codes_to_binary(codes, units: int) -> np.ndarray:
    """Sparsey codes (n, Q) of winner indices -> 0/1 vectors (n, Q*units), the input of a
    mac one level up."""
    codes = np.atleast_2d(np.asarray(codes, dtype=np.int64))
    if units < 1 or (codes.size and (codes.min() < 0 or codes.max() >= units)):
        raise ValueError(f"codes_to_binary: winner indices must be in [0, units = {units})")
    n, q = codes.shape
    out = np.zeros((n, q * units), dtype=np.uint8)
    out[np.arange(n)[:, None], np.arange(q)[None, :] * units + codes] = 1
    return out


def save_figure(fig, path) -> None:
    """Write a matplotlib figure as PNG (Agg backend) and close it."""
    fig.savefig(path, dpi=120, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_false_match(n: int, a_values, s: int, theta_values, ax=None):
    """log10 false-match probability against the number of active cells, one line per theta."""
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    for theta in theta_values:
        y = [log_false_match(n, int(a), s, int(theta)) / math.log(10) for a in a_values]
        ax.plot(a_values, y, label=f"theta = {theta}")
    ax.set_xlabel("active cells a")
    ax.set_ylabel("log10 P(false match)")
    ax.set_title(f"n = {n}, s = {s}")
    ax.legend()
    return ax
