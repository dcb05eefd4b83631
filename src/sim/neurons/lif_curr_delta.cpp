#include <hebb/sim/neurons/lif_curr_delta.hpp>

namespace hebb::sim {

namespace {
using P = lif_curr_delta::params;
constexpr field<P> fields[] = {
    {"tau_m", &P::tau_m, "ms", "membrane time constant"},
    {"c_m", &P::c_m, "pF", "membrane capacitance (scales injected current)"},
    {"v_rest", &P::v_rest, "mV", "resting potential"},
    {"v_reset", &P::v_reset, "mV", "reset potential"},
    {"v_thresh", &P::v_thresh, "mV", "spike threshold"},
    {"tau_refrac", &P::tau_refrac, "ms", "refractory period (v clamped, input discarded)"},
    {"i_offset", &P::i_offset, "pA", "constant injected current"},
};
}  // namespace

model_info lif_curr_delta::info() {
  return {"lif_curr_delta",
          "leaky integrate-and-fire, delta synapses (weights are voltage jumps in mV, signed); exact integration",
          "neuron",
          specs_of(fields),
          {{"v", "mV", "membrane potential"}, {"refrac", "steps", "refractory steps left"}},
          {}};
}

lif_curr_delta::params lif_curr_delta::make(const param_map& given) {
  const P p = params_from("lif_curr_delta", fields, given);
  require_positive("lif_curr_delta", "tau_m", p.tau_m, "ms");
  require_positive("lif_curr_delta", "c_m", p.c_m, "pF");
  require_nonnegative("lif_curr_delta", "tau_refrac", p.tau_refrac, "ms");
  if (!(p.v_reset < p.v_thresh))
    throw Error("lif_curr_delta.v_reset = {} mV: must be below v_thresh = {} mV", p.v_reset, p.v_thresh);
  return p;
}

}  // namespace hebb::sim
