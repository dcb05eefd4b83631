#!/usr/bin/env python3
"""ELM neuron (Spieler et al., ICLR 2024) with hebb.learn.ELM.

1. The Branch-ELM parameter count on NeuronIO's shape (4500 synapses in 45 branches,
   2 outputs) for d_m = 1, 10, 100 against the README figures 4601 / 5852 / 54002.
2. With the MLP zeroed, m decays as kappa_m^t.
3. Delayed recall, T = 200 steps (1 ms): one of 4 cue channels is on for steps 0-4,
   background noise spikes (p = 0.02 per step and channel) throughout, a go channel
   for the last 10 steps; the class is read from the output averaged over those steps.
   ELM (d_m = 20, plain, 5 inputs) against a LIF and an ALIF network (5-64-4,
   tau_mem = 20 ms, ALIF tau_adapt = 200 ms, leaky readout), same optimizer (Adam lr
   2e-3, gradient norm clipped at 1, batch 32) and number of steps.
4. Adding problem, T = 200: a value channel (uniform [0, 1], each value held for 10
   steps) and a marker channel marking one 10-step block in the first half and one in
   the second; target the sum of the two marked values, read from the last step (MSE;
   the mean predictor scores 1/6). Same models (1 output) and optimizer (Adam lr 5e-3).
   Values are held because the tau_s = 5 synaptic trace of i.i.d. per-step values
   cannot be read below MSE 0.11 (README).
Acceptance [proposed] (SYSTEMS.md 14): ELM accuracy exceeds the better of LIF/ALIF by
>= 20 pp on delayed recall (every seed), or ELM reaches MSE < 0.05 on adding (every seed).

Usage: reproduce.py [--out DIR] [--quick]
"""
import argparse
import os
import sys
import time

import numpy as np
import torch

import hebb.learn as hl

T, K = 200, 4


def recall_task(n, seed):
    r = np.random.default_rng(seed)
    y = r.integers(0, K, n)
    X = (r.random((n, T, K + 1)) < 0.02).astype(np.float32)
    X[np.arange(n)[:, None], np.arange(5)[None, :], y[:, None]] = 1.0
    X[:, T - 10:, K] = 1.0
    return torch.tensor(X), torch.tensor(y)


HOLD = 10


