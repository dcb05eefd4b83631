#pragma once
// Lorenz-driven Poisson spike counts: the synthetic latent-dynamics data set used by
// LFADS (Sussillo et al., Nat. Methods 2018) and LangevinFlow (Song et al. 2025,
// SYSTEMS.md section 13) to test whether a model recovers 3-D chaotic latents.
//
//   dx/dt = σ (y - x),  dy/dt = x (ρ - z) - y,  dz/dt = x y - β z     (σ=10, ρ=28, β=8/3)
// integrated with classical RK4, step dt (Lorenz time units), `steps_per_bin` steps per
// bin. Each trial starts at a random point of the attractor (a random time of a long
// burn-in trajectory). The latents are standardised over the whole data set (zero
// mean, unit variance per dimension), then
//   log λ_n(t) = log(base_rate * bin) + gain * (C z(t))_n,   C_nd ~ N(0, 1/3)
//   y_n(t) ~ Poisson(λ_n(t))            (λ in counts per bin)
// Randomness: counter_rng(seed, stream::analysis, entity) with entity 0 for C,
// 1 for the start times, 2^32 + trial*n_neurons + n for spike draws.
#include <cstddef>
#include <cstdint>

#include <hebb/analysis/spike_binning.hpp>

namespace hebb::analysis {

struct lorenz_params {
  std::size_t n_trials = 100;    // trials [1]
  std::size_t trial_length = 50; // bins per trial [1]
  std::size_t n_neurons = 30;    // observed neurons [1]
  double bin = 10.0;             // bin width [ms]
  double base_rate = 20.0;       // rate at z = 0 [Hz]
  double gain = 1.0;             // log-rate modulation per latent sd [1]
  double dt = 0.01;              // RK4 step [Lorenz time units]
  std::size_t steps_per_bin = 1; // RK4 steps per bin [1]
  double sigma = 10.0, rho = 28.0, beta = 8.0 / 3.0;  // Lorenz parameters [1]
  std::uint64_t seed = 1;
  void validate() const;
};

struct lorenz_data {
  matrix counts;   // (n_trials * trial_length) x n_neurons spike counts
  matrix rates;    // same shape, true Poisson means [counts/bin]
  matrix latents;  // (n_trials * trial_length) x 3, standardised
  matrix readout;  // n_neurons x 3, the matrix C
};

lorenz_data make_lorenz_data(const lorenz_params& p);

}  // namespace hebb::analysis
