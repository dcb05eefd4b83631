"""Quick version of models/onehot_hmm_glm (SYSTEMS.md section 12): the script's own
checks (state accuracy >= 0.9, connection-type accuracy >= 0.85, held-out LL of the
one-hot fit >= the plain HMM-GLM, forward-backward = enumeration) decide its exit code;
here we also read its table."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_onehot_hmm_glm_quick(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "models/onehot_hmm_glm/reproduce.py"), "--quick",
                        "--out", str(tmp_path)], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "MPLBACKEND": "Agg"})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "checks: PASS" in r.stdout
    row = next(l for l in r.stdout.splitlines() if l.strip().startswith("1 "))
    f = row.replace("|", " ").split()
    assert f[1] == "True" and float(f[2]) >= 0.9 and float(f[3]) >= 0.85 and float(f[4]) >= float(f[7])
    assert (tmp_path / "onehot_hmm_glm.png").stat().st_size > 10_000
