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

Real data (../shared/data/rat_hc_nelpy, linear track; probably hippocampal tetrode units,
the brain area is not documented upstream): one trial per traversal of the track,
time-warped to a common number of bins; the traces are running integrals of the smoothed
spike counts, so the differential affinity is the windowed correlation of smoothed
counts. Checks, each against a null computed in the same run:
  4. the chosen CP rank (held-out error curve) is reproducible: best-of-restarts fits
     from two seed sets match with FMS >= 0.95 and >= 80 % of single random starts reach
     that fit (FMS >= 0.95);
  5. each component's trial factor separates the two running directions better than the
     99th percentile of the same score under shuffled direction labels;
  6. the summed pairs factor correlates with the units' place-field correlation above
     the 95th percentile of a unit-permutation (Mantel) null: in sample, after
     partialling out the pair's firing rate (and its shared direction preference), and
     with place fields from held-out laps.
If ../shared/data is missing the real-data part is skipped with one line.

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


# ----------------------------------------------------------------------------- real data
ROOT = Path(__file__).resolve().parents[2]
RAT = ROOT.parent / "shared" / "data" / "rat_hc_nelpy" / "linear-track"
# Our choices for the rat linear track, fixed at the start of the exploration; only the
# integration of the traces (lap_traces) was chosen after both it and the plain smoothed
# counts had been run, by the calcium analogy. Other values are reported in README.md.
END_ZONE = 0.1     # a traversal runs from the last sample in one end zone (10 % of the track) to the first in the other
MAX_LAP_S = 8.0    # longer traversals (stops on the track) are left out
LAP_BINS = 81      # time-warped bins per traversal (45 ms on average)
SMOOTH_SD = 1.5    # Gaussian smoothing of the counts [bins] (about 70 ms)
MIN_SPIKES = 50    # units with fewer spikes in the kept traversals are left out
REAL_WINDOW, REAL_STEP = 16, 8   # affinity windows [bins]: 9 windows per traversal
MAP_BINS = 16      # place-field map bins per direction over lap progress 0.1-0.9
RANK_GAIN = 0.01   # a rank is chosen when one more component lowers the held-out error by < 1 %


def linear_track_laps(folder=RAT):
    """Traversals of the linear track from position.csv and spikes_flat.csv.

    The track runs diagonally in the camera image, so position is the projection of
    (x, y) on the first principal axis of the tracked samples, scaled to [0, 1] between
    its 1st and 99th percentiles. Samples stuck at (477, 479) (before tracking starts)
    or (522, 8) (the rest period) are left out. Returns counts (laps, LAP_BINS, units),
    direction (0: towards larger camera x, 1: back), progress along the lap per bin
    (0 = start end), the bin width per lap [s] and the number of traversals found."""
    pos = np.loadtxt(folder / "position.csv", delimiter=",", skiprows=1)
    spk = np.loadtxt(folder / "spikes_flat.csv", delimiter=",", skiprows=1)
    t, xy = pos[:, 0], pos[:, 1:]
    ok = ~(np.all(xy == (477, 479), axis=1) | np.all(xy == (522, 8), axis=1))
    t, xy = t[ok], xy[ok]
    lin = A.linearise_track(xy)
    # (direction: the end a lap starts from, start time, end time)
    laps = np.array([(1 - to_end, t[a], t[b]) for a, b, to_end in A.track_laps(lin, END_ZONE)])
    found = len(laps)
    laps = laps[laps[:, 2] - laps[:, 1] <= MAX_LAP_S]
    unit, ts = spk[:, 0].astype(int), spk[:, 3]
    n_units = unit.max() + 1
    counts = np.zeros((len(laps), LAP_BINS, n_units))
    progress = np.zeros((len(laps), LAP_BINS))
    for i, (d, a, b) in enumerate(laps):
        edges = np.linspace(a, b, LAP_BINS + 1)
        sel = (ts >= a) & (ts < b)
        counts[i] = np.histogram2d(ts[sel], unit[sel], [edges, np.arange(n_units + 1)])[0]
        p = np.interp(0.5 * (edges[1:] + edges[:-1]), t, lin)
        progress[i] = p if d == 0 else 1 - p
    return {"counts": counts, "direction": laps[:, 0].astype(int), "progress": progress,
            "bin_s": (laps[:, 2] - laps[:, 1]) / LAP_BINS, "found": found}


