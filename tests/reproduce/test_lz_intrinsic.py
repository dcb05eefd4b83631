"""Quick version of models/lz_intrinsic (SYSTEMS.md 2): learned-intrinsic LIF accuracy >= fixed-parameter
LIF accuracy on Poisson rate classes, mean over 5 seeds; the size/lr-tuned fixed baseline ran for every seed
and learned above chance (4 balanced classes: 25 %)."""


def test_lz_intrinsic_quick(tmp_path, load):
    r = load("lz_intrinsic").run(quick=True, out=str(tmp_path))
    for name, value, op, thr in r["checks"]:
        assert (value >= thr if op == ">=" else value <= thr), f"{name}: {value} (required {op} {thr})"
    assert len(r["tuned"]) == 5
    for acc, size, lr in r["tuned"]:
        assert size in (32, 64) and lr in (5e-3, 1e-2)
        assert acc > 0.3, f"tuned fixed baseline at chance: {acc}"
    assert (tmp_path / "lz_intrinsic.png").exists()
