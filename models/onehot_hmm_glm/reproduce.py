#!/usr/bin/python3
"""One-hot HMM-GLM (Li, Kim, Rodgers, Choi & Wu, ICLR 2024; SYSTEMS.md section 12):
the synthetic experiment. A planted HMM-GLM with N = 10 neurons, K = 3 states, sticky
transitions (0.98), each state with its own connection types (inh/none/exc drawn with
probabilities 0.2/0.6/0.2, strengths uniform in [0.6, 1.2]), T = 10^4 training bins
and 5000 held-out bins. Fitted: the one-hot HMM-GLM, and the plain HMM-GLM (no prior)
on the same data.

Checks (every seed):
  1. forward-backward equals brute-force enumeration of all paths (T = 6, K = 3);
  2. one-hot state accuracy >= 0.9 after the best (Hungarian) state matching;
  3. one-hot connection-type accuracy >= 0.85;
  4. held-out log-likelihood: one-hot >= plain HMM-GLM.

Real data (printed, plotted as DIR/onehot_hmm_glm_real.png, figures in
DIR/onehot_hmm_glm_real.json; skipped with one line if ../shared/data is missing): the
rat linear-track session of ../shared/data/rat_hc_nelpy (tetrode units, probably
hippocampal; 15 min run then rest). Units with >= 0.2 Hz, 100-ms bins, the last 20 % of
the session held out. HMM-GLMs with K = 1 (plain Poisson GLM), 2 (and 3 in the full run),
Gaussian and one-hot prior. Checks (when the data are there):
  5. held-out LL/bin of the K = 1 GLM is above a homogeneous Poisson null (bits/spike > 0);
  6. held-out LL/bin of K = 2 (both priors) is above K = 1, and above a K = 1 GLM fitted
     to the rest-period training bins only (the held-out block is all rest);
  7. agreement and balanced accuracy of the K = 2 Viterbi path (both priors) with running
     vs still (speed from position.csv) in the run period are above the 95th percentile
     of 200 circularly shifted copies of the same path.

Usage: reproduce.py [--out DIR] [--quick]   (quick: 1 seed; real data K <= 2 (no one-hot
                                             K = 1), 1 restart; full: 5 seeds, K <= 3, 3 restarts)
"""
import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np

import hebb.analysis as A

ROOT = Path(__file__).resolve().parents[2]
RAT = ROOT.parent / "shared" / "data" / "rat_hc_nelpy" / "linear-track"
BIN_S = 0.1        # bin width [s]: median unit rate 0.25 Hz, so 50-ms bins would be almost all zeros
MIN_RATE = 0.2     # units kept: mean rate >= 0.2 Hz over the session [Hz]
HOLDOUT = 0.2      # the last 20 % of the bins are held out
RUN_SPEED = 20.0   # running: smoothed head speed > 20 px/s (trough of the bimodal speed histogram)
N_SHIFTS, MIN_SHIFT_S = 200, 60.0  # shifted control: circular shifts of >= 60 s


def planted(N, K, stay, seed):
    rng = np.random.default_rng(seed)
    m = A.HmmGlmModel()
    m.basis = [0.3, 0.15, 0.05]
    m.initial = np.full(K, 1.0 / K)
    m.transition = np.full((K, K), (1 - stay) / (K - 1)) + np.eye(K) * (stay - (1 - stay) / (K - 1))
    m.bias = rng.uniform(-1.0, 0.5, (K, N))
    types = rng.choice([-1, 0, 1], (K, N, N), p=[0.2, 0.6, 0.2])
    m.weights = list(types * rng.uniform(0.6, 1.2, (K, N, N)))
    return m, types


def brute_force_ok(m, seed):
    y, _ = A.sample_hmm_glm(m, 6, seed=seed)
    le = A._a.emission_log_likelihood(m, y)
    lpi, la = np.log(m.initial), np.log(m.transition)
    K = len(lpi)
    post = np.zeros((6, K))
    for z in itertools.product(range(K), repeat=6):
        p = np.exp(lpi[z[0]] + le[0, z[0]] + sum(la[z[t - 1], z[t]] + le[t, z[t]] for t in range(1, 6)))
        post[np.arange(6), z] += p
    total = post[0].sum()
    g, _, ll = A.forward_backward(lpi, la, le)
    return abs(ll - np.log(total)) < 1e-9 and np.abs(g - post / total).max() < 1e-9


