#include <hebb/memory/dendritic_neuron.hpp>

#include <algorithm>

#include <hebb/core/error.hpp>
#include <hebb/core/rng.hpp>

namespace hebb::memory {

void dendritic_neuron_params::validate() const {
  if (n < 1) throw Error("dendritic_neuron.n = {}: must be >= 1", n);
  if (synapses < 1 || synapses > n)
    throw Error("dendritic_neuron.synapses = {}: must be in [1, n = {}]", synapses, n);
  if (threshold < 1 || threshold > synapses)
    throw Error("dendritic_neuron.threshold = {}: must be in [1, synapses = {}] (a threshold "
                "above the segment size can never be reached)",
                threshold, synapses);
}

namespace {

// Floyd's algorithm: k distinct values of [0, n) with k draws; `seen` is a scratch
// mask of size n, left all zero on return.
void floyd(counter_rng& r, std::int64_t n, std::int64_t k, std::vector<std::uint8_t>& seen,
           std::vector<std::uint32_t>& out) {
  out.clear();
  for (std::int64_t j = n - k; j < n; ++j) {
    auto t = static_cast<std::uint32_t>(r.below(static_cast<std::uint64_t>(j) + 1));
    if (seen[t]) t = static_cast<std::uint32_t>(j);
    seen[t] = 1;
    out.push_back(t);
  }
  for (auto c : out) seen[c] = 0;
}

void check_k(std::int64_t n, std::int64_t k, const char* what) {
  if (n < 1) throw Error("{}: population n = {}: must be >= 1", what, n);
  if (k < 0 || k > n) throw Error("{}: active cells = {}: must be in [0, n = {}]", what, k, n);
}

}  // namespace

std::vector<std::uint32_t> random_pattern(std::int64_t n, std::int64_t k, std::uint64_t seed,
                                          std::uint64_t entity, std::uint64_t step) {
  check_k(n, k, "random_pattern");
  counter_rng r(seed, stream::memory, entity, step);
  std::vector<std::uint8_t> seen(static_cast<std::size_t>(n), 0);
  std::vector<std::uint32_t> out;
  floyd(r, n, k, seen, out);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::uint32_t> add_noise(std::span<const std::uint32_t> active, std::int64_t n,
                                     std::int64_t v, std::uint64_t seed, std::uint64_t entity,
                                     std::uint64_t step) {
  const auto a = static_cast<std::int64_t>(active.size());
  check_k(n, a, "add_noise");
  if (v < 0 || v > a || v > n - a)
    throw Error("add_noise: replaced cells v = {}: must be in [0, min(a = {}, n - a = {})]", v, a,
                n - a);
  std::vector<std::uint8_t> in(static_cast<std::size_t>(n), 0);
  for (auto c : active) {
    if (c >= n) throw Error("add_noise: cell {} out of range [0, n = {})", c, n);
    if (in[c]) throw Error("add_noise: cell {} listed twice", c);
    in[c] = 1;
  }
  counter_rng r(seed, stream::memory, entity, step);
  std::vector<std::uint8_t> seen(static_cast<std::size_t>(std::max(a, n - a)), 0);
  std::vector<std::uint32_t> drop, add;
  floyd(r, a, v, seen, drop);  // positions in `active` to drop
  floyd(r, n - a, v, seen, add);  // ranks among the inactive cells to add
  std::vector<std::uint8_t> dropped(static_cast<std::size_t>(a), 0);
  for (auto d : drop) dropped[d] = 1;
  std::vector<std::uint32_t> out;
  out.reserve(static_cast<std::size_t>(a));
  for (std::int64_t i = 0; i < a; ++i)
    if (!dropped[i]) out.push_back(active[i]);
  std::sort(add.begin(), add.end());
  // map ranks among inactive cells to cell ids in one pass
  std::size_t next = 0;
  std::int64_t rank = 0;
  for (std::int64_t c = 0; c < n && next < add.size(); ++c) {
    if (in[c]) continue;
    if (rank == add[next]) {
      out.push_back(static_cast<std::uint32_t>(c));
      ++next;
    }
    ++rank;
  }
  std::sort(out.begin(), out.end());
  return out;
}

dendritic_neuron::dendritic_neuron(const dendritic_neuron_params& p) : p_(p) { p_.validate(); }

void dendritic_neuron::mark(std::span<const std::uint32_t> active,
                            std::vector<std::uint8_t>& mask) const {
  mask.assign(static_cast<std::size_t>(p_.n), 0);
  for (auto c : active) {
    if (c >= p_.n) throw Error("dendritic_neuron: cell {} out of range [0, n = {})", c, p_.n);
    if (mask[c]) throw Error("dendritic_neuron: cell {} listed twice in the pattern", c);
    mask[c] = 1;
  }
}

std::size_t dendritic_neuron::learn(std::span<const std::uint32_t> active) {
  std::vector<std::uint8_t> mask;
  mark(active, mask);
  const auto a = static_cast<std::int64_t>(active.size());
  if (a < p_.synapses)
    throw Error("dendritic_neuron.learn: the pattern has {} active cells, fewer than "
                "synapses = {}",
                a, p_.synapses);
  counter_rng r(p_.seed, stream::memory, segments_.size());
  std::vector<std::uint8_t> seen(static_cast<std::size_t>(a), 0);
  std::vector<std::uint32_t> pick;
  floyd(r, a, p_.synapses, seen, pick);
  std::vector<std::uint32_t> cells;
  cells.reserve(pick.size());
  for (auto i : pick) cells.push_back(active[i]);
  std::sort(cells.begin(), cells.end());
  segments_.push_back(std::move(cells));
  return segments_.size() - 1;
}

std::size_t dendritic_neuron::add_segment(std::span<const std::uint32_t> cells) {
  if (static_cast<std::int64_t>(cells.size()) != p_.synapses)
    throw Error("dendritic_neuron.add_segment: {} cells given: a segment has synapses = {}",
                cells.size(), p_.synapses);
  std::vector<std::uint8_t> mask;
  mark(cells, mask);
  std::vector<std::uint32_t> c(cells.begin(), cells.end());
  std::sort(c.begin(), c.end());
  segments_.push_back(std::move(c));
  return segments_.size() - 1;
}

std::vector<std::uint32_t> dendritic_neuron::overlaps(
    std::span<const std::uint32_t> active) const {
  std::vector<std::uint8_t> mask;
  mark(active, mask);
  std::vector<std::uint32_t> out(segments_.size(), 0);
  for (std::size_t k = 0; k < segments_.size(); ++k)
    for (auto c : segments_[k]) out[k] += mask[c];
  return out;
}

std::int64_t dendritic_neuron::first_active_segment(std::span<const std::uint32_t> active) const {
  const auto ov = overlaps(active);
  for (std::size_t k = 0; k < ov.size(); ++k)
    if (static_cast<std::int64_t>(ov[k]) >= p_.threshold) return static_cast<std::int64_t>(k);
  return -1;
}

const std::vector<std::uint32_t>& dendritic_neuron::segment(std::size_t k) const {
  if (k >= segments_.size())
    throw Error("dendritic_neuron.segment({}): the neuron has {} segments", k, segments_.size());
  return segments_[k];
}

std::int64_t monte_carlo_false_matches(std::int64_t n, std::int64_t a, std::int64_t s,
                                       std::int64_t theta, std::int64_t trials,
                                       std::uint64_t seed) {
  dendritic_neuron_params p{n, s, theta, seed};
  p.validate();
  check_k(n, a, "monte_carlo_false_matches");
  if (trials < 0) throw Error("monte_carlo_false_matches: trials = {}: must be >= 0", trials);
  const auto segment = random_pattern(n, s, seed, 0);
  std::vector<std::uint8_t> on(static_cast<std::size_t>(n), 0);
  for (auto c : segment) on[c] = 1;
  std::int64_t matches = 0;
#pragma omp parallel reduction(+ : matches)
  {
    std::vector<std::uint8_t> seen(static_cast<std::size_t>(n), 0);
    std::vector<std::uint32_t> pat;
#pragma omp for schedule(static)
    for (std::int64_t t = 0; t < trials; ++t) {
      counter_rng r(seed, stream::memory, static_cast<std::uint64_t>(t) + 1);
      floyd(r, n, a, seen, pat);
      std::int64_t ov = 0;
      for (auto c : pat) ov += on[c];
      matches += ov >= theta;
    }
  }
  return matches;
}

std::int64_t monte_carlo_noise_matches(std::int64_t n, std::int64_t a, std::int64_t s,
                                       std::int64_t theta, std::int64_t v, std::int64_t trials,
                                       std::uint64_t seed) {
  dendritic_neuron_params p{n, s, theta, seed};
  p.validate();
  check_k(n, a, "monte_carlo_noise_matches");
  if (s > a) throw Error("monte_carlo_noise_matches: synapses s = {}: must be <= a = {}", s, a);
  if (v < 0 || v > a || v > n - a)
    throw Error("monte_carlo_noise_matches: v = {}: must be in [0, min(a, n - a)]", v);
  if (trials < 0) throw Error("monte_carlo_noise_matches: trials = {}: must be >= 0", trials);
  std::int64_t matches = 0;
#pragma omp parallel reduction(+ : matches)
  {
    std::vector<std::uint8_t> seen(static_cast<std::size_t>(n), 0), in(static_cast<std::size_t>(n), 0);
    std::vector<std::uint32_t> pat, seg, drop;
#pragma omp for schedule(static)
    for (std::int64_t t = 0; t < trials; ++t) {
      counter_rng r(seed, stream::memory, static_cast<std::uint64_t>(t) + 1);
      floyd(r, n, a, seen, pat);    // the stored pattern
      floyd(r, a, s, seen, seg);    // positions in pat carrying synapses
      floyd(r, a, v, seen, drop);   // positions in pat that are replaced
      // the v new cells lie outside the pattern, where the segment has no synapse,
      // so only the retained cells count
      for (auto d : drop) in[d] = 1;
      std::int64_t ov = 0;
      for (auto k : seg) ov += !in[k];
      for (auto d : drop) in[d] = 0;
      matches += ov >= theta;
    }
  }
  return matches;
}

}  // namespace hebb::memory