def rate_maps(laps, units, sel):
    """Place-field maps [Hz], (2 directions, MAP_BINS, units), over lap progress from the
    traversals ``sel`` (occupancy-normalised)."""
    out = np.zeros((2, MAP_BINS, len(units)))
    for d in (0, 1):
        m = sel & (laps["direction"] == d)
        b = np.clip(((laps["progress"][m] - END_ZONE) / (1 - 2 * END_ZONE) * MAP_BINS).astype(int), 0, MAP_BINS - 1)
        occ = np.bincount(b.ravel(), np.repeat(laps["bin_s"][m], LAP_BINS), MAP_BINS)
        for j, u in enumerate(units):
            out[d, :, j] = np.bincount(b.ravel(), laps["counts"][m][:, :, u].ravel(), MAP_BINS) / np.maximum(occ, 1e-12)
    return out


def lap_traces(laps, units):
    """Per traversal, the running integral of the Gaussian-smoothed counts: its first
    differences (what differential_affinity correlates) are the smoothed counts, as the
    derivative of a calcium trace approximates the spiking."""
    from scipy.ndimage import gaussian_filter1d
    sm = gaussian_filter1d(laps["counts"][:, :, units], SMOOTH_SD, axis=1, mode="nearest")
    return [np.cumsum(s, axis=0) for s in sm]


def heldout_error(x, rank, seed=1):
    """Two-fold (even/odd traversals) held-out relative error: time and pairs factors
    from one half; each held-out trial's loadings by non-negative least squares."""
    from scipy.optimize import nnls
    num = den = 0.0
    for half in (0, 1):
        train = np.arange(x.shape[1]) % 2 == half
        fit = A.nonnegative_cp(x[:, train], rank, restarts=8, seed=seed)
        a, _, c = fit["factors"]
        basis = np.stack([fit["weights"][r] * np.outer(a[:, r], c[:, r]).ravel() for r in range(rank)], axis=1)
        for j in np.flatnonzero(~train):
            num += nnls(basis, x[:, j].ravel())[1] ** 2
            den += np.sum(x[:, j] ** 2)
    return np.sqrt(num / den)


