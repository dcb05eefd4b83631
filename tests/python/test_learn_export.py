"""A DCLS layer with trained (rounded) delays, exported to the spiking engine, gives
the same spikes in `sim` as the layer's forward pass followed by the fused LIF.

Oracle: the learn LIF with no synaptic filter and reset to zero,
u_t = beta v_{t-1} + I_t, spike when u_t >= theta, is the recursion of the
engine's lif_curr_delta (v jumps by the arriving weights, exact decay beta =
exp(-dt/tau_m), reset to v_reset = 0, no refractory period). The export adds one
step to every delay (the engine's smallest delay), and the engine stamps a spike
with the end of its step, so engine time = (learn index + 2) * dt."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

import hebb  # noqa: E402
import hebb.learn as hl  # noqa: E402


def test_exported_delays_give_the_same_spikes_in_sim():
    T, n_in, n_out, K, dt = 300, 40, 8, 30, 1.0
    g = torch.Generator().manual_seed(3)
    pos = torch.randint(0, K, (n_out, n_in), generator=g).double()
    layer = hl.DelayLinear(n_in, n_out, kernel_size=K, dt=dt, init_delays=pos, weight_scale=0.6, seed=4,
                           dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(layer.weight.float().double())  # the engine stores float32 weights
    layer.round_positions()
    x = (torch.rand(T, 1, n_in, generator=g) < 0.05).double()
    lif = hl.LIF(n_out, n_out, dt=dt, tau_mem=10.0, threshold=1.0, reset="zero", v_reset=0.0,
                 dtype=torch.float64)
    with torch.no_grad():
        spikes = lif.dynamics(layer(x))[:, 0, :].numpy()
    learn_t, learn_i = np.nonzero(spikes)
    assert len(learn_t) > 20, "the layer must spike for the comparison to mean anything"

    exported = layer.export(source="input", target="hidden")
    net = hebb.Network(dt=dt, seed=1)
    times = [list((np.nonzero(x[:, 0, j].numpy())[0] + 1) * dt) for j in range(n_in)]
    net.population("input", "spike_source", n_in, spike_times=times)
    net.population("hidden", "lif_curr_delta", n_out, tau_m=10.0, v_rest=0.0, v_reset=0.0, v_thresh=1.0,
                   tau_refrac=0.0)
    net.connect("input", "hidden", rule="explicit", sources=exported["sources"], targets=exported["targets"],
                weight=np.asarray(exported["weights"], dtype=float), delay=np.asarray(exported["delays_ms"]))
    rec = net.record_spikes("hidden")
    net.run((T + 5) * dt)
    sim_index = np.rint(rec.times / dt).astype(int) - 2
    keep = sim_index < T
    got = sorted(zip(sim_index[keep].tolist(), rec.senders[keep].tolist()))
    want = sorted(zip(learn_t.tolist(), learn_i.tolist()))
    assert got == want

    # the model-file fragment builds the same projection through hebb.loads
    text = (f"[simulation]\ndt = {dt}\n[populations.input]\nmodel = \"spike_source\"\nsize = {n_in}\n"
            f"spike_times = {times}\n[populations.hidden]\nmodel = \"lif_curr_delta\"\nsize = {n_out}\n"
            "params = { tau_m = 10.0, v_rest = 0.0, v_reset = 0.0, v_thresh = 1.0, tau_refrac = 0.0 }\n"
            + exported["toml"] + "\n[[record]]\ntype = \"spikes\"\npopulation = \"hidden\"\n")
    net2 = hebb.loads(text)
    net2.run((T + 5) * dt)
    r2 = net2.records()[("spikes", "hidden")]
    np.testing.assert_array_equal(r2.times, rec.times)
    np.testing.assert_array_equal(r2.senders, rec.senders)
