#!/usr/bin/env python3
"""The paper's learner under concept shift: an MLP 784-80-60-10 (ELU hidden layers,
softmax output, the authors' initialisation: He-normal weights, standard-normal biases)
on Fashion-MNIST (Debian dataset-fashion-mnist), plain minibatch SGD on the mean
cross-entropy, batch 10, items drawn without replacement from the 60 000 training
images, every item predicted before it is learned (prequential accuracy). Every S items
two random classes swap their labels (S in {50, 200, 1000}).

Learners on the same stream, all from the same initial weights: constant rates (a grid);
the random regulator; the homeostatic regulator, with either rule:
  --rule hebb   hebb.learn.HomeostaticLR as in reproduce.py: every item offered, the
                lookahead made with the batch gradient and scored on this batch and the
                previous one, rate x/÷ rho = 1.1, viable band [eta0/10, 10 eta0] guarded;
  --rule paper  the authors' rule (reproduce.PaperLR): one offer per batch at its first
                item, lookahead with that item's gradient / 10 scored on the 20 items
                before it, additive step eta0/10.
--pretrain N first trains one network on N unshifted items (rate --pretrain-lr) and
starts every learner from it (the paper's learners spend most of their 50 epochs as
trained recognisers; ours see 20 000 items).

A design study for models/homeostatic_shift/README.md (seeds 7-11; its table), not an
acceptance run. Usage:
  mlp_fashion.py [--rule hebb|paper] [--eta0 R] [--items N] [--seeds N] [--seed0 K]
                 [--periods 50,200,1000] [--pretrain N] [--pretrain-lr R]
"""
import argparse
import importlib.util
import os
import time

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

GRID = (0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2)
BATCH, MEMO, HIDDEN = 10, 20, (80, 60)


def elu(z):
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))


def init(rng):
    sizes = (784,) + HIDDEN + (10,)
    P = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        P += [(rng.standard_normal((a, b)) * np.sqrt(2 / a)).astype(np.float32),
              rng.standard_normal(b).astype(np.float32)]
    return P


