"""hebb.learn.LangevinLatent and the fused Langevin kernel (langevin.hpp).
Oracles: a step-by-step PyTorch implementation of the BAOAB scheme (double precision,
same noise), torch.autograd.gradcheck, and equipartition Var(v) = sigma^2/(2 gamma)."""
import pytest
import torch

import hebb.learn as hl

D64 = torch.float64


def reference(z0, v0, f, xi, gamma, k, c, sigma, h):
    """BAOAB of langevin.hpp written with torch ops, one step at a time."""
    a = torch.exp(-gamma * h)
    s = sigma * torch.sqrt((1 - a * a) / (2 * gamma))

    def grad_u(z):
        return k * z + c * (z - z.roll(-1, 1)) + c.roll(1, 0) * (z - z.roll(1, 1))

    z, v, Z, V = z0, v0, [], []
    for t in range(f.shape[0]):
        v = v + h / 2 * (f[t] - grad_u(z))
        z = z + h / 2 * v
        v = a * v + s * xi[t]
        z = z + h / 2 * v
        v = v + h / 2 * (f[t] - grad_u(z))
        Z.append(z)
        V.append(v)
    return torch.stack(Z), torch.stack(V)


def test_layer_gradients_match_step_by_step_pytorch():
    torch.manual_seed(0)
    T, B, D = 25, 4, 6
    layer = hl.LangevinLatent(D, dt=0.2, gamma=torch.rand(D, dtype=D64) + 0.3,
                              k=torch.rand(D, dtype=D64) + 0.5, coupling=torch.rand(D, dtype=D64) * 0.5 + 0.05,
                              sigma=torch.rand(D, dtype=D64) + 0.2, dtype=D64)
    f = torch.randn(T, B, D, dtype=D64, requires_grad=True)
    z0 = torch.randn(B, D, dtype=D64, requires_grad=True)
    v0 = torch.randn(B, D, dtype=D64, requires_grad=True)
    xi = hl.langevin_noise(T, B, D, 3, True)
    w = torch.randn(T, B, D, dtype=D64)
    params = [layer.raw_gamma, layer.raw_k, layer.raw_coupling, layer.raw_sigma]

    z = layer(f, z0, v0, noise=xi)
    g_mine = torch.autograd.grad((z * w).sum() + layer.last[1].square().sum(), [f, z0, v0] + params)
    zr, vr = reference(z0, v0, f, xi, layer.gamma, layer.k, layer.coupling, layer.sigma, 0.2)
    g_ref = torch.autograd.grad((zr * w).sum() + vr.square().sum(), [f, z0, v0] + params)
    assert torch.allclose(z, zr, rtol=1e-12, atol=1e-12)
    for name, a, b in zip(["forcing", "z0", "v0", "gamma", "k", "coupling", "sigma"], g_mine, g_ref):
        rel = float((a - b).norm() / b.norm())
        assert rel <= 1e-5, f"{name}: relative error {rel}"


def test_kernel_gradcheck():
    torch.manual_seed(1)
    T, B, D = 6, 2, 3
    args = [torch.randn(B, D, dtype=D64), torch.randn(B, D, dtype=D64), torch.randn(T, B, D, dtype=D64),
            torch.randn(T, B, D, dtype=D64), torch.rand(D, dtype=D64) + 0.5, torch.rand(D, dtype=D64) + 0.5,
            torch.rand(D, dtype=D64) + 0.1, torch.rand(D, dtype=D64) + 0.1]
    args = [a.requires_grad_() for a in args]
    assert torch.autograd.gradcheck(lambda *a: hl.langevin_sequence(*a, 0.3), args)


def test_equipartition_through_the_layer():
    # c = 0: Var(v) = sigma^2 / (2 gamma) and Var(z) = Var(v) / k (the theory check of SYSTEMS.md 13)
    D, B, T = 3, 256, 400
    g, k, s = torch.tensor([0.8, 1.5, 1.0], dtype=D64), torch.tensor([1.0, 2.0, 0.5], dtype=D64), \
        torch.tensor([1.0, 0.7, 1.3], dtype=D64)
    layer = hl.LangevinLatent(D, dt=0.05, gamma=g, k=k, coupling=0.0, sigma=s,
                              learn=("gamma", "k", "sigma"), dtype=D64)
    z0, v0 = torch.zeros(B, D, dtype=D64), torch.zeros(B, D, dtype=D64)
    f = torch.zeros(T, B, D, dtype=D64)
    sz = sv = 0
    n = 0
    with torch.no_grad():
        for i in range(12):
            z = layer(f, z0, v0, seed=100 + i)
            z0, v0 = z[-1].clone(), layer.last[1][-1].clone()
            if i >= 2:
                sz, sv, n = sz + z.square().sum((0, 1)), sv + layer.last[1].square().sum((0, 1)), n + T * B
    kT = s.square() / (2 * g)
    assert torch.allclose(sv / n / kT, torch.ones(D, dtype=D64), atol=0.05), sv / n / kT
    assert torch.allclose(sz / n / (kT / k), torch.ones(D, dtype=D64), atol=0.05), sz / n / (kT / k)


