"""Hippocampal spiking content-addressable memory (Casanueva-Morato et al., Neural
Netw. 2024; authors' code dancasmor/sPyMem, CA3_content_addressable), built from
hebb's lif_curr_exp (= PyNN IF_curr_exp) at dt = 1 ms with spike-source inputs,
delays and the stdp_overwrite rule.

Operations (t = step of the first input spike):
  learn(cue, content)      input held 3 steps; next operation from t + 7
  recall_cue(cue)          1-step input; output cue at t + 5, content at t + 6
  recall_content(bits)     1-step input; output: the bits at t + 4, and at t + 8 every
                           cue whose stored content shares >= 1 active bit
  forget                   learn(cue, new content) overwrites the cue's old content

Each synaptic hop in hebb takes delay + 1 steps (an event delivered at step n enters
the synaptic current after that step's membrane update, as in NEST); in sPyNNaker it
takes delay steps. Delays are chosen so the recall-by-cue latencies are the paper's.

  python3 models/hippocampal_cam/reproduce.py [--out DIR] [--quick]
"""
import argparse
import pathlib
import sys
import time

import numpy as np

import hebb

# One neuron type for every population: the paper's CA3 cells (cm = 0.27 nF, tau_m =
# 3 ms, tau_syn = 0.3 ms, rest/reset -60 mV, threshold -57 mV). tau_refrac = 0 because
# in hebb a 1 ms refractory period at dt = 1 ms blocks the next step, while the paper's
# 3-step learning input makes its cells fire on consecutive steps.
NEURON = dict(tau_m=3.0, c_m=270.0, v_rest=-60.0, v_reset=-60.0, v_thresh=-57.0,
              tau_refrac=0.0, tau_syn_exc=0.3, tau_syn_inh=0.3)
# CA3cueCont and CA3cont cells are fast (the paper's CA3cueContRecall cells: cm = 0.14
# nF, tau_m = 0.5 ms): their voltage keeps 13% from one step to the next, so repeated
# half inputs do not add up and an inhibited cell is ready again for the next operation.
FAST = dict(NEURON, tau_m=0.5, c_m=140.0)
# CA3cueCont is faster still (our choice): its learning-time inhibition, up to
# -(n_cont + 1) x 6 mV, must be gone 3 steps later, when the next operation may start.
FASTER = dict(NEURON, tau_m=0.25, c_m=140.0)


def psp(p):
    """Peak-step voltage jump [mV per pA] of one event at dt = 1 ms (exact propagator)."""
    tm, ts, cm = p["tau_m"], p["tau_syn_exc"], p["c_m"]
    return tm * ts / (cm * (ts - tm)) * (np.exp(-1.0 / ts) - np.exp(-1.0 / tm))


W = 6000.0                   # unit synaptic weight [pA] (paper: 6 nA): +5.0 mV on a slow cell, threshold +3 mV
W_FAST = 6.0 / psp(FAST)     # the same +6 mV kick on a fast cell [pA]
W_Q = 6.0 / psp(FASTER)      # and on a CA3cueCont cell [pA]
HALF = 2.0 / psp(FASTER)     # half of a coincidence (AND) input on CA3cueCont: +2 mV alone, +4 mV with its partner
LEARN_GAP = 7    # steps from a learning operation to the next (paper)
RECALL_GAP = 6   # steps from a recall to the next (paper)
T0 = 2.0         # first operation [ms]

# Latencies of the output spikes after the first input step [steps]
LAT = {
    "learn": {"cue": (5, 6, 7, 8), "content": (4, 5, 6)},
    "recall_cue": {"cue": (5,), "content": (6,)},
    "recall_content": {"cue": (8,), "content": (4,)},
}


TAU = 0.125  # trace time constants of stdp_overwrite [ms]


def _rule(**kw):
    """stdp_overwrite with 0.125 ms traces (e^-8 per 1 ms step): potentiation for pre and
    post in the same step; a recall's lag-2 pair adds a_plus e^-16 = 1e-7 a_plus, and a
    spike 6 steps after another sees x^- = e^-48, so recalls leave the weights as they are."""
    p = {"rule": "stdp_overwrite", "tau_plus": TAU, "tau_minus": TAU, "a_plus": W,
         "w_min": 0.0, "w_max": W}
    p.update(kw)
    return p