def field_corr(maps):
    """Pearson correlation between the units' place-field maps (bins x units); NaN (a
    unit silent in the maps) becomes 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nan_to_num(np.corrcoef(maps.T))


def _partial(a, b, g):
    z = np.c_[np.ones(len(a)), g]
    res = lambda v: v - z @ np.linalg.lstsq(z, v, rcond=None)[0]
    return np.corrcoef(res(a), res(b))[0, 1]


def mantel(pairs, pf, rate, perms, extra=None):
    """Pearson r of pair weights with the place-field correlation (and the partial r
    given the pair's geometric-mean rate, and ``extra`` per-pair covariates if given)
    against the same statistics with the units' labels permuted in the place-field
    matrix. Returns (r, null q95, p, partial r, partial null q95, partial p)."""
    iu = np.triu_indices(pf.shape[0], 1)
    g = np.sqrt(rate[iu[0]] * rate[iu[1]])
    if extra is not None:
        g = np.c_[g, extra]
    obs, pobs = np.corrcoef(pairs, pf[iu])[0, 1], _partial(pairs, pf[iu], g)
    # partial Mantel test: only the place-field matrix is permuted; the pairs and their
    # rates stay with the recorded units (Smouse, Long & Sokal 1986)
    null = np.array([[np.corrcoef(pairs, pf[np.ix_(q, q)][iu])[0, 1], _partial(pairs, pf[np.ix_(q, q)][iu], g)]
                     for q in perms])
    p = lambda o, n: (1 + np.sum(n >= o)) / (1 + len(n))
    return (obs, np.quantile(null[:, 0], 0.95), p(obs, null[:, 0]),
            pobs, np.quantile(null[:, 1], 0.95), p(pobs, null[:, 1]))


def direction_auc(loading, direction):
    """Mann-Whitney AUC of a trial loading for telling direction 1 from direction 0."""
    a, b = loading[direction == 1], loading[direction == 0]
    return float(np.mean((a[:, None] > b[None, :]) + 0.5 * (a[:, None] == b[None, :])))


def real_data(out, quick):
    """The dynamic functional connectome of the rat linear-track units; prints its
    tables, writes <out>/functional_connectome_real.png, returns the figures (dict)."""
    t0 = time.perf_counter()
    laps = linear_track_laps()
    d = laps["direction"]
    n_laps = len(d)
    units = np.flatnonzero(laps["counts"].sum(axis=(0, 1)) >= MIN_SPIKES)
    n = len(units)
    x = A.affinity_tensor(lap_traces(laps, units), REAL_WINDOW, REAL_STEP)
    centres = np.arange(x.shape[0]) * REAL_STEP + REAL_WINDOW // 2
    progress = laps["progress"][:, centres].mean(axis=0)
    n_starts, n_perm = (10, 1000) if quick else (20, 5000)
    print("\nReal data: rat linear track, ../shared/data/rat_hc_nelpy (tetrode units, probably hippocampal)")
    print(f"  {laps['found']} traversals found, {n_laps} of <= {MAX_LAP_S:.0f} s kept ({np.sum(d == 0)} L->R, "
          f"{np.sum(d == 1)} R->L), each warped to {LAP_BINS} bins (mean {1e3 * laps['bin_s'].mean():.0f} ms); "
          f"{n} of {laps['counts'].shape[2]} units with >= {MIN_SPIKES} spikes")
    print(f"  tensor {x.shape[0]} windows x {x.shape[1]} traversals x {x.shape[2]} pairs, "
          f"{100 * np.mean(x > 0):.0f} % non-zero; window centres at lap progress {progress[0]:.2f}-{progress[-1]:.2f}")

    # rank: held-out error curve and agreement of single random starts with the best fit
    print(f"  {'rank':>4} {'fit rel.err':>11} {'held-out rel.err':>16} {'single starts at best fit':>26}")
    curve, fits = [], {}
    for rank in range(1, 5 if quick else 9):
        fits[rank] = A.nonnegative_cp(x, rank, restarts=8, seed=1)
        singles = [A.nonnegative_cp(x, rank, restarts=1, seed=1000 + s, require_convergence=False)
                   for s in range(n_starts)]
        agree = np.mean([A.factor_match_score(fits[rank], f) >= 0.95 for f in singles])
        curve.append((rank, fits[rank]["relative_error"], heldout_error(x, rank), agree))
        print(f"  {rank:4d} {curve[-1][1]:11.4f} {curve[-1][2]:16.4f} {agree:26.2f}")
    held = np.array([c[2] for c in curve])
    gain = (held[:-1] - held[1:]) / held[:-1]
    rank = int(np.argmax(gain < RANK_GAIN)) + 1 if np.any(gain < RANK_GAIN) else len(held)
    best = fits[rank]
    fms_sets = A.factor_match_score(best, A.nonnegative_cp(x, rank, restarts=8, seed=101))
    agree = curve[rank - 1][3]
    print(f"  chosen rank {rank} (one more component lowers the held-out error by < {100 * RANK_GAIN:.0f} %); "
          f"best-of-8 fits from two seed sets: FMS {fms_sets:.3f}; single starts at the best fit: {agree:.2f}")

    # trial factors against the running direction, with a shuffled-label null
    f_t, f_w, f_a = best["factors"]
    auc = np.array([direction_auc(f_w[:, r], d) for r in range(rank)])
    fold = np.maximum(auc, 1 - auc)
    rng = np.random.default_rng(1)
    null_dir = np.array([max(max(a, 1 - a) for a in (direction_auc(f_w[:, r], dd) for r in range(rank)))
                         for dd in (rng.permutation(d) for _ in range(n_perm))])
    q99_dir = float(np.quantile(null_dir, 0.99))
    pref = (auc > 0.5).astype(int)
    names = ("L->R", "R->L")
    print(f"  {'comp':>4} {'lambda':>7} {'direction AUC':>13} {'prefers':>7}  time factor at lap progress "
          + " ".join(f"{p:.2f}" for p in progress))
    for r in range(rank):
        print(f"  {r:4d} {best['weights'][r]:7.2f} {fold[r]:13.3f} {names[pref[r]]:>7}  "
              f"{'':27s}" + " ".join(f"{v / f_t[:, r].max():4.2f}" for v in f_t[:, r]))
    print(f"  direction AUC under shuffled labels (best component), 99th percentile: {q99_dir:.3f}")

    # pairs factors against the place-field correlation (direction-concatenated maps)
    perms = [rng.permutation(n) for _ in range(n_perm)]
    every = np.ones(n_laps, bool)
    maps = rate_maps(laps, units, every)
    both = lambda m: np.concatenate(m)
    summed = f_a @ best["weights"]
    rows = [("summed, in sample", mantel(summed, field_corr(both(maps)), both(maps).mean(0), perms))]
    # shared direction preference alone makes direction-concatenated maps correlate:
    # partial it out too (direction index (rate L->R - rate R->L) / sum, product per pair)
    di = (maps[0].mean(0) - maps[1].mean(0)) / (maps[0].mean(0) + maps[1].mean(0))
    iu = np.triu_indices(n, 1)
    rows.append(("summed, in sample, partial: rate + direction",
                 mantel(summed, field_corr(both(maps)), both(maps).mean(0), perms, extra=di[iu[0]] * di[iu[1]])))
    held_rows = []
    for half, name in ((0, "fit even laps, fields odd"), (1, "fit odd laps, fields even")):
        train = np.arange(n_laps) % 2 == half
        fit = A.nonnegative_cp(x[:, train], rank, restarts=8, seed=1)
        m = rate_maps(laps, units, ~train)
        rows.append((f"summed, {name}", mantel(fit["factors"][2] @ fit["weights"], field_corr(both(m)),
                                                 both(m).mean(0), perms)))
        for r in range(rank):  # each component against its preferred direction's held-out fields
            dr = int(direction_auc(fit["factors"][1][:, r], d[train]) > 0.5)
            held_rows.append((f"comp. {r} ({names[dr]}), {name}",
                              mantel(fit["factors"][2][:, r], field_corr(m[dr]), m[dr].mean(0), perms)))
    for r in range(rank):
        m = maps[pref[r]]
        rows.append((f"comp. {r} ({names[pref[r]]}), in sample", mantel(f_a[:, r], field_corr(m), m.mean(0), perms)))
    rows += held_rows
    rate = both(maps).mean(0)
    r_rate = np.corrcoef(summed, np.sqrt(rate[iu[0]] * rate[iu[1]]))[0, 1]
    print(f"  pairs factor vs place-field correlation ({MAP_BINS} bins per direction; Mantel null, {n_perm} unit permutations)")
    print(f"  {'':44s} {'r':>6} {'null95':>6} {'p':>6}  {'partial r (rate)':>16} {'null95':>6} {'p':>6}")
    for name, (o, q, p, po, pq, pp) in rows:
        print(f"  {name:44s} {o:6.3f} {q:6.3f} {p:6.4f}  {po:16.3f} {pq:6.3f} {pp:6.4f}")
    print(f"  summed pair weight vs the pair's geometric-mean rate: r = {r_rate:.3f}")

    # the next rank: what the extra component splits
    nxt = fits.get(rank + 1) or A.nonnegative_cp(x, rank + 1, restarts=8, seed=1)
    nt, nw, _ = nxt["factors"]
    print(f"  rank {rank + 1} for comparison (time factor peak at lap progress, preferred direction):  "
          + ", ".join(f"{progress[np.argmax(nt[:, r])]:.2f} {names[int(direction_auc(nw[:, r], d) > 0.5)]}"
                      for r in range(rank + 1)))

    # communities of each component's graph and of the summed graph (strongest KEEP edges)
    blocks = []
    for r in list(range(rank)) + [None]:
        g = A.factor_graph(f_a[:, r]) if r is not None else A.factor_graph(summed)
        lab = A.detect_communities(g, seed=1, min_weight=np.quantile(g[iu], 1 - KEEP))
        blocks.append(lab)
        what = f"component {r}" if r is not None else "summed graph"
        m = maps[pref[r]] if r is not None else both(maps)
        desc = "; ".join(f"block {b}: {np.sum(lab == b)} units, mean rate {m.mean(0)[lab == b].mean():.1f} Hz"
                         for b in np.unique(lab))
        print(f"  communities, {what} (nested SBM, strongest {100 * KEEP:.0f} % of edges): {desc}")
    print(f"  units used: {' '.join(map(str, units))}")

    ok = bool(fms_sets >= 0.95 and agree >= 0.8 and np.all(fold > q99_dir) and len(set(pref)) == 2
              and all(o > q and po > pq for _, (o, q, _, po, pq, _) in rows[:4]))
    print(f"  elapsed {time.perf_counter() - t0:.1f} s")
    print("real-data checks:", "PASS" if ok else "FAIL")
    res = {"rank": rank, "curve": curve, "fms_sets": fms_sets, "agree": agree, "auc": fold, "q99_dir": q99_dir,
           "pref": pref, "mantel": dict(rows), "r_rate": r_rate, "n_units": n, "n_laps": n_laps, "ok": ok,
           "blocks": blocks}
    plot_real(out, x, best, nxt, progress, curve, rank, d, maps, rows, summed, blocks[0], units, pref)
    return res


def plot_real(out, x, best, nxt, progress, curve, rank, d, maps, rows, summed, block0, units, pref):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names = ("L->R", "R->L")
    fig, ax = plt.subplots(2, 3, figsize=(15, 7.5))
    c = np.array(curve)
    a = ax[0, 0]
    a.plot(c[:, 0], c[:, 1], "o-", label="fit (all laps)")
    a.plot(c[:, 0], c[:, 2], "s-", label="held out (2-fold)")
    a.axvline(rank, color="k", ls=":", lw=1)
    a.set_xlabel("CP rank")
    a.set_xticks(c[:, 0])
    a.set_ylabel("relative error")
    a2 = a.twinx()
    a2.plot(c[:, 0], c[:, 3], "^--", color="C2", label="single starts at best fit")
    a2.set_ylim(0, 1.05)
    a.legend(frameon=False, fontsize=8, loc="lower left")
    a2.legend(frameon=False, fontsize=8, loc="upper right")
    a.set_title("rank choice")
    a = ax[0, 1]
    for r in range(rank):
        f = best["factors"][0][:, r]
        a.plot(progress, f / f.max(), "-o", color=f"C{pref[r]}", label=f"rank {rank}, comp {r} ({names[pref[r]]})")
    nt, nw, _ = nxt["factors"]
    for r in range(rank + 1):
        dr = int(direction_auc(nw[:, r], d) > 0.5)
        a.plot(progress, nt[:, r] / nt[:, r].max(), "--", color=f"C{dr}", lw=1, alpha=0.7)
    a.plot([], [], "k--", lw=1, label=f"rank {rank + 1}")
    a.set_xlabel("lap progress (window centre)")
    a.set_ylabel("time factor (max 1)")
    a.legend(frameon=False, fontsize=8)
    a.set_title("time factors along the lap")
    a = ax[0, 2]
    for r in range(rank):
        a.plot(best["factors"][1][:, r], "o-", ms=3, color=f"C{pref[r]}", label=f"comp {r}")
    for j in np.flatnonzero(d == 1):
        a.axvspan(j - 0.5, j + 0.5, color="0.9", lw=0)
    a.set_xlabel("traversal (grey: R->L)")
    a.set_ylabel("trial factor")
    a.legend(frameon=False, fontsize=8)
    a.set_title("trial factors vs running direction")
    a = ax[1, 0]
    iu = np.triu_indices(len(units), 1)
    pf = field_corr(np.concatenate(maps))[iu]
    o, q, p = rows[0][1][:3]
    a.plot(pf, summed, ".", alpha=0.7)
    a.set_xlabel("place-field correlation (both directions)")
    a.set_ylabel("summed pair weight")
    a.set_title(f"pairs vs place fields: r={o:.2f} (perm. 95 %: {q:.2f})", fontsize=10)
    a = ax[1, 1]
    m = np.concatenate(maps)
    order = np.lexsort((np.argmax(m, axis=0), maps[1].mean(0) > maps[0].mean(0)))  # by direction, then peak
    a.imshow((m / m.max(axis=0)).T[order], aspect="auto", cmap="viridis", interpolation="nearest")
    a.axvline(maps.shape[1] - 0.5, color="w", lw=1)
    a.set_yticks(range(len(units)), units[order], fontsize=6)
    a.set_xticks([maps.shape[1] / 2, 1.5 * maps.shape[1]], names)
    a.set_ylabel("unit")
    a.set_title("place-field maps (each row max 1)")
    a = ax[1, 2]
    g = A.factor_graph(best["factors"][2][:, 0])
    o0 = np.argsort(block0, kind="stable")
    a.imshow(g[o0][:, o0], cmap="magma")
    a.set_xticks(range(len(units)), units[o0], fontsize=6)
    a.set_yticks(range(len(units)), units[o0], fontsize=6)
    a.set_title(f"component 0 graph, by SBM block ({len(np.unique(block0))} blocks)")
    fig.tight_layout()
    fig.savefig(out / "functional_connectome_real.png", dpi=100)
    plt.close(fig)
    print(f"wrote {out / 'functional_connectome_real.png'}")


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
    print("synthetic checks:", "PASS" if ok else "FAIL")

    if RAT.is_dir():
        ok &= real_data(out, args.quick)["ok"]
    else:
        print(f"\nReal data: {RAT} not found, real-data part skipped")
    print("checks:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
