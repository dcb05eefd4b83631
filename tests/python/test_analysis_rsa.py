"""RDMs and geo-topological transforms. Oracles: scipy (pdist for the RDMs,
stats.rankdata for ranks, sparse.csgraph.shortest_path for the geodesics), numpy's
quantile, and a transcription of the RGTM formula of utils_transform.py written here."""
import numpy as np
import pytest
from scipy.sparse.csgraph import shortest_path
from scipy.spatial.distance import pdist
from scipy.stats import rankdata, spearmanr

import hebb.analysis as A


def test_rdm_equals_scipy_pdist():
    x = np.random.default_rng(0).normal(size=(15, 7))
    np.testing.assert_allclose(A.rdm_vector(A.rdm(x)), pdist(x, "euclidean"), rtol=1e-12)
    np.testing.assert_allclose(A.rdm_vector(A.rdm(x, "correlation")), pdist(x, "correlation"), atol=1e-12)
    np.testing.assert_array_equal(A.rdm_square(A.rdm_vector(A.rdm(x))), A.rdm(x))
    with pytest.raises(ValueError, match="metric"):
        A.rdm(x, "cosine")
    with pytest.raises(ValueError, match="NaN"):
        A.rdm(np.full((3, 2), np.nan))


def test_ranks_and_rgtm_equal_reference():
    rng = np.random.default_rng(1)
    v = np.round(rng.random(300), 2)  # ties
    np.testing.assert_array_equal(A.rank_transform(v), rankdata(v))
    r = rankdata(v)
    d = (r - r.min()) / (r.max() - r.min())
    np.testing.assert_allclose(A.rank_minmax(v), d, rtol=1e-15)
    lo, hi = np.quantile(d, 0.2), np.quantile(d, 0.8)
    ref = np.clip((d - lo) / (hi - lo), 0.0, 1.0)
    np.testing.assert_allclose(A.rgtm(v), ref, atol=1e-15)
    assert A.spearman(v, v ** 3) == pytest.approx(1.0)


def test_spearman_equals_scipy():
    rng = np.random.default_rng(5)
    a, b = rng.random(100), rng.random(100)
    assert A.spearman(a, b) == pytest.approx(spearmanr(a, b)[0], rel=1e-12)


def test_rgdm_equals_scipy_shortest_paths():
    x = np.random.default_rng(2).normal(size=(25, 3))
    v = A.rdm_vector(A.rdm(x))
    p = 0.1
    w = rankdata(v)  # integer/half-integer weights: exact path sums, ties exact
    keep = w <= np.quantile(w, p)
    n = 25
    g = np.zeros((n, n))
    iu = np.triu_indices(n, 1)
    g[iu[0][keep], iu[1][keep]] = w[keep]
    g = g + g.T
    sp = shortest_path(g, directed=False)  # zero entries = no edge; inf = unreachable
    ref = rankdata(sp[iu])
    ref = (ref - ref.min()) / (ref.max() - ref.min())
    np.testing.assert_allclose(A.rgdm(v, p), ref, atol=1e-14)


def test_identify_layers_and_errors():
    rng = np.random.default_rng(3)
    cands = [A.rdm(rng.normal(size=(12, 6))) for _ in range(4)]
    noisy = [c + 0.01 * A.rdm_square(rng.random(66)) for c in cands]
    for t in ("rdm", "rank", "rgtm", "rgdm"):
        np.testing.assert_array_equal(A.identify_layers(cands, noisy[::-1], t), [3, 2, 1, 0])
    with pytest.raises(ValueError, match="transform"):
        A.identify_layers(cands, noisy, "umap")
    with pytest.raises(ValueError, match="upper"):
        A.rgtm(A.rdm_vector(cands[0]), 0.8, 0.2)
    with pytest.raises(ValueError, match="n\\(n-1\\)/2"):
        A.rdm_square(np.ones(5))


def test_rgdm_warns_when_the_kept_edges_disconnect_the_conditions():
    import warnings
    x = np.random.default_rng(7).normal(size=(20, 2))  # distinct distances
    # ranks up to numpy's 0.05 quantile of 1..190 (10.45): 10 edges, which join at most 11
    # conditions, so at least 190 - 55 pairs are unreachable
    with pytest.warns(RuntimeWarning, match="the 10 edges kept at p = 0.05 leave the 20 conditions in"):
        g = A.rgdm(A.rdm(x), 0.05)
    assert (g == 1.0).sum() >= 135  # the unreachable pairs tie at the largest distance
    v = A.rdm_vector(A.rdm(np.arange(20.0)[:, None]))  # 20 points on a line
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = A.rgdm(v, 0.05)  # the 19 unit steps tie at the lowest rank: all kept, one chain
    np.testing.assert_allclose(A.spearman(g, v), 1.0)  # geodesic = distance along the line
