#include <hebb/sim/neurons/adex.hpp>

namespace hebb::sim {

namespace {
using P = adex::params;
constexpr field<P> fields[] = {
    {"c_m", &P::c_m, "pF", "membrane capacitance"},
    {"g_leak", &P::g_leak, "nS", "leak conductance"},
    {"e_leak", &P::e_leak, "mV", "leak reversal potential"},
    {"v_t", &P::v_t, "mV", "exponential threshold"},
    {"delta_t", &P::delta_t, "mV", "slope factor"},
    {"tau_w", &P::tau_w, "ms", "adaptation time constant"},
    {"a", &P::a, "nS", "subthreshold adaptation"},
    {"b", &P::b, "pA", "spike-triggered adaptation"},
    {"v_reset", &P::v_reset, "mV", "reset potential"},
    {"v_peak", &P::v_peak, "mV", "spike detection threshold"},
    {"tau_refrac", &P::tau_refrac, "ms", "refractory period"},
    {"e_exc", &P::e_exc, "mV", "excitatory reversal potential"},
    {"e_inh", &P::e_inh, "mV", "inhibitory reversal potential"},
    {"tau_syn_exc", &P::tau_syn_exc, "ms", "excitatory conductance time constant"},
    {"tau_syn_inh", &P::tau_syn_inh, "ms", "inhibitory conductance time constant"},
    {"i_offset", &P::i_offset, "pA", "constant injected current"},
    {"substeps", &P::substeps, "1", "forward-Euler substeps per time step"},
};
}  // namespace

model_info adex::info() {
  return {"adex",
          "adaptive exponential integrate-and-fire (Brette & Gerstner 2005), conductance synapses; Euler substeps",
          "neuron",
          specs_of(fields),
          {{"v", "mV", "membrane potential"},
           {"w", "pA", "adaptation current"},
           {"g_exc", "nS", "excitatory conductance"},
           {"g_inh", "nS", "inhibitory conductance"},
           {"refrac", "steps", "refractory steps left"}},
          {},
          true};
}

adex::params adex::make(const param_map& given) {
  const P p = params_from("adex", fields, given);
  require_positive("adex", "c_m", p.c_m, "pF");
  require_positive("adex", "g_leak", p.g_leak, "nS");
  require_positive("adex", "delta_t", p.delta_t, "mV");
  require_positive("adex", "tau_w", p.tau_w, "ms");
  require_positive("adex", "tau_syn_exc", p.tau_syn_exc, "ms");
  require_positive("adex", "tau_syn_inh", p.tau_syn_inh, "ms");
  require_nonnegative("adex", "tau_refrac", p.tau_refrac, "ms");
  if (!(p.substeps >= 1 && p.substeps == std::floor(p.substeps)))
    throw Error("adex.substeps = {}: must be a whole number >= 1", p.substeps);
  return p;
}

}  // namespace hebb::sim
