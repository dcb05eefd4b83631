#!/usr/bin/python3
"""Topological RSA (Lin & Kriegeskorte, "The topology and geometry of neural
representations", PNAS 2024; repo doerlbh/TopologicalRSA; SYSTEMS.md section 11):
layer identification under noise with RDMs, rank-normalised RDMs, RGTMs and RGDMs.

Set-up (our choices where the paper's are not given): 62 stimuli (Gaussian, 50
features) through a random 5-layer ReLU network (60 units per layer, He-scaled Gaussian
weights with gain 1.5, biases N(0, 0.3²)), 10 network seeds. Each layer is measured
twice, as two "subjects": each sees its own random 40 of the 60 units plus its own
Gaussian noise of sd = level x the layer's activation sd. The layers of subject 2 are
identified among the 5 layers of subject 1 by the Pearson correlation of the
(transformed) Euclidean RDM vectors; accuracy over 10 seeds x repeats x 5 layers.

Checks:
  1. unit properties: l=0, u=1 gives the rank-normalised RDM; l=u gives a binary
     threshold graph; RGTM and RGDM are invariant to a monotone distortion of distances;
  2. RGTM layer-identification accuracy >= RDM accuracy - 5 pp at every noise level.

Usage: reproduce.py [--out DIR] [--quick]   (quick: 4 repeats; full: 20)
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np

import hebb.analysis as A

NOISE = [0.0, 0.25, 0.5, 1.0, 2.0, 4.0]
TRANSFORMS = ["rdm", "rank", "rgtm", "rgdm"]


def network_layers(x, seed, n_layers=5, width=60, gain=1.5):
    rng = np.random.default_rng(seed)
    h, out = x, []
    for _ in range(n_layers):
        w = rng.normal(0.0, gain / np.sqrt(h.shape[1]), (h.shape[1], width))
        h = np.maximum(h @ w + rng.normal(0.0, 0.3, width), 0.0)
        out.append(h)
    return out


def measure(h, level, rng, n_units=40):
    s = h[:, rng.choice(h.shape[1], n_units, replace=False)]
    return s + rng.normal(0.0, level * h.std(), s.shape)


def unit_checks():
    rng = np.random.default_rng(0)
    v = A.rdm_vector(A.rdm(rng.normal(size=(20, 5))))
    ok = np.array_equal(A.rgtm(v, 0.0, 1.0), A.rank_minmax(v))
    b = A.rgtm(v, 0.4, 0.4)
    ok &= set(np.unique(b)) == {0.0, 1.0} and np.array_equal(b, (A.rank_minmax(v) > np.quantile(A.rank_minmax(v), 0.4)).astype(float))
    d = np.exp(2 * v) + v ** 3  # strictly increasing distortion
    ok &= np.array_equal(A.rgtm(v), A.rgtm(d)) and np.array_equal(A.rgdm(v), A.rgdm(d))
    return bool(ok)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="reproduce")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    repeats = 4 if args.quick else 20
    seeds = range(10)
    hits = {t: np.zeros(len(NOISE)) for t in TRANSFORMS}
    trials = 0
    for seed in seeds:
        rng = np.random.default_rng(1000 + seed)
        x = rng.normal(size=(62, 50))
        layers = network_layers(x, seed)
        for _ in range(repeats):
            trials += len(layers)
            for i, level in enumerate(NOISE):
                cand = [A.rdm(measure(h, level, rng)) for h in layers]
                data = [A.rdm(measure(h, level, rng)) for h in layers]
                for t in TRANSFORMS:
                    hits[t][i] += np.sum(A.identify_layers(cand, data, t) == np.arange(len(layers)))
    acc = {t: hits[t] / trials for t in TRANSFORMS}
    unit_ok = unit_checks()
    gap = acc["rgtm"] - acc["rdm"]
    ok = unit_ok and bool(np.all(gap >= -0.05))
    print(f"Layer identification: 5-layer random ReLU net, 62 stimuli, 10 seeds x {repeats} repeats "
          f"({trials} layer identifications per noise level); chance = 0.20")
    print(f"{'noise sd':>9} " + " ".join(f"{t:>7}" for t in TRANSFORMS) + f" {'RGTM-RDM':>9}")
    for i, level in enumerate(NOISE):
        print(f"{level:9.2f} " + " ".join(f"{acc[t][i]:7.3f}" for t in TRANSFORMS) + f" {gap[i]:+9.3f}")
    print(f"unit checks (l=0,u=1 / l=u / monotone invariance): {'PASS' if unit_ok else 'FAIL'}")
    print(f"elapsed {time.perf_counter() - t0:.1f} s")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 4, figsize=(15, 3.6))
    for t, style in zip(TRANSFORMS, ["k-o", "C0-s", "C1-^", "C2-v"]):
        ax[0].plot(NOISE, acc[t], style, label=t.upper())
    ax[0].axhline(0.2, color="grey", ls=":", label="chance")
    ax[0].set_xscale("symlog", linthresh=0.25)
    ax[0].set_xlabel("noise sd / activation sd")
    ax[0].set_ylabel("layer-identification accuracy")
    ax[0].legend(frameon=False, fontsize=8)
    rng = np.random.default_rng(7)
    h = network_layers(rng.normal(size=(62, 50)), 0)[2]
    v = A.rdm_vector(A.rdm(h))
    for a, (name, m) in zip(ax[1:], [("RDM (layer 3)", v), ("RGTM l=0.2, u=0.8", A.rgtm(v)), ("RGDM p=0.05", A.rgdm(v))]):
        a.imshow(A.rdm_square(np.asarray(m, dtype=float)), cmap="viridis")
        a.set_title(name)
        a.set_xticks([])
        a.set_yticks([])
    fig.tight_layout()
    fig.savefig(out / "topological_rsa.png", dpi=110)
    print(f"wrote {out / 'topological_rsa.png'}")
    print("checks:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
