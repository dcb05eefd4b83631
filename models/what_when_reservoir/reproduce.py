#!/usr/bin/env python3
"""What/when prediction in a heterogeneous Izhikevich reservoir (Yamada & Chao,
arXiv 2510.14382), simulated with hebb.Network, readouts learnt with hebb.plasticity.

Reservoir: N Izhikevich neurons, 80% regular spiking (a = 0.02, b = 0.2,
c = -65 + 15 r^2, d = 8 - 6 r^2) and 20% fast spiking (a = 0.02 + 0.08 r,
b = 0.25 - 0.05 r, c = -65, d = 2), r ~ U[0, 1] per neuron (Izhikevich 2003);
sparse random coupling (p = 0.1, excitatory U[0, 0.5], inhibitory U[-1, 0], 1 ms
pulses), Gaussian noise current each ms (sd 2 / 0.8), dt = 1 ms.
Task (trials of 1000 ms): a cue at t = 0 (a fixed spatiotemporal pattern of 40
input neurons over 0-800 ms, the same on every trial); after latency L the outcome,
A with probability p or B otherwise (a 3-spike burst of 20 input neurons, one input
population per outcome). L and p are set per trial; the main run switches L from
300 to 600 ms after `pre` trials without any reset.
Features r(t): reservoir spike trains filtered with tau = 50 ms (hebb.plasticity.filtered_rates).
Readouts (hebb.plasticity), gate g(t) = 1 from the cue to 900 ms, 0 in the inter-trial gap:
* when: z = w.r, target bump(t - L) = exp(-(t - L)^2 / (2 sigma^2)), sigma = 25 ms, every
  trial; learnt online by the gated LMS rule dw = eta g e r (LmsReadout).
* FORCE baseline for "when": recursive least squares (RlsReadout, lambda = 1).
* what: z_A, z_B with targets bump(t - L) 1[outcome = A] and bump(t - L) 1[outcome = B];
  consolidated offline: after every block of 10 trials all trials stored so far are
  replayed once (shuffled) through the same gated LMS rule, with the same step. The "what" weight vector
  (identity: A rather than B) is w_A - w_B.
Acceptance (SYSTEMS.md section 1):
 1. peak of the when readout within +-50 ms of L after <= 100 trials;
 2. peak amplitude of the trial-averaged z_A proportional to p: R^2 >= 0.9 of the line
    through the origin over p in {0.2, 0.5, 0.8} (LMS converges to E[target | t] = p bump);
    amplitude = mean of z_A over +-sigma around the peak time of the when readout;
 3. after L switches 300 -> 600 ms the LMS readout re-locks (5 successive trials with the
    peak within +-50 ms of 600) within <= 50 trials, and FORCE needs >= 3x as many;
 4. cosine(w_what, w_when) < 0.3 (p = 0.5).

All readouts are evaluated by the peak procedure: on N_PROBE omission trials (same
reservoir, fresh noise, no outcome), so that what is measured is the prediction made
before the outcome, not the response to it.

Usage: reproduce.py [--out DIR] [--quick] [--seeds K]
"""
import argparse
import os
import sys
import time

import numpy as np

import hebb
import hebb.plasticity as hp

T_TRIAL = 1000      # trial length [ms] (dt = 1 ms)
T_GATE = 900        # gate open from the cue to here [ms]
T_CUE = 800         # cue pattern length [ms]
SIGMA = 25.0        # target bump width [ms]
TAU = 50.0          # spike filter [ms]
N_CUE, N_OUT = 40, 20
TOL = 50.0          # peak-time tolerance [ms]
RUN = 5             # successive trials within TOL to count as locked


def _explicit(rng, n_pre, n_post, p, low, high):
    """Random coupling drawn with numpy from the reservoir seed (so that the network
    seed only draws the noise): each pair with probability p, weight U[low, high]."""
    mask = rng.uniform(size=(n_pre, n_post)) < p
    src, tgt = np.nonzero(mask)
    return src, tgt, rng.uniform(low, high, size=src.size)


