#pragma once
// astrocyte: a slow cell that integrates the spiking of chosen populations and emits
// a modulator; with its defaults the astrocyte of NALSM (Ivanov & Michmizos 2021,
// "Increasing liquid state machine performance with edge-of-chaos dynamics organized
// by astrocyte-modulated plasticity", NeurIPS; NALSM_ASTRO.py of combra-lab/NALSM).
//
//   A <- A + (dt / tau_a) (bias - A) + (w_a / tau_a) (sum_excite S - sum_inhibit S)
// where the sums count the spikes of this step in the `excite` populations (the
// liquid) and the `inhibit` populations (the input). With dt = 1 ms this is NALSM's
// update A <- A + (w_a (sum S_liquid - sum S_input) + b - A) / tau_a; for other steps
// the leak scales with dt and each spike still counts w_a / tau_a (forward Euler, as
// NALSM). A is the value of the network modulator `name`; stdp_nalsm reads it as its
// depression rate. Because A grows while the liquid fires more spikes than it
// receives, the depression it drives pushes the liquid toward passing on about one
// spike per input spike, the edge of chaos (branching factor near 1).
//
// NALSM's values: tau_a = 100 ms, w_a = 0.015 (1k neurons; 0.0075 for 8k),
// bias = initial = the STDP potentiation rate 0.15.
#include <string>
#include <vector>

namespace hebb::sim {
class network;
}

namespace hebb::plasticity {

struct astrocyte_params {
  double tau_a = 100.0;   // integration time constant [ms]
  double w_a = 0.015;     // weight of one spike [A per spike]
  double bias = 0.15;     // resting value b [A]
  double initial = 0.15;  // value at the start [A]
  void validate(const std::string& owner) const;
};

// Adds the modulator `name` (initial value p.initial) and a step hook that updates it
// as above. Throws if the modulator exists already or a population is unknown.
void install_astrocyte(sim::network& net, const std::string& name, const astrocyte_params& p,
                       const std::vector<std::string>& excite, const std::vector<std::string>& inhibit);

}  // namespace hebb::plasticity
