#include <hebb/plasticity/stdp_overwrite.hpp>
#include <hebb/plasticity/bounds.hpp>

#include <algorithm>

#include <hebb/sim/model.hpp>
#include <hebb/sim/projection.hpp>

namespace hebb::plasticity {

namespace {
using P = stdp_overwrite::params;
constexpr sim::field<P> fields[] = {
    {"tau_plus", &P::tau_plus, "ms", "pre trace time constant"},
    {"tau_minus", &P::tau_minus, "ms", "post trace time constant"},
    {"a_plus", &P::a_plus, "w", "potentiation amplitude"},
    {"a_minus", &P::a_minus, "w", "pair depression amplitude"},
    {"a_pre_hetero", &P::a_pre_hetero, "w", "depression of silent targets on a repeated pre spike"},
    {"a_post_hetero", &P::a_post_hetero, "w", "depression of silent sources on a repeated post spike"},
    {"w_min", &P::w_min, "w", "lower weight bound"},
    {"w_max", &P::w_max, "w", "upper weight bound"},
};
}  // namespace

sim::rule_info stdp_overwrite::info() {
  return {"stdp_overwrite",
          "pair STDP plus burst-gated heterosynaptic depression: a learning burst overwrites, a single recall "
          "spike leaves weights unchanged",
          sim::specs_of(fields), {}};
}

stdp_overwrite::stdp_overwrite(const std::string& projection, const sim::rule_args& args) : name_(projection) {
  const std::string owner = "stdp_overwrite on projection '" + projection + "'";
  p_ = sim::params_from(owner.c_str(), fields, args.params);
  if (!args.refs.empty())
    throw Error("{}: takes no references (got '{}')", owner, args.refs.begin()->first);
  sim::require_positive(owner.c_str(), "tau_plus", p_.tau_plus, "ms");
  sim::require_positive(owner.c_str(), "tau_minus", p_.tau_minus, "ms");
  sim::require_nonnegative(owner.c_str(), "a_plus", p_.a_plus, "");
  sim::require_nonnegative(owner.c_str(), "a_minus", p_.a_minus, "");
  sim::require_nonnegative(owner.c_str(), "a_pre_hetero", p_.a_pre_hetero, "");
  sim::require_nonnegative(owner.c_str(), "a_post_hetero", p_.a_post_hetero, "");
  check_bounds(owner, p_.w_min, p_.w_max);
}

void stdp_overwrite::attach(sim::projection& p, double dt) {
  proj_ = &p;
  apply_bounds(p, "stdp_overwrite", name_, p_.w_min, p_.w_max);
  tr_.attach(p.pre().size(), p.post().size(), dt, p_.tau_plus, p_.tau_minus, false);
  pre_now_.assign(p.pre().size(), 0);
  post_now_.assign(p.post().size(), 0);
  in_src_ = p.incoming_sources();
}

void stdp_overwrite::on_step(const sim::rule_context&, std::span<const std::uint32_t> pre,
                             std::span<const std::uint32_t> post) {
  // on_post and on_pre of a step see x_post^- (the trace before this step's spike)
  tr_.step(pre, post);
  for (auto s : last_pre_) pre_now_[s] = 0;
  for (auto t : last_post_) post_now_[t] = 0;
  last_pre_.assign(pre.begin(), pre.end());
  last_post_.assign(post.begin(), post.end());
  for (auto s : pre) pre_now_[s] = 1;
  for (auto t : post) post_now_[t] = 1;
}

void stdp_overwrite::on_post(const sim::rule_context&, std::uint32_t target) {
  const auto ptr = proj_->incoming_ptr();
  const auto syn = proj_->incoming_synapses();
  auto w = proj_->weights();
  const double hetero = p_.a_post_hetero * tr_.post[target];
  for (auto j = ptr[target]; j < ptr[target + 1]; ++j) {
    const auto s = in_src_[j];
    double dw = p_.a_plus * tr_.pre[s];
    if (!pre_now_[s]) dw -= hetero;
    w[syn[j]] = static_cast<float>(std::clamp(w[syn[j]] + dw, p_.w_min, p_.w_max));
  }
}

void stdp_overwrite::on_pre(const sim::rule_context&, std::uint32_t source, std::size_t begin, std::size_t end) {
  auto w = proj_->weights();
  const auto tg = proj_->targets();
  // x_pre^-: the trace before this step's spike (bumped by 1 in on_step)
  const double hetero = p_.a_pre_hetero * (tr_.pre[source] - 1.0);
  for (std::size_t k = begin; k < end; ++k) {
    double dw = -p_.a_minus * tr_.post[tg[k]];
    if (!post_now_[tg[k]]) dw -= hetero;
    w[k] = static_cast<float>(std::clamp(w[k] + dw, p_.w_min, p_.w_max));
  }
}

}  // namespace hebb::plasticity
