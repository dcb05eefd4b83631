"""stdp_nalsm and the NALSM astrocyte through Python and model files. Oracles: the
rule's closed form for one pair; the astrocyte's Euler recursion recomputed from the
recorded spikes; errors that name the projection and key."""
import numpy as np
import pytest

import hebb


def pair(t_pre, t_post, **rule):
    net = hebb.Network(dt=1.0)
    net.population("pre", "spike_source", 1, spike_times=[[t_pre]])
    net.population("drv", "spike_source", 1, spike_times=[[t_post - 1.0]])
    post = net.population("post", "lif_curr_delta", 1)
    syn = net.connect("pre", post, rule="one_to_one", weight=1.0, delay=1.0,
                      plasticity=dict(rule="stdp_nalsm", **rule))
    net.connect("drv", post, rule="one_to_one", weight=100.0, delay=1.0)
    net.run(t_post + 50.0)
    return float(syn.weights[0])


def test_pair_changes_follow_the_trace():
    k = np.exp(-1.0 / 10.0)
    assert pair(20.0, 23.0) - 1.0 == pytest.approx(0.15 * 0.1 * k ** 4, abs=1e-6)
    assert pair(23.0, 20.0, a_minus=0.4) - 1.0 == pytest.approx(-0.4 * 0.1 * k ** 4, abs=1e-6)


def test_rule_is_listed():
    r = {x["name"]: x for x in hebb.rules()}["stdp_nalsm"]
    assert set(r["refs"]) == {"astrocyte", "liquid", "input"}


MODEL = """
[simulation]
dt = 1.0
duration = 200.0
seed = 4

[populations.liquid]
model = "poisson"
size = 40
params = { rate = 50.0 }

[populations.input]
model = "poisson"
size = 30
params = { rate = 20.0 }

[populations.out]
model = "lif_curr_delta"
size = 10

[[projections]]
name = "lo"
from = "liquid"
to = "out"
connect = { rule = "fixed_probability", p = 0.2 }
synapse = { weight = 1.0, delay = 1.0 }
plasticity = { rule = "stdp_nalsm", astrocyte = "astro" }

[[projections]]
name = "io"
from = "input"
to = "out"
connect = { rule = "fixed_probability", p = 0.2 }
synapse = { weight = 1.0, delay = 1.0 }
plasticity = { rule = "stdp_nalsm", astrocyte = "astro", liquid = "liquid", input = "input", w_a = 0.01, tau_a = 20.0, bias = 0.05, w_min = -3.0 }
"""


def test_astrocyte_from_a_model_file_follows_its_recursion():
    net = hebb.loads(MODEL)
    sl, si = net.record_spikes("liquid"), net.record_spikes("input")
    a = []
    for _ in range(200):
        net.run(1.0)
        a.append(net.modulator("astro"))
    nl = np.bincount(np.round(sl.times).astype(int) - 1, minlength=200)
    ni = np.bincount(np.round(si.times).astype(int) - 1, minlength=200)
    x, expect = 0.05, []
    for s in range(200):
        x += (1.0 / 20.0) * (0.05 - x) + (0.01 / 20.0) * (nl[s] - ni[s])
        expect.append(x)
    np.testing.assert_allclose(a, expect, atol=1e-12)
    # 40 x 50 Hz - 30 x 20 Hz = 1.4 spikes/ms more in the liquid: A -> 0.05 + 0.01 * 1.4
    assert np.mean(a[100:]) == pytest.approx(0.064, abs=0.01)


def test_missing_astrocyte_names_projection_and_key():
    net = hebb.Network(dt=1.0)
    net.population("a", "poisson", 5, rate=10.0)
    b = net.population("b", "lif_curr_delta", 5)
    net.connect("a", b, weight=1.0, delay=1.0, name="ab", plasticity={"rule": "stdp_nalsm", "astrocyte": "astro"})
    with pytest.raises(ValueError, match=r"(?s)'ab'.*astrocyte|astrocyte.*'ab'"):
        net.run(2.0)
    with pytest.raises(ValueError, match="w_min"):
        net.set_plasticity("ab", "stdp_nalsm", w_min=2.0, w_max=1.0)
    with pytest.raises(ValueError, match="nope"):
        net2 = hebb.Network(dt=1.0)
        net2.population("a", "poisson", 5, rate=10.0)
        net2.population("b", "lif_curr_delta", 5)
        net2.connect("a", "b", weight=1.0, delay=1.0,
                     plasticity={"rule": "stdp_nalsm", "astrocyte": "x", "liquid": "nope", "input": "a"})
        net2.run(2.0)
