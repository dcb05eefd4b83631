"""Quick reproduction of models/active_dendrites (SYSTEMS.md): runs reproduce.py --quick and
asserts every acceptance check it reports, the exit code and the plot."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(os.environ.get("HEBB_SOURCE_DIR", Path(__file__).resolve().parents[2]))


def test_active_dendrites_quick(tmp_path):
    r = subprocess.run(["/usr/bin/python3", str(ROOT / "models/active_dendrites/reproduce.py"), "--quick",
                        "--out", str(tmp_path)], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "MPLBACKEND": "Agg"})
    sys.stdout.write(r.stdout)
    res = json.loads((tmp_path / "active_dendrites.json").read_text())
    failed = [k for k, v in res["checks"].items() if not v]
    assert not failed, failed
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "active_dendrites.png").stat().st_size > 10000
