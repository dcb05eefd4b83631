"""hebb.learn: brain-inspired models trained by gradient, on libtorch.

Every layer is a ``torch.nn.Module`` whose work runs in C++ (``hebb._learn``):
tensors cross without copies, so the layers drop into any PyTorch model and
optimizer.

Layers (time-major tensors ``[T, B, features]``):
  LIF, ALIF        fused spiking layers (time loop, forward and backward in one C++
                   call), surrogate gradients, learnable intrinsic parameters
  Readout          leaky-integrator (membrane or current) readout
  DelayLinear      DCLS learnable per-synapse delays (Gaussian-interpolated kernel)
  ELM              Expressive Leaky Memory neuron (plain and branch)
  LangevinLatent   underdamped Langevin latent dynamics on a ring of coupled
                   oscillators (LangevinFlow), BAOAB time loop fused in C++
Helpers:
  HLOP             Hebbian lateral subspace and gradient projection around linear layers
  HomeostaticLR    homeostatic learning-rate regulator wrapping an optimizer
  Trainer          epochs, batches, progress, curves, checkpoint/resume, NaN stop
  data loaders     digits, Fashion-MNIST, and seeded synthetic tasks

Intrinsic parameterisation (keeps every value in its valid range during training):
  tau = tau_min + softplus(raw)   (time constants, ms; tau_min = 0.01 ms)
  decay = exp(-dt / tau)
  threshold = THETA_MIN + softplus(raw)   (THETA_MIN = 0.001)
  v_reset, b_adapt: free
  Langevin: gamma = GAMMA_MIN + softplus(raw) (GAMMA_MIN = 1e-3), k, coupling,
  sigma = softplus(raw) (>= 0)
Equations: include/hebb/learn/lif.hpp, dcls.hpp, elm.hpp, hlop.hpp, homeostatic.hpp,
langevin.hpp.
"""
import gzip
import math
import os
import struct
import sys

import numpy as np
import torch  # must come before hebb._learn (shared libtorch)
from torch import nn

from . import _learn

__all__ = [
    "LIF", "ALIF", "Readout", "DelayLinear", "ELM", "HLOP", "HomeostaticLR",
    "LangevinLatent", "langevin_sequence", "langevin_noise",
    "Trainer", "TrainingDiverged", "surrogate_names", "reset_names",
    "load_digits", "load_fashion_mnist", "poisson_rate_classes", "polychronous_patterns",
    "adding_task", "delayed_recall", "permuted_tasks", "label_permutation_stream", "plot_curves",
    "lif_sequence", "dcls_sigma",
]

TAU_MIN = 0.01  # ms, lower bound of every learnable time constant
THETA_MIN = 1e-3  # lower bound of a learnable threshold [membrane unit]

surrogate_names = _learn.surrogate_names
reset_names = _learn.reset_names
lif_sequence = _learn.lif_sequence
dcls_sigma = _learn.dcls_sigma
langevin_sequence = _learn.langevin_sequence
langevin_noise = _learn.langevin_noise
GAMMA_MIN = 1e-3  # lower bound of a learnable Langevin friction [1/time]


def _inv_softplus(y):
    """x with softplus(x) = y (y > 0), stable for large y."""
    y = torch.as_tensor(y, dtype=torch.float64)
    return y + torch.log(-torch.expm1(-y))


def _per_neuron(value, n, name, positive=True):
    t = torch.as_tensor(value, dtype=torch.float64)
    if t.dim() == 0:
        t = t.expand(n).clone()
    if t.shape != (n,):
        raise ValueError(f"{name} has shape {list(t.shape)}; expected a number or [{n}]")
    if positive and not bool((t > 0).all()):
        raise ValueError(f"{name} = {float(t.min())}: must be > 0")
    return t


