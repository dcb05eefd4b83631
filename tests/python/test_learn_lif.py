"""Fused LIF/ALIF layers against a plain step-by-step PyTorch implementation of the
same equations (written here), and against central finite differences."""
import itertools
import math

import pytest
import torch

import hebb.learn as hl


def _F(kind, z, a):
    """Antiderivative of the surrogate derivative (include/hebb/learn/surrogate.hpp)."""
    if kind == "fast_sigmoid":
        return z / (1 + a * z.abs())
    if kind == "arctan":
        return torch.atan(math.pi / 2 * a * z) / math.pi
    zc = z.clamp(-1 / a, 1 / a)
    return a * zc - a * a * zc * zc.abs() / 2


def reference(layer, x):
    """Step-by-step loop with straight-through surrogates, as snnTorch/Norse run."""
    T, B, _ = x.shape
    cur = layer.linear(x.reshape(T * B, -1)).reshape(T, B, -1)
    alpha, beta, theta, vr, b, rho = layer.coefficients()
    i = torch.zeros_like(cur[0]); v = torch.zeros_like(cur[0]); a = torch.zeros_like(cur[0])
    S, U = [], []
    for t in range(T):
        i = alpha * i + cur[t]
        g = (1 - beta) if layer.decay_input else 1.0
        u = beta * v + g * i
        th = theta + b * a
        z = u - th
        F = _F(layer.surrogate, z, layer.slope)
        s = (z > 0).to(z.dtype) + (F - F.detach())
        sr = s.detach() if layer.detach_reset else s
        v = u - th * sr if layer.reset == "subtract" else u * (1 - sr) + vr * sr
        a = rho * a + s
        S.append(s); U.append(u)
    return torch.stack(S), torch.stack(U)


def _rel(a, b):
    return float((a - b).norm() / max(1e-12, float(b.norm())))


@pytest.mark.parametrize("surrogate,reset,detach,adaptive",
                         list(itertools.product(hl.surrogate_names(), hl.reset_names(),
                                                [False, True], [False, True])))
def test_fused_gradients_equal_step_by_step(surrogate, reset, detach, adaptive):
    torch.manual_seed(1)
    kw = dict(dt=1.0, tau_mem=torch.linspace(4, 20, 6), tau_syn=torch.linspace(2, 6, 6),
              threshold=torch.linspace(0.8, 1.2, 6), v_reset=0.05, surrogate=surrogate,
              slope=1.0 if surrogate == "triangle" else 5.0, reset=reset, detach_reset=detach,
              learn_intrinsic=True, adaptive=adaptive, tau_adapt=30.0, b_adapt=0.3,
              dtype=torch.float64)
    layer = hl.LIF(4, 6, **kw)
    with torch.no_grad():
        layer.linear.weight.mul_(3.0)
    x = (torch.rand(40, 3, 4, dtype=torch.float64) < 0.3).to(torch.float64).requires_grad_()
    w = torch.randn(40, 3, 6, dtype=torch.float64)
    s = layer(x)
    u = layer.last[1]
    assert s.sum() > 10, "the test needs spikes"
    sr, ur = reference(layer, x)
    assert torch.equal(s, sr.detach())
    params = [x] + [p for p in layer.parameters()]
    g1 = torch.autograd.grad((s * w).sum() + (u * w).sum(), params)
    g2 = torch.autograd.grad((sr * w).sum() + (ur * w).sum(), params, allow_unused=True)
    g2 = [torch.zeros_like(p) if g is None else g for g, p in zip(g2, params)]
    names = ["x"] + [n for n, _ in layer.named_parameters()]
    for n, a, b in zip(names, g1, g2):
        if n == "v_reset" and reset == "subtract":
            assert float(a.abs().max()) == 0.0
            continue
        assert _rel(a, b) <= 1e-5, f"{n}: relative error {_rel(a, b)}"


