#!/usr/bin/env python3
"""Benchmarks of hebb.learn (issue 8). One command:

    PYTHONPATH=build/<dir>/python /usr/bin/python3 bench/bench_learn.py [--threads N] [--repeats R]

1. One training step (forward, backward, Adam) of a 700-256-256-20 LIF network,
   T = 100, batch 64, input spikes with p = 0.05 per step: hebb's fused layers vs the
   same network as a per-step Python loop in PyTorch (how snnTorch and Norse run on
   CPU), and the matrix products alone (the floor: X W^T forward, dW = G^T X and, except
   for the input layer, dX = G W backward). hebb runs twice: with dense synaptic products
   (nn.Linear) and with every layer's forward product and weight gradient computed from
   its nonzero (spike) inputs (sparse_input=True, spike_linear.hpp): the input layer's
   and both hidden layers' inputs are spikes. The hidden firing rates are printed.
   --crossover adds a sweep of spike_linear against the dense product over the input
   density (the layer switches to dense products above 30 %).
2. DCLS layer (1 layer 700 -> 256, kernel 25, T = 100, batch 64) forward + backward:
   hebb.learn.DelayLinear vs a dense Python implementation (Gaussian kernel built with
   torch ops + F.conv1d, as the authors' code does), on spike input (p = 0.05, as in
   the SNN-delays model) and on dense input.
3. ELM (d_m = 20, 5 inputs, T = 200, batch 32) forward + backward: hebb.learn.ELM vs the
   same equations as a Python loop in PyTorch.
4. Langevin latent dynamics (LangevinFlow; T = 50, batch 32, D = 8) forward + backward:
   hebb.learn.langevin_sequence (BAOAB loop and adjoint fused in C++) vs the same BAOAB
   steps as a Python loop in PyTorch with autograd.
Best of --repeats runs each; same thread count for every contestant.
"""
import argparse
import math
import os
import time

import torch
from torch import nn

import hebb.learn as hl

T, B, SIZES = 100, 64, (700, 256, 256, 20)


def best(fn, repeats, warm=2):
    for _ in range(warm):
        fn()
    ts = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return min(ts)


# ---------------------------------------------------------------- 1. LIF network
class HebbNet(nn.Module):
    def __init__(self):
        super().__init__()
        kw = dict(tau_mem=10.0, surrogate="fast_sigmoid", slope=25.0, sparse_input=False)
        self.l1 = hl.LIF(SIZES[0], SIZES[1], **kw)
        self.l2 = hl.LIF(SIZES[1], SIZES[2], **kw)
        self.out = hl.Readout(SIZES[2], SIZES[3], tau_mem=10.0, sparse_input=False)

    def forward(self, x):
        return self.out(self.l2(self.l1(x))).sum(0)


class SparseInputNet(HebbNet):
    """Every layer's products from its nonzero (spike) inputs (hebb spike_linear)."""

    def __init__(self):
        super().__init__()
        for layer in (self.l1, self.l2, self.out):
            layer.sparse_input = True


class Spike(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z):
        ctx.save_for_backward(z)
        return (z > 0).to(z.dtype)

    @staticmethod
    def backward(ctx, g):
        (z,) = ctx.saved_tensors
        return g / (1 + 25.0 * z.abs()) ** 2


class LoopNet(nn.Module):
    """snnTorch-style: a Python loop over time steps, one Linear call per step."""

    def __init__(self):
        super().__init__()
        self.fc = nn.ModuleList([nn.Linear(SIZES[k], SIZES[k + 1]) for k in range(3)])
        self.beta = math.exp(-0.1)

    def forward(self, x):
        v = [torch.zeros(x.shape[1], n) for n in SIZES[1:]]
        acc = 0
        for t in range(x.shape[0]):
            h = x[t]
            for k in range(2):
                u = self.beta * v[k] + self.fc[k](h)
                s = Spike.apply(u - 1.0)
                v[k] = u - s.detach() * 0 - s * 1.0
                h = s
            v[2] = self.beta * v[2] + self.fc[2](h)
            acc = acc + v[2]
        return acc


def step_fn(net, x, y):
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)

    def f():
        loss = nn.functional.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return f


def matmul_floor(x):
    """The matrix products of one step: forward X W^T and backward dX = G W, dW = G^T X."""
    ins = [x.reshape(T * B, -1), torch.rand(T * B, SIZES[1]), torch.rand(T * B, SIZES[2])]
    Ws = [torch.randn(SIZES[k + 1], SIZES[k]) for k in range(3)]
    Gs = [torch.randn(T * B, SIZES[k + 1]) for k in range(3)]

    def f():
        for k, (X, W, G) in enumerate(zip(ins, Ws, Gs)):
            X @ W.t()
            G.t() @ X
            if k:  # no gradient for the network input
                G @ W
    return f


