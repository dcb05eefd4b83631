"""COBA (examples/coba.toml) against Brian2 running the same network (Debian's
python3-brian, numpy target), three seeds each. The network is chaotic, so the
comparison is statistical: the mean excitatory rate within 15% and the mean CV of
ISI within 0.1 of Brian2's (seed-to-seed spread: about 1.5 Hz and 0.02)."""
import os
import sys
import warnings

import numpy as np

import hebb
from stats import cv_isi, rate

ROOT = os.environ.get("HEBB_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bench", "peers"))

SEEDS = [1, 2, 3]


def test_coba_statistics_match_brian2():
    import brian2_models

    ours, theirs = [], []
    for seed in SEEDS:
        net = hebb.load(os.path.join(ROOT, "examples", "coba.toml"), simulation__seed=seed)
        net.run(1000.0)
        rec = net.records()[("spikes", "exc")]
        ours.append((rate(rec.times, 3200, 100, 1000), cv_isi(rec.times, rec.senders, 100)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t, s, _, _ = brian2_models.coba(duration_ms=1000.0, mode="numpy", seed=seed)
        theirs.append((rate(t, 3200, 100, 1000), cv_isi(t, s, 100)))
    ours, theirs = np.array(ours), np.array(theirs)
    print("hebb  rate, CV:", ours.mean(axis=0), "\nbrian2 rate, CV:", theirs.mean(axis=0))
    assert theirs[:, 0].mean() > 5, "Brian2's network must be active for the comparison to mean anything"
    assert abs(ours[:, 0].mean() - theirs[:, 0].mean()) <= 0.15 * theirs[:, 0].mean()
    assert abs(ours[:, 1].mean() - theirs[:, 1].mean()) <= 0.1
