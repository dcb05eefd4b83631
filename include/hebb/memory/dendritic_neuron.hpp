#pragma once
// A neuron with active dendrites (Ahmad & Hawkins 2016, arXiv:1601.00720, sec. 3-4).
//
//   The neuron owns segments; segment k is a set of s synapses onto distinct cells
//   of a population of n. For an input pattern (the set A of active cells)
//     overlap_k = |segment_k ∩ A|,   segment k is active when overlap_k >= theta,
//     the neuron fires when any segment is active (OR over segments).
//   Learning a pattern adds one segment whose s synapses are a random subsample of
//   the pattern's active cells (hebb::counter_rng, stream memory, keyed by the
//   neuron's seed and the segment index), so the neuron then recognises that
//   pattern and noisy versions of it; sdr_probability.hpp gives the exact
//   probabilities of false and noisy matches.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace hebb::memory {

struct dendritic_neuron_params {
  std::int64_t n = 1000;        // population size [cells]
  std::int64_t synapses = 20;   // synapses per segment, s [1]
  std::int64_t threshold = 10;  // active synapses that make a segment fire, theta [1]
  std::uint64_t seed = 1;       // key of the subsampling random numbers
  void validate() const;
};

class dendritic_neuron {
public:
  explicit dendritic_neuron(const dendritic_neuron_params& p);

  // Adds a segment subsampling `synapses` of the active cells; returns its index.
  // Throws if a cell index is out of range or repeated, or the pattern has fewer
  // active cells than synapses.
  std::size_t learn(std::span<const std::uint32_t> active);
  // Adds a segment with exactly these synapses (distinct cells, `synapses` of them).
  std::size_t add_segment(std::span<const std::uint32_t> cells);

  // Overlap of every segment with the pattern.
  std::vector<std::uint32_t> overlaps(std::span<const std::uint32_t> active) const;
  // Index of the first active segment, or -1.
  std::int64_t first_active_segment(std::span<const std::uint32_t> active) const;
  // OR over segments.
  bool fires(std::span<const std::uint32_t> active) const {
    return first_active_segment(active) >= 0;
  }

  std::size_t segments() const { return segments_.size(); }
  const std::vector<std::uint32_t>& segment(std::size_t k) const;
  const dendritic_neuron_params& params() const { return p_; }

private:
  void mark(std::span<const std::uint32_t> active, std::vector<std::uint8_t>& mask) const;
  dendritic_neuron_params p_;
  std::vector<std::vector<std::uint32_t>> segments_;
};

// Monte-Carlo counterparts of the formulas in sdr_probability.hpp. Trial t draws
// its random numbers from counter_rng(seed, stream::memory, entity = t + 1), so the
// counts do not depend on the thread count.

// Number of random patterns (a of n cells) that make one random segment (s synapses,
// threshold theta) fire; expectation trials * false_match(n, a, s, theta).
std::int64_t monte_carlo_false_matches(std::int64_t n, std::int64_t a, std::int64_t s,
                                       std::int64_t theta, std::int64_t trials,
                                       std::uint64_t seed);

// Number of trials in which a segment learnt from a random pattern still fires after
// v of the pattern's a active cells are replaced by random cells outside it;
// expectation trials * noise_match(a, s, theta, v).
std::int64_t monte_carlo_noise_matches(std::int64_t n, std::int64_t a, std::int64_t s,
                                       std::int64_t theta, std::int64_t v, std::int64_t trials,
                                       std::uint64_t seed);

// A random set of k distinct cells out of n (Floyd's algorithm), sorted.
std::vector<std::uint32_t> random_pattern(std::int64_t n, std::int64_t k, std::uint64_t seed,
                                          std::uint64_t entity, std::uint64_t step = 0);

// The pattern with v of its active cells replaced by v cells outside it (sorted).
std::vector<std::uint32_t> add_noise(std::span<const std::uint32_t> active, std::int64_t n,
                                     std::int64_t v, std::uint64_t seed, std::uint64_t entity,
                                     std::uint64_t step = 0);

}  // namespace hebb::memory