class LIF(nn.Module):
    """Fused LIF layer: linear synapses then the LIF dynamics of lif.hpp over all T.

    Input ``[T, B, in_features]`` (spikes or currents); returns spikes
    ``[T, B, out_features]``. ``self.last`` keeps (spikes, membrane, current).

    Parameters (units: ms): dt, tau_mem, tau_syn (None: no synaptic filter),
    threshold, v_reset, surrogate ('fast_sigmoid', 'arctan', 'triangle'), slope,
    reset ('subtract', 'zero'), detach_reset, decay_input, learn_intrinsic (False,
    True for all, or a tuple of 'tau_mem', 'tau_syn', 'threshold', 'v_reset'),
    adaptive with tau_adapt and b_adapt (ALIF). Per-neuron values may be tensors [N].
    sparse_input (default True) computes the synaptic products from the nonzero inputs
    only (exact up to summation order; switches to dense products above 30 % nonzeros,
    so a dense input costs one extra scan); False always uses dense products.
    """

    def __init__(self, in_features, out_features, *, dt=1.0, tau_mem=10.0, tau_syn=None,
                 threshold=1.0, v_reset=0.0, surrogate="fast_sigmoid", slope=25.0,
                 reset="subtract", detach_reset=False, decay_input=False,
                 learn_intrinsic=False, bias=True, spiking=True, readout="membrane",
                 adaptive=False, tau_adapt=100.0, b_adapt=1.8, sparse_input=True,
                 dtype=torch.float32):
        super().__init__()
        self.sparse_input = bool(sparse_input)
        if surrogate not in surrogate_names():
            raise ValueError(f"unknown surrogate '{surrogate}' (valid: {', '.join(surrogate_names())})")
        if reset not in reset_names():
            raise ValueError(f"unknown reset '{reset}' (valid: {', '.join(reset_names())})")
        if readout not in ("membrane", "current"):
            raise ValueError(f"unknown readout '{readout}' (valid: membrane, current)")
        if not dt > 0:
            raise ValueError(f"dt = {dt} ms: must be > 0")
        if not slope > 0:
            raise ValueError(f"slope = {slope}: must be > 0")
        n = out_features
        names = ("tau_mem", "tau_syn", "threshold", "v_reset", "tau_adapt", "b_adapt")
        if learn_intrinsic is True:
            learn = set(names)
        elif learn_intrinsic is False or learn_intrinsic is None:
            learn = set()
        else:
            learn = set(learn_intrinsic)
            bad = learn - set(names)
            if bad:
                raise ValueError(f"unknown intrinsic parameter {sorted(bad)} (valid: {', '.join(names)})")
        self.linear = nn.Linear(in_features, out_features, bias=bias, dtype=dtype)
        self.dt, self.surrogate, self.slope, self.reset = float(dt), surrogate, float(slope), reset
        self.detach_reset, self.decay_input = bool(detach_reset), bool(decay_input)
        self.spiking, self.readout, self.adaptive = bool(spiking), readout, bool(adaptive)
        self.has_syn = tau_syn is not None

        def add(name, raw, learnable):
            raw = raw.to(dtype)
            if learnable:
                setattr(self, name, nn.Parameter(raw))
            else:
                self.register_buffer(name, raw)

        add("raw_tau_mem", _inv_softplus(_per_neuron(tau_mem, n, "tau_mem") - TAU_MIN),
            "tau_mem" in learn)
        if self.has_syn:
            add("raw_tau_syn", _inv_softplus(_per_neuron(tau_syn, n, "tau_syn") - TAU_MIN),
                "tau_syn" in learn)
        th = _per_neuron(threshold, n, "threshold")
        if float(th.min()) <= THETA_MIN:
            raise ValueError(f"threshold = {float(th.min())}: must be > {THETA_MIN}")
        add("raw_threshold", _inv_softplus(th - THETA_MIN), "threshold" in learn)
        add("v_reset", _per_neuron(v_reset, n, "v_reset", positive=False), "v_reset" in learn)
        if self.adaptive:
            add("raw_tau_adapt", _inv_softplus(_per_neuron(tau_adapt, n, "tau_adapt") - TAU_MIN),
                "tau_adapt" in learn)
            add("b_adapt", _per_neuron(b_adapt, n, "b_adapt", positive=False), "b_adapt" in learn)
        self.last = None

    # the intrinsic parameters in their natural units
    @property
    def tau_mem(self):
        return TAU_MIN + nn.functional.softplus(self.raw_tau_mem)

    @property
    def tau_syn(self):
        return TAU_MIN + nn.functional.softplus(self.raw_tau_syn) if self.has_syn else None

    @property
    def threshold(self):
        return THETA_MIN + nn.functional.softplus(self.raw_threshold)

    @property
    def tau_adapt(self):
        return TAU_MIN + nn.functional.softplus(self.raw_tau_adapt) if self.adaptive else None

    def coefficients(self):
        """(alpha, beta, theta, v_reset, b_adapt, rho) as passed to the fused kernel."""
        beta = torch.exp(-self.dt / self.tau_mem)
        alpha = torch.exp(-self.dt / self.tau_syn) if self.has_syn else torch.zeros_like(beta)
        zero = torch.zeros_like(beta)
        if self.adaptive:
            rho, b = torch.exp(-self.dt / self.tau_adapt), self.b_adapt
        else:
            rho, b = zero, zero
        return alpha, beta, self.threshold, self.v_reset, b, rho

    def dynamics(self, current):
        """The fused dynamics on an input current [T, B, N] (no linear layer)."""
        if current.dim() != 3 or current.shape[2] != self.linear.out_features:
            raise ValueError(f"input current has shape {list(current.shape)}; expected "
                             f"[T, B, {self.linear.out_features}]")
        a, b, th, vr, ba, rho = self.coefficients()
        self.last = _learn.lif_sequence(current, a, b, th, vr, ba, rho, self.surrogate, self.slope,
                                        self.reset, self.detach_reset, self.spiking, self.adaptive,
                                        self.decay_input)
        if self.spiking:
            return self.last[0]
        return self.last[1] if self.readout == "membrane" else self.last[2]

    def forward(self, x):
        if x.dim() != 3 or x.shape[2] != self.linear.in_features:
            raise ValueError(f"input has shape {list(x.shape)}; expected [T, B, "
                             f"{self.linear.in_features}] (time, batch, features)")
        T, B, _ = x.shape
        if self.sparse_input:  # products over the nonzero inputs only (spike_linear.hpp)
            current = _learn.spike_linear(x.reshape(T * B, -1), self.linear.weight, self.linear.bias)
        else:
            current = self.linear(x.reshape(T * B, -1))
        current = current.reshape(T, B, -1)
        return self.dynamics(current)


