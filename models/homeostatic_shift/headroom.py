#!/usr/bin/env python3
"""How much can ANY regulator that times its rate to the concept shifts gain over the best
constant rate, on reproduce.py's learner (softmax regression, batch 10)?

An oracle knows when each shift happens (every S items) and sets the rate from the
number s of batches since the last shift, with one of two schedule shapes:
  twolevel  rate hi for the first k batches after every shift, lo for the rest
            (k in 1, 2, 5, 10, 20, 50, 100 batches);
  decay     rate max(lo, hi exp(-s / tau)): from hi right after the shift, decaying
            geometrically towards the floor lo (tau in 0.5, 1, 2, 5, 10, 20, 50 batches).
hi > lo from a grid of ten rates per decade (--rates LO,HI; 10 rates), 315 schedules per
shape. The best schedule in hindsight per S (on the mean over seeds) is compared with
the best constant rate of the same grid, on the same streams as reproduce.py. Choosing
the best of 315 schedules on 5 seeds favours the oracle, so its gain is an optimistic
bound. The gain is also given per seed (the chosen schedule against the chosen constant
on each stream) with its standard deviation over seeds: the seed noise it must clear.

Settings (the ones SYSTEMS.md 15 allows): --task digits|fashion (sklearn 8x8 digits,
or Fashion-MNIST's 60 000 training images, reproduce.load_task), --shift swap|perm (two
random labels swap, compounding, as in the authors' code; or the label map becomes a
fresh random permutation of all 10 classes).
A design study for the README (design seeds 7-11, 23-27), not an acceptance run.

Usage: headroom.py [--items N] [--seeds N] [--seed0 K] [--task digits|fashion]
                   [--shift swap|perm] [--shapes twolevel,decay] [--rates LO,HI]
                   [--periods 50,200,1000] [--batch B]
k and tau count batches of 10 items whatever --batch is (with --batch 1, k = 2 is the
first 20 items after a shift).
"""
import argparse
import importlib.util
import os
import time

import numpy as np


def _load_reproduce():
    """This folder's reproduce.py under a name of its own."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reproduce.py")
    spec = importlib.util.spec_from_file_location("homeostatic_shift_reproduce", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


R = _load_reproduce()

KS = (1, 2, 5, 10, 20, 50, 100)  # twolevel: batches at hi after each shift
TAUS = (0.5, 1, 2, 5, 10, 20, 50)  # decay: time constant [batches]


def _sd(v):
    """Standard deviation over seeds (nan for a single seed)."""
    return float(np.std(v, ddof=1)) if len(v) > 1 else float("nan")


def rate_grid(lo=0.2, hi=3.0, n=10):
    return tuple(np.round(np.logspace(np.log10(lo), np.log10(hi), n), 4))


def schedules(rates, shape):
    """[(hi, lo, p)] with p = k (twolevel) or tau (decay), and lr(since) -> [schedule]."""
    par = KS if shape == "twolevel" else TAUS
    sched = [(h, lo, p) for h in rates for lo in rates for p in par if h > lo]
    hi, lo, pp = (np.array([s[i] for s in sched], float) for i in range(3))
    if shape == "twolevel":
        return sched, lambda since: np.where(since < pp, hi, lo)
    if shape == "decay":
        return sched, lambda since: np.maximum(lo, hi * np.exp(-since / pp))
    raise ValueError(f"unknown shape '{shape}' (valid: twolevel, decay)")


def accuracies(X, y, period, n_items, seed, lr_of_batch, shift="swap", batch=None):
    """Mean online accuracy of softmax regressions whose rate at a batch, s batches after
    the last shift, is lr_of_batch(s) [learner]; minibatches of `batch` items (default
    reproduce.BATCH = 10)."""
    batch = batch or R.BATCH
    idx, lab = R.STREAMS[shift](y, n_items, period, np.random.default_rng(seed))
    W = None
    correct = 0
    D = X.shape[1]
    for b0 in range(0, n_items, batch):
        xb, tb = X[idx[b0:b0 + batch]], lab[b0:b0 + batch]
        lr = lr_of_batch((b0 % period) // batch)
        if W is None:
            W = np.zeros((D, len(lr), 10))
        z = (xb @ W.reshape(D, -1)).reshape(len(tb), len(lr), 10)  # [item, learner, class]
        correct = correct + (z.argmax(-1) == tb[:, None]).sum(0)
        z -= z.max(-1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(-1, keepdims=True)
        p[np.arange(len(tb)), :, tb] -= 1
        W -= lr[None, :, None] * (xb.T @ p.reshape(len(tb), -1)).reshape(W.shape) / len(tb)
    return correct / n_items


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=10000)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--seed0", type=int, default=7)
    ap.add_argument("--task", choices=("digits", "fashion"), default="digits")
    ap.add_argument("--shift", choices=tuple(R.STREAMS), default="swap")
    ap.add_argument("--shapes", default="twolevel")
    ap.add_argument("--rates", default="0.2,3")
    ap.add_argument("--periods", default=",".join(map(str, R.PERIODS)))
    ap.add_argument("--batch", type=int, default=R.BATCH)
    a = ap.parse_args()
    unit = a.batch / 10  # k and tau count batches of 10 items, whatever the batch
    X, y = R.load_task(a.task)
    rates = rate_grid(*map(float, a.rates.split(",")))
    shapes = a.shapes.split(",")
    parts = [schedules(rates, s) for s in shapes]
    seeds = range(a.seed0, a.seed0 + a.seeds)
    print(f"shift-timed oracle vs best constant: task {a.task}, shift {a.shift}, {a.items} items, "
          f"seeds {seeds.start}-{seeds.stop - 1}, batch {a.batch}, rates {rates[0]} ... {rates[-1]} (10 log-spaced)")
    for i, S in enumerate(map(int, a.periods.split(","))):
        t0 = time.time()
        i_seed = R.PERIODS.index(S) if S in R.PERIODS else i
        A = np.array([accuracies(X, y, S, a.items, 1000 * i_seed + s,
                                 lambda since: np.concatenate([rates] + [f(since * unit) for _, f in parts]),
                                 a.shift, a.batch) for s in seeds])  # [seed, learner]
        m = A.mean(0)
        c = int(m[:len(rates)].argmax())
        line = (f"S = {S:>4}: best constant {m[c]:.4f} (lr {rates[c]}, sd over seeds "
                f"{100 * _sd(A[:, c]):.2f} pp; edge of grid: {c in (0, len(rates) - 1)})")
        off = len(rates)
        for shape, (sched, _) in zip(shapes, parts):
            o = int(m[off:off + len(sched)].argmax())
            g = 100 * (A[:, off + o] - A[:, c])  # per seed [pp]
            h, lo, p = sched[o]
            line += (f"\n    {shape:>8}: {m[off + o]:.4f} (hi {h}, lo {lo}, "
                     f"{'k' if shape == 'twolevel' else 'tau'} {p:g}): gain {g.mean():+.2f} pp, "
                     f"per seed " + " ".join(f"{v:+.2f}" for v in g) + f", sd {_sd(g):.2f}")
            off += len(sched)
        print(line + f"  ({time.time() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
