#pragma once
// error_modulated: a three-factor rule whose third factor is a per-postsynaptic
// error signal, E_j = target_j - readout_j (a per-neuron modulator set from Python
// or a step hook), and whose eligibility is the presynaptic trace:
//
//   x_i:        per source neuron, decays with tau_pre; on a pre spike x_i += 1
//   dw_ij/dt  = eta * E_j(t) * x_i(t)          w clipped to [w_min, w_max]
//
// the spiking form of the delta (LMS) rule. With E = 0 the weights never change.
// Integration: per step x decays exactly (factor exp(-dt/tau_pre)), pre spikes add
// to x, then w += eta * E_j * x_i * dt for the incoming synapses of every target
// with E_j != 0 (serial, in synapse order: the same weights for any thread count).
#include <cstdint>
#include <string>
#include <vector>

#include <hebb/sim/synapse_rule.hpp>

namespace hebb::plasticity {

class error_modulated final : public sim::synapse_rule {
public:
  struct params {
    double tau_pre = 20.0;  // presynaptic trace [ms]
    double eta = 0.001;     // learning rate [w / (E * ms)]
    double w_min = -1e9;    // lower bound [w]
    double w_max = 1e9;     // upper bound [w]
  };
  static sim::rule_info info();
  error_modulated(const std::string& projection, const sim::rule_args& args);

  void attach(sim::projection& p, double dt) override;
  void prepare(sim::network& net) override;
  void on_step(const sim::rule_context& ctx, std::span<const std::uint32_t> pre,
               std::span<const std::uint32_t> post) override;

private:
  params p_;
  std::string name_, error_;
  sim::projection* proj_ = nullptr;
  const std::vector<double>* e_ = nullptr;
  double decay_ = 1, dt_ = 0;
  std::vector<double> x_pre_;
  std::span<const std::uint32_t> in_src_;  // source of each incoming synapse (projection::incoming_sources)
};

}  // namespace hebb::plasticity
