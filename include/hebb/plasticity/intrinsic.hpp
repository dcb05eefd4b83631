#pragma once
// Intrinsic homeostasis: each neuron of a population adapts its excitability so its
// firing rate approaches a target (Turrigiano 2008's intrinsic plasticity, in the
// threshold form of e.g. Zenke et al. 2013 written as a bias current).
//
//   r_k:  rate estimate, decays with tau_rate, += 1/tau_rate per spike  [1/ms -> Hz]
//   every `interval`: b_k += -eta * (r_k - target) * interval          [pA]
// The bias b_k is injected current; for a leaky integrator it is the same as moving
// the threshold by -b_k R (R = tau_m / c_m), so raising the rate lowers the bias
// (raises the effective threshold). b_k is clipped to [bias_min, bias_max].
// Runs as a step hook, serially, in neuron order: the same for any thread count.
#include <string>

#include <hebb/sim/network.hpp>

namespace hebb::plasticity {

struct intrinsic_params {
  double target = 5.0;      // target rate [Hz]
  double tau_rate = 1000.0; // rate estimate time constant [ms]
  double eta = 1.0;         // adaptation rate [pA / (Hz ms)]
  double interval = 10.0;   // time between adaptations [ms]
  double bias_min = -1e6;   // lower bound of the bias [pA]
  double bias_max = 1e6;    // upper bound of the bias [pA]
};

// Adds intrinsic adaptation to population `pop` of `net` (throws naming the key).
void add_intrinsic_adaptation(sim::network& net, const std::string& pop, const param_map& params);

// The parameters, for documentation and validation.
std::vector<param_spec> intrinsic_param_specs();

}  // namespace hebb::plasticity
