#pragma once
// Source populations: they emit spikes and receive no input.
//   poisson       each neuron fires as a Poisson process of its rate [Hz]; the spike
//                 in each step is a Bernoulli(rate*dt) event, drawn as geometric
//                 waiting times keyed by (neuron gid, draw count), so the cost is per
//                 spike, not per neuron and step.
//   spike_source  each neuron fires at given times [ms] (rounded to the step grid).
#include <cmath>
#include <limits>

#include <hebb/core/rng.hpp>
#include <hebb/sim/population.hpp>

namespace hebb::sim {

class source_population : public population {
public:
  using population::population;
  void prepare(double dt, std::uint32_t) override { dt_ = dt; }
  std::uint32_t max_delay() const override { return 0; }
  void deliver(receptor, std::uint64_t, std::span<const std::uint32_t>, const synapse_rows&, std::size_t,
               std::size_t) override {
    throw Error("population '{}' is a {} source and takes no input", name(), info().name);
  }
  void add_poisson(poisson_drive) override { no_input(); }
  void add_noise(noise_drive) override { no_input(); }
  void add_current(std::size_t, std::size_t, double) override { no_input(); }

protected:
  [[noreturn]] void no_input() const {
    throw Error("population '{}' is a {} source and takes no input", name(), info().name);
  }
  double dt_ = 0;
};

class poisson_source final : public source_population {
public:
  poisson_source(const population_args& a);
  const model_info& info() const override;
  void update(const step_context& ctx, std::size_t begin, std::size_t end,
              std::vector<std::uint32_t>& spikes) override;
  double get(std::size_t var, std::size_t i) const override { return rate_.at(i); }
  void set(std::size_t var, std::size_t i, double value) override;
  std::size_t bytes_per_neuron(std::uint32_t) const override { return 24; }

private:
  void draw_next(std::size_t k, std::uint64_t from, std::uint64_t seed);
  std::vector<double> rate_;
  std::vector<std::uint64_t> next_, draws_;
};

class spike_source final : public source_population {
public:
  spike_source(const population_args& a);
  const model_info& info() const override;
  void prepare(double dt, std::uint32_t) override;
  void update(const step_context& ctx, std::size_t begin, std::size_t end,
              std::vector<std::uint32_t>& spikes) override;
  double get(std::size_t, std::size_t i) const override { return double(times_.at(i).size()); }
  void set(std::size_t, std::size_t, double) override {
    throw Error("spike_source '{}': spike times are fixed when built", name());
  }
  std::size_t bytes_per_neuron(std::uint32_t) const override { return 32; }

private:
  std::vector<std::vector<double>> times_;
  std::vector<std::vector<std::uint64_t>> steps_;
  std::vector<std::size_t> next_;
};

}  // namespace hebb::sim
