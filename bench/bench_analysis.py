#!/usr/bin/python3
"""Benchmarks of hebb.analysis against straightforward peers, run in this script.

  LZ76:   hebb (suffix array, linear) vs a plain-Python Kaspar-Schuster scan and the
          same scan in C (compiled here with gcc -O3); log-log slope of time vs n.
  HMM:    forward-backward (log space) vs a numpy/scipy implementation of the same maths.
Best of several repeats; equal results are asserted before timing is reported.

Usage: PYTHONPATH=build/<dir>/python /usr/bin/python3 bench/bench_analysis.py [--big]
(--big adds n = 1e8 for LZ76; needs about 2 GB of memory)
"""
import argparse
import ctypes
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.special import logsumexp

import hebb.analysis as A

C_SRC = r"""
#include <stddef.h>
/* Kaspar & Schuster (1987), textbook scan: O(n^2) worst case */
size_t lz76_ks(const unsigned char* s, size_t n) {
  if (n < 2) return n;
  size_t c = 1, l = 1, i = 0, k = 1, kmax = 1;
  for (;;) {
    if (s[i + k - 1] == s[l + k - 1]) { ++k; if (l + k > n) { ++c; break; } }
    else {
      if (k > kmax) kmax = k;
      ++i;
      if (i == l) { ++c; l += kmax; if (l + 1 > n) break; i = 0; k = 1; kmax = 1; }
      else k = 1;
    }
  }
  return c;
}
"""


def python_ks(s):
    n = len(s)
    c, l, i, k, kmax = 1, 1, 0, 1, 1
    while True:
        if s[i + k - 1] == s[l + k - 1]:
            k += 1
            if l + k > n:
                c += 1
                break
        else:
            kmax = max(k, kmax)
            i += 1
            if i == l:
                c += 1
                l += kmax
                if l + 1 > n:
                    break
                i, k, kmax = 0, 1, 1
            else:
                k = 1
    return c


def best(f, repeats):
    t = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        r = f()
        t.append(time.perf_counter() - t0)
    return min(t), r


def fb_numpy(lpi, la, le):
    T, K = le.shape
    a = np.empty((T, K))
    b = np.zeros((T, K))
    a[0] = lpi + le[0]
    for t in range(1, T):
        a[t] = le[t] + logsumexp(a[t - 1][:, None] + la, axis=0)
    for t in range(T - 2, -1, -1):
        b[t] = logsumexp(la + (le[t + 1] + b[t + 1])[None, :], axis=1)
    ll = logsumexp(a[-1])
    return np.exp(a + b - ll), ll


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--big", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        src, lib = os.path.join(d, "ks.c"), os.path.join(d, "ks.so")
        open(src, "w").write(C_SRC)
        subprocess.run(["gcc", "-O3", "-march=native", "-shared", "-fPIC", src, "-o", lib], check=True)
        ks = ctypes.CDLL(lib)
        ks.lz76_ks.restype = ctypes.c_size_t
        ks.lz76_ks.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
        rng = np.random.default_rng(0)
        sizes = [10**5, 10**6, 10**7] + ([10**8] if args.big else [])
        print("LZ76 on Bernoulli(0.5) symbols, best of repeats [s]")
        print(f"{'n':>10} {'hebb':>9} {'C quadratic':>12} {'Python':>9} {'C/hebb':>8} {'Py/hebb':>8}")
        ts = []
        for n in sizes:
            x = (rng.random(n) < 0.5).astype(np.uint8)
            th, ch = best(lambda: A.lz76(x), 3 if n <= 10**7 else 1)
            ts.append(th)
            tc = tp = float("nan")
            if n <= 10**5:  # 1e6 takes ~140 s on the dev machine (quadratic)
                tc, cc = best(lambda: ks.lz76_ks(x.ctypes.data, n), 1)
                assert cc == ch
            if n <= 10**5:
                xs = x.tolist()
                tp, cp = best(lambda: python_ks(xs), 1)
                assert cp == ch
            print(f"{n:10d} {th:9.4f} {tc:12.4f} {tp:9.2f} {tc / th:8.1f} {tp / th:8.0f}")
        slope = np.polyfit(np.log10(sizes), np.log10(ts), 1)[0]
        print(f"hebb LZ76 log-log slope of time vs n: {slope:.2f} (1 = linear)")

        print("\nHMM forward-backward, K = 3, log space, best of 3 [s]")
        print(f"{'T':>8} {'hebb':>9} {'numpy/scipy':>12} {'ratio':>7}")
        for T in (10**4, 10**5):
            le = rng.normal(-5, 2, (T, 3))
            lpi = np.log(np.full(3, 1 / 3))
            la = np.log(np.array([[0.98, 0.01, 0.01], [0.01, 0.98, 0.01], [0.01, 0.01, 0.98]]))
            th, (ph, _, llh) = best(lambda: A.forward_backward(lpi, la, le), 3)
            tn, (pn, lln) = best(lambda: fb_numpy(lpi, la, le), 1 if T > 10**4 else 3)
            dp = np.abs(ph - pn).max()
            assert abs(llh - lln) < 1e-8 * abs(lln) and dp < 1e-5, (llh, lln, dp)
            print(f"{T:8d} {th:9.4f} {tn:12.4f} {tn / th:7.1f}   (max posterior difference {dp:.1e})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
