// Oracle: the analytic pair-STDP window, a_plus exp(-dt/tau_plus) for t_post >= t_pre
// and -a_minus exp(dt/tau_minus) otherwise, measured from one pre/post pair per run.
#include <gtest/gtest.h>

#include <cmath>

#include <hebb/plasticity/register.hpp>
#include <hebb/sim/network.hpp>

using namespace hebb::sim;

namespace {

// One pre spike at t_pre, one post spike at t_pre + offset; returns the weight change.
double pair_change(double offset, bool nearest) {
  hebb::plasticity::register_rules();
  network net({.dt = 0.1, .seed = 1});
  const double t_pre = 150.0, t_post = t_pre + offset;
  net.add_population({.name = "pre", .model = "spike_source", .size = 1, .spike_times = {{t_pre}}});
  // the driver makes the post neuron fire one step after it
  net.add_population({.name = "drv", .model = "spike_source", .size = 1, .spike_times = {{t_post - 0.1}}});
  net.add_population({.name = "post", .model = "lif_curr_delta", .size = 1});
  projection_args a;
  a.connect.rule = "one_to_one";
  a.name = "syn";
  a.weight = value_spec::constant(0.0);
  net.connect("pre", "post", a);
  projection_args d = a;
  d.name = "drive";
  d.weight = value_spec::constant(100.0);
  net.connect("drv", "post", d);
  net.set_plasticity("syn", {"stdp_pair", {{"w_min", -1.0}, {"w_max", 1.0}, {"nearest", nearest ? 1.0 : 0.0}}, {}});
  const auto m = net.record_spikes("post");
  net.run(400.0);
  const auto& t = net.spike_monitors()[m].times;
  EXPECT_EQ(t.size(), 1u);
  if (!t.empty()) EXPECT_NEAR(t[0], t_post, 1e-9);
  return net.proj("syn").weights()[0];
}

}  // namespace

TEST(stdp_pair, window_equals_the_analytic_curve) {
  const double a_plus = 0.01, a_minus = 0.0105, tau_plus = 16.8, tau_minus = 33.7;
  double worst = 0;
  for (int ms = -100; ms <= 100; ms += 2) {
    const double off = ms;
    const double expect = off >= 0 ? a_plus * std::exp(-off / tau_plus) : -a_minus * std::exp(off / tau_minus);
    const double got = pair_change(off, false);
    worst = std::max(worst, std::fabs(got - expect) / std::fabs(expect));
  }
  EXPECT_LE(worst, 1e-3);
}

TEST(stdp_pair, bad_bounds_name_the_projection_and_key) {
  hebb::plasticity::register_rules();
  network net;
  net.add_population({.name = "a", .model = "lif_cond_exp", .size = 3});
  projection_args a;
  a.name = "ab";
  net.connect("a", "a", a);
  try {
    net.set_plasticity("ab", {"stdp_pair", {{"w_min", 2.0}, {"w_max", 1.0}}, {}});
    FAIL();
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("projection 'ab'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("w_min = 2"), std::string::npos) << e.what();
  }
  try {
    net.set_plasticity("ab", {"stdp_pairr", {}, {}});
    FAIL();
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'stdp_pair'"), std::string::npos) << e.what();
  }
}
