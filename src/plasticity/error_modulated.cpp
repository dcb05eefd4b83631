#include <hebb/plasticity/error_modulated.hpp>
#include <hebb/plasticity/bounds.hpp>

#include <algorithm>
#include <cmath>

#include <hebb/sim/model.hpp>
#include <hebb/sim/network.hpp>
#include <hebb/sim/projection.hpp>

namespace hebb::plasticity {

namespace {
using P = error_modulated::params;
constexpr sim::field<P> fields[] = {
    {"tau_pre", &P::tau_pre, "ms", "presynaptic trace time constant"},
    {"eta", &P::eta, "w/(E ms)", "learning rate"},
    {"w_min", &P::w_min, "w", "lower weight bound"},
    {"w_max", &P::w_max, "w", "upper weight bound"},
};
}  // namespace

sim::rule_info error_modulated::info() {
  return {"error_modulated",
          "three-factor rule dw = eta E_post x_pre with a per-neuron error modulator (spiking delta rule)",
          sim::specs_of(fields), {"error"}};
}

error_modulated::error_modulated(const std::string& projection, const sim::rule_args& args) : name_(projection) {
  const std::string owner = "error_modulated on projection '" + projection + "'";
  p_ = sim::params_from(owner.c_str(), fields, args.params);
  for (const auto& [key, value] : args.refs) {
    if (key != "error") throw Error("{}: unknown reference '{}' = '{}' (valid: error)", owner, key, value);
    error_ = value;
  }
  if (error_.empty())
    throw Error("{}: needs an error signal: give error = \"<name>\" (a per-neuron modulator of the network)", owner);
  sim::require_positive(owner.c_str(), "tau_pre", p_.tau_pre, "ms");
  check_bounds(owner, p_.w_min, p_.w_max);
}

void error_modulated::attach(sim::projection& p, double dt) {
  proj_ = &p;
  dt_ = dt;
  decay_ = std::exp(-dt / p_.tau_pre);
  x_pre_.assign(p.pre().size(), 0.0);
  in_src_ = p.incoming_sources();
}

void error_modulated::prepare(sim::network& net) {
  e_ = net.find_modulator_vector(error_);
  if (!e_)
    throw_unknown(fmt::format("per-neuron modulator (reference 'error' of error_modulated on projection '{}')", name_),
                  error_, net.modulator_vector_names());
  if (e_->size() != proj_->post().size())
    throw Error("error_modulated on projection '{}': error '{}' has {} values, the target population '{}' has {} neurons",
                name_, error_, e_->size(), proj_->post().name(), proj_->post().size());
}

void error_modulated::on_step(const sim::rule_context&, std::span<const std::uint32_t> pre,
                              std::span<const std::uint32_t>) {
  for (auto& x : x_pre_) x *= decay_;
  for (auto s : pre) x_pre_[s] += 1.0;
  const auto ptr = proj_->incoming_ptr();
  const auto syn = proj_->incoming_synapses();
  auto w = proj_->weights();
  const auto& e = *e_;
  for (std::size_t t = 0; t < e.size(); ++t) {
    if (e[t] == 0) continue;
    const double g = p_.eta * e[t] * dt_;
    for (auto j = ptr[t]; j < ptr[t + 1]; ++j)
      w[syn[j]] = static_cast<float>(std::clamp(w[syn[j]] + g * x_pre_[in_src_[j]], p_.w_min, p_.w_max));
  }
}

}  // namespace hebb::plasticity