# ---------------------------------------------------------------- 2. DCLS
def dcls_python(x, w, p, sigma, K):
    j = torch.arange(K, dtype=x.dtype)
    g = torch.exp(-0.5 * ((j - p.unsqueeze(-1)) / sigma) ** 2)
    k = (w.unsqueeze(-1) * g / (g.sum(-1, keepdim=True) + 1e-7)).flip(-1)
    xb = nn.functional.pad(x.permute(1, 2, 0), (K - 1, 0))
    return nn.functional.conv1d(xb, k).permute(2, 0, 1)


# ---------------------------------------------------------------- 3. ELM
def elm_python(m, x):
    ws = torch.relu(m.w_syn_raw)
    s = torch.zeros(x.shape[1], x.shape[2])
    mm = torch.zeros(x.shape[1], m.kappa_m.shape[0])
    ys = []
    for t in range(x.shape[0]):
        s = m.kappa_s * s + ws * x[t]
        h = torch.relu(torch.cat([s, m.kappa_m * mm], 1) @ m.w1.T + m.b1)
        dm = 1.7159 * torch.tanh(2 / 3 * (h @ m.w2.T + m.b2))
        mm = m.kappa_m * mm + 5 * (1 - m.kappa_m) * dm
        ys.append(mm @ m.wy.T + m.by)
    return torch.stack(ys)


def main():
    ap = argparse.ArgumentParser(description="hebb.learn benchmarks")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--crossover", action="store_true", help="sweep spike_linear vs dense over density")
    ap.add_argument("--only", choices=("lif", "dcls", "elm", "langevin"), help="run one section")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    print(f"threads: {torch.get_num_threads()}, torch {torch.__version__}, best of {a.repeats}, "
          f"load average {os.getloadavg()[0]:.2f}")
    if a.only in (None, "lif"):
        bench_lif(a)
    if a.crossover:
        bench_crossover(a)
    if a.only in (None, "dcls"):
        bench_dcls(a)
    if a.only in (None, "elm"):
        bench_elm(a)
    if a.only in (None, "langevin"):
        bench_langevin(a)
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


def scaled(net, gain, layers):
    """The network with the weights of `layers` multiplied by gain (more hidden spikes)."""
    with torch.no_grad():
        for layer in layers(net):
            layer.weight.mul_(gain)
    return net


def bench_lif(a):
    x = (torch.rand(T, B, SIZES[0]) < 0.05).float()
    y = torch.randint(0, SIZES[3], (B,))
    print("\n1. LIF 700-256-256-20, T = 100, batch 64: one training step (forward, backward, Adam)")
    # at initialisation the hidden layers barely fire; with the two hidden layers' weights
    # x3 they fire a few percent, as trained networks do
    for gain in (1.0, 3.0):
        hebb_layers = lambda n: (n.l1.linear, n.l2.linear)  # noqa: E731
        sparse = scaled(SparseInputNet(), gain, hebb_layers)
        dense = scaled(HebbNet(), gain, hebb_layers)
        loop = scaled(LoopNet(), gain, lambda n: (n.fc[0], n.fc[1]))
        with torch.no_grad():
            s1 = sparse.l1(x)
            s2 = sparse.l2(s1)
        t_hebb = best(step_fn(dense, x, y), a.repeats)
        t_sparse = best(step_fn(sparse, x, y), a.repeats)
        t_loop = best(step_fn(loop, x, y), a.repeats)
        t_floor = best(matmul_floor(x), a.repeats)
        print(f"\nhidden weights x{gain:g}: input spikes 5.0 %, hidden layer 1 fires "
              f"{100 * float(s1.mean()):.2f} %, layer 2 {100 * float(s2.mean()):.2f} % of "
              f"(step, neuron) pairs (load average {os.getloadavg()[0]:.2f})")
        print(f"{'contestant':<46} {'ms':>8} {'vs loop':>8}")
        for name, t in (("hebb fused layers, dense products (nn.Linear)", t_hebb),
                        ("hebb fused layers, sparse_input=True", t_sparse),
                        ("PyTorch per-step Python loop (snnTorch-like)", t_loop),
                        ("matrix products alone (dense floor)", t_floor)):
            print(f"{name:<46} {1e3 * t:>8.1f} {t_loop / t:>7.2f}x")
        print(f"speed-up over the Python loop: sparse_input {t_loop / t_sparse:.2f}x, dense "
              f"{t_loop / t_hebb:.2f}x (goal >= 3x); dense / floor {t_hebb / t_floor:.2f} (goal <= 1.5); "
              f"sparse / floor {t_sparse / t_floor:.2f}")


