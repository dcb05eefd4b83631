#pragma once
// Branching factor of spiking activity as NALSM defines it (Ivanov & Michmizos,
// NeurIPS 2021; compute_branching_factor.py of combra-lab/NALSM).
//
// Time is cut into steps of dt (1 ms in NALSM). For every step t at which neuron n
// spikes (t in [t_start + w, t_stop - w), w = window / dt steps):
//   ancestors(n, t)   = spikes of n's presynaptic neurons in steps [t - w, t)
//   descendants(n, t) = spikes of n's postsynaptic neurons in steps (t, t + w]
//   bf(n, t)          = descendants / max(ancestors, 1)
// bf(n) is the mean of bf(n, t) over n's spike steps, and the network branching
// factor is the mean of bf(n) over neurons that spiked (NALSM's per-neuron average,
// then averaged over the liquid). A critical network has BF close to 1.
// Without a connectivity, every other neuron counts as pre- and postsynaptic
// (the population version, for recordings where synapses are unknown).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace hebb::analysis {

struct branching_params {
  double window = 4.0;   // ancestor/descendant window [ms]
  double dt = 1.0;       // time step of the spike grid [ms]
  double t_start = 0.0;  // start of the analysed period [ms]
  double t_stop = 0.0;   // end of the analysed period [ms]
  void validate() const;
};

// Directed connectivity in CSR by source: the postsynaptic targets of neuron i are
// targets[offsets[i] .. offsets[i+1]).
struct connectivity {
  std::span<const std::int64_t> offsets;  // size n_neurons + 1
  std::span<const std::int64_t> targets;
};

struct branching_result {
  std::vector<double> per_neuron;  // bf(n); NaN for neurons without a counted spike
  std::vector<std::int64_t> events;  // counted spike steps per neuron
  double mean = 0.0;               // mean of bf(n) over neurons with events (NaN if none)
};

branching_result branching_factor(std::span<const double> times, std::span<const std::int64_t> senders,
                                  std::size_t n_neurons, const branching_params& p,
                                  std::optional<connectivity> conn = std::nullopt);

}  // namespace hebb::analysis
