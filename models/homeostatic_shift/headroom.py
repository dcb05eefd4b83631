#!/usr/bin/env python3
"""How much can ANY regulator that times its rate to the label swaps gain over the best
constant rate, on reproduce.py's setup (softmax regression, 8x8 digits, batch 10)?

An oracle that knows when each swap happens uses rate `hi` for the first k batches after
every swap and `lo` for the rest of the period (hi > lo from a grid of ten rates per
decade, 0.2 ... 3; k in 1 ... 50 batches). The best (hi, lo, k) in hindsight per S, over
the same streams as reproduce.py, is compared with the best constant rate of the same
grid. Choosing the best of 270 schedules on 5 seeds favours the oracle, so its gain is
an optimistic bound. A design study for the README (seeds 7-11), not an acceptance run.

Usage: headroom.py [--items N] [--seeds N] [--seed0 K]
"""
import argparse
import importlib.util
import os
import sys

import numpy as np

import hebb.learn as hl


def _load_reproduce():
    """This folder's reproduce.py under a name of its own."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reproduce.py")
    spec = importlib.util.spec_from_file_location("homeostatic_shift_reproduce", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


R = _load_reproduce()

RATES = tuple(np.round(np.logspace(np.log10(0.2), np.log10(3), 10), 4))
KS = (1, 2, 5, 10, 20, 50)


def accuracies(X, y, period, n_items, seed, lr_of_batch):
    """Mean online accuracy of softmax regressions whose rate at batch b (and batches
    since the last swap s) is lr_of_batch(s) [learner]."""
    idx, lab = R.swap_stream(y, n_items, period, np.random.default_rng(seed))
    W = None
    correct = 0
    for b0 in range(0, n_items, R.BATCH):
        xb, tb = X[idx[b0:b0 + R.BATCH]], lab[b0:b0 + R.BATCH]
        lr = lr_of_batch((b0 % period) // R.BATCH)
        if W is None:
            W = np.zeros((len(lr), X.shape[1], 10))
        z = np.einsum("bi,lic->lbc", xb, W)
        correct = correct + (z.argmax(-1) == tb).sum(1)
        z -= z.max(-1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(-1, keepdims=True)
        p[:, np.arange(len(tb)), tb] -= 1
        W -= lr[:, None, None] * np.einsum("bi,lbc->lic", xb, p) / len(tb)
    return correct / n_items


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=10000)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--seed0", type=int, default=7)
    a = ap.parse_args()
    X, y = hl.load_digits()
    X = X.numpy().astype(np.float64)
    X = np.hstack([(X - X.mean(0)) / (X.std(0) + 1e-6), np.ones((len(X), 1))])
    y = y.numpy()
    sched = [(h, lo, k) for h in RATES for lo in RATES for k in KS if h > lo]
    hi = np.array([s[0] for s in sched])
    lo = np.array([s[1] for s in sched])
    kk = np.array([s[2] for s in sched])
    print(f"swap-timed oracle vs best constant, {a.items} items, seeds {a.seed0}-{a.seed0 + a.seeds - 1}")
    for i, S in enumerate(R.PERIODS):
        A = np.mean([accuracies(X, y, S, a.items, 1000 * i + s,
                                lambda since: np.concatenate([RATES, np.where(since < kk, hi, lo)]))
                     for s in range(a.seed0, a.seed0 + a.seeds)], 0)
        c, o = int(A[:len(RATES)].argmax()), int(A[len(RATES):].argmax())
        h, low, k = sched[o]
        print(f"S = {S:>4}: best constant {A[c]:.4f} (lr {RATES[c]}), best swap-timed "
              f"{A[len(RATES) + o]:.4f} (hi {h}, lo {low}, k {k} batches): "
              f"{100 * (A[len(RATES) + o] - A[c]):+.2f} pp", flush=True)


if __name__ == "__main__":
    main()
