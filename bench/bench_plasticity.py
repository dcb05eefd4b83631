"""Plasticity benchmark: COBA 4000 static and with pair STDP on the E->E synapses,
in hebb and in Brian2 (cpp_standalone, one thread) with the same rule, one command.

    PYTHONPATH=build/release/python /usr/bin/python3 bench/bench_plasticity.py [--repeats 3] [--duration 1000] [--md out.md]

hebb: examples/coba.toml (static) and examples/plasticity/coba_stdp.toml (stdp_pair on
"ee"); Brian2: bench/peers/brian2_plasticity.py. Times are the simulation loop alone
(network building and Brian2's code generation and compilation excluded), best of
--repeats, per simulated second. Prints the slowdown plastic/static for both and the
Brian2/hebb ratios, with the machine's load average (the figures on a shared,
loaded machine are noisy: compare ratios measured in the same run).
"""
import argparse
import datetime
import os
import platform
import sys
import time

import numpy as np

import hebb

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "bench", "peers"))
import brian2_plasticity  # noqa: E402


def run_hebb(model, duration, threads=1):
    net = hebb.load(os.path.join(ROOT, model), simulation__threads=threads)
    t0 = time.perf_counter()
    net.run(duration)
    wall = time.perf_counter() - t0
    exc = net.populations()["exc"].size
    spikes = sum(len(r.times) for (kind, pop), r in net.records().items() if kind == "spikes" and pop == "exc")
    w = net["ee"].weights
    return wall, spikes / exc / (duration / 1000.0), float(np.mean(w))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--duration", type=float, default=1000.0, help="simulated ms per run")
    ap.add_argument("--no-brian", action="store_true", help="hebb only")
    ap.add_argument("--md", help="append a markdown table to this file")
    args = ap.parse_args()
    per_s = 1000.0 / args.duration
    load0 = os.getloadavg()
    res = {}
    for name, model in (("static", "examples/coba.toml"), ("plastic", "examples/plasticity/coba_stdp.toml")):
        runs = [run_hebb(model, args.duration) for _ in range(args.repeats)]
        wall, rate, w = min(runs, key=lambda r: r[0])
        res[("hebb", name)] = (wall * per_s, rate, w)
        print(f"hebb   {name:<8} {wall * per_s:.4f} s per simulated s  (exc rate {rate:.1f} Hz, mean w_ee {w:.3f} nS)",
              flush=True)
    if not args.no_brian:
        for name, plastic in (("static", False), ("plastic", True)):
            wall, spikes, w = brian2_plasticity.coba_stdp(plastic, args.duration, args.repeats)
            rate = spikes / 3200 / (args.duration / 1000.0)
            res[("brian2", name)] = (wall * per_s, rate, w)
            print(f"Brian2 {name:<8} {wall * per_s:.4f} s per simulated s  (exc rate {rate:.1f} Hz, mean w_ee {w:.3f} nS)",
                  flush=True)
    load1 = os.getloadavg()
    h_s, h_p = res[("hebb", "static")][0], res[("hebb", "plastic")][0]
    print(f"\nslowdown plastic/static: hebb {h_p / h_s:.2f}x", end="")
    rows = []
    if not args.no_brian:
        b_s, b_p = res[("brian2", "static")][0], res[("brian2", "plastic")][0]
        print(f", Brian2 {b_p / b_s:.2f}x")
        print(f"Brian2/hebb: static {b_s / h_s:.2f}x, plastic {b_p / h_p:.2f}x")
        rows = [(h_s, h_p, b_s, b_p)]
    else:
        print()
    print(f"load average {load0[0]:.1f} before, {load1[0]:.1f} after ({os.cpu_count()} cores)")
    if args.md:
        with open(args.md, "a") as f:
            f.write(f"\n{datetime.date.today()}, {platform.node()}, {platform.processor() or platform.machine()}, "
                    f"load average {load0[0]:.1f} -> {load1[0]:.1f} on {os.cpu_count()} cores, best of {args.repeats}, "
                    f"{args.duration:.0f} ms simulated\n\n")
            f.write("| | static [s/s] | plastic [s/s] | plastic/static |\n|---|---|---|---|\n")
            f.write(f"| hebb (1 thread) | {h_s:.4f} | {h_p:.4f} | {h_p / h_s:.2f}x |\n")
            for h_s_, h_p_, b_s, b_p in rows:
                f.write(f"| Brian2 cpp_standalone (1 thread) | {b_s:.4f} | {b_p:.4f} | {b_p / b_s:.2f}x |\n")
                f.write(f"| Brian2/hebb | {b_s / h_s_:.2f}x | {b_p / h_p_:.2f}x | |\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
