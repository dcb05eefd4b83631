#pragma once
// A population: `size` neurons of one model, state as structure of arrays owned by
// the population, per-receptor ring buffers of arriving input (one slot per step of
// delay), and its drives (Poisson input, noise current, injected current).
// The engine calls `update` once per step per thread range: one virtual call per
// population per step, the model's loop inside.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <hebb/sim/model.hpp>

namespace hebb::sim {

// Independent Poisson events on every neuron of the population (PoissonInput in
// Brian2, poisson_generator with one target each in NEST): each step a neuron
// receives k ~ Poisson(rate * dt) events of `weight` on `port`.
struct poisson_drive {
  std::uint32_t id = 0;            // input index in the network (keys the RNG)
  receptor port = receptor::exc;
  std::vector<double> rate;        // [Hz], one value or one per neuron
  double weight = 0;               // [pA or nS, as the model's port]
};

// Gaussian white current: each step each neuron gets mean + sd * N(0,1) [pA].
struct noise_drive {
  std::uint32_t id = 0;
  double mean = 0, sd = 0;
};

// The synapses of a projection as the target population reads them: CSR by source,
// row i is [row_ptr[i], row_ptr[i+1]) with targets ascending.
struct synapse_rows {
  const std::uint64_t* row_ptr;
  const std::uint32_t* targets;
  const float* weights;
  const std::uint16_t* delays;  // [steps] per synapse, or nullptr: all d_const
  std::uint16_t d_const;
};

struct step_context {
  std::uint64_t step;  // the step being computed: from step*dt to (step+1)*dt
  double dt;           // [ms]
  std::uint64_t seed;
};

class population {
public:
  population(std::string name, std::size_t size, std::uint64_t gid0)
      : name_(std::move(name)), size_(size), gid0_(gid0) {}
  virtual ~population() = default;
  population(const population&) = delete;
  population& operator=(const population&) = delete;

  const std::string& name() const { return name_; }
  std::size_t size() const { return size_; }
  std::uint64_t gid0() const { return gid0_; }  // global id of neuron 0
  virtual const model_info& info() const = 0;
  bool is_source() const { return info().kind == "source"; }

  // Called once before the first run step (and again if delays grow): sizes the
  // ring buffers for delays of up to max_delay steps and precomputes propagators.
  virtual void prepare(double dt, std::uint32_t max_delay) = 0;
  virtual std::uint32_t max_delay() const = 0;

  // Adds the synapses of the sources in `spikes` (which fired at `step`) whose
  // targets lie in [lo, hi) to the input arriving after their delays, on `port`.
  virtual void deliver(receptor port, std::uint64_t step, std::span<const std::uint32_t> spikes,
                       const synapse_rows& rows, std::size_t lo, std::size_t hi) = 0;

  // One step for neurons [begin, end): drives, model step; spiking local indices
  // are appended to `spikes` in increasing order.
  virtual void update(const step_context& ctx, std::size_t begin, std::size_t end,
                      std::vector<std::uint32_t>& spikes) = 0;

  // State variables by name (the model's state_specs), as double.
  virtual std::size_t var_index(const std::string& name) const;
  virtual double get(std::size_t var, std::size_t i) const = 0;
  virtual void set(std::size_t var, std::size_t i, double value) = 0;

  virtual void add_poisson(poisson_drive d) = 0;
  virtual void add_noise(noise_drive d) = 0;
  // Adds `delta` [pA] to the injected current of neurons [begin, end).
  virtual void add_current(std::size_t begin, std::size_t end, double delta) = 0;

  // Bytes per neuron of state and input buffers (for the memory estimate).
  virtual std::size_t bytes_per_neuron(std::uint32_t max_delay) const = 0;

private:
  std::string name_;
  std::size_t size_;
  std::uint64_t gid0_;
};

// Builds a population of a registered model ("lif_cond_exp", "poisson", ...) with
// parameters; `preset` names a parameter set of models that have them ("RS").
// precision is "double" or "float". Throws naming the closest model or key.
struct population_args {
  std::string name;
  std::string model;
  std::size_t size = 0;
  param_map params;
  std::string preset;
  std::string precision;  // "double" or "float"; empty: the network's
  std::uint64_t gid0 = 0;
  std::vector<double> rates;  // poisson sources: [Hz], one value or one per neuron
  std::vector<std::vector<double>> spike_times;  // spike_source: [ms] per neuron
};
std::unique_ptr<population> make_population(const population_args& a);

// All registered models, in a fixed order (for `hebb models` and Python).
const std::vector<model_info>& registered_models();

}  // namespace hebb::sim
