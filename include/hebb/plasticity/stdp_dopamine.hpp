#pragma once
// stdp_dopamine: eligibility-trace three-factor rule; with its defaults the
// dopamine-modulated STDP of Izhikevich (2007), Cereb. Cortex 17:2443.
//
//   dc/dt = -c / tau_c + STDP(pre, post)       per-synapse eligibility trace
//   dd/dt = -d / tau_d + M(t)                  (tau_d > 0) or d = M(t) (tau_d = 0)
//   dw/dt = eta * (d + tonic) * c              w clipped to [w_min, w_max]
// STDP(pre, post) is pair STDP written into c instead of w: on a post spike
// c += a_plus * x_pre, on a pre spike c -= a_minus * x_post, with the pre/post traces
// of stdp_pair (decay tau_plus / tau_minus; all-to-all: += 1, nearest: = 1).
// M is the named modulator (reference `modulator`), a global signal set from Python,
// a model-file schedule or a step hook (reward, astrocyte). With tau_d > 0 the
// modulator is a release: each step d decays by exp(-dt/tau_d) and M is added to it,
// so a schedule that holds M = 0.5 for one step delivers one reward of 0.5 (as in
// Izhikevich's code, DA += 0.5). With M = 0 and tonic = 0 weights never change.
//
// Integration, per step and in this order: d and c decay exactly (factors exp(-dt/tau)),
// then w += eta * (d + tonic) * c * dt for every synapse; spikes then add to c.
// c is stored as c / g with one global decay factor g (renormalised when small), so
// steps without modulation cost O(1), not O(synapses). The weight update is a dense
// pass over the projection's synapses, serial and in synapse order: weights are the
// same for any thread count.
//
// Izhikevich's values (his DA-STDP code, 1 ms steps): a_plus = 0.1, a_minus = 0.15,
// tau_plus = tau_minus = 20 ms, nearest traces, tau_c = 1 s, tau_d = 200 ms,
// eta = 0.1 /ms, tonic = 0.002, w in [0, 4].
#include <cstdint>
#include <string>
#include <vector>

#include <hebb/sim/synapse_rule.hpp>

namespace hebb::plasticity {

class stdp_dopamine final : public sim::synapse_rule {
public:
  struct params {
    double tau_plus = 20.0;     // pre trace [ms]
    double tau_minus = 20.0;    // post trace [ms]
    double a_plus = 0.1;        // eligibility added per pre-before-post pair [c]
    double a_minus = 0.15;      // eligibility removed per post-before-pre pair [c]
    double tau_c = 1000.0;      // eligibility trace [ms]
    double tau_d = 200.0;       // modulator filter [ms]; 0: d = M directly
    double eta = 0.1;           // learning rate [w / (c * M * ms)]
    double tonic = 0.0;         // constant added to d [M]
    double w_min = 0.0;         // lower bound [w]
    double w_max = 4.0;         // upper bound [w]
    double nearest = 1;         // 1: nearest-spike traces (Izhikevich), 0: all-to-all
  };
  static sim::rule_info info();
  stdp_dopamine(const std::string& projection, const sim::rule_args& args);

  void attach(sim::projection& p, double dt) override;
  void prepare(sim::network& net) override;
  void on_step(const sim::rule_context& ctx, std::span<const std::uint32_t> pre,
               std::span<const std::uint32_t> post) override;
  void on_post(const sim::rule_context& ctx, std::uint32_t target) override;
  void on_pre(const sim::rule_context& ctx, std::uint32_t source, std::size_t begin, std::size_t end) override;

  // The eligibility trace c of every synapse (CSR order) and the filtered modulator d.
  std::vector<double> eligibility() const;
  double dopamine() const { return d_; }

private:
  params p_;
  std::string name_, modulator_;
  sim::projection* proj_ = nullptr;
  const double* m_ = nullptr;
  double dt_ = 0.1, decay_pre_ = 1, decay_post_ = 1, decay_c_ = 1, decay_d_ = 0;
  double d_ = 0;
  double g_ = 1;  // c = c_scaled * g
  std::vector<double> c_;  // c / g per synapse, CSR order
  std::vector<double> x_pre_, x_post_;
  std::vector<std::uint32_t> pending_post_;
  std::span<const std::uint32_t> in_src_;  // source of each incoming synapse (projection::incoming_sources)
};

}  // namespace hebb::plasticity