def bench_crossover(a):
    """spike_linear (forward + weight and bias gradients) against the dense product over the
    fraction of nonzero (binary) inputs, [6400, 700] -> 256 as the network's input layer."""
    from hebb import _learn
    w = torch.randn(256, 700, requires_grad=True)
    b = torch.randn(256, requires_grad=True)
    g = torch.randn(T * B, 256)
    print("\n1b. spike_linear vs dense linear, [6400 x 700] -> 256, forward + backward (no input grad)")
    print(f"{'density':>8} {'sparse ms':>10} {'dense ms':>10} {'dense/sparse':>13}")
    for p in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.3):
        x = (torch.rand(T * B, 700) < p).float()

        def sp():
            w.grad = b.grad = None
            _learn.spike_linear(x, w, b).backward(g)

        def de():
            w.grad = b.grad = None
            nn.functional.linear(x, w, b).backward(g)
        ts, td = best(sp, a.repeats), best(de, a.repeats)
        print(f"{p:>8.2f} {1e3 * ts:>10.2f} {1e3 * td:>10.2f} {td / ts:>13.2f}")


def bench_dcls(a):
    K = 25
    layer = hl.DelayLinear(700, 256, K, sigma=3.0)
    w = layer.weight.detach().clone().requires_grad_()
    p = layer.pos.detach().clone().requires_grad_()
    print(f"\n2. DCLS 700 -> 256, kernel {K}, sigma 3, T = {T}, batch {B}: forward + backward")
    for name, xd in (("spike input, p = 0.05", (torch.rand(T, B, 700) < 0.05).float()),
                     ("dense input, uniform [0, 1)", torch.rand(T, B, 700))):
        def dh():
            layer.zero_grad()
            layer(xd).sum().backward()

        def dp():
            w.grad = p.grad = None
            dcls_python(xd, w, p, 3.0, K).sum().backward()
        assert torch.allclose(layer(xd), dcls_python(xd, w, p, 3.0, K), atol=1e-4)
        t_dh, t_dp = best(dh, a.repeats), best(dp, a.repeats)
        print(f"{name}: hebb DelayLinear {1e3 * t_dh:.1f} ms, Python kernel + conv1d "
              f"{1e3 * t_dp:.1f} ms, speed-up {t_dp / t_dh:.2f}x")


def bench_elm(a):
    m = hl.ELM(5, 20, 4)
    xe = torch.rand(200, 32, 5)

    def eh():
        m.zero_grad()
        m(xe).square().sum().backward()

    def ep():
        m.zero_grad()
        elm_python(m, xe).square().sum().backward()
    assert torch.allclose(m(xe), elm_python(m, xe), atol=1e-5)
    t_eh, t_ep = best(eh, a.repeats), best(ep, a.repeats)
    print("\n3. ELM d_m = 20, 5 inputs, T = 200, batch 32: forward + backward")
    print(f"hebb ELM {1e3 * t_eh:.1f} ms, Python loop {1e3 * t_ep:.1f} ms, speed-up {t_ep / t_eh:.2f}x")



def langevin_python(z0, v0, f, xi, gamma, k, c, sigma, h):
    """BAOAB (include/hebb/learn/langevin.hpp) one step at a time with torch ops."""
    a = torch.exp(-gamma * h)
    s = sigma * torch.sqrt((1 - a * a) / (2 * gamma))

    def grad_u(z):
        return k * z + c * (z - z.roll(-1, 1)) + c.roll(1, 0) * (z - z.roll(1, 1))

    z, v, zs = z0, v0, []
    for t in range(f.shape[0]):
        v = v + h / 2 * (f[t] - grad_u(z))
        z = z + h / 2 * v
        v = a * v + s * xi[t]
        z = z + h / 2 * v
        v = v + h / 2 * (f[t] - grad_u(z))
        zs.append(z)
    return torch.stack(zs)


def bench_langevin(a):
    T_, B_, D = 50, 32, 8
    f = torch.randn(T_, B_, D, requires_grad=True)
    z0, v0 = torch.randn(B_, D), torch.randn(B_, D)
    xi = hl.langevin_noise(T_, B_, D, 1)
    p = [torch.full((D,), x).requires_grad_() for x in (0.5, 1.0, 0.2, 0.1)]

    def lh():
        hl.langevin_sequence(z0, v0, f, xi, *p, 0.1)[0].square().sum().backward()

    def lp():
        langevin_python(z0, v0, f, xi, *p, 0.1).square().sum().backward()
    assert torch.allclose(hl.langevin_sequence(z0, v0, f, xi, *p, 0.1)[0],
                          langevin_python(z0, v0, f, xi, *p, 0.1), atol=1e-5)
    t_lh, t_lp = best(lh, a.repeats), best(lp, a.repeats)
    print(f"\n4. Langevin latent dynamics, T = {T_}, batch {B_}, D = {D}: forward + backward")
    print(f"hebb langevin_sequence {1e3 * t_lh:.2f} ms, Python loop {1e3 * t_lp:.1f} ms, "
          f"speed-up {t_lp / t_lh:.1f}x")


if __name__ == "__main__":
    main()
