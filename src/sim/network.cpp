#include <hebb/sim/network.hpp>

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <cmath>

namespace hebb::sim {

namespace {

double physical_memory() {
  return static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
}

// Thread t's range of n neurons, boundaries on multiples of 64 (the SIMD loops and
// the Poisson drive's blocks of random numbers).
std::pair<std::size_t, std::size_t> thread_range(std::size_t n, int t, int nth) {
  auto cut = [&](int k) {
    if (k >= nth) return n;
    const std::size_t c = n * static_cast<std::size_t>(k) / static_cast<std::size_t>(nth);
    return std::min(n, (c + 63) / 64 * 64);
  };
  return {cut(t), cut(t + 1)};
}

// A barrier that spins briefly, then yields the core: on a shared machine whose other
// core is busy, a thread waiting for the one that lost its core gives it the time
// slice instead of burning it (OpenMP's barrier spins much longer).
class spin_barrier {
public:
  explicit spin_barrier(int n) : n_(n) {}
  void wait() {
    if (n_ == 1) return;
    const int phase = phase_.load(std::memory_order_acquire);
    if (count_.fetch_add(1, std::memory_order_acq_rel) == n_ - 1) {
      count_.store(0, std::memory_order_relaxed);
      phase_.fetch_add(1, std::memory_order_release);
      return;
    }
    for (int spins = 0; phase_.load(std::memory_order_acquire) == phase; ++spins)
      if (spins > 2000) std::this_thread::yield();
  }

private:
  const int n_;
  std::atomic<int> count_{0}, phase_{0};
};

std::uint64_t steps_of(double ms, double dt, const char* what) {
  const double s = std::round(ms / dt);
  if (!(s >= 1) || std::fabs(s * dt - ms) > 1e-6 * std::max(1.0, ms))
    throw Error("{} = {} ms: must be a positive multiple of dt = {} ms", what, ms, dt);
  return static_cast<std::uint64_t>(s);
}

}  // namespace

network::network(network_config c) : cfg_(std::move(c)) {
  if (!(cfg_.dt > 0) || !std::isfinite(cfg_.dt)) throw Error("simulation.dt = {} ms: must be > 0", cfg_.dt);
  if (cfg_.threads < 1) throw Error("simulation.threads = {}: must be >= 1", cfg_.threads);
  if (cfg_.precision != "double" && cfg_.precision != "float")
    throw Error("simulation.precision = '{}': must be 'double' or 'float'", cfg_.precision);
  if (cfg_.memory_limit <= 0) cfg_.memory_limit = 0.8 * physical_memory();
}

network::~network() = default;
network::network(network&&) noexcept = default;
network& network::operator=(network&&) noexcept = default;

void network::check_memory(double extra, const std::string& what) const {
  const double total = static_cast<double>(bytes()) + extra;
  if (total > cfg_.memory_limit)
    throw Error("{} would bring the network to an estimated {:.2f} GiB, above the limit of {:.2f} GiB; "
                "reduce sizes or connection counts",
                what, total / (1 << 30), cfg_.memory_limit / (1 << 30));
}

population& network::add_population(population_args a) {
  for (const auto& p : pops_)
    if (p->name() == a.name) throw Error("population '{}' is defined twice", a.name);
  if (a.precision.empty()) a.precision = cfg_.precision;
  a.gid0 = gid_next_;
  check_memory(static_cast<double>(a.size) * 64.0, fmt::format("population '{}' ({} neurons)", a.name, a.size));
  pops_.push_back(make_population(a));
  gid_next_ += a.size;
  pops_.back()->prepare(cfg_.dt, 1);
  return *pops_.back();
}

population& network::pop(const std::string& name) {
  std::vector<std::string> names;
  for (auto& p : pops_) {
    if (p->name() == name) return *p;
    names.push_back(p->name());
  }
  throw_unknown("population", name, names);
}

projection& network::proj(const std::string& name) {
  std::vector<std::string> names;
  for (auto& p : projs_) {
    if (p->name() == name) return *p;
    names.push_back(p->name());
  }
  throw_unknown("projection", name, names);
}

projection& network::connect(const std::string& pre, const std::string& post, projection_args a) {
  population& src = pop(pre);
  population& dst = pop(post);
  if (a.name.empty()) a.name = fmt::format("{}_{}_{}", pre, post, projs_.size());
  for (const auto& p : projs_)
    if (p->name() == a.name) throw Error("projection '{}' is defined twice", a.name);
  const double nsyn = projection::expected_synapses(a.connect, src.size(), dst.size());
  check_memory(nsyn * 10.0 + 8.0 * static_cast<double>(src.size()),
               fmt::format("projection '{}' (about {:.3g} synapses)", a.name, nsyn));
  auto p = std::make_unique<projection>(static_cast<std::uint32_t>(projs_.size()), a, src, dst, cfg_.seed, cfg_.dt);
  if (p->max_delay() > dst.max_delay()) {
    check_memory(static_cast<double>(dst.bytes_per_neuron(p->max_delay()) - dst.bytes_per_neuron(dst.max_delay())) *
                     static_cast<double>(dst.size()),
                 fmt::format("the delays of projection '{}' (ring buffers of '{}')", a.name, post));
    dst.prepare(cfg_.dt, p->max_delay());
  }
  projs_.push_back(std::move(p));
  return *projs_.back();
}

void network::add_poisson_input(const std::string& target, std::vector<double> rate, double weight, receptor port) {
  population& p = pop(target);
  for (double r : rate)
    if (!(r >= 0)) throw Error("poisson input to '{}': rate = {} Hz: must be >= 0", target, r);
  if (p.info().conductance_ports && weight < 0)
    throw Error("poisson input to '{}': weight = {} nS: conductance weights must be >= 0", target, weight);
  p.add_poisson({next_input_id(), port, std::move(rate), weight});
}

void network::add_noise_input(const std::string& target, double mean, double sd) {
  if (!(sd >= 0)) throw Error("noise input to '{}': sd = {} pA: must be >= 0", target, sd);
  pop(target).add_noise({next_input_id(), mean, sd});
  pop(target).prepare(cfg_.dt, pop(target).max_delay());
}

void network::add_current_input(const std::string& target, std::vector<double> times,
                                std::vector<double> amplitudes, std::size_t first, std::size_t count) {
  population& p = pop(target);
  if (times.size() != amplitudes.size() || times.empty())
    throw Error("current input to '{}': {} times and {} amplitudes: need the same number, at least one", target,
                times.size(), amplitudes.size());
  if (count == 0) count = p.size() - std::min(first, p.size());
  if (first + count > p.size())
    throw Error("current input to '{}': neurons [{}, {}) exceed the population size {}", target, first, first + count, p.size());
  double last = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (!(times[i] >= 0)) throw Error("current input to '{}': times[{}] = {} ms: must be >= 0", target, i, times[i]);
    if (i && times[i] < times[i - 1]) throw Error("current input to '{}': times must not decrease (times[{}] = {})", target, i, times[i]);
    // the amplitude acts from the step that starts at times[i]
    const auto step = static_cast<std::uint64_t>(std::llround(times[i] / cfg_.dt));
    currents_.push_back({step, &p, first, first + count, amplitudes[i] - last});
    last = amplitudes[i];
  }
}

