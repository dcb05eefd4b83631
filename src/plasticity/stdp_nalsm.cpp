#include <hebb/plasticity/stdp_nalsm.hpp>
#include <hebb/plasticity/bounds.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

#include <hebb/sim/model.hpp>
#include <hebb/sim/network.hpp>
#include <hebb/sim/projection.hpp>

namespace hebb::plasticity {

namespace {
using P = stdp_nalsm::params;
constexpr sim::field<P> fields[] = {
    {"eta_plus", &P::eta_plus, "w", "potentiation rate (per unit of trace)"},
    {"a_minus", &P::a_minus, "w", "depression rate when no astrocyte is referenced"},
    {"tau", &P::tau, "ms", "pre/post trace time constant"},
    {"bump", &P::bump, "1", "trace increment per spike"},
    {"w_min", &P::w_min, "w", "lower weight bound"},
    {"w_max", &P::w_max, "w", "upper weight bound"},
    {"tau_a", &P::tau_a, "ms", "astrocyte time constant (on the projection that declares it)"},
    {"w_a", &P::w_a, "A", "astrocyte weight per spike (on the projection that declares it)"},
    {"bias", &P::bias, "A", "astrocyte resting and initial value (on the projection that declares it)"},
};

std::vector<std::string> split_names(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}
}  // namespace

sim::rule_info stdp_nalsm::info() {
  return {"stdp_nalsm",
          "NALSM liquid STDP, dw = eta_plus x_pre S_post - A x_post S_pre (signs swapped on inh projections), "
          "A from an astrocyte modulator (Ivanov & Michmizos 2021)",
          sim::specs_of(fields),
          {"astrocyte", "liquid", "input"}};
}

stdp_nalsm::stdp_nalsm(const std::string& projection, const sim::rule_args& args) : name_(projection) {
  const std::string owner = "stdp_nalsm on projection '" + projection + "'";
  p_ = sim::params_from(owner.c_str(), fields, args.params);
  for (const auto& [key, value] : args.refs) {
    if (key == "astrocyte")
      astro_ = value;
    else if (key == "liquid")
      liquid_ = split_names(value);
    else if (key == "input")
      input_ = split_names(value);
    else
      throw Error("{}: unknown reference '{}' = '{}' (valid: astrocyte, liquid, input)", owner, key, value);
  }
  if ((!liquid_.empty() || !input_.empty()) && astro_.empty())
    throw Error("{}: liquid/input declare an astrocyte, so give its name too: astrocyte = \"<name>\"", owner);
  if (!input_.empty() && liquid_.empty())
    throw Error("{}: input = \"{}\" without liquid: the astrocyte needs the liquid populations (liquid = \"...\")",
                owner, args.refs.at("input"));
  sim::require_positive(owner.c_str(), "tau", p_.tau, "ms");
  sim::require_nonnegative(owner.c_str(), "eta_plus", p_.eta_plus, "");
  sim::require_nonnegative(owner.c_str(), "a_minus", p_.a_minus, "");
  sim::require_nonnegative(owner.c_str(), "bump", p_.bump, "");
  check_bounds(owner, p_.w_min, p_.w_max);
  astrocyte_params{p_.tau_a, p_.w_a, p_.bias, p_.bias}.validate(owner);
}

void stdp_nalsm::attach(sim::projection& p, double dt) {
  proj_ = &p;
  apply_bounds(p, "stdp_nalsm", name_, p_.w_min, p_.w_max);
  inhibitory_ = p.port() == sim::receptor::inh;
  decay_ = std::exp(-dt / p_.tau);
  x_pre_.assign(p.pre().size(), 0.0);
  x_post_.assign(p.post().size(), 0.0);
  in_src_ = p.incoming_sources();
}

void stdp_nalsm::install(sim::network& net) {
  if (installed_ || liquid_.empty()) return;
  install_astrocyte(net, astro_, {p_.tau_a, p_.w_a, p_.bias, p_.bias}, liquid_, input_);
  installed_ = true;
}

void stdp_nalsm::prepare(sim::network& net) {
  a_ = nullptr;
  if (astro_.empty()) return;
  install(net);
  if (!net.find_modulator(astro_)) {
    // the declaring projection may come later in the network: install it now
    for (const auto& pr : net.projections())
      if (auto* r = dynamic_cast<stdp_nalsm*>(pr->rule()); r && r->owns_astrocyte() && r->astrocyte_name() == astro_)
        r->install(net);
  }
  a_ = net.find_modulator(astro_);
  if (!a_)
    throw_unknown(fmt::format("astrocyte (reference 'astrocyte' of stdp_nalsm on projection '{}'; declare it on one "
                              "projection with liquid = \"...\", input = \"...\", or add a modulator of that name)",
                              name_),
                  astro_, net.modulator_names());
}

void stdp_nalsm::on_step(const sim::rule_context&, std::span<const std::uint32_t> pre,
                         std::span<const std::uint32_t> post) {
  // x <- k (x + bump S): decay all, then add k * bump for this step's spikes
  const double kb = decay_ * p_.bump;
  for (auto& x : x_pre_) x *= decay_;
  for (auto& x : x_post_) x *= decay_;
  for (auto s : pre) x_pre_[s] += kb;
  for (auto t : post) x_post_[t] += kb;
  depress_ = a_ ? *a_ : p_.a_minus;
}

void stdp_nalsm::on_post(const sim::rule_context&, std::uint32_t target) {
  const auto ptr = proj_->incoming_ptr();
  const auto syn = proj_->incoming_synapses();
  auto w = proj_->weights();
  const double rate = inhibitory_ ? -depress_ : p_.eta_plus;
  for (auto j = ptr[target]; j < ptr[target + 1]; ++j) {
    const double x = w[syn[j]] + rate * x_pre_[in_src_[j]];
    w[syn[j]] = static_cast<float>(std::clamp(x, p_.w_min, p_.w_max));
  }
}

void stdp_nalsm::on_pre(const sim::rule_context&, std::uint32_t, std::size_t begin, std::size_t end) {
  auto w = proj_->weights();
  const auto tg = proj_->targets();
  const double rate = inhibitory_ ? p_.eta_plus : -depress_;
  for (std::size_t k = begin; k < end; ++k) {
    const double x = w[k] + rate * x_post_[tg[k]];
    w[k] = static_cast<float>(std::clamp(x, p_.w_min, p_.w_max));
  }
}

}  // namespace hebb::plasticity
