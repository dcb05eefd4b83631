#pragma once
// The interface plasticity rules implement (STYLE.md rule 3: a rule is a set of
// event hooks; the engine owns the loops). Rules live in the plasticity part and
// register into this registry, so sim never includes plasticity.
//
// Each step, after spikes are gathered and delivered, the engine calls for every
// projection that has a rule:
//   on_step   once, serially: the step's source and target spikes (local indices,
//             ascending); update per-neuron traces and global state here
//   on_post   for each target spike, by the thread that owns that target: update
//             the target's incoming synapses (projection::incoming())
//   on_pre    for each source spike, by each thread, with the synapses of the row
//             whose targets that thread owns, [begin, end) in CSR order
// on_post runs before on_pre within a step, and transmission in that step used the
// weights from before both. Each thread touches only synapses of its own targets,
// so rules need no locks and give the same weights for any thread count.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <hebb/core/params.hpp>

namespace hebb::sim {

class network;
class projection;

struct rule_context {
  std::uint64_t step;  // the step just computed: spikes carry time (step + 1) * dt
  double dt;           // [ms]
  std::uint64_t seed;
};

// What a model file or Python gives: a rule name, numeric parameters and named
// references (for example a modulator: {"modulator": "dopamine"}).
struct rule_args {
  std::string rule;
  param_map params;
  std::map<std::string, std::string> refs;
};

class synapse_rule {
public:
  virtual ~synapse_rule() = default;
  // Called once when the rule is put on its projection (allocate per-synapse state).
  virtual void attach(projection& p, double dt) = 0;
  // Called at the start of every run: resolve modulators and other references,
  // throwing an Error that names the projection and key when one is missing.
  virtual void prepare(network& net) {}
  virtual void on_step(const rule_context& ctx, std::span<const std::uint32_t> pre_spikes,
                       std::span<const std::uint32_t> post_spikes) {}
  virtual void on_post(const rule_context& ctx, std::uint32_t target) {}
  virtual void on_pre(const rule_context& ctx, std::uint32_t source, std::size_t begin, std::size_t end) {}
};

struct rule_info {
  std::string name;
  std::string doc;
  std::vector<param_spec> params;
  std::vector<std::string> refs;  // names of the references it takes
};

using rule_factory = std::function<std::unique_ptr<synapse_rule>(const std::string& projection, const rule_args&)>;

// Registry: plasticity registers its rules (hebb::plasticity::register_rules()).
void register_rule(rule_info info, rule_factory make);
std::unique_ptr<synapse_rule> make_rule(const std::string& projection, const rule_args& args);
const std::vector<rule_info>& registered_rules();

}  // namespace hebb::sim
