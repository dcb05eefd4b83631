"""Real-data part of models/topological_rsa (rat linear track, ../shared/data/rat_hc_nelpy):
RSA of the population code against track distance at the --quick size. Every figure is
compared with an oracle computed in the same run: a bin-label permutation null, a null of
spike trains shifted against the position, the other model RDM, or binomial chance."""
import numpy as np
import pytest
from scipy.spatial.distance import cdist, squareform
from scipy.stats import binom

import hebb.analysis as A
from reproduce_loader import load_system

m = load_system("topological_rsa")


@pytest.fixture(scope="module")
def res():
    r = m.real_data(quick=True)
    if r is None:
        pytest.skip(f"{m.RAT} not found")
    return r


def test_helpers_match_direct_computation():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(12, 7)), rng.normal(size=(12, 7))
    d = A.rdm(x)
    q = rng.permutation(12)
    assert np.array_equal(A.rdm_vector(d)[m.permuted_index(q)], A.rdm_vector(d[np.ix_(q, q)]))
    for metric in ("euclidean", "correlation"):
        assert np.allclose(m.cross_rdm_vec(x, x, metric), A.rdm_vector(A.rdm(x, metric)), atol=1e-12)
        c = cdist(x, y, metric)
        assert np.allclose(m.cross_rdm_vec(x, y, metric), squareform(0.5 * (c + c.T), checks=False), atol=1e-12)


def test_laps_and_running(res):
    assert min(res["n_laps"]) >= 15 and res["spikes"] > 1000  # enough laps per direction for odd/even halves


@pytest.mark.parametrize("direction", [0, 1])
@pytest.mark.parametrize("metric", ["euclidean", "correlation"])
def test_rsa_above_nulls(res, direction, metric):
    r = res["rows"][direction, metric, "RDM"]
    assert r["n_lap"] == r["n_session"] == res["n_shift"]  # every shifted data set gave finite RDMs
    assert r["rho"] > r["perm95"][0]                   # RDM ~ track distance, vs bin-label permutations
    # cross-validated RDM vs spikes shifted against the position (within laps; over the session)
    assert r["cv"] > max(r["lap95"][1], r["session95"][1])
    assert r["rel"] > max(r["perm95"][1], r["lap95"][2], r["session95"][2])  # odd- vs even-lap RDMs
    # the plain RDM's rho is inflated by within-lap timing: the lap-shift null's mean sits above 0
    # but the real rho_cv, which cannot share within-lap noise, is above that null's 95 % quantile


@pytest.mark.parametrize("direction", [0, 1])
def test_rgtm_keeps_the_position_code(res, direction):
    # the default RGTM of the correlation RDM stays above its own shift nulls
    r = res["rows"][direction, "correlation", "RGTM 0.2,0.8"]
    n95 = np.maximum(r["lap95"], r["session95"])
    assert r["cv"] > n95[1] and r["rel"] > n95[2]


def test_direction_aware_model_fits_better(res):
    # directional coding: distance within a running direction beats direction-blind distance
    for metric, fits in res["both"].items():
        assert fits["distance within direction"] > fits["track distance"], metric


def test_direction_identified_from_disjoint_laps(res):
    k = 4
    n = res["n_ident"][k]
    assert n >= 30
    bound = (binom.isf(0.001, n, 0.5) + 1) / n  # accuracy that chance (0.5) reaches with p < 0.001
    for t in ("rdm", "rgtm"):
        assert res["ident"][k][t] >= bound, (t, res["ident"][k][t], bound)
