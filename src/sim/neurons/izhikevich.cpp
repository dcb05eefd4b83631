#include <hebb/sim/neurons/izhikevich.hpp>

namespace hebb::sim {

namespace {
using P = izhikevich::params;
constexpr field<P> fields[] = {
    {"a", &P::a, "1/ms", "time scale of the recovery variable u"},
    {"b", &P::b, "1", "sensitivity of u to v"},
    {"c", &P::c, "mV", "reset potential"},
    {"d", &P::d, "mV/ms", "reset increment of u"},
    {"v_peak", &P::v_peak, "mV", "spike cut-off"},
    {"v_init", &P::v_init, "mV", "initial v (u starts at b * v_init)"},
    {"tau_syn_exc", &P::tau_syn_exc, "ms", "excitatory current time constant (0: one-step pulse)"},
    {"tau_syn_inh", &P::tau_syn_inh, "ms", "inhibitory current time constant (0: one-step pulse)"},
    {"i_offset", &P::i_offset, "1", "constant input current (model units)"},
};
struct preset_row {
  const char* name;
  double a, b, c, d;
};
// Izhikevich (2003), Fig. 2.
constexpr preset_row presets[] = {
    {"RS", 0.02, 0.2, -65.0, 8.0},  {"IB", 0.02, 0.2, -55.0, 4.0},
    {"CH", 0.02, 0.2, -50.0, 2.0},  {"FS", 0.1, 0.2, -65.0, 2.0},
    {"LTS", 0.02, 0.25, -65.0, 2.0},
};
}  // namespace

model_info izhikevich::info() {
  std::vector<std::string> names;
  for (const auto& r : presets) names.push_back(r.name);
  return {"izhikevich",
          "Izhikevich (2003) simple model; presets RS, IB, CH, FS, LTS; a, b, c, d per neuron",
          "neuron",
          specs_of(fields),
          {{"v", "mV", "membrane potential"},
           {"u", "mV/ms", "recovery variable"},
           {"i_exc", "1", "decaying excitatory current (tau_syn_exc > 0)"},
           {"i_inh", "1", "decaying inhibitory current (tau_syn_inh > 0)"},
           {"a", "1/ms", "per-neuron a"},
           {"b", "1", "per-neuron b"},
           {"c", "mV", "per-neuron c"},
           {"d", "mV/ms", "per-neuron d"}},
          names};
}

izhikevich::params izhikevich::preset(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& r : presets) {
    if (name == r.name) {
      P p;
      p.a = r.a;
      p.b = r.b;
      p.c = r.c;
      p.d = r.d;
      return p;
    }
    names.push_back(r.name);
  }
  throw_unknown("izhikevich preset", name, names);
}

izhikevich::params izhikevich::make(const param_map& given) {
  const P p = params_from("izhikevich", fields, given);
  require_nonnegative("izhikevich", "tau_syn_exc", p.tau_syn_exc, "ms");
  require_nonnegative("izhikevich", "tau_syn_inh", p.tau_syn_inh, "ms");
  return p;
}

}  // namespace hebb::sim
