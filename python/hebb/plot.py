"""Pictures of a results file: spike raster per population and population rate.

    python -m hebb.plot RESULTS.h5 --out raster.png [--tmax MS]
    hebb plot RESULTS.h5 --raster raster.png          (the same, from the CLI)
"""
import argparse
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def read_spikes(path):
    """{population: (times [ms], senders, size)} of the recorded populations."""
    out = {}
    with h5py.File(path, "r") as f:
        if "spikes" not in f:
            return out
        for name, g in f["spikes"].items():
            size = int(f["populations"][name].attrs["size"]) if name in f.get("populations", {}) else 0
            out[name] = (np.asarray(g["times"]), np.asarray(g["senders"]), size)
    return out


def raster(path, out, tmax=None, bin_ms=1.0, max_neurons=500):
    """Raster (up to max_neurons per population) above the population rate."""
    spikes = read_spikes(path)
    with h5py.File(path, "r") as f:
        t_end = float(f["meta"].attrs["t_end"])
        complete = int(f["meta"].attrs["complete"]) == 1
    if tmax:
        t_end = min(t_end, tmax)
    fig, (ax, ar) = plt.subplots(2, 1, figsize=(9, 6), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    offset = 0
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    edges = np.arange(0, t_end + bin_ms, bin_ms)
    for k, (name, (t, s, size)) in enumerate(sorted(spikes.items())):
        keep = (s < max_neurons) & (t <= t_end)
        shown = min(size, max_neurons) if size else (int(s.max()) + 1 if len(s) else 0)
        c = colors[k % len(colors)]
        ax.plot(t[keep], s[keep] + offset, ".", ms=1.5, color=c, label=f"{name} ({size} neurons)")
        offset += shown
        counts, _ = np.histogram(t[t <= t_end], bins=edges)
        ar.plot(edges[1:], counts / max(size, 1) / (bin_ms * 1e-3), color=c, lw=0.8, label=name)
    ax.set_ylabel("neuron")
    ax.set_title(f"{path}" + ("" if complete else "  (INCOMPLETE)"))
    if spikes:
        ax.legend(loc="upper right", markerscale=6, fontsize=8)
    ar.set_xlabel("time [ms]")
    ar.set_ylabel(f"rate [Hz]\n({bin_ms:g} ms bins)")
    ar.set_xlim(0, t_end)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(prog="hebb plot", description=__doc__)
    ap.add_argument("results")
    ap.add_argument("--out", required=True)
    ap.add_argument("--tmax", type=float, default=None)
    a = ap.parse_args(argv)
    try:
        raster(a.results, a.out, a.tmax)
    except (OSError, KeyError) as e:
        print(f"hebb: error: cannot plot {a.results}: {e}", file=sys.stderr)
        return 2
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
