"""Izhikevich (2003), IEEE Trans. Neural Netw. 14:1569, Fig. 3: 1000 randomly
coupled spiking neurons (800 excitatory, 200 inhibitory) with heterogeneous
parameters and random thalamic input; the network fires in alpha/gamma rhythms.

    PYTHONPATH=build/release/python /usr/bin/python3 examples/izhikevich2003.py [--out izh.png]

Excitatory: a = 0.02, b = 0.2, c = -65 + 15 r^2, d = 8 - 6 r^2 (RS to CH);
inhibitory: a = 0.02 + 0.08 r, b = 0.25 - 0.05 r, c = -65, d = 2 (FS to LTS);
r uniform on [0, 1] per neuron. Weights: 0.5 * uniform for excitatory, -uniform for
inhibitory synapses, all to all, one-step (1 ms) pulses. Thalamic input each
millisecond: 5 * N(0,1) (excitatory), 2 * N(0,1) (inhibitory). dt = 1 ms, as in
the paper's code (v integrated in two half steps).
"""
import argparse

import numpy as np

import hebb


def build(seed=1):
    rng = np.random.default_rng(seed)
    re, ri = rng.uniform(size=800), rng.uniform(size=200)
    net = hebb.Network(dt=1.0, seed=seed)
    exc = net.population("exc", "izhikevich", 800, init={"c": -65 + 15 * re**2, "d": 8 - 6 * re**2})
    inh = net.population("inh", "izhikevich", 200,
                         init={"a": 0.02 + 0.08 * ri, "b": 0.25 - 0.05 * ri, "c": -65.0, "d": 2.0})
    inh.set("u", inh.get("b") * -65.0)
    for src, w in [(exc, {"distribution": "uniform", "low": 0.0, "high": 0.5}),
                   (inh, {"distribution": "uniform", "low": -1.0, "high": 0.0})]:
        receptor = "exc" if src is exc else "inh"
        net.connect(src, exc, rule="all_to_all", weight=w, delay=1.0, receptor=receptor)
        net.connect(src, inh, rule="all_to_all", weight=w, delay=1.0, receptor=receptor)
    net.noise_input(exc, sd=5.0)
    net.noise_input(inh, sd=2.0)
    return net, net.record_spikes(exc), net.record_spikes(inh)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="izhikevich2003.png")
    ap.add_argument("--duration", type=float, default=1000.0)
    a = ap.parse_args()
    net, se, si = build()
    net.run(a.duration)
    rate_e = len(se.times) / 800 / (a.duration * 1e-3)
    rate_i = len(si.times) / 200 / (a.duration * 1e-3)
    counts, _ = np.histogram(np.concatenate([se.times, si.times]), bins=np.arange(0, a.duration + 1, 1.0))
    spectrum = np.abs(np.fft.rfft(counts - counts.mean())) ** 2
    freqs = np.fft.rfftfreq(len(counts), 1e-3)
    band = (freqs >= 4) & (freqs <= 80)
    peak = freqs[band][np.argmax(spectrum[band])]
    print(f"excitatory {rate_e:.1f} Hz, inhibitory {rate_i:.1f} Hz, population rhythm peak {peak:.1f} Hz")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(se.times, se.senders, ".", ms=1, color="tab:blue", label="excitatory")
    ax.plot(si.times, si.senders + 800, ".", ms=1, color="tab:red", label="inhibitory")
    ax.set(xlabel="time [ms]", ylabel="neuron", title=f"Izhikevich (2003) network: rhythm at {peak:.0f} Hz")
    ax.legend(loc="upper right", markerscale=8)
    fig.tight_layout()
    fig.savefig(a.out, dpi=110)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
