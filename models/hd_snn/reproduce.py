#!/usr/bin/env python3
"""HD-SNN: heterogeneous-delay spiking motion detectors (Grimaldi & Perrinet, Biol
Cybern 2023) on synthetic drifting textures turned into DVS-like events.

Data. Each sample is a random band-pass texture (a fresh seed per sample) drifting at
one of 8 directions x 3 speeds (24 classes), rendered by a Fourier phase shift
(sub-pixel, periodic) and turned into ON/OFF events by a DVS-like rule: a pixel emits
an ON (OFF) event when its log intensity rose (fell) by more than a threshold since its
last event, then its reference moves by a whole number of thresholds; plus sparse
uniform noise events. A(p, t, x, y), p in {ON, OFF}.

Model. For each class c, C_c = K_c * A: a 3-D causal convolution whose kernel depth
K_T is the set of delays (output at t reads frames t - K_T + 1 .. t). Each kernel has a
delay-dependent circular mask (radius grows with the delay) and the ON/OFF flip-max:
C_c = max(K_c * A, flip_p(K_c) * A), so a motion detector answers either polarity of an
edge. The event inputs are centred first (a fixed per-polarity offset, the training
set's mean event density, is subtracted). A per-voxel softmax over the 24 classes is a
multinomial logistic regression, trained with Adam on the per-voxel cross-entropy plus
an L1 penalty on the in-mask kernel weights (which makes the kernels sparse, so that
magnitude pruning removes near-zero weights). The decision averages the logits over all
positions (t, x, y) and takes the argmax.

Pruning. Keep the largest-magnitude 1/31 of the (in-mask) kernel weights, zero the
rest, no retraining, and measure the accuracy again; a sweep over fractions gives the
accuracy-vs-active-weights curve.

Usage: reproduce.py [--out DIR] [--quick]
"""
import argparse
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

N_DIR, N_SPEED = 8, 3
N_CLASS = N_DIR * N_SPEED
PRUNE_FRACTION = 1.0 / 31.0

QUICK = dict(size=16, frames=12, kt=7, kxy=11, speeds=(0.5, 1.0, 2.0), n_train=32, n_test=8,
             epochs=30, lr=1.5e-3, batch=24, l1=4e-3, seeds=(0,))
FULL = dict(QUICK, n_test=16, seeds=(0, 1, 2))

F0, BW = 0.15, 0.06        # texture: peak spatial frequency and bandwidth [cycles/pixel]
LOG_CONTRAST = 0.6         # std of the log intensity
DVS_THRESHOLD = 0.3        # log-intensity change per event
NOISE_RATE = 0.0           # uniform noise events per pixel, polarity and frame


# ---------------------------------------------------------------- data

def texture_spectrum(rng, size):
    """Complex spectrum of an isotropic log-Gaussian band-pass random texture."""
    f = np.fft.fftfreq(size)
    fx, fy = np.meshgrid(f, f, indexing="ij")
    fr = np.sqrt(fx ** 2 + fy ** 2)
    fr[0, 0] = 1e-6
    env = np.exp(-0.5 * (np.log(fr / F0) / (BW / F0)) ** 2)
    env[0, 0] = 0.0
    noise = np.fft.fft2(rng.standard_normal((size, size)))
    return noise * env, fx, fy


def drifting_events(rng, size, frames, direction, speed):
    """Event tensor (2, frames, size, size) of a texture drifting at (direction, speed)."""
    spec, fx, fy = texture_spectrum(rng, size)
    vx, vy = speed * math.cos(direction), speed * math.sin(direction)
    warm = 2  # frames rendered before the first output frame (set the references)
    t = np.arange(-warm, frames)[:, None, None]
    shift = np.exp(-2j * np.pi * (fx[None] * vx + fy[None] * vy) * t)
    L = np.real(np.fft.ifft2(spec[None] * shift, axes=(1, 2)))
    L = LOG_CONTRAST * L / L.std()
    ref = L[0].copy()
    ev = np.zeros((2, frames + warm, size, size), np.float32)
    for k in range(1, frames + warm):
        d = L[k] - ref
        n = np.trunc(d / DVS_THRESHOLD)
        ev[0, k] = n > 0
        ev[1, k] = n < 0
        ref += n * DVS_THRESHOLD
    ev = ev[:, warm:]
    ev = np.maximum(ev, rng.random(ev.shape) < NOISE_RATE)
    return ev.astype(np.float32)


def dataset(seed, n_per_class, cfg):
    """n_per_class samples of each of the 24 classes (class = direction * 3 + speed)."""
    rng = np.random.default_rng(seed)
    X, y = [], []
    for _ in range(n_per_class):
        for c in range(N_CLASS):
            d, s = divmod(c, N_SPEED)
            X.append(drifting_events(rng, cfg["size"], cfg["frames"], 2 * math.pi * d / N_DIR, cfg["speeds"][s]))
            y.append(c)
    return torch.from_numpy(np.stack(X)), torch.tensor(y)