std::size_t network::record_spikes(const std::string& name) {
  pop(name);
  spikes_.push_back({name, {}, {}});
  return spikes_.size() - 1;
}

std::size_t network::record_state(const std::string& name, std::vector<std::string> variables,
                                  std::vector<std::uint32_t> indices, double every_ms) {
  population& p = pop(name);
  state_monitor m;
  m.population = name;
  for (const auto& v : variables) m.var_ids.push_back(p.var_index(v));
  for (auto i : indices)
    if (i >= p.size()) throw Error("record state of '{}': index {} is outside the population (size {})", name, i, p.size());
  m.variables = std::move(variables);
  m.indices = std::move(indices);
  m.every = every_ms > 0 ? static_cast<std::uint32_t>(steps_of(every_ms, cfg_.dt, "record.every")) : 1;
  m.data.resize(m.variables.size());
  states_.push_back(std::move(m));
  return states_.size() - 1;
}

std::size_t network::record_rate(const std::string& name, double bin_ms) {
  pop(name);
  rate_monitor m;
  m.population = name;
  m.bin = bin_ms > 0 ? static_cast<std::uint32_t>(steps_of(bin_ms, cfg_.dt, "record.bin")) : 1;
  m.bin_ms = m.bin * cfg_.dt;
  rates_.push_back(std::move(m));
  return rates_.size() - 1;
}

