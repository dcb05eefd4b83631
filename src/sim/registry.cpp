// The model registry: every neuron model and source by name, for model files,
// Python and `hebb models`.
#include <hebb/sim/neurons/adex.hpp>
#include <hebb/sim/neurons/izhikevich.hpp>
#include <hebb/sim/neurons/lif_cond_exp.hpp>
#include <hebb/sim/neurons/lif_curr_delta.hpp>
#include <hebb/sim/neurons/lif_curr_exp.hpp>
#include <hebb/sim/population.hpp>

#include "neuron_population.hpp"
#include "sources.hpp"

namespace hebb::sim {

std::size_t population::var_index(const std::string& name) const {
  const auto& st = info().state;
  std::vector<std::string> names;
  for (std::size_t j = 0; j < st.size(); ++j) {
    if (st[j].name == name) return j;
    names.push_back(st[j].name);
  }
  throw_unknown(fmt::format("state variable of {} population '{}'", info().name, this->name()), name, names);
}

namespace {

template <class Model>
std::unique_ptr<population> make_neurons(const population_args& a, typename Model::params p) {
  if (a.precision == "double" || a.precision.empty()) return std::make_unique<neuron_population<Model, double>>(a, p);
  if (a.precision == "float") return std::make_unique<neuron_population<Model, float>>(a, p);
  throw Error("precision '{}': must be 'double' or 'float'", a.precision);
}

template <class Model>
std::unique_ptr<population> make_plain(const population_args& a) {
  if (!a.preset.empty()) throw Error("model {} has no presets (population '{}')", Model::info().name, a.name);
  return make_neurons<Model>(a, Model::make(a.params));
}

}  // namespace

const std::vector<model_info>& registered_models() {
  static const std::vector<model_info> all = [] {
    population_args probe;
    probe.size = 1;
    probe.rates = {0.0};
    probe.spike_times = {{}};
    return std::vector<model_info>{lif_curr_exp::info(), lif_curr_delta::info(), lif_cond_exp::info(), izhikevich::info(),
                                   adex::info(), poisson_source(probe).info(),
                                   spike_source(probe).info()};
  }();
  return all;
}

std::unique_ptr<population> make_population(const population_args& a) {
  if (a.name.empty()) throw Error("a population needs a name");
  if (a.size == 0) throw Error("population '{}': size = 0: must be >= 1", a.name);
  if (a.model == "lif_curr_exp") return make_plain<lif_curr_exp>(a);
  if (a.model == "lif_curr_delta") return make_plain<lif_curr_delta>(a);
  if (a.model == "lif_cond_exp") return make_plain<lif_cond_exp>(a);
  if (a.model == "adex") return make_plain<adex>(a);
  if (a.model == "izhikevich") {
    const auto base = a.preset.empty() ? izhikevich::params{} : izhikevich::preset(a.preset);
    // preset values first, then the given parameters on top
    param_map given = a.params;
    param_map merged{{"a", base.a}, {"b", base.b}, {"c", base.c}, {"d", base.d}};
    for (const auto& [k, v] : given) merged[k] = v;
    return make_neurons<izhikevich>(a, izhikevich::make(merged));
  }
  if (a.model == "poisson") return std::make_unique<poisson_source>(a);
  if (a.model == "spike_source") return std::make_unique<spike_source>(a);
  std::vector<std::string> names;
  for (const auto& m : registered_models()) names.push_back(m.name);
  throw_unknown("model", a.model, names);
}

}  // namespace hebb::sim
