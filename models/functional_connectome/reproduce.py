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

Real data 2 (../shared/data/celegans_connectome_interactome; the 279-neuron C. elegans
connectome, Varshney et al. 2011 wiring as shipped with the Neural Interactome, Kim, Leahy
& Shlizerman 2019): detect_communities on the undirected graph whose weights are the
chemical synapses in both directions plus the gap junctions (least description length of
a few SBM seeds). Labels come from the names only: left/right homologue pairs, the
ventral-cord motor classes (DA DB DD VA VB VD AS VC) and their numbers, and the
inhibitory mask. Checks, each against nulls computed in the same run (degree-preserving
rewirings of the graph, each refitted; label permutations on the observed partition;
degree-matched stand-ins for the homologues):
  7. homologues share a block more often than degree-matched stand-ins, and by more than
     in any rewired graph;
  8. the blocks' NMI with the motor classes, the share of the motor neurons' number
     explained by the blocks (eta^2) and the NMI with the inhibitory mask exceed both the
     99th percentile of label permutations and every rewired graph.
If that folder is missing this part is skipped with one line.

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


# ----------------------------------------------------------------------------- real data: C. elegans connectome
CELEGANS = ROOT.parent / "shared" / "data" / "celegans_connectome_interactome"
# Our choices for the connectome (the main row is the library's default SBM, as in the
# synthetic checks; the other graphs and SBM variants are printed in the full run):
CEL_GRAPH = "chemical+gap"   # weight of a neuron pair: chemical synapses in both directions + gap junctions
MOTOR_CLASSES = ("DA", "DB", "DD", "VA", "VB", "VD", "AS", "VC")   # ventral-cord motor neurons, by name prefix
REWIRE_SWEEPS = 10   # double-edge swaps per edge in the degree-preserving null
MATCH_K = 10         # degree-matched stand-ins per homologue


def load_connectome(folder=CELEGANS):
    """Names, Gs[post, pre] chemical counts, Gg gap-junction counts, inhibitory mask."""
    names = np.array([line.split(",")[1] for line in (folder / "neurons.csv").read_text().split()[1:]])
    return {"names": names, "Gs": np.load(folder / "Gs.npy"), "Gg": np.load(folder / "Gg.npy"),
            "inhibitory": np.load(folder / "emask.npy").ravel().astype(int)}


def connectome_graph(c, kind=CEL_GRAPH):
    """Symmetric weights: synapse counts between two neurons, in either direction.
    'chemical+gap' adds the gap junctions (each junction counted once per pair)."""
    chem = c["Gs"] + c["Gs"].T
    return {"chemical+gap": chem + c["Gg"], "chemical": chem, "gap": c["Gg"].copy()}[kind]


def name_labels(names):
    """Labels from the names alone: left/right homologue pairs (stem + L and stem + R
    both present), ventral-cord motor class (prefix + two digits) and the motor
    neuron's number scaled to [0, 1] within its class (0 = 01, 1 = the class's last)."""
    import re
    idx = {n: i for i, n in enumerate(names)}
    pairs = np.array([(idx[n], idx[n[:-1] + "R"]) for n in names if n.endswith("L") and n[:-1] + "R" in idx])
    motor = np.array([m.group(1) if (m := re.fullmatch(r"(%s)\d\d" % "|".join(MOTOR_CLASSES), n)) else ""
                      for n in names])
    size = {k: np.sum(motor == k) for k in MOTOR_CLASSES}
    position = np.array([(int(n[2:]) - 1) / (size[m] - 1) if m else np.nan for n, m in zip(names, motor)])
    return pairs, motor, position


def communities_min_dl(adj, seeds, weighted=True, deg_corr=False):
    """detect_communities for each seed, keeping the partition of least description
    length, as graph-tool's documentation advises for a stochastic search. Returns
    (labels, DL [nats], seed, the labels of every seed, the DL of every seed)."""
    fits = [A.detect_communities(adj, weighted=weighted, deg_corr=deg_corr, seed=s, return_dl=True) for s in seeds]
    k = int(np.argmin([dl for _, dl in fits]))
    return fits[k][0], fits[k][1], seeds[k], [lab for lab, _ in fits], [dl for _, dl in fits]


