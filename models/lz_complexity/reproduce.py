#!/usr/bin/python3
"""Lempel-Ziv complexity and the LZC classifier (SYSTEMS.md section 2; Rudnicka,
Szczepański & Pręgowska, arXiv 2508.11674; LZ76 as in Kaspar & Schuster 1987).

Checks:
  1. Bernoulli(p), n = 1e5: |c - H(p)| <= 0.03 for 0.1 <= p <= 0.9 (every seed).
  2. Poisson 20 vs 40 Hz and 10 vs 20 Hz, 1-ms bins, 1-s trains, threshold fitted on
     300 trains per class, tested on 300 per class: accuracy >= 0.91 and >= 0.82 per seed.
Also shown (no check): the spike-count threshold on the same trains, and LZ76 on real
single units (Kramer & Eden retina, low vs high light; human STN before vs after GO).

Usage: reproduce.py [--out DIR] [--quick]
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np

import hebb.analysis as A

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "single_units_kramer_eden"


def H(p):
    return -p * np.log2(p) - (1 - p) * np.log2(1 - p)


def bernoulli_table(ps, seeds, n=100_000):
    rows = []
    for p in ps:
        cs = []
        for seed in seeds:
            x = (np.random.default_rng(1000 + seed).random(n) < p).astype(np.uint8)
            cs.append(A.lz76(x, normalize=True, alphabet=2))
        cs = np.array(cs)
        rows.append((p, H(p), cs.mean(), cs.min(), cs.max(), np.abs(cs - H(p)).max()))
    return rows


def classify(rates, seed, n_per_class=300):
    rng = np.random.default_rng(seed)
    feats, counts, labels = [], [], []
    for label, rate in enumerate(rates):
        prob = 1 - np.exp(-rate * 1e-3)  # P(spike in a 1-ms bin) of a Poisson process
        x = (rng.random((2 * n_per_class, 1000)) < prob).astype(np.uint8)
        feats += [A.lz76(row, normalize=True, alphabet=2) for row in x]
        counts += list(x.sum(axis=1).astype(float))
        labels += [label] * (2 * n_per_class)
    f, c, y = np.array(feats), np.array(counts), np.array(labels)
    train = np.arange(len(y)) % 2 == 0
    lz = A.ThresholdClassifier.fit(f[train], y[train])
    cnt = A.ThresholdClassifier.fit(c[train], y[train])
    return lz.accuracy(f[~train], y[~train]), cnt.accuracy(c[~train], y[~train]), (f, y, lz)


def real_data():
    out = {}
    path = DATA / "08_retina_spike_times.csv"
    if path.exists():
        rows = np.genfromtxt(path, delimiter=",", dtype=None, names=True, encoding=None)
        for cond in ("low_light", "high_light"):
            x = A.binary_train(rows["t_s"][rows["condition"] == cond] * 1000.0, 0.0, 30_000.0, 1.0)
            out[f"retina {cond}"] = (A.lz76(x, normalize=True, alphabet=2), H(x.mean()), x.mean() * 1000)
    path = DATA / "10_stn_trains.csv"
    if path.exists():
        tr = np.loadtxt(path, delimiter=",", skiprows=1)[:, 2:].astype(np.uint8)
        pre = np.array([A.lz76(r[:1000], normalize=True, alphabet=2) for r in tr])
        post = np.array([A.lz76(r[1000:], normalize=True, alphabet=2) for r in tr])
        out["stn before GO (mean of 50 trials)"] = (pre.mean(), H(tr[:, :1000].mean()), tr[:, :1000].mean() * 1000)
        out["stn after GO (mean of 50 trials)"] = (post.mean(), H(tr[:, 1000:].mean()), tr[:, 1000:].mean() * 1000)
        # leave-one-trial-out threshold classification of the period (before/after GO)
        f = np.concatenate([pre, post])
        y = np.r_[np.zeros(50, int), np.ones(50, int)]
        hits = 0
        for i in range(100):
            m = np.arange(100) != i
            hits += A.ThresholdClassifier.fit(f[m], y[m]).predict(f[i:i + 1])[0] == y[i]
        out["stn period LOO accuracy"] = hits / 100
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="reproduce")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ok = True

    ps = [0.1, 0.2, 0.5, 0.8] if args.quick else [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    seeds = range(3) if args.quick else range(20)
    t0 = time.perf_counter()
    rows = bernoulli_table(ps, seeds)
    print(f"LZ76 on Bernoulli(p), n = 1e5, {len(seeds)} seeds (check |c - H| <= 0.03)")
    print(f"{'p':>5} {'H(p)':>7} {'c mean':>8} {'c min':>8} {'c max':>8} {'max|c-H|':>9}")
    for p, h, m, lo, hi, err in rows:
        print(f"{p:5.2f} {h:7.4f} {m:8.4f} {lo:8.4f} {hi:8.4f} {err:9.4f}")
        ok &= err <= 0.03

    cls_seeds = range(3) if args.quick else range(20)
    print(f"\nLZC threshold classifier, Poisson trains (1-ms bins, 1 s, 300 test/class), {len(cls_seeds)} seeds")
    print(f"{'rates':>10} {'LZC min':>8} {'LZC mean':>9} {'LZC max':>8} {'count mean':>11} {'floor':>6}")
    example = None
    for rates, floor in (((20, 40), 0.91), ((10, 20), 0.82)):
        acc = [classify(rates, s) for s in cls_seeds]
        lz = np.array([a[0] for a in acc])
        cnt = np.array([a[1] for a in acc])
        if example is None:
            example = acc[0][2]
        print(f"{rates[0]:>4} v {rates[1]:<3} {lz.min():8.3f} {lz.mean():9.3f} {lz.max():8.3f} {cnt.mean():11.3f} {floor:6.2f}")
        ok &= bool(lz.min() >= floor)

    real = real_data()
    if real:
        print("\nReal single units (../shared/data/single_units_kramer_eden), 1-ms bins")
        for k, v in real.items():
            if isinstance(v, tuple):
                print(f"  {k:36s} c = {v[0]:.4f}   H(p_hat) = {v[1]:.4f}   rate = {v[2]:.1f} Hz")
            else:
                print(f"  {k:36s} {v:.2f}")
    print(f"\nelapsed {time.perf_counter() - t0:.1f} s")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.6))
    pp = np.linspace(0.02, 0.98, 200)
    ax[0].plot(pp, H(pp), "k-", label="H(p)")
    ax[0].errorbar([r[0] for r in rows], [r[2] for r in rows],
                   yerr=[[r[2] - r[3] for r in rows], [r[4] - r[2] for r in rows]], fmt="o", label="LZ76 c, n=1e5")
    ax[0].set_xlabel("p")
    ax[0].set_ylabel("normalised complexity")
    ax[0].legend(frameon=False)
    f, y, clf = example
    A.plot_lz_classifier(f, y, clf, names=("20 Hz", "40 Hz"), ax=ax[1])
    ax[1].set_title("LZC classifier, Poisson trains")
    if real:
        keys = [k for k, v in real.items() if isinstance(v, tuple)]
        ax[2].bar(range(len(keys)), [real[k][0] for k in keys], label="LZ76 c")
        ax[2].plot(range(len(keys)), [real[k][1] for k in keys], "k_", ms=20, mew=2, label="H(p_hat)")
        ax[2].set_xticks(range(len(keys)), [k.replace(" (mean of 50 trials)", "") for k in keys],
                         rotation=20, fontsize=8)
        ax[2].legend(frameon=False)
        ax[2].set_title("real single units")
    fig.tight_layout()
    fig.savefig(out / "lz_complexity.png", dpi=120)
    print(f"wrote {out / 'lz_complexity.png'}")
    print("checks:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