def _x_burst(tau):
    """Sum of the traces x^- seen by the 2nd and 3rd spike of a 3-step burst."""
    e = np.exp(-1.0 / tau)
    return e + (e + e * e)


def schedule(ops):
    """Start step of each operation: learn takes LEARN_GAP steps, a recall RECALL_GAP."""
    starts, t = [], T0
    for op in ops:
        starts.append(t)
        t += LEARN_GAP if op[0] == "learn" else RECALL_GAP
    return starts, t


def build(n_cue, n_cont, ops, starts, threads=1):
    """The CA3 network with the input spikes of the operation script."""
    cue_times = [[] for _ in range(n_cue)]
    cont_times = [[] for _ in range(n_cont)]
    for op, t in zip(ops, starts):
        if op[0] == "learn":
            cue_times[op[1]] += [t, t + 1, t + 2]
            for b in op[2]:
                cont_times[b] += [t, t + 1, t + 2]
        elif op[0] == "recall_cue":
            cue_times[op[1]].append(t)
        elif op[0] == "recall_content":
            for b in op[1]:
                cont_times[b].append(t)
        else:
            raise ValueError(f"operation '{op[0]}': expected learn, recall_cue or recall_content")
    net = hebb.Network(dt=1.0, seed=1, threads=threads)
    net.population("in_cue", "spike_source", n_cue, spike_times=cue_times)
    net.population("in_cont", "spike_source", n_cont, spike_times=cont_times)
    for name, n in (("cue", n_cue), ("gate", 1), ("cont_in", n_cont), ("out_cue", n_cue), ("out_cont", n_cont)):
        net.population(name, "lif_curr_exp", n, **NEURON)
    net.population("cont", "lif_curr_exp", n_cont, **FAST)
    net.population("cue_cont", "lif_curr_exp", n_cue, **FASTER)
    one = dict(rule="one_to_one")
    # inputs: one-hot cue -> CA3cue, content -> CA3cont (double weight: it must win over the gate)
    net.connect("in_cue", "cue", weight=W, delay=1.0, **one)                  # cue fires t+2
    net.connect("in_cont", "cont", weight=2 * W_FAST, delay=1.0, **one)            # cont fires t+2
    # gate: fires whenever any content bit is given (learning or recall by content) and
    # silences the cue-driven content cells at t+4..: during learning only the input's
    # bits fire, so the old content of a re-learnt cue stays silent and is forgotten
    net.connect("in_cont", "gate", rule="all_to_all", weight=W, delay=1.0)   # gate t+2
    net.connect("gate", "cont", rule="all_to_all", weight=-W_FAST, delay=1.0, receptor="inh")  # t+4
    # cue -> content memory (STDP both ways in the paper; here stdp_overwrite)
    w1 = net.connect("cue", "cont", rule="all_to_all", weight=0.0, delay=1.0, name="cue_to_cont",
                     plasticity=_rule(a_plus=W_FAST, w_max=W_FAST,
                                      a_pre_hetero=1.2 * W_FAST / _x_burst(TAU)))  # cont t+4
    # content -> cue memory: pre = the content input relayed to t+4, post = CA3cueCont,
    # which fires in learning from the AND of its cue and the gate (t+4..t+6)
    net.connect("in_cont", "cont_in", weight=W, delay=3.0, **one)              # t+4
    net.connect("cue", "cue_cont", weight=HALF, delay=1.0, **one)              # t+4
    net.connect("gate", "cue_cont", rule="all_to_all", weight=HALF, delay=1.0)
    w2 = net.connect("cont_in", "cue_cont", rule="all_to_all", weight=0.0, delay=1.0, name="cont_to_cue",
                     plasticity=_rule(a_plus=W_Q, w_max=W_Q,
                                      a_post_hetero=1.2 * W_Q / _x_burst(TAU)))  # t+6
    # interneurons: during learning the cue inhibits every other CA3cueCont cell (t+6..t+8)
    # and its own after its burst (t+7..t+9), so only the learnt cue's column changes
    others = [(i, j) for i in range(n_cue) for j in range(n_cue) if i != j]
    if others:
        src, tgt = zip(*others)
        net.connect("cue", "cue_cont", rule="explicit", sources=src, targets=tgt,
                    weight=-(n_cont + 1) * W_Q, delay=3.0, receptor="inh")
    net.connect("cue", "cue_cont", weight=-(n_cont + 1) * W_Q, delay=4.0, receptor="inh", **one)
    # merge/output populations
    net.connect("cue", "out_cue", weight=W, delay=2.0, **one)                  # t+5
    net.connect("cue_cont", "out_cue", weight=W, delay=1.0, **one)             # t+8 (by content)
    net.connect("cont", "out_cont", weight=W, delay=1.0, **one)                # t+6 (by cue)
    recs = {k: net.record_spikes(k) for k in ("in_cue", "in_cont", "cue", "cont", "gate", "cont_in",
                                              "cue_cont", "out_cue", "out_cont")}
    return net, recs, w1, w2


