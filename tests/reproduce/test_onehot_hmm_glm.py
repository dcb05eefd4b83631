"""Quick version of models/onehot_hmm_glm (SYSTEMS.md section 12): the script's own
checks (state accuracy >= 0.9, connection-type accuracy >= 0.85, held-out LL of the
one-hot fit >= the plain HMM-GLM, forward-backward = enumeration; on the real rat units,
the checks listed in its docstring) decide its exit code; here we also read its table and
the real-data figures it writes (onehot_hmm_glm_real.json). The script runs once for both
tests."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RAT = ROOT.parent / "shared" / "data" / "rat_hc_nelpy" / "linear-track"


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("onehot_hmm_glm")
    r = subprocess.run([sys.executable, str(ROOT / "models/onehot_hmm_glm/reproduce.py"), "--quick",
                        "--out", str(out)], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "MPLBACKEND": "Agg"})
    return r, out


def test_onehot_hmm_glm_quick(quick_run):
    r, out = quick_run
    assert r.returncode == 0, r.stdout + r.stderr
    assert "checks: PASS" in r.stdout
    row = next(l for l in r.stdout.splitlines() if l.strip().startswith("1 "))
    f = row.replace("|", " ").split()
    assert f[1] == "True" and float(f[2]) >= 0.9 and float(f[3]) >= 0.85 and float(f[4]) >= float(f[7])
    assert (out / "onehot_hmm_glm.png").stat().st_size > 10_000


def test_onehot_hmm_glm_real_data(quick_run):
    """Rat linear-track units (probably hippocampal), 100-ms bins, last 20 % held out.
    Oracles, all computed in the same run: a homogeneous Poisson null and the K = 1 GLM for
    the held-out likelihood; circularly shifted copies of the decoded state path for the
    state/behaviour agreement."""
    r, out = quick_run
    if not RAT.exists():
        assert "real-data section skipped" in r.stdout
        pytest.skip(f"{RAT} not found")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "real-data checks: PASS" in r.stdout
    d = json.loads((out / "onehot_hmm_glm_real.json").read_text())
    assert d["n_test"] == d["T"] - d["n_train"] and abs(d["n_test"] / d["T"] - 0.2) < 1e-3
    ll = {(x["K"], x["prior"]): x["ll_per_bin"] for x in d["heldout"]}
    # the plain GLM (K = 1) predicts held-out counts better than each unit's mean rate ...
    assert ll[(1, "gaussian")] > d["ll_null_per_bin"]
    # ... and a switching model (K = 2) better than the plain GLM, with either prior
    assert ll[(2, "gaussian")] > ll[(1, "gaussian")]
    assert ll[(2, "onehot")] > ll[(1, "gaussian")]
    # the held-out block is all rest: the gain is more than the rates of rest (a K = 1 GLM
    # fitted to the rest-period training bins alone does worse than K = 2)
    assert min(ll[(2, "gaussian")], ll[(2, "onehot")]) > d["ll_rest_glm_per_bin"]
    bps = {(x["K"], x["prior"]): x["bits_per_spike"] for x in d["heldout"]}
    assert bps[(2, "onehot")] > bps[(1, "gaussian")] > 0
    # decoded K = 2 states agree with running vs still better than 95 % of shifted paths
    run = [b for b in d["behaviour"] if b["K"] == 2 and b["label"].startswith("running")]
    assert {b["prior"] for b in run} == {"gaussian", "onehot"}
    for b in run:
        assert b["agreement"] > b["shift_p95"], b
        assert b["balanced"] > b["shift_bal_p95"], b
    # the one-hot types are counted over every (target, source) pair of each state
    for t in d["types"]:
        assert sum(t["offdiag"]) == d["N"] * (d["N"] - 1) and sum(t["self"]) == d["N"]
    assert (out / "onehot_hmm_glm_real.png").stat().st_size > 10_000
