#include <hebb/analysis/spike_binning.hpp>

#include <cmath>

#include <hebb/core/error.hpp>

namespace hebb::analysis {

void binning::validate() const {
  require(std::isfinite(t_start), "binning.t_start", t_start, "finite [ms]");
  require(std::isfinite(bin) && bin > 0, "binning.bin", bin, "> 0 ms");
  require(std::isfinite(t_stop) && t_stop >= t_start + bin, "binning.t_stop", t_stop,
          fmt::format(">= t_start + bin = {} ms", t_start + bin));
}

std::size_t binning::n_bins() const {
  // tolerate rounding: (t_stop - t_start) / bin within 1e-9 of an integer counts as it
  return static_cast<std::size_t>(std::floor((t_stop - t_start) / bin + 1e-9));
}

namespace {
// Bin index of time t, or -1 when outside the grid.
inline std::int64_t bin_of(double t, const binning& b, std::size_t nb) {
  if (!std::isfinite(t)) throw Error("spike time {} ms: must be finite", t);
  if (t < b.t_start) return -1;
  const auto k = static_cast<std::int64_t>(std::floor((t - b.t_start) / b.bin));
  return k < static_cast<std::int64_t>(nb) ? k : -1;
}
}  // namespace

std::vector<std::int64_t> bin_spikes(std::span<const double> times, const binning& b) {
  b.validate();
  const std::size_t nb = b.n_bins();
  std::vector<std::int64_t> out(nb, 0);
  for (const double t : times)
    if (const auto k = bin_of(t, b, nb); k >= 0) ++out[static_cast<std::size_t>(k)];
  return out;
}

std::vector<std::uint8_t> binary_train(std::span<const double> times, const binning& b) {
  b.validate();
  const std::size_t nb = b.n_bins();
  std::vector<std::uint8_t> out(nb, 0);
  for (const double t : times)
    if (const auto k = bin_of(t, b, nb); k >= 0) out[static_cast<std::size_t>(k)] = 1;
  return out;
}

matrix bin_population(std::span<const double> times, std::span<const std::int64_t> senders,
                      std::size_t n_neurons, const binning& b) {
  b.validate();
  if (times.size() != senders.size())
    throw Error("bin_population: times has {} entries, senders {}: must be equal", times.size(),
                senders.size());
  const std::size_t nb = b.n_bins();
  matrix out = matrix::Zero(static_cast<Eigen::Index>(nb), static_cast<Eigen::Index>(n_neurons));
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (senders[i] < 0 || static_cast<std::size_t>(senders[i]) >= n_neurons)
      throw Error("bin_population: senders[{}] = {}: must be in [0, {})", i, senders[i], n_neurons);
    if (const auto k = bin_of(times[i], b, nb); k >= 0) out(k, senders[i]) += 1.0;
  }
  return out;
}

}  // namespace hebb::analysis