def expected(ops):
    """Oracle: a dictionary memory (cue -> set of bits) run through the same script."""
    mem, out = {}, []
    for op in ops:
        if op[0] == "learn":
            mem[op[1]] = set(op[2])
            out.append({"cue": {op[1]}, "content": set(op[2])})
        elif op[0] == "recall_cue":
            out.append({"cue": {op[1]}, "content": set(mem.get(op[1], ()))})
        else:
            q = set(op[1])
            out.append({"cue": {c for c, s in mem.items() if s & q}, "content": q})
    return out


def stored(ops, n_cue, n_cont):
    """Oracle weights: the binary cue x content matrix of the dictionary memory."""
    m = np.zeros((n_cue, n_cont))
    for op in ops:
        if op[0] == "learn":
            m[op[1]] = 0
            m[op[1], list(op[2])] = 1
    return m


def weight_error(ops, n_cue, n_cont, W1, W2):
    """Largest deviation of W1 / w_max and W2^T / w_max from the oracle's binary matrix."""
    m = stored(ops, n_cue, n_cont)
    return max(np.abs(W1 / W_FAST - m).max(), np.abs(W2.T / W_Q - m).max())


def _spikes_by_step(rec):
    by = {}
    for t, i in zip(np.asarray(rec.times), np.asarray(rec.senders)):
        by.setdefault(int(round(t)), set()).add(int(i))
    return by


def run_script(n_cue, n_cont, ops, threads=1):
    """Run the script; per operation, the output spikes {latency: set of indices}."""
    starts, t_end = schedule(ops)
    net, recs, w1, w2 = build(n_cue, n_cont, ops, starts, threads)
    net.run(t_end + 12.0)
    got = []
    by = {k: _spikes_by_step(recs[k]) for k in ("out_cue", "out_cont")}
    bounds = [int(s) for s in starts] + [int(t_end) + 12]
    for k, op in enumerate(ops):
        # an operation's outputs lie in [start + 4, next start + 4)
        lo, hi = bounds[k] + 4, bounds[k + 1] + 4
        g = {}
        for part, pop in (("cue", "out_cue"), ("content", "out_cont")):
            g[part] = {t - bounds[k]: s for t, s in by[pop].items() if lo <= t < hi}
        got.append(g)
    W1 = np.asarray(w1.weights).reshape(n_cue, n_cont)
    W2 = np.asarray(w2.weights).reshape(n_cont, n_cue)
    return got, starts, recs, W1, W2


def score(ops, got):
    """Per operation: correct if every output spike has the expected set at exactly the
    expected latencies and nothing else; an empty expected set means no spike."""
    exp = expected(ops)
    ok = []
    for op, g, e in zip(ops, got, exp):
        want = {}
        for part in ("cue", "content"):
            want[part] = {lat: e[part] for lat in LAT[op[0]][part]} if e[part] else {}
        ok.append(g == want)
    return np.array(ok), exp