def forward(P, x):
    """x [..., B, 784] with P stacked over the leading learner axis (or not)."""
    zs, acts = [], [x]
    for k in range(len(P) // 2):
        z = acts[-1] @ P[2 * k] + P[2 * k + 1][..., None, :]
        zs.append(z)
        acts.append(elu(z) if k < len(P) // 2 - 1 else z)
    return zs, acts


def predict(P, x):
    with np.errstate(over="ignore", invalid="ignore"):
        return forward(P, x)[1][-1].argmax(-1)


def gradients(P, x, t):
    """Mean cross-entropy gradients over the batch, and the predictions."""
    with np.errstate(over="ignore", invalid="ignore"):
        zs, acts = forward(P, x)
        z = acts[-1]
        p = np.exp(z - z.max(-1, keepdims=True))
        p /= p.sum(-1, keepdims=True)
        p[..., np.arange(len(t)), t] -= 1
        d = p / len(t)
        G = [None] * len(P)
        for k in range(len(P) // 2 - 1, -1, -1):
            G[2 * k] = np.swapaxes(acts[k], -1, -2) @ d
            G[2 * k + 1] = d.sum(-2)
            if k:
                d = (d @ np.swapaxes(P[2 * k], -1, -2)) * np.where(zs[k - 1] > 0, 1, np.exp(np.minimum(zs[k - 1], 0)))
    return G, z.argmax(-1)


def online(X, y, period, n_items, seed, rule, eta0, pretrain=0, pretrain_lr=0.05):
    rng = np.random.default_rng(seed)
    idx = rng.permutation(len(y))[:n_items]  # items without replacement
    lab = _relabel(y, idx, period, rng, n_items)
    coin = np.random.default_rng(seed + 7919)
    P = init(np.random.default_rng(seed + 17))
    if pretrain:
        pidx = np.random.default_rng(seed + 29).integers(0, len(y), pretrain)
        for q in range(0, pretrain, BATCH):
            G, _ = gradients(P, X[pidx[q:q + BATCH]], y[pidx[q:q + BATCH]])
            P = [p - pretrain_lr * g for p, g in zip(P, G)]
    L = len(GRID) + 2
    P = [np.repeat(p[None], L, 0) for p in P]
    reg = dict(eta0=eta0, rho=1.1, first_excitatory=5, band_lo=eta0 / 10, band_hi=10 * eta0)
    make = (lambda: hl.HomeostaticLR(None, **reg)) if rule == "hebb" else (lambda: R.PaperLR(**reg))
    rand, homeo = make(), make()
    correct = np.zeros((L, n_items), bool)
    trace = []
    for b0 in range(0, n_items, BATCH):
        xb, tb = X[idx[b0:b0 + BATCH]], lab[b0:b0 + BATCH]
        G, pred = gradients(P, np.broadcast_to(xb, (L,) + xb.shape), tb)
        correct[:, b0:b0 + len(tb)] = pred == tb
        Ph = [p[-1] for p in P]
        if rule == "hebb":
            lo = max(0, b0 + len(tb) - MEMO)
            mx, mt = X[idx[lo:b0 + len(tb)]], lab[lo:b0 + len(tb)]
            Gh, cache = [g[-1] for g in G], {}

            def score(lr):
                if lr not in cache:
                    cache[lr] = float((predict([p - lr * g for p, g in zip(Ph, Gh)], mx) == mt).mean())
                return cache[lr]

            for j in range(len(tb)):
                rand.offer(pred[-2, j], tb[j], lambda lr: 0.0 if lr == rand.lr else float(coin.random() < 0.5))
                if b0 >= MEMO:
                    homeo.offer(pred[-1, j], tb[j], score)
        else:
            if b0 > MEMO:
                g1, _ = gradients(Ph, xb[:1], tb[:1])
                mx, mt = X[idx[b0 - MEMO:b0]], lab[b0 - MEMO:b0]

                def score(lr):
                    return float((predict([p - lr / BATCH * g for p, g in zip(Ph, g1)], mx) == mt).mean())

                homeo.offer(pred[-1, 0], tb[0], score)
            if b0 > 0 and coin.random() > 0.5:
                rand.take(tb[0])
            rand.count()
        lr = np.array(GRID + (rand.lr, homeo.lr), np.float32)
        P = [p - lr.reshape((L,) + (1,) * (p.ndim - 1)) * g for p, g in zip(P, G)]
        trace.append(homeo.lr)
    return correct.mean(1), np.array(trace)


def _relabel(y, idx, period, rng, n_items):
    """Labels of the stream idx: every `period` items two random classes swap."""
    perm = np.arange(10)
    lab = np.empty(n_items, np.int64)
    for k in range(n_items):
        if k and k % period == 0:
            a, b = rng.choice(10, 2, replace=False)
            perm[[a, b]] = perm[[b, a]]
        lab[k] = perm[y[idx[k]]]
    return lab


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rule", choices=("hebb", "paper"), default="hebb")
    ap.add_argument("--eta0", type=float, default=0.1)
    ap.add_argument("--items", type=int, default=20000)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--seed0", type=int, default=7)
    ap.add_argument("--periods", default="50,200,1000")
    ap.add_argument("--pretrain", type=int, default=0)
    ap.add_argument("--pretrain-lr", type=float, default=0.05)
    a = ap.parse_args()
    X, y = hl.load_fashion_mnist("train")
    X, y = X.numpy(), y.numpy()
    print(f"MLP 784-80-60-10 ELU, Fashion-MNIST, rule {a.rule}, eta0 {a.eta0}, {a.items} items, "
          f"seeds {a.seed0}-{a.seed0 + a.seeds - 1}, pretrain {a.pretrain}")
    print("S: mean online accuracy of the constants " + " ".join(map(str, GRID)) + " | random | homeostatic")
    for S in map(int, a.periods.split(",")):
        t0 = time.time()
        runs = [online(X, y, S, a.items, 1000 * S + s, a.rule, a.eta0, a.pretrain, a.pretrain_lr)
                for s in range(a.seed0, a.seed0 + a.seeds)]
        A = np.array([r[0] for r in runs])
        m = A.mean(0)
        j = int(m[:len(GRID)].argmax())
        e0 = GRID.index(a.eta0) if a.eta0 in GRID else None
        tr = np.concatenate([r[1] for r in runs])
        print(f"{S:>5}: " + " ".join(f"{v:.3f}" for v in m[:len(GRID)]) + f" | {m[-2]:.3f} | {m[-1]:.3f}; "
              f"adv vs best ({GRID[j]}) {100 * (m[-1] - m[j]):+.2f} pp"
              + (f", vs eta0 {100 * (m[-1] - m[e0]):+.2f} pp" if e0 is not None else "")
              + f"; rate median {np.median(tr):.3g} [1% {np.percentile(tr, 1):.3g}, 99% {np.percentile(tr, 99):.3g}]"
              f" ({time.time() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
