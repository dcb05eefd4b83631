#pragma once
// The fused spiking layers as torch::nn modules for C++ users (the Python classes in
// python/hebb/learn.py are the same layers). A layer is a linear map followed by the
// LIF/ALIF dynamics of lif.hpp over a whole sequence [T, B, in] -> [T, B, out].
//
// Intrinsic parameters are stored raw and mapped into range (as in Python):
//   tau = tau_min + softplus(raw)  (tau_min = 0.01 ms),  decay = exp(-dt / tau)
//   threshold = theta_min + softplus(raw)  (theta_min = 0.001)
// learn_intrinsic makes them trainable parameters; otherwise they are buffers.
// The synaptic product x W^T + b uses spike_linear (sparse_input, the default): for
// spike inputs it costs O(nonzeros x out) and it falls back to the dense product when
// more than spike_linear_dense_crossover of the inputs are nonzero.
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <hebb/learn/lif.hpp>

namespace hebb::learn {

struct lif_layer_options {
  std::int64_t in = 1, out = 1;  // features
  double dt = 1.0;               // step [ms]
  double tau_mem = 10.0;         // membrane time constant [ms]
  double tau_syn = 0.0;          // synaptic time constant [ms]; 0: no synaptic filter
  double threshold = 1.0;        // [membrane unit]
  double v_reset = 0.0;          // reset value for reset = zero [membrane unit]
  double tau_adapt = 100.0;      // adaptation time constant [ms] (ALIF)
  double b_adapt = 1.8;          // threshold increase per adaptation unit (ALIF)
  bool learn_intrinsic = false;  // train tau_mem, tau_syn, threshold, v_reset (and ALIF's)
  bool bias = true;
  bool sparse_input = true;      // synaptic products from the nonzero inputs (spike_linear.hpp;
                                 // it switches to dense products above 30 % nonzeros)
  std::uint64_t seed = 0;        // weight initialisation (hebb counter RNG, stream learn)
  lif_options dynamics;          // surrogate, slope, reset, spiking, adaptive, ...
  void validate() const;
};

class lif_layerImpl : public torch::nn::Module {
public:
  explicit lif_layerImpl(const lif_layer_options& o);
  // x: [T, B, in]; returns spikes (or the membrane / current for a readout).
  at::Tensor forward(const at::Tensor& x);
  // alpha, beta, theta, v_reset, b_adapt, rho as passed to lif_sequence.
  lif_coeffs coefficients() const;
  const lif_layer_options& options() const { return o_; }
  std::vector<at::Tensor> last;  // {spikes, membrane, current} of the last forward

  at::Tensor weight, bias, raw_tau_mem, raw_tau_syn, raw_threshold, v_reset, raw_tau_adapt,
      b_adapt;

private:
  lif_layer_options o_;
};
TORCH_MODULE(lif_layer);

}  // namespace hebb::learn
