#include <hebb/plasticity/intrinsic.hpp>

#include <algorithm>
#include <cmath>
#include <memory>

#include <hebb/sim/model.hpp>

namespace hebb::plasticity {

namespace {
using P = intrinsic_params;
constexpr sim::field<P> fields[] = {
    {"target", &P::target, "Hz", "target firing rate"},
    {"tau_rate", &P::tau_rate, "ms", "time constant of the rate estimate"},
    {"eta", &P::eta, "pA/(Hz ms)", "adaptation rate of the bias current"},
    {"interval", &P::interval, "ms", "time between adaptations"},
    {"bias_min", &P::bias_min, "pA", "lower bound of the bias current"},
    {"bias_max", &P::bias_max, "pA", "upper bound of the bias current"},
};

struct state {
  P p;
  std::size_t pop_index;
  sim::population* pop;
  std::vector<double> rate, bias;
  double decay;
  std::uint64_t every;
};
}  // namespace

std::vector<param_spec> intrinsic_param_specs() { return sim::specs_of(fields); }

void add_intrinsic_adaptation(sim::network& net, const std::string& name, const param_map& given) {
  const std::string owner = "intrinsic adaptation of population '" + name + "'";
  auto s = std::make_shared<state>();
  s->p = sim::params_from(owner.c_str(), fields, given);
  sim::require_positive(owner.c_str(), "tau_rate", s->p.tau_rate, "ms");
  sim::require_nonnegative(owner.c_str(), "target", s->p.target, "Hz");
  sim::require_nonnegative(owner.c_str(), "eta", s->p.eta, "pA/(Hz ms)");
  if (!(s->p.bias_min <= s->p.bias_max))
    throw Error("{}: bias_min = {} > bias_max = {}: need bias_min <= bias_max", owner, s->p.bias_min, s->p.bias_max);
  s->pop_index = net.population_index(name);
  s->pop = &net.pop(name);
  if (s->pop->is_source()) throw Error("{}: '{}' is a spike source; it has no excitability to adapt", owner, name);
  const double dt = net.config().dt;
  const double steps = std::round(s->p.interval / dt);
  if (!(steps >= 1)) throw Error("{}: interval = {} ms: must be at least one step ({} ms)", owner, s->p.interval, dt);
  s->every = static_cast<std::uint64_t>(steps);
  s->rate.assign(s->pop->size(), s->p.target * 1e-3);  // start at the target: no initial kick
  s->bias.assign(s->pop->size(), 0.0);
  s->decay = std::exp(-dt / s->p.tau_rate);
  net.add_step_hook([s](const sim::step_view& v) {
    for (auto& r : s->rate) r *= s->decay;
    for (auto k : v.fired[s->pop_index]) s->rate[k] += 1.0 / s->p.tau_rate;
    if ((v.step + 1) % s->every != 0) return;
    const double span = static_cast<double>(s->every) * v.dt;
    for (std::size_t k = 0; k < s->rate.size(); ++k) {
      const double b = std::clamp(s->bias[k] - s->p.eta * (s->rate[k] * 1e3 - s->p.target) * span, s->p.bias_min,
                                  s->p.bias_max);
      if (b != s->bias[k]) s->pop->add_current(k, k + 1, b - s->bias[k]);
      s->bias[k] = b;
    }
  });
}

}  // namespace hebb::plasticity