def simulate(n, latencies, outcomes, seed, noise_seed):
    """Runs the reservoir for len(latencies) trials; outcome k in {0: A, 1: B, -1: none}
    arrives at latencies[k]. `seed` fixes the reservoir (neuron parameters, coupling, cue
    pattern), `noise_seed` the noise. Returns r(t) as (trials, T_TRIAL, n), the wall
    time of the simulation and the mean rate [Hz]."""
    rng = np.random.default_rng(seed)
    trials = len(latencies)
    ne = int(round(0.8 * n))
    ni = n - ne
    re, ri = rng.uniform(size=ne), rng.uniform(size=ni)
    net = hebb.Network(dt=1.0, seed=noise_seed)
    pops = {"exc": net.population("exc", "izhikevich", ne, init={"c": -65 + 15 * re**2, "d": 8 - 6 * re**2}),
            "inh": net.population("inh", "izhikevich", ni,
                                  init={"a": 0.02 + 0.08 * ri, "b": 0.25 - 0.05 * ri, "c": -65.0, "d": 2.0})}
    pops["inh"].set("u", pops["inh"].get("b") * -65.0)
    size = {"exc": ne, "inh": ni}
    for pre, (low, high, rec) in {"exc": (0.0, 0.5, "exc"), "inh": (-1.0, 0.0, "inh")}.items():
        for post in ("exc", "inh"):
            s, t, w = _explicit(rng, size[pre], size[post], 0.1, low, high)
            net.connect(pops[pre], pops[post], rule="explicit", sources=s, targets=t, weight=w, delay=1.0, receptor=rec)
    # the cue: one fixed pattern (about 10 Hz per input neuron over 0-800 ms), repeated each trial
    pattern = [np.sort(rng.uniform(0.0, T_CUE, size=rng.poisson(8))) for _ in range(N_CUE)]
    starts = np.arange(trials) * T_TRIAL + 1.0
    cue = net.population("cue", "spike_source", N_CUE,
                         spike_times=[np.concatenate([s + p for s in starts]) for p in pattern])
    s, t, w = _explicit(rng, N_CUE, ne, 0.2, 20.0, 20.0)
    net.connect(cue, pops["exc"], rule="explicit", sources=s, targets=t, weight=w, delay=1.0, receptor="exc")
    lat, out = np.asarray(latencies, float), np.asarray(outcomes)
    for k in (0, 1):
        s, t, w = _explicit(rng, N_OUT, ne, 0.2, 20.0, 20.0)  # drawn even when unused: same reservoir
        if not np.any(out == k):
            continue
        t0 = starts[out == k] + lat[out == k]
        burst = np.sort(np.concatenate([t0, t0 + 4.0, t0 + 8.0]))
        src = net.population("outcome_" + "AB"[k], "spike_source", N_OUT, spike_times=[burst] * N_OUT)
        net.connect(src, pops["exc"], rule="explicit", sources=s, targets=t, weight=w, delay=1.0, receptor="exc")
    net.noise_input(pops["exc"], sd=2.0)
    net.noise_input(pops["inh"], sd=0.8)
    se, si = net.record_spikes(pops["exc"]), net.record_spikes(pops["inh"])
    t0 = time.perf_counter()
    net.run(trials * T_TRIAL)
    wall = time.perf_counter() - t0
    ts = np.concatenate([se.times, si.times])
    ss = np.concatenate([se.senders, si.senders + ne])
    R = hp.filtered_rates(ts, ss, n, trials * T_TRIAL, dt=1.0, tau=TAU)
    return R.reshape(trials, T_TRIAL, n), wall, len(ts) / n / (trials * T_TRIAL * 1e-3)


def bump(L):
    t = np.arange(T_TRIAL, dtype=float)
    return np.exp(-0.5 * ((t - L) / SIGMA) ** 2)


GATE = (np.arange(T_TRIAL) < T_GATE).astype(float)


def peak_time(z):
    return float(np.argmax(z[:T_GATE]))


def lock_trial(peaks, L, start=0):
    """First trial index >= start (counted from start, 1-based) after which RUN successive
    peaks lie within TOL of L; None if never."""
    ok = np.abs(np.asarray(peaks[start:]) - L) <= TOL
    for i in range(len(ok) - RUN + 1):
        if ok[i:i + RUN].all():
            return i + RUN
    return None


def learning_rate(R, c):
    """eta = c / <|r|^2> over the first trial's gated steps (normalised LMS step)."""
    r2 = (R[0, :T_GATE] ** 2).sum(1).mean()
    return c / r2


def probe_output(ro, P, col=0):
    """Trial-averaged output of readout `ro` on the probe trials P (outcome omitted)."""
    return ro.predict(P.reshape(-1, P.shape[2]))[:, col].reshape(P.shape[0], T_TRIAL).mean(0)


def when_online(R, latencies, eta, P):
    """Gated LMS 'when' readout, trial after trial; after each trial its output on the
    probe trials P (the peak procedure: omission trials, no learning). Returns the
    probe peak time after each trial, the last probe output and the readout."""
    ro = hp.LmsReadout(R.shape[2], 1, eta=eta)
    peaks = []
    for k in range(R.shape[0]):
        ro.train(R[k], bump(latencies[k]), GATE)
        z = probe_output(ro, P)
        peaks.append(peak_time(z))
    return np.array(peaks), z, ro


