"""DCLS, ELM, HLOP and the homeostatic regulator through the Python API."""
import math

import numpy as np
import pytest
import torch

import hebb.learn as hl


def test_dcls_integer_positions_small_sigma_is_a_shift_and_gradients_reach_positions():
    torch.manual_seed(0)
    layer = hl.DelayLinear(3, 2, kernel_size=8, sigma=1e-3, dtype=torch.float64,
                           init_delays=[[0, 3, 7], [5, 1, 2]])
    x = torch.randn(20, 2, 3, dtype=torch.float64)
    y = layer(x)
    # oracle: explicit shift
    ref = torch.zeros(20, 2, 2, dtype=torch.float64)
    for o in range(2):
        for i in range(3):
            d = int(layer.pos[o, i])
            ref[d:, :, o] += layer.weight[o, i].detach() * x[:20 - d, :, i]
    assert torch.allclose(y.detach(), ref, atol=1e-6)
    # at a useful sigma, the loss is differentiable in the positions: compare with
    # central differences of the layer output
    layer.sigma = 1.5
    w = torch.randn(20, 2, 2, dtype=torch.float64)
    (layer(x) * w).sum().backward()
    h = 1e-6
    with torch.no_grad():
        layer.pos[1, 2] += h
        fp = float((layer(x) * w).sum())
        layer.pos[1, 2] -= 2 * h
        fm = float((layer(x) * w).sum())
        layer.pos[1, 2] += h
    assert abs(layer.pos.grad[1, 2].item() - (fp - fm) / (2 * h)) < 1e-5


def test_dcls_export_and_rounded_forward_agree(tmp_path):
    layer = hl.DelayLinear(4, 3, kernel_size=10, dt=1.0, seed=3)
    layer.round_positions()
    d = layer.export(path=tmp_path / "frag.toml")
    text = (tmp_path / "frag.toml").read_text()
    assert "[[projections]]" in text and 'rule = "explicit"' in text
    assert len(d["sources"]) == 12
    # the exported arrays reproduce the rounded layer (delay = delays_ms/dt - 1 steps)
    x = torch.randn(25, 1, 4)
    y = layer(x)
    ref = torch.zeros(25, 1, 3)
    for s, t, w, dm in zip(d["sources"], d["targets"], d["weights"], d["delays_ms"]):
        k = int(round(dm / d["dt"])) - 1
        ref[k:, 0, t] += float(w) * x[:25 - k, 0, s]
    assert torch.allclose(y.detach(), ref, atol=1e-5)
    with pytest.raises(ValueError, match="kernel_size = 5 holds delays 0..4"):
        hl.DelayLinear(2, 2, kernel_size=5, init_delays=[[0, 6], [1, 2]])


def test_elm_parameter_count_and_memory_decay():
    for d, expect in ((1, 4601), (10, 5852), (100, 54002)):
        m = hl.ELM(4500, d, 2, n_branch=45)
        assert m.parameter_count() == expect
        assert sum(p.numel() for p in m.parameters()) == expect
    m = hl.ELM(3, 5, 1, dtype=torch.float64)
    with torch.no_grad():
        for p in (m.w1, m.b1, m.w2, m.b2):
            p.zero_()
    m0 = torch.randn(2, 5, dtype=torch.float64)
    m(torch.randn(30, 2, 3, dtype=torch.float64), m0)
    t = torch.arange(1, 31, dtype=torch.float64).view(30, 1, 1)
    assert torch.allclose(m.last_memory, m.kappa_m ** t * m0, rtol=1e-12)


def test_elm_gradients_match_a_python_loop():
    torch.manual_seed(0)
    m = hl.ELM(6, 4, 2, n_branch=3, dtype=torch.float64)
    x = torch.randn(25, 3, 6, dtype=torch.float64)
    y = m(x)
    # the same equations, step by step in Python (oracle)
    ws = torch.relu(m.w_syn_raw)
    s = torch.zeros(3, 6, dtype=torch.float64)
    mm = torch.zeros(3, 4, dtype=torch.float64)
    ys = []
    for t in range(25):
        s = m.kappa_s * s + ws * x[t]
        syn = s.view(3, 3, 2).sum(-1)
        h = torch.relu(torch.cat([syn, m.kappa_m * mm], 1) @ m.w1.T + m.b1)
        dm = 1.7159 * torch.tanh(2 / 3 * (h @ m.w2.T + m.b2))
        mm = m.kappa_m * mm + 5 * (1 - m.kappa_m) * dm
        ys.append(mm @ m.wy.T + m.by)
    yr = torch.stack(ys)
    assert torch.allclose(y, yr, rtol=1e-12, atol=1e-12)
    g1 = torch.autograd.grad(y.square().sum(), list(m.parameters()))
    g2 = torch.autograd.grad(yr.square().sum(), list(m.parameters()))
    for a, b in zip(g1, g2):
        assert float((a - b).norm() / b.norm().clamp_min(1e-12)) <= 1e-10


