"""The networks of hebb's examples written for Brian2 (Debian's python3-brian),
run side by side by bench/bench_sim.py and by tests/validate/test_coba_brian2.py.

Each function builds the same network as the hebb model file named in its
docstring, runs it, and returns (exc spike times [ms], exc senders, wall seconds
of the run call, synapse count).

mode: "numpy" (runtime, no compiler), "cython" (runtime), "cpp_standalone"
(generated C++ compiled with g++; threads via devices.cpp_standalone.openmp_threads).
"""
import tempfile
import time

import numpy as np


_state = {}


def _setup(mode, seed, threads=1, directory=None):
    import brian2 as b2

    b2.start_scope()
    b2.prefs.logging.file_log = False
    b2.prefs.logging.std_redirection = False
    if mode == "cpp_standalone":
        _state["dir"] = directory or tempfile.mkdtemp(prefix="brian2_")
        b2.set_device("cpp_standalone", directory=_state["dir"], build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = 0 if threads <= 1 else threads
    else:
        b2.set_device("runtime")
        b2.prefs.codegen.target = mode
    b2.defaultclock.dt = 0.1 * b2.ms
    b2.seed(seed)
    return b2


def _finish(b2, mode, net, duration_ms, mon):
    if mode != "cpp_standalone":
        net.run(0.1 * b2.ms)  # generate and compile the code outside the timed run
    t0 = time.perf_counter()
    net.run(duration_ms * b2.ms)
    if mode == "cpp_standalone":
        directory = _state["dir"]
        b2.device.build(directory=directory, compile=True, run=False, with_output=False)
        t0 = time.perf_counter()
        b2.device.run(directory, False, [])
    wall = time.perf_counter() - t0
    if mode == "cpp_standalone" and getattr(b2.device, "_last_run_time", None):
        wall = float(b2.device._last_run_time)  # the simulation loop alone, as for hebb
    times = np.asarray(mon.t / b2.ms)
    senders = np.asarray(mon.i)
    if mode == "cpp_standalone":
        b2.device.reinit()
        b2.device.activate()
        b2.set_device("runtime")
    return times, senders, wall


def coba(n=4000, duration_ms=1000.0, mode="numpy", seed=1, threads=1, directory=None, p=None,
         method="exponential_euler"):
    """examples/coba.toml: Brette et al. (2007) benchmark 1 (Vogels & Abbott 2005).
    method: hebb integrates lif_cond_exp by exponential Euler; "euler" is Brian2's cheapest."""
    b2 = _setup(mode, seed, threads, directory)
    ms, mV, nS, pF = b2.ms, b2.mV, b2.nS, b2.pF
    eqs = """
    dv/dt = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v)) / C : volt (unless refractory)
    dge/dt = -ge / taue : siemens
    dgi/dt = -gi / taui : siemens
    """
    ns = dict(C=200 * pF, gl=10 * nS, El=-60 * mV, Ee=0 * mV, Ei=-80 * mV, taue=5 * ms, taui=10 * ms)
    P = b2.NeuronGroup(n, eqs, threshold="v >= -50*mV", reset="v = -60*mV", refractory=5 * ms,
                       method=method, namespace=ns)
    ne = int(0.8 * n)
    Pe, Pi = P[:ne], P[ne:]
    Ce = b2.Synapses(Pe, P, on_pre="ge += 6*nS", delay=0.1 * ms)
    Ci = b2.Synapses(Pi, P, on_pre="gi += 67*nS", delay=0.1 * ms)
    p = 80.0 / n if p is None else p  # 80 synapses per neuron, as at n = 4000, p = 0.02
    Ce.connect(p=p)
    Ci.connect(p=p)
    P.v = "-65*mV + 5*mV*randn()"
    P.ge = "clip(40*nS + 15*nS*randn(), 0*nS, inf*nS)"
    P.gi = "clip(200*nS + 120*nS*randn(), 0*nS, inf*nS)"
    mon = b2.SpikeMonitor(Pe)
    net = b2.Network(P, Ce, Ci, mon)
    t, s, wall = _finish(b2, mode, net, duration_ms, mon)
    return t, s, wall, None


def cuba(n=4000, duration_ms=1000.0, mode="numpy", seed=1, threads=1, directory=None):
    """examples/cuba.toml: Brette et al. (2007) benchmark 2."""
    b2 = _setup(mode, seed, threads, directory)
    ms, mV = b2.ms, b2.mV
    eqs = """
    dv/dt = (ge + gi - (v - El)) / taum : volt (unless refractory)
    dge/dt = -ge / taue : volt
    dgi/dt = -gi / taui : volt
    """
    ns = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, El=-49 * mV)
    P = b2.NeuronGroup(n, eqs, threshold="v >= -50*mV", reset="v = -60*mV", refractory=5 * ms,
                       method="exact", namespace=ns)
    ne = int(0.8 * n)
    Ce = b2.Synapses(P[:ne], P, on_pre="ge += 1.62*mV", delay=0.1 * ms)
    Ci = b2.Synapses(P[ne:], P, on_pre="gi += -9*mV", delay=0.1 * ms)
    Ce.connect(p=0.02)
    Ci.connect(p=0.02)
    P.v = "-60*mV + rand() * 10*mV"
    mon = b2.SpikeMonitor(P[:ne])
    net = b2.Network(P, Ce, Ci, mon)
    t, s, wall = _finish(b2, mode, net, duration_ms, mon)
    return t, s, wall, None


def brunel(g=5.0, eta=2.0, duration_ms=1000.0, mode="numpy", seed=1, threads=1, directory=None, scale=1.0):
    """examples/brunel_ai.toml (g=5) / brunel_sr.toml (g=3): Brunel (2000)."""
    b2 = _setup(mode, seed, threads, directory)
    ms, mV = b2.ms, b2.mV
    NE, NI = int(10000 * scale), int(2500 * scale)
    CE, CI = int(1000 * scale), int(250 * scale)
    J = 0.1 * mV
    nu_thr = 20 * mV / (J * CE * 20 * ms)
    P = b2.NeuronGroup(NE + NI, "dv/dt = -v/(20*ms) : volt (unless refractory)", threshold="v >= 20*mV",
                       reset="v = 10*mV", refractory=2 * ms, method="exact")
    P.v = "rand() * 20*mV"
    Ce = b2.Synapses(P[:NE], P, on_pre="v += J", delay=1.5 * ms, namespace={"J": J})
    Ci = b2.Synapses(P[NE:], P, on_pre="v += -g*J", delay=1.5 * ms, namespace={"J": J, "g": g})
    Ce.connect(p=CE / NE)
    Ci.connect(p=CI / NI)
    ext = b2.PoissonInput(P, "v", CE, eta * nu_thr, weight=J)
    mon = b2.SpikeMonitor(P[:NE])
    net = b2.Network(P, Ce, Ci, ext, mon)
    t, s, wall = _finish(b2, mode, net, duration_ms, mon)
    return t, s, wall, None
