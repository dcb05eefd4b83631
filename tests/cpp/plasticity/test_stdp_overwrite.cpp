// Oracle: the rule's update equations summed by hand over a 3-step burst (dt = 1 ms),
//   co-active pair:            w0 + a_plus (1 + (1 + e) + (1 + e + e^2)),  e = exp(-dt/tau_plus)
//   burst pre, silent target:  w0 - a_pre_hetero  (e + (e + e^2))
//   burst post, silent source: w0 - a_post_hetero (f + (f + f^2)),         f = exp(-dt/tau_minus)
//   both silent:               w0
// and an isolated pre or post spike (a recall) changes no weight of a silent partner.
#include <gtest/gtest.h>

#include <cmath>

#include <hebb/plasticity/register.hpp>
#include <hebb/sim/network.hpp>

using namespace hebb::sim;

namespace {

struct burst_result {
  double w[2][2];  // w[source][target]
  std::size_t post0_spikes;
};

// pre 0 spikes at `pre_times`, post 0 is driven to spike at `post_times`; pre 1 and
// post 1 stay silent. All four weights start at w0.
burst_result run_burst(const std::vector<double>& pre_times, const std::vector<double>& post_times,
                       const hebb::param_map& rule, double w0) {
  hebb::plasticity::register_rules();
  network net({.dt = 1.0, .seed = 1});
  net.add_population({.name = "pre", .model = "spike_source", .size = 2, .spike_times = {pre_times, {}}});
  std::vector<double> drive;
  for (double t : post_times) drive.push_back(t - 1.0);  // the driver's event lands one step later
  net.add_population({.name = "drv", .model = "spike_source", .size = 2, .spike_times = {drive, {}}});
  net.add_population({.name = "post", .model = "lif_curr_delta", .size = 2, .params = {{"tau_refrac", 0.0}}});
  projection_args a;
  a.name = "syn";
  a.weight = value_spec::constant(w0);
  a.delay = value_spec::constant(1.0);
  net.connect("pre", "post", a);
  projection_args d;
  d.name = "drive";
  d.connect.rule = "one_to_one";
  d.weight = value_spec::constant(100.0);
  d.delay = value_spec::constant(1.0);
  net.connect("drv", "post", d);
  net.set_plasticity("syn", {"stdp_overwrite", rule, {}});
  const auto m = net.record_spikes("post");
  net.run(40.0);
  burst_result r{};
  auto& p = net.proj("syn");
  const auto w = p.weights();
  const auto tg = p.targets();
  for (std::size_t k = 0; k < w.size(); ++k) r.w[p.source_of(k)][tg[k]] = w[k];
  std::size_t n0 = 0;
  for (std::size_t k = 0; k < net.spike_monitors()[m].times.size(); ++k)
    if (net.spike_monitors()[m].senders[k] == 0) ++n0;
  r.post0_spikes = n0;
  return r;
}

}  // namespace

TEST(stdp_overwrite, burst_potentiates_coactive_and_depresses_silent_partners) {
  const double tau_p = 1.0, tau_m = 2.0, a_plus = 0.05, a_pre = 0.1, a_post = 0.07, w0 = 0.5;
  const auto r = run_burst({10.0, 11.0, 12.0}, {10.0, 11.0, 12.0},
                           {{"tau_plus", tau_p}, {"tau_minus", tau_m}, {"a_plus", a_plus},
                            {"a_pre_hetero", a_pre}, {"a_post_hetero", a_post}, {"w_max", 2.0}}, w0);
  ASSERT_EQ(r.post0_spikes, 3u);
  const double e = std::exp(-1.0 / tau_p), f = std::exp(-1.0 / tau_m);
  EXPECT_NEAR(r.w[0][0], w0 + a_plus * (1 + (1 + e) + (1 + e + e * e)), 1e-6);
  EXPECT_NEAR(r.w[0][1], w0 - a_pre * (e + (e + e * e)), 1e-6);
  EXPECT_NEAR(r.w[1][0], w0 - a_post * (f + (f + f * f)), 1e-6);
  EXPECT_NEAR(r.w[1][1], w0, 1e-7);
}

TEST(stdp_overwrite, isolated_spikes_leave_silent_partners_unchanged) {
  // one pre spike at 10 and one post spike at 20: far apart, each alone in its burst
  const auto r = run_burst({10.0}, {20.0},
                           {{"tau_plus", 1.0}, {"tau_minus", 1.0}, {"a_plus", 0.0},
                            {"a_pre_hetero", 0.3}, {"a_post_hetero", 0.3}, {"w_max", 2.0}}, 0.5);
  ASSERT_EQ(r.post0_spikes, 1u);
  for (auto& row : r.w)
    for (double x : row) EXPECT_NEAR(x, 0.5, 1e-7);
}

TEST(stdp_overwrite, overwrite_clips_at_the_bounds) {
  // amplitudes far above the range: one burst sets the co-active weight to w_max and
  // the silent partners' to w_min, whatever they held
  const auto r = run_burst({10.0, 11.0, 12.0}, {10.0, 11.0, 12.0},
                           {{"tau_plus", 0.25}, {"tau_minus", 0.25}, {"a_plus", 10.0},
                            {"a_pre_hetero", 1000.0}, {"a_post_hetero", 1000.0}, {"w_max", 1.0}}, 0.7);
  EXPECT_FLOAT_EQ(r.w[0][0], 1.0f);
  EXPECT_FLOAT_EQ(r.w[0][1], 0.0f);
  EXPECT_FLOAT_EQ(r.w[1][0], 0.0f);
  EXPECT_FLOAT_EQ(r.w[1][1], 0.7f);
}

TEST(stdp_overwrite, bad_parameters_name_the_projection_and_key) {
  hebb::plasticity::register_rules();
  network net;
  net.add_population({.name = "a", .model = "lif_curr_exp", .size = 3});
  projection_args a;
  a.name = "ab";
  net.connect("a", "a", a);
  try {
    net.set_plasticity("ab", {"stdp_overwrite", {{"a_pre_hetero", -1.0}}, {}});
    FAIL();
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("projection 'ab'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("a_pre_hetero"), std::string::npos) << e.what();
  }
}
