#pragma once
// synaptic_scaling: homeostatic multiplicative scaling of a neuron's incoming
// weights toward a target firing rate (Turrigiano et al. 1998; the rate-based form
// of van Rossum, Bi & Turrigiano 2000, J. Neurosci. 20:8812).
//
//   tau_rate da/dt = -a + 1000 * sum_k delta(t - t_k)      rate estimate [Hz] per target
//   every `interval`:  w <- w * (1 + eta * (rate_target - a) * interval / 1000)
//   w clipped to [w_min, w_max]
// All incoming synapses of a neuron on this projection scale by the same factor, so
// their ratios (what STDP or other learning wrote) are kept. The fixed point is
// a = rate_target. a decays exactly once per step; the scaling pass runs serially in
// synapse order every interval (weights the same for any thread count).
#include <cstdint>
#include <string>
#include <vector>

#include <hebb/sim/synapse_rule.hpp>

namespace hebb::plasticity {

class synaptic_scaling final : public sim::synapse_rule {
public:
  struct params {
    double rate_target = 5.0;   // target rate [Hz]
    double tau_rate = 1000.0;   // rate estimate time constant [ms]
    double eta = 1e-3;          // scaling rate [1 / (Hz s)]
    double interval = 10.0;     // time between scaling passes [ms]
    double w_min = 0.0;         // lower bound [w]
    double w_max = 1e9;         // upper bound [w]
  };
  static sim::rule_info info();
  synaptic_scaling(const std::string& projection, const sim::rule_args& args);

  void attach(sim::projection& p, double dt) override;
  void on_step(const sim::rule_context& ctx, std::span<const std::uint32_t> pre,
               std::span<const std::uint32_t> post) override;
  const std::vector<double>& rate_estimate() const { return a_; }

private:
  params p_;
  std::string name_;
  sim::projection* proj_ = nullptr;
  double decay_ = 1, bump_ = 0;
  std::uint64_t every_ = 1, count_ = 0;
  std::vector<double> a_;
};

}  // namespace hebb::plasticity
