"""LangevinFlow (Song, Keller, Yue, Perona & Welling 2025, arXiv 2507.11531) on hebb.learn:
a sequential VAE whose latent trajectory follows underdamped Langevin dynamics.

  encoder   bidirectional GRU over log(1 + held-in counts) -> q(z0, v0) and q(f_t)
            (diagonal Gaussians; priors N(0, I))
  dynamics  hebb.learn.LangevinLatent: dz = v dt, dv = (-dU/dz - gamma v + f_t) dt + sigma dW,
            U a ring of D locally coupled harmonic oscillators (langevin.hpp), one BAOAB
            step per bin, time loop fused in C++; gamma, k, coupling, sigma learned
  decoder   linear read-in of z_t + learned position embedding -> one Transformer
            encoder layer (torch.nn.TransformerEncoderLayer, attention over time) ->
            linear -> log Poisson rates of all neurons (held-in and held-out)
  ELBO      sum_t,n log Poisson(y | lambda) - KL(q(z0, v0) | p) - KL(q(f) | p)

The Langevin noise xi is drawn from its prior (hebb's counter-based RNG, keyed by seed,
step, batch and dimension) during training and set to zero at evaluation, where the
posterior means are used (the deterministic flow of the posterior-mean forcing).
Sizes and training schedule are ours (README).
"""

import torch
from torch import nn

import hebb.learn as hl


class LangevinFlowVAE(nn.Module):
    def __init__(self, n_in, n_out, T, *, latent=8, hidden=64, d_model=32, heads=4, ff=64,
                 dt=0.1, seed=0):
        super().__init__()
        torch.manual_seed(seed)
        self.latent, self.hidden = latent, hidden
        self.encoder = nn.GRU(n_in, hidden, bidirectional=True)
        self.init_post = nn.Linear(2 * hidden, 4 * latent)   # mean and log-variance of (z0, v0)
        self.force_post = nn.Linear(2 * hidden, 2 * latent)  # mean and log-variance of f_t
        self.dynamics = hl.LangevinLatent(latent, dt=dt, gamma=0.5, k=1.0, coupling=0.2, sigma=0.1,
                                          seed=seed)
        self.read_in = nn.Linear(latent, d_model)
        self.position = nn.Parameter(0.1 * torch.randn(T, 1, d_model))
        self.decoder = nn.TransformerEncoderLayer(d_model, heads, dim_feedforward=ff, dropout=0.0)
        self.read_out = nn.Linear(d_model, n_out)
        with torch.no_grad():  # start near the mean rate, small variances
            self.force_post.bias[latent:].fill_(-4.0)
            self.init_post.bias[2 * latent:].fill_(-2.0)

    def forward(self, x, sample=True):
        """x: held-in counts [T, B, n_in]. Returns (log rates [T, B, n_out], KL per trial [B],
        z [T, B, latent])."""
        h, _ = self.encoder(torch.log1p(x))
        H = self.hidden
        h0 = torch.cat([h[-1, :, :H], h[0, :, H:]], -1)
        m0, lv0 = self.init_post(h0).chunk(2, -1)
        mf, lvf = self.force_post(h).chunk(2, -1)
        if sample:
            s0 = m0 + torch.exp(0.5 * lv0) * torch.randn_like(m0)
            f = mf + torch.exp(0.5 * lvf) * torch.randn_like(mf)
        else:
            s0, f = m0, mf
        z0, v0 = s0.chunk(2, -1)
        self.dynamics.train(sample)  # Langevin noise only when sampling
        z = self.dynamics(f, z0.contiguous(), v0.contiguous())
        kl = 0.5 * (m0.square() + lv0.exp() - 1 - lv0).sum(-1) \
            + 0.5 * (mf.square() + lvf.exp() - 1 - lvf).sum((0, 2))
        y = self.decoder(self.read_in(z) + self.position[:z.shape[0]])
        return self.read_out(y), kl, z


def poisson_nll(log_rates, counts):
    """Sum over entries of lambda - y log lambda (the log y! term is constant)."""
    return (log_rates.exp() - counts * log_rates).sum()


def train(model, heldin, allcounts, *, epochs, batch=32, lr=5e-3, kl_warmup=None, seed=0,
          log=None):
    """heldin [T, N_trials, n_in], allcounts [T, N_trials, n_out] (time-major tensors).
    Adam with gradient-norm clipping at 1, KL weight ramped linearly 0 -> 1 over
    ``kl_warmup`` epochs (default: a quarter of them). Returns per-epoch -ELBO per bin."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs, eta_min=lr / 10)
    warm = max(1, epochs // 4 if kl_warmup is None else kl_warmup)
    n = heldin.shape[1]
    curve = []
    for e in range(epochs):
        g = torch.Generator().manual_seed(seed * 1_000_003 + e)
        order = torch.randperm(n, generator=g)
        torch.manual_seed(seed * 7919 + e)
        beta = min(1.0, (e + 1) / warm)
        tot = 0.0
        model.train()
        for s in range(0, n, batch):
            idx = order[s:s + batch]
            logr, kl, _ = model(heldin[:, idx], sample=True)
            nll = poisson_nll(logr, allcounts[:, idx])
            loss = (nll + beta * kl.sum()) / idx.numel()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            tot += float(nll + kl.sum())
        sched.step()
        curve.append(tot / (n * heldin.shape[0]))
        if log:
            log(e, curve[-1])
    return curve


@torch.no_grad()
def infer_rates(model, heldin):
    """Posterior-mean rates [T, B, n_out] (counts per bin) and latents [T, B, latent]."""
    model.eval()
    logr, _, z = model(heldin, sample=False)
    return logr.exp(), z
