#!/usr/bin/env python3
"""DCLS learnable delays (Hammouamri, Khalfaoui-Hassani & Masquelier, ICLR 2024) on a
synthetic polychronous task, with hebb.learn.DelayLinear and the fused LIF layer.

A. Classification: 4 classes that differ only in the relative spike times of 8
   channels (one pattern spike per channel at planted offsets, a random onset, plus
   one random background spike per channel: every channel has 2 spikes in every
   class, so rates are matched). Net: DelayLinear(8->4) -> LIF(4) -> logit = peak
   membrane. "Without delays" = the same net with all positions fixed at 0 and
   sigma -> 0 (plain weights).
B. Planted-delay recovery: a teacher delay layer with planted integer delays maps
   Poisson input to targets; a student DelayLinear (random positions) is trained by
   regression (400 steps, Adam, lr_w = 3e-3, lr_pos = 100 lr_w, sigma from 12.5 to 0.23
   over the first half), then rounded.

Usage: reproduce.py [--out DIR] [--quick]
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
from torch import nn

import hebb.learn as hl

C, CH, T, K = 4, 8, 50, 25  # classes, channels, steps (dt = 1 ms), kernel size (steps)
SPACING = 3                 # planted offsets: a permutation of 0, 3, ..., 21 steps


def polychronous(seed, n, pattern_seed=0):
    prng = np.random.default_rng(pattern_seed)
    D = np.stack([prng.permutation(CH) * SPACING for _ in range(C)])
    rng = np.random.default_rng(seed)
    y = rng.integers(0, C, n)
    X = np.zeros((n, T, CH), np.float32)
    span = T - SPACING * (CH - 1)
    for k in range(n):
        X[k, rng.integers(0, span) + D[y[k]], np.arange(CH)] = 1
        X[k, rng.integers(0, T, CH), np.arange(CH)] = 1  # one background spike per channel
    return torch.tensor(X), torch.tensor(y), torch.tensor(D)


class DelayNet(nn.Module):
    def __init__(self, delays, seed):
        super().__init__()
        self.d = hl.DelayLinear(CH, C, K, dt=1.0, seed=seed,
                                init_delays=None if delays else torch.zeros(C, CH))
        with torch.no_grad():
            self.d.weight.fill_(0.3)
        if not delays:
            self.d.pos.requires_grad_(False)
            self.d.sigma = 1e-3  # no temporal kernel: the same net without delays
        self.lif = hl.LIF(C, C, dt=1.0, tau_mem=1.0, surrogate="arctan", slope=2.0)
        self.scale = nn.Parameter(torch.tensor(3.0))

    def forward(self, x):  # x: [B, T, CH]
        self.lif.dynamics(self.d(x.transpose(0, 1)))
        return self.scale * self.lif.last[1].max(0).values


def classify(delays, seed, epochs, n_train, n_test, lr=3e-3):
    Xtr, ytr, D = polychronous(100 + seed, n_train)
    Xte, yte, _ = polychronous(200 + seed, n_test)
    torch.manual_seed(seed)
    net = DelayNet(delays, seed)
    groups = net.d.param_groups(lr, 100.0) if delays else [{"params": [net.d.weight], "lr": lr}]
    opt = torch.optim.Adam(groups + [{"params": [net.scale], "lr": lr}])

    def on_epoch(tr, e):
        if delays:
            net.d.sigma = hl.dcls_sigma(e, epochs, K / 2, 0.23, 0.5)

    def after_step(tr):
        net.d.clamp_positions()
        net.d.weight.data.clamp_(min=0)  # excitatory synapses

    tr = hl.Trainer(net, opt, (Xtr, ytr), epochs=epochs, batch_size=50, seed=seed,
                    on_epoch=on_epoch, after_step=after_step, progress=False)
    tr.fit()
    if delays:
        net.d.round_positions()
    acc = tr.evaluate(Xte, yte)
    rec = None
    if delays:
        s = net.d.delays() + D  # aligned: delay + offset is the same for all channels of a class
        dev = (s - s.median(1, keepdim=True).values).abs()
        rec = float((dev <= 1).float().mean())
    return acc, rec, net


def recover(seed, epochs=400, I=10, O=4, batch=32, steps=200, lr=3e-3):
    g = torch.Generator().manual_seed(1000 + seed)
    D = torch.randint(0, K, (O, I), generator=g).double()
    W = (0.5 + torch.rand(O, I, generator=g)).double()
    st = hl.DelayLinear(I, O, K, seed=seed, dtype=torch.float64)
    with torch.no_grad():
        st.weight.fill_(1.0)
    opt = torch.optim.Adam(st.param_groups(lr, 100.0))
    for e in range(epochs):
        x = (torch.rand(steps, batch, I, generator=g) < 0.1).double()
        with torch.no_grad():
            y = hl._learn.delay_forward(x, W, D)
        st.sigma = hl.dcls_sigma(e, epochs, K / 2, 0.23, 0.5)
        loss = (st(x) - y).square().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        st.clamp_positions()
    d = st.delays()
    return float(((d - D.long()).abs() <= 1).float().mean()), D, d, st


def run(quick=False, out="reproduce"):
    torch.set_num_threads(1)
    os.makedirs(out, exist_ok=True)
    seeds = range(2 if quick else 5)
    epochs, n_train, n_test = 30, 1000, 500
    t0 = time.time()
    rows = []
    for s in seeds:
        acc_d, rec_a, net = classify(True, s, epochs, n_train, n_test)
        acc_n, _, _ = classify(False, s, epochs, n_train, n_test)
        rec_b, D, d, st = recover(s)
        rows.append((s, acc_d, acc_n, rec_a, rec_b))
    exp = net.d.export(source="input", target="detector", path=os.path.join(out, "dcls_delays_export.toml"))
    checks = [
        ("accuracy with learned delays (min over seeds)", min(r[1] for r in rows), ">=", 0.95),
        ("accuracy without delays (max over seeds)", max(r[2] for r in rows), "<=", 0.60),
        ("planted delays recovered within +-1 step (min over seeds)", min(r[4] for r in rows), ">=", 0.90),
    ]
    print(f"dcls_delays ({'quick' if quick else 'full'}): {len(rows)} seeds, {time.time() - t0:.1f} s")
    print(f"{'seed':>4} {'acc delays':>10} {'acc no delays':>13} {'aligned (A)':>11} {'recovered (B)':>13}")
    for s, a, b, ra, rb in rows:
        print(f"{s:>4} {a:>10.3f} {b:>13.3f} {ra:>11.3f} {rb:>13.3f}")
    ok = True
    for name, v, op, thr in checks:
        passed = v >= thr if op == ">=" else v <= thr
        ok &= passed
        print(f"{'PASS' if passed else 'FAIL'}  {name}: {v:.3f} (required {op} {thr})")
    print(f"exported {len(exp['sources'])} synapses to {os.path.join(out, 'dcls_delays_export.toml')}")
    plot(rows, D, d, os.path.join(out, "dcls_delays.png"))
    return {"rows": rows, "checks": checks, "ok": ok}


def plot(rows, D, d, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.5))
    s = [r[0] for r in rows]
    ax[0].bar(np.array(s) - 0.2, [100 * r[1] for r in rows], 0.4, label="learned delays")
    ax[0].bar(np.array(s) + 0.2, [100 * r[2] for r in rows], 0.4, label="no delays")
    ax[0].axhline(95, ls="--", c="k", lw=0.8)
    ax[0].axhline(25, ls=":", c="gray", lw=0.8)
    ax[0].set_xlabel("seed")
    ax[0].set_ylabel("test accuracy [%]")
    ax[0].set_title("A: polychronous classes")
    ax[0].legend(fontsize=8)
    ax[1].scatter(D.flatten().numpy(), d.flatten().numpy(), s=15)
    ax[1].plot([0, K - 1], [0, K - 1], "k--", lw=0.8)
    ax[1].set_xlabel("planted delay [steps]")
    ax[1].set_ylabel("learned delay [steps]")
    ax[1].set_title("B: planted-delay recovery (last seed)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="reproduce")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    r = run(a.quick, a.out)
    sys.exit(0 if r["ok"] else 1)


if __name__ == "__main__":
    main()