def rewire(adj, rng, sweeps=REWIRE_SWEEPS):
    """Degree-preserving null: double-edge swaps (a-b, c-d -> a-d, c-b), refused when they
    make a self-loop or a double edge. Each edge keeps its weight, so every neuron keeps
    its number of partners and the weights their distribution (not each neuron's sum)."""
    i, j = np.nonzero(np.triu(adj > 0, 1))
    w, e = adj[i, j], np.c_[i, j]
    key = lambda a, b: (a, b) if a < b else (b, a)
    have = set(zip(i.tolist(), j.tolist()))
    m = len(e)
    for x, y, flip in zip(rng.integers(m, size=sweeps * m).tolist(), rng.integers(m, size=sweeps * m).tolist(),
                          (rng.random(sweeps * m) < 0.5).tolist()):
        (a, b), (c, d) = e[x].tolist(), e[y].tolist()
        if flip:
            c, d = d, c
        n1, n2 = key(a, d), key(c, b)
        if x == y or a == d or c == b or n1 == n2 or n1 in have or n2 in have:
            continue
        have -= {key(a, b), key(c, d)}
        have |= {n1, n2}
        e[x], e[y] = (a, d), (c, b)
    out = np.zeros_like(adj)
    out[e[:, 0], e[:, 1]] = w
    out[e[:, 1], e[:, 0]] = w
    return out


def eta2(v, lab):
    """Share of the variance of v explained by the blocks (correlation ratio squared)."""
    v = v - v.mean()
    return float(sum(np.sum(lab == b) * v[lab == b].mean() ** 2 for b in np.unique(lab)) / np.sum(v ** 2))


def degree_matched(lab, pairs, degree, rng, draws):
    """How often a neuron shares a block with a stand-in for its homologue: one of the
    MATCH_K other neurons whose degree is closest to the homologue's. Returns the mean
    over stand-ins and ``draws`` rates with one random stand-in per homologue."""
    hits = []
    for a, b in np.r_[pairs, pairs[:, ::-1]]:
        others = np.setdiff1d(np.arange(len(lab)), [a, b])
        stand = others[np.argsort(np.abs(degree[others] - degree[b]), kind="stable")[:MATCH_K]]
        hits.append(lab[stand] == lab[a])
    hits = np.array(hits)
    pick = rng.integers(MATCH_K, size=(draws, len(hits)))
    return hits.mean(), hits[np.arange(len(hits)), pick].mean(axis=1)


def partition_stats(lab, labels, degree, rng, draws=1):
    """The figures of one partition against the name labels."""
    pairs, motor, position, inhibitory = labels
    m = motor != ""
    nb = np.bincount(lab)
    homologues = float(np.mean(lab[pairs[:, 0]] == lab[pairs[:, 1]]))
    stand_in, stand_draws = degree_matched(lab, pairs, degree, rng, draws)
    return {"blocks": len(nb), "homologues": homologues, "stand-ins": stand_in, "excess": homologues - stand_in,
            "chance": float(np.sum(nb * (nb - 1)) / (len(lab) * (len(lab) - 1))),
            "nmi_motor": A.nmi(motor[m], lab[m]), "eta2_position": eta2(position[m], lab[m]),
            "nmi_inhibitory": A.nmi(inhibitory, lab), "stand_draws": stand_draws}


