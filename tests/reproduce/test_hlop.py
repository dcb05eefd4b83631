"""Quick version of models/hlop (SYSTEMS.md 9): planted subspace, BWT of HLOP and
baseline, ACC within 3 pp of multitask (permuted Fashion-MNIST)."""


def test_hlop_quick(tmp_path, load):
    r = load("hlop").run(quick=True, out=str(tmp_path))
    for name, value, op, thr in r["checks"]:
        assert (value >= thr if op == ">=" else value <= thr), f"{name}: {value} (required {op} {thr})"
    assert (tmp_path / "hlop.png").exists()