def test_hlop_planted_subspace_and_projection_around_a_linear_layer():
    rng = np.random.default_rng(0)
    n, k = 24, 5
    U, _ = np.linalg.qr(rng.standard_normal((n, k)))
    X = (rng.standard_normal((3000, k)) * np.linspace(2, 1, k)) @ U.T + 0.02 * rng.standard_normal((3000, n))
    h = hl.HLOP(n, lr=0.02, seed=1)
    h.add_block(k)
    h.fit(torch.tensor(X), epochs=8, batch=20)
    H = h.weight.numpy()
    assert np.linalg.norm(H @ H.T - np.eye(k)) < 0.05
    Q, _ = np.linalg.qr(H.T)
    angle = math.degrees(math.acos(min(1.0, np.linalg.svd(Q.T @ U, compute_uv=False).min())))
    assert angle < 5.0
    lin = torch.nn.Linear(n, 3, bias=False, dtype=torch.float64)
    xin = torch.tensor(X[:10])
    lin(torch.randn(8, n, dtype=torch.float64)).square().sum().backward()
    G = lin.weight.grad.clone()
    h.project_grad_(lin)
    # oracle: the same step without projection; responses to inputs of the protected
    # subspace change at least 10x less with it
    plain = float((xin @ G.T).abs().max())
    projected = float((xin @ lin.weight.grad.T).abs().max())
    assert projected < 0.1 * plain


def test_homeostatic_wrapper_sets_optimizer_learning_rate():
    # Oracle: a taken item multiplies the rate by rho (true class >= 5) or 1/rho, and
    # the item is taken iff score(proposal(predicted)) > score(current rate).
    p = torch.nn.Parameter(torch.zeros(3))
    opt = torch.optim.SGD([p], lr=0.5)
    reg = hl.HomeostaticLR(opt, eta0=0.2, rho=1.25, band_lo=0.02, band_hi=2.0)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.2)
    assert reg.proposal(8) == pytest.approx(0.25) and reg.proposal(1) == pytest.approx(0.16)
    calls = []
    def prefer_high(lr):
        calls.append(lr)
        return lr
    assert reg.offer(8, 8, prefer_high)                    # predicted up, truly up: taken
    assert calls == [pytest.approx(0.2), pytest.approx(0.25)]
    assert reg.lr == pytest.approx(0.25) and opt.param_groups[0]["lr"] == reg.lr
    assert reg.offer(9, 2, prefer_high)                    # predicted up, truly down
    assert reg.lr == pytest.approx(0.2)
    assert not reg.offer(1, 1, prefer_high)                # predicted down: not wanted
    assert reg.lr == pytest.approx(0.2) and reg.viable_fraction == 1.0
    for _ in range(20):                                    # the guard stops it at the band edge
        reg.offer(7, 7, prefer_high)
    assert reg.lr == pytest.approx(0.2 * 1.25 ** 10) and reg.viable
    free = hl.HomeostaticLR(None, eta0=0.2, rho=1.25, band_lo=0.02, band_hi=2.0, guard_band=False)
    for _ in range(20):
        free.offer(7, 7, prefer_high)
    assert free.lr == pytest.approx(0.2 * 1.25 ** 20) and not free.viable
    with pytest.raises(ValueError, match="unknown homeostatic parameter 'lr_max'"):
        hl.HomeostaticLR(opt, lr_max=1.0)
    with pytest.raises(ValueError, match="homeostatic.rho = 1"):
        hl.HomeostaticLR(opt, rho=1.0)


