#!/usr/bin/env python3
"""Homeostatic learner under concept shift (after Man, Damasio & Neven 2022) with
hebb.learn.HomeostaticLR's regulator (include/hebb/learn/homeostatic.hpp).

Online classification of scikit-learn's 8x8 digits (standardised, one item at a
time, predict then learn: prequential accuracy). Concept shift: the label mapping is
redrawn every S items, S in {50, 200, 1000}. Learner: softmax regression with SGD.
Learning rates: constant (grid 0.003 ... 1), random (log-uniform in [lr_min, lr_max]
per item) and homeostatic (errors excite, correct items inhibit the internal state h,
lr = lr_min (lr_max/lr_min)^h; lr_min = 0.01, lr_max = 0.3, k_exc = 0.05,
k_inh = 0.02, viable band 0 <= h <= 0.85; chosen by a small sweep, see README).
Acceptance (SYSTEMS.md 15, 5 seeds): mean online accuracy of the homeostatic learner
>= the best constant rate at the smallest S; its advantage shrinks monotonically as
S grows; the state stays inside its viable band >= 95% of the time.

Usage: reproduce.py [--out DIR] [--quick]
"""
import argparse
import os
import sys
import time

import numpy as np
import torch

import hebb.learn as hl

PERIODS = (50, 200, 1000)
GRID = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
LR_MIN, LR_MAX = 0.01, 0.3
K_EXC, K_INH = 0.05, 0.02


def online(X, y, period, n_items, seed):
    """Runs every learner on the same stream; returns accuracies, h trace, viable fraction."""
    idx, labels = hl.label_permutation_stream(y, n_items, period, n_classes=10, seed=seed)
    rng = np.random.default_rng(seed + 10_000)
    L = len(GRID) + 2  # constants, random, homeostatic
    W = np.zeros((L, X.shape[1], 10))
    reg = hl.HomeostaticLR(None, lr_min=LR_MIN, lr_max=LR_MAX, k_exc=K_EXC, k_inh=K_INH,
                           h0=0.5, band_lo=0.0, band_hi=0.85)
    correct = np.zeros((L, n_items), bool)
    htrace = np.empty(n_items)
    for k in range(n_items):
        x, t = X[idx[k]], labels[k]
        z = np.einsum("i,lic->lc", x, W)
        z -= z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        ok = p.argmax(1) == t
        correct[:, k] = ok
        lr = np.array(GRID + (LR_MIN * (LR_MAX / LR_MIN) ** rng.random(), reg.lr))
        reg.observe(bool(ok[-1]))  # the homeostatic learner's own outcome sets its state
        htrace[k] = reg.state
        p[:, t] -= 1
        W -= lr[:, None, None] * x[None, :, None] * p[:, None, :]
    return correct.mean(1), htrace, reg.viable_fraction


def run(quick=False, out="reproduce"):
    os.makedirs(out, exist_ok=True)
    t0 = time.time()
    X, y = hl.load_digits()
    X = X.numpy().astype(np.float64)
    X = (X - X.mean(0)) / (X.std(0) + 1e-6)
    X = np.hstack([X, np.ones((len(X), 1))])
    y = y.numpy()
    n_items = 3000 if quick else 10000
    seeds = range(5)
    acc = np.zeros((len(PERIODS), len(seeds), len(GRID) + 2))
    viable = np.zeros((len(PERIODS), len(seeds)))
    traces = {}
    for i, S in enumerate(PERIODS):
        for j, s in enumerate(seeds):
            a, h, v = online(X, y, S, n_items, 1000 * i + s)
            acc[i, j], viable[i, j] = a, v
            if j == 0:
                traces[S] = h
    m = acc.mean(1)  # [period, learner]
    best_const = m[:, :len(GRID)].max(1)
    adv = m[:, -1] - best_const
    checks = [("homeostatic - best constant at S = 50 [pp]", 100 * adv[0], ">=", 0.0),
              ("advantage shrinks: adv(50) - adv(200) [pp]", 100 * (adv[0] - adv[1]), ">", 0.0),
              ("advantage shrinks: adv(200) - adv(1000) [pp]", 100 * (adv[1] - adv[2]), ">", 0.0),
              ("viable fraction of the state (min over runs)", float(viable.min()), ">=", 0.95)]
    print(f"homeostatic_shift ({'quick' if quick else 'full'}): {n_items} items, 5 seeds, {time.time() - t0:.1f} s")
    head = " ".join(f"{g:>6}" for g in GRID)
    print(f"{'S':>5} {head} {'random':>7} {'homeo':>6} {'adv [pp]':>8}   (mean online accuracy)")
    for i, S in enumerate(PERIODS):
        print(f"{S:>5} " + " ".join(f"{v:>6.3f}" for v in m[i, :len(GRID)]) +
              f" {m[i, -2]:>7.3f} {m[i, -1]:>6.3f} {100 * adv[i]:>8.2f}")
    ok = True
    for name, v, op, thr in checks:
        passed = v >= thr if op == ">=" else v > thr
        ok &= passed
        print(f"{'PASS' if passed else 'FAIL'}  {name}: {v:.3f} (required {op} {thr})")
    plot(PERIODS, m, adv, traces, os.path.join(out, "homeostatic_shift.png"))
    return {"acc": acc, "adv": adv, "viable": viable, "checks": checks, "ok": ok}


def plot(periods, m, adv, traces, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.5))
    ax[0].plot(periods, 100 * m[:, :len(GRID)].max(1), "s-", label="best constant lr")
    ax[0].plot(periods, 100 * m[:, -2], "^-", label="random lr")
    ax[0].plot(periods, 100 * m[:, -1], "o-", label="homeostatic")
    ax[0].set_xscale("log")
    ax[0].set_xlabel("items between label permutations S")
    ax[0].set_ylabel("mean online accuracy [%]")
    ax[0].legend(fontsize=8)
    h = traces[periods[0]][:600]
    ax[1].plot(h, lw=0.8)
    ax[1].axhline(0.85, ls="--", c="r", lw=0.8, label="viable band edge")
    for k in range(0, 600, periods[0]):
        ax[1].axvline(k, c="gray", lw=0.3)
    ax[1].set_xlabel("item")
    ax[1].set_ylabel("internal state h")
    ax[1].set_title(f"S = {periods[0]} (first 600 items)")
    ax[1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="reproduce")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    sys.exit(0 if run(a.quick, a.out)["ok"] else 1)


if __name__ == "__main__":
    main()