def functional_script():
    """The paper's kinds of test (sPyMem tests 1-5): learn, recall by cue, recall by
    content (one and several bits, overlapping contents), forget by re-learning."""
    return [
        ("learn", 0, [0, 1, 2, 9]),
        ("recall_cue", 0),
        ("learn", 1, [2, 3, 4]),
        ("learn", 2, [5, 6, 9]),
        ("recall_cue", 1),
        ("recall_cue", 2),
        ("recall_content", [2]),         # cues 0 and 1
        ("recall_content", [6]),         # cue 2
        ("recall_content", [9, 3]),      # cues 0, 1, 2
        ("recall_content", [7]),         # none
        ("recall_cue", 3),               # never learnt: no content
        ("learn", 0, [7, 8]),            # forget cue 0's old content
        ("recall_cue", 0),
        ("recall_content", [0, 1]),      # forgotten: none
        ("recall_content", [8]),         # cue 0
        ("recall_content", [2, 5]),      # cues 1, 2
        ("learn", 3, [0, 4, 8]),
        ("recall_content", [4]),         # cues 1, 3
        ("recall_cue", 3),
        ("recall_cue", 1),
    ]


def stress_script(n_cue, n_cont, k_active, n_queries, seed):
    """All cues filled with random overlapping contents, recalled by cue and by content;
    then every cue re-learnt with a new content (forgetting) and recalled again."""
    rng = np.random.default_rng(seed)
    ops = []
    for _ in range(2):
        for c in range(n_cue):
            ops.append(("learn", c, sorted(rng.choice(n_cont, k_active, replace=False).tolist())))
        for c in rng.permutation(n_cue):
            ops.append(("recall_cue", int(c)))
        for _ in range(n_queries):
            q = rng.choice(n_cont, int(rng.integers(1, 4)), replace=False)
            ops.append(("recall_content", sorted(q.tolist())))
    return ops


def measured_latencies(ops, got, kind):
    lats = {"cue": set(), "content": set()}
    for op, g in zip(ops, got):
        if op[0] == kind:
            for part in lats:
                lats[part] |= set(g[part])
    return {p: sorted(v) for p, v in lats.items()}


def plot(path, ops, starts, recs, n_cue, n_cont, t_max):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rows = [("in_cue", n_cue, "tab:green"), ("in_cont", n_cont, "tab:olive"), ("cue", n_cue, "tab:orange"),
            ("cont", n_cont, "gold"), ("gate", 1, "k"), ("cont_in", n_cont, "tab:gray"),
            ("cue_cont", n_cue, "teal"), ("out_cue", n_cue, "darkviolet"), ("out_cont", n_cont, "tab:red")]
    fig, ax = plt.subplots(figsize=(14, 9))
    base, ticks = 0, []
    for name, n, col in rows:
        t = np.asarray(recs[name].times)
        s = np.asarray(recs[name].senders)
        m = t <= t_max
        ax.plot(t[m], s[m] + base, "o", ms=3, color=col)
        ticks.append((base + n / 2, name))
        base += n + 1
        ax.axhline(base - 1, color="0.85", lw=0.5)
    for op, t in zip(ops, starts):
        if t > t_max:
            break
        ax.axvline(t, color="0.7", ls=":", lw=0.8)
        label = op[0].replace("recall_", "r_") + (f" {op[1]}" if op[0] != "recall_content" else f" {op[1]}")
        ax.text(t, base + 0.5, label, rotation=90, fontsize=7, va="bottom")
    ax.set_yticks([p for p, _ in ticks], [n for _, n in ticks])
    ax.set_xlabel("time [ms] (dt = 1 ms)")
    ax.set_title("hebb hippocampal CAM: functional script (dotted: operation starts)", pad=70)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(quick=False, out="reproduce"):
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    results = {}
    # functional script (paper sizes: 5 cues, 10 content bits)
    ops = functional_script()
    t0 = time.perf_counter()
    got, starts, recs, W1, W2 = run_script(5, 10, ops)
    ok, _ = score(ops, got)
    results["functional"] = {"n_ops": len(ops), "correct": float(ok.mean()), "ok": ok, "got": got, "ops": ops,
                             "weight_error": weight_error(ops, 5, 10, W1, W2),
                             "seconds": time.perf_counter() - t0}
    for kind in LAT:
        results[f"latency_{kind}"] = measured_latencies(ops, got, kind)
    plot(out / "hippocampal_cam.png", ops, starts, recs, 5, 10, starts[-1] + 12)
    # stress test: CI size in --quick, larger in the full run
    sizes = [(10, 20, 4, 20)] if quick else [(10, 20, 4, 20), (50, 100, 10, 100), (100, 100, 20, 200),
                                             (100, 100, 50, 200), (200, 50, 5, 300)]
    results["stress"] = []
    for n_cue, n_cont, k, nq in sizes:
        sops = stress_script(n_cue, n_cont, k, nq, seed=7)
        t0 = time.perf_counter()
        sgot, _, _, sW1, sW2 = run_script(n_cue, n_cont, sops)
        sok, sexp = score(sops, sgot)
        kinds = np.array([o[0] for o in sops])
        results["stress"].append({
            "n_cue": n_cue, "n_cont": n_cont, "k": k, "n_ops": len(sops), "correct": float(sok.mean()),
            "by_kind": {kd: float(sok[kinds == kd].mean()) for kd in LAT},
            "weight_error": weight_error(sops, n_cue, n_cont, sW1, sW2),
            "mean_cues_returned": float(np.mean([len(e["cue"]) for o, e in zip(sops, sexp)
                                                 if o[0] == "recall_content"])),
            "seconds": time.perf_counter() - t0})
    return results


