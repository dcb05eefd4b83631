#include <hebb/plasticity/stdp_triplet.hpp>
#include <hebb/plasticity/bounds.hpp>

#include <algorithm>
#include <cmath>

#include <hebb/sim/model.hpp>
#include <hebb/sim/projection.hpp>

namespace hebb::plasticity {

namespace {
using P = stdp_triplet::params;
constexpr sim::field<P> fields[] = {
    {"tau_plus", &P::tau_plus, "ms", "pre trace r1 (pair potentiation)"},
    {"tau_minus", &P::tau_minus, "ms", "post trace o1 (pair depression)"},
    {"tau_x", &P::tau_x, "ms", "pre trace r2 (triplet depression)"},
    {"tau_y", &P::tau_y, "ms", "post trace o2 (triplet potentiation)"},
    {"a2_plus", &P::a2_plus, "w", "pair potentiation amplitude"},
    {"a3_plus", &P::a3_plus, "w", "triplet potentiation amplitude"},
    {"a2_minus", &P::a2_minus, "w", "pair depression amplitude"},
    {"a3_minus", &P::a3_minus, "w", "triplet depression amplitude"},
    {"w_min", &P::w_min, "w", "lower weight bound"},
    {"w_max", &P::w_max, "w", "upper weight bound"},
    {"multiplicative", &P::multiplicative, "1", "1: soft bounds (updates scaled by distance to the bound)"},
    {"nearest", &P::nearest, "1", "1: nearest-spike traces instead of all-to-all"},
};

struct named_set {
  const char* name;
  P p;
};

// Pfister & Gerstner (2006): visual cortex sets are Table 3 (fitted to Sjostrom et
// al. 2001), hippocampal sets Table 4 (fitted to Wang et al. 2005); tau_plus 16.8 ms
// and tau_minus 33.7 ms in every row. The minimal models drop a3_minus (and, for
// visual cortex, a2_plus); the paper leaves their tau_x blank, and tau_x has no
// effect there (a3_minus = 0), so the full row's value is kept. Where each row was
// checked: see the header.
P make(double tx, double ty, double a2p, double a3p, double a2m, double a3m, bool nn) {
  P p;
  p.tau_x = tx;
  p.tau_y = ty;
  p.a2_plus = a2p;
  p.a3_plus = a3p;
  p.a2_minus = a2m;
  p.a3_minus = a3m;
  p.nearest = nn ? 1 : 0;
  return p;
}

const std::vector<named_set>& sets() {
  static const std::vector<named_set> s = {
      {"visual_all_to_all", make(101, 125, 5e-10, 6.2e-3, 7e-3, 2.3e-4, false)},
      {"visual_nearest", make(714, 40, 8.8e-11, 5.3e-2, 6.6e-3, 3.1e-3, true)},
      {"visual_minimal_all_to_all", make(101, 114, 0, 6.5e-3, 7.1e-3, 0, false)},
      {"visual_minimal_nearest", make(714, 40, 0, 5e-2, 8e-3, 0, true)},
      {"hippocampal_all_to_all", make(946, 27, 6.1e-3, 6.7e-3, 1.6e-3, 1.4e-3, false)},
      {"hippocampal_nearest", make(575, 47, 4.6e-3, 9.1e-3, 3e-3, 7.5e-9, true)},
      {"hippocampal_minimal_all_to_all", make(946, 40, 5.3e-3, 8e-3, 3.5e-3, 0, false)},
      {"hippocampal_minimal_nearest", make(575, 47, 4.6e-3, 9.1e-3, 3e-3, 0, true)},
  };
  return s;
}
}  // namespace

const std::vector<std::string>& stdp_triplet::preset_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& s : sets()) n.emplace_back(s.name);
    return n;
  }();
  return names;
}

stdp_triplet::params stdp_triplet::preset(const std::string& owner, const std::string& name) {
  for (const auto& s : sets())
    if (name == s.name) return s.p;
  throw_unknown(owner + " preset", name, preset_names());
}

sim::rule_info stdp_triplet::info() {
  return {"stdp_triplet",
          "triplet STDP (Pfister & Gerstner 2006); all-to-all or nearest; presets visual_* and hippocampal_*",
          sim::specs_of(fields), {"preset"}};
}