class ALIF(LIF):
    """Adaptive LIF (Bellec et al. 2018): threshold theta + b_adapt * a, a the decaying
    spike trace with time constant tau_adapt (ms)."""

    def __init__(self, in_features, out_features, **kw):
        kw.setdefault("adaptive", True)
        super().__init__(in_features, out_features, **kw)


class Readout(LIF):
    """Leaky-integrator readout: the LIF equations without threshold or reset; returns
    the membrane (readout='membrane') or the synaptic current ('current')."""

    def __init__(self, in_features, out_features, **kw):
        kw["spiking"] = False
        super().__init__(in_features, out_features, **kw)


class DelayLinear(nn.Module):
    """DCLS layer: per-synapse weight and learnable delay position (dcls.hpp).

    Input [T, B, in_features], output [T, B, out_features] = sum over synapses of the
    weighted input delayed by the position (in steps of dt ms), Gaussian-interpolated
    with width ``sigma`` (set it per epoch with ``dcls_sigma``). After each optimizer
    step call ``clamp_positions()``; at the end ``round_positions()``.
    """

    def __init__(self, in_features, out_features, kernel_size=25, *, dt=1.0, sigma=None,
                 init_delays=None, weight_scale=None, seed=0, dtype=torch.float32):
        super().__init__()
        if kernel_size < 1:
            raise ValueError(f"kernel_size = {kernel_size}: must be >= 1 step")
        self.kernel_size, self.dt = int(kernel_size), float(dt)
        self.sigma = float(sigma if sigma is not None else kernel_size / 2)
        g = torch.Generator().manual_seed(seed)
        scale = weight_scale if weight_scale is not None else 1 / math.sqrt(in_features)
        w = (torch.rand(out_features, in_features, generator=g, dtype=torch.float64) * 2 - 1) * scale
        if init_delays is None:
            p = torch.rand(out_features, in_features, generator=g, dtype=torch.float64) * (kernel_size - 1)
        else:
            p = torch.as_tensor(init_delays, dtype=torch.float64).clone()
            if p.shape != (out_features, in_features):
                raise ValueError(f"init_delays has shape {list(p.shape)}; expected "
                                 f"[{out_features}, {in_features}]")
            if float(p.max()) > kernel_size - 1 or float(p.min()) < 0:
                raise ValueError(f"init_delays span [{float(p.min())}, {float(p.max())}] steps but "
                                 f"kernel_size = {kernel_size} holds delays 0..{kernel_size - 1}")
        self.weight = nn.Parameter(w.to(dtype))
        self.pos = nn.Parameter(p.to(dtype))
        self.rounded = False

    def forward(self, x):
        if self.rounded:
            return _learn.delay_forward(x, self.weight, self.pos.detach())
        return _learn.dcls_forward(x, self.weight, self.pos, self.sigma, self.kernel_size)

    def kernel(self):
        return _learn.dcls_kernel(self.weight, self.pos, self.sigma, self.kernel_size)

    @torch.no_grad()
    def clamp_positions(self):
        self.pos.clamp_(0, self.kernel_size - 1)

    @torch.no_grad()
    def round_positions(self):
        self.pos.copy_(self.pos.round().clamp(0, self.kernel_size - 1))
        self.rounded = True

    def delays(self):
        """Delays in steps (rounded)."""
        return self.pos.detach().round().long()

    def param_groups(self, lr, pos_ratio=100.0):
        """Optimizer groups with lr_pos = pos_ratio * lr_w (section 6b: 100)."""
        return [{"params": [self.weight], "lr": lr}, {"params": [self.pos], "lr": lr * pos_ratio}]

    def export(self, source="input", target="hidden", receptor="exc", offset_steps=1,
               min_abs_weight=0.0, path=None):
        """The layer as explicit synapses for the spiking engine: dict with sources,
        targets, weights, delays_ms (= (round(pos) + offset_steps) * dt), dt and the
        model-file fragment 'toml' (written to ``path`` if given)."""
        d = _learn.export_delays(self.weight.detach(), self.pos.detach(), self.dt, offset_steps,
                                 min_abs_weight, source, target, receptor)
        if path is not None:
            with open(path, "w") as f:
                f.write(d["toml"])
        return d


