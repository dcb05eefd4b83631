"""Quick reproduction of models/modern_hopfield (SYSTEMS.md): runs reproduce.py --quick and
asserts every acceptance check it reports, the exit code and the plot."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(os.environ.get("HEBB_SOURCE_DIR", Path(__file__).resolve().parents[2]))


def test_modern_hopfield_quick(tmp_path):
    r = subprocess.run(["/usr/bin/python3", str(ROOT / "models/modern_hopfield/reproduce.py"), "--quick",
                        "--out", str(tmp_path)], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "MPLBACKEND": "Agg"})
    sys.stdout.write(r.stdout)
    res = json.loads((tmp_path / "modern_hopfield.json").read_text())
    failed = [k for k, v in res["checks"].items() if not v]
    assert not failed, failed
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "modern_hopfield.png").stat().st_size > 10000
