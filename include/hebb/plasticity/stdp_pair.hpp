#pragma once
// stdp_pair: pair-based spike-timing-dependent plasticity (Bi & Poo 1998; the
// trace formulation of Song, Miller & Abbott 2000 and Morrison et al. 2008).
//
//   x_pre:  per source neuron, decays with tau_plus;  on a pre spike x_pre += 1
//           (all-to-all) or x_pre = 1 (nearest)
//   x_post: per target neuron, decays with tau_minus; likewise on a post spike
//   post spike:  w += a_plus  * x_pre   (additive)   or a_plus  * (w_max - w) * x_pre
//   pre spike:   w -= a_minus * x_post  (additive)   or a_minus * (w - w_min) * x_post
//   w clipped to [w_min, w_max]
// So a pair with t_post - t_pre = dt > 0 changes w by a_plus exp(-dt/tau_plus) and
// one with dt < 0 by -a_minus exp(dt/tau_minus). Spikes of the same step count as
// pre before post. Traces decay exactly once per step (factor exp(-dt/tau)).
#include <cstdint>
#include <vector>

#include <hebb/plasticity/pair_traces.hpp>
#include <hebb/sim/synapse_rule.hpp>

namespace hebb::plasticity {

class stdp_pair final : public sim::synapse_rule {
public:
  struct params {
    double tau_plus = 16.8;    // potentiation window [ms] (Bi & Poo 1998 fit)
    double tau_minus = 33.7;   // depression window [ms]
    double a_plus = 0.01;      // potentiation amplitude [weight units, or 1 if multiplicative]
    double a_minus = 0.0105;   // depression amplitude
    double w_min = 0.0;        // lower bound
    double w_max = 1.0;        // upper bound
    double multiplicative = 0; // 1: weight-dependent (soft bounds)
    double nearest = 0;        // 1: nearest-neighbour traces (reset to 1, not += 1)
  };
  static sim::rule_info info();
  stdp_pair(const std::string& projection, const sim::rule_args& args);

  void attach(sim::projection& p, double dt) override;
  void on_step(const sim::rule_context& ctx, std::span<const std::uint32_t> pre,
               std::span<const std::uint32_t> post) override;
  void on_post(const sim::rule_context& ctx, std::uint32_t target) override;
  void on_pre(const sim::rule_context& ctx, std::uint32_t source, std::size_t begin, std::size_t end) override;

private:
  params p_;
  std::string name_;
  sim::projection* proj_ = nullptr;
  pair_traces tr_;
  std::span<const std::uint32_t> in_src_;  // source of each incoming synapse (projection::incoming_sources)
};

}  // namespace hebb::plasticity
