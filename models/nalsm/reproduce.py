"""NALSM (Ivanov & Michmizos, NeurIPS 2021): SYSTEMS.md section 5.

A 1000-neuron LIF liquid (800 exc, 200 inh) driven by 784 Poisson input neurons
(Fashion-MNIST pixels) learns with NALSM's STDP (rule stdp_nalsm) for a plasticity
phase of 20 ms samples; the depression rate A(t) comes from the NALSM astrocyte,
which integrates liquid spikes minus input spikes (declared on the input projection).
The liquid is then frozen and shown test images for 250 ms each; the branching
factor (hebb.analysis.branching_factor, NALSM's definition on liquid synapses,
4 ms windows, 25 ms margins per sample) is measured with and without the astrocyte
(without: plain STDP with constant depression A = eta_plus). Full mode also trains a
linear readout (logistic regression on spike counts; 10,000 training and 2,000 test images
by default) for the astrocyte liquid, the plain-STDP liquid and the static liquid (weights
at their initial maximum).

    /usr/bin/python3 models/nalsm/reproduce.py [--out DIR] [--quick] [--n-train N] [--n-test N]
        [--liquids astrocyte,plain STDP,static] [--n-liquid N] [--learning-curve] [--save-features]
Writes DIR/nalsm.png and DIR/nalsm.json; exits 1 if a check fails.
"""
import argparse
import gzip
import json
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sps

import hebb
import hebb.analysis as A

N, NE, N_IN = 1000, 800, 784      # liquid size (default; --n-liquid), excitatory part, input neurons
P_REC, P_IN = 0.03, 0.02          # connection probabilities at N = 1000 (liquid, input -> liquid)
W_MAX = 3.0                       # NALSM bounds: exc [0, 3], inh [-3, 0], input [-3, 3] (mV here)
R_MAX = 50.0                      # input rate of a white pixel [Hz]
NEURON = dict(tau_m=20.0, tau_refrac=5.0, v_reset=0.0)  # lif_curr_delta, threshold 20 mV
ASTRO = dict(w_a=0.015, tau_a=100.0, bias=0.0)        # NALSM's w_a, tau_a for 1k neurons; bias: ours


def set_liquid_size(n):
    """Liquid of n neurons (80 % exc). As in NALSM's local 3-D connectivity, a neuron's number
    of liquid and input synapses does not grow with n: p_rec = 0.03 * 1000 / n, p_in unchanged.
    w_a = 0.015 (1000 / n)^(1/3): NALSM's 0.015 at 1k and 0.0075 at 8k, in between interpolated."""
    global N, NE, P_REC
    N, NE, P_REC = n, int(round(0.8 * n)), 0.03 * (1000 / n)
    ASTRO["w_a"] = 0.015 * (1000 / n) ** (1 / 3) if n != 1000 else 0.015


FMNIST = Path("/usr/share/datasets/fashion-mnist")


