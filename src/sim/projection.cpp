#include <hebb/sim/projection.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <bit>

#include <hebb/core/rng.hpp>

namespace hebb::sim {

namespace {

// entity of row r of projection id: 24 bits of id, 40 bits of row
std::uint64_t row_entity(std::uint32_t id, std::uint64_t row) {
  return (static_cast<std::uint64_t>(id) << 40) | row;
}

// Draws n values from [0, range) without `skip` (-1: none), appended to `out` in
// ascending order: distinct ones by Floyd's algorithm over a reusable bitset, or
// with repetition (multapses).
class chooser {
public:
  void draw(counter_rng& r, std::uint64_t range, std::uint64_t n, std::int64_t skip, bool repeat,
            std::vector<std::uint32_t>& out) {
    const std::uint64_t m = skip >= 0 ? range - 1 : range;  // draw from [0, m), shift past skip
    auto shift = [&](std::uint64_t v) {
      return static_cast<std::uint32_t>(skip >= 0 && static_cast<std::int64_t>(v) >= skip ? v + 1 : v);
    };
    const std::size_t first = out.size();
    if (repeat) {
      for (std::uint64_t q = 0; q < n; ++q) out.push_back(shift(r.below(m)));
      std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
      return;
    }
    if (bits_.size() * 64 < m) bits_.assign(m / 64 + 1, 0);
    chosen_.clear();
    for (std::uint64_t j = m - n; j < m; ++j) {
      std::uint64_t t = r.below(j + 1);
      if (bits_[t >> 6] >> (t & 63) & 1) t = j;
      bits_[t >> 6] |= std::uint64_t{1} << (t & 63);
      chosen_.push_back(t);
    }
    if (n * 8 >= m / 64) {  // dense: read the bitset in order
      for (std::uint64_t w = 0; w <= (m - 1) / 64 && m > 0; ++w)
        for (std::uint64_t b = bits_[w]; b; b &= b - 1) out.push_back(shift(w * 64 + static_cast<std::uint64_t>(std::countr_zero(b))));
    } else {
      std::sort(chosen_.begin(), chosen_.end());
      for (auto v : chosen_) out.push_back(shift(v));
    }
    for (auto v : chosen_) bits_[v >> 6] = 0;
  }

private:
  std::vector<std::uint64_t> bits_;
  std::vector<std::uint64_t> chosen_;
};

std::vector<double> draw_values(const value_spec& s, std::size_t n, std::uint64_t seed, stream st,
                                std::uint32_t id, const char* what, const std::string& proj) {
  std::vector<double> v(n);
  counter_rng r(seed, st, id);
  switch (s.k) {
    case value_spec::kind::constant: std::fill(v.begin(), v.end(), s.value); break;
    case value_spec::kind::array:
      if (s.values.size() != n)
        throw Error("projection '{}': {} has {} values, the connection rule made {} synapses", proj, what,
                    s.values.size(), n);
      v = s.values;
      break;
    case value_spec::kind::uniform:
      if (!(s.low < s.high)) throw Error("projection '{}': {} uniform low = {} must be below high = {}", proj, what, s.low, s.high);
      for (auto& x : v) x = r.uniform(s.low, s.high);
      break;
    case value_spec::kind::normal:
      if (!(s.sd >= 0)) throw Error("projection '{}': {} normal sd = {}: must be >= 0", proj, what, s.sd);
      if (!(s.low <= s.high)) throw Error("projection '{}': {} normal low = {} must not exceed high = {}", proj, what, s.low, s.high);
      for (auto& x : v) x = std::clamp(r.normal(s.mean, s.sd), s.low, s.high);
      break;
  }
  return v;
}

}  // namespace

double projection::expected_synapses(const connect_spec& c, std::size_t n_pre, std::size_t n_post) {
  const double a = static_cast<double>(n_pre), b = static_cast<double>(n_post);
  if (c.rule == "all_to_all") return a * b;
  if (c.rule == "one_to_one") return a;
  if (c.rule == "fixed_probability") return c.p * a * b + 6 * std::sqrt(c.p * a * b + 1);
  if (c.rule == "fixed_indegree") return static_cast<double>(c.n) * b;
  if (c.rule == "fixed_outdegree") return static_cast<double>(c.n) * a;
  if (c.rule == "explicit") return static_cast<double>(c.sources.size());
  return 0;
}

projection::projection(std::uint32_t id, const projection_args& a, population& pre, population& post,
                       std::uint64_t seed, double dt)
    : name_(a.name), id_(id), pre_(&pre), post_(&post), port_(a.port) {
  const auto& c = a.connect;
  const std::size_t np = pre.size(), nq = post.size();
  const bool same = &pre == &post;
  if (post.is_source()) throw Error("projection '{}': target '{}' is a spike source and takes no input", name_, post.name());
  if (np > std::numeric_limits<std::uint32_t>::max() || nq > std::numeric_limits<std::uint32_t>::max())
    throw Error("projection '{}': populations above 2^32 neurons are not supported", name_);
  auto self = [&](std::size_t i) { return same && !c.autapses ? static_cast<std::int64_t>(i) : -1; };
  const std::uint64_t avail = same && !c.autapses ? nq - 1 : nq;
  // Rules that draw rows by source append them in order; fixed_indegree and explicit
  // lists are transposed by a counting sort (targets ascend within every row).
  row_ptr_.assign(np + 1, 0);
  auto close_row = [&](std::size_t i) { row_ptr_[i + 1] = targets_.size(); };
  chooser pick;
  std::vector<std::size_t> order;
  if (c.rule == "all_to_all") {
    targets_.reserve(np * avail);
    for (std::size_t i = 0; i < np; ++i) {
      for (std::size_t j = 0; j < nq; ++j)
        if (!(same && !c.autapses && i == j)) targets_.push_back(static_cast<std::uint32_t>(j));
      close_row(i);
    }
  } else if (c.rule == "one_to_one") {
    if (np != nq) throw Error("projection '{}': one_to_one needs equal sizes, got {} and {}", name_, np, nq);
    for (std::size_t i = 0; i < np; ++i) {
      targets_.push_back(static_cast<std::uint32_t>(i));
      close_row(i);
    }
  } else if (c.rule == "fixed_probability") {
    if (!(c.p >= 0 && c.p <= 1)) throw Error("projection '{}': connect.p = {}: must be in [0, 1]", name_, c.p);
    const double logq = std::log1p(-c.p);
    targets_.reserve(static_cast<std::size_t>(expected_synapses(c, np, nq)));
    for (std::size_t i = 0; i < np; ++i) {
      counter_rng r(seed, stream::connect, row_entity(id, i));
      if (c.p > 0) {
        // geometric skips between successive targets: O(synapses), sorted by construction
        double j = c.p >= 1 ? 0 : std::floor(std::log(r.uniform53()) / logq);
        while (j < static_cast<double>(nq)) {
          const auto t = static_cast<std::uint32_t>(j);
          if (!(same && !c.autapses && t == i)) targets_.push_back(t);
          j += 1 + (c.p >= 1 ? 0 : std::floor(std::log(r.uniform53()) / logq));
        }
      }
      close_row(i);
    }
  } else if (c.rule == "fixed_outdegree") {
    if (c.n < 0) throw Error("projection '{}': connect.n = {}: must be >= 0", name_, c.n);
    if (!c.multapses && static_cast<std::uint64_t>(c.n) > avail)
      throw Error("projection '{}': connect.n = {} exceeds the {} possible targets (set multapses = true to allow repeats)", name_, c.n, avail);
    targets_.reserve(np * static_cast<std::size_t>(c.n));
    for (std::size_t i = 0; i < np; ++i) {
      counter_rng r(seed, stream::connect, row_entity(id, i));
      pick.draw(r, nq, static_cast<std::uint64_t>(c.n), self(i), c.multapses, targets_);
      close_row(i);
    }
  } else if (c.rule == "fixed_indegree") {
    if (c.n < 0) throw Error("projection '{}': connect.n = {}: must be >= 0", name_, c.n);
    const std::uint64_t avail_src = same && !c.autapses ? np - 1 : np;
    if (!c.multapses && static_cast<std::uint64_t>(c.n) > avail_src)
      throw Error("projection '{}': connect.n = {} exceeds the {} possible sources (set multapses = true to allow repeats)", name_, c.n, avail_src);
    const auto n = static_cast<std::size_t>(c.n);
    std::vector<std::uint32_t> src;  // n sources per target, target-major
    src.reserve(nq * n);
    for (std::size_t j = 0; j < nq; ++j) {
      counter_rng r(seed, stream::connect, row_entity(id, j));
      pick.draw(r, np, n, self(j), c.multapses, src);
    }
    for (auto x : src) ++row_ptr_[x + 1];
    for (std::size_t i = 0; i < np; ++i) row_ptr_[i + 1] += row_ptr_[i];
    targets_.resize(src.size());
    std::vector<std::uint64_t> fill(row_ptr_.begin(), row_ptr_.end() - 1);
    for (std::size_t j = 0, k = 0; j < nq; ++j)
      for (std::size_t q = 0; q < n; ++q, ++k) targets_[fill[src[k]]++] = static_cast<std::uint32_t>(j);
  } else if (c.rule == "explicit") {
    if (c.sources.size() != c.targets.size())
      throw Error("projection '{}': explicit connect has {} sources and {} targets", name_, c.sources.size(), c.targets.size());
    for (std::size_t k = 0; k < c.sources.size(); ++k) {
      if (c.sources[k] < 0 || static_cast<std::size_t>(c.sources[k]) >= np)
        throw Error("projection '{}': sources[{}] = {}: must be in [0, {})", name_, k, c.sources[k], np);
      if (c.targets[k] < 0 || static_cast<std::size_t>(c.targets[k]) >= nq)
        throw Error("projection '{}': targets[{}] = {}: must be in [0, {})", name_, k, c.targets[k], nq);
    }
    // keep the user's per-synapse values: sort pairs by (source, target) stably and
    // carry arrays along through `order`
    order.resize(c.sources.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
      return std::pair(c.sources[x], c.targets[x]) < std::pair(c.sources[y], c.targets[y]);
    });
    for (auto k : order) {
      targets_.push_back(static_cast<std::uint32_t>(c.targets[k]));
      ++row_ptr_[c.sources[k] + 1];
    }
    for (std::size_t i = 0; i < np; ++i) row_ptr_[i + 1] += row_ptr_[i];
  } else {
    const std::vector<std::string> rules = {"all_to_all", "one_to_one", "fixed_probability", "fixed_indegree", "fixed_outdegree", "explicit"};
    throw_unknown(fmt::format("connection rule of projection '{}'", name_), c.rule, rules);
  }
  targets_.shrink_to_fit();
  const std::size_t n = targets_.size();

