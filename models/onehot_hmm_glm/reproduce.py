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

Usage: reproduce.py [--out DIR] [--quick]   (quick: 1 seed; full: 5 seeds)
"""
import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np

import hebb.analysis as A


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
    print("checks:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