std::size_t network::record_weights(const std::string& name, std::vector<std::uint64_t> indices, double every_ms) {
  auto& pr = proj(name);
  for (auto k : indices)
    if (k >= pr.size()) throw Error("record weights of '{}': synapse {} is outside the projection ({} synapses)", name, k, pr.size());
  weight_monitor m;
  m.projection = name;
  m.indices = std::move(indices);
  m.every = every_ms > 0 ? static_cast<std::uint32_t>(steps_of(every_ms, cfg_.dt, "record.every")) : 1;
  weights_mon_.push_back(std::move(m));
  return weights_mon_.size() - 1;
}

void network::set_plasticity(const std::string& name, const rule_args& args) {
  auto& pr = proj(name);
  pr.set_rule(make_rule(name, args), cfg_.dt);
}

void network::add_modulator(const std::string& name, double initial) {
  if (name.empty()) throw Error("a modulator needs a name");
  if (modulators_.contains(name) || modulator_vectors_.contains(name)) throw Error("modulator '{}' is defined twice", name);
  modulators_[name] = initial;
}

void network::set_modulator(const std::string& name, double value) {
  double* m = find_modulator(name);
  if (!m) throw_unknown("modulator", name, modulator_names());
  *m = value;
}

void network::add_modulator_schedule(const std::string& name, std::vector<double> times, std::vector<double> values) {
  if (!find_modulator(name)) throw_unknown("modulator", name, modulator_names());
  if (times.size() != values.size())
    throw Error("modulator '{}' schedule: {} times and {} values", name, times.size(), values.size());
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (!(times[i] >= 0)) throw Error("modulator '{}' schedule: times[{}] = {} ms: must be >= 0", name, i, times[i]);
    mod_events_.push_back({static_cast<std::uint64_t>(std::llround(times[i] / cfg_.dt)), name, values[i]});
  }
}

double* network::find_modulator(const std::string& name) {
  auto it = modulators_.find(name);
  return it == modulators_.end() ? nullptr : &it->second;
}

double network::modulator(const std::string& name) {
  double* m = find_modulator(name);
  if (!m) throw_unknown("modulator", name, modulator_names());
  return *m;
}

void network::add_modulator_vector(const std::string& name, std::size_t size, double initial) {
  if (name.empty()) throw Error("a modulator needs a name");
  if (modulator_vectors_.contains(name) || modulators_.contains(name))
    throw Error("modulator '{}' is defined twice", name);
  modulator_vectors_[name].assign(size, initial);
}

void network::set_modulator_vector(const std::string& name, std::span<const double> values) {
  auto* m = find_modulator_vector(name);
  if (!m) throw_unknown("per-neuron modulator", name, modulator_vector_names());
  if (values.size() != m->size())
    throw Error("per-neuron modulator '{}': {} values given, it has {}", name, values.size(), m->size());
  std::copy(values.begin(), values.end(), m->begin());
}

std::vector<double>* network::find_modulator_vector(const std::string& name) {
  auto it = modulator_vectors_.find(name);
  return it == modulator_vectors_.end() ? nullptr : &it->second;
}

std::vector<std::string> network::modulator_vector_names() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : modulator_vectors_) out.push_back(k);
  return out;
}

std::vector<std::string> network::modulator_names() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : modulators_) out.push_back(k);
  return out;
}

void network::add_step_hook(std::function<void(const step_view&)> hook) { hooks_.push_back(std::move(hook)); }

std::size_t network::population_index(const std::string& name) const {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < pops_.size(); ++i) {
    if (pops_[i]->name() == name) return i;
    names.push_back(pops_[i]->name());
  }
  throw_unknown("population", name, names);
}

