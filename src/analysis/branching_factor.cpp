#include <hebb/analysis/branching_factor.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include <hebb/core/error.hpp>

namespace hebb::analysis {

void branching_params::validate() const {
  require(std::isfinite(dt) && dt > 0, "branching.dt", dt, "> 0 ms");
  require(std::isfinite(window) && window >= dt, "branching.window", window, ">= dt");
  require(std::isfinite(t_start), "branching.t_start", t_start, "finite [ms]");
  require(std::isfinite(t_stop) && t_stop > t_start + 2 * window, "branching.t_stop", t_stop,
          fmt::format("> t_start + 2 * window = {} ms", t_start + 2 * window));
}

branching_result branching_factor(std::span<const double> times, std::span<const std::int64_t> senders,
                                  std::size_t n_neurons, const branching_params& p,
                                  std::optional<connectivity> conn) {
  p.validate();
  if (times.size() != senders.size())
    throw Error("branching_factor: times has {} entries, senders {}: must be equal", times.size(),
                senders.size());
  const auto w = static_cast<std::int64_t>(std::llround(p.window / p.dt));
  const auto n_steps = static_cast<std::int64_t>(std::floor((p.t_stop - p.t_start) / p.dt + 1e-9));
  // spike steps per neuron, sorted; and of the whole population
  std::vector<std::vector<std::int64_t>> steps(n_neurons);
  std::vector<std::int64_t> all;
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (senders[i] < 0 || static_cast<std::size_t>(senders[i]) >= n_neurons)
      throw Error("branching_factor: senders[{}] = {}: must be in [0, {})", i, senders[i], n_neurons);
    if (!std::isfinite(times[i])) throw Error("branching_factor: times[{}] = {}: must be finite", i, times[i]);
    if (times[i] < p.t_start) continue;
    const auto k = static_cast<std::int64_t>(std::floor((times[i] - p.t_start) / p.dt));
    if (k >= n_steps) continue;
    steps[static_cast<std::size_t>(senders[i])].push_back(k);
    all.push_back(k);
  }
  for (auto& s : steps) std::sort(s.begin(), s.end());
  std::sort(all.begin(), all.end());
  // spikes in steps [a, b] of a sorted list
  auto count = [](const std::vector<std::int64_t>& v, std::int64_t a, std::int64_t b) {
    return static_cast<double>(std::upper_bound(v.begin(), v.end(), b) -
                               std::lower_bound(v.begin(), v.end(), a));
  };
  // presynaptic lists from the CSR (transpose), when a connectivity is given
  std::vector<std::vector<std::int64_t>> pre;
  if (conn) {
    if (conn->offsets.size() != n_neurons + 1)
      throw Error("branching_factor: connectivity offsets has {} entries: must be n_neurons + 1 = {}",
                  conn->offsets.size(), n_neurons + 1);
    pre.resize(n_neurons);
    for (std::size_t i = 0; i < n_neurons; ++i) {
      const auto a = conn->offsets[i], b = conn->offsets[i + 1];
      if (a < 0 || b < a || static_cast<std::size_t>(b) > conn->targets.size())
        throw Error("branching_factor: connectivity offsets[{}..{}] = {}..{}: must be "
                    "non-decreasing within [0, {}]", i, i + 1, a, b, conn->targets.size());
      for (auto e = a; e < b; ++e) {
        const auto j = conn->targets[static_cast<std::size_t>(e)];
        if (j < 0 || static_cast<std::size_t>(j) >= n_neurons)
          throw Error("branching_factor: connectivity targets[{}] = {}: must be in [0, {})", e, j, n_neurons);
        pre[static_cast<std::size_t>(j)].push_back(static_cast<std::int64_t>(i));
      }
    }
  }
  branching_result r;
  r.per_neuron.assign(n_neurons, std::numeric_limits<double>::quiet_NaN());
  r.events.assign(n_neurons, 0);
  double sum_neurons = 0;
  std::size_t n_active = 0;
  for (std::size_t n = 0; n < n_neurons; ++n) {
    const auto& s = steps[n];
    double sum = 0;
    std::int64_t ev = 0;
    for (std::size_t q = 0; q < s.size(); ++q) {
      const std::int64_t t = s[q];
      if (q > 0 && s[q - 1] == t) continue;  // one event per spiking step
      if (t < w || t >= n_steps - w) continue;
      double anc = 0, desc = 0;
      if (conn) {
        for (const auto i : pre[n]) anc += count(steps[static_cast<std::size_t>(i)], t - w, t - 1);
        for (auto e = conn->offsets[n]; e < conn->offsets[n + 1]; ++e)
          desc += count(steps[static_cast<std::size_t>(conn->targets[static_cast<std::size_t>(e)])], t + 1, t + w);
      } else {
        anc = count(all, t - w, t - 1) - count(s, t - w, t - 1);
        desc = count(all, t + 1, t + w) - count(s, t + 1, t + w);
      }
      sum += desc / std::max(anc, 1.0);
      ++ev;
    }
    r.events[n] = ev;
    if (ev > 0) {
      r.per_neuron[n] = sum / static_cast<double>(ev);
      sum_neurons += r.per_neuron[n];
      ++n_active;
    }
  }
  r.mean = n_active ? sum_neurons / static_cast<double>(n_active) : std::numeric_limits<double>::quiet_NaN();
  return r;
}

}  // namespace hebb::analysis
