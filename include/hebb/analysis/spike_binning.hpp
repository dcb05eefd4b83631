#pragma once
// Binning of spike trains into counts on a regular grid.
//
//   count[b][n] = #{ spikes of neuron n with t_start + b*bin <= t < t_start + (b+1)*bin },
//   b = 0 .. floor((t_stop - t_start) / bin) - 1   (a partial last bin is dropped).
// Times in ms. Spikes outside [t_start, t_start + n_bins*bin) are ignored.
// A binary train (for Lempel-Ziv) is min(count, 1).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

namespace hebb::analysis {

using matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct binning {
  double t_start = 0.0;  // start of the first bin [ms]
  double t_stop = 0.0;   // end of the grid [ms]
  double bin = 1.0;      // bin width [ms]
  void validate() const;
  std::size_t n_bins() const;
};

// Counts of one spike train (times in ms).
std::vector<std::int64_t> bin_spikes(std::span<const double> times, const binning& b);

// 0/1 occupancy of one spike train: the symbol sequence for lz76.
std::vector<std::uint8_t> binary_train(std::span<const double> times, const binning& b);

// Counts of a population, bins x neurons, from (time, sender) pairs; senders in
// [0, n_neurons).
matrix bin_population(std::span<const double> times, std::span<const std::int64_t> senders,
                      std::size_t n_neurons, const binning& b);

}  // namespace hebb::analysis