class ELM(nn.Module):
    """Expressive Leaky Memory neuron (elm.hpp). Input [T, B, n_syn] -> output
    [T, B, n_out]; ``self.last_memory`` keeps m [T, B, d_m].

    n_branch = 0: plain ELM; n_branch > 0: Branch-ELM with n_syn / n_branch synapses
    per branch. ``routing`` (optional, length n_syn) maps each synapse to an input
    channel so that n_in inputs can feed n_syn synapses."""

    def __init__(self, n_syn, d_m, n_out=1, *, n_branch=0, mlp_hidden=0, tau_s=5.0,
                 tau_m_min=1.0, tau_m_max=1000.0, lambda_=5.0, routing=None, seed=0,
                 dtype=torch.float32):
        super().__init__()
        p = _learn.ElmParams()
        p.n_syn, p.n_branch, p.d_m, p.mlp_hidden, p.n_out = n_syn, n_branch, d_m, mlp_hidden, n_out
        p.tau_s, p.tau_m_min, p.tau_m_max, p.lambda_ = tau_s, tau_m_min, tau_m_max, lambda_
        p.validate()
        self.params = p
        w = _learn.elm_init(p, seed, dtype == torch.float64)
        for k in ("w_syn_raw", "w1", "b1", "w2", "b2", "wy", "by"):
            setattr(self, k, nn.Parameter(w[k]))
        self.register_buffer("kappa_s", w["kappa_s"])
        self.register_buffer("kappa_m", w["kappa_m"])
        if routing is not None:
            r = torch.as_tensor(routing, dtype=torch.long)
            if r.shape != (n_syn,):
                raise ValueError(f"routing has shape {list(r.shape)}; expected [{n_syn}]")
            self.register_buffer("routing", r)
        else:
            self.routing = None
        self.last_memory = None

    def weights(self):
        return {k: getattr(self, k) for k in
                ("w_syn_raw", "w1", "b1", "w2", "b2", "wy", "by", "kappa_s", "kappa_m")}

    def forward(self, x, m0=None):
        if self.routing is not None:
            x = x.index_select(2, self.routing)
        y, m = _learn.elm_forward(x, self.weights(), self.params, m0)
        self.last_memory = m
        return y

    def parameter_count(self):
        """The formula of elm.hpp (equals sum(p.numel() for p in self.parameters()))."""
        return self.params.parameter_count()


class HLOP:
    """Hebbian lateral subspace module (hlop.hpp) for a layer with n inputs.

    Per task: ``add_block(k)`` then ``fit(x)`` on the layer's inputs (or
    ``hebbian_update`` online); during training on later tasks call
    ``project_grad_(linear)`` after ``backward()`` and before ``optimizer.step()``."""

    def __init__(self, n, *, lr=0.01, momentum=0.9, init_scale=0.1, seed=0):
        p = _learn.HlopParams()
        p.n, p.lr, p.momentum, p.init_scale = n, lr, momentum, init_scale
        self.impl = _learn.Hlop(p, seed)
        self.n = n

    def add_block(self, k):
        self.impl.add_block(k)

    def hebbian_update(self, x):
        self.impl.hebbian_update(x.detach())

    def fit(self, x, epochs=1, batch=32):
        self.impl.fit(torch.as_tensor(x).detach().to(torch.float64), epochs, batch)

    @property
    def weight(self):
        return self.impl.weight

    @property
    def rows(self):
        return self.impl.rows

    def project(self, grad):
        return self.impl.project(grad)

    @torch.no_grad()
    def project_grad_(self, linear):
        """Replaces linear.weight.grad G by G - (G H^T) H (no-op before any block)."""
        if self.impl.rows and linear.weight.grad is not None:
            linear.weight.grad.copy_(self.impl.project(linear.weight.grad))


class HomeostaticLR:
    """Homeostatic learning-rate regulator (homeostatic.hpp) wrapping an optimizer: a
    "vulnerable" learner whose learning rate is moved by the items it perceives
    (Man, Damasio & Neven 2022). Each offered item's TRUE class multiplies the rate by
    rho (class >= first_excitatory) or 1/rho (the others), but only if the learner
    takes the item, which it decides from its own predicted class (and, with
    guard_band, only if the predicted effect keeps the rate in its viable band).

    ``offer(predicted, truth, score)``: ``score(lr)`` is the learner's own score (higher
    is better, e.g. accuracy on its recent items) of the update it would make with
    learning rate ``lr``; it is called with the current rate and with ``proposal(predicted)``
    and the item is taken iff the second scores strictly better. Sets the learning
    rate of every parameter group; ``step()`` steps the optimizer."""

    _PARAMS = ("eta0", "rho", "first_excitatory", "band_lo", "band_hi", "guard_band")

    def __init__(self, optimizer=None, **params):
        p = _learn.HomeostaticParams()
        for k, v in params.items():
            if k not in self._PARAMS:
                raise ValueError(f"unknown homeostatic parameter '{k}' (valid: "
                                 + ", ".join(self._PARAMS) + ")")
            setattr(p, k, int(v) if k == "first_excitatory" else bool(v) if k == "guard_band" else float(v))
        self.reg = _learn.HomeostaticRegulator(p)
        self.optimizer = optimizer
        self._apply()

    def _apply(self):
        if self.optimizer is not None:
            for g in self.optimizer.param_groups:
                g["lr"] = self.reg.lr

    def proposal(self, cls):
        """The learning rate that taking an item of class ``cls`` would give."""
        return self.reg.proposal(int(cls))

    def offer(self, predicted, truth, score):
        """Offers one item; returns whether it was taken (then the rate has moved)."""
        predicted, truth = int(predicted), int(truth)
        leave = float(score(self.reg.lr))
        take = float(score(self.reg.proposal(predicted)))
        taken = self.reg.offer(predicted, truth, leave, take)
        self._apply()
        return taken

    def step(self, closure=None):
        return self.optimizer.step(closure)

    def zero_grad(self, set_to_none=True):
        self.optimizer.zero_grad(set_to_none=set_to_none)

    @property
    def lr(self):
        return self.reg.lr

    @property
    def viable(self):
        return self.reg.viable

    @property
    def viable_fraction(self):
        return self.reg.viable_fraction