def checks(results):
    """(name, threshold, measured, passed)"""
    rows = [("functional script, exact outputs and latencies", "100%",
             f"{100 * results['functional']['correct']:.1f}%", results["functional"]["correct"] == 1.0)]
    lc = results["latency_recall_cue"]
    rows.append(("recall by cue: cue / content latency [steps]", "5 / 6",
                 f"{lc['cue']} / {lc['content']}", lc["cue"] == [5] and lc["content"] == [6]))
    rows.append(("functional script: weights = stored binary memory x w_max", "max error <= 1e-3",
                 f"{results['functional']['weight_error']:.1e}", results["functional"]["weight_error"] <= 1e-3))
    for s in results["stress"]:
        rows.append((f"stress {s['n_cue']} cues x {s['n_cont']} bits (k={s['k']}), {s['n_ops']} ops", "100%",
                     f"{100 * s['correct']:.1f}%", s["correct"] == 1.0))
        rows.append((f"stress {s['n_cue']} x {s['n_cont']}: weights = stored memory", "max error <= 1e-3",
                     f"{s['weight_error']:.1e}", s["weight_error"] <= 1e-3))
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="reproduce")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args(argv)
    res = run(quick=a.quick, out=a.out)
    f = res["functional"]
    print(f"functional script: {f['n_ops']} operations, {100 * f['correct']:.1f}% correct ({1000 * f['seconds']:.0f} ms)")
    for kind in LAT:
        lat = res[f"latency_{kind}"]
        print(f"  {kind:15s} output cue at +{lat['cue']}, content at +{lat['content']} steps")
    for s in res["stress"]:
        print(f"stress {s['n_cue']} cues x {s['n_cont']} bits, {s['k']} active: {s['n_ops']} ops, "
              f"{100 * s['correct']:.1f}% correct {s['by_kind']}, "
              f"{s['mean_cues_returned']:.1f} cues per content query ({1000 * s['seconds']:.0f} ms)")
    print()
    print(f"| {'check':60s} | threshold | hebb | pass |")
    print(f"|{'-' * 62}|---|---|---|")
    rows = checks(res)
    for name, thr, val, ok in rows:
        print(f"| {name:60s} | {thr} | {val} | {'yes' if ok else 'NO'} |")
    print(f"plot: {pathlib.Path(a.out) / 'hippocampal_cam.png'}")
    return 0 if all(r[3] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
