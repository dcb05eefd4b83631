"""Izhikevich (2007), Cereb. Cortex 17:2443, Fig. 1: the distal reward problem, from Python.

1000 Izhikevich neurons (800 RS, 200 FS), 100 synapses each, 1 ms delays, random
20-unit input at 1 Hz per neuron; dopamine-modulated STDP (stdp_dopamine with
Izhikevich's values) on the excitatory synapses. One excitatory synapse n1 -> n2
starts at 0; every time n2 fires within 20 ms after n1, a reward (dopamine 0.5)
follows after a random 1-3 s. The rewarded synapse grows to the maximum (4) while
the others do not.

The run is chunked: after each chunk of `--chunk` ms, the recorded spikes of n1 and n2
are scanned for pairings and each reward is put on the dopamine modulator's schedule
(net.modulator(..., times=, values=)) at its future time, so it arrives at the exact
step. With the paper's eta = 0.1 /ms the synapse needs about 3000 s to reach 4; the
default is a short run with eta tripled.

    PYTHONPATH=build/release/python /usr/bin/python3 examples/plasticity/izhikevich2007.py [--seconds 300] [--eta 0.3] [--out izhikevich2007.png]
"""
import argparse

import numpy as np

import hebb


def build(seed, eta):
    net = hebb.Network(dt=1.0, seed=seed)
    exc = net.population("exc", "izhikevich", 800, preset="RS")
    inh = net.population("inh", "izhikevich", 200, preset="FS")
    da = {"rule": "stdp_dopamine", "modulator": "dopamine", "tonic": 0.002, "w_max": 4.0, "eta": eta}
    net.modulator("dopamine", 0.0)
    ee = net.connect(exc, exc, rule="fixed_outdegree", n=80, autapses=False, weight=1.0, delay=1.0, name="ee",
                     plasticity=da)
    net.connect(exc, inh, rule="fixed_outdegree", n=20, autapses=False, weight=1.0, delay=1.0, name="ei",
                plasticity=da)
    net.connect(inh, exc, rule="fixed_outdegree", n=100, autapses=False, weight=-1.0, delay=1.0, receptor="inh",
                name="ie")
    net.poisson_input(exc, 1.0, 20.0)
    net.poisson_input(inh, 1.0, 20.0)
    return net, ee


def run(seconds=300.0, eta=0.3, seed=1, chunk=1000.0):
    """Returns (times [s], rewarded weight, mean of the other E->E weights, rewards)."""
    net, ee = build(seed, eta)
    src, tgt, w, _ = ee.arrays()
    k_syn = int(np.flatnonzero(src == 0)[0])   # the first synapse of n1 = 0
    n1, n2 = 0, int(tgt[k_syn])
    w[k_syn] = 0.0
    ee.weights = w
    spikes = net.record_spikes("exc")
    rng = np.random.default_rng(seed)
    last_n1, seen, rewards = -1e9, 0, 0
    times, w_rew, w_rest = [], [], []
    assert chunk <= 1000.0, "rewards come at least 1 s after their pairing: chunks must not be longer"
    while net.time < seconds * 1000.0 - 1e-9:
        net.run(chunk)
        t, s = spikes.times[seen:], spikes.senders[seen:]
        seen += len(t)
        for ti, si in zip(t, s):            # in time order; n1 before n2 in the same step counts as before
            if si == n2 and 0 < ti - last_n1 <= 20.0:
                at = ti + float(np.round(1000.0 + 2000.0 * rng.random()))
                net.modulator("dopamine", times=[at, at + 1.0], values=[0.5, 0.0])
                rewards += 1
                last_n1 = -1e9                # one reward per n1 spike
            if si == n1:
                last_n1 = ti
        wn = ee.weights
        times.append(net.time / 1000.0)
        w_rew.append(float(wn[k_syn]))
        w_rest.append(float((wn.sum() - wn[k_syn]) / (len(wn) - 1)))
    return np.array(times), np.array(w_rew), np.array(w_rest), rewards


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=300.0)
    ap.add_argument("--eta", type=float, default=0.3, help="learning rate [1/ms] (paper: 0.1)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="izhikevich2007.png")
    args = ap.parse_args()
    t, w_rew, w_rest, rewards = run(args.seconds, args.eta, args.seed)
    print(f"{args.seconds:.0f} s, eta {args.eta}: rewarded synapse {w_rew[-1]:.3f} (peak {w_rew.max():.3f}), "
          f"mean of the others {w_rest[-1]:.3f} (initial 1), rewards {rewards}")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.plot(t, w_rew, label="rewarded synapse n1 -> n2")
    ax.plot(t, w_rest, label="mean of the other E->E synapses")
    ax.axhline(4.0, ls=":", color="k")
    ax.set(xlabel="time [s]", ylabel="weight", title=f"distal reward (eta = {args.eta} /ms)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)


if __name__ == "__main__":
    main()