std::span<const std::uint32_t> step_view::spikes(const std::string& population) const {
  return fired.at(net.population_index(population));
}

std::size_t network::synapse_count() const {
  std::size_t n = 0;
  for (const auto& p : projs_) n += p->size();
  return n;
}

std::size_t network::bytes() const {
  std::size_t b = 0;
  for (const auto& p : pops_) b += p->bytes_per_neuron(p->max_delay()) * p->size();
  for (const auto& p : projs_) b += p->bytes();
  return b;
}

bool network::run(double duration_ms, const run_control& control) {
  if (!(duration_ms >= 0) || !std::isfinite(duration_ms))
    throw Error("run duration = {} ms: must be >= 0", duration_ms);
  const std::uint64_t n_steps = static_cast<std::uint64_t>(std::llround(duration_ms / cfg_.dt));
  const std::uint64_t s0 = step_, s1 = step_ + n_steps;
  std::stable_sort(currents_.begin() + static_cast<std::ptrdiff_t>(next_current_), currents_.end(),
                   [](const auto& a, const auto& b) { return a.step < b.step; });
  std::stable_sort(mod_events_.begin() + static_cast<std::ptrdiff_t>(next_mod_), mod_events_.end(),
                   [](const auto& a, const auto& b) { return a.step < b.step; });
  for (auto& p : projs_)
    if (p->rule()) p->rule()->prepare(*this);
  // projections by source population index, and the plastic ones, for the hot phases
  std::vector<std::size_t> pre_index, post_index;
  std::vector<std::size_t> plastic;
  auto apply_currents = [&](std::uint64_t s) {
    while (next_current_ < currents_.size() && currents_[next_current_].step <= s) {
      const auto& c = currents_[next_current_++];
      c.target->add_current(c.first, c.end, c.delta);
    }
  };
  // monitors by population index, so the gather phase finds them without lookups
  const std::size_t np = pops_.size();
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < np; ++i) index[pops_[i]->name()] = i;
  std::vector<std::vector<spike_monitor*>> spike_mon(np);
  std::vector<std::vector<rate_monitor*>> rate_mon(np);
  for (auto& m : spikes_) spike_mon[index.at(m.population)].push_back(&m);
  for (auto& m : rates_) rate_mon[index.at(m.population)].push_back(&m);
  for (std::size_t k = 0; k < projs_.size(); ++k) {
    pre_index.push_back(index.at(projs_[k]->pre().name()));
    post_index.push_back(index.at(projs_[k]->post().name()));
    if (projs_[k]->rule()) {
      projs_[k]->incoming_ptr();  // build before the threads read it
      plastic.push_back(k);
    }
  }

  const int nth = cfg_.threads;
  std::vector<std::vector<std::vector<std::uint32_t>>> local(nth, std::vector<std::vector<std::uint32_t>>(np));
  std::vector<std::vector<std::uint32_t>> fired(np);
  std::uint64_t stop_at = s1;
  using clock = std::chrono::steady_clock;
  auto last_report = clock::now();
  apply_currents(s0);

  spin_barrier sync(nth);
