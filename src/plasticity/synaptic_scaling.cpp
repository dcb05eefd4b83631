#include <hebb/plasticity/synaptic_scaling.hpp>
#include <hebb/plasticity/bounds.hpp>

#include <algorithm>
#include <cmath>

#include <hebb/sim/model.hpp>
#include <hebb/sim/projection.hpp>

namespace hebb::plasticity {

namespace {
using P = synaptic_scaling::params;
constexpr sim::field<P> fields[] = {
    {"rate_target", &P::rate_target, "Hz", "target firing rate of each target neuron"},
    {"tau_rate", &P::tau_rate, "ms", "time constant of the rate estimate"},
    {"eta", &P::eta, "1/(Hz s)", "scaling rate"},
    {"interval", &P::interval, "ms", "time between scaling passes"},
    {"w_min", &P::w_min, "w", "lower weight bound"},
    {"w_max", &P::w_max, "w", "upper weight bound"},
};
}  // namespace

sim::rule_info synaptic_scaling::info() {
  return {"synaptic_scaling", "homeostatic multiplicative scaling of incoming weights toward a target rate",
          sim::specs_of(fields), {}};
}

synaptic_scaling::synaptic_scaling(const std::string& projection, const sim::rule_args& args) : name_(projection) {
  const std::string owner = "synaptic_scaling on projection '" + projection + "'";
  p_ = sim::params_from(owner.c_str(), fields, args.params);
  if (!args.refs.empty())
    throw Error("{}: takes no references (got '{}')", owner, args.refs.begin()->first);
  sim::require_nonnegative(owner.c_str(), "rate_target", p_.rate_target, "Hz");
  sim::require_positive(owner.c_str(), "tau_rate", p_.tau_rate, "ms");
  sim::require_nonnegative(owner.c_str(), "eta", p_.eta, "1/(Hz s)");
  sim::require_positive(owner.c_str(), "interval", p_.interval, "ms");
  check_bounds(owner, p_.w_min, p_.w_max);
}

void synaptic_scaling::attach(sim::projection& p, double dt) {
  proj_ = &p;
  apply_bounds(p, "synaptic_scaling", name_, p_.w_min, p_.w_max, false);
  const double steps = std::round(p_.interval / dt);
  if (steps < 1 || std::fabs(steps * dt - p_.interval) > 1e-9 * p_.interval)
    throw Error("synaptic_scaling on projection '{}': interval = {} ms must be a positive multiple of dt = {} ms",
                name_, p_.interval, dt);
  every_ = static_cast<std::uint64_t>(steps);
  decay_ = std::exp(-dt / p_.tau_rate);
  bump_ = 1000.0 / p_.tau_rate;  // a spike adds 1/tau [1/ms] = 1000/tau [Hz]
  a_.assign(p.post().size(), p_.rate_target);  // start at the target: no scaling before evidence
  count_ = 0;
}

void synaptic_scaling::on_step(const sim::rule_context&, std::span<const std::uint32_t>,
                               std::span<const std::uint32_t> post) {
  for (auto& x : a_) x *= decay_;
  for (auto t : post) a_[t] += bump_;
  if (++count_ % every_ != 0) return;
  const double k = p_.eta * p_.interval * 1e-3;
  auto w = proj_->weights();
  const auto tg = proj_->targets();
  for (std::size_t j = 0; j < w.size(); ++j) {
    const double f = 1.0 + k * (p_.rate_target - a_[tg[j]]);
    w[j] = static_cast<float>(std::clamp(w[j] * std::max(f, 0.0), p_.w_min, p_.w_max));
  }
}

}  // namespace hebb::plasticity
