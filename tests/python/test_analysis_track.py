"""Position on a linear track: linearise_track and track_laps against a planted run
(a diagonal track in camera coordinates, known traversals) and on bad input."""
import numpy as np
import pytest

import hebb.analysis as A


def planted_run(n_laps=7, per_lap=200, pause=50, seed=0):
    """True position u in [0, 1] running back and forth with pauses at the ends, drawn on
    a diagonal track in pixels with tracking noise; the planted lap boundaries."""
    rng = np.random.default_rng(seed)
    u, laps = [], []
    for k in range(n_laps):
        go = np.linspace(0, 1, per_lap) if k % 2 == 0 else np.linspace(1, 0, per_lap)
        start = len(u) + pause
        u.extend([go[0]] * pause)
        u.extend(go)
        laps.append((start, start + per_lap - 1, 1 if k % 2 == 0 else 0))
    u = np.array(u + [u[-1]] * pause)
    xy = np.c_[600 - 400 * u, 50 + 300 * u] + rng.normal(0, 2.0, (len(u), 2))
    return u, xy, laps


def test_linearised_position_follows_the_planted_one():
    u, xy, _ = planted_run()
    z = A.linearise_track(xy)
    assert z.min() == 0.0 and z.max() == 1.0
    # the track runs towards smaller x as u grows, so z (0 at small x) is 1 - u
    assert np.corrcoef(z, 1 - u)[0, 1] > 0.999
    assert np.abs(z - (1 - u)).max() < 0.05  # pixel noise of 2 px on a 500-px track, clipped ends


def test_laps_are_the_planted_traversals():
    u, xy, planted = planted_run()
    laps = A.track_laps(u, end_zone=0.1)
    assert len(laps) == len(planted)
    for (a, b, to_end), (s, e, d) in zip(laps, planted):
        assert to_end == d
        # the lap leaves the start zone and enters the other one where u crosses 0.1 / 0.9
        assert u[a] <= 0.1 < u[a + 1] if d == 1 else u[a] >= 0.9 > u[a + 1]
        assert u[b] > 0.9 >= u[b - 1] if d == 1 else u[b] < 0.1 <= u[b - 1]
        assert s <= a < b <= e
    # an excursion that turns back before the other end is no lap
    assert len(A.track_laps(np.r_[np.zeros(5), np.linspace(0, 0.7, 20), np.linspace(0.7, 0, 20)])) == 0


def test_bad_input_is_reported():
    with pytest.raises(ValueError, match="samples x 2"):
        A.linearise_track(np.zeros((10, 3)))
    with pytest.raises(ValueError, match="NaN"):
        A.linearise_track(np.array([[0.0, 1.0], [np.nan, 2.0], [3.0, 4.0]]))
    with pytest.raises(ValueError, match="do not spread"):
        A.linearise_track(np.ones((10, 2)))
    with pytest.raises(ValueError, match="end_zone"):
        A.track_laps(np.linspace(0, 1, 10), end_zone=0.6)
