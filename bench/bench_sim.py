"""Spiking-engine benchmarks: hebb against Brian2 on the same networks, one command.

    PYTHONPATH=build/release/python /usr/bin/python3 bench/bench_sim.py [--repeats 3] [--quick] [--md out.md]
        [--cases "COBA 4000,CUBA 4000"] [--against OTHER_BUILD/python]

For COBA (4000 and 40,000 neurons, 80 synapses per neuron), CUBA and Brunel (AI),
prints the wall time per simulated second (best of --repeats, the run alone:
building excluded for both), synaptic events per second, hebb/Brian2 ratios for
Brian2's cpp_standalone (single thread, no OpenMP) and cython runtime modes, the
two-thread speed-up of hebb, hebb's bytes per synapse, and the memory-bound limit
of a plain CSR scatter-add (bench/csr_scatter.cpp) next to hebb's delivery cost.
--against runs hebb double from another build's package (for example one made from
an earlier commit) in a subprocess in the same run, so a change of the engine is
measured on the same machine at the same load: prints before/after and whether the
two builds emit the same number of spikes.
"""
import json
import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

import hebb

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "bench", "peers"))
import brian2_models  # noqa: E402

CASES = [
    # name, model file, overrides, brian2 function, kwargs, excitatory count
    ("COBA 4000", "coba.toml", {}, brian2_models.coba, dict(n=4000), 3200),
    ("COBA 40000", "coba.toml", {"populations__exc__size": 32000, "populations__inh__size": 8000,
                                 **{f"projections__{k}__connect__p": 0.002 for k in range(4)}},
     brian2_models.coba, dict(n=40000), 32000),
    ("CUBA 4000", "cuba.toml", {}, brian2_models.cuba, dict(n=4000), 3200),
    ("Brunel AI 12500", "brunel_ai.toml", {}, brian2_models.brunel, dict(g=5.0), 10000),
]


def run_hebb(model, overrides, duration, threads=1, precision="double"):
    net = hebb.load(os.path.join(ROOT, "examples", model), simulation__threads=threads,
                    simulation__precision=precision, **overrides)
    t0 = time.perf_counter()
    net.run(duration)
    wall = time.perf_counter() - t0
    syn = net.synapse_count
    neurons = sum(p.size for p in net.populations().values())
    events = net.total_spikes * syn / neurons  # spikes x mean out-degree
    bytes_per_syn = np.mean([pr.bytes / max(pr.size, 1) for pr in net.projections().values()])
    return wall, events, bytes_per_syn, net.total_spikes


def run_other(pythonpath, model, overrides, duration, repeats):
    """Best wall time and spike count of hebb double from the package at `pythonpath`."""
    job = json.dumps(dict(model=model, overrides=overrides, duration=duration, repeats=repeats))
    env = dict(os.environ, PYTHONPATH=pythonpath)
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", job], env=env, check=True,
                         capture_output=True, text=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    return r["wall"], r["spikes"]


def worker(job):
    j = json.loads(job)
    wall, _, _, spikes = best(lambda: run_hebb(j["model"], j["overrides"], j["duration"]), j["repeats"])
    print(json.dumps(dict(wall=wall, spikes=spikes)))


def best(f, repeats):
    out = [f() for _ in range(repeats)]
    return min(out, key=lambda r: r[0])


