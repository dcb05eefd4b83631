"""The Python API of the spiking engine: it builds the same networks as the CLI,
returns numpy arrays, and turns every bad input into a ValueError naming the key."""
import os
import subprocess

import numpy as np
import pytest

import hebb

ROOT = os.environ.get("HEBB_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
HEBB = os.environ.get("HEBB_BIN", os.path.join(ROOT, "build", "release", "hebb"))
COBA = os.path.join(ROOT, "examples", "coba.toml")


def test_design_example_runs_and_returns_numpy():
    net = hebb.Network(dt=0.1, seed=1)
    exc = net.population("exc", "lif_cond_exp", 3200, tau_m=20.0)
    exc.set("v", np.random.default_rng(0).uniform(-60, -50, 3200))
    net.connect(exc, exc, rule="fixed_probability", p=0.02, weight=0.6, delay=0.1, receptor="exc")
    net.current_input(exc, amplitude=300.0)
    spikes = net.record_spikes(exc)
    net.run(200.0)
    assert isinstance(spikes.times, np.ndarray) and isinstance(spikes.senders, np.ndarray)
    assert len(spikes.times) == len(spikes.senders) > 0
    assert spikes.times.min() > 0 and spikes.times.max() <= 200.0
    assert spikes.senders.max() < 3200
    assert net.time == pytest.approx(200.0)


def test_load_builds_the_same_network_as_hebb_run(tmp_path):
    out = tmp_path / "coba.h5"
    subprocess.run([HEBB, "run", COBA, "--out", str(out), "--duration", "200", "-q"], check=True)
    import h5py

    with h5py.File(out) as f:
        cli_t = np.asarray(f["spikes/exc/times"])
        cli_s = np.asarray(f["spikes/exc/senders"])
    net = hebb.load(COBA)
    net.run(200.0)
    rec = net.records()[("spikes", "exc")]
    assert len(cli_t) > 1000
    np.testing.assert_array_equal(rec.times, cli_t)
    np.testing.assert_array_equal(rec.senders, cli_s)
    # and an override changes the result (the comparison is not vacuous)
    other = hebb.load(COBA, simulation__seed=2)
    other.run(200.0)
    assert not np.array_equal(other.records()[("spikes", "exc")].senders[:1000], cli_s[:1000])


def test_state_record_and_rate_record():
    net = hebb.Network(dt=0.1)
    n = net.population("n", "lif_curr_exp", 3, i_offset=100.0)
    st = net.record_state(n, ["v", "i_exc"], [0, 2], every=1.0)
    rt = net.record_rate(n, bin=10.0)
    net.run(50.0)
    assert st["v"].shape == (50, 2)
    np.testing.assert_allclose(st.times, np.arange(1, 51) * 1.0)
    # v rises toward v_rest + I tau/C = -65 + 8 mV from -65
    v = st["v"][:, 0]
    assert np.all(np.diff(v) > 0) and v[-1] < -57
    assert rt.rate.shape == (5,)


def test_projection_arrays_roundtrip_explicit_lists():
    net = hebb.Network(dt=0.1)
    a = net.population("a", "spike_source", 3, spike_times=[[1.0], [2.0], []])
    b = net.population("b", "lif_curr_exp", 4)
    pr = net.connect(a, b, rule="explicit", sources=[2, 0, 1], targets=[3, 1, 0], weight=[5.0, 6.0, 7.0],
                     delay=[0.5, 1.0, 2.0])
    src, tgt, w, d = pr.arrays()
    order = np.lexsort((tgt, src))
    np.testing.assert_array_equal(src, [0, 1, 2])
    np.testing.assert_array_equal(tgt, [1, 0, 3])
    np.testing.assert_allclose(w, [6.0, 7.0, 5.0])
    np.testing.assert_allclose(d, [1.0, 2.0, 0.5])
    assert order.tolist() == [0, 1, 2]


def test_models_are_listed_with_parameters_units_and_docs():
    ms = {m["name"]: m for m in hebb.models()}
    for name in ["lif_curr_exp", "lif_cond_exp", "lif_curr_delta", "izhikevich", "adex", "poisson", "spike_source"]:
        assert name in ms and ms[name]["doc"]
    p = {x["name"]: x for x in ms["lif_cond_exp"]["params"]}
    assert p["tau_m"]["unit"] == "ms" and p["tau_m"]["default"] == 20.0
    assert ms["izhikevich"]["presets"] == ["RS", "IB", "CH", "FS", "LTS"]


@pytest.mark.parametrize(
    "build, needle",
    [
        (lambda n: n.population("x", "lif_cond_ex", 3), "did you mean 'lif_cond_exp'"),
        (lambda n: n.population("x", "lif_cond_exp", 3, tau_mm=1.0), "did you mean 'tau_m'"),
        (lambda n: n.population("x", "lif_cond_exp", -3), "size = -3"),
        (lambda n: n.connect("a", "a", rule="fixed_probability", p=1.2), "connect.p = 1.2"),
        (lambda n: n.connect("a", "a", delay=0.01), "below one step"),
        (lambda n: n.connect("a", "a", delay=1e5), "above the maximum"),
        (lambda n: n.connect("a", "zz"), "unknown population 'zz'"),
        (lambda n: n.connect("a", "a", weight=-1.0), "must be >= 0"),
        (lambda n: n.connect("a", "a", receptor="gaba"), "receptor 'gaba'"),
        (lambda n: n.record_state("a", ["vm"], [0]), "did you mean 'v'"),
    ],
)
def test_bad_input_raises_value_error_naming_the_key(build, needle):
    net = hebb.Network()
    net.population("a", "lif_cond_exp", 10)
    with pytest.raises(ValueError, match=None) as e:
        build(net)
    assert needle in str(e.value)


def test_bad_model_files_name_file_line_and_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[simulation]\ndt = 0.1\n[populations.a]\nmodel = \"lif_cond_exp\"\nsize = = 3\n")
    with pytest.raises(ValueError) as e:
        hebb.load(bad)
    assert f"{bad}:5" in str(e.value)
    bad.write_text("[populations.a]\nmodel = \"lif_cond_exp\"\nsize = 3\nparams = { tau_n = 3.0 }\n")
    with pytest.raises(ValueError) as e:
        hebb.load(bad)
    assert "did you mean 'tau_m'" in str(e.value)
    with pytest.raises(ValueError, match="cannot open model file"):
        hebb.load(tmp_path / "missing.toml")