  auto permuted = [&](value_spec s) {
    if (s.k == value_spec::kind::array && !order.empty() && s.values.size() == n) {
      std::vector<double> v(n);
      for (std::size_t k = 0; k < n; ++k) v[k] = s.values[order[k]];
      s.values = std::move(v);
    }
    return s;
  };
  const auto w = draw_values(permuted(a.weight), n, seed, stream::weight, id, "weight", name_);
  const auto d = draw_values(permuted(a.delay), n, seed, stream::delay, id, "delay", name_);
  const bool conductance = post.info().conductance_ports;
  weights_.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    if (!std::isfinite(w[k])) throw Error("projection '{}': weight[{}] = {} is not finite", name_, k, w[k]);
    if (conductance && w[k] < 0)
      throw Error("projection '{}': weight[{}] = {} nS: conductance weights onto {} must be >= 0 (the receptor sets the sign)",
                  name_, k, w[k], post.info().name);
    weights_[k] = static_cast<float>(w[k]);
  }
  std::vector<std::uint16_t> steps(n);
  std::uint32_t lo = max_delay_steps, hi = 1;
  for (std::size_t k = 0; k < n; ++k) {
    const double s = std::round(d[k] / dt);
    if (!(s >= 1))
      throw Error("projection '{}': delay[{}] = {} ms is below one step (dt = {} ms)", name_, k, d[k], dt);
    if (s > max_delay_steps)
      throw Error("projection '{}': delay[{}] = {} ms is {} steps, above the maximum of {} steps", name_, k, d[k], s, max_delay_steps);
    steps[k] = static_cast<std::uint16_t>(s);
    lo = std::min<std::uint32_t>(lo, steps[k]);
    hi = std::max<std::uint32_t>(hi, steps[k]);
  }
  max_delay_ = n ? hi : 1;
  if (n == 0 || lo == hi) {
    const_delay_ = static_cast<std::uint16_t>(max_delay_);
  } else {
    delays_ = std::move(steps);
  }
}

