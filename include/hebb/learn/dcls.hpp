#pragma once
// Learnable synaptic delays by dilated convolution with learnable spacings (DCLS;
// Hammouamri, Khalfaoui-Hassani & Masquelier, ICLR 2024; Khalfaoui-Hassani et al.,
// ICLR 2023). Each synapse (o, i) has a weight w_oi and a continuous delay position
// p_oi in [0, K-1] steps, realised as a temporal kernel over the delay index j:
//
//   g_oij = exp(-(j - p_oi)^2 / (2 sigma^2)),   k_oij = w_oi * g_oij / (sum_j g_oij + eps)
//   y_t[o] = sum_i sum_{j=0}^{K-1} k_oij * x_{t-j}[i]        (x_t = 0 for t < 0)
//
// so gradients reach both w and p. sigma is annealed during training (the paper:
// exponentially from K/2 to 0.23 over the first 25% of epochs, dcls_sigma below) and
// positions are rounded at the end; with integer p and sigma -> 0 the layer is an
// exact per-synapse integer delay. Positions are kept in range by clamping after each
// optimizer step (as the authors' code does).
//
// Computation: the kernel is built by a fused function (three exponentials per synapse,
// hand-written gradients). For sparse input (at most spike_linear_dense_crossover of
// the entries nonzero, e.g. spikes) the delay sum runs over the nonzero inputs only,
// y_{t+j} += x_t k_j^T per delay j, otherwise as one dense causal conv1d.
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include <hebb/core/error.hpp>

namespace hebb::learn {

inline constexpr double dcls_eps = 1e-7;  // normaliser guard of the kernel

// The [O, I, K] kernel from weights and positions (both [O, I]). Differentiable.
at::Tensor dcls_kernel(const at::Tensor& weight, const at::Tensor& pos, double sigma,
                       std::int64_t kernel_size);

// y = delayed, weighted sum of x. x: [T, B, I]; returns [T, B, O]. Throws when a
// position lies outside [0, kernel_size - 1] (the kernel is shorter than the delay).
at::Tensor dcls_forward(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& pos,
                        double sigma, std::int64_t kernel_size);

// The same layer after rounding: y_t[o] = sum_i w_oi x_{t - round(p_oi)}[i], computed
// by gathering shifted inputs (no kernel); for inference and for checking the export.
at::Tensor delay_forward(const at::Tensor& x, const at::Tensor& weight,
                         const at::Tensor& delay_steps);

// sigma at epoch e of n: exponential decay from sigma0 to sigma1 over the first
// `fraction` of the epochs, then sigma1 (section 6b: 12 -> 0.23 over 25%).
double dcls_sigma(int epoch, int epochs, double sigma0 = 12.0, double sigma1 = 0.23,
                  double fraction = 0.25);

// A trained delay layer as explicit synapses, for the spiking engine (sim):
// delays in ms = (round(p) + offset_steps) * dt. offset_steps = 1 by default because
// the engine's smallest delay is one step (DESIGN.md, "Connectivity").
struct delay_projection {
  std::vector<std::int64_t> sources, targets;
  std::vector<double> weights, delays_ms;
  double dt = 1.0;  // step [ms]
};

// Synapses with |w| > min_abs_weight. weight, pos: [O, I] (target o, source i).
delay_projection export_delays(const at::Tensor& weight, const at::Tensor& pos, double dt,
                               int offset_steps = 1, double min_abs_weight = 0.0);

// The hebb model file fragment ([[projections]] with an explicit rule).
std::string to_toml(const delay_projection& p, const std::string& from, const std::string& to,
                    const std::string& receptor = "exc");

}  // namespace hebb::learn
