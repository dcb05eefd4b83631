#include <hebb/plasticity/stdp_dopamine.hpp>
#include <hebb/plasticity/bounds.hpp>

#include <algorithm>
#include <cmath>

#include <hebb/sim/model.hpp>
#include <hebb/sim/network.hpp>
#include <hebb/sim/projection.hpp>

namespace hebb::plasticity {

namespace {
using P = stdp_dopamine::params;
constexpr sim::field<P> fields[] = {
    {"tau_plus", &P::tau_plus, "ms", "pre trace time constant"},
    {"tau_minus", &P::tau_minus, "ms", "post trace time constant"},
    {"a_plus", &P::a_plus, "c", "eligibility per pre-before-post pair"},
    {"a_minus", &P::a_minus, "c", "eligibility removed per post-before-pre pair"},
    {"tau_c", &P::tau_c, "ms", "eligibility trace time constant"},
    {"tau_d", &P::tau_d, "ms", "modulator filter time constant (0: use the modulator as is)"},
    {"eta", &P::eta, "w/(c M ms)", "learning rate"},
    {"tonic", &P::tonic, "M", "constant added to the modulator"},
    {"w_min", &P::w_min, "w", "lower weight bound"},
    {"w_max", &P::w_max, "w", "upper weight bound"},
    {"nearest", &P::nearest, "1", "1: nearest-spike traces, 0: all-to-all"},
};
constexpr double renormalise_below = 1e-100;
}  // namespace

sim::rule_info stdp_dopamine::info() {
  return {"stdp_dopamine",
          "eligibility-trace three-factor STDP, dw/dt = eta (d + tonic) c, d from a modulator (Izhikevich 2007)",
          sim::specs_of(fields), {"modulator"}};
}

stdp_dopamine::stdp_dopamine(const std::string& projection, const sim::rule_args& args) : name_(projection) {
  const std::string owner = "stdp_dopamine on projection '" + projection + "'";
  p_ = sim::params_from(owner.c_str(), fields, args.params);
  for (const auto& [key, value] : args.refs) {
    if (key != "modulator") throw Error("{}: unknown reference '{}' = '{}' (valid: modulator)", owner, key, value);
    modulator_ = value;
  }
  if (modulator_.empty())
    throw Error("{}: needs a modulator: give modulator = \"<name>\" (a modulator of the network)", owner);
  sim::require_positive(owner.c_str(), "tau_plus", p_.tau_plus, "ms");
  sim::require_positive(owner.c_str(), "tau_minus", p_.tau_minus, "ms");
  sim::require_positive(owner.c_str(), "tau_c", p_.tau_c, "ms");
  sim::require_nonnegative(owner.c_str(), "tau_d", p_.tau_d, "ms");
  sim::require_nonnegative(owner.c_str(), "a_plus", p_.a_plus, "");
  sim::require_nonnegative(owner.c_str(), "a_minus", p_.a_minus, "");
  sim::require_nonnegative(owner.c_str(), "eta", p_.eta, "");
  check_bounds(owner, p_.w_min, p_.w_max);
}

void stdp_dopamine::attach(sim::projection& p, double dt) {
  proj_ = &p;
  apply_bounds(p, "stdp_dopamine", name_, p_.w_min, p_.w_max);
  dt_ = dt;
  decay_pre_ = std::exp(-dt / p_.tau_plus);
  decay_post_ = std::exp(-dt / p_.tau_minus);
  decay_c_ = std::exp(-dt / p_.tau_c);
  decay_d_ = p_.tau_d > 0 ? std::exp(-dt / p_.tau_d) : 0.0;
  x_pre_.assign(p.pre().size(), 0.0);
  x_post_.assign(p.post().size(), 0.0);
  c_.assign(p.size(), 0.0);
  g_ = 1;
  d_ = 0;
  in_src_ = p.incoming_sources();
}

void stdp_dopamine::prepare(sim::network& net) {
  m_ = net.find_modulator(modulator_);
  if (!m_) {
    const auto names = net.modulator_names();
    throw_unknown(fmt::format("modulator (reference 'modulator' of stdp_dopamine on projection '{}')", name_),
                  modulator_, names);
  }
}

std::vector<double> stdp_dopamine::eligibility() const {
  std::vector<double> c(c_.size());
  for (std::size_t k = 0; k < c.size(); ++k) c[k] = c_[k] * g_;
  return c;
}

void stdp_dopamine::on_step(const sim::rule_context&, std::span<const std::uint32_t> pre,
                            std::span<const std::uint32_t> post) {
  for (auto& x : x_pre_) x *= decay_pre_;
  for (auto& x : x_post_) x *= decay_post_;
  const bool nn = p_.nearest != 0;
  for (auto t : pending_post_) x_post_[t] = nn ? decay_post_ : x_post_[t] + decay_post_;
  pending_post_.assign(post.begin(), post.end());
  for (auto s : pre) x_pre_[s] = nn ? 1.0 : x_pre_[s] + 1.0;

  // modulator and eligibility decay, then the dense weight update
  d_ = p_.tau_d > 0 ? d_ * decay_d_ + *m_ : *m_;
  g_ *= decay_c_;
  if (g_ < renormalise_below) {
    for (auto& c : c_) c *= g_;
    g_ = 1;
  }
  const double f = p_.eta * (d_ + p_.tonic) * dt_ * g_;
  if (f == 0) return;
  auto w = proj_->weights();
  const double lo = p_.w_min, hi = p_.w_max;
  float* __restrict wp = w.data();
  const double* __restrict cp = c_.data();
  const std::size_t n = c_.size();
#pragma omp simd
  for (std::size_t k = 0; k < n; ++k)
    wp[k] = static_cast<float>(std::clamp(static_cast<double>(wp[k]) + f * cp[k], lo, hi));
}

void stdp_dopamine::on_post(const sim::rule_context&, std::uint32_t target) {
  const auto ptr = proj_->incoming_ptr();
  const auto syn = proj_->incoming_synapses();
  const double a = p_.a_plus / g_;
  for (auto j = ptr[target]; j < ptr[target + 1]; ++j) c_[syn[j]] += a * x_pre_[in_src_[j]];
}

void stdp_dopamine::on_pre(const sim::rule_context&, std::uint32_t, std::size_t begin, std::size_t end) {
  const auto tg = proj_->targets();
  const double a = p_.a_minus / g_;
  for (std::size_t k = begin; k < end; ++k) c_[k] -= a * x_post_[tg[k]];
}

}  // namespace hebb::plasticity
