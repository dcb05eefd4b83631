#!/usr/bin/python3
"""Dynamic functional connectome (Dyballa, Lang, Haslund-Gourley, Yemini & Zucker,
ICLR 2024; repo dyballa/dynamic-connectomes; SYSTEMS.md section 10).

Pipeline (hebb.analysis): time-resolved non-negative affinities from traces
(differential_affinity) -> tensor time x trials x pairs (affinity_tensor) ->
non-negative CP by HALS (nonnegative_cp) -> each pairs factor as a weighted graph
(factor_graph) -> communities by graph-tool's nested weighted SBM (detect_communities).

Checks (every seed):
  1. NTF on a planted non-negative rank-3 tensor (30 x 20 x 40) plus 10 % noise: factor
     match score >= 0.95.
  2. Community detection on planted weighted SBM graphs (N = 125, 4 blocks,
     p_in / p_out = 3 with p_in = 0.6; weights exponential, mean 2 inside and 1 between
     blocks): NMI >= 0.9.
  3. End to end: synthetic traces of 30 neurons in 6 trials, two planted modules of 12
     neurons with a shared drive, one early and one late in each trial (6 neurons
     belong to neither), are recovered with NMI >= 0.8 (3 labels: module 1, module 2,
     neither).

Usage: reproduce.py [--out DIR] [--quick]   (quick: 2 seeds; full: 5)
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np

import hebb.analysis as A

KEEP = 0.25  # fraction of the strongest factor-graph edges given to the SBM (our choice)


def planted_tensor(seed, shape=(30, 20, 40), noise=0.1):
    rng = np.random.default_rng(seed)
    factors = []
    for n in shape:
        f = np.where(rng.random((n, 3)) < 0.5, rng.random((n, 3)), 0.05 * rng.random((n, 3)))
        factors.append(f / np.linalg.norm(f, axis=0))
    truth = {"weights": np.array([30.0, 20.0, 10.0]), "factors": tuple(factors)}
    x = A.cp_reconstruct(truth)
    e = np.abs(rng.normal(size=x.shape))
    return truth, x + noise * np.linalg.norm(x) / np.linalg.norm(e) * e


def planted_sbm(seed, n=125, blocks=4, p_in=0.6, ratio=3.0, w_in=2.0, w_out=1.0):
    rng = np.random.default_rng(seed)
    b = np.repeat(np.arange(blocks), np.diff(np.linspace(0, n, blocks + 1).round().astype(int)))
    same = b[:, None] == b[None, :]
    edge = np.triu(rng.random((n, n)) < np.where(same, p_in, p_in / ratio), 1)
    w = rng.exponential(1.0, (n, n)) * np.where(same, w_in, w_out) * edge
    return w + w.T, b


def planted_traces(seed, n=30, trials=6, samples=1200):
    """Random-walk traces (x = cumulative sum of increments): module m's neurons share a
    Gaussian drive, gated by a sigmoid envelope (module 0 early, module 1 late) and a
    per-trial gain in [0.6, 1.4]; every neuron adds unit private noise."""
    rng = np.random.default_rng(seed)
    labels = np.r_[np.zeros(12, int), np.ones(12, int), np.full(n - 24, 2)]
    t = np.arange(samples)
    env = np.stack([1 / (1 + np.exp((t - 0.45 * samples) / 20)), 1 / (1 + np.exp(-(t - 0.55 * samples) / 20))])
    out = []
    for _ in range(trials):
        gain = rng.uniform(0.6, 1.4, 2)
        dx = rng.normal(size=(samples, n))
        for m in range(2):
            dx[:, labels == m] += (gain[m] * env[m] * rng.normal(size=samples))[:, None]
        out.append(np.cumsum(dx, axis=0))
    return out, labels, env


def end_to_end(seed, rank=2, window=50, step=25):
    trials, labels, env = planted_traces(seed)
    x = A.affinity_tensor(trials, window, step)
    fit = A.nonnegative_cp(x, rank, restarts=3, seed=seed)
    f_t, f_w, f_a = fit["factors"]
    graph = sum(fit["weights"][r] * A.factor_graph(f_a[:, r]) for r in range(rank))
    w = graph[np.triu_indices(graph.shape[0], 1)]
    found = A.detect_communities(graph, seed=seed, min_weight=np.quantile(w, 1 - KEEP))
    # time factors against the planted envelopes at the window centres
    centres = np.arange(x.shape[0]) * step + window // 2
    r_env = max(abs(np.corrcoef(f_t[:, 0], env[0, centres])[0, 1]) + abs(np.corrcoef(f_t[:, 1], env[1, centres])[0, 1]),
                abs(np.corrcoef(f_t[:, 0], env[1, centres])[0, 1]) + abs(np.corrcoef(f_t[:, 1], env[0, centres])[0, 1])) / 2
    return A.nmi(labels, found), r_env, fit, graph, labels, found, env, centres


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="reproduce")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    seeds = [1, 2] if args.quick else [1, 2, 3, 4, 5]
    t0 = time.perf_counter()
    rows, ok = [], True
    for seed in seeds:
        truth, x = planted_tensor(seed)
        fit = A.nonnegative_cp(x, 3, restarts=5, seed=seed)
        fms = A.factor_match_score(truth, fit)
        adj, blocks = planted_sbm(seed)
        sbm_nmi = A.nmi(blocks, A.detect_communities(adj, seed=seed))
        e2e_nmi, r_env, *rest = end_to_end(seed)
        rows.append((seed, fms, fit["relative_error"], sbm_nmi, e2e_nmi, r_env))
        ok &= fms >= 0.95 and sbm_nmi >= 0.9 and e2e_nmi >= 0.8
        if seed == seeds[0]:
            example = rest
    print("Dynamic functional connectome: NTF, weighted nested SBM, end to end")
    print(f"{'seed':>4} {'NTF FMS':>8} {'NTF rel.err':>11} {'SBM NMI':>8} {'end-to-end NMI':>15} {'time-factor r':>14}")
    for s, fms, err, sn, en, re in rows:
        print(f"{s:4d} {fms:8.4f} {err:11.4f} {sn:8.3f} {en:15.3f} {re:14.3f}")
    res = np.array([x[1:] for x in rows])
    print(f"mean {res[:, 0].mean():8.4f} {res[:, 1].mean():11.4f} {res[:, 2].mean():8.3f} {res[:, 3].mean():15.3f} "
          f"{res[:, 4].mean():14.3f}")
    print(f"elapsed {time.perf_counter() - t0:.1f} s")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fit, graph, labels, found, env, centres = example
    f_t, f_w, f_a = fit["factors"]
    fig, ax = plt.subplots(1, 4, figsize=(16, 3.6))
    for r in range(f_t.shape[1]):
        ax[0].plot(centres, f_t[:, r] / f_t[:, r].max(), f"C{r}-", label=f"time factor {r}")
    ax[0].plot(env[0], "k:", lw=1, label="planted envelopes")
    ax[0].plot(env[1], "k:", lw=1)
    ax[0].set_xlabel("sample")
    ax[0].legend(frameon=False, fontsize=8)
    ax[1].bar(np.arange(f_w.shape[0]) - 0.2, f_w[:, 0], 0.4)
    ax[1].bar(np.arange(f_w.shape[0]) + 0.2, f_w[:, 1], 0.4)
    ax[1].set_xlabel("trial")
    ax[1].set_title("trial factors")
    order = np.lexsort((labels, found))
    ax[2].imshow(graph[order][:, order], cmap="magma")
    ax[2].set_title("factor graph (sorted by detected block)")
    ax[2].set_xticks([])
    ax[2].set_yticks([])
    x = np.arange(len(rows))
    ax[3].bar(x - 0.25, res[:, 0], 0.25, label="NTF FMS")
    ax[3].bar(x, res[:, 2], 0.25, label="SBM NMI")
    ax[3].bar(x + 0.25, res[:, 3], 0.25, label="end-to-end NMI")
    ax[3].axhline(0.8, color="k", ls=":", lw=1)
    ax[3].set_xticks(x, [str(s[0]) for s in rows])
    ax[3].set_xlabel("seed")
    ax[3].set_ylim(0, 1.05)
    ax[3].legend(frameon=False, fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(out / "functional_connectome.png", dpi=110)
    print(f"wrote {out / 'functional_connectome.png'}")
    print("checks:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
