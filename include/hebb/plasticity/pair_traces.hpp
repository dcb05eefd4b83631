#pragma once
// The pre and post traces of pair STDP, shared by the rules built on them
// (stdp_pair, stdp_overwrite):
//   x_pre:  per source neuron, decays by exp(-dt/tau_plus) each step; a pre spike
//           adds 1 (all-to-all) or sets it to 1 (nearest)
//   x_post: per target neuron, decays by exp(-dt/tau_minus); likewise on a post spike
// A post spike enters x_post one step later (already decayed once), after that step's
// on_pre: so on_pre and on_post of one step both read x_post before this step's post
// spike, and same-step spikes count as pre before post. x_pre is bumped at once.
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace hebb::plasticity {

struct pair_traces {
  double decay_pre = 1, decay_post = 1;
  bool nearest = false;
  std::vector<double> pre, post;
  std::vector<std::uint32_t> pending_post;  // post spikes of the last step: bumped next step

  void attach(std::size_t n_pre, std::size_t n_post, double dt, double tau_plus, double tau_minus,
              bool nearest_neighbour) {
    decay_pre = std::exp(-dt / tau_plus);
    decay_post = std::exp(-dt / tau_minus);
    nearest = nearest_neighbour;
    pre.assign(n_pre, 0.0);
    post.assign(n_post, 0.0);
    pending_post.clear();
  }

  // At the start of a step, with that step's pre and post spikes.
  void step(std::span<const std::uint32_t> pre_spikes, std::span<const std::uint32_t> post_spikes) {
    for (auto& x : pre) x *= decay_pre;
    for (auto& x : post) x *= decay_post;
    for (auto t : pending_post) post[t] = nearest ? decay_post : post[t] + decay_post;
    pending_post.assign(post_spikes.begin(), post_spikes.end());
    for (auto s : pre_spikes) pre[s] = nearest ? 1.0 : pre[s] + 1.0;
  }
};

}  // namespace hebb::plasticity
