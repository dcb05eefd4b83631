#pragma once
// A network: populations, projections, inputs and monitors, and the step loop.
//
// Each step, top to bottom (STYLE.md rule 6):
//   update    every population integrates its neurons (thread ranges) and
//             detects spikes; arriving input was summed in its ring slot
//   gather    per population, the spikes of all threads in neuron order
//   record    monitors; scheduled current changes for the next step
//   signals   modulator schedules, step hooks (astrocytes, reward, error signals)
//             and the rules' on_step, serially
//   deliver   every projection scatters its source spikes into the target ring
//             buffers, each thread into its own range of targets
//   plasticity  rules' on_post and on_pre, each thread on its own targets' synapses
// Threads own fixed ranges of neurons; randomness is keyed by (seed, stream, gid,
// step) and per-target sums run in the same order for any thread count, so the
// same seed gives the same spikes with 1 or N threads.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <hebb/sim/monitors.hpp>
#include <hebb/sim/population.hpp>
#include <hebb/sim/projection.hpp>

namespace hebb::sim {

struct network_config {
  double dt = 0.1;                 // time step [ms]
  std::uint64_t seed = 1;
  int threads = 1;
  std::string precision = "double";  // state of neuron populations: "double" or "float"
  double memory_limit = 0;         // [bytes]; 0: 80% of this machine's physical memory
};

// Called about every progress_interval seconds of wall time during run().
struct run_control {
  std::function<void(double t_ms, double t_end_ms, std::uint64_t spikes)> progress;
  double progress_interval = 0.5;  // [s]
  const std::atomic<bool>* stop = nullptr;  // set (e.g. from a signal handler) to stop early
};

// What a step hook sees: the step just computed, the spikes of every population,
// and the network (for its modulators).
struct step_view {
  std::uint64_t step;
  double dt;
  network& net;
  const std::vector<std::vector<std::uint32_t>>& fired;  // by population index
  std::span<const std::uint32_t> spikes(const std::string& population) const;
};

class network {
public:
  explicit network(network_config c = {});
  ~network();
  network(network&&) noexcept;
  network& operator=(network&&) noexcept;

  const network_config& config() const { return cfg_; }
  double time() const { return static_cast<double>(step_) * cfg_.dt; }  // [ms]
  std::uint64_t steps_done() const { return step_; }

  // Populations (`a.gid0` and an empty `a.precision` are filled in).
  population& add_population(population_args a);
  population& pop(const std::string& name);
  const std::vector<std::unique_ptr<population>>& populations() const { return pops_; }

  projection& connect(const std::string& pre, const std::string& post, projection_args a);
  const std::vector<std::unique_ptr<projection>>& projections() const { return projs_; }
  projection& proj(const std::string& name);

  // Inputs. Rates [Hz], weights [pA or nS], currents [pA], times [ms].
  void add_poisson_input(const std::string& target, std::vector<double> rate, double weight, receptor port);
  void add_noise_input(const std::string& target, double mean, double sd);
  // Piecewise-constant current: amplitudes[i] from times[i] on (0 before times[0]),
  // to neurons [first, first + count) (count 0: all).
  void add_current_input(const std::string& target, std::vector<double> times,
                         std::vector<double> amplitudes, std::size_t first = 0, std::size_t count = 0);

  // Monitors (returned by index; references stay valid across runs).
  std::size_t record_spikes(const std::string& pop);
  std::size_t record_state(const std::string& pop, std::vector<std::string> variables,
                           std::vector<std::uint32_t> indices, double every_ms = 0);
  std::size_t record_rate(const std::string& pop, double bin_ms = 0);
  std::size_t record_weights(const std::string& proj, std::vector<std::uint64_t> indices = {}, double every_ms = 0);
  std::vector<weight_monitor>& weight_monitors() { return weights_mon_; }
  std::vector<spike_monitor>& spike_monitors() { return spikes_; }
  std::vector<state_monitor>& state_monitors() { return states_; }
  std::vector<rate_monitor>& rate_monitors() { return rates_; }

  // Plasticity: a rule from the registry on a projection (see synapse_rule.hpp).
  void set_plasticity(const std::string& proj, const rule_args& args);

  // Modulators: named global signals (dopamine, reward, ...) that rules read.
  // add_modulator creates one; set_modulator sets its value now; a schedule sets
  // values[i] from times[i] on [ms].
  void add_modulator(const std::string& name, double initial = 0);
  void set_modulator(const std::string& name, double value);
  void add_modulator_schedule(const std::string& name, std::vector<double> times, std::vector<double> values);
  double* find_modulator(const std::string& name);  // nullptr if there is none
  double modulator(const std::string& name);
  std::vector<std::string> modulator_names() const;

  // Per-neuron modulators (for example an error signal, target minus readout, per
  // postsynaptic neuron): one value per neuron, set from Python or a step hook.
  void add_modulator_vector(const std::string& name, std::size_t size, double initial = 0);
  void set_modulator_vector(const std::string& name, std::span<const double> values);
  std::vector<double>* find_modulator_vector(const std::string& name);  // nullptr if there is none
  std::vector<std::string> modulator_vector_names() const;

  // A function called every step after spikes are gathered, serially, in the order
  // added (astrocytes, reward schedules, error signals are built on it).
  void add_step_hook(std::function<void(const step_view&)> hook);
  std::size_t population_index(const std::string& name) const;

  // Advances the network by duration [ms] (rounded to whole steps). Returns false
  // if stopped early through control.stop.
  bool run(double duration_ms, const run_control& control = {});

  std::uint64_t total_spikes() const { return total_spikes_; }
  std::size_t synapse_count() const;
  // Memory the network holds now [bytes] (states, ring buffers, synapses).
  std::size_t bytes() const;

private:
  struct current_event {
    std::uint64_t step;
    population* target;
    std::size_t first, end;
    double delta;
  };
  void check_memory(double extra_bytes, const std::string& what) const;
  std::uint32_t next_input_id() { return input_ids_++; }

  network_config cfg_;
  std::vector<std::unique_ptr<population>> pops_;
  std::vector<std::unique_ptr<projection>> projs_;
  std::vector<spike_monitor> spikes_;
  std::vector<state_monitor> states_;
  std::vector<rate_monitor> rates_;
  std::vector<weight_monitor> weights_mon_;
  std::map<std::string, double> modulators_;
  std::map<std::string, std::vector<double>> modulator_vectors_;
  struct modulator_event {
    std::uint64_t step;
    std::string name;
    double value;
  };
  std::vector<modulator_event> mod_events_;
  std::size_t next_mod_ = 0;
  std::vector<std::function<void(const step_view&)>> hooks_;
  std::vector<current_event> currents_;  // sorted by step when run starts
  std::size_t next_current_ = 0;
  std::uint64_t step_ = 0, gid_next_ = 0, total_spikes_ = 0;
  std::uint32_t input_ids_ = 0;
};

}  // namespace hebb::sim
