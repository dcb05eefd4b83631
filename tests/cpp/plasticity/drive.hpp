#pragma once
// Test helper: one plastic synapse between a spike source and a lif_curr_delta
// neuron whose spikes are placed exactly. A driver source fires one step before each
// wanted post spike through a 100 mV synapse, so the post neuron spikes at the given
// times (checked). Returns the plastic synapse's final weight.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include <hebb/plasticity/register.hpp>
#include <hebb/sim/network.hpp>

namespace hebb_test {

struct pair_run {
  std::vector<double> pre, post;  // spike times [ms], multiples of dt
  double w0 = 0.0;
  double tail = 100.0;            // run this long after the last spike [ms]
  hebb::sim::rule_args rule;
  double dt = 0.1;
};

inline double run_pair(const pair_run& r) {
  using namespace hebb::sim;
  hebb::plasticity::register_rules();
  network net({.dt = r.dt, .seed = 1});
  std::vector<double> drv;
  for (double t : r.post) drv.push_back(t - r.dt);
  net.add_population({.name = "pre", .model = "spike_source", .size = 1, .spike_times = {r.pre}});
  net.add_population({.name = "drv", .model = "spike_source", .size = 1, .spike_times = {drv}});
  net.add_population({.name = "post", .model = "lif_curr_delta", .size = 1});
  projection_args a;
  a.connect.rule = "one_to_one";
  a.name = "syn";
  a.weight = value_spec::constant(r.w0);
  a.delay = value_spec::constant(r.dt);
  net.connect("pre", "post", a);
  projection_args d = a;
  d.name = "drive";
  d.weight = value_spec::constant(100.0);
  net.connect("drv", "post", d);
  net.set_plasticity("syn", r.rule);
  const auto m = net.record_spikes("post");
  double last = 0;
  for (double t : r.pre) last = std::max(last, t);
  for (double t : r.post) last = std::max(last, t);
  net.run(last + r.tail);
  const auto& t = net.spike_monitors()[m].times;
  EXPECT_EQ(t.size(), r.post.size()) << "post neuron did not spike exactly at the wanted times";
  for (std::size_t i = 0; i < std::min(t.size(), r.post.size()); ++i) EXPECT_NEAR(t[i], r.post[i], 1e-6);
  return net.proj("syn").weights()[0];
}

}  // namespace hebb_test