def test_readout_matches_central_differences():
    """The leaky integrator is smooth: torch.autograd.gradcheck (central differences)."""
    torch.manual_seed(2)
    layer = hl.Readout(3, 2, tau_mem=5.0, tau_syn=3.0, learn_intrinsic=("tau_mem", "tau_syn"),
                       dtype=torch.float64)
    x = torch.randn(15, 2, 3, dtype=torch.float64, requires_grad=True)
    a, b, *_ = layer.coefficients()

    def f(x, raw_m, raw_s):
        beta = torch.exp(-1.0 / (hl.TAU_MIN + torch.nn.functional.softplus(raw_m)))
        alpha = torch.exp(-1.0 / (hl.TAU_MIN + torch.nn.functional.softplus(raw_s)))
        z = torch.zeros_like(beta)
        cur = layer.linear(x.reshape(-1, 3)).reshape(15, 2, 2)
        return hl.lif_sequence(cur, alpha, beta, z + 1, z, z, z, spiking=False)[1]

    assert torch.autograd.gradcheck(f, (x, layer.raw_tau_mem, layer.raw_tau_syn), eps=1e-6, atol=1e-7)


def test_membrane_readout_is_exact_leaky_integration():
    # oracle: u_t = sum_k beta^(t-k) I_k for a constant input I (no synaptic filter)
    r = hl.Readout(1, 1, tau_mem=10.0, bias=False, dtype=torch.float64)
    with torch.no_grad():
        r.linear.weight.fill_(1.0)
    u = r(torch.ones(50, 1, 1, dtype=torch.float64))[:, 0, 0]
    beta = math.exp(-0.1)
    expect = torch.tensor([(1 - beta ** (t + 1)) / (1 - beta) for t in range(50)], dtype=torch.float64)
    assert torch.allclose(u, expect, rtol=1e-12)


def test_learned_intrinsic_parameters_stay_in_range():
    layer = hl.LIF(2, 3, tau_mem=2.0, threshold=0.5, learn_intrinsic=True)
    with torch.no_grad():
        for p in (layer.raw_tau_mem, layer.raw_threshold):
            p.sub_(1000.0)  # an absurd optimizer step
    assert bool((layer.tau_mem > 0).all()) and bool((layer.threshold > 0).all())
    assert bool(torch.isfinite(layer(torch.rand(5, 2, 2))).all())
    assert {n for n, _ in layer.named_parameters()} == {
        "linear.weight", "linear.bias", "raw_tau_mem", "raw_threshold", "v_reset"}
    fixed = hl.LIF(2, 3)
    assert {n for n, _ in fixed.named_parameters()} == {"linear.weight", "linear.bias"}


def test_same_seed_same_result_and_float32_matches_float64():
    def run(seed, dtype):
        torch.manual_seed(seed)
        layer = hl.ALIF(10, 8, tau_syn=5.0, dtype=dtype)
        x = (torch.rand(50, 4, 10) < 0.2).to(dtype)
        s = layer(x)
        (s.sum() + layer.last[1].square().sum()).backward()
        return s.detach(), layer.linear.weight.grad.clone()
    a, ga = run(3, torch.float32)
    b, gb = run(3, torch.float32)
    c, _ = run(4, torch.float32)
    assert torch.equal(a, b) and torch.equal(ga, gb)
    assert not torch.equal(a, c)


def test_bad_input_gives_clear_errors():
    with pytest.raises(ValueError, match="tau_mem = -1.0: must be > 0"):
        hl.LIF(2, 3, tau_mem=-1.0)
    with pytest.raises(ValueError, match="unknown surrogate 'sigmoid'.*fast_sigmoid, arctan, triangle"):
        hl.LIF(2, 3, surrogate="sigmoid")
    with pytest.raises(ValueError, match="unknown reset 'hard'.*subtract, zero"):
        hl.LIF(2, 3, reset="hard")
    layer = hl.LIF(2, 3)
    with pytest.raises(ValueError, match=r"input has shape \[5, 4, 3\]; expected \[T, B, 2\]"):
        layer(torch.zeros(5, 4, 3))
    z = torch.zeros(3, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"beta has shape \[2\]; expected \[3\]"):
        hl.lif_sequence(torch.zeros(4, 1, 3, dtype=torch.float64), z, z[:2], z, z, z, z)
    with pytest.raises(ValueError, match="did you mean 'arctan'"):
        hl.lif_sequence(torch.zeros(4, 1, 3, dtype=torch.float64), z, z, z, z, z, z, "arctn")
