#pragma once
// Fused leaky integrate-and-fire (LIF) and adaptive LIF (ALIF) layers over whole
// sequences: forward and backward over all T steps in one C++ call, with
// surrogate gradients (surrogate.hpp). Per neuron n, batch element b, step t:
//
//   i_t = alpha * i_{t-1} + I_t                       synaptic current (alpha = exp(-dt/tau_syn);
//                                                      alpha = 0: no synaptic filter)
//   u_t = beta * v_{t-1} + g * i_t                    membrane before the spike, beta = exp(-dt/tau_mem),
//                                                      g = 1 - beta if decay_input, else 1
//   theta_t = theta + b_adapt * a_{t-1}               threshold (ALIF; LIF: b_adapt = 0)
//   s_t = H(u_t - theta_t)                            spike (surrogate derivative in backward)
//   v_t = u_t - theta_t * s_t                         reset by subtraction, or
//   v_t = u_t (1 - s_t) + v_reset * s_t               reset to v_reset ("zero")
//   a_t = rho * a_{t-1} + s_t                         adaptation trace, rho = exp(-dt/tau_adapt)
//
// with i_{-1} = v_{-1} = a_{-1} = 0. detach_reset stops the gradient through s_t in the
// reset term (Zenke & Vogels 2021). With spiking = false the layer is a leaky
// integrator (no threshold, no reset): the membrane or current readout of
// surrogate-gradient networks (Neftci, Mostafa & Zenke 2019; Bellec et al. 2018 for ALIF).
//
// The coefficients are tensors of shape [N] and receive gradients, so intrinsic
// parameters are learnable; the parameterisation that keeps them in range (tau =
// tau_min + softplus(raw), theta = softplus(raw)) lives in the modules that own
// them (python/hebb/learn.py, layers.hpp). Units: dt and time constants in ms,
// membrane in units of the threshold scale.
#include <vector>

#include <ATen/ATen.h>

#include <hebb/learn/surrogate.hpp>

namespace hebb::learn {

struct lif_options {
  surrogate sg = surrogate::fast_sigmoid;  // surrogate derivative (surrogate.hpp)
  double slope = 25.0;                     // surrogate slope a [1/membrane unit]
  reset_mode reset = reset_mode::subtract;  // reset after a spike
  bool detach_reset = false;                // no gradient through s_t in the reset term
  bool spiking = true;                      // false: leaky-integrator readout
  bool adaptive = false;                    // ALIF: adaptive threshold
  bool decay_input = false;                 // scale the input by (1 - beta)

  void validate() const {
    require(slope > 0 && std::isfinite(slope), "lif.slope", slope, "> 0 and finite");
  }
};

// Per-neuron coefficients, each of shape [N] (same dtype as the input).
// b_adapt and rho are used only when options.adaptive.
struct lif_coeffs {
  at::Tensor alpha;    // synaptic decay exp(-dt/tau_syn), in [0, 1)
  at::Tensor beta;     // membrane decay exp(-dt/tau_mem), in [0, 1)
  at::Tensor theta;    // threshold [membrane unit]
  at::Tensor v_reset;  // reset value for reset = zero [membrane unit]
  at::Tensor b_adapt;  // threshold increase per unit of adaptation trace (ALIF)
  at::Tensor rho;      // adaptation decay exp(-dt/tau_adapt) (ALIF)
};

// The fused layer dynamics. input: [T, B, N] input current I_t (float or double, CPU).
// Returns {spikes s_t, membrane u_t (before reset), current i_t}, each [T, B, N],
// differentiable with respect to the input and every coefficient.
std::vector<at::Tensor> lif_sequence(const at::Tensor& input, const lif_coeffs& c,
                                     const lif_options& o);

// exp(-dt / tau) for a tensor of time constants; throws unless every tau > 0 and dt > 0.
at::Tensor decay_factor(const at::Tensor& tau, double dt, const char* name);

}  // namespace hebb::learn