stdp_triplet::stdp_triplet(const std::string& projection, const sim::rule_args& args) : name_(projection) {
  const std::string owner = "stdp_triplet on projection '" + projection + "'";
  P base{};
  for (const auto& [key, value] : args.refs) {
    if (key != "preset")
      throw Error("{}: unknown reference '{}' = '{}' (valid: preset)", owner, key, value);
    base = preset(owner, value);
  }
  p_ = sim::params_from(owner.c_str(), fields, args.params, base);
  sim::require_positive(owner.c_str(), "tau_plus", p_.tau_plus, "ms");
  sim::require_positive(owner.c_str(), "tau_minus", p_.tau_minus, "ms");
  sim::require_positive(owner.c_str(), "tau_x", p_.tau_x, "ms");
  sim::require_positive(owner.c_str(), "tau_y", p_.tau_y, "ms");
  sim::require_nonnegative(owner.c_str(), "a2_plus", p_.a2_plus, "");
  sim::require_nonnegative(owner.c_str(), "a3_plus", p_.a3_plus, "");
  sim::require_nonnegative(owner.c_str(), "a2_minus", p_.a2_minus, "");
  sim::require_nonnegative(owner.c_str(), "a3_minus", p_.a3_minus, "");
  check_bounds(owner, p_.w_min, p_.w_max);
}

void stdp_triplet::attach(sim::projection& p, double dt) {
  proj_ = &p;
  apply_bounds(p, "stdp_triplet", name_, p_.w_min, p_.w_max);
  d_r1_ = std::exp(-dt / p_.tau_plus);
  d_r2_ = std::exp(-dt / p_.tau_x);
  d_o1_ = std::exp(-dt / p_.tau_minus);
  d_o2_ = std::exp(-dt / p_.tau_y);
  r1_.assign(p.pre().size(), 0.0);
  r2_.assign(p.pre().size(), 0.0);
  o1_.assign(p.post().size(), 0.0);
  o2_.assign(p.post().size(), 0.0);
  in_src_ = p.incoming_sources();
}

void stdp_triplet::on_step(const sim::rule_context&, std::span<const std::uint32_t> pre,
                           std::span<const std::uint32_t> post) {
  for (auto& x : r1_) x *= d_r1_;
  for (auto& x : r2_) x *= d_r2_;
  for (auto& x : o1_) x *= d_o1_;
  for (auto& x : o2_) x *= d_o2_;
  const bool nn = p_.nearest != 0;
  // last step's spikes enter the traces read by spikes of the same side now, one
  // step decayed: a spike never sees its own bump
  for (auto t : pending_post_) {
    o1_[t] = nn ? d_o1_ : o1_[t] + d_o1_;
    o2_[t] = nn ? d_o2_ : o2_[t] + d_o2_;
  }
  for (auto s : pending_pre_) r2_[s] = nn ? d_r2_ : r2_[s] + d_r2_;
  pending_post_.assign(post.begin(), post.end());
  pending_pre_.assign(pre.begin(), pre.end());
  // r1 at once: a post spike in this step pairs with a pre spike of this step
  for (auto s : pre) r1_[s] = nn ? 1.0 : r1_[s] + 1.0;
}

void stdp_triplet::on_post(const sim::rule_context&, std::uint32_t target) {
  const auto ptr = proj_->incoming_ptr();
  const auto syn = proj_->incoming_synapses();
  auto w = proj_->weights();
  const double gain = p_.a2_plus + p_.a3_plus * o2_[target];
  for (auto j = ptr[target]; j < ptr[target + 1]; ++j) {
    double x = w[syn[j]];
    const double dw = gain * r1_[in_src_[j]];
    x += p_.multiplicative != 0 ? dw * (p_.w_max - x) : dw;
    w[syn[j]] = static_cast<float>(std::min(x, p_.w_max));
  }
}

void stdp_triplet::on_pre(const sim::rule_context&, std::uint32_t source, std::size_t begin, std::size_t end) {
  auto w = proj_->weights();
  const auto tg = proj_->targets();
  const double gain = p_.a2_minus + p_.a3_minus * r2_[source];
  for (std::size_t k = begin; k < end; ++k) {
    double x = w[k];
    const double dw = gain * o1_[tg[k]];
    x -= p_.multiplicative != 0 ? dw * (x - p_.w_min) : dw;
    w[k] = static_cast<float>(std::max(x, p_.w_min));
  }
}

}  // namespace hebb::plasticity
