#pragma once
// stdp_nalsm: the STDP of NALSM's liquid with depression set by an astrocyte
// (Ivanov & Michmizos 2021, NeurIPS; NALSM_STDP.py of combra-lab/NALSM).
//
//   traces, per neuron:   x <- k (x + bump S),  k = exp(-dt / tau)   (tau = 10 ms, bump = 0.1)
//   excitatory or input synapses (projection on the exc port):
//     dw = eta_plus x_pre S_post - A(t) x_post S_pre
//   inhibitory synapses (projection on the inh port, weights <= 0): signs swapped
//     dw = -A(t) x_pre S_post + eta_plus x_post S_pre
//   w clipped to [w_min, w_max]   (NALSM: exc [0, 3], inh [-3, 0], input [-3, 3])
// Traces include the spikes of the current step (NALSM's order: traces first, then
// weights), so a pre and a post spike in the same step give both terms.
// A(t) is the depression rate: the value of the modulator named by the reference
// `astrocyte` (see astrocyte.hpp), or the constant a_minus when there is none (plain
// STDP, NALSM's "no astrocyte" liquid).
//
// The astrocyte is declared on one projection of the liquid: give references
// `liquid` and `input` (population names, comma-separated lists allowed) together
// with `astrocyte`, and parameters tau_a, w_a, bias (initial value = bias); that rule
// installs it (astrocyte.hpp) when the network first runs. Other projections give
// only `astrocyte = "<name>"` and read it.
#include <cstdint>
#include <string>
#include <vector>

#include <hebb/plasticity/astrocyte.hpp>
#include <hebb/sim/synapse_rule.hpp>

namespace hebb::plasticity {

class stdp_nalsm final : public sim::synapse_rule {
public:
  struct params {
    double eta_plus = 0.15;   // potentiation rate [w per unit trace]
    double a_minus = 0.15;    // depression rate without an astrocyte [w per unit trace]
    double tau = 10.0;        // trace time constant [ms]
    double bump = 0.1;        // trace increment per spike [1]
    double w_min = 0.0;       // lower bound [w]
    double w_max = 3.0;       // upper bound [w]
    double tau_a = 100.0;     // astrocyte time constant [ms] (owner only)
    double w_a = 0.015;       // astrocyte weight per spike [A] (owner only)
    double bias = 0.15;       // astrocyte resting and initial value [A] (owner only)
  };
  static sim::rule_info info();
  stdp_nalsm(const std::string& projection, const sim::rule_args& args);

  void attach(sim::projection& p, double dt) override;
  void prepare(sim::network& net) override;
  void on_step(const sim::rule_context& ctx, std::span<const std::uint32_t> pre,
               std::span<const std::uint32_t> post) override;
  void on_post(const sim::rule_context& ctx, std::uint32_t target) override;
  void on_pre(const sim::rule_context& ctx, std::uint32_t source, std::size_t begin, std::size_t end) override;

  // The astrocyte this rule declares (empty liquid: it only reads one, or none).
  const std::string& astrocyte_name() const { return astro_; }
  bool owns_astrocyte() const { return !liquid_.empty(); }
  // Installs the declared astrocyte on `net` once (later calls do nothing).
  void install(sim::network& net);
  double depression() const { return a_ ? *a_ : p_.a_minus; }

private:
  params p_;
  std::string name_, astro_;
  std::vector<std::string> liquid_, input_;
  bool installed_ = false, inhibitory_ = false;
  sim::projection* proj_ = nullptr;
  const double* a_ = nullptr;
  double decay_ = 1, depress_ = 0;  // depress_: A of this step
  std::vector<double> x_pre_, x_post_;
  std::span<const std::uint32_t> in_src_;  // source of each incoming synapse (projection::incoming_sources)
};

}  // namespace hebb::plasticity
