#!/usr/bin/python3
"""NLB metrics (bits/spike, co-smoothing, PSTH R²) and the Lorenz-driven synthetic
data set (SYSTEMS.md section 13; Neural Latents Benchmark, Pei et al. 2021,
nlb_tools definitions; Lorenz data as in LFADS / LangevinFlow, Song et al. 2025).

Checks:
  1. bits/spike of the null model is 0 exactly.
  2. bits/spike is invariant to a permutation of the bins (to 1e-12 relative).
  3. On Lorenz-driven Poisson data (3 latents, 30 neurons) the true rates give bps > 0.
  4. bits/spike equals a scipy transcription of nlb_tools' formula (to 1e-10).
Shown, no check: nlb_tools' smoothing baseline for co-smoothing on the Lorenz data
(held-out neurons) and on the real rat hippocampal units (../shared/data/rat_hc_nelpy),
and PSTH R² of the baseline. The fitted-model check of section 13 (LangevinFlow reaches
>= 0.9 x bps(true)) belongs to models/langevin_flow (learn part).

Usage: reproduce.py [--out DIR] [--quick]
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.special import gammaln

import hebb.analysis as A

ROOT = Path(__file__).resolve().parents[2]
RAT = ROOT.parent / "shared" / "data" / "rat_hc_nelpy" / "linear-track" / "spikes_flat.csv"


def nlb_reference_bps(rates, spikes):
    null = np.broadcast_to(np.nanmean(spikes.reshape(-1, spikes.shape[-1]), axis=0), spikes.shape)
    nll = lambda r, y: np.sum(r - y * np.log(r) + gammaln(y + 1.0))
    return (nll(null, spikes) - nll(rates, spikes)) / np.sum(spikes) / np.log(2)


def rat_co_smoothing(bin_ms=20.0, trial_bins=100):
    u = np.loadtxt(RAT, delimiter=",", skiprows=1)
    t, s = u[:, 3] * 1000.0, u[:, 0].astype(np.int64)
    t0 = np.floor(t.min())
    n_trials = int((t.max() - t0) // (bin_ms * trial_bins))
    y = A.bin_population(t, s, 31, t0, t0 + n_trials * trial_bins * bin_ms, bin_ms)
    y = y.reshape(n_trials, trial_bins, 31)
    held_out = np.arange(31) % 4 == 3  # 7 of 31 units
    ntr = int(0.8 * n_trials)
    _, bps = A.co_smoothing(y[:ntr][:, :, ~held_out], y[:ntr][:, :, held_out], y[ntr:][:, :, ~held_out],
                            y[ntr:][:, :, held_out], kernel_sd=100.0, bin=bin_ms, alpha=1e-2)
    return bps, n_trials, int(held_out.sum()), y.sum()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="reproduce")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ok = True
    t_start = time.perf_counter()
    n_trials = 60 if args.quick else 300
    seeds = [1, 2] if args.quick else [1, 2, 3, 4, 5]
    rows = []
    for seed in seeds:
        d = A.make_lorenz_data(n_trials=n_trials, trial_length=50, n_neurons=30, bin=10.0, seed=seed)
        y, r = d["counts"], d["rates"]
        bps_true = A.bits_per_spike(r, y)
        bps_null = A.bits_per_spike(A.null_rates(y), y)
        perm = np.random.default_rng(seed).permutation(y.shape[0] * y.shape[1])
        bps_perm = A.bits_per_spike(r.reshape(-1, 30)[perm], y.reshape(-1, 30)[perm])
        ref = nlb_reference_bps(r, y)
        ho = np.arange(30) >= 24  # 6 held-out neurons
        ntr = int(0.8 * n_trials)
        rates, co_bps = A.co_smoothing(y[:ntr][:, :, ~ho], y[:ntr][:, :, ho], y[ntr:][:, :, ~ho],
                                       y[ntr:][:, :, ho], kernel_sd=30.0, bin=10.0, alpha=1e-2)
        co_true = A.bits_per_spike(r[ntr:][:, :, ho], y[ntr:][:, :, ho])
        # PSTH R²: trials grouped into 5 "conditions" by their start quadrant is not
        # meaningful for chaotic data; use the per-trial rates as the PSTH (1 trial/condition)
        r2 = A.psth_r2(r[ntr:][:, :, ho], rates)
        rows.append((seed, bps_true, bps_null, abs(bps_perm / bps_true - 1), abs(ref / bps_true - 1),
                     co_true, co_bps, r2))
        ok &= bps_null == 0.0 and abs(bps_perm / bps_true - 1) < 1e-12 and bps_true > 0
        ok &= abs(ref / bps_true - 1) < 1e-10
        if seed == seeds[0]:
            example = (d, rates, ntr, ho)
    print(f"Lorenz-driven Poisson data: 3 latents, 30 neurons, {n_trials} trials x 50 bins of 10 ms")
    print(f"{'seed':>4} {'bps(true)':>10} {'bps(null)':>10} {'perm rel':>9} {'vs nlb':>8} "
          f"{'co-bps true':>12} {'co-bps smooth':>14} {'ratio':>6} {'rate R2':>10}")
    for s, bt, bn, pr, rr, ct, cs, r2 in rows:
        print(f"{s:4d} {bt:10.4f} {bn:10.1f} {pr:9.1e} {rr:8.1e} {ct:12.4f} {cs:14.4f} {cs / ct:6.3f} {r2:10.3f}")
    if RAT.exists():
        bps, nt, nho, nsp = rat_co_smoothing()
        print(f"\nReal data, rat linear track (31 units, {int(nsp)} spikes, {nt} segments of 2 s, 20-ms bins):")
        print(f"  smoothing-baseline co-bps on {nho} held-out units = {bps:.4f}")
    print(f"\nelapsed {time.perf_counter() - t_start:.1f} s")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    d, rates, ntr, ho = example
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.6))
    lat = d["latents"][:3].reshape(-1, 3)
    ax[0].plot(lat)
    ax[0].set_title("Lorenz latents (3 trials)")
    ax[0].set_xlabel("bin (10 ms)")
    k = np.flatnonzero(ho)[0]
    ax[1].plot(d["rates"][ntr, :, k] * 100, "k-", label="true rate")
    ax[1].plot(rates[0, :, 0] * 100, "C1-", label="co-smoothing baseline")
    ax[1].plot(np.flatnonzero(d["counts"][ntr, :, k]), np.zeros(int((d["counts"][ntr, :, k] > 0).sum())),
               "k|", ms=12, label="spikes")
    ax[1].set_ylabel("rate [Hz]")
    ax[1].set_xlabel("bin (10 ms)")
    ax[1].legend(frameon=False, fontsize=8)
    ax[1].set_title("held-out neuron, eval trial")
    ax[2].bar([0, 1, 2], [np.mean([r[1] for r in rows]), np.mean([r[5] for r in rows]),
                          np.mean([r[6] for r in rows])])
    ax[2].set_xticks([0, 1, 2], ["bps true\n(all)", "co-bps true\n(held-out)", "co-bps\nsmoothing"])
    ax[2].set_ylabel("bits / spike")
    fig.tight_layout()
    fig.savefig(out / "nlb_metrics.png", dpi=120)
    print(f"wrote {out / 'nlb_metrics.png'}")
    print("checks:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
