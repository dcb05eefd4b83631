"""Quick version of models/lz_intrinsic (SYSTEMS.md 2): learned-intrinsic LIF accuracy >= fixed-parameter
LIF accuracy on Poisson rate classes, mean over 5 seeds."""
import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load(system):
    spec = importlib.util.spec_from_file_location(f"reproduce_{system}", ROOT / "models" / system / "reproduce.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_lz_intrinsic_quick(tmp_path):
    r = load("lz_intrinsic").run(quick=True, out=str(tmp_path))
    for name, value, op, thr in r["checks"]:
        assert (value >= thr if op == ">=" else value <= thr), f"{name}: {value} (required {op} {thr})"
    assert (tmp_path / "lz_intrinsic.png").exists()