class LangevinLatent(nn.Module):
    """Underdamped Langevin latent dynamics (LangevinFlow, Song et al. 2025; langevin.hpp):

        dz = v dt,   dv = (-dU/dz - gamma v + f_t) dt + sigma dW,
        U(z) = sum_i k_i z_i^2 / 2 + sum_i c_i (z_i - z_{i+1})^2 / 2   (ring, i mod D)

    integrated by BAOAB (exact Ornstein-Uhlenbeck step for friction and noise), one step
    of ``dt`` per input frame, time loop and backward fused in C++.

    ``forward(forcing, z0=None, v0=None, noise=None, seed=None)``: forcing [T, B, D];
    z0, v0 [B, D] (zeros if None); noise [T, B, D] standard normal, or None: in training
    mode drawn from hebb's counter-based RNG keyed by (seed, step, batch, dimension)
    (``seed`` if given, else ``self.seed`` and a call counter), in eval mode zero (the
    deterministic flow). Returns z [T, B, D]; ``self.last`` keeps (z, v).

    gamma, k, coupling, sigma (numbers or [D] tensors) are learnable when named in
    ``learn`` (default all), kept in range by gamma = GAMMA_MIN + softplus(raw),
    k = softplus(raw), coupling = softplus(raw), sigma = softplus(raw); a learnable one
    must start > 0 (> GAMMA_MIN for gamma); a fixed one may be 0 (not gamma).
    """

    _NAMES = ("gamma", "k", "coupling", "sigma")

    def __init__(self, dim, *, dt=0.1, gamma=0.5, k=1.0, coupling=0.1, sigma=0.1,
                 learn=_NAMES, seed=0, dtype=torch.float32):
        super().__init__()
        if int(dim) < 1:
            raise ValueError(f"dim = {dim}: must be >= 1 latent dimension")
        if not dt > 0:
            raise ValueError(f"dt = {dt}: must be > 0")
        learn = set(self._NAMES if learn is True else () if not learn else learn)
        bad = learn - set(self._NAMES)
        if bad:
            raise ValueError(f"unknown Langevin parameter {sorted(bad)} (valid: {', '.join(self._NAMES)})")
        self.dim, self.dt, self.seed, self.calls = int(dim), float(dt), int(seed), 0
        self._learned = learn
        for name, value in zip(self._NAMES, (gamma, k, coupling, sigma)):
            t = _per_neuron(value, self.dim, name, positive=False)
            lo = GAMMA_MIN if name == "gamma" else 0.0
            if name == "gamma" and not bool((t > 0).all()):
                raise ValueError(f"gamma = {float(t.min())}: must be > 0")
            if not bool((t >= 0).all()):
                raise ValueError(f"{name} = {float(t.min())}: must be >= 0")
            if name in learn:
                if not bool((t > lo).all()):
                    raise ValueError(f"{name} = {float(t.min())}: a learnable {name} must start > {lo}")
                setattr(self, "raw_" + name, nn.Parameter(_inv_softplus(t - lo).to(dtype)))
            else:
                self.register_buffer("fixed_" + name, t.to(dtype))
        self.last = None

    def _value(self, name):
        if name in self._learned:
            lo = GAMMA_MIN if name == "gamma" else 0.0
            return lo + nn.functional.softplus(getattr(self, "raw_" + name))
        return getattr(self, "fixed_" + name)

    @property
    def gamma(self):
        return self._value("gamma")

    @property
    def k(self):
        return self._value("k")

    @property
    def coupling(self):
        return self._value("coupling")

    @property
    def sigma(self):
        return self._value("sigma")

    def forward(self, forcing, z0=None, v0=None, noise=None, seed=None):
        if forcing.dim() != 3 or forcing.shape[2] != self.dim:
            raise ValueError(f"forcing has shape {list(forcing.shape)}; expected [T, B, {self.dim}] "
                             "(time, batch, latent)")
        T, B, D = forcing.shape
        z0 = torch.zeros(B, D, dtype=forcing.dtype) if z0 is None else z0
        v0 = torch.zeros(B, D, dtype=forcing.dtype) if v0 is None else v0
        if noise is None:
            if self.training:
                if seed is None:
                    seed = self.seed * 1_000_003 + self.calls
                    self.calls += 1
                noise = _learn.langevin_noise(T, B, D, int(seed), forcing.dtype == torch.float64)
            else:
                noise = torch.zeros_like(forcing)
        z, v = _learn.langevin_sequence(z0, v0, forcing, noise, self.gamma, self.k, self.coupling,
                                        self.sigma, self.dt)
        self.last = (z, v)
        return z


