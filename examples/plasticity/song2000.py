"""Song, Miller & Abbott (2000), Nat. Neurosci. 3:919, Fig. 2: additive pair STDP on
1000 excitatory Poisson inputs to one conductance-based LIF neuron drives the
weights to a bimodal distribution (near 0 and near g_max), and the output rate is
regulated: it depends little on the input rate once the weights have settled.

    PYTHONPATH=build/release/python /usr/bin/python3 examples/plasticity/song2000.py [--seconds 300] [--out song2000.png]

Neuron (their Methods): tau_m = 20 ms, E_leak = -70 mV, threshold -54 mV, reset
-60 mV, E_exc = 0 mV, E_inh = -70 mV, tau_syn = 5 ms; 1000 excitatory inputs with
g_max = 0.015 g_leak and 200 inhibitory inputs at 10 Hz with 0.05 g_leak (fixed).
STDP: tau_plus = tau_minus = 20 ms, a_plus = 0.005 g_max, a_minus / a_plus = 1.05,
weights in [0, g_max], starting at g_max. (c_m = 200 pF, so g_leak = 10 nS.)
"""
import argparse

import numpy as np

import hebb

G_LEAK = 10.0            # [nS] = c_m / tau_m = 200 pF / 20 ms
G_MAX = 0.015 * G_LEAK   # [nS]


def run(rate_hz=10.0, seconds=300.0, seed=1, a_plus=0.005, n_inputs=1000):
    """Returns (final weights / g_max, output rate over the first 10 s [Hz], over the last 20 s [Hz])."""
    net = hebb.Network(dt=0.1, seed=seed)
    inp = net.population("inputs", "poisson", n_inputs, rate=rate_hz)
    inh = net.population("inhibitory", "poisson", 200, rate=10.0)
    post = net.population("post", "lif_cond_exp", 1, c_m=200.0, tau_m=20.0, e_leak=-70.0, v_reset=-60.0,
                          v_thresh=-54.0, tau_refrac=1.0, e_exc=0.0, e_inh=-70.0, tau_syn_exc=5.0, tau_syn_inh=5.0)
    proj = net.connect(inp, post, rule="all_to_all", weight=G_MAX, delay=0.1, receptor="exc",
                       plasticity={"rule": "stdp_pair", "tau_plus": 20.0, "tau_minus": 20.0,
                                   "a_plus": a_plus * G_MAX, "a_minus": 1.05 * a_plus * G_MAX,
                                   "w_min": 0.0, "w_max": G_MAX})
    net.connect(inh, post, rule="all_to_all", weight=0.05 * G_LEAK, delay=0.1, receptor="inh")
    spikes = net.record_spikes(post)
    net.run(seconds * 1000.0)
    t = spikes.times
    early = np.sum(t < 10_000.0) / 10.0
    late = np.sum(t >= (seconds - 20.0) * 1000.0) / 20.0
    return proj.weights / G_MAX, early, late


def bimodality(w):
    """Fractions of weights below 0.1 and above 0.9 (in units of g_max)."""
    return float(np.mean(w < 0.1)), float(np.mean(w > 0.9))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=300.0)
    ap.add_argument("--out", default="song2000.png")
    args = ap.parse_args()
    rows = []
    for rate in (10.0, 20.0):
        w, early, late = run(rate, args.seconds)
        low, high = bimodality(w)
        rows.append((rate, w, early, late, low, high))
        print(f"input {rate:4.0f} Hz: output {early:6.1f} Hz (first 10 s) -> {late:5.1f} Hz (last 20 s); "
              f"weights < 0.1 g_max: {low:.2f}, > 0.9 g_max: {high:.2f}")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.2))
    for rate, w, *_ in rows:
        ax[0].hist(w, bins=40, range=(0, 1), histtype="step", label=f"{rate:.0f} Hz inputs")
    ax[0].set(xlabel="w / g_max", ylabel="synapses", title="final weights (bimodal)")
    ax[0].legend()
    ax[1].bar([f"{r[0]:.0f} Hz\nbefore" for r in rows] + [f"{r[0]:.0f} Hz\nafter" for r in rows],
              [r[2] for r in rows] + [r[3] for r in rows])
    ax[1].set(ylabel="output rate [Hz]", title="rate regulation")
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
