#pragma once
// Underdamped Langevin latent dynamics over whole sequences (LangevinFlow, Song, Keller,
// Yue, Perona & Welling 2025, arXiv 2507.11531; SYSTEMS.md section 13): forward and
// backward over all T steps in one C++ call. Per batch element b, latent dimension i:
//
//   dz = v dt
//   dv = (-dU/dz - gamma v + f_t) dt + sigma dW          (unit mass)
//   U(z) = sum_i k_i z_i^2 / 2 + sum_i c_i (z_i - z_{i+1})^2 / 2      (indices mod D)
//
// U is a ring of D locally coupled harmonic oscillators: k_i >= 0 the stiffness of
// oscillator i, c_i >= 0 the spring between oscillator i and its ring neighbour i+1
// (our form; the paper says "a network of locally coupled oscillators" without a
// formula we could find). dU/dz_i = k_i z_i + c_i (z_i - z_{i+1}) + c_{i-1} (z_i - z_{i-1}).
// gamma_i > 0 is the friction, sigma_i >= 0 the noise amplitude, f_t the forcing (the
// encoder's inferred input), all per dimension.
//
// Integrator: BAOAB splitting (Leimkuhler & Matthews, Appl. Math. Res. Express 2013),
// step h, with the forcing held constant over a step:
//   B: v += h/2 (-dU/dz(z) + f_t)      A: z += h/2 v
//   O: v = a v + s xi_t,  a = exp(-gamma h),  s = sigma sqrt((1 - a^2) / (2 gamma))
//      (the exact Ornstein-Uhlenbeck step of dv = -gamma v dt + sigma dW)
//   A: z += h/2 v                       B: v += h/2 (-dU/dz(z) + f_t)
// xi_t ~ N(0, 1) per (t, b, i). The stationary law of the continuous dynamics with f = 0
// is exp(-(U(z) + |v|^2/2) / kT) with kT = sigma^2 / (2 gamma) (uniform gamma and sigma),
// so Var(v_i) = sigma^2 / (2 gamma) and, with c = 0, Var(z_i) = Var(v_i) / k_i
// (equipartition); for a harmonic U, BAOAB samples the positions' law exactly at any
// stable step h (Leimkuhler & Matthews 2013) and the velocities' to O(h^2).
//
// Units: time in the caller's unit (one step = h); z, v, f in latent units.
// Gradients: hand-written adjoint of the same splitting (exact for the discrete
// scheme), with respect to z0, v0, the forcing, the noise and every coefficient.
// Per-dimension coefficient gradients are accumulated per (batch, dimension) element
// and summed over the batch at the end, so results do not depend on the thread count.
#include <cstdint>
#include <vector>

#include <ATen/ATen.h>

namespace hebb::learn {

// Per-dimension coefficients, each of shape [D] (same dtype as the state).
struct langevin_coeffs {
  at::Tensor gamma;     // friction, > 0 [1/time]
  at::Tensor k;         // stiffness of each oscillator, >= 0 [1/time^2]
  at::Tensor coupling;  // spring c_i between oscillator i and i+1 (mod D), >= 0 [1/time^2]
  at::Tensor sigma;     // noise amplitude, >= 0 [latent unit / time^1.5]
};

struct langevin_options {
  double dt = 0.1;  // integration step h [time]
  void validate() const;
};

// The fused dynamics. z0, v0: [B, D] initial state; forcing, noise: [T, B, D] (noise is
// the standard normal xi_t; pass zeros for the deterministic flow). float or double, CPU.
// Returns {z_t, v_t}, each [T, B, D], the state after steps 1..T, differentiable with
// respect to z0, v0, forcing, noise and every coefficient. Throws hebb::Error on
// mismatched shapes or dtypes and on gamma <= 0, k < 0, coupling < 0, sigma < 0 or a
// non-finite coefficient.
std::vector<at::Tensor> langevin_sequence(const at::Tensor& z0, const at::Tensor& v0,
                                          const at::Tensor& forcing, const at::Tensor& noise,
                                          const langevin_coeffs& c, const langevin_options& o);

// Standard normal noise xi [T, B, D] from counter_rng(seed, stream::learn, entity, step):
// entity = 0x4C << 56 | b << 24 | i, step = t, so every draw is a function of
// (seed, t, b, i) only: the same for any thread count or batch split.
at::Tensor langevin_noise(std::int64_t T, std::int64_t B, std::int64_t D, std::uint64_t seed,
                          at::ScalarType dtype = at::kDouble);

}  // namespace hebb::learn