# ---------------------------------------------------------------- model

def delay_mask(kt, kxy, speed_max):
    """(kt, kxy, kxy) mask: at delay delta (kernel index kt-1-delta) a disc of radius
    1 + speed_max * delta (pixels), capped at the kernel's half-width."""
    r = (kxy - 1) / 2
    xy = np.arange(kxy) - r
    rr = np.sqrt(xy[:, None] ** 2 + xy[None, :] ** 2)
    m = np.zeros((kt, kxy, kxy), np.float32)
    for i in range(kt):
        delta = kt - 1 - i
        m[i] = rr <= min(1.0 + speed_max * delta, r + 0.5)
    return torch.from_numpy(m)


class HDSNN(torch.nn.Module):
    def __init__(self, cfg, seed):
        super().__init__()
        g = torch.Generator().manual_seed(1000 + seed)
        kt, k = cfg["kt"], cfg["kxy"]
        self.register_buffer("mask", delay_mask(kt, k, max(cfg["speeds"])))
        fan = 2 * float(self.mask.sum())
        self.weight = torch.nn.Parameter(torch.randn(N_CLASS, 2, kt, k, k, generator=g) / math.sqrt(fan))
        self.bias = torch.nn.Parameter(torch.zeros(N_CLASS))
        self.register_buffer("keep", torch.ones_like(self.weight))  # pruning mask
        # fixed per-polarity input offset (mean event density of the training set),
        # subtracted before the convolution so that the inputs are centred
        self.register_buffer("offset", torch.zeros(1, 2, 1, 1, 1))

    def set_offset(self, A):
        self.offset.copy_(A.mean(dim=(0, 2, 3, 4)).view(1, 2, 1, 1, 1))

    def kernel(self):
        return self.weight * self.mask * self.keep

    def forward(self, A):
        """Per-voxel logits (N, 24, T', X', Y') with the ON/OFF flip-max."""
        K = self.kernel()
        Kf = torch.cat([K, K.flip(1)], 0)  # flip_p swaps the ON and OFF planes
        out = F.conv3d(A - self.offset, Kf)
        return torch.maximum(out[:, :N_CLASS], out[:, N_CLASS:]) + self.bias[None, :, None, None, None]

    def n_weights(self):
        return int((self.mask.expand_as(self.weight) * self.keep).sum())

    def prune(self, fraction):
        """Keep the largest-magnitude `fraction` of the in-mask weights (global)."""
        self.keep.fill_(1.0)
        w = (self.weight * self.mask).detach().abs().flatten()
        n_in = int(self.mask.expand_as(self.weight).sum())
        n_keep = max(1, int(round(fraction * n_in)))
        idx = torch.topk(w, n_keep).indices
        keep = torch.zeros_like(w)
        keep[idx] = 1.0
        self.keep.copy_(keep.view_as(self.weight))


def accuracy(net, X, y, batch=64):
    with torch.no_grad():
        pred = torch.cat([net(X[i:i + batch]).mean(dim=(2, 3, 4)).argmax(1) for i in range(0, len(X), batch)])
    return float((pred == y).float().mean())


def train(net, X, y, cfg, seed):
    opt = torch.optim.Adam(net.parameters(), lr=cfg["lr"])
    g = torch.Generator().manual_seed(2000 + seed)
    for _ in range(cfg["epochs"]):
        perm = torch.randperm(len(X), generator=g)
        for i in range(0, len(X), cfg["batch"]):
            b = perm[i:i + cfg["batch"]]
            logits = net(X[b])
            target = y[b][:, None, None, None].expand(-1, *logits.shape[2:])
            loss = F.cross_entropy(logits, target)
            if cfg["l1"]:
                loss = loss + cfg["l1"] * (net.weight * net.mask).abs().sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
    return float(loss)


# ---------------------------------------------------------------- experiment

SWEEP = (1.0, 1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 31, 1 / 64, 1 / 128, 1 / 256, 1 / 512, 1 / 1024)


def one_seed(cfg, seed):
    Xtr, ytr = dataset(10 * seed, cfg["n_train"], cfg)
    Xte, yte = dataset(10 * seed + 1, cfg["n_test"], cfg)
    net = HDSNN(cfg, seed)
    net.set_offset(Xtr)
    loss = train(net, Xtr, ytr, cfg, seed)
    acc = accuracy(net, Xte, yte)
    curve = []
    for f in SWEEP:
        net.prune(f)
        curve.append((f, net.n_weights(), accuracy(net, Xte, yte)))
    net.prune(PRUNE_FRACTION)
    acc_pruned = accuracy(net, Xte, yte)
    net.prune(1.0)
    return dict(seed=seed, loss=loss, acc=acc, acc_pruned=acc_pruned, curve=curve,
                n_train=len(Xtr), n_test=len(Xte), events=float(Xtr.mean()), net=net)