def celegans(out, quick):
    """Community detection (nested weighted SBM) on the C. elegans connectome; prints its
    tables, writes <out>/functional_connectome_celegans.png, returns the figures (dict)."""
    t0 = time.perf_counter()
    c = load_connectome()
    names, inh = c["names"], c["inhibitory"]
    pairs, motor, position = name_labels(names)
    labels = (pairs, motor, position, inh)
    adj = connectome_graph(c)
    degree = (adj > 0).sum(axis=0)
    seeds = (1, 2) if quick else (1, 2, 3)
    n_rewire, n_perm = (4, 1000) if quick else (19, 10000)
    rng = np.random.default_rng(1)
    iu = np.triu_indices(len(names), 1)
    print("\nReal data: C. elegans connectome, ../shared/data/celegans_connectome_interactome "
          "(Neural Interactome copy of the Varshney et al. 2011 wiring; EM reconstruction)")
    print(f"  graph: {len(names)} neurons, {np.sum(adj[iu] > 0)} connected pairs; weight = chemical synapses in "
          f"both directions + gap junctions (1-{adj.max():.0f}, median {np.median(adj[iu][adj[iu] > 0]):.0f})")
    print(f"  labels from names: {len(pairs)} left/right homologue pairs; {np.sum(motor != '')} ventral-cord motor "
          "neurons (" + ", ".join(f"{k} {np.sum(motor == k)}" for k in MOTOR_CLASSES)
          + f"); {inh.sum()} inhibitory (emask)")

    lab, dl, seed, every, seed_dl = communities_min_dl(adj, seeds)
    seed_nmi = [A.nmi(a, b) for k, a in enumerate(every) for b in every[k + 1:]]
    obs = partition_stats(lab, labels, degree, rng, n_perm)
    print(f"  nested SBM (weighted, real-exponential; no degree correction), least description length of seeds "
          f"{seeds[0]}-{seeds[-1]} (" + ", ".join(f"{v:.1f}" for v in seed_dl) + f" nats): seed {seed}, "
          f"{obs['blocks']} blocks; NMI between the seeds' partitions "
          + ", ".join(f"{v:.2f}" for v in seed_nmi))
    print(f"  {'block':>5} {'size':>4} {'degree':>6} {'inhib.':>6}  motor neurons (class: numbers)   members")
    for b in range(obs["blocks"]):
        s = lab == b
        mot = "; ".join(f"{k}:" + ",".join(str(int(n[2:])) for n in sorted(names[s & (motor == k)]))
                        for k in MOTOR_CLASSES if np.any(s & (motor == k)))
        print(f"  {b:5d} {s.sum():4d} {degree[s].mean():6.1f} {inh[s].sum():6d}  {mot or '-'}   "
              f"{' '.join(names[s & (motor == '')])}")

    # nulls: degree-preserving rewiring (the whole pipeline on each rewired graph) and,
    # on the observed partition, label permutations / degree-matched stand-ins
    null = []
    for _ in range(n_rewire):
        g = rewire(adj, rng)
        nl, ndl, *_ = communities_min_dl(g, seeds)
        null.append(partition_stats(nl, labels, degree, rng) | {"dl": ndl})
    m = motor != ""
    perm = {"nmi_motor": [A.nmi(rng.permutation(motor[m]), lab[m]) for _ in range(n_perm)],
            "eta2_position": [eta2(rng.permutation(position[m]), lab[m]) for _ in range(n_perm)],
            "nmi_inhibitory": [A.nmi(rng.permutation(inh), lab) for _ in range(n_perm)],
            "homologues": obs["stand_draws"]}
    rows = [("blocks", "blocks", None), ("description length [nats]", "dl", None),
            ("homologue pairs in one block", "homologues", "homologues"),
            ("  same, degree-matched stand-ins", "stand-ins", None),
            ("  homologues - stand-ins", "excess", None),
            ("  chance for random pairs (block sizes)", "chance", None),
            ("NMI blocks vs motor class (74)", "nmi_motor", "nmi_motor"),
            ("motor number explained by blocks, eta^2", "eta2_position", "eta2_position"),
            ("NMI blocks vs inhibitory mask", "nmi_inhibitory", "nmi_inhibitory")]
    obs["dl"] = dl
    print(f"  {'figure':42s} {'observed':>9}  {'perm. q99':>9}  {'rewired: mean':>13} {'min':>9} {'max':>9}   "
          f"(perm.: {n_perm} label permutations, or stand-in draws, on the observed partition; "
          f"rewired: {n_rewire} degree-preserving rewirings, each refitted)")
    checks = {}
    for text, key, pkey in rows:
        nv = np.array([r[key] for r in null])
        q = f"{np.quantile(perm[pkey], 0.99):9.3f}" if pkey else f"{'':9s}"
        print(f"  {text:42s} {obs[key]:9.3f}  {q}  {nv.mean():13.3f} {nv.min():9.3f} {nv.max():9.3f}")
        if key in ("excess", "nmi_motor", "eta2_position", "nmi_inhibitory"):
            checks[key] = obs[key] > nv.max()
        if pkey:
            checks[key + " perm"] = obs[key] > np.quantile(perm[pkey], 0.99)
    print("  checks: " + ", ".join(f"{k} {'ok' if v else 'FAIL'}" for k, v in checks.items()))

    variants = []
    if not quick:  # the choices that matter: which synapses, weights, degree correction
        print(f"  other graphs and SBM variants (least DL of seeds {seeds[0]}-{seeds[-1]}; label-permutation / "
              "stand-in nulls only, no rewiring):")
        print(f"  {'graph':13s} {'weights':>8} {'deg.corr':>8} {'blocks':>6} {'homol.':>6} {'stand-in':>8} "
              f"{'NMI motor':>9} {'eta^2 pos.':>10} {'NMI inhib.':>10}")
        for kind in ("chemical+gap", "chemical", "gap"):
            g = connectome_graph(c, kind)
            deg = (g > 0).sum(axis=0)
            for weighted in (True, False):
                for dc in (False, True):
                    vl, *_ = communities_min_dl(g, seeds, weighted, dc)
                    s = partition_stats(vl, labels, deg, rng)
                    variants.append((kind, weighted, dc, s))
                    print(f"  {kind:13s} {'counts' if weighted else 'none':>8} {'yes' if dc else 'no':>8} "
                          f"{s['blocks']:6d} {s['homologues']:6.3f} {s['stand-ins']:8.3f} {s['nmi_motor']:9.3f} "
                          f"{s['eta2_position']:10.3f} {s['nmi_inhibitory']:10.3f}")
        print(f"  ({np.sum(connectome_graph(c, 'gap').sum(0) == 0)} neurons have no gap junction)")
    ok = bool(all(checks.values()))
    print(f"  elapsed {time.perf_counter() - t0:.1f} s")
    print("C. elegans checks:", "PASS" if ok else "FAIL")
    res = {"obs": obs, "null": null, "perm_q99": {k: float(np.quantile(v, 0.99)) for k, v in perm.items()},
           "checks": checks, "ok": ok, "labels": lab, "seed": seed, "dl": dl,
           "seed_nmi": seed_nmi, "variants": variants, "n_pairs": len(pairs), "n_motor": int(m.sum())}
    plot_celegans(out, adj, lab, names, motor, position, inh, obs, null, perm)
    return res


