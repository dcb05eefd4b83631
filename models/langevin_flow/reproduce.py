#!/usr/bin/env python3
"""LangevinFlow (Song, Keller, Yue, Perona & Welling 2025) on Lorenz-driven Poisson data
(SYSTEMS.md section 13), with hebb.learn.LangevinLatent and hebb.analysis' NLB metrics.

Data: hebb.analysis.make_lorenz_data (3 standardised Lorenz latents, 30 neurons, 50 bins
of 10 ms per trial, 20 Hz base rate); 80 % of the trials train, 20 % are held out; the
last 6 neurons are held out (co-smoothing, as nlb_tools: the encoder sees the 24 held-in
neurons, the decoder predicts all 30).
Model: models/langevin_flow/model.py (GRU encoder, Langevin latent dynamics on a ring of
8 coupled oscillators, one-layer Transformer decoder, Poisson ELBO).

Checks (exit code):
  1. bps of the null model on the held-out trials is 0 exactly; bps(true rates) > 0.
  2. the fitted model's bits/spike on the held-out trials (all 30 neurons) is
     >= 0.9 x bps(true rates) [SYSTEMS.md 13].
  3. co-smoothing: its bits/spike on the held-out neurons of the held-out trials is
     >= 0.9 x that of the true rates [ours: the same bar on the harder NLB split].
  4. the Langevin layer with a quadratic U reproduces equipartition, Var(v) =
     sigma^2/(2 gamma) and Var(z) = Var(v)/k, within 5 % [theory].
Shown: nlb_tools' smoothing baseline (hebb.analysis.co_smoothing) on the same split, the
R^2 of inferred against true rates (per neuron, averaged) and of a linear map from
inferred to true latents, the learned gamma, k, coupling, sigma.

Usage: reproduce.py [--out DIR] [--quick]
"""
import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

import hebb.analysis as A
import hebb.learn as hl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model import LangevinFlowVAE, infer_rates, train  # noqa: E402

N_NEURONS, T_BINS, N_HELDOUT = 30, 50, 6


def time_major(a):
    return torch.tensor(np.ascontiguousarray(np.transpose(a, (1, 0, 2))), dtype=torch.float32)


def trial_major(t):
    return np.transpose(t.numpy(), (1, 0, 2)).astype(np.float64)


def equipartition(seed=7):
    """Var(v), Var(z) of independent oscillators (c = 0) against sigma^2/(2 gamma), Var(v)/k."""
    D, B, T, chunks, burn, h = 4, 512, 500, 12, 2, 0.05
    g = torch.tensor([1.0, 2.0, 0.5, 1.5], dtype=torch.float64)
    k = torch.tensor([1.0, 0.5, 2.0, 4.0], dtype=torch.float64)
    s = torch.tensor([1.0, 0.5, 1.5, 1.0], dtype=torch.float64)
    c = torch.zeros(D, dtype=torch.float64)
    z, v = torch.zeros(B, D, dtype=torch.float64), torch.zeros(B, D, dtype=torch.float64)
    f = torch.zeros(T, B, D, dtype=torch.float64)
    sz, sv, n = 0.0, 0.0, 0
    for i in range(chunks):
        Z, V = hl.langevin_sequence(z, v, f, hl.langevin_noise(T, B, D, seed * 1000 + i, True),
                                    g, k, c, s, h)
        z, v = Z[-1].clone(), V[-1].clone()
        if i >= burn:
            sz, sv, n = sz + Z.square().sum((0, 1)), sv + V.square().sum((0, 1)), n + T * B
    kT = s.square() / (2 * g)
    return (sv / n / kT).numpy(), (sz / n / (kT / k)).numpy()


