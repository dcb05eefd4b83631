#include <hebb/plasticity/stdp_pair.hpp>
#include <hebb/plasticity/bounds.hpp>

#include <algorithm>

#include <hebb/sim/model.hpp>
#include <hebb/sim/projection.hpp>

namespace hebb::plasticity {

namespace {
using P = stdp_pair::params;
constexpr sim::field<P> fields[] = {
    {"tau_plus", &P::tau_plus, "ms", "potentiation time constant (pre trace)"},
    {"tau_minus", &P::tau_minus, "ms", "depression time constant (post trace)"},
    {"a_plus", &P::a_plus, "w", "potentiation amplitude"},
    {"a_minus", &P::a_minus, "w", "depression amplitude"},
    {"w_min", &P::w_min, "w", "lower weight bound"},
    {"w_max", &P::w_max, "w", "upper weight bound"},
    {"multiplicative", &P::multiplicative, "1", "1: weight-dependent updates (soft bounds)"},
    {"nearest", &P::nearest, "1", "1: nearest-neighbour traces instead of all-to-all"},
};
}  // namespace

sim::rule_info stdp_pair::info() {
  return {"stdp_pair", "pair STDP with pre/post traces; additive or multiplicative; all-to-all or nearest",
          sim::specs_of(fields), {}};
}

stdp_pair::stdp_pair(const std::string& projection, const sim::rule_args& args) : name_(projection) {
  const std::string owner = "stdp_pair on projection '" + projection + "'";
  p_ = sim::params_from(owner.c_str(), fields, args.params);
  if (!args.refs.empty())
    throw Error("{}: takes no references (got '{}')", owner, args.refs.begin()->first);
  sim::require_positive(owner.c_str(), "tau_plus", p_.tau_plus, "ms");
  sim::require_positive(owner.c_str(), "tau_minus", p_.tau_minus, "ms");
  sim::require_nonnegative(owner.c_str(), "a_plus", p_.a_plus, "");
  sim::require_nonnegative(owner.c_str(), "a_minus", p_.a_minus, "");
  check_bounds(owner, p_.w_min, p_.w_max);
}

void stdp_pair::attach(sim::projection& p, double dt) {
  proj_ = &p;
  apply_bounds(p, "stdp_pair", name_, p_.w_min, p_.w_max);
  tr_.attach(p.pre().size(), p.post().size(), dt, p_.tau_plus, p_.tau_minus, p_.nearest != 0);
  in_src_ = p.incoming_sources();
}

void stdp_pair::on_step(const sim::rule_context&, std::span<const std::uint32_t> pre,
                        std::span<const std::uint32_t> post) {
  tr_.step(pre, post);
}

void stdp_pair::on_post(const sim::rule_context&, std::uint32_t target) {
  const auto ptr = proj_->incoming_ptr();
  const auto syn = proj_->incoming_synapses();
  auto w = proj_->weights();
  for (auto j = ptr[target]; j < ptr[target + 1]; ++j) {
    double x = w[syn[j]];
    const double dw = p_.a_plus * tr_.pre[in_src_[j]];
    x += p_.multiplicative != 0 ? dw * (p_.w_max - x) : dw;
    w[syn[j]] = static_cast<float>(std::min(x, p_.w_max));
  }
}

void stdp_pair::on_pre(const sim::rule_context&, std::uint32_t, std::size_t begin, std::size_t end) {
  auto w = proj_->weights();
  const auto tg = proj_->targets();
  for (std::size_t k = begin; k < end; ++k) {
    double x = w[k];
    const double dw = p_.a_minus * tr_.post[tg[k]];
    x -= p_.multiplicative != 0 ? dw * (x - p_.w_min) : dw;
    w[k] = static_cast<float>(std::max(x, p_.w_min));
  }
}

}  // namespace hebb::plasticity
