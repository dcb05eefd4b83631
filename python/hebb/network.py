"""Spiking networks from Python: the same engine and the same networks as
`hebb run` (``hebb.load("model.toml")`` builds exactly what the CLI builds).

Units: ms, mV, nS (conductance weights), pA (currents and current weights), Hz.

    net = hebb.Network(dt=0.1, seed=1)
    exc = net.population("exc", "lif_cond_exp", 3200, tau_m=20.0)
    net.connect(exc, exc, rule="fixed_probability", p=0.02, weight=6.0, delay=0.1, receptor="exc")
    spikes = net.record_spikes(exc)
    net.run(1000.0)
    spikes.times, spikes.senders
"""
import sys
import time as _time

import numpy as np

from . import _sim


def _name(x):
    return x.name if isinstance(x, (Population, Projection)) else str(x)


def _value(v):
    """A weight or delay: number, per-synapse array, or a distribution dict
    {"distribution": "uniform", "low": .., "high": ..} /
    {"distribution": "normal", "mean": .., "sd": .., "low": .., "high": ..}."""
    if isinstance(v, dict) or np.isscalar(v):
        return v
    return np.ascontiguousarray(v, dtype=float)


class Population:
    """A handle on a population: name, model, size; state as numpy arrays."""

    def __init__(self, net, name):
        self._net = net
        self.name = name
        self.model, self.size = net._c.population_info(name)

    def __len__(self):
        return self.size

    def get(self, variable):
        """Current values of a state variable, one per neuron."""
        return self._net._c.get_state(self.name, variable)

    def set(self, variable, values):
        """Set a state variable: one number for all, or one value per neuron."""
        self._net._c.set_state(self.name, variable, _value(values))

    def __repr__(self):
        return f"Population({self.name!r}, {self.model!r}, size={self.size})"


class Projection:
    """A handle on a projection; weights and delays as numpy arrays."""

    def __init__(self, net, name):
        self._net = net
        self.name = name
        self.pre, self.post, self.receptor, self.size, self.bytes = net._c.projection_info(name)

    def __len__(self):
        return self.size

    def arrays(self):
        """(sources, targets, weights, delays [ms]) per synapse, in storage order."""
        return self._net._c.projection_arrays(self.name)

    @property
    def weights(self):
        return self.arrays()[2]

    @weights.setter
    def weights(self, values):
        self._net._c.set_weights(self.name, np.ascontiguousarray(values, dtype=np.float32))

    @property
    def delays(self):
        return self.arrays()[3]

    def __repr__(self):
        return f"Projection({self.name!r}, {self.pre} -> {self.post}, {self.receptor}, {self.size} synapses)"


class SpikeRecord:
    """Spikes of one population: ``times`` [ms] and ``senders`` (neuron index)."""

    def __init__(self, net, index, population):
        self._net, self._i, self.population = net, index, population

    @property
    def times(self):
        return self._net._c.spikes(self._i)[0]

    @property
    def senders(self):
        return self._net._c.spikes(self._i)[1]

    def __len__(self):
        return len(self.times)


class StateRecord:
    """Sampled state: ``times`` [ms], ``indices``, and ``rec["v"]`` (samples x indices)."""

    def __init__(self, net, index, population):
        self._net, self._i, self.population = net, index, population

    @property
    def times(self):
        return self._net._c.state(self._i)[0]

    @property
    def indices(self):
        return self._net._c.state(self._i)[1]

    def __getitem__(self, variable):
        return self._net._c.state(self._i)[2][variable]


class RateRecord:
    """Population rate: ``times`` (bin ends) [ms] and ``rate`` [Hz per neuron]."""

    def __init__(self, net, index, population):
        self._net, self._i, self.population = net, index, population

    @property
    def times(self):
        return self._net._c.rate(self._i)[0]

    @property
    def rate(self):
        return self._net._c.rate(self._i)[1]


class WeightRecord:
    """Weight snapshots: ``times`` [ms] and ``weights`` (samples x synapses)."""

    def __init__(self, net, index, projection):
        self._net, self._i, self.projection = net, index, projection

    @property
    def times(self):
        return self._net._c.weights_record(self._i)[0]

    @property
    def weights(self):
        return self._net._c.weights_record(self._i)[1]