def when_force(R, latencies, alpha, every, P):
    """FORCE baseline: RLS (no forgetting) on the same features and targets, updating
    on every `every`-th gated step."""
    ro = hp.RlsReadout(R.shape[2], 1, alpha=alpha, forgetting=1.0)
    g = GATE * (np.arange(T_TRIAL) % every == 0)
    peaks = []
    for k in range(R.shape[0]):
        ro.train(R[k], bump(latencies[k]), g)
        peaks.append(peak_time(probe_output(ro, P)))
    return np.array(peaks), ro


def what_offline(R, latencies, outcomes, eta, block=10, seed=0):
    """'What' readouts z_A, z_B consolidated offline (nothing is learnt online): after
    each block of trials, every trial stored so far is replayed once, in a shuffled
    order, through the gated LMS rule with step `eta`. A slow replay of the whole
    memory averages the outcome over all trials seen, where the online rule's constant
    gain would follow the last few."""
    rng = np.random.default_rng(seed)
    ro = hp.LmsReadout(R.shape[2], 2, eta=eta)
    for b1 in range(block, R.shape[0] + block, block):
        for k in rng.permutation(min(b1, R.shape[0])):
            y = np.zeros((T_TRIAL, 2))
            y[:, outcomes[k]] = bump(latencies[k])
            ro.train(R[k], y, GATE)
    return ro


