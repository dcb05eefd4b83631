"""Quick version of models/lz_complexity (SYSTEMS.md section 2): the script's own
checks decide the exit code; here we also read its table."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_lz_complexity_quick(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "models/lz_complexity/reproduce.py"), "--quick",
                        "--out", str(tmp_path)], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "MPLBACKEND": "Agg"})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "checks: PASS" in r.stdout
    assert (tmp_path / "lz_complexity.png").stat().st_size > 10_000