#pragma omp parallel num_threads(nth)
  {
    const int tid = omp_get_thread_num();
    for (std::uint64_t s = s0; s < stop_at; ++s) {
      const step_context ctx{s, cfg_.dt, cfg_.seed};
      // update: integrate and detect, each thread over its neuron ranges
      for (std::size_t i = 0; i < np; ++i) {
        auto& out = local[tid][i];
        out.clear();
        const auto [b, e] = thread_range(pops_[i]->size(), tid, nth);
        if (b < e) pops_[i]->update(ctx, b, e, out);
      }
      sync.wait();
      if (tid == 0) {
        // gather in thread order (= neuron order), record, schedule
        const double t = static_cast<double>(s + 1) * cfg_.dt;
        for (std::size_t i = 0; i < np; ++i) {
          auto& f = fired[i];
          f.clear();
          for (int k = 0; k < nth; ++k) f.insert(f.end(), local[k][i].begin(), local[k][i].end());
          total_spikes_ += f.size();
          for (auto* m : spike_mon[i]) {
            m->times.insert(m->times.end(), f.size(), t);
            m->senders.insert(m->senders.end(), f.begin(), f.end());
          }
          for (auto* m : rate_mon[i]) {
            m->count += f.size();
            if (++m->filled == m->bin) {
              m->times.push_back(t);
              m->rate.push_back(static_cast<double>(m->count) / (static_cast<double>(pops_[i]->size()) * m->bin_ms * 1e-3));
              m->count = 0;
              m->filled = 0;
            }
          }
        }
        for (auto& m : states_) {
          if ((s + 1) % m.every != 0) continue;
          const population& p = *pops_[index.at(m.population)];
          m.times.push_back(t);
          for (std::size_t v = 0; v < m.var_ids.size(); ++v)
            for (auto i : m.indices) m.data[v].push_back(p.get(m.var_ids[v], i));
        }
        for (auto& m : weights_mon_) {
          if ((s + 1) % m.every != 0) continue;
          const auto w = proj(m.projection).weights();
          m.times.push_back(t);
          if (m.indices.empty())
            m.data.insert(m.data.end(), w.begin(), w.end());
          else
            for (auto k : m.indices) m.data.push_back(w[k]);
        }
        // signals: modulator schedules, step hooks, rules' per-neuron state
        while (next_mod_ < mod_events_.size() && mod_events_[next_mod_].step <= s + 1) {
          modulators_[mod_events_[next_mod_].name] = mod_events_[next_mod_].value;
          ++next_mod_;
        }
        if (!hooks_.empty()) {
          const step_view view{s, cfg_.dt, *this, fired};
          for (auto& h : hooks_) h(view);
        }
        const rule_context rctx{s, cfg_.dt, cfg_.seed};
        for (std::size_t k = 0; k < projs_.size(); ++k)
          if (auto* r = projs_[k]->rule()) r->on_step(rctx, fired[pre_index[k]], fired[post_index[k]]);
        apply_currents(s + 1);
        step_ = s + 1;
        if (control.stop && control.stop->load(std::memory_order_relaxed)) stop_at = s + 1;
        if (control.progress && (s + 1) % 64 == 0) {
          const auto now = clock::now();
          if (std::chrono::duration<double>(now - last_report).count() >= control.progress_interval) {
            last_report = now;
            control.progress(t, static_cast<double>(s1) * cfg_.dt, total_spikes_);
          }
        }
      }
      sync.wait();
      // deliver: each thread into its own range of every target population
      for (std::size_t k = 0; k < projs_.size(); ++k) {
        const auto& f = fired[pre_index[k]];
        if (f.empty()) continue;
        const auto [b, e] = thread_range(projs_[k]->post().size(), tid, nth);
        if (b < e) projs_[k]->deliver(s, f, b, e);
      }
      // plasticity: each thread on the synapses of its own targets
      for (const std::size_t k : plastic) {
        projection* pr = projs_[k].get();
        const rule_context rctx{s, cfg_.dt, cfg_.seed};
        const auto [b, e] = thread_range(pr->post().size(), tid, nth);
        if (b >= e) continue;
        for (const auto t : fired[post_index[k]])
          if (t >= b && t < e) pr->rule()->on_post(rctx, t);
        const auto rows = pr->row_ptr();
        const auto tg = pr->targets();
        for (const auto src : fired[pre_index[k]]) {
          const auto* first = tg.data() + rows[src];
          const auto* last = tg.data() + rows[src + 1];
          const auto lo = static_cast<std::size_t>(std::lower_bound(first, last, static_cast<std::uint32_t>(b)) - tg.data());
          const auto hi = static_cast<std::size_t>(std::lower_bound(tg.data() + lo, last, static_cast<std::uint32_t>(e)) - tg.data());
          if (lo < hi) pr->rule()->on_pre(rctx, src, lo, hi);
        }
      }
      // no barrier here: a thread's next update touches only its own neurons and ring
      // slots, which only it delivers into; the barrier after the update orders the
      // next gather after every thread's delivery
    }
  }
  if (control.progress) control.progress(time(), static_cast<double>(s1) * cfg_.dt, total_spikes_);
  return stop_at == s1;
}

}  // namespace hebb::sim
