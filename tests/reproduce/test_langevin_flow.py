"""Quick version of models/langevin_flow (SYSTEMS.md 13): one seed, 200 Lorenz trials,
40 epochs. Asserts the script's checks (bps(null) = 0, bps(true) > 0, model bps and
co-smoothing bps >= 0.9 x those of the true rates on held-out trials, equipartition of
the Langevin layer within 5 %), that the model beats nlb_tools' smoothing baseline on
co-smoothing, and that training is bit-identical when repeated (one thread)."""

import torch


def test_langevin_flow_quick(tmp_path, load):
    r = load("langevin_flow").run(quick=True, out=str(tmp_path), log=lambda *a: None)
    for name, value, op, thr in r["checks"]:
        assert (value >= thr if op == ">=" else value <= thr), f"{name}: {value} (required {op} {thr})"
    res = r["results"][0]
    assert res["co_model"] > res["co_smoothing"], (res["co_model"], res["co_smoothing"])
    assert (tmp_path / "langevin_flow.png").stat().st_size > 10_000


def test_langevin_flow_training_is_deterministic(load):
    mod = load("langevin_flow")  # puts models/langevin_flow on sys.path for model.py
    from model import LangevinFlowVAE, train
    import hebb.analysis as A
    torch.set_num_threads(1)
    d = A.make_lorenz_data(n_trials=24, trial_length=20, n_neurons=10, seed=5)
    x = mod.time_major(d["counts"])

    def fit(seed):
        m = LangevinFlowVAE(10, 10, 20, latent=4, hidden=16, d_model=16, heads=2, ff=16, seed=seed)
        curve = train(m, x, x, epochs=2, batch=8, seed=seed)
        return curve, m.state_dict()

    c1, s1 = fit(0)
    c2, s2 = fit(0)
    c3, _ = fit(1)
    assert c1 == c2
    assert all(torch.equal(s1[k], s2[k]) for k in s1)
    assert c1 != c3  # another seed trains differently: the check is not vacuous