# ----------------------------------------------------------------------------- trainer

class TrainingDiverged(ValueError):
    """The loss became NaN or infinite; ``epoch`` and ``batch`` say where."""

    def __init__(self, epoch, batch, loss, checkpoint):
        self.epoch, self.batch, self.loss = epoch, batch, loss
        super().__init__(f"loss became {loss} at epoch {epoch}, batch {batch}; training stopped"
                         + (f"; the last good checkpoint {checkpoint} is intact" if checkpoint else ""))


def _signature(model):
    return [type(model).__name__] + [(k, tuple(v.shape)) for k, v in model.state_dict().items()]


class Trainer:
    """A small trainer: epochs of shuffled mini-batches, a progress bar with loss and
    accuracy, curves as PNG, a checkpoint (model, optimizer, RNG state, history)
    after every epoch, ``fit(resume=True)`` continuing bit-identically (one thread),
    and a stop with the epoch and batch where the loss became NaN or infinite.

    data = (X, y) tensors (first axis = samples); ``model(X[batch])`` returns logits
    [B, classes]. ``prepare(xb)`` maps a batch before the model (e.g. to time-major).
    ``on_epoch(trainer, epoch)`` runs before each epoch (e.g. the DCLS sigma schedule),
    ``after_step(trainer)`` after each optimizer step (e.g. clamp delay positions).
    """

    def __init__(self, model, optimizer, data, *, test_data=None, epochs=1, batch_size=64,
                 seed=0, loss_fn=None, out_dir=None, prepare=None, on_epoch=None,
                 after_step=None, progress=True, name="training"):
        self.model, self.optimizer = model, optimizer
        self.X, self.y = data
        self.test = test_data
        self.epochs, self.batch_size, self.seed = int(epochs), int(batch_size), int(seed)
        self.loss_fn = loss_fn or nn.functional.cross_entropy
        self.out_dir, self.prepare = out_dir, prepare or (lambda xb: xb)
        self.on_epoch, self.after_step, self.progress, self.name = on_epoch, after_step, progress, name
        self.history = {"epoch": [], "loss": [], "acc": [], "test_acc": []}
        self.epoch = 0
        if len(self.X) != len(self.y):
            raise ValueError(f"data: {len(self.X)} inputs but {len(self.y)} labels")

    @property
    def checkpoint_path(self):
        return os.path.join(self.out_dir, "checkpoint.pt") if self.out_dir else None

    def _order(self, epoch):
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
        return torch.randperm(len(self.X), generator=g)

    def evaluate(self, X, y, batch_size=512):
        self.model.eval()
        correct = 0
        with torch.no_grad():
            for s in range(0, len(X), batch_size):
                out = self.model(self.prepare(X[s:s + batch_size]))
                correct += int((out.argmax(-1) == y[s:s + batch_size]).sum())
        self.model.train()
        return correct / max(1, len(X))

    def save(self):
        if not self.out_dir:
            return
        os.makedirs(self.out_dir, exist_ok=True)
        state = {"model": self.model.state_dict(), "optimizer": self.optimizer.state_dict(),
                 "torch_rng": torch.get_rng_state(), "epoch": self.epoch,
                 "history": self.history, "signature": _signature(self.model)}
        tmp = self.checkpoint_path + ".tmp"
        torch.save(state, tmp)
        os.replace(tmp, self.checkpoint_path)  # never a half-written checkpoint

    def load(self, path=None):
        path = path or self.checkpoint_path
        if not path or not os.path.exists(path):
            raise ValueError(f"checkpoint {path} does not exist")
        try:
            state = torch.load(path)
        except Exception as e:  # noqa: BLE001 - any unreadable file is a format error
            raise ValueError(f"checkpoint {path} is not a hebb checkpoint: {e}") from None
        if not isinstance(state, dict) or "signature" not in state:
            raise ValueError(f"checkpoint {path} is not a hebb checkpoint")
        mine = _signature(self.model)
        theirs = [state["signature"][0]] + [tuple(x) if isinstance(x, (list, tuple)) else x
                                            for x in state["signature"][1:]]
        if theirs != mine:
            raise ValueError(f"checkpoint {path} is from another model: it holds {theirs[:4]}..., "
                             f"this model has {mine[:4]}...")
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        torch.set_rng_state(state["torch_rng"])
        self.epoch, self.history = state["epoch"], state["history"]

    def _bar(self, epoch, k, n, loss, acc):
        if not self.progress:
            return
        w = 24
        f = int(w * k / max(1, n))
        sys.stderr.write(f"\r{self.name} epoch {epoch + 1}/{self.epochs} [{'#' * f}{'.' * (w - f)}] "
                         f"loss {loss:.4f} acc {100 * acc:5.1f}%")
        if k == n:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def fit(self, resume=False, stop_after=None):
        """Trains up to ``epochs`` (or ``stop_after`` epochs, to simulate an interrupted
        run); returns the history."""
        if resume:
            self.load()
        self.model.train()
        n = len(self.X)
        nb = (n + self.batch_size - 1) // self.batch_size
        last = self.epochs if stop_after is None else min(self.epochs, stop_after)
        while self.epoch < last:
            e = self.epoch
            if self.on_epoch:
                self.on_epoch(self, e)
            order = self._order(e)
            # the global RNG (dropout, user code) restarts from (seed, epoch) each epoch,
            # so a resumed run draws what the unbroken run drew
            torch.manual_seed(self.seed * 1_000_003 + e + 7)
            tot_loss, tot_correct, seen = 0.0, 0, 0
            for b in range(nb):
                idx = order[b * self.batch_size:(b + 1) * self.batch_size]
                xb, yb = self.prepare(self.X[idx]), self.y[idx]
                out = self.model(xb)
                loss = self.loss_fn(out, yb)
                if not torch.isfinite(loss):
                    raise TrainingDiverged(e, b, float(loss), self.checkpoint_path
                                           if self.checkpoint_path and os.path.exists(self.checkpoint_path)
                                           else None)
                self.optimizer.zero_grad(set_to_none=True)
                loss.backward()
                self.optimizer.step()
                if self.after_step:
                    self.after_step(self)
                tot_loss += float(loss) * len(idx)
                if out.dim() == 2:
                    tot_correct += int((out.argmax(-1) == yb).sum())
                seen += len(idx)
                self._bar(e, b + 1, nb, tot_loss / seen, tot_correct / seen)
            self.epoch = e + 1
            self.history["epoch"].append(self.epoch)
            self.history["loss"].append(tot_loss / seen)
            self.history["acc"].append(tot_correct / seen)
            if self.test is not None:
                self.history["test_acc"].append(self.evaluate(*self.test))
            self.save()
            if self.out_dir:
                plot_curves(self.history, os.path.join(self.out_dir, f"{self.name}_curves.png"))
        return self.history