def test_spike_linear_equals_dense_linear_with_gradients():
    # oracle: torch's dense linear on the same (sparse) input
    torch.manual_seed(0)
    x = ((torch.rand(50, 30) < 0.1) * torch.randn(50, 30)).double().requires_grad_()
    w = torch.randn(7, 30, dtype=torch.float64, requires_grad=True)
    b = torch.randn(7, dtype=torch.float64, requires_grad=True)
    g = torch.randn(50, 7, dtype=torch.float64)
    y1 = hl._learn.spike_linear(x, w, b)
    y2 = torch.nn.functional.linear(x, w, b)
    assert torch.allclose(y1, y2, rtol=1e-12, atol=1e-12)
    g1 = torch.autograd.grad((y1 * g).sum(), [x, w, b])
    g2 = torch.autograd.grad((y2 * g).sum(), [x, w, b])
    for a, c in zip(g1, g2):
        assert torch.allclose(a, c, rtol=1e-12, atol=1e-12)
    layer = hl.LIF(30, 7, sparse_input=True, dtype=torch.float64)
    dense = hl.LIF(30, 7, sparse_input=False, dtype=torch.float64)
    dense.load_state_dict(layer.state_dict())
    xs = (torch.rand(20, 4, 30) < 0.1).double()
    assert torch.equal(layer(xs), dense(xs))
    with pytest.raises(ValueError, match=r"expected \[R, I\] and \[O, I\]"):
        hl._learn.spike_linear(torch.zeros(3, 4), torch.zeros(2, 5))


def test_spike_linear_dense_fallback_and_thread_count_independence():
    # oracle: torch's dense linear; above 30 % nonzeros spike_linear uses the dense
    # products, below it the sparse ones, and the two agree either way
    torch.manual_seed(1)
    w = torch.randn(300, 53, requires_grad=True)
    b = torch.randn(300, requires_grad=True)
    for p in (0.03, 0.6):
        x = (torch.rand(97, 53) < p).float().requires_grad_()
        y1 = hl._learn.spike_linear(x, w, b)
        y2 = torch.nn.functional.linear(x, w, b)
        assert torch.allclose(y1, y2, rtol=1e-5, atol=1e-5)
        g1 = torch.autograd.grad(y1.square().sum(), [x, w, b])
        g2 = torch.autograd.grad(y2.square().sum(), [x, w, b])
        for a, c in zip(g1, g2):
            assert torch.allclose(a, c, rtol=1e-4, atol=1e-4)
    x = (torch.rand(640, 700) < 0.05).float()
    w = torch.randn(256, 700, requires_grad=True)
    outs = []
    n = torch.get_num_threads()
    for threads in (1, 2):
        torch.set_num_threads(threads)
        y = hl._learn.spike_linear(x, w, None)
        outs.append((y.detach(), torch.autograd.grad(y.square().sum(), [w])[0]))
    torch.set_num_threads(n)
    assert torch.equal(outs[0][0], outs[1][0]) and torch.equal(outs[0][1], outs[1][1])


def test_dcls_spike_input_path_matches_conv1d_with_gradients():
    # oracle: the dense formulation (Gaussian kernel from torch ops + causal F.conv1d),
    # which the layer itself uses for dense input
    torch.manual_seed(2)
    K, sigma = 11, 1.5
    layer = hl.DelayLinear(60, 130, K, sigma=sigma, dtype=torch.float64)
    w = layer.weight.detach().clone().requires_grad_()
    p = layer.pos.detach().clone().requires_grad_()
    x = ((torch.rand(50, 4, 60) < 0.05) * torch.randn(50, 4, 60)).double().requires_grad_()
    j = torch.arange(K, dtype=torch.float64)
    g = torch.exp(-0.5 * ((j - p.unsqueeze(-1)) / sigma) ** 2)
    k = (w.unsqueeze(-1) * g / (g.sum(-1, keepdim=True) + 1e-7)).flip(-1)
    ref = torch.nn.functional.conv1d(torch.nn.functional.pad(x.permute(1, 2, 0), (K - 1, 0)), k)
    ref = ref.permute(2, 0, 1)
    y = layer(x)
    assert torch.allclose(y, ref, rtol=1e-10, atol=1e-12)
    dy = torch.randn_like(y)
    g1 = torch.autograd.grad((y * dy).sum(), [x, layer.weight, layer.pos])
    g2 = torch.autograd.grad((ref * dy).sum(), [x, w, p])
    for a, c in zip(g1, g2):
        assert float((a - c).norm() / c.norm()) < 1e-10


def test_elm_initial_memory_gets_its_gradient():
    # oracle: central differences of the loss in m0 (the fused backward carries dL/dm0)
    m = hl.ELM(4, 3, 1, dtype=torch.float64)
    x = torch.randn(15, 2, 4, dtype=torch.float64)
    m0 = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(m(x, m0).square().sum(), [m0])
    h = 1e-6
    for k in range(6):
        e = torch.zeros(6, dtype=torch.float64)
        e[k] = h
        with torch.no_grad():
            fd = (m(x, m0 + e.view(2, 3)).square().sum() - m(x, m0 - e.view(2, 3)).square().sum()) / (2 * h)
        assert abs(float(g.view(-1)[k]) - float(fd)) < 1e-6 * max(1.0, abs(float(fd)))
