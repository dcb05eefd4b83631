"""Quick reproduction of models/nalsm (SYSTEMS.md section 5): runs reproduce.py --quick
(200 s plasticity phase, 20 frozen test samples) and asserts its acceptance checks:
the astrocyte liquid's branching factor is in [0.9, 1.1], the plain-STDP liquid's is not.
Both for the default liquid (--config nalsm-input) and the earlier one (--config hebb2025).
Also: the NALSM configuration builds NALSM's input projection and 3-D liquid, and the
script's measurement options refuse bad values, naming what is allowed."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(os.environ.get("HEBB_SOURCE_DIR", Path(__file__).resolve().parents[2]))


@pytest.fixture(scope="module", params=[[], ["--config", "hebb2025"]], ids=["default", "hebb2025"])
def result(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("nalsm")
    r = subprocess.run(["/usr/bin/python3", str(ROOT / "models/nalsm/reproduce.py"), "--quick", "--out", str(out)]
                       + request.param, capture_output=True, text=True, timeout=120,
                       env={**os.environ, "MPLBACKEND": "Agg"})
    sys.stdout.write(r.stdout + r.stderr)
    return r, json.loads((out / "nalsm.json").read_text()), out


def test_astrocyte_liquid_is_near_critical(result):
    r, res, out = result
    bf = res["liquids"]["astrocyte"]["bf_mean"]
    assert 0.9 <= bf <= 1.1, bf
    assert res["checks"]["bf_astrocyte_in_0.9_1.1"]


def test_plain_stdp_liquid_drifts_away_from_one(result):
    r, res, out = result
    bf = res["liquids"]["plain STDP"]["bf_mean"]
    assert not (0.9 <= bf <= 1.1), bf
    # the astrocyte acted: its depression rate moved off its resting value b during the phase
    assert res["liquids"]["astrocyte"]["a_final"] != pytest.approx(res["bias"], abs=1e-3)


def test_exit_status_and_plot(result):
    r, res, out = result
    assert r.returncode == 0
    assert (out / "nalsm.png").stat().st_size > 10000


def test_nalsm_config_builds_nalsms_input_projection_and_3d_liquid(load):
    # --config nalsm (README, "The accuracy gap"): the liquid of NALSM's network builder. Oracles
    # are its definitions: exactly 0.15 x 784 x N input synapses without repeats, sign +-1 with
    # equal odds; liquid pairs at grid distance d connected with probability C exp(-(d / 3)^2),
    # C = 0.2 / 0.1 / 0.3 / 0.05 for E->E / E->I / I->E / I->I.
    import numpy as np
    mod = load("nalsm")
    mod.set_config("nalsm")
    mod.set_liquid_size(1000)
    st = mod.structure(1)
    sx, tx = st["inp"]
    assert len(sx) == int(0.15 * 784 * 1000)
    assert len(np.unique(sx * 1000 + tx)) == len(sx)
    n_pos = int((st["inp_sign"] > 0).sum())
    assert abs(n_pos - len(sx) / 2) < 4 * np.sqrt(len(sx) / 4)
    assert set(np.unique(st["inp_sign"])) == {-1.0, 1.0}
    pos = st["pos"]
    assert sorted(map(tuple, pos.astype(int))) == [(i, j, k) for i in range(10) for j in range(10) for k in range(10)]
    src = np.concatenate([st["exc"][0], st["inh"][0]])
    tgt = np.concatenate([st["exc"][1], st["inh"][1]])
    assert (st["exc"][0] < 800).all() and (st["inh"][0] >= 800).all() and (src != tgt).all()
    a = np.zeros((1000, 1000), bool)
    a[src, tgt] = True
    d2 = ((pos[:, None, :] - pos[None, :, :]) ** 2).sum(-1)
    exc = np.arange(1000) < 800
    for (pre, post), c in {(True, True): 0.2, (True, False): 0.1, (False, True): 0.3, (False, False): 0.05}.items():
        for d in (1, 2):    # squared distances 1 and 2 (edge and face-diagonal neighbours)
            m = (exc[:, None] == pre) & (exc[None, :] == post) & (d2 == d)
            p = c * np.exp(-d / 9.0)
            assert abs(a[m].mean() - p) < 4 * np.sqrt(p * (1 - p) / m.sum()), (pre, post, d)
    # far pairs (d > 6, p < 0.3 e^-4 each) connect no more often than their expected count allows
    far = d2 > 36
    c_all = np.where(exc[:, None], np.where(exc[None, :], 0.2, 0.1), np.where(exc[None, :], 0.3, 0.05))
    lam = (c_all * np.exp(-d2 / 9.0))[far].sum()
    assert a[far].sum() <= lam + 4 * np.sqrt(lam) + 1, (a[far].sum(), lam)


@pytest.mark.parametrize("args, message", [
    (["--config", "maass"], "allowed names are hebb2025, nalsm-input, nalsm-neuron, nalsm"),
    (["--config", "nalsm", "--n-liquid", "2000"], "needs a cube number"),
    (["--liquids", "astrocyte,chaos"], "allowed names are astrocyte, plain STDP, static"),
    (["--n-train", "1000", "--n-test", "0"], "both 0, or both > 0"),
    (["--n-liquid", "50"], "must be in [100, 16000]"),
])
def test_bad_options_are_refused_with_the_allowed_values(args, message, tmp_path):
    # argparse refuses them (exit status 2) before anything is simulated
    r = subprocess.run(["/usr/bin/python3", str(ROOT / "models/nalsm/reproduce.py"), "--out", str(tmp_path)] + args,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr
