"""Quick version of models/functional_connectome (SYSTEMS.md section 10): NTF factor
match score >= 0.95 with 10 % noise, weighted-SBM NMI >= 0.9 on planted graphs, and
end-to-end module recovery NMI >= 0.8 decide the script's exit code; here we also read
its table. The real-data part is tested in test_functional_connectome_real.py."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_functional_connectome_quick(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "models/functional_connectome/reproduce.py"), "--quick",
                        "--out", str(tmp_path)], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "MPLBACKEND": "Agg"})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "checks: PASS" in r.stdout
    synthetic = r.stdout.split("synthetic checks:")[0]  # the real-data tables follow it
    assert "synthetic checks: PASS" in r.stdout
    rows = [l.split() for l in synthetic.splitlines() if l.split() and l.split()[0] in ("1", "2")]
    assert len(rows) == 2
    for f in rows:
        assert float(f[1]) >= 0.95 and float(f[3]) >= 0.9 and float(f[4]) >= 0.8
    assert (tmp_path / "functional_connectome.png").stat().st_size > 10_000
