#pragma once
// Expressive Leaky Memory (ELM) neuron (Spieler, Rahaman, Martius, Schoelkopf &
// Levina, ICLR 2024; reference code AaronSpieler/elmneuron). Per step t, with
// kappa = exp(-dt/tau):
//
//   s_t  = kappa_s * s_{t-1} + w_s * x_t          synapse traces, w_s = relu(raw) (init 0.5)
//   syn_t = branch sums of s_t (Branch-ELM: n_branch groups of consecutive synapses;
//           plain ELM: syn_t = s_t)
//   dm_t = 1.7159 * tanh(2/3 * MLP([syn_t, kappa_m * m_{t-1}]))   MLP: one hidden
//           layer of size mlp_hidden (2 d_m by default), ReLU
//   m_t  = kappa_m * m_{t-1} + lambda * (1 - kappa_m) * dm_t       lambda = 5
//   y_t  = W_y m_t + b_y
//
// tau_s = 5 steps, tau_m log-spaced over [tau_m_min, tau_m_max] = [1, 1000] steps
// (fixed, not trained; gradients still reach them if they require one). The two
// recurrences (synaptic trace, memory update) are fused C++ functions with
// hand-written backward passes; the rest are whole-sequence tensor operations, so
// nothing runs per step in Python or in the autograd engine.
//
// Parameter count (trainable: w_s, MLP, readout):
//   n_syn + (n_mlp_in + d)(h) + h + h d + d + n_out d + n_out,  h = mlp_hidden,
//   n_mlp_in = n_branch (Branch-ELM) or n_syn (plain). For NeuronIO Branch-ELM
//   (n_syn = 4500, 45 branches, 2 outputs, h = 2d):
//   4500 + (45+d)(2d) + 2d + 2d^2 + d + 2d + 2 (section 14 of SYSTEMS.md).
#include <cstdint>
#include <vector>

#include <ATen/ATen.h>

#include <hebb/core/error.hpp>

namespace hebb::learn {

struct elm_params {
  std::int64_t n_syn = 1;       // synapses (input channels after routing)
  std::int64_t n_branch = 0;    // branches (0: plain ELM, no branch sums)
  std::int64_t d_m = 1;         // memory units
  std::int64_t mlp_hidden = 0;  // MLP hidden size (0: 2 d_m)
  std::int64_t n_out = 1;       // outputs
  double tau_s = 5.0;           // synaptic time constant [steps]
  double tau_m_min = 1.0;       // smallest memory time constant [steps]
  double tau_m_max = 1000.0;    // largest memory time constant [steps]
  double lambda = 5.0;          // memory update scale [1]

  std::int64_t hidden() const { return mlp_hidden > 0 ? mlp_hidden : 2 * d_m; }
  std::int64_t mlp_in() const { return (n_branch > 0 ? n_branch : n_syn) + d_m; }
  std::int64_t parameter_count() const {
    const std::int64_t h = hidden();
    return n_syn + mlp_in() * h + h + h * d_m + d_m + n_out * d_m + n_out;
  }
  void validate() const;
};

// The trainable and fixed tensors of one ELM neuron.
struct elm_weights {
  at::Tensor w_syn_raw;  // [n_syn]            w_s = relu(w_syn_raw)
  at::Tensor w1, b1;     // [h, mlp_in], [h]
  at::Tensor w2, b2;     // [d_m, h], [d_m]
  at::Tensor wy, by;     // [n_out, d_m], [n_out]
  at::Tensor kappa_s;    // [n_syn] fixed
  at::Tensor kappa_m;    // [d_m] fixed
};

// Fresh weights: w_s raw 0.5, MLP and readout uniform(+-1/sqrt(fan_in)) from hebb's
// counter RNG (stream learn, keyed by seed and tensor), time constants as above.
elm_weights elm_init(const elm_params& p, std::uint64_t seed, at::ScalarType dtype = at::kFloat);

// Runs the neuron over x: [T, B, n_syn] from memory m0 ([B, d_m], or undefined = 0).
// Returns {y [T, B, n_out], m [T, B, d_m]}.
std::vector<at::Tensor> elm_forward(const at::Tensor& x, const elm_weights& w, const elm_params& p,
                                    const at::Tensor& m0 = at::Tensor());

}  // namespace hebb::learn
