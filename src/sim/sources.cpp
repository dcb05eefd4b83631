#include "sources.hpp"

#include <algorithm>

namespace hebb::sim {

namespace {
constexpr std::uint64_t never = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t undrawn = never - 1;  // the wait is drawn at the next step
}

poisson_source::poisson_source(const population_args& a) : source_population(a.name, a.size, a.gid0) {
  std::vector<double> r = a.rates;
  if (r.empty()) r = {a.params.contains("rate") ? a.params.at("rate") : 0.0};
  for (const auto& [k, v] : a.params)
    if (k != "rate") throw_unknown("parameter of poisson", k, std::vector<std::string>{"rate"});
  if (r.size() != 1 && r.size() != a.size)
    throw Error("poisson population '{}': {} rates given, need 1 or {}", a.name, r.size(), a.size);
  rate_.assign(a.size, r[0]);
  if (r.size() == a.size) rate_ = r;
  for (std::size_t k = 0; k < rate_.size(); ++k)
    if (!(rate_[k] >= 0)) throw Error("poisson population '{}': rate[{}] = {} Hz: must be >= 0", a.name, k, rate_[k]);
  next_.assign(a.size, undrawn);
  draws_.assign(a.size, 0);
}

const model_info& poisson_source::info() const {
  static const model_info m{"poisson", "Poisson spike source: each neuron fires at `rate` (one value or one per neuron)",
                            "source", {{"rate", 0.0, "Hz", "firing rate"}}, {{"rate", "Hz", "firing rate"}}, {}};
  return m;
}

// Steps until the next spike of a Bernoulli(p)-per-step process: geometric.
void poisson_source::draw_next(std::size_t k, std::uint64_t from, std::uint64_t seed) {
  const double p = rate_[k] * dt_ * 1e-3;
  if (p <= 0) {
    next_[k] = never;
    return;
  }
  if (p >= 1) {
    next_[k] = from;
    return;
  }
  // keyed by the neuron's draw count, so a redraw after a rate change uses a new number
  counter_rng r(seed, stream::poisson_source, gid0() + k, draws_[k]++);
  const double wait = std::floor(std::log(r.uniform53()) / std::log1p(-p));
  next_[k] = wait > 1e18 ? never : from + static_cast<std::uint64_t>(wait);
}

void poisson_source::update(const step_context& ctx, std::size_t begin, std::size_t end,
                            std::vector<std::uint32_t>& spikes) {
  for (std::size_t k = begin; k < end; ++k) {
    if (next_[k] == undrawn) draw_next(k, ctx.step, ctx.seed);
    if (next_[k] == ctx.step) {
      spikes.push_back(static_cast<std::uint32_t>(k));
      draw_next(k, ctx.step + 1, ctx.seed);
    }
  }
}

void poisson_source::set(std::size_t, std::size_t i, double value) {
  if (!(value >= 0)) throw Error("poisson population '{}': rate = {} Hz: must be >= 0", name(), value);
  rate_.at(i) = value;
  next_.at(i) = undrawn;  // the wait is redrawn from the next step
}

spike_source::spike_source(const population_args& a) : source_population(a.name, a.size, a.gid0) {
  if (!a.params.empty()) throw Error("spike_source '{}' has no parameters (give spike_times)", a.name);
  if (a.spike_times.size() != a.size)
    throw Error("spike_source '{}': spike_times has {} lists, need one per neuron ({})", a.name,
                a.spike_times.size(), a.size);
  times_ = a.spike_times;
  for (auto& t : times_) std::sort(t.begin(), t.end());
  next_.assign(a.size, 0);
}

const model_info& spike_source::info() const {
  static const model_info m{"spike_source", "emits spikes at given times [ms] per neuron (spike_times)",
                            "source", {}, {}, {}};
  return m;
}

void spike_source::prepare(double dt, std::uint32_t d) {
  source_population::prepare(dt, d);
  steps_.assign(size(), {});
  for (std::size_t k = 0; k < size(); ++k)
    for (double t : times_[k]) {
      const double s = std::round(t / dt);
      if (!(s >= 1))
        throw Error("spike_source '{}': spike time {} ms of neuron {} is before the first step end ({} ms)",
                    name(), t, k, dt);
      steps_[k].push_back(static_cast<std::uint64_t>(s) - 1);  // a spike at t is emitted by the step ending at t
    }
}

void spike_source::update(const step_context& ctx, std::size_t begin, std::size_t end,
                          std::vector<std::uint32_t>& spikes) {
  for (std::size_t k = begin; k < end; ++k) {
    auto& n = next_[k];
    const auto& s = steps_[k];
    while (n < s.size() && s[n] < ctx.step) ++n;
    if (n < s.size() && s[n] == ctx.step) {
      spikes.push_back(static_cast<std::uint32_t>(k));
      while (n < s.size() && s[n] == ctx.step) ++n;  // several times in one step: one spike
    }
  }
}

}  // namespace hebb::sim