def test_noise_in_training_mode_only_and_seeded():
    torch.manual_seed(2)
    layer = hl.LangevinLatent(4, sigma=1.0, seed=5, dtype=D64)
    f = torch.randn(30, 3, 4, dtype=D64)
    a = layer(f, seed=11)
    b = layer(f, seed=11)
    c = layer(f, seed=12)
    assert torch.equal(a, b) and not torch.equal(a, c)
    layer.eval()
    d, e = layer(f), layer(f)  # deterministic flow: zero noise
    assert torch.equal(d, e)
    assert torch.equal(d, layer(f, noise=torch.zeros_like(f)))
    assert not torch.equal(a, d)
    # the noise is keyed by identities: a batch of 2 sees the first two rows of a batch of 3
    assert torch.equal(hl.langevin_noise(30, 2, 4, 11), hl.langevin_noise(30, 3, 4, 11)[:, :2])


def test_parameterisation_keeps_values_valid():
    layer = hl.LangevinLatent(3, gamma=0.2, k=1.0, coupling=0.1, sigma=0.3)
    with torch.no_grad():
        for p in (layer.raw_gamma, layer.raw_k, layer.raw_coupling, layer.raw_sigma):
            p.fill_(-50.0)
    assert float(layer.gamma.min()) >= hl.GAMMA_MIN
    assert float(layer.k.min()) >= 0 and float(layer.sigma.min()) >= 0
    layer(torch.randn(5, 2, 3))  # still accepted by the kernel
    fixed = hl.LangevinLatent(3, coupling=0.0, learn=("gamma",))
    assert [n for n, _ in fixed.named_parameters()] == ["raw_gamma"]
    assert float(fixed.coupling.abs().max()) == 0.0


def test_bad_input_raises_value_error():
    z0, v0 = torch.zeros(2, 3, dtype=D64), torch.zeros(2, 3, dtype=D64)
    f = torch.zeros(5, 2, 3, dtype=D64)
    one = torch.ones(3, dtype=D64)
    with pytest.raises(ValueError, match="gamma = 0: must be > 0"):
        hl.langevin_sequence(z0, v0, f, f, torch.tensor([1.0, 0.0, 1.0], dtype=D64), one, one, one, 0.1)
    with pytest.raises(ValueError, match="k = -1: must be >= 0"):
        hl.langevin_sequence(z0, v0, f, f, one, -one, one, one, 0.1)
    with pytest.raises(ValueError, match=r"z0 has shape \[3, 3\]; expected \[2, 3\]"):
        hl.langevin_sequence(torch.zeros(3, 3, dtype=D64), v0, f, f, one, one, one, one, 0.1)
    with pytest.raises(ValueError, match=r"noise has shape"):
        hl.langevin_sequence(z0, v0, f, f[:4], one, one, one, one, 0.1)
    with pytest.raises(ValueError, match=r"langevin.dt = -0.1"):
        hl.langevin_sequence(z0, v0, f, f, one, one, one, one, -0.1)
    with pytest.raises(ValueError, match="gamma = -1.0: must be > 0"):
        hl.LangevinLatent(3, gamma=-1.0)
    with pytest.raises(ValueError, match="a learnable sigma must start > 0"):
        hl.LangevinLatent(3, sigma=0.0)
    with pytest.raises(ValueError, match="unknown Langevin parameter"):
        hl.LangevinLatent(3, learn=("gamma", "mass"))
    with pytest.raises(ValueError, match=r"expected \[T, B, 3\]"):
        hl.LangevinLatent(3)(torch.zeros(5, 2, 4))
    with pytest.raises(ValueError, match=r"gamma has shape \[2\]; expected a number or \[3\]"):
        hl.LangevinLatent(3, gamma=torch.ones(2))