def cosine(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


C_ETA = 0.02        # normalised LMS step: eta = C_ETA / <|r|^2>
C_REPLAY = 0.02     # normalised step of the offline replay (consolidation)
P_VALUES = (0.2, 0.5, 0.8)
N_PROBE = 10        # omission (probe) trials for the peak procedure
FORCE_EVERY = 4     # FORCE updates on every 4th gated step (RLS cost n^2 per update)
SIZES = {True: dict(n=300, pre=100, post=150, seeds=1), False: dict(n=500, pre=100, post=200, seeds=3)}


def r2_through_origin(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    k = (x @ y) / (x @ x)
    return 1.0 - ((y - k * x) ** 2).sum() / ((y - y.mean()) ** 2).sum(), k


def one_seed(n, pre, post, seed):
    """Every experiment for one reservoir (seed); returns a dict of measurements."""
    rng = np.random.default_rng(1000 + seed)
    probe, _, _ = simulate(n, np.zeros(N_PROBE), -np.ones(N_PROBE, int), seed, 10 * seed + 1)
    res = {"seed": seed}
    # main run: p = 0.5, L = 300 for `pre` trials, then L = 600 (no reset)
    lat = np.r_[np.full(pre, 300.0), np.full(post, 600.0)]
    out = (rng.uniform(size=pre + post) >= 0.5).astype(int)
    R, wall, rate = simulate(n, lat, out, seed, 10 * seed + 2)
    res.update(sim_wall=wall, rate=rate)
    eta = learning_rate(R, C_ETA)
    ro = hp.LmsReadout(n, 1, eta=eta)
    peaks = []
    for k in range(pre + post):
        ro.train(R[k], bump(lat[k]), GATE)
        z = probe_output(ro, probe)
        peaks.append(peak_time(z))
        if k == pre - 1:
            z_pre, w_when = z, ro.weights[0].copy()
    peaks = np.array(peaks)
    res.update(peaks_lms=peaks, z_when_pre=z_pre, z_when_post=z, peak_after_pre=peaks[pre - 1],
               lock_lms=lock_trial(peaks[:pre], 300.0), relock_lms=lock_trial(peaks, 600.0, pre))
    fpk, _ = when_force(R, lat, 1.0, FORCE_EVERY, probe)
    res.update(peaks_force=fpk, relock_force=lock_trial(fpk, 600.0, pre))
    # what readouts, consolidated offline, for each p (p = 0.5: the main run's first trials)
    amps, zA, cos = [], {}, {}
    for p in P_VALUES:
        if p == 0.5:
            Rp, op = R[:pre], out[:pre]
        else:
            op = (rng.uniform(size=pre) >= p).astype(int)
            Rp, _, _ = simulate(n, np.full(pre, 300.0), op, seed, 10 * seed + 3 + int(10 * p))
        what = what_offline(Rp, np.full(pre, 300.0), op, learning_rate(Rp, C_REPLAY), seed=seed)
        zA[p] = probe_output(what, probe, 0)
        # amplitude: mean of z_A over +-sigma around the when readout's peak (the max of
        # a noisy curve is biased upwards by its noise)
        t_star = int(peak_time(z_pre))
        amps.append(float(zA[p][max(t_star - int(SIGMA), 0):t_star + int(SIGMA) + 1].mean()))
        if p == 0.5:
            w = what.weights
            cos[p] = cosine(w[0] - w[1], w_when)
            res["cos_A_when"] = cosine(w[0], w_when)
    r2, slope = r2_through_origin(P_VALUES, amps)
    res.update(amps=np.array(amps), r2=r2, slope=slope, z_A=zA, cos_what_when=cos[0.5])
    return res


def checks(results):
    """The four acceptance checks over every seed (worst seed counts)."""
    err = max(abs(r["peak_after_pre"] - 300.0) for r in results)
    r2 = min(r["r2"] for r in results)
    relock = [r["relock_lms"] if r["relock_lms"] is not None else np.inf for r in results]
    force = [r["relock_force"] if r["relock_force"] is not None else np.inf for r in results]
    ratio = min(f / l for f, l in zip(force, relock))
    cos = max(abs(r["cos_what_when"]) for r in results)
    return [("|peak - L| after 100 trials [ms]", err, "<=", TOL),
            ("R^2 of peak amplitude vs p", r2, ">=", 0.9),
            ("LMS trials to re-lock after the switch", float(max(relock)), "<=", 50),
            ("FORCE / LMS re-lock trials", ratio, ">=", 3.0),
            ("|cos(w_what, w_when)|", cos, "<", 0.3)]


def passed(value, op, thr):
    return {"<=": value <= thr, ">=": value >= thr, "<": value < thr}[op]


def plot(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    r = results[0]
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.6))
    t = np.arange(T_TRIAL)
    ax[0].plot(t, r["z_when_pre"], label="after 100 trials (L = 300)")
    ax[0].plot(t, r["z_when_post"], label="after the switch (L = 600)")
    ax[0].plot(t, bump(300), "k--", lw=0.8)
    ax[0].plot(t, bump(600), "k:", lw=0.8)
    ax[0].set(xlabel="time after cue [ms]", ylabel="when readout (probe trials)", title="when: peak procedure")
    ax[0].legend(fontsize=7)
    for p, z in r["z_A"].items():
        ax[1].plot(t, z, label=f"p = {p}")
    ax[1].set(xlabel="time after cue [ms]", ylabel="what readout z_A (probe trials)",
              title=f"what: amplitude vs p (R$^2$ = {r['r2']:.2f})")
    ax[1].legend(fontsize=7)
    k = np.arange(1, len(r["peaks_lms"]) + 1)
    ax[2].plot(k, r["peaks_lms"], ".-", ms=3, label=f"gated LMS (re-lock {r['relock_lms']})")
    ax[2].plot(k, r["peaks_force"], ".-", ms=3, label=f"FORCE/RLS (re-lock {r['relock_force']})")
    ax[2].axhspan(250, 350, color="0.9")
    ax[2].axhspan(550, 650, color="0.9")
    ax[2].set(xlabel="trial", ylabel="peak time [ms]", title="L: 300 -> 600 ms, no reset")
    ax[2].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(quick=False, out="reproduce", seeds=None):
    size = dict(SIZES[quick])
    if seeds is not None:
        size["seeds"] = seeds
    os.makedirs(out, exist_ok=True)
    t0 = time.perf_counter()
    results = [one_seed(size["n"], size["pre"], size["post"], s) for s in range(1, size["seeds"] + 1)]
    wall = time.perf_counter() - t0
    print(f"what_when_reservoir: N = {size['n']}, {size['pre']} + {size['post']} trials, "
          f"{size['seeds']} seed(s), {wall:.1f} s")
    print(f"{'seed':>4} {'rate Hz':>7} {'peak@100':>8} {'lock':>4} {'relock LMS':>10} {'relock FORCE':>12} "
          f"{'amp p=.2/.5/.8':>16} {'R2':>5} {'slope':>5} {'cos':>6} {'cos A':>6}")
    for r in results:
        amps = "/".join(f"{a:.2f}" for a in r["amps"])
        print(f"{r['seed']:>4} {r['rate']:7.1f} {r['peak_after_pre']:8.0f} {str(r['lock_lms']):>4} "
              f"{str(r['relock_lms']):>10} {str(r['relock_force']):>12} {amps:>16} {r['r2']:5.3f} "
              f"{r['slope']:5.2f} {r['cos_what_when']:6.3f} {r['cos_A_when']:6.3f}")
    cks = checks(results)
    print(f"\n{'check':<42} {'value':>8} {'required':>10}  result")
    for name, value, op, thr in cks:
        print(f"{name:<42} {value:8.3f} {op + ' ' + str(thr):>10}  {'PASS' if passed(value, op, thr) else 'FAIL'}")
    path = os.path.join(out, "what_when_reservoir.png")
    plot(results, path)
    print(f"wrote {path}")
    return {"results": results, "checks": cks, "size": size, "wall": wall}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="reproduce")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seeds", type=int, default=None)
    a = ap.parse_args()
    res = run(quick=a.quick, out=a.out, seeds=a.seeds)
    return 0 if all(passed(v, op, t) for _, v, op, t in res["checks"]) else 1


if __name__ == "__main__":
    sys.exit(main())
