#include <hebb/sim/neurons/lif_cond_exp.hpp>

namespace hebb::sim {

namespace {
using P = lif_cond_exp::params;
constexpr field<P> fields[] = {
    {"c_m", &P::c_m, "pF", "membrane capacitance"},
    {"tau_m", &P::tau_m, "ms", "membrane time constant (leak conductance c_m / tau_m)"},
    {"e_leak", &P::e_leak, "mV", "leak reversal potential"},
    {"v_reset", &P::v_reset, "mV", "reset potential"},
    {"v_thresh", &P::v_thresh, "mV", "spike threshold"},
    {"tau_refrac", &P::tau_refrac, "ms", "refractory period (v clamped to v_reset)"},
    {"e_exc", &P::e_exc, "mV", "excitatory reversal potential"},
    {"e_inh", &P::e_inh, "mV", "inhibitory reversal potential"},
    {"tau_syn_exc", &P::tau_syn_exc, "ms", "excitatory conductance time constant"},
    {"tau_syn_inh", &P::tau_syn_inh, "ms", "inhibitory conductance time constant"},
    {"i_offset", &P::i_offset, "pA", "constant injected current"},
};
}  // namespace

model_info lif_cond_exp::info() {
  return {"lif_cond_exp",
          "leaky integrate-and-fire, exponential synaptic conductances (weights in nS, >= 0); exponential Euler",
          "neuron",
          specs_of(fields),
          {{"v", "mV", "membrane potential"},
           {"g_exc", "nS", "excitatory conductance"},
           {"g_inh", "nS", "inhibitory conductance"},
           {"refrac", "steps", "refractory steps left"}},
          {},
          true};
}

lif_cond_exp::params lif_cond_exp::make(const param_map& given) {
  const P p = params_from("lif_cond_exp", fields, given);
  require_positive("lif_cond_exp", "c_m", p.c_m, "pF");
  require_positive("lif_cond_exp", "tau_m", p.tau_m, "ms");
  require_positive("lif_cond_exp", "tau_syn_exc", p.tau_syn_exc, "ms");
  require_positive("lif_cond_exp", "tau_syn_inh", p.tau_syn_inh, "ms");
  require_nonnegative("lif_cond_exp", "tau_refrac", p.tau_refrac, "ms");
  if (!(p.v_reset < p.v_thresh))
    throw Error("lif_cond_exp.v_reset = {} mV: must be below v_thresh = {} mV", p.v_reset, p.v_thresh);
  return p;
}

}  // namespace hebb::sim
