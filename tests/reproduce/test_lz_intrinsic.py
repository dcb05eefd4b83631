"""Quick version of models/lz_intrinsic (SYSTEMS.md 2): learned-intrinsic LIF accuracy >= fixed-parameter
LIF accuracy on Poisson rate classes, mean over 5 seeds."""


def test_lz_intrinsic_quick(tmp_path, load):
    r = load("lz_intrinsic").run(quick=True, out=str(tmp_path))
    for name, value, op, thr in r["checks"]:
        assert (value >= thr if op == ">=" else value <= thr), f"{name}: {value} (required {op} {thr})"
    assert (tmp_path / "lz_intrinsic.png").exists()
