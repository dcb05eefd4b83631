"""Quick version of models/homeostatic_shift (SYSTEMS.md 15). Expected to fail: the measured
result misses the acceptance checks (see models/homeostatic_shift/README.md)."""
import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load(system):
    spec = importlib.util.spec_from_file_location(f"reproduce_{system}", ROOT / "models" / system / "reproduce.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.xfail(strict=False, reason="measured: the homeostatic learner beats the best constant "
                   "learning rate at S = 200 and 1000 but not at S = 50 (-0.7 pp), and its state "
                   "leaves the viable band in up to 19% of items at S = 50; README has the table")
def test_homeostatic_shift_quick(tmp_path):
    r = load("homeostatic_shift").run(quick=True, out=str(tmp_path))
    for name, value, op, thr in r["checks"]:
        assert (value >= thr if op == ">=" else value > thr), f"{name}: {value} (required {op} {thr})"
    assert (tmp_path / "homeostatic_shift.png").exists()
