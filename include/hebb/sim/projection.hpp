#pragma once
// A projection: synapses from one population to another, stored as CSR by source
// neuron. Per synapse: target (4 bytes), weight (float, 4 bytes) and, only when the
// delays differ, a delay in steps (2 bytes): 8 or 10 bytes per synapse plus 8 bytes
// per source neuron. Targets within a row are sorted, so a thread owning a range of
// target neurons finds its part of a row by binary search.
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <hebb/sim/population.hpp>
#include <hebb/sim/synapse_rule.hpp>

namespace hebb::sim {

// A weight or delay: a constant, one value per synapse, or a distribution drawn per
// synapse (uniform on [low, high), normal clipped to [low, high]).
struct value_spec {
  enum class kind { constant, array, uniform, normal };
  kind k = kind::constant;
  double value = 0;
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  double mean = 0, sd = 0;
  std::vector<double> values;
  static value_spec constant(double v) {
    value_spec s;
    s.value = v;
    return s;
  }
};

// How sources connect to targets.
//   all_to_all            every pair
//   one_to_one            i -> i (equal sizes)
//   fixed_probability p   each pair independently with probability p
//   fixed_indegree n      each target gets n sources
//   fixed_outdegree n     each source gets n targets
//   explicit              the pairs (sources[i], targets[i])
// autapses: allow i -> i when pre and post are the same population;
// multapses: allow repeated pairs (fixed_indegree / fixed_outdegree).
struct connect_spec {
  std::string rule = "all_to_all";
  double p = 0;
  std::int64_t n = 0;
  bool autapses = true;
  bool multapses = false;
  std::vector<std::int64_t> sources, targets;
};

struct projection_args {
  std::string name;
  receptor port = receptor::exc;
  connect_spec connect;
  value_spec weight = value_spec::constant(1.0);
  value_spec delay = value_spec::constant(0.1);  // [ms]
};

class projection {
public:
  static constexpr std::uint32_t max_delay_steps = 65535;

  // Builds the synapses; randomness keyed by (seed, stream, id, row).
  projection(std::uint32_t id, const projection_args& a, population& pre, population& post,
             std::uint64_t seed, double dt);

  const std::string& name() const { return name_; }
  std::uint32_t id() const { return id_; }
  population& pre() const { return *pre_; }
  population& post() const { return *post_; }
  receptor port() const { return port_; }
  std::size_t size() const { return targets_.size(); }
  std::uint32_t max_delay() const { return max_delay_; }
  std::span<const std::uint64_t> row_ptr() const { return row_ptr_; }
  std::span<const std::uint32_t> targets() const { return targets_; }
  std::span<float> weights() { return weights_; }
  std::span<const float> weights() const { return weights_; }
  // per-synapse delays [steps] (all equal to max_delay() when delays are uniform)
  std::vector<std::uint32_t> delays() const;
  std::size_t bytes() const;

  // Delivers the spikes of `step` (local source indices) to the targets in [lo, hi).
  void deliver(std::uint64_t step, std::span<const std::uint32_t> spikes, std::size_t lo,
               std::size_t hi) const;

  // Incoming synapses by target (built on first use): the synapses of target t are
  // incoming_synapses()[incoming_ptr()[t] .. incoming_ptr()[t+1]), sources ascending.
  std::span<const std::uint64_t> incoming_ptr();
  std::span<const std::uint64_t> incoming_synapses();
  // The source of each incoming synapse, in the same order as incoming_synapses().
  std::span<const std::uint32_t> incoming_sources();
  // Source of synapse k (binary search in row_ptr).
  std::uint32_t source_of(std::uint64_t k) const;

  // The plasticity rule (nullptr for a static projection).
  void set_rule(std::unique_ptr<synapse_rule> r, double dt);
  synapse_rule* rule() const { return rule_.get(); }

  // Upper bound of the synapse count the rule will make, for the memory check.
  static double expected_synapses(const connect_spec& c, std::size_t n_pre, std::size_t n_post);

private:
  std::string name_;
  std::uint32_t id_;
  population* pre_;
  population* post_;
  receptor port_;
  std::vector<std::uint64_t> row_ptr_;
  std::vector<std::uint32_t> targets_;
  std::vector<float> weights_;
  std::vector<std::uint16_t> delays_;  // empty when all delays equal const_delay_
  std::uint16_t const_delay_ = 1;
  std::uint32_t max_delay_ = 1;
  std::vector<std::uint64_t> in_ptr_, in_syn_;
  std::vector<std::uint32_t> in_src_;
  std::unique_ptr<synapse_rule> rule_;
};

}  // namespace hebb::sim