def scores(fit_model, types_fit, y, z, y_test, types_true):
    K = len(types_true)
    path = A.viterbi_states(fit_model, y)
    perm, acc = A.match_states(z, path, K)
    tacc = np.mean([np.mean(types_fit[f] == types_true[perm[f]]) for f in range(K)])
    return acc, tacc, A.hmm_glm_log_likelihood(fit_model, y_test) / len(y_test), perm


# ----------------------------------------------------------------------------- real data


def rat_linear_track():
    """Binned counts of the units with >= MIN_RATE, head speed and the run/rest label, all
    per BIN_S bin, from the derived CSVs of ../shared/data/rat_hc_nelpy/linear-track."""
    from scipy.ndimage import gaussian_filter1d, median_filter
    u = np.loadtxt(RAT / "spikes_flat.csv", delimiter=",", skiprows=1)  # unit, tetrode, cluster, t_s
    pos = np.loadtxt(RAT / "position.csv", delimiter=",", skiprows=1)    # t_s, x_px, y_px
    t, unit = u[:, 3], u[:, 0].astype(np.int64)
    pt, x, y = pos.T
    t0 = np.floor(min(t.min(), pt.min()))
    n_bins = int((t.max() - t0) // BIN_S)
    n_spk = np.bincount(unit)
    units = np.flatnonzero(n_spk >= MIN_RATE * (t.max() - t0))
    sel = np.isin(unit, units)
    index = np.full(len(n_spk), -1)
    index[units] = np.arange(len(units))
    counts = A.bin_population(t[sel] * 1e3, index[unit[sel]], len(units), t0 * 1e3,
                              (t0 + n_bins * BIN_S) * 1e3, BIN_S * 1e3)
    # head position per bin (mean of the ~6 video samples), median-filtered against tracking
    # glitches, smoothed (Gaussian, sd 0.3 s); speed in px/s (the video has no cm calibration)
    b = ((pt - t0) // BIN_S).astype(np.int64)
    ok = (b >= 0) & (b < n_bins)
    n = np.bincount(b[ok], minlength=n_bins)
    c = (np.arange(n_bins) + 0.5) * BIN_S
    has = n > 0
    xy = [np.interp(c, c[has], (np.bincount(b[ok], weights=v[ok], minlength=n_bins) / np.maximum(n, 1))[has])
          for v in (x, y)]
    xy = [gaussian_filter1d(median_filter(v, 5), 3.0) for v in xy]
    speed = np.hypot(np.gradient(xy[0]), np.gradient(xy[1])) / BIN_S
    # the rest period: from 985 s on the LED sits on one pixel until the end of the file
    moved = (x != x[-1]) | (y != y[-1])
    t_rest = pt[np.flatnonzero(moved)[-1] + 1] - t0
    rest = c >= t_rest
    return {"counts": counts, "units": units, "n_spikes": n_spk[units], "speed": speed, "rest": rest,
            "x": xy[0], "t_rest": t_rest, "duration": n_bins * BIN_S, "n_units_all": len(n_spk)}


def null_log_likelihood(train, test, basis):
    """Held-out log-likelihood of a homogeneous Poisson model (each unit's training rate)."""
    m = A.HmmGlmModel()
    m.basis = list(basis)
    m.initial = [1.0]
    m.transition = [[1.0]]
    m.bias = np.log(np.expm1(train.mean(axis=0)))[None, :]  # softplus^-1 of the rate per bin
    m.weights = [np.zeros((train.shape[1], train.shape[1]))]
    return A.hmm_glm_log_likelihood(m, test)


def agreement(states, label, K):
    """Fraction of bins whose state's majority label is their label (each state mapped to
    the label it overlaps most), and the balanced accuracy of the best state->label map."""
    conf = np.zeros((K, 2))
    np.add.at(conf, (states, label.astype(np.int64)), 1)
    frac = conf.max(axis=1).sum() / len(states)
    rec = conf / np.maximum(conf.sum(axis=0), 1)
    bal = max(0.5 * (rec[np.array(a) == 0, 0].sum() + rec[np.array(a) == 1, 1].sum())
              for a in itertools.product((0, 1), repeat=K))
    return frac, bal


def shifted_control(states, label, K, seed):
    """agreement() of N_SHIFTS circularly shifted copies of the state path (shift >= MIN_SHIFT_S
    each way): same states, same dwell times, no alignment with behaviour."""
    rng = np.random.default_rng(seed)
    m = int(MIN_SHIFT_S / BIN_S)
    shifts = rng.integers(m, len(states) - m, N_SHIFTS)
    return np.array([agreement(np.roll(states, k), label, K) for k in shifts])


def real_data(quick):
    """The real-data section: fits, held-out likelihoods, state/behaviour agreement."""
    from scipy.ndimage import gaussian_filter1d
    t_start = time.perf_counter()
    d = rat_linear_track()
    y, speed, rest = d["counts"], d["speed"], d["rest"]
    T, N = y.shape
    ntr = int(round((1 - HOLDOUT) * T))
    train, test = y[:ntr], y[ntr:]
    basis = (1.0, 0.5, 0.25)  # the library default: one decaying history filter over 3 bins (300 ms)
    Ks = (1, 2) if quick else (1, 2, 3)
    restarts = 1 if quick else 3
    ll_null = null_log_likelihood(train, test, basis)
    # the held-out block lies in the rest period: a GLM and a null fitted on the rest-period
    # training bins only tell how much of a K > 1 gain is just the rates of rest
    rest_train = train[rest[:ntr]]
    ll_rest_null = null_log_likelihood(rest_train, test, basis)
    ll_rest_glm = A.hmm_glm_log_likelihood(A.fit_hmm_glm(rest_train, n_states=1, basis=basis, restarts=1,
                                                         seed=1)["model"], test)
    n_test = test.sum()
    fits, rows = {}, []
    for K in Ks:
        for prior in ("gaussian", "onehot"):
            if quick and K == 1 and prior == "onehot":
                continue  # 10 s; the quick run keeps the plain GLM as its K = 1 baseline
            t1 = time.perf_counter()
            if prior == "gaussian":
                f = A.fit_hmm_glm(train, n_states=K, basis=basis, restarts=restarts, seed=1)
            else:
                f = A.fit_onehot_hmm_glm(train, n_states=K, basis=basis, restarts=restarts, seed=1)
            secs = time.perf_counter() - t1
            ll = A.hmm_glm_log_likelihood(f["model"], test)
            fits[(K, prior)] = f
            rows.append({"K": K, "prior": prior, "ll_per_bin": ll / len(test),
                         "bits_per_spike": (ll - ll_null) / n_test / np.log(2), "fit_s": secs,
                         "iterations": int(f["iterations"])})
    # full run: a second held-out block inside the run period (its middle 20 %), the fits
    # trained on the rest of the session joined end to end (one junction, where the
    # 300-ms history filter sees the bins before the block)
    run_block = []
    if not quick:
        n_run = int(np.sum(~rest))
        a, b = int(0.4 * n_run), int(0.6 * n_run)
        train_r, test_r = np.concatenate([y[:a], y[b:]]), y[a:b]
        ll_null_r = null_log_likelihood(train_r, test_r, basis)
        for K in (1, 2):
            f = A.fit_hmm_glm(train_r, n_states=K, basis=basis, restarts=restarts, seed=1)
            ll = A.hmm_glm_log_likelihood(f["model"], test_r)
            run_block.append({"K": K, "ll_per_bin": ll / len(test_r),
                              "bits_per_spike": (ll - ll_null_r) / test_r.sum() / np.log(2)})
        run_block = {"bins": (a, b), "spikes": int(test_r.sum()), "ll_null_per_bin": ll_null_r / len(test_r),
                     "rows": run_block}
    # behaviour: running vs still inside the run period; run vs rest period over the session
    run_period = ~rest
    running = speed > RUN_SPEED
    labels = {"running vs still (run period)": (run_period, running),
              "run vs rest period (session)": (np.ones(T, bool), rest)}
    beh = []
    for K in Ks[1:]:
        for prior in ("gaussian", "onehot"):
            z = A.viterbi_states(fits[(K, prior)]["model"], y)
            for name, (mask, lab) in labels.items():
                fr, ba = agreement(z[mask], lab[mask], K)
                ctl = shifted_control(z[mask], lab[mask], K, seed=10 * K + len(beh))
                beh.append({"K": K, "prior": prior, "label": name, "bins": int(mask.sum()),
                            "label_fraction": float(lab[mask].mean()), "agreement": fr,
                            "shift_mean": float(ctl[:, 0].mean()), "shift_p95": float(np.percentile(ctl[:, 0], 95)),
                            "balanced": ba, "shift_bal_p95": float(np.percentile(ctl[:, 1], 95))})
    # a reference without any model: the population count (raw, or smoothed over 0.3 s)
    # above the quantile that gives the K = 2 Gaussian fit's high-rate state occupancy
    z2 = A.viterbi_states(fits[(2, "gaussian")]["model"], y)
    high = int(np.argmax([y[z2 == k].sum(axis=1).mean() for k in range(2)]))
    occ = float(np.mean(z2 == high))
    pop = y.sum(axis=1)
    popref = []
    for sd in (0.0, 3.0):
        p = gaussian_filter1d(pop, sd) if sd else pop
        zb = (p > np.quantile(p, 1 - occ)).astype(np.int64)
        for name, (mask, lab) in labels.items():
            fr, ba = agreement(zb[mask], lab[mask], 2)
            popref.append({"smooth_s": sd * BIN_S, "label": name, "agreement": fr, "balanced": ba})
    # connection types of the one-hot fits (row = target, column = source; the diagonal is
    # each unit's own history)
    offd = ~np.eye(N, dtype=bool)
    types = []
    for K in (K for K in Ks if (K, "onehot") in fits):
        ty = np.asarray(fits[(K, "onehot")]["types"])
        for k in range(K):
            types.append({"K": K, "state": k,
                          "offdiag": [int((ty[k][offd] == v).sum()) for v in (-1, 0, 1)],
                          "self": [int((np.diag(ty[k]) == v).sum()) for v in (-1, 0, 1)]})
    same_types = None
    if 2 in Ks:
        ty2 = np.asarray(fits[(2, "onehot")]["types"])
        same_types = float(np.mean(ty2[0][offd] == ty2[1][offd]))
    rate_state = [float(y[z2 == k].sum(axis=1).mean() / BIN_S) for k in range(2)]
    return {"N": N, "T": T, "n_train": ntr, "n_test": T - ntr, "units": d["units"].tolist(),
            "n_units_all": d["n_units_all"], "spikes": int(y.sum()), "test_spikes": int(n_test),
            "t_rest": float(d["t_rest"]), "duration": float(d["duration"]),
            "test_in_rest": float(rest[ntr:].mean()), "running_fraction": float(running[run_period].mean()),
            "ll_null_per_bin": ll_null / len(test), "rest_train_bins": int(len(rest_train)),
            "ll_rest_null_per_bin": ll_rest_null / len(test), "ll_rest_glm_per_bin": ll_rest_glm / len(test),
            "heldout": rows, "heldout_run": run_block, "behaviour": beh, "population_ref": popref,
            "high_state_occupancy": occ, "state_pop_rate_hz": rate_state, "types": types,
            "same_types_k2": same_types, "restarts": restarts, "elapsed_s": time.perf_counter() - t_start,
            "_plot": (d, z2, high, fits)}


def real_checks(r):
    ll = {(x["K"], x["prior"]): x["ll_per_bin"] for x in r["heldout"]}
    ok = ll[(1, "gaussian")] > r["ll_null_per_bin"]
    ok &= ll[(2, "gaussian")] > ll[(1, "gaussian")] and ll[(2, "onehot")] > ll[(1, "gaussian")]
    ok &= min(ll[(2, "gaussian")], ll[(2, "onehot")]) > r["ll_rest_glm_per_bin"]
    for b in r["behaviour"]:
        if b["K"] == 2 and b["label"].startswith("running"):
            ok &= b["agreement"] > b["shift_p95"] and b["balanced"] > b["shift_bal_p95"]
    return bool(ok)


def print_real(r):
    print("\nReal data: rat linear track (../shared/data/rat_hc_nelpy; tetrode units, probably hippocampal)")
    print(f"  {r['N']} of {r['n_units_all']} units (>= {MIN_RATE} Hz), {r['spikes']} spikes, {r['T']} bins of "
          f"{BIN_S * 1e3:.0f} ms ({r['duration']:.0f} s); run period 0-{r['t_rest']:.0f} s, rest after")
    print(f"  train: first {r['n_train']} bins; held out: last {r['n_test']} bins ({r['test_spikes']} spikes, "
          f"{100 * r['test_in_rest']:.0f} % in the rest period); {r['restarts']} restart(s) per fit")
    print(f"  held-out log-likelihood (homogeneous Poisson null: {r['ll_null_per_bin']:.4f} nats/bin)")
    print(f"  {'K':>3} {'prior':>9} {'LL/bin':>9} {'bits/spike':>10} {'EM it':>6} {'fit s':>6}")
    for x in r["heldout"]:
        print(f"  K={x['K']:<1} {x['prior']:>9} {x['ll_per_bin']:9.4f} {x['bits_per_spike']:10.4f} "
              f"{x['iterations']:6d} {x['fit_s']:6.1f}")
    print(f"  fitted on the {r['rest_train_bins']} rest-period training bins only: K=1 GLM "
          f"{r['ll_rest_glm_per_bin']:.4f}, Poisson null {r['ll_rest_null_per_bin']:.4f} nats/bin")
    if r["heldout_run"]:
        h = r["heldout_run"]
        a, b = h["bins"]
        print(f"  held out inside the run period instead: bins {a}-{b} ({a * BIN_S:.0f}-{b * BIN_S:.0f} s, "
              f"{h['spikes']} spikes), trained on the rest of the session (Gaussian prior; null "
              f"{h['ll_null_per_bin']:.4f} nats/bin):")
        for x in h["rows"]:
            print(f"  K={x['K']:<1} {'gaussian':>9} {x['ll_per_bin']:9.4f} {x['bits_per_spike']:10.4f}")
    print(f"  Viterbi path (whole session) vs behaviour; running = speed > {RUN_SPEED:.0f} px/s "
          f"({100 * r['running_fraction']:.0f} % of run-period bins); control: {N_SHIFTS} circular shifts "
          f">= {MIN_SHIFT_S:.0f} s")
    print(f"  {'K':>3} {'prior':>9} {'label':>30} {'agree':>6} {'shift mean':>10} {'shift p95':>9} "
          f"{'bal.acc':>7} {'shift p95':>9}")
    for b in r["behaviour"]:
        print(f"  K={b['K']:<1} {b['prior']:>9} {b['label']:>30} {b['agreement']:6.3f} {b['shift_mean']:10.3f} "
              f"{b['shift_p95']:9.3f} {b['balanced']:7.3f} {b['shift_bal_p95']:9.3f}")
    q = 100 * r["high_state_occupancy"]
    print(f"  reference without a model: the {q:.0f} % of bins with the highest population count (the K=2"
          f" Gaussian fit's high-rate state occupancy)")
    for p in r["population_ref"]:
        how = f"smoothed {p['smooth_s']:.1f} s" if p["smooth_s"] else "raw"
        print(f"  {how:>15} {p['label']:>30} {p['agreement']:6.3f} {'':>10} {'':>9} {p['balanced']:7.3f}")
    print(f"  K=2 Gaussian states: population rate {r['state_pop_rate_hz'][0]:.1f} and "
          f"{r['state_pop_rate_hz'][1]:.1f} Hz (summed over units)")
    print("  one-hot connection types (counts inh/none/exc; off-diagonal = between units, self = own history)")
    for x in r["types"]:
        print(f"  K={x['K']} state {x['state']}: between units {x['offdiag'][0]}/{x['offdiag'][1]}/{x['offdiag'][2]}"
              f", self {x['self'][0]}/{x['self'][1]}/{x['self'][2]}")
    if r["same_types_k2"] is not None:
        print(f"  K=2: same type in both states for {100 * r['same_types_k2']:.1f} % of the unit pairs")
    print(f"  real-data elapsed {r['elapsed_s']:.1f} s")


def plot_real(r, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    d, z2, high, fits = r["_plot"]
    fig = plt.figure(figsize=(14, 7.5))
    gs = fig.add_gridspec(2, 4)
    ax = fig.add_subplot(gs[0, 0])
    for j, prior in enumerate(("gaussian", "onehot")):
        xs = [x for x in r["heldout"] if x["prior"] == prior]
        ax.bar(np.array([x["K"] for x in xs]) + 0.2 * (2 * j - 1), [x["bits_per_spike"] for x in xs], 0.4,
               label=prior)
    ax.set_xticks([x["K"] for x in r["heldout"] if x["prior"] == "gaussian"])
    ax.set_xlabel("K (hidden states; K = 1: plain GLM)")
    ax.set_ylabel("held-out bits/spike vs Poisson null")
    ax.set_title("held-out likelihood (last 20 %)")
    ax.legend(frameon=False, fontsize=8)
    ax = fig.add_subplot(gs[0, 1:])
    t = (np.arange(r["T"]) + 0.5) * BIN_S
    w = (t >= 300) & (t < 420)
    ax.plot(t[w], d["speed"][w], "k-", lw=0.8, label="head speed [px/s]")
    ax.axhline(RUN_SPEED, color="k", ls=":", lw=0.8)
    ax.plot(t[w], d["counts"][w].sum(axis=1) * 10, "C0-", lw=0.6, alpha=0.7, label="population count x10")
    ax.fill_between(t[w], 0, 250, where=z2[w] == high, color="C1", alpha=0.25, step="mid",
                    label="Viterbi: high-rate state (K=2, Gaussian)")
    ax.set_ylim(0, 250)
    ax.set_xlabel("time in session [s] (a 2-min excerpt of the run period)")
    ax.legend(frameon=False, fontsize=8, loc="upper right")
    ax.set_title("decoded state and running")
    ax = fig.add_subplot(gs[1, 0])
    b2 = [b for b in r["behaviour"] if b["K"] == 2]
    x = np.arange(len(b2))
    ax.bar(x - 0.2, [b["agreement"] for b in b2], 0.4, label="Viterbi path")
    ax.bar(x + 0.2, [b["shift_p95"] for b in b2], 0.4, label="shifted, 95th pct")
    ax.set_xticks(x, [f"{b['prior'][:5]}\n{b['label'].split()[0]}/{b['label'].split()[2]}" for b in b2],
                  fontsize=7)
    ax.set_ylim(0.4, 1.0)
    ax.set_ylabel("agreement (K = 2)")
    ax.legend(frameon=False, fontsize=8)
    ax.set_title("state vs behaviour")
    ax = fig.add_subplot(gs[1, 1])
    cats = [("still", (~d["rest"]) & (d["speed"] <= RUN_SPEED)), ("running", (~d["rest"]) & (d["speed"] > RUN_SPEED)),
            ("rest period", d["rest"])]
    ax.bar(range(3), [np.mean(z2[m] == high) for _, m in cats], color="C1")
    ax.set_xticks(range(3), [c for c, _ in cats])
    ax.set_ylabel("fraction of bins in the high-rate state")
    ax.set_title("K = 2, Gaussian prior")
    ty = np.asarray(fits[(2, "onehot")]["types"])
    for k in range(2):
        ax = fig.add_subplot(gs[1, 2 + k])
        ax.imshow(ty[k], cmap="bwr", vmin=-1, vmax=1)
        ax.set_title(f"one-hot K=2, state {k}: types", fontsize=9)
        ax.set_xlabel("source unit")
        ax.set_ylabel("target unit")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="reproduce")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    seeds = [1] if args.quick else [1, 2, 3, 4, 5]
    N, K, T, T_test = 10, 3, 10_000, 5_000
    rows, ok, t0 = [], True, time.perf_counter()
    for seed in seeds:
        m, types = planted(N, K, 0.98, seed)
        fb_ok = brute_force_ok(m, seed)
        y, z = A.sample_hmm_glm(m, T, seed=100 + seed)
        y_test, _ = A.sample_hmm_glm(m, T_test, seed=200 + seed)
        t1 = time.perf_counter()
        oh = A.fit_onehot_hmm_glm(y, n_states=K, basis=m.basis, seed=seed)
        t_oh = time.perf_counter() - t1
        t1 = time.perf_counter()
        naive = A.fit_hmm_glm(y, n_states=K, basis=m.basis, prior_sd=np.inf, seed=seed)
        t_nv = time.perf_counter() - t1
        o_acc, o_tacc, o_ll, perm = scores(oh["model"], oh["types"], y, z, y_test, types)
        n_types = np.array([A.connection_types(w, 0.3) for w in naive["model"].weights])
        n_acc, n_tacc, n_ll, _ = scores(naive["model"], n_types, y, z, y_test, types)
        true_ll = A.hmm_glm_log_likelihood(m, y_test) / T_test
        rows.append((seed, fb_ok, o_acc, o_tacc, o_ll, n_acc, n_tacc, n_ll, true_ll, t_oh, t_nv))
        ok &= fb_ok and o_acc >= 0.9 and o_tacc >= 0.85 and o_ll >= n_ll
        if seed == seeds[0]:
            example = (types, oh, perm, z, y)
    print(f"One-hot HMM-GLM, synthetic: N={N}, K={K}, stay 0.98, T={T} (+{T_test} held out)")
    print(f"{'seed':>4} {'fb=enum':>7} | {'one-hot state':>13} {'types':>6} {'LL/bin':>9} | "
          f"{'plain state':>11} {'types*':>6} {'LL/bin':>9} | {'true LL':>9} | {'fit s':>5} {'plain s':>7}")
    for s, fb, oa, ot, ol, na, nt, nl, tl, to, tn in rows:
        print(f"{s:4d} {str(fb):>7} | {oa:13.4f} {ot:6.3f} {ol:9.4f} | {na:11.4f} {nt:6.3f} {nl:9.4f} | "
              f"{tl:9.4f} | {to:5.1f} {tn:7.1f}")
    r = np.array([x[2:9] for x in rows], dtype=float)
    print(f"mean                | {r[:, 0].mean():13.4f} {r[:, 1].mean():6.3f} {r[:, 2].mean():9.4f} | "
          f"{r[:, 3].mean():11.4f} {r[:, 4].mean():6.3f} {r[:, 5].mean():9.4f} | {r[:, 6].mean():9.4f}")
    print("* plain HMM-GLM types read with a threshold |W| >= 0.3 (half the smallest planted strength);"
          " the one-hot model needs none")
    print(f"elapsed {time.perf_counter() - t0:.1f} s")
    real = None
    if (RAT / "spikes_flat.csv").exists() and (RAT / "position.csv").exists():
        real = real_data(args.quick)
        print_real(real)
        real_ok = real_checks(real)
        ok &= real_ok
        print("real-data checks:", "PASS" if real_ok else "FAIL")
    else:
        print(f"\nReal data: {RAT} not found; real-data section skipped")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    types, oh, perm, z, y = example
    fig, ax = plt.subplots(2, K + 1, figsize=(3.2 * (K + 1), 6.2))
    for k in range(K):
        f = int(np.flatnonzero(perm == k)[0])
        for row, mat, name in ((0, types[k], "true"), (1, oh["types"][f], "one-hot fit")):
            ax[row, k].imshow(mat, cmap="bwr", vmin=-1, vmax=1)
            ax[row, k].set_title(f"state {k}: {name}")
            ax[row, k].set_xlabel("source neuron")
            ax[row, k].set_ylabel("target neuron")
    path = perm[A.viterbi_states(oh["model"], y)]
    ax[0, K].plot(z[:2000], "k-", lw=1.5, label="true")
    ax[0, K].plot(path[:2000] + 0.08, "C1-", lw=1, label="Viterbi (fit)")
    ax[0, K].set_yticks(range(K))
    ax[0, K].set_xlabel("bin")
    ax[0, K].set_title("state path (first 2000 bins)")
    ax[0, K].legend(frameon=False, fontsize=8)
    lab = ["state acc", "type acc", "ΔLL/bin x100"]
    vo = [r[:, 0].mean(), r[:, 1].mean(), 100 * (r[:, 2].mean() - r[:, 6].mean())]
    vn = [r[:, 3].mean(), r[:, 4].mean(), 100 * (r[:, 5].mean() - r[:, 6].mean())]
    x = np.arange(3)
    ax[1, K].bar(x - 0.2, vo, 0.4, label="one-hot")
    ax[1, K].bar(x + 0.2, vn, 0.4, label="plain (|W|>0.3)")
    ax[1, K].set_xticks(x, lab, fontsize=8)
    ax[1, K].axhline(0, color="k", lw=0.5)
    ax[1, K].set_title("mean over seeds (ΔLL vs true model)")
    ax[1, K].legend(frameon=False, fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "onehot_hmm_glm.png", dpi=110)
    print(f"wrote {out / 'onehot_hmm_glm.png'}")
    if real is not None:
        plot_real(real, out / "onehot_hmm_glm_real.png")
        keep = {k: v for k, v in real.items() if not k.startswith("_")}
        (out / "onehot_hmm_glm_real.json").write_text(json.dumps(keep, indent=1))
        print(f"wrote {out / 'onehot_hmm_glm_real.png'} and {out / 'onehot_hmm_glm_real.json'}")
    print("checks:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
