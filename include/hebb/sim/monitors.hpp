#pragma once
// What a run records: spikes of a population, state variables of chosen neurons
// every k steps, and the population rate. Times are in ms at the end of the step
// that produced them (a step computes the state from step*dt to (step+1)*dt).
#include <cstdint>
#include <string>
#include <vector>

namespace hebb::sim {

struct spike_monitor {
  std::string population;
  std::vector<double> times;            // [ms]
  std::vector<std::uint32_t> senders;   // local neuron index
};

struct state_monitor {
  std::string population;
  std::vector<std::string> variables;
  std::vector<std::uint32_t> indices;   // recorded neurons
  std::uint32_t every = 1;              // steps between samples
  std::vector<double> times;            // [ms], one per sample
  std::vector<std::vector<double>> data;  // per variable: samples x indices, row-major
  std::vector<std::size_t> var_ids;     // resolved variable indices
};

struct rate_monitor {
  std::string population;
  std::uint32_t bin = 1;                // steps per bin
  double bin_ms = 0;
  std::vector<double> times;            // [ms], bin ends
  std::vector<double> rate;             // [Hz] per neuron, one per bin
  std::uint64_t count = 0;              // spikes in the open bin
  std::uint32_t filled = 0;             // steps in the open bin
};

// Weights of chosen synapses of a projection every k steps (all when indices is empty).
struct weight_monitor {
  std::string projection;
  std::vector<std::uint64_t> indices;   // synapse indices in storage order
  std::uint32_t every = 1;
  std::vector<double> times;            // [ms]
  std::vector<float> data;              // samples x synapses, row-major
};

}  // namespace hebb::sim
