"""Quick version of models/hlop (SYSTEMS.md 9): planted subspace, BWT of HLOP and
baseline, ACC within 3 pp of multitask (permuted Fashion-MNIST)."""
import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load(system):
    spec = importlib.util.spec_from_file_location(f"reproduce_{system}", ROOT / "models" / system / "reproduce.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_hlop_quick(tmp_path):
    r = load("hlop").run(quick=True, out=str(tmp_path))
    for name, value, op, thr in r["checks"]:
        assert (value >= thr if op == ">=" else value <= thr), f"{name}: {value} (required {op} {thr})"
    assert (tmp_path / "hlop.png").exists()
