"""Quick version of models/nlb_metrics (SYSTEMS.md section 13): the script's own
checks decide the exit code; here we also read its table."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_nlb_metrics_quick(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "models/nlb_metrics/reproduce.py"), "--quick",
                        "--out", str(tmp_path)], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "MPLBACKEND": "Agg"})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "checks: PASS" in r.stdout
    assert (tmp_path / "nlb_metrics.png").stat().st_size > 10_000
