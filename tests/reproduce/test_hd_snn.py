"""Quick version of models/hd_snn (SYSTEMS.md 6a): 24-class drifting-texture motion
(8 directions x 3 speeds, DVS-like events) with per-class delay kernels.

Oracle: the SYSTEMS.md 6a thresholds, unchanged: test accuracy >= 80 % (chance 1/24)
and pruning to 1/31 of the kernel weights (global magnitude pruning, no retraining)
costs <= 5 pp. Quick run (seed 0): 83.9 % and -1.0 pp, about 15 s."""


def test_hd_snn_quick(tmp_path, load):
    r = load("hd_snn").run(quick=True, out=str(tmp_path))
    assert (tmp_path / "hd_snn.png").exists()
    assert r["ok"]
    for name, value, op, thr in r["checks"]:
        assert (value >= thr if op == ">=" else value <= thr), f"{name}: {value} (required {op} {thr})"
    row = r["rows"][0]
    # the 1/31 net really has ~1/31 of the in-mask weights active
    full_n, pruned_n = row["curve"][0][1], [n for f, n, a in row["curve"] if abs(f - 1 / 31) < 1e-12][0]
    assert abs(pruned_n / full_n - 1 / 31) < 0.002


def test_hd_snn_seeds_option_refuses_bad_values():
    import os
    import subprocess
    from pathlib import Path
    root = Path(os.environ.get("HEBB_SOURCE_DIR", Path(__file__).resolve().parents[2]))
    for bad, message in (("3,x", "expected comma-separated integers"), ("-1", "non-negative")):
        r = subprocess.run(["/usr/bin/python3", str(root / "models/hd_snn/reproduce.py"), "--seeds", bad],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 2 and message in r.stderr, (bad, r.stderr)
