"""Quick version of models/topological_rsa (SYSTEMS.md section 11): unit properties and
RGTM accuracy >= RDM - 5 pp at every noise level decide the script's exit code; here we
also read its table (accuracies well above chance without noise)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_topological_rsa_quick(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "models/topological_rsa/reproduce.py"), "--quick",
                        "--out", str(tmp_path)], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "MPLBACKEND": "Agg"})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "checks: PASS" in r.stdout
    synthetic = r.stdout.split("unit checks")[0]  # the real-data tables follow; test_topological_rsa_real.py
    rows = [l.split() for l in synthetic.splitlines() if l.strip() and l.split()[0].replace(".", "").isdigit()]
    assert len(rows) == 6
    for f in rows:
        assert float(f[3]) >= float(f[1]) - 0.05  # RGTM vs RDM
    assert float(rows[0][1]) > 0.9 and float(rows[0][3]) > 0.9  # noise-free: layers identifiable
    assert (tmp_path / "topological_rsa.png").stat().st_size > 10_000
    if "real-data part skipped" not in r.stdout:
        assert "real-data checks (" in r.stdout and (tmp_path / "topological_rsa_real.png").stat().st_size > 10_000