def test_save_writes_results_file_readable_by_info(tmp_path):
    net = hebb.load(COBA)
    net.run(100.0)
    out = tmp_path / "r.h5"
    net.save(out, weights=["ee"])
    s = hebb.info(out)
    assert s["complete"] and s["t_end"] == pytest.approx(100.0)
    assert s["populations"]["exc"]["size"] == 3200 and s["populations"]["exc"]["spikes"] > 0
    import h5py

    with h5py.File(out) as f:
        assert len(f["weights/ee/weights"]) == net["ee"].size
    with pytest.raises(ValueError, match="does not exist"):
        net.save(tmp_path / "no" / "such" / "dir.h5")


def test_poisson_source_rates_set_between_runs_keep_their_rate():
    # regression: a redraw after a rate change reused the previous random number, so
    # neurons whose wait was long never fired again (38 spikes where 400 were due)
    net = hebb.Network(dt=0.1, seed=5)
    src = net.population("src", "poisson", 200, rate=1.0)
    rec = net.record_spikes(src)
    for _ in range(20):
        src.set("rate", np.full(200, 10.0))
        net.run(10.0)
    n = len(rec.times)  # 200 neurons x 10 Hz x 0.2 s = 400 expected
    assert abs(n - 400) < 5 * np.sqrt(400), n


def _hook_net():
    """A plastic network whose learning depends on a modulator that hooks set."""
    net = hebb.Network(dt=0.1, seed=4)
    net.population("in", "poisson", 200, rate=20.0)
    out = net.population("out", "lif_cond_exp", 50)
    net.modulator("da", 0.0)
    syn = net.connect("in", out, rule="fixed_probability", p=0.2, weight=2.0, delay=1.0,
                      plasticity={"rule": "stdp_dopamine", "modulator": "da", "w_max": 4.0, "tau_d": 0.0})
    net.connect(out, out, rule="fixed_probability", p=0.1, weight=0.5, delay=1.5)
    return net, net.record_spikes(out), syn


def _reward(net):
    """A reward proportional to the output spikes of the last 5 ms (reads state, sets a modulator)."""
    n = np.sum(net.records()[("spikes", "out")].times > net.time - 5.0)
    net.modulator("da", 0.01 * n)


def test_step_hooks_equal_the_chunked_run():
    """Oracle: the same network run in 5 ms chunks with the hook called between
    them by hand. Hooks must give identical spikes and weights, be called at the
    right times, and change the run (the modulator drives learning)."""
    a, sa, wa = _hook_net()
    calls = []
    done = a.run(200.0, hooks=(5.0, lambda net: (calls.append(net.time), _reward(net))))
    assert done
    assert calls == pytest.approx(np.arange(5.0, 200.01, 5.0))

    b, sb, wb = _hook_net()
    for _ in range(40):
        b.run(5.0)
        _reward(b)
    assert np.array_equal(sa.times, sb.times) and np.array_equal(sa.senders, sb.senders)
    assert np.array_equal(wa.weights, wb.weights)

    c, sc, wc = _hook_net()   # no hooks: no reward, so weights stay where they started
    c.run(200.0)
    assert np.all(wc.weights == 2.0)
    assert np.any(wa.weights != 2.0)


def test_step_hooks_intervals_stop_and_errors():
    net, _, _ = _hook_net()
    seen = {"fast": [], "slow": []}
    net.run(10.0, hooks=[(1.0, lambda n: seen["fast"].append(round(n.time, 6))),
                         (2.5, lambda n: seen["slow"].append(round(n.time, 6)))])
    assert seen["fast"] == [float(t) for t in range(1, 11)]
    assert seen["slow"] == [2.5, 5.0, 7.5, 10.0]
    # hook times count from the start of each run; False stops the run there
    assert net.run(10.0, hooks=(0.5, lambda n: n.time < 13.0)) is False
    assert net.time == pytest.approx(13.0)
    with pytest.raises(ValueError, match="every = 0.25 ms"):
        net.run(1.0, hooks=(0.25, lambda n: None))
    with pytest.raises(ValueError, match="not \\(every"):
        net.run(1.0, hooks=[lambda n: None])