std::vector<std::uint32_t> projection::delays() const {
  if (delays_.empty()) return std::vector<std::uint32_t>(size(), const_delay_);
  return {delays_.begin(), delays_.end()};
}

std::size_t projection::bytes() const {
  return row_ptr_.size() * sizeof(std::uint64_t) + targets_.size() * sizeof(std::uint32_t) +
         weights_.size() * sizeof(float) + delays_.size() * sizeof(std::uint16_t) +
         (in_ptr_.size() + in_syn_.size()) * sizeof(std::uint64_t) + in_src_.size() * sizeof(std::uint32_t);
}

std::span<const std::uint64_t> projection::incoming_ptr() {
  if (in_ptr_.empty()) {
    const std::size_t nq = post_->size();
    in_ptr_.assign(nq + 1, 0);
    for (auto t : targets_) ++in_ptr_[t + 1];
    for (std::size_t t = 0; t < nq; ++t) in_ptr_[t + 1] += in_ptr_[t];
    in_syn_.resize(targets_.size());
    std::vector<std::uint64_t> fill(in_ptr_.begin(), in_ptr_.end() - 1);
    in_src_.resize(targets_.size());
    for (std::size_t s = 0; s + 1 < row_ptr_.size(); ++s)
      for (auto k = row_ptr_[s]; k < row_ptr_[s + 1]; ++k) {  // sources ascend with k
        const auto j = fill[targets_[k]]++;
        in_syn_[j] = k;
        in_src_[j] = static_cast<std::uint32_t>(s);
      }
  }
  return in_ptr_;
}

std::span<const std::uint64_t> projection::incoming_synapses() {
  incoming_ptr();
  return in_syn_;
}

std::span<const std::uint32_t> projection::incoming_sources() {
  incoming_ptr();
  return in_src_;
}

std::uint32_t projection::source_of(std::uint64_t k) const {
  return static_cast<std::uint32_t>(std::upper_bound(row_ptr_.begin(), row_ptr_.end(), k) - row_ptr_.begin() - 1);
}

void projection::set_rule(std::unique_ptr<synapse_rule> r, double dt) {
  rule_ = std::move(r);
  if (rule_) rule_->attach(*this, dt);
}

void projection::deliver(std::uint64_t step, std::span<const std::uint32_t> spikes, std::size_t lo,
                         std::size_t hi) const {
  const synapse_rows rows{row_ptr_.data(), targets_.data(), weights_.data(),
                          delays_.empty() ? nullptr : delays_.data(), const_delay_};
  post_->deliver(port_, step, spikes, rows, lo, hi);
}

}  // namespace hebb::sim