def plot_celegans(out, adj, lab, names, motor, position, inh, obs, null, perm):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 4, figsize=(18, 4.6), gridspec_kw={"width_ratios": [1.2, 1, 1, 1.2]})
    degree = (adj > 0).sum(axis=0)
    order = np.lexsort((-degree, lab))
    a = ax[0]
    a.imshow(np.ma.masked_equal(np.log1p(adj[order][:, order]), 0), cmap="magma_r", interpolation="nearest")
    edges = np.flatnonzero(np.diff(lab[order])) + 0.5
    for e in edges:
        a.axhline(e, color="C0", lw=0.6)
        a.axvline(e, color="C0", lw=0.6)
    a.set_title(f"connectome by SBM block ({obs['blocks']} blocks), log(1 + count)", fontsize=10)
    a.set_xlabel("neuron (by block, then degree)")
    a = ax[1]
    blocks = np.arange(obs["blocks"])
    bottom = np.zeros(len(blocks))
    for k, cls in enumerate(MOTOR_CLASSES):
        v = np.array([np.sum((lab == b) & (motor == cls)) for b in blocks])
        a.bar(blocks, v, bottom=bottom, color=plt.cm.tab10(k), label=cls)
        bottom += v
    other = np.array([np.sum((lab == b) & (motor == "")) for b in blocks])
    a.bar(blocks, other, bottom=bottom, color="0.85", label="other")
    a.plot(blocks, [inh[lab == b].sum() for b in blocks], "kv", ms=6, label="inhibitory (emask)")
    a.set_xlabel("block")
    a.set_ylabel("neurons")
    a.legend(frameon=False, fontsize=7, ncol=2)
    a.set_title("block composition by name", fontsize=10)
    a = ax[2]
    m = motor != ""
    jitter = np.random.default_rng(0).uniform(-0.25, 0.25, m.sum())
    for k, cls in enumerate(MOTOR_CLASSES):
        s = motor[m] == cls
        a.scatter(position[m][s], lab[m][s] + jitter[s], color=plt.cm.tab10(k), s=14, label=cls)
    a.set_xlabel("motor neuron number within its class (0 = 01, 1 = last)")
    a.set_ylabel("block")
    a.legend(frameon=False, fontsize=7, ncol=4, loc="center")
    a.set_title(f"motor neurons: eta^2 {obs['eta2_position']:.2f}, NMI class {obs['nmi_motor']:.2f}", fontsize=10)
    a = ax[3]
    keys = [("homologues", "homologue\nco-assignment"), ("excess", "homologues -\nstand-ins"),
            ("nmi_motor", "NMI\nmotor class"), ("eta2_position", "eta^2\nmotor number"),
            ("nmi_inhibitory", "NMI\ninhibitory")]
    for k, (key, _) in enumerate(keys):
        nv = [r[key] for r in null]
        a.plot(np.full(len(nv), k) + np.linspace(-0.15, 0.15, len(nv)), nv, "o", color="0.5", ms=4,
               label="rewired graphs" if k == 0 else None)
        if key in perm:
            a.plot([k - 0.25, k + 0.25], [np.quantile(perm[key], 0.99)] * 2, "C1-", lw=2,
                   label="permutation / stand-in q99" if k == 0 else None)
        a.plot(k, obs[key], "r*", ms=12, label="observed" if k == 0 else None)
    a.set_xticks(range(len(keys)), [t for _, t in keys], fontsize=8)
    a.set_ylim(0, 1.05)
    a.legend(frameon=False, fontsize=8)
    a.set_title("observed vs same-run nulls", fontsize=10)
    fig.tight_layout()
    fig.savefig(out / "functional_connectome_celegans.png", dpi=100)
    plt.close(fig)
    print(f"wrote {out / 'functional_connectome_celegans.png'}")


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
    if CELEGANS.is_dir():
        ok &= celegans(out, args.quick)["ok"]
    else:
        print(f"\nReal data: {CELEGANS} not found, C. elegans part skipped")
    print("checks:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
