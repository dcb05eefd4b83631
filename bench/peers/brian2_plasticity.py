"""COBA 4000 (examples/plasticity/coba_stdp.toml) in Brian2, static or with pair STDP
on the excitatory-to-excitatory synapses: the rule of hebb's stdp_pair (all-to-all
traces, additive, hard bounds), written as Brian2 event-driven synapse equations:

    on a pre spike:   ge_post += w;  apre += 1;   w = clip(w - a_minus * apost, w_min, w_max)
    on a post spike:  apost += 1;    w = clip(w + a_plus * apre, w_min, w_max)
    apre, apost decay with tau_plus, tau_minus between spikes

Run with cpp_standalone on one thread (no OpenMP): the binary is built once and run
`repeats` times; the time is Brian2's own measure of the simulation loop.
Used by bench/bench_plasticity.py.
"""
import tempfile

import numpy as np

STDP = dict(tau_plus=16.8, tau_minus=33.7, a_plus=0.01, a_minus=0.0105, w_min=0.0, w_max=12.0)  # ms, nS


def coba_stdp(plastic, duration_ms=1000.0, repeats=3, seed=1, directory=None):
    """Returns (best wall seconds of the run, exc spike count, mean E->E weight [nS] at the end)."""
    import brian2 as b2

    b2.start_scope()
    b2.prefs.logging.file_log = False
    b2.prefs.logging.std_redirection = False
    directory = directory or tempfile.mkdtemp(prefix="brian2_stdp_")
    b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2", "-s"]  # quiet build, 2 jobs
    b2.defaultclock.dt = 0.1 * b2.ms
    b2.seed(seed)
    ms, mV, nS, pF = b2.ms, b2.mV, b2.nS, b2.pF
    eqs = """
    dv/dt = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v)) / C : volt (unless refractory)
    dge/dt = -ge / taue : siemens
    dgi/dt = -gi / taui : siemens
    """
    ns = dict(C=200 * pF, gl=10 * nS, El=-60 * mV, Ee=0 * mV, Ei=-80 * mV, taue=5 * ms, taui=10 * ms)
    P = b2.NeuronGroup(4000, eqs, threshold="v >= -50*mV", reset="v = -60*mV", refractory=5 * ms,
                       method="exponential_euler", namespace=ns)
    Pe, Pi = P[:3200], P[3200:]
    s = STDP
    if plastic:
        Cee = b2.Synapses(Pe, Pe, """
            w : siemens
            dapre/dt = -apre / tau_plus : 1 (event-driven)
            dapost/dt = -apost / tau_minus : 1 (event-driven)
            """, on_pre="""
            ge_post += w
            apre += 1
            w = clip(w - a_minus * apost, w_min, w_max)
            """, on_post="""
            apost += 1
            w = clip(w + a_plus * apre, w_min, w_max)
            """, delay=0.1 * ms,
            namespace=dict(tau_plus=s["tau_plus"] * ms, tau_minus=s["tau_minus"] * ms, a_plus=s["a_plus"] * nS,
                           a_minus=s["a_minus"] * nS, w_min=s["w_min"] * nS, w_max=s["w_max"] * nS))
    else:
        Cee = b2.Synapses(Pe, Pe, "w : siemens", on_pre="ge_post += w", delay=0.1 * ms)
    Cei = b2.Synapses(Pe, Pi, on_pre="ge_post += 6*nS", delay=0.1 * ms)
    Ci = b2.Synapses(Pi, P, on_pre="gi += 67*nS", delay=0.1 * ms)
    Cee.connect(p=0.02)
    Cee.w = 6 * nS
    Cei.connect(p=0.02)
    Ci.connect(p=0.02)
    P.v = "-65*mV + 5*mV*randn()"
    P.ge = "clip(40*nS + 15*nS*randn(), 0*nS, inf*nS)"
    P.gi = "clip(200*nS + 120*nS*randn(), 0*nS, inf*nS)"
    mon = b2.SpikeMonitor(Pe)
    net = b2.Network(P, Cee, Cei, Ci, mon)
    net.run(duration_ms * ms)
    b2.device.build(directory=directory, compile=True, run=False, with_output=False)
    walls = []
    for _ in range(repeats):
        b2.device.run(directory, False, [])
        walls.append(float(b2.device._last_run_time))
    spikes = int(mon.num_spikes)
    w_mean = float(np.mean(Cee.w / nS))
    b2.device.reinit()
    b2.device.activate()
    b2.set_device("runtime")
    return min(walls), spikes, w_mean


if __name__ == "__main__":
    for plastic in (False, True):
        print("plastic" if plastic else "static", coba_stdp(plastic, repeats=1))
