"""Song, Miller & Abbott (2000), Nat. Neurosci. 3:919, Fig. 2: additive pair STDP on
1000 excitatory Poisson inputs to one conductance-based LIF neuron drives the
weights to a bimodal distribution (near 0 and near g_max), and the output rate is
regulated: after learning it depends little on the input rate (10-40 Hz), while
with the weights frozen it would rise steeply with it.

    PYTHONPATH=build/release/python /usr/bin/python3 examples/plasticity/song2000.py [--seconds 1200] [--out song2000.png]

Neuron (their Methods): tau_m = 20 ms, E_leak = -70 mV, threshold -54 mV, reset
-60 mV, E_exc = 0 mV, E_inh = -70 mV, tau_syn = 5 ms; 1000 excitatory inputs with
g_max = 0.015 g_leak and 200 inhibitory inputs at 10 Hz with 0.05 g_leak (fixed).
STDP: tau_plus = tau_minus = 20 ms, a_plus = 0.005 g_max, a_minus / a_plus = 1.05,
all-to-all traces, weights in [0, g_max], starting at g_max. (c_m = 200 pF, so
g_leak = 10 nS.)
"""
import argparse

import numpy as np

import hebb

G_LEAK = 10.0            # [nS] = c_m / tau_m = 200 pF / 20 ms
G_MAX = 0.015 * G_LEAK   # [nS]
NEURON = dict(c_m=200.0, tau_m=20.0, e_leak=-70.0, v_reset=-60.0, v_thresh=-54.0, tau_refrac=1.0,
              e_exc=0.0, e_inh=-70.0, tau_syn_exc=5.0, tau_syn_inh=5.0)


def _net(rate_hz, seed, n_inputs, weight, plasticity):
    net = hebb.Network(dt=0.1, seed=seed)
    inp = net.population("inputs", "poisson", n_inputs, rate=rate_hz)
    inh = net.population("inhibitory", "poisson", 200, rate=10.0)
    post = net.population("post", "lif_cond_exp", 1, **NEURON)
    proj = net.connect(inp, post, rule="all_to_all", weight=weight, delay=0.1, receptor="exc", plasticity=plasticity)
    net.connect(inh, post, rule="all_to_all", weight=0.05 * G_LEAK, delay=0.1, receptor="inh")
    return net, proj, net.record_spikes(post)


def run(rate_hz=10.0, seconds=1200.0, seed=1, a_plus=0.005, n_inputs=1000, window=100.0):
    """STDP from all weights at g_max. Returns (final weights / g_max, output rate over
    the first 10 s [Hz], over the last `window` s [Hz], output rate in 10 s bins [Hz])."""
    stdp = {"rule": "stdp_pair", "tau_plus": 20.0, "tau_minus": 20.0, "a_plus": a_plus * G_MAX,
            "a_minus": 1.05 * a_plus * G_MAX, "w_min": 0.0, "w_max": G_MAX}
    net, proj, spikes = _net(rate_hz, seed, n_inputs, G_MAX, stdp)
    net.run(seconds * 1000.0)
    t = spikes.times
    early = np.sum(t < 10_000.0) / 10.0
    late = np.sum(t >= (seconds - window) * 1000.0) / window
    trace = np.histogram(t, bins=np.arange(0.0, seconds * 1000.0 + 1.0, 10_000.0))[0] / 10.0
    return proj.weights / G_MAX, early, late, trace


def run_frozen(weights, rate_hz, seconds=100.0, seed=2):
    """Output rate [Hz] with the weights (in units of g_max) fixed, inputs at rate_hz."""
    net, proj, spikes = _net(rate_hz, seed, len(weights), G_MAX, None)
    proj.weights = np.asarray(weights, dtype=np.float32) * G_MAX
    net.run(seconds * 1000.0)
    return len(spikes.times) / seconds


def bimodality(w):
    """Fractions of weights below 0.1 and above 0.9 (in units of g_max)."""
    return float(np.mean(w < 0.1)), float(np.mean(w > 0.9))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=1200.0)
    ap.add_argument("--a-plus", type=float, default=0.005, help="a_plus in units of g_max (paper: 0.005)")
    ap.add_argument("--rates", default="10,20,30,40")
    ap.add_argument("--out", default="song2000.png")
    args = ap.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    rows = []
    for rate in rates:
        w, early, late, trace = run(rate, args.seconds, a_plus=args.a_plus)
        low, high = bimodality(w)
        rows.append((rate, w, early, late, trace))
        print(f"input {rate:4.0f} Hz: output {early:6.1f} Hz (first 10 s) -> {late:5.1f} Hz (last 100 s); "
              f"weights < 0.1 g_max: {low:.2f}, > 0.9 g_max: {high:.2f}, sum {w.sum():.0f} g_max", flush=True)
    frozen = [run_frozen(rows[0][1], r) for r in rates]
    print(f"weights learned at {rates[0]:.0f} Hz, frozen, driven at " +
          ", ".join(f"{r:.0f} Hz: {f:.1f} Hz" for r, f in zip(rates, frozen)))
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 3, figsize=(12, 3.2))
    for rate, w, *_ in rows:
        ax[0].hist(w, bins=40, range=(0, 1), histtype="step", label=f"{rate:.0f} Hz inputs")
    ax[0].set(xlabel="w / g_max", ylabel="synapses", title="final weights (bimodal)")
    ax[0].legend()
    ax[1].plot(rates, [r[3] for r in rows], "o-", label="after STDP")
    ax[1].plot(rates, frozen, "s--", label=f"weights of {rates[0]:.0f} Hz, frozen")
    ax[1].set(xlabel="input rate [Hz]", ylabel="output rate [Hz]", title="rate regulation", yscale="log")
    ax[1].legend()
    for rate, *_, trace in rows:
        ax[2].plot(np.arange(len(trace)) * 10.0 + 5.0, trace, label=f"{rate:.0f} Hz")
    ax[2].set(xlabel="time [s]", ylabel="output rate [Hz]", yscale="log", title="learning")
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
