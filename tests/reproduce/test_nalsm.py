"""Quick reproduction of models/nalsm (SYSTEMS.md section 5): runs reproduce.py --quick
(200 s plasticity phase, 20 frozen test samples) and asserts its acceptance checks:
the astrocyte liquid's branching factor is in [0.9, 1.1], the plain-STDP liquid's is not.
Also: the script's measurement options refuse bad values, naming what is allowed."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(os.environ.get("HEBB_SOURCE_DIR", Path(__file__).resolve().parents[2]))


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("nalsm")
    r = subprocess.run(["/usr/bin/python3", str(ROOT / "models/nalsm/reproduce.py"), "--quick", "--out", str(out)],
                       capture_output=True, text=True, timeout=120, env={**os.environ, "MPLBACKEND": "Agg"})
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
    # the astrocyte acted: its depression rate moved off its resting value during the phase
    assert res["liquids"]["astrocyte"]["a_final"] != pytest.approx(0.0, abs=1e-9)


def test_exit_status_and_plot(result):
    r, res, out = result
    assert r.returncode == 0
    assert (out / "nalsm.png").stat().st_size > 10000


@pytest.mark.parametrize("args, message", [
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
