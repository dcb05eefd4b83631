"""Quick version of models/elm_neuron (SYSTEMS.md 14): parameter-count formula exact,
memory decay kappa_m^t with the MLP zeroed, ELM reaches MSE < 0.05 on the adding problem
(T = 200, 300 steps). The delayed-recall comparison with LIF/ALIF runs at full size only."""


def test_elm_neuron_quick(tmp_path, load):
    r = load("elm_neuron").run(quick=True, out=str(tmp_path))
    for name, value, op, thr in r["checks"]:
        assert (value >= thr if op == ">=" else value <= thr), f"{name}: {value} (required {op} {thr})"
    assert (tmp_path / "elm_neuron.png").exists()