class Network:
    """A spiking network: populations, projections, inputs, records; run(ms)."""

    def __init__(self, dt=0.1, seed=1, threads=1, precision="double", _core=None):
        self._c = _core if _core is not None else _sim.Network(dt, seed, threads, precision)

    # -- building ---------------------------------------------------------
    def population(self, name, model, size, preset="", rate=None, spike_times=None, init=None, **params):
        """Add `size` neurons of `model` (see hebb.models()); parameters as keywords.
        rate: Hz for model "poisson" (one value or one per neuron);
        spike_times: one list of times [ms] per neuron for model "spike_source";
        init: {variable: number or array} initial state."""
        rates = [] if rate is None else list(np.atleast_1d(np.asarray(rate, dtype=float)))
        times = [] if spike_times is None else [list(map(float, t)) for t in spike_times]
        self._c.add_population(name, model, int(size), {k: float(v) for k, v in params.items()}, preset, rates, times)
        pop = Population(self, name)
        for var, values in (init or {}).items():
            pop.set(var, values)
        return pop

    def connect(self, pre, post, rule="all_to_all", p=0.0, n=0, sources=None, targets=None, autapses=True,
                multapses=False, weight=1.0, delay=0.1, receptor="exc", name="", plasticity=None):
        """Connect two populations. rule: all_to_all, one_to_one, fixed_probability (p),
        fixed_indegree (n), fixed_outdegree (n), explicit (sources, targets).
        weight, delay [ms]: number, per-synapse array, or distribution dict.
        plasticity: {"rule": "stdp_pair", <parameters>, <references as strings>} (see hebb.rules())."""
        src = [] if sources is None else [int(x) for x in np.asarray(sources).ravel()]
        tgt = [] if targets is None else [int(x) for x in np.asarray(targets).ravel()]
        made = self._c.connect(_name(pre), _name(post), rule, float(p), int(n), bool(autapses), bool(multapses),
                               src, tgt, _value(weight), _value(delay), receptor, name)
        if plasticity is not None:
            self.set_plasticity(made, **plasticity)
        return Projection(self, made)

    def set_plasticity(self, projection, rule, **params):
        """Put a plasticity rule on a projection; numbers are parameters, strings references."""
        refs = {k: v for k, v in params.items() if isinstance(v, str)}
        nums = {k: float(v) for k, v in params.items() if not isinstance(v, str)}
        self._c.set_plasticity(_name(projection), rule, nums, refs)

    def intrinsic_adaptation(self, pop, target=5.0, **params):
        """Intrinsic homeostasis: every neuron of `pop` adapts a bias current so its rate
        approaches `target` [Hz] (params: tau_rate [ms], eta [pA/(Hz ms)], interval [ms],
        bias_min, bias_max [pA]); see include/hebb/plasticity/intrinsic.hpp."""
        self._c.intrinsic_adaptation(_name(pop), {"target": float(target), **{k: float(v) for k, v in params.items()}})

    def modulator(self, name, value=None, times=None, values=None):
        """Create (first call) or set a named modulator (dopamine, reward, ...), or give it a
        schedule: values[i] from times[i] [ms] on. Returns its current value."""
        if name not in self._c.modulator_names():
            self._c.add_modulator(name, 0.0 if value is None else float(value))
        elif value is not None:
            self._c.set_modulator(name, float(value))
        if times is not None:
            self._c.modulator_schedule(name, [float(t) for t in times], [float(v) for v in values])
        return self._c.modulator(name)

    def modulator_vector(self, name, values=None, size=None):
        """A per-neuron modulator (for example an error signal, target minus readout, for
        the error_modulated rule): create it with `size` (or from `values`), set it with
        `values`; returns its current values as a numpy array."""
        if name not in self._c.modulator_vector_names():
            n = size if size is not None else len(np.atleast_1d(values))
            self._c.add_modulator_vector(name, int(n), 0.0)
        if values is not None:
            self._c.set_modulator_vector(name, [float(v) for v in np.atleast_1d(values)])
        return self._c.modulator_vector(name)

    def load_weights(self, path):
        """Start from the final weights saved in a results file (same model and seed)."""
        return self._c.load_weights(str(path))

    def poisson_input(self, target, rate, weight, receptor="exc"):
        """Independent Poisson events at `rate` [Hz] (one or one per neuron) of `weight` on each neuron."""
        self._c.poisson_input(_name(target), list(np.atleast_1d(np.asarray(rate, dtype=float))), float(weight), receptor)

    def noise_input(self, target, sd, mean=0.0):
        """Gaussian current mean + sd * N(0,1) [pA], drawn anew every step."""
        self._c.noise_input(_name(target), float(mean), float(sd))

    def current_input(self, target, amplitude=None, start=0.0, stop=None, times=None, amplitudes=None, first=0, count=0):
        """Injected current [pA]: a step (amplitude from start to stop) or piecewise constant
        (amplitudes[i] from times[i]); to neurons [first, first+count) (count 0: all)."""
        if amplitude is not None:
            times, amplitudes = [start], [amplitude]
            if stop is not None:
                times, amplitudes = [start, stop], [amplitude, 0.0]
        if times is None or amplitudes is None:
            raise ValueError("current_input: give amplitude (with start, stop) or times and amplitudes")
        self._c.current_input(_name(target), [float(t) for t in times], [float(a) for a in amplitudes], int(first), int(count))

    # -- recording --------------------------------------------------------
    def record_spikes(self, pop):
        return SpikeRecord(self, self._c.record_spikes(_name(pop)), _name(pop))

    def record_state(self, pop, variables, indices, every=0.0):
        if isinstance(variables, str):
            variables = [variables]
        return StateRecord(self, self._c.record_state(_name(pop), list(variables), [int(i) for i in np.atleast_1d(indices)],
                                                      float(every)), _name(pop))

    def record_weights(self, projection, indices=(), every=0.0):
        """Weight snapshots of a projection (all synapses, or `indices`) every `every` ms."""
        return WeightRecord(self, self._c.record_weights(_name(projection), [int(i) for i in indices], float(every)),
                            _name(projection))

    def record_rate(self, pop, bin=0.0):
        return RateRecord(self, self._c.record_rate(_name(pop), float(bin)), _name(pop))

    def records(self):
        """Every record of the network (those of a model file included), by (type, population)."""
        kinds = {"spikes": SpikeRecord, "state": StateRecord, "rate": RateRecord}
        return {(kind, pop): kinds[kind](self, i, pop) for kind, pop, i in self._c.monitors()}

    # -- running ----------------------------------------------------------
    def run(self, duration=None, progress=False, hooks=None):
        """Advance by `duration` ms (default: the model file's duration).
        progress=True prints simulated time, wall time and speed to stderr.

        hooks: Python callables run during the simulation, as `(every, fn)` or a list
        of them: fn(net) is called each `every` ms (a multiple of dt) counted from the
        start of this run, after the step that ends there, with net.time equal to that
        time. It may read state, spikes and weights and set modulators, inputs or
        weights; the run then goes on exactly as if it had been made of separate
        net.run(every) calls with fn between them (tested: the same spikes). A hook
        that returns False stops the run there (run returns False). Without hooks the
        run is one call into the engine."""
        if duration is None:
            duration = self._c.duration
        t0 = _time.perf_counter()
        cb = None
        if progress:
            def cb(t, t_end, spikes):
                wall = _time.perf_counter() - t0
                print(f"\r  {t:.1f} / {t_end:.1f} ms | {wall:.1f} s wall | {spikes} spikes", end="", file=sys.stderr)
        if hooks:
            done = self._run_hooks(float(duration), hooks, cb)
        else:
            done = self._c.run(float(duration), cb)
        if progress:
            print(file=sys.stderr)
        return done

    def _run_hooks(self, duration, hooks, cb):
        if isinstance(hooks, tuple) and len(hooks) == 2 and callable(hooks[1]):
            hooks = [hooks]
        dt = self._c.dt
        plan = []
        for h in hooks:
            if not (isinstance(h, tuple) and len(h) == 2 and callable(h[1])):
                raise ValueError(f"run: hooks: {h!r} is not (every [ms], callable)")
            every, fn = float(h[0]), h[1]
            k = int(round(every / dt))
            if k < 1 or abs(k * dt - every) > 1e-9 * max(1.0, every):
                raise ValueError(f"run: hook interval every = {every} ms: must be a positive multiple of dt = {dt} ms")
            plan.append((k, fn))
        n = int(round(duration / dt))
        pos = 0
        while pos < n:
            nxt = min(min((pos // k + 1) * k for k, _ in plan), n)
            if not self._c.run((nxt - pos) * dt, cb):
                return False
            pos = nxt
            for k, fn in plan:
                if pos % k == 0 and fn(self) is False:
                    return False
        return True

    def save(self, path, weights=()):
        """Write a results file (HDF5, same layout as `hebb run`); `weights`: projection names to save."""
        self._c.save(str(path), [_name(w) for w in weights])

    # -- inspecting -------------------------------------------------------
    @property
    def time(self):
        return self._c.time

    @property
    def dt(self):
        return self._c.dt

    @property
    def duration(self):
        """The model file's simulation.duration [ms] (0 when built in Python)."""
        return self._c.duration

    def populations(self):
        return {n: Population(self, n) for n in self._c.population_names()}

    def projections(self):
        return {n: Projection(self, n) for n in self._c.projection_names()}

    def __getitem__(self, name):
        if name in self._c.population_names():
            return Population(self, name)
        return Projection(self, name)

    @property
    def synapse_count(self):
        return self._c.synapse_count

    @property
    def total_spikes(self):
        return self._c.total_spikes


def load(path, **overrides):
    """Build the network of a model file, exactly as `hebb run` does.
    Overrides as keywords with '__' for dots: load(p, simulation__seed=3)."""
    sets = [f"{k.replace('__', '.')}={_toml(v)}" for k, v in overrides.items()]
    return Network(_core=_sim.load(str(path), sets))


def loads(text, **overrides):
    """Build a network from model-file text."""
    sets = [f"{k.replace('__', '.')}={_toml(v)}" for k, v in overrides.items()]
    return Network(_core=_sim.load_text(text, sets))


def _toml(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace('"', '\\"') + '"'
    return repr(v)


def rules():
    """Every plasticity rule: name, doc, params (name, default, unit, doc), refs."""
    return _sim.rules()


def models():
    """Every built-in model: name, kind, doc, params (name, default, unit, doc), state, presets."""
    return _sim.models()


def info(path):
    """Summary of a results file: per population size, spikes, rate [Hz], CV of ISI."""
    return _sim.summary(str(path))