def fit_one(seed, n_trials, epochs, log=print):
    d = A.make_lorenz_data(n_trials=n_trials, trial_length=T_BINS, n_neurons=N_NEURONS, bin=10.0,
                           seed=seed)
    y, r, lat = d["counts"], d["rates"], d["latents"]
    ho = np.arange(N_NEURONS) >= N_NEURONS - N_HELDOUT
    ntr = int(0.8 * n_trials)
    torch.manual_seed(seed)
    model = LangevinFlowVAE(N_NEURONS - N_HELDOUT, N_NEURONS, T_BINS, seed=seed)
    t0 = time.perf_counter()
    curve = train(model, time_major(y[:ntr][:, :, ~ho]), time_major(y[:ntr]), epochs=epochs,
                  seed=seed, log=lambda e, c: log(f"  seed {seed} epoch {e + 1}/{epochs}: -ELBO/bin {c:.4f}")
                  if (e + 1) % max(1, epochs // 5) == 0 else None)
    t_train = time.perf_counter() - t0
    rates_t, z_t = infer_rates(model, time_major(y[ntr:][:, :, ~ho]))
    rates, z = trial_major(rates_t), trial_major(z_t)
    ye, re = y[ntr:], r[ntr:]
    res = {
        "seed": seed, "curve": curve, "t_train": t_train,
        "bps_null": A.bits_per_spike(A.null_rates(ye), ye),
        "bps_true": A.bits_per_spike(re, ye),
        "bps_model": A.bits_per_spike(rates, ye),
        "co_true": A.bits_per_spike(re[:, :, ho], ye[:, :, ho]),
        "co_model": A.bits_per_spike(rates[:, :, ho], ye[:, :, ho]),
    }
    _, res["co_smoothing"] = A.co_smoothing(y[:ntr][:, :, ~ho], y[:ntr][:, :, ho], ye[:, :, ~ho],
                                            ye[:, :, ho], kernel_sd=30.0, bin=10.0, alpha=1e-2)
    # R² of inferred against true rates per neuron over held-out samples, averaged over neurons
    res["rate_r2"] = A.psth_r2(re, rates)
    res["rate_r2_ho"] = A.psth_r2(re[:, :, ho], rates[:, :, ho])
    # linear map from inferred latents to the true ones (least squares on held-out trials)
    Z = np.c_[z.reshape(-1, z.shape[2]), np.ones(z.shape[0] * z.shape[1])]
    L = lat[ntr:].reshape(-1, 3)
    W, *_ = np.linalg.lstsq(Z, L, rcond=None)
    pred = Z @ W
    res["latent_r2"] = float(1 - ((L - pred) ** 2).sum() / ((L - L.mean(0)) ** 2).sum())
    dyn = model.dynamics
    res["params"] = {k: getattr(dyn, k).detach().numpy().copy() for k in ("gamma", "k", "coupling", "sigma")}
    res["plot"] = {"rates": rates[0], "true_rates": re[0], "counts": ye[0], "ho": ho,
                   "latents": lat[ntr:][0], "fit_latents": pred.reshape(lat[ntr:].shape)[0]}
    return res


def plot(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    r0 = results[0]
    p = r0["plot"]
    fig, ax = plt.subplots(2, 2, figsize=(11, 7))
    t = np.arange(T_BINS) * 10.0
    for j, n in enumerate([0, 7, N_NEURONS - 1]):
        col = f"C{j}"
        tag = " (held out)" if p["ho"][n] else ""
        ax[0, 0].plot(t, p["true_rates"][:, n] * 100, col, lw=2, alpha=0.5, label=f"neuron {n}{tag}: true")
        ax[0, 0].plot(t, p["rates"][:, n] * 100, col + "--", label="inferred")
    ax[0, 0].set_xlabel("time [ms]")
    ax[0, 0].set_ylabel("rate [Hz]")
    ax[0, 0].set_title(f"held-out trial, seed {r0['seed']}")
    ax[0, 0].legend(fontsize=7)
    for i in range(3):
        ax[0, 1].plot(t, p["latents"][:, i], f"C{i}", lw=2, alpha=0.5, label=f"Lorenz {'xyz'[i]}")
        ax[0, 1].plot(t, p["fit_latents"][:, i], f"C{i}--")
    ax[0, 1].set_xlabel("time [ms]")
    ax[0, 1].set_title(f"true latents and linear map of inferred z (R² {r0['latent_r2']:.2f})")
    ax[0, 1].legend(fontsize=7)
    for r in results:
        ax[1, 0].plot(np.arange(1, len(r["curve"]) + 1), r["curve"], label=f"seed {r['seed']}")
    ax[1, 0].set_xlabel("epoch")
    ax[1, 0].set_ylabel("-ELBO per bin (train)")
    ax[1, 0].set_yscale("log")
    ax[1, 0].legend(fontsize=7)
    names = ["smoothing\n(co)", "LangevinFlow\n(co)", "true\n(co)", "LangevinFlow\n(all)", "true\n(all)"]
    vals = np.array([[r["co_smoothing"], r["co_model"], r["co_true"], r["bps_model"], r["bps_true"]]
                     for r in results])
    ax[1, 1].bar(range(5), vals.mean(0), yerr=vals.std(0) if len(results) > 1 else None,
                 color=["C7", "C0", "C2", "C0", "C2"])
    ax[1, 1].set_xticks(range(5), names, fontsize=8)
    ax[1, 1].set_ylabel("bits/spike, held-out trials")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def run(quick=False, out="reproduce", log=print):
    torch.set_num_threads(1)
    os.makedirs(out, exist_ok=True)
    t0 = time.perf_counter()
    seeds, n_trials, epochs = ([1], 200, 40) if quick else ([1, 2, 3], 400, 120)
    results = [fit_one(s, n_trials, epochs, log) for s in seeds]
    var_v, var_z = equipartition()
    log(f"\nLangevinFlow on Lorenz data: {n_trials} trials x {T_BINS} bins x {N_NEURONS} neurons "
        f"({N_HELDOUT} held out), {epochs} epochs")
    log("| seed | bps null | bps true | bps model | ratio | co-bps true | co-bps model | ratio "
        "| co-bps smoothing | rate R² all / held-out | latent R² | train [s] |")
    log("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        log(f"| {r['seed']} | {r['bps_null']:.1f} | {r['bps_true']:.4f} | {r['bps_model']:.4f} | "
            f"{r['bps_model'] / r['bps_true']:.3f} | {r['co_true']:.4f} | {r['co_model']:.4f} | "
            f"{r['co_model'] / r['co_true']:.3f} | {r['co_smoothing']:.4f} | {r['rate_r2']:.3f} / "
            f"{r['rate_r2_ho']:.3f} | {r['latent_r2']:.3f} | "
            f"{r['t_train']:.0f} |")
    for r in results:
        log(f"seed {r['seed']} learned: " + ", ".join(
            f"{k} {np.array2string(v, precision=2)}" for k, v in r["params"].items()))
    log(f"equipartition Var(v)/(sigma²/(2 gamma)) {np.array2string(var_v, precision=4)}, "
        f"Var(z)/(sigma²/(2 gamma k)) {np.array2string(var_z, precision=4)}")
    checks = []
    for r in results:
        s = r["seed"]
        checks += [(f"seed {s}: bps(null) == 0", abs(r["bps_null"]), "<=", 0.0),
                   (f"seed {s}: bps(true) > 0", r["bps_true"], ">=", 1e-9),
                   (f"seed {s}: bps(model) / bps(true)", r["bps_model"] / r["bps_true"], ">=", 0.9),
                   (f"seed {s}: co-bps(model) / co-bps(true)", r["co_model"] / r["co_true"], ">=", 0.9)]
    checks += [("equipartition max |Var(v) ratio - 1|", float(np.abs(var_v - 1).max()), "<=", 0.05),
               ("equipartition max |Var(z) ratio - 1|", float(np.abs(var_z - 1).max()), "<=", 0.05)]
    ok = True
    for name, value, op, thr in checks:
        good = value >= thr if op == ">=" else value <= thr
        ok &= good
        log(f"  {'PASS' if good else 'FAIL'} {name} = {value:.4g} ({op} {thr})")
    plot(results, os.path.join(out, "langevin_flow.png"))
    log(f"checks: {'PASS' if ok else 'FAIL'}  ({time.perf_counter() - t0:.0f} s; plot "
        f"{os.path.join(out, 'langevin_flow.png')})")
    return {"ok": ok, "checks": checks, "results": results}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="reproduce")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    sys.exit(0 if run(a.quick, a.out)["ok"] else 1)


if __name__ == "__main__":
    main()