def plot_curves(history, path, title=None):
    """Loss and accuracy per epoch as a PNG."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(1, 2, figsize=(8, 3))
    ep = history["epoch"]
    ax[0].plot(ep, history["loss"], "o-")
    ax[0].set_xlabel("epoch")
    ax[0].set_ylabel("training loss")
    ax[1].plot(ep, [100 * a for a in history["acc"]], "o-", label="train")
    if history.get("test_acc"):
        ax[1].plot(ep, [100 * a for a in history["test_acc"]], "s-", label="test")
    ax[1].set_xlabel("epoch")
    ax[1].set_ylabel("accuracy [%]")
    ax[1].legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


# ----------------------------------------------------------------------------- data

def load_digits():
    """scikit-learn's 8x8 digits: X [1797, 64] in [0, 1] (float32), y [1797] (int64)."""
    from sklearn.datasets import load_digits as ld
    d = ld()
    return (torch.tensor(d.data / 16.0, dtype=torch.float32), torch.tensor(d.target, dtype=torch.long))


FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"


def _read_idx(path, magic):
    if not os.path.exists(path):
        raise ValueError(f"data file {path} is missing (Debian package dataset-fashion-mnist "
                         "installs it under /usr/share/datasets/fashion-mnist)")
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ValueError(f"data file {path} is not in IDX format (gzip): {e}") from None
    if len(raw) < 8 or struct.unpack(">I", raw[:4])[0] != magic:
        raise ValueError(f"data file {path} is not an IDX file with magic {magic:#x}")
    ndim = magic & 0xFF
    shape = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"data file {path}: {data.size} values, header says {shape}")
    return data.reshape(shape)


def load_fashion_mnist(split="train", directory=FASHION_MNIST_DIR, limit=None):
    """Fashion-MNIST: X [n, 784] in [0, 1] (float32), y [n] (int64)."""
    if split not in ("train", "test"):
        raise ValueError(f"unknown split '{split}' (valid: train, test)")
    pre = "train" if split == "train" else "t10k"
    X = _read_idx(os.path.join(directory, f"{pre}-images-idx3-ubyte.gz"), 0x803)
    y = _read_idx(os.path.join(directory, f"{pre}-labels-idx1-ubyte.gz"), 0x801)
    if limit:
        X, y = X[:limit], y[:limit]
    return (torch.tensor(X.reshape(len(X), -1) / 255.0, dtype=torch.float32),
            torch.tensor(y.astype(np.int64)))


def poisson_rate_classes(rates_hz, n_per_class, steps, *, dt=1.0, channels=1, seed=0):
    """Poisson spike trains, one class per rate: X [n, steps, channels] (0/1 float32), y."""
    rng = np.random.default_rng(seed)
    X, y = [], []
    for c, r in enumerate(rates_hz):
        p = r * dt / 1000.0
        if not 0 <= p <= 1:
            raise ValueError(f"rate {r} Hz at dt = {dt} ms: rate*dt must be in [0, 1]")
        X.append(rng.random((n_per_class, steps, channels)) < p)
        y.append(np.full(n_per_class, c))
    X, y = np.concatenate(X), np.concatenate(y)
    perm = rng.permutation(len(y))
    return torch.tensor(X[perm], dtype=torch.float32), torch.tensor(y[perm], dtype=torch.long)