def adding_task(n, seed):
    r = np.random.default_rng(seed)
    nb = T // HOLD
    v = r.random((n, nb))
    a, b = r.integers(0, nb // 2, n), r.integers(nb // 2, nb - 1, n)
    mk = np.zeros((n, nb))
    mk[np.arange(n), a] = mk[np.arange(n), b] = 1
    y = v[np.arange(n), a] + v[np.arange(n), b]
    X = np.stack([v.repeat(HOLD, 1), mk.repeat(HOLD, 1)], -1).astype(np.float32)
    return torch.tensor(X), torch.tensor(y, dtype=torch.float32)


def train_adding(kind, seed, steps, lr=5e-3, batch=32):
    Xtr, ytr = adding_task(4000, 30 + seed)
    Xte, yte = adding_task(500, 40 + seed)
    m = make(kind, seed, n_in=2, n_out=1)
    f = lambda x: m(x.transpose(0, 1))[-1, :, 0]  # noqa: E731
    opt = torch.optim.Adam(m.parameters(), lr=lr)
    g = torch.Generator().manual_seed(seed)
    for it in range(steps):
        idx = torch.randint(0, len(ytr), (batch,), generator=g)
        loss = ((f(Xtr[idx]) - ytr[idx]) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        opt.step()
    with torch.no_grad():
        return float(((f(Xte) - yte) ** 2).mean())


def make(kind, seed, n_in=K + 1, n_out=K):
    torch.manual_seed(seed)
    if kind == "elm":
        return hl.ELM(n_in, 20, n_out, seed=seed)
    l1 = hl.LIF(n_in, 64, tau_mem=20.0, adaptive=(kind == "alif"), tau_adapt=200.0, b_adapt=0.5,
                surrogate="arctan", slope=2.0)
    return torch.nn.Sequential(l1, hl.Readout(64, n_out, tau_mem=20.0))


def train(kind, seed, steps, lr=2e-3, batch=32):
    Xtr, ytr = recall_task(4000, 10 + seed)
    Xte, yte = recall_task(500, 20 + seed)
    m = make(kind, seed)
    f = lambda x: m(x.transpose(0, 1))[-10:].mean(0)  # noqa: E731
    opt = torch.optim.Adam(m.parameters(), lr=lr)
    g = torch.Generator().manual_seed(seed)
    for it in range(steps):
        idx = torch.randint(0, len(ytr), (batch,), generator=g)
        loss = torch.nn.functional.cross_entropy(f(Xtr[idx]), ytr[idx])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        opt.step()
    with torch.no_grad():
        return float((f(Xte).argmax(-1) == yte).float().mean())


def run(quick=False, out="reproduce"):
    torch.set_num_threads(1)
    os.makedirs(out, exist_ok=True)
    t0 = time.time()
    counts = [(d, hl.ELM(4500, d, 2, n_branch=45).parameter_count(), e)
              for d, e in ((1, 4601), (10, 5852), (100, 54002))]
    m = hl.ELM(3, 8, 1, dtype=torch.float64)
    with torch.no_grad():
        for p in (m.w1, m.b1, m.w2, m.b2):
            p.zero_()
    m0 = torch.ones(1, 8, dtype=torch.float64)
    m(torch.randn(100, 1, 3, dtype=torch.float64), m0)
    t = torch.arange(1, 101, dtype=torch.float64).view(100, 1, 1)
    decay_err = float((m.last_memory - m.kappa_m ** t * m0).abs().max())
    seeds = range(1 if quick else 3)
    steps = 300 if quick else 1500
    add_steps = 300 if quick else 1000
    rows, adds = [], []
    for s in seeds:
        # quick: the adding check only (the recall comparison runs at full size)
        adds.append((s, train_adding("elm", s, add_steps)) + (() if quick else
                    (train_adding("lif", s, add_steps), train_adding("alif", s, add_steps))))
        if not quick:
            rows.append((s, train("elm", s, steps), train("lif", s, steps), train("alif", s, steps)))
    gap = min(r[1] - max(r[2], r[3]) for r in rows) if rows else float("nan")
    mse = max(a[1] for a in adds)
    checks = [("parameter count exact for d_m = 1, 10, 100", float(all(c == e for _, c, e in counts)), ">=", 1.0),
              ("max |m_t - kappa_m^t m_0| with the MLP zeroed", decay_err, "<=", 1e-12),
              ("ELM adding MSE (max over seeds)", mse, "<=", 0.05)]
    gap_ok = gap >= 0.20
    print(f"elm_neuron ({'quick' if quick else 'full'}): {time.time() - t0:.1f} s, {steps} training steps")
    print("d_m  parameters  README")
    for d, c, e in counts:
        print(f"{d:>3} {c:>11} {e:>7}")
    print(f"{'seed':>4} {'ELM':>6} {'LIF':>6} {'ALIF':>6}  (adding, T = {T}, test MSE, {add_steps} steps; mean predictor 0.167)")
    for a in adds:
        print(f"{a[0]:>4} " + " ".join(f"{v:>6.4f}" for v in a[1:]))
    if rows:
        print(f"{'seed':>4} {'ELM':>6} {'LIF':>6} {'ALIF':>6}  (delayed recall, T = {T}, test accuracy, {steps} steps)")
        for s, a, b, c in rows:
            print(f"{s:>4} {a:>6.3f} {b:>6.3f} {c:>6.3f}")
        print(f"{'pass' if gap_ok else 'not met'}: ELM - max(LIF, ALIF) on delayed recall "
              f"(min over seeds) {gap:.3f} (>= 0.20; either this or the adding MSE suffices)")
    ok = True
    for name, v, op, thr in checks:
        passed = v >= thr if op == ">=" else v <= thr
        if name.startswith("ELM adding") and gap_ok:
            passed = True  # the acceptance is met through the recall gap instead
        ok &= passed
        print(f"{'PASS' if passed else 'FAIL'}  {name}: {v:.3g} (required {op} {thr})")
    plot(rows, adds, os.path.join(out, "elm_neuron.png"))
    return {"rows": rows, "adds": adds, "gap": gap, "checks": checks, "ok": ok}


def plot(rows, adds, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2 if rows else 1, figsize=(9 if rows else 4.5, 3.5), squeeze=False)
    ax = ax[0]
    names = ["ELM (d_m=20)", "LIF", "ALIF"][:len(adds[0]) - 1]
    vals = np.array([a[1:] for a in adds])
    ax[0].bar(names, vals.mean(0), yerr=vals.std(0) if len(adds) > 1 else None, color=["C0", "C1", "C2"][:len(names)])
    ax[0].axhline(1 / 6, ls=":", c="gray", lw=0.8, label="mean predictor")
    ax[0].axhline(0.05, ls="--", c="r", lw=0.8, label="acceptance 0.05")
    ax[0].set_yscale("log")
    ax[0].set_ylabel("test MSE")
    ax[0].set_title(f"adding, T = {T} steps")
    ax[0].legend(fontsize=8)
    if rows:
        vals = np.array([[r[1], r[2], r[3]] for r in rows]) * 100
        ax[1].bar(["ELM (d_m=20)", "LIF", "ALIF"], vals.mean(0), yerr=vals.std(0) if len(rows) > 1 else None,
                  color=["C0", "C1", "C2"])
        ax[1].axhline(25, ls=":", c="gray", lw=0.8)
        ax[1].set_ylabel("test accuracy [%]")
        ax[1].set_title(f"delayed recall, T = {T} steps")
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