def half_saturation(curve, chance):
    """Fraction of active weights at which the accuracy falls half way from the full
    accuracy to chance (log-linear interpolation on the sweep)."""
    full = curve[0][2]
    half = chance + 0.5 * (full - chance)
    for (f0, _, a0), (f1, _, a1) in zip(curve, curve[1:]):
        if a0 >= half > a1:
            u = (a0 - half) / (a0 - a1)
            return math.exp(math.log(f0) + u * (math.log(f1) - math.log(f0)))
    return float("nan")


def run(quick=False, out="reproduce", seeds=None):
    torch.set_num_threads(1)
    torch.manual_seed(0)
    os.makedirs(out, exist_ok=True)
    cfg = dict(QUICK if quick else FULL)
    if seeds is not None:
        cfg["seeds"] = tuple(seeds)
    t0 = time.time()
    rows = [one_seed(cfg, s) for s in cfg["seeds"]]
    for r in rows:
        r["half"] = half_saturation(r["curve"], 1 / N_CLASS)
    checks = [
        ("test accuracy (min over seeds)", min(r["acc"] for r in rows), ">=", 0.80),
        ("accuracy cost of pruning to 1/31 of the weights [pp] (max over seeds)",
         max(100 * (r["acc"] - r["acc_pruned"]) for r in rows), "<=", 5.0),
    ]
    print(f"hd_snn ({'quick' if quick else 'full'}): {len(rows)} seeds, {time.time() - t0:.1f} s; "
          f"{cfg['size']}x{cfg['size']} px, {cfg['frames']} frames, kernel (K_T, K_x, K_y) = "
          f"({cfg['kt']}, {cfg['kxy']}, {cfg['kxy']}), {rows[0]['n_train']} train / {rows[0]['n_test']} test, "
          f"event density {rows[0]['events']:.3f}")
    print(f"{'seed':>4} {'accuracy':>8} {'acc 1/31':>8} {'cost [pp]':>9} {'half-sat':>9}")
    for r in rows:
        print(f"{r['seed']:>4} {r['acc']:>8.3f} {r['acc_pruned']:>8.3f} {100 * (r['acc'] - r['acc_pruned']):>9.1f} "
              f"{100 * r['half']:>8.2f}%")
    print("pruning sweep (last seed): fraction kept, active weights, accuracy")
    for f, n, a in rows[-1]["curve"]:
        print(f"  1/{1 / f:<6.0f} {n:>7d} {a:.3f}")
    ok = True
    for name, v, op, thr in checks:
        passed = v >= thr if op == ">=" else v <= thr
        ok &= passed
        print(f"{'PASS' if passed else 'FAIL'}  {name}: {v:.3f} (required {op} {thr})")
    plot(rows, cfg, os.path.join(out, "hd_snn.png"))
    for r in rows:
        del r["net"]
    return {"rows": rows, "checks": checks, "ok": ok}


def plot(rows, cfg, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.8))
    for r in rows:
        f = [c[0] for c in r["curve"]]
        ax[0].semilogx([100 * x for x in f], [100 * c[2] for c in r["curve"]], "o-", label=f"seed {r['seed']}")
    ax[0].axvline(100 * PRUNE_FRACTION, ls="--", c="k", lw=0.8, label="1/31")
    ax[0].axhline(100 / N_CLASS, ls=":", c="gray", lw=0.8, label="chance")
    ax[0].set_xlabel("active weights [%]")
    ax[0].set_ylabel("test accuracy [%]")
    ax[0].set_title("accuracy vs pruning (no retraining)")
    ax[0].legend(fontsize=8)
    # the ON kernel of the class 'direction 0, fastest speed', one panel per delay
    K = rows[-1]["net"].kernel().detach()[N_SPEED - 1, 0].numpy()
    kt = K.shape[0]
    strip = np.concatenate([np.pad(K[kt - 1 - d], 1, constant_values=np.nan) for d in range(kt)], axis=1)
    v = np.nanmax(np.abs(strip))
    ax[1].imshow(strip, cmap="RdBu_r", vmin=-v, vmax=v)
    ax[1].set_title("ON kernel, direction 0 deg, fastest speed; delay 0 .. K_T-1 ->")
    ax[1].axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="reproduce")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seeds", help="comma-separated seeds instead of the configuration's (e.g. 3,4,5,6,7: "
                    "seeds not used to choose the settings)")
    a = ap.parse_args()
    seeds = None
    if a.seeds is not None:
        try:
            seeds = [int(v) for v in a.seeds.split(",")]
        except ValueError:
            ap.error(f"--seeds {a.seeds!r}: expected comma-separated integers")
        if not seeds or min(seeds) < 0:
            ap.error(f"--seeds {a.seeds!r}: expected one or more non-negative integers")
    r = run(a.quick, a.out, seeds)
    sys.exit(0 if r["ok"] else 1)


if __name__ == "__main__":
    main()
