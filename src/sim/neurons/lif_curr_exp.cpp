#include <hebb/sim/neurons/lif_curr_exp.hpp>

namespace hebb::sim {

namespace {
using P = lif_curr_exp::params;
constexpr field<P> fields[] = {
    {"tau_m", &P::tau_m, "ms", "membrane time constant"},
    {"c_m", &P::c_m, "pF", "membrane capacitance"},
    {"v_rest", &P::v_rest, "mV", "resting potential"},
    {"v_reset", &P::v_reset, "mV", "reset potential"},
    {"v_thresh", &P::v_thresh, "mV", "spike threshold"},
    {"tau_refrac", &P::tau_refrac, "ms", "refractory period (v clamped to v_reset)"},
    {"tau_syn_exc", &P::tau_syn_exc, "ms", "excitatory synaptic current time constant"},
    {"tau_syn_inh", &P::tau_syn_inh, "ms", "inhibitory synaptic current time constant"},
    {"i_offset", &P::i_offset, "pA", "constant injected current"},
};
}  // namespace

model_info lif_curr_exp::info() {
  return {"lif_curr_exp",
          "leaky integrate-and-fire, exponential synaptic currents (weights in pA, signed); exact integration",
          "neuron",
          specs_of(fields),
          {{"v", "mV", "membrane potential"},
           {"i_exc", "pA", "excitatory synaptic current"},
           {"i_inh", "pA", "inhibitory synaptic current"},
           {"refrac", "steps", "refractory steps left"}},
          {}};
}

lif_curr_exp::params lif_curr_exp::make(const param_map& given) {
  const P p = params_from("lif_curr_exp", fields, given);
  require_positive("lif_curr_exp", "tau_m", p.tau_m, "ms");
  require_positive("lif_curr_exp", "c_m", p.c_m, "pF");
  require_positive("lif_curr_exp", "tau_syn_exc", p.tau_syn_exc, "ms");
  require_positive("lif_curr_exp", "tau_syn_inh", p.tau_syn_inh, "ms");
  require_nonnegative("lif_curr_exp", "tau_refrac", p.tau_refrac, "ms");
  if (!(p.v_reset < p.v_thresh))
    throw Error("lif_curr_exp.v_reset = {} mV: must be below v_thresh = {} mV", p.v_reset, p.v_thresh);
  return p;
}

}  // namespace hebb::sim