def load_fmnist(kind, n):
    stem = "train" if kind == "train" else "t10k"
    with gzip.open(FMNIST / f"{stem}-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:n]
    with gzip.open(FMNIST / f"{stem}-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)[:n]
    return x.astype(float) / 255.0, y.astype(int)


def poisson_trains(images, duration, rng):
    """One spike list per input neuron: image k shown for `duration` ms from k*duration,
    Bernoulli per 1 ms step with p = pixel * R_MAX * 1 ms; spikes at whole ms."""
    times, senders = [], []
    for k0 in range(0, len(images), 200):
        block = images[k0:k0 + 200]
        m = rng.random((len(block), int(duration), N_IN)) < (block[:, None, :] * R_MAX * 1e-3)
        k, t, n = np.nonzero(m)
        times.append((k0 + k) * duration + t + 1.0)
        senders.append(n)
    t, s = np.concatenate(times), np.concatenate(senders)
    order = np.lexsort((t, s))
    t, s = t[order], s[order]
    bounds = np.searchsorted(s, np.arange(N_IN + 1))
    return [t[bounds[i]:bounds[i + 1]].tolist() for i in range(N_IN)]


def structure(seed):
    """Liquid and input synapses (sources, targets), fixed by `seed`."""
    rng = np.random.default_rng(seed)

    def pairs(src, n_post, p):
        s, t = np.nonzero(rng.random((len(src), n_post)) < p)
        return src[s], t

    se, te = pairs(np.arange(NE), N, P_REC)
    keep = se != te
    si, ti = pairs(np.arange(NE, N), N, P_REC)
    keep_i = si != ti
    sx, tx = pairs(np.arange(N_IN), N, P_IN)
    return dict(exc=(se[keep], te[keep]), inh=(si[keep_i], ti[keep_i]), inp=(sx, tx))


def build(st, trains, seed, weights=None, astro=None):
    """The network; weights None: all at the maximum; astro: None (frozen), True
    (astrocyte STDP) or False (plain STDP)."""
    net = hebb.Network(dt=1.0, seed=seed)
    net.population("input", "spike_source", N_IN, spike_times=trains)
    net.population("liquid", "lif_curr_delta", N, **NEURON)
    w = weights or {"exc": W_MAX, "inh": -W_MAX, "inp": W_MAX}
    ref = {"astrocyte": "astro"} if astro else {}
    own = dict(ref, liquid="liquid", input="input", **ASTRO) if astro else {}
    rule = lambda lo, hi, extra: None if astro is None else dict(rule="stdp_nalsm", w_min=lo, w_max=hi, **extra)
    net.connect("liquid", "liquid", rule="explicit", sources=st["exc"][0], targets=st["exc"][1], weight=w["exc"],
                delay=1.0, name="exc", plasticity=rule(0.0, W_MAX, ref))
    net.connect("liquid", "liquid", rule="explicit", sources=st["inh"][0], targets=st["inh"][1], weight=w["inh"],
                delay=1.0, receptor="inh", name="inh", plasticity=rule(-W_MAX, 0.0, ref))
    net.connect("input", "liquid", rule="explicit", sources=st["inp"][0], targets=st["inp"][1], weight=w["inp"],
                delay=1.0, name="inp", plasticity=rule(-W_MAX, W_MAX, own))
    return net


def plasticity_phase(st, images, astro, seed):
    trains = poisson_trains(images, 20.0, np.random.default_rng(seed + 100))
    net = build(st, trains, seed, astro=astro)
    rate = net.record_rate("liquid", bin=1000.0)
    a_trace = []
    seconds = int(round(len(images) * 20.0 / 1000.0))
    for _ in range(seconds):
        net.run(1000.0)
        a_trace.append(net.modulator("astro") if astro else 0.15)
    weights = {k: net[k].weights for k in ("exc", "inh", "inp")}
    return weights, np.asarray(a_trace), np.asarray(rate.rate)


def frozen_response(st, weights, images, seed, duration=250.0, bf=True, chunk=2500):
    """Spike counts per sample (samples x N) and, with bf, the branching factor per sample.
    Samples are run `chunk` at a time (a network per chunk, started at rest), which bounds
    the memory of the input trains and the spike record; the input trains of successive
    chunks come from one generator."""
    rng = np.random.default_rng(seed + 200)
    conn = sps.csr_matrix((np.ones(len(st["exc"][0]) + len(st["inh"][0])),
                           (np.concatenate([st["exc"][0], st["inh"][0]]), np.concatenate([st["exc"][1], st["inh"][1]]))),
                          shape=(N, N))
    counts, bfs = np.zeros((len(images), N)), []
    for k0 in range(0, len(images), chunk):
        block = images[k0:k0 + chunk]
        net = build(st, poisson_trains(block, duration, rng), seed, weights=weights)
        sp = net.record_spikes("liquid")
        net.run(duration * len(block))
        t, s = np.asarray(sp.times), np.asarray(sp.senders)
        del net, sp
        k = np.minimum(((t - 1e-9) // duration).astype(int), len(block) - 1)
        np.add.at(counts, (k0 + k, s), 1)
        if bf:
            bfs += [A.branching_factor(t, s, N, i * duration + 25.0, (i + 1) * duration - 25.0, window=4.0, dt=1.0,
                                       connectivity=conn)[0] for i in range(len(block))]
    return counts, np.array(bfs)


def readout_accuracy(train_counts, y_train, test_counts, y_test):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    sc = StandardScaler().fit(train_counts)
    clf = LogisticRegression(max_iter=2000, C=0.1).fit(sc.transform(train_counts), y_train)
    return float(clf.score(sc.transform(test_counts), y_test))


LIQUIDS = {"astrocyte": True, "plain STDP": False, "static": None}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="reproduce")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--n-train", type=int, default=None,
                    help="training images for the readout (default 10000; 0 with --quick)")
    ap.add_argument("--n-test", type=int, default=None, help="test images for the readout (default 2000; 0 with --quick)")
    ap.add_argument("--liquids", default=None,
                    help="comma-separated subset of: astrocyte, plain STDP, static (default: all; --quick: the first two)")
    ap.add_argument("--n-liquid", type=int, default=1000, help="liquid neurons (default 1000; 100 to 16000)")
    ap.add_argument("--learning-curve", action="store_true",
                    help="also train the readout on the first 2000, 4000, 8000, ... of the training images")
    ap.add_argument("--save-features", action="store_true",
                    help="also write the readout's spike counts and labels as DIR/nalsm_features_<liquid>.npz")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    n_plastic = 10000 if args.quick else 50000    # 20 ms samples: 200 s, or the paper's 1000 s
    n_bf = 20 if args.quick else 50
    n_train = args.n_train if args.n_train is not None else (0 if args.quick else 10000)
    n_test = args.n_test if args.n_test is not None else (0 if args.quick else 2000)
    if n_train < 0 or n_test < 0 or (n_train > 0) != (n_test > 0) or n_train > 60000 or n_test > 10000:
        ap.error(f"--n-train {n_train} / --n-test {n_test}: both 0, or both > 0 (at most 60000 / 10000)")
    names = (["astrocyte", "plain STDP"] + ([] if args.quick else ["static"]) if args.liquids is None
             else [x.strip() for x in args.liquids.split(",")])
    if not names or any(x not in LIQUIDS for x in names):
        ap.error(f"--liquids {args.liquids!r}: allowed names are {', '.join(LIQUIDS)}")
    if not 100 <= args.n_liquid <= 16000:
        ap.error(f"--n-liquid {args.n_liquid}: must be in [100, 16000]")
    set_liquid_size(args.n_liquid)
    seed = 1
    t0 = time.time()
    st = structure(seed)
    x_train, y_train = load_fmnist("train", max(n_plastic, n_train))
    x_test, y_test = load_fmnist("test", max(n_bf, n_test))
    plastic_images = x_train[np.arange(n_plastic) % len(x_train)]
    res = {"quick": args.quick, "n_liquid": N, "w_a": ASTRO["w_a"], "n_plastic_samples": n_plastic,
           "n_bf_samples": n_bf, "n_train": n_train, "n_test": n_test, "liquids": {}}
    traces = {}
    for name in names:
        astro = LIQUIDS[name]
        t1 = time.time()
        if astro is None:
            w, a_trace, rate = None, np.array([]), np.array([])
        else:
            w, a_trace, rate = plasticity_phase(st, plastic_images, astro, seed)
        counts, bf = frozen_response(st, w, x_test[:n_bf], seed)
        entry = {"bf_mean": float(np.nanmean(bf)), "bf_sd": float(np.nanstd(bf)), "bf_median": float(np.nanmedian(bf)),
                 "liquid_rate_hz": float(counts.sum() / N / (0.25 * n_bf)),
                 "a_final": float(a_trace[-1]) if len(a_trace) else None,
                 "mean_w": {k: float(np.mean(v)) for k, v in (w or {}).items()}}
        if n_train:
            tr, _ = frozen_response(st, w, x_train[:n_train], seed + 1, bf=False)
            te, _ = frozen_response(st, w, x_test[:n_test], seed + 2, bf=False)
            entry["simulation_seconds"] = time.time() - t1
            entry["accuracy"] = readout_accuracy(tr, y_train[:n_train], te, y_test[:n_test])
            # the same liquid responses, readout trained on the first n of them (learning curve)
            entry["accuracy_by_n_train"] = {str(n_train): entry["accuracy"]}
            for n in (2000, 4000, 8000, 16000, 32000) if args.learning_curve else ():
                if n < n_train:
                    entry["accuracy_by_n_train"][str(n)] = readout_accuracy(tr[:n], y_train[:n], te, y_test[:n_test])
            if args.save_features:
                np.savez_compressed(out / f"nalsm_features_{name.replace(' ', '_')}.npz",
                                    train=tr.astype(np.uint16), y_train=y_train[:n_train],
                                    test=te.astype(np.uint16), y_test=y_test[:n_test])
        res["liquids"][name] = entry
        traces[name] = (a_trace, rate, bf)
    res["checks"] = {}
    if "astrocyte" in res["liquids"]:
        bf_a = res["liquids"]["astrocyte"]["bf_mean"]
        res["checks"]["bf_astrocyte_in_0.9_1.1"] = bool(0.9 <= bf_a <= 1.1)
    if "plain STDP" in res["liquids"]:
        bf_p = res["liquids"]["plain STDP"]["bf_mean"]
        res["checks"]["bf_plain_stdp_outside_0.9_1.1"] = bool(not (0.9 <= bf_p <= 1.1))
    if n_train and "astrocyte" in res["liquids"]:
        acc = {k: v["accuracy"] for k, v in res["liquids"].items()}
        res["checks_reported"] = {"nalsm_ge_80pct": bool(acc["astrocyte"] >= 0.80)}
        if "static" in acc:
            res["checks_reported"]["nalsm_ge_static_plus_1pp"] = bool(acc["astrocyte"] >= acc["static"] + 0.01)
    res["seconds"] = time.time() - t0

    print(f"NALSM, {N}-neuron liquid, plasticity phase {n_plastic} x 20 ms, BF on {n_bf} test samples, "
          f"readout {n_train} train / {n_test} test images ({res['seconds']:.0f} s)")
    print(f"{'liquid':<12} {'BF mean +- sd':>14} {'median':>7} {'rate [Hz]':>10} {'A final':>8} {'accuracy':>9}")
    for name, e in res["liquids"].items():
        a = f"{e['a_final']:.3f}" if e["a_final"] is not None else "-"
        acc = f"{e['accuracy']:.3f}" if "accuracy" in e else "-"
        print(f"{name:<12} {e['bf_mean']:6.3f} +- {e['bf_sd']:5.3f} {e['bf_median']:7.3f} {e['liquid_rate_hz']:10.1f} "
              f"{a:>8} {acc:>9}")
    for name, e in res["liquids"].items():
        if len(e.get("accuracy_by_n_train", {})) > 1:
            curve = sorted((int(k), v) for k, v in e["accuracy_by_n_train"].items())
            print(f"{name}: accuracy by training images: " + ", ".join(f"{n}: {v:.3f}" for n, v in curve))
    print("paper: NALSM BF ~ 1; F-MNIST 85.84% (8k neurons, full data)")
    for k, v in res["checks"].items():
        print(f"check {k}: {'pass' if v else 'FAIL'}")
    for k, v in res.get("checks_reported", {}).items():
        print(f"reported {k}: {v}")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.6))
    for name, (a_trace, rate, bf) in traces.items():
        if len(a_trace):
            ax[0].plot(np.arange(1, len(a_trace) + 1), a_trace, label=name)
            ax[1].plot(np.arange(1, len(rate) + 1), rate, label=name)
        ax[2].plot(bf, "o-", label=name)
    ax[0].set(xlabel="plasticity phase [s]", ylabel="depression rate A", title="astrocyte")
    ax[1].set(xlabel="plasticity phase [s]", ylabel="liquid rate [Hz]", yscale="log")
    ax[2].axhspan(0.9, 1.1, color="g", alpha=0.15)
    ax[2].set(xlabel="test sample (frozen liquid)", ylabel="branching factor", title="BF per sample")
    for a in ax:
        a.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "nalsm.png", dpi=100)
    (out / "nalsm.json").write_text(json.dumps(res, indent=1))
    return 0 if all(res["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