def csr_limit():
    exe = os.path.join(tempfile.gettempdir(), "hebb_csr_scatter")
    subprocess.run(["g++", "-std=c++20", "-O3", "-march=native", f"-I{ROOT}/include",
                    os.path.join(ROOT, "bench", "csr_scatter.cpp"), "-o", exe], check=True)
    small = min(float(subprocess.run([exe, "4000", "80", "8", "20000"], capture_output=True, text=True,
                                     check=True).stdout.split()[0]) for _ in range(3))
    large = min(float(subprocess.run([exe, "2000000", "80", "8", "4000"], capture_output=True, text=True,
                                     check=True).stdout.split()[0]) for _ in range(2))
    return small, large


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--duration", type=float, default=1000.0, help="simulated ms per run")
    ap.add_argument("--quick", action="store_true", help="COBA 4000, CUBA 4000 and Brunel only, 300 ms, no cython mode")
    ap.add_argument("--md", help="also write the table as Markdown here")
    ap.add_argument("--cases", help="comma-separated case names to run (default: all; --quick: COBA 4000, CUBA 4000 "
                                    "and Brunel)")
    ap.add_argument("--against", help="PYTHONPATH of another hebb build: its double run, before/after")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        return worker(a.worker)
    duration = 300.0 if a.quick else a.duration
    names = ([n.strip() for n in a.cases.split(",")] if a.cases
             else ["COBA 4000", "CUBA 4000", "Brunel AI 12500"] if a.quick else [c[0] for c in CASES])
    unknown = [n for n in names if n not in [c[0] for c in CASES]]
    if unknown:
        ap.error(f"unknown case(s) {unknown}; cases are {[c[0] for c in CASES]}")
    cases = [c for c in CASES if c[0] in names]
    load = os.getloadavg()[0]
    rows = []
    print(f"machine: {platform.node()} {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {load:.2f} at start; {duration:g} ms simulated, best of {a.repeats}", flush=True)
    for name, model, over, b2f, b2kw, n_exc in cases:
        # this build and the other one alternate, so both see the same load
        this_runs, other_runs = [], []
        for _ in range(a.repeats):
            this_runs.append(run_hebb(model, over, duration))
            if a.against:
                other_runs.append(run_other(a.against, model, over, duration, 1))
        hd, events, bps, spikes = min(this_runs, key=lambda r: r[0])
        other = min(other_runs, key=lambda r: r[0]) if a.against else None
        hf, _, _, _ = best(lambda: run_hebb(model, over, duration, precision="float"), a.repeats)
        h2, _, _, _ = best(lambda: run_hebb(model, over, duration, threads=2), a.repeats)
        per_s = 1000.0 / duration
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bs = best(lambda: b2f(duration_ms=duration, mode="cpp_standalone", **b2kw)[2:3] + (0,), 1 if a.quick else 2)[0]
            bc = None if a.quick else best(lambda: b2f(duration_ms=duration, mode="cython", **b2kw)[2:3] + (0,), 1)[0]
            # COBA: Brian2 with forward Euler too, its cheapest scheme (hebb uses exponential Euler)
            be = (best(lambda: b2f(duration_ms=duration, mode="cpp_standalone", method="euler", **b2kw)[2:3] + (0,),
                       1 if a.quick else 2)[0] if b2f is brian2_models.coba else None)
        row = dict(name=name, hebb=hd * per_s, hebb_float=hf * per_s, hebb_2t=h2 * per_s, brian_sa=bs * per_s,
                   brian_cy=None if bc is None else bc * per_s, brian_euler=None if be is None else be * per_s,
                   events=events / hd, ns_event=hd * 1e9 / events,
                   bytes=bps, before=None if other is None else other[0] * per_s,
                   same_count=None if other is None else other[1] == spikes)
        rows.append(row)
        print(f"{name:16s} hebb {row['hebb']:.4f} s/s (float {row['hebb_float']:.4f}, 2 threads {row['hebb_2t']:.4f}) | "
              f"Brian2 standalone {row['brian_sa']:.4f} s/s" + ("" if bc is None else f", cython {row['brian_cy']:.4f}")
              + ("" if be is None else f", standalone with Euler {row['brian_euler']:.4f}")
              + f" | Brian2/hebb {row['brian_sa'] / row['hebb']:.2f}x | {row['events'] / 1e6:.1f} M events/s, "
              f"{row['ns_event']:.2f} ns per event (all costs), {bps:.1f} bytes/synapse"
              + ("" if other is None else f" | other build {row['before']:.4f} s/s, {row['before'] / row['hebb']:.2f}x, "
                 f"spike count {'equal' if row['same_count'] else 'differs'}"), flush=True)
    small, large = csr_limit()
    print(f"plain CSR scatter-add limit: {small:.3f} ns/event in cache (4000 targets), {large:.3f} ns/event "
          f"from main memory (2e6 targets)")
    print(f"load at end: {os.getloadavg()[0]:.2f}")
    if a.md:
        with open(a.md, "w") as f:
            f.write("| network | hebb double [s/s] | hebb float [s/s] | hebb 2 threads [s/s] | Brian2 cpp_standalone [s/s] "
                    "| Brian2 standalone, Euler [s/s] | Brian2 cython [s/s] | Brian2 standalone / hebb | events/s | ns/event "
                    "| bytes/synapse |\n")
            f.write("|---|---|---|---|---|---|---|---|---|---|---|\n")
            for r in rows:
                cy = "-" if r["brian_cy"] is None else f"{r['brian_cy']:.3f}"
                eu = "-" if r["brian_euler"] is None else f"{r['brian_euler']:.4f}"
                f.write(f"| {r['name']} | {r['hebb']:.4f} | {r['hebb_float']:.4f} | {r['hebb_2t']:.4f} | {r['brian_sa']:.4f} "
                        f"| {eu} | {cy} | {r['brian_sa'] / r['hebb']:.1f}x | {r['events'] / 1e6:.0f} M | {r['ns_event']:.2f} "
                        f"| {r['bytes']:.1f} |\n")
            if a.against:
                f.write("\n| network | other build double [s/s] | this build double [s/s] | speed-up | same spike count |\n")
                f.write("|---|---|---|---|---|\n")
                for r in rows:
                    f.write(f"| {r['name']} | {r['before']:.4f} | {r['hebb']:.4f} | {r['before'] / r['hebb']:.2f}x "
                            f"| {'yes' if r['same_count'] else 'no'} |\n")
            f.write(f"\nCSR scatter-add limit: {small:.3f} ns/event in cache, {large:.3f} ns/event from main memory.\n")


if __name__ == "__main__":
    main()
