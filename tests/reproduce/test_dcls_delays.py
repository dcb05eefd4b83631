"""Quick version of models/dcls_delays (SYSTEMS.md 6b): learned delays >= 95%, no
delays <= 60%, planted delays recovered within +-1 step for >= 90% of synapses."""


def test_dcls_delays_quick(tmp_path, load):
    r = load("dcls_delays").run(quick=True, out=str(tmp_path))
    for name, value, op, thr in r["checks"]:
        assert (value >= thr if op == ">=" else value <= thr), f"{name}: {value} (required {op} {thr})"
    assert (tmp_path / "dcls_delays.png").exists()
    assert "[[projections]]" in (tmp_path / "dcls_delays_export.toml").read_text()
