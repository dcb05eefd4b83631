"""Branching factor and results files. Oracles: a numpy transcription of the NALSM
definition written here; a hand-written HDF5 results file (h5py) in the layout of
DESIGN.md; the real rat hippocampal units of ../shared/data."""
from pathlib import Path

import h5py
import numpy as np
import pytest
import scipy.sparse as sp

import hebb.analysis as A

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def bf_numpy(times, senders, n, t0, t1, w=4):
    """Population branching factor, NALSM definition, vectorised numpy."""
    k = np.floor(times - t0).astype(np.int64)
    keep = (times >= t0) & (k < int(np.floor(t1 - t0)))
    k, s = k[keep], senders[keep]
    T = int(np.floor(t1 - t0))
    allk = np.sort(k)
    per = []
    for i in range(n):
        ki = np.sort(k[s == i])
        ev = np.unique(ki)
        ev = ev[(ev >= w) & (ev < T - w)]
        if ev.size == 0:
            continue
        cnt = lambda arr, a, b: np.searchsorted(arr, b, "right") - np.searchsorted(arr, a, "left")
        anc = cnt(allk, ev - w, ev - 1) - cnt(ki, ev - w, ev - 1)
        desc = cnt(allk, ev + 1, ev + w) - cnt(ki, ev + 1, ev + w)
        per.append(np.mean(desc / np.maximum(anc, 1)))
    return np.mean(per)


def test_population_bf_matches_numpy_transcription():
    rng = np.random.default_rng(4)
    t = rng.uniform(0, 500, 3000)
    s = rng.integers(0, 20, 3000)
    mean, per, ev = A.branching_factor(t, s, 20, 0.0, 500.0)
    assert mean == pytest.approx(bf_numpy(t, s, 20, 0.0, 500.0), rel=1e-12)
    assert per.shape == (20,) and ev.sum() > 0


def test_connectivity_forms_agree():
    rng = np.random.default_rng(5)
    t = rng.uniform(0, 300, 2000)
    s = rng.integers(0, 15, 2000)
    adj = rng.random((15, 15)) < 0.3
    np.fill_diagonal(adj, False)
    a = A.branching_factor(t, s, 15, 0, 300, connectivity=adj)[0]
    b = A.branching_factor(t, s, 15, 0, 300, connectivity=sp.csr_matrix(adj))[0]
    assert a == b
    # all-to-all connectivity without self-loops equals the population version
    full = ~np.eye(15, dtype=bool)
    assert A.branching_factor(t, s, 15, 0, 300, connectivity=full)[0] == pytest.approx(
        A.branching_factor(t, s, 15, 0, 300)[0], rel=1e-12)


def test_load_spikes_from_results_file(tmp_path):
    rng = np.random.default_rng(6)
    t = np.sort(rng.uniform(0, 1000, 500))
    s = rng.integers(0, 10, 500)
    path = tmp_path / "run.h5"
    with h5py.File(path, "w") as f:
        f.create_group("meta").attrs["version"] = "0.1.0"
        g = f.create_group("spikes/exc")
        g["times"] = t
        g["senders"] = s.astype(np.uint32)
    times, senders = A.load_spikes(path, "exc")
    np.testing.assert_array_equal(times, t)
    np.testing.assert_array_equal(senders, s)
    assert A.branching_factor_file(path, "exc", 0, 1000, n_neurons=10)[0] == \
        A.branching_factor(t, s, 10, 0, 1000)[0]
    with pytest.raises(ValueError, match="unknown population 'inh'.*exc"):
        A.load_spikes(path, "inh")


def test_bad_input():
    with pytest.raises(ValueError, match="senders"):
        A.branching_factor([1.0, 2.0], [0, 5], 3, 0, 100)
    with pytest.raises(ValueError, match="t_stop"):
        A.branching_factor([1.0], [0], 3, 0, 5)
    with pytest.raises(ValueError, match="shape"):
        A.branching_factor([1.0], [0], 3, 0, 100, connectivity=np.ones((2, 2)))


def test_real_rat_hippocampal_units():
    path = DATA / "rat_hc_nelpy" / "linear-track" / "spikes_flat.csv"
    if not path.exists():
        pytest.skip(f"{path} not present")
    u = np.loadtxt(path, delimiter=",", skiprows=1)
    t, s = u[:, 3] * 1000.0, u[:, 0].astype(np.int64)
    t0, t1 = float(np.floor(t.min())), float(np.ceil(t.max()))
    mean, per, ev = A.branching_factor(t, s, 31, t0, t1)
    assert mean == pytest.approx(bf_numpy(t, s, 31, t0, t1), rel=1e-12)
    # 31 sparsely firing units (median 0.25 Hz): a heavily subsampled network reads far
    # below 1 (measured 0.166); each unit's value is finite and non-negative
    assert 0.05 < mean < 0.5
    assert np.all(per[ev > 0] >= 0)


def test_counts_of_a_simulated_run(tmp_path):
    """load_counts on a results file written by `hebb run` (CUBA, 100 ms): the
    population's size and the run's end come from the file; the counts equal a numpy
    histogram of the file's spikes."""
    import os
    import subprocess
    root = Path(__file__).resolve().parents[2]
    hebb = os.environ.get("HEBB_BIN", str(root / "build" / "release" / "hebb"))
    path = tmp_path / "cuba.h5"
    subprocess.run([hebb, "run", str(root / "examples" / "cuba.toml"), "--duration", "100", "--out", str(path)],
                   check=True, capture_output=True)
    y = A.load_counts(path, "inh", bin=5.0)
    t, s = A.load_spikes(path, "inh")
    keep = t < 100.0  # bins are [t_start, t_stop): a spike at the run's last step end (100 ms) is out
    assert y.shape == (20, 800) and y.sum() == keep.sum() > 0
    ref = np.histogram2d(t[keep], s[keep], [np.arange(0, 100.0 + 1e-9, 5.0), np.arange(801)])[0]
    np.testing.assert_array_equal(y, ref)
    assert A.load_counts(path, "inh", bin=5.0, t_start=50.0).shape == (10, 800)
    with pytest.raises(ValueError, match="senders outside"):
        A.load_counts(path, "inh", n_neurons=10)
    with pytest.raises(ValueError, match="unknown population"):
        A.load_counts(path, "nope")