def polychronous_patterns(n_classes, channels, steps, *, max_delay, n_samples, jitter=0,
                          seed=0, pattern_seed=None):
    """Classes that differ only in the relative spike times between channels.

    Each class c has planted offsets D[c, i] in [0, max_delay] steps; a sample of class
    c has exactly one spike per channel at t0 + D[c, i] (+ optional jitter), with a
    random onset t0, so every channel has the same spike count in every class (rates
    matched) and only the inter-channel delays carry the class.
    Returns X [n, steps, channels], y [n], D [n_classes, channels]."""
    if steps <= max_delay + 1:
        raise ValueError(f"steps = {steps}: must exceed max_delay + 1 = {max_delay + 1}")
    prng = np.random.default_rng(seed if pattern_seed is None else pattern_seed)
    D = prng.integers(0, max_delay + 1, size=(n_classes, channels))
    rng = np.random.default_rng(seed + 7919)
    X = np.zeros((n_samples, steps, channels), dtype=np.float32)
    y = rng.integers(0, n_classes, size=n_samples)
    span = steps - max_delay - 1 - jitter
    for k in range(n_samples):
        t0 = rng.integers(0, max(1, span))
        t = t0 + D[y[k]] + (rng.integers(-jitter, jitter + 1, size=channels) if jitter else 0)
        X[k, np.clip(t, 0, steps - 1), np.arange(channels)] = 1.0
    return torch.tensor(X), torch.tensor(y, dtype=torch.long), torch.tensor(D)


def adding_task(steps, n_samples, *, seed=0):
    """The adding problem (Hochreiter & Schmidhuber 1997): channel 0 uniform values in
    [0, 1], channel 1 marks two positions (one in each half); the target is the sum of
    the two marked values, read at the last step. X [n, steps, 2], y [n]."""
    rng = np.random.default_rng(seed)
    v = rng.random((n_samples, steps))
    mark = np.zeros((n_samples, steps))
    a = rng.integers(0, steps // 2, size=n_samples)
    b = rng.integers(steps // 2, steps, size=n_samples)
    mark[np.arange(n_samples), a] = 1
    mark[np.arange(n_samples), b] = 1
    X = np.stack([v, mark], -1).astype(np.float32)
    y = (v[np.arange(n_samples), a] + v[np.arange(n_samples), b]).astype(np.float32)
    return torch.tensor(X), torch.tensor(y)


def delayed_recall(n_samples, steps=200, *, n_cues=4, cue_steps=5, go_steps=10, noise=0.02, seed=0):
    """Delayed recall: one of n_cues channels is on for the first cue_steps steps,
    background noise spikes (probability ``noise`` per step and channel) throughout, and a
    go channel (the last) for the final go_steps steps; the label is the cue.
    X [n, steps, n_cues + 1] (0/1 float32), y [n]."""
    if steps <= cue_steps + go_steps:
        raise ValueError(f"steps = {steps}: must exceed cue_steps + go_steps = {cue_steps + go_steps}")
    r = np.random.default_rng(seed)
    y = r.integers(0, n_cues, n_samples)
    X = (r.random((n_samples, steps, n_cues + 1)) < noise).astype(np.float32)
    X[np.arange(n_samples)[:, None], np.arange(cue_steps)[None, :], y[:, None]] = 1.0
    X[:, steps - go_steps:, n_cues] = 1.0
    return torch.tensor(X), torch.tensor(y, dtype=torch.long)


def permuted_tasks(X, n_tasks, *, seed=0):
    """Input permutations for permuted-pixel continual learning; task 0 is the identity."""
    rng = np.random.default_rng(seed)
    d = X.shape[1]
    perms = [np.arange(d)] + [rng.permutation(d) for _ in range(n_tasks - 1)]
    return [torch.tensor(p, dtype=torch.long) for p in perms]


def label_permutation_stream(y, n_items, period, *, n_classes=None, seed=0):
    """An online stream under concept shift: item k shows sample order[k] with label
    perm_j[y] where the label mapping perm_j is redrawn every ``period`` items.
    Returns (indices [n_items], labels [n_items]) as numpy arrays."""
    if period < 1:
        raise ValueError(f"period = {period}: must be >= 1 item")
    rng = np.random.default_rng(seed)
    y = np.asarray(y)
    C = int(n_classes or y.max() + 1)
    idx = rng.integers(0, len(y), size=n_items)
    labels = np.empty(n_items, dtype=np.int64)
    perm = np.arange(C)
    for k in range(n_items):
        if k and k % period == 0:
            perm = rng.permutation(C)
        labels[k] = perm[y[idx[k]]]
    return idx, labels
