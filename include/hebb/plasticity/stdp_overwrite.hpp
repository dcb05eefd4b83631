#pragma once
// stdp_overwrite: pair STDP plus burst-gated heterosynaptic depression, so one
// learning burst overwrites what a synapse row (or column) stored before. Made for
// the one-shot spiking content-addressable memory of Casanueva-Morato et al.
// (Neural Netw. 2024; models/hippocampal_cam), where re-learning a cue must erase
// its old content while a single recall spike must leave every weight unchanged.
//
//   x_pre:  per source, decays with tau_plus,  += 1 on a pre spike (all-to-all)
//   x_post: per target, decays with tau_minus, += 1 on a post spike
//   post spike of target j, for each incoming synapse i -> j:
//       w += a_plus x_pre_i                               (Hebbian potentiation)
//       w -= a_post_hetero x_post_j^-   if i did not spike in this step
//   pre spike of source i, for each outgoing synapse i -> j:
//       w -= a_minus x_post_j                             (pair depression)
//       w -= a_pre_hetero x_pre_i^-     if j did not spike in this step
//   w clipped to [w_min, w_max]
// x^- is the trace before the present spike: it is zero for an isolated spike
// (a recall) and positive inside a burst (a learning operation that holds its
// input for several steps), so only bursts depress the synapses whose partner
// stayed silent. Spikes of one step count as pre before post (as stdp_pair);
// traces decay once per step (factor exp(-dt/tau)).
// The heterosynaptic terms follow the non-Hebbian presynaptic/postsynaptic terms
// (w_in, w_out) of Kempter, Gerstner & van Hemmen (1999), gated by the burst trace.
#include <cstdint>
#include <vector>

#include <hebb/plasticity/pair_traces.hpp>
#include <hebb/sim/synapse_rule.hpp>

namespace hebb::plasticity {

class stdp_overwrite final : public sim::synapse_rule {
public:
  struct params {
    double tau_plus = 1.0;       // pre trace time constant [ms]
    double tau_minus = 1.0;      // post trace time constant [ms]
    double a_plus = 1.0;         // potentiation amplitude [weight units]
    double a_minus = 0.0;        // pair depression amplitude [weight units]
    double a_pre_hetero = 0.0;   // depression of silent targets on a repeated pre spike [weight units]
    double a_post_hetero = 0.0;  // depression of silent sources on a repeated post spike [weight units]
    double w_min = 0.0;          // lower bound [weight units]
    double w_max = 1.0;          // upper bound [weight units]
  };
  static sim::rule_info info();
  stdp_overwrite(const std::string& projection, const sim::rule_args& args);

  void attach(sim::projection& p, double dt) override;
  void on_step(const sim::rule_context& ctx, std::span<const std::uint32_t> pre,
               std::span<const std::uint32_t> post) override;
  void on_post(const sim::rule_context& ctx, std::uint32_t target) override;
  void on_pre(const sim::rule_context& ctx, std::uint32_t source, std::size_t begin, std::size_t end) override;

private:
  params p_;
  std::string name_;
  sim::projection* proj_ = nullptr;
  pair_traces tr_;  // all-to-all
  std::vector<std::uint8_t> pre_now_, post_now_;  // spiked in the present step
  std::vector<std::uint32_t> last_pre_, last_post_;  // whose flags to clear next step
  std::span<const std::uint32_t> in_src_;  // source of each incoming synapse (projection::incoming_sources)
};

}  // namespace hebb::plasticity
