// Oracles: (1) the discrete-time solution of dw = eta d c dt for one pre/post pair
// and one reward, a geometric series written out below; (2) M = 0 gives exactly the
// initial weights although eligibility is nonzero (and M > 0 on the same run changes
// them, so the check can fail); (3) 1 and 2 threads give bit-identical weights and
// spikes, and another seed gives other weights.
#include <gtest/gtest.h>

#include <cmath>

#include <hebb/plasticity/stdp_dopamine.hpp>

#include "drive.hpp"

using namespace hebb::sim;

namespace {

double reward_after_pair(double t_pre, double t_post, double t_reward, double dt) {
  hebb::plasticity::register_rules();
  network net({.dt = dt, .seed = 1});
  net.add_population({.name = "pre", .model = "spike_source", .size = 1, .spike_times = {{t_pre}}});
  net.add_population({.name = "drv", .model = "spike_source", .size = 1, .spike_times = {{t_post - dt}}});
  net.add_population({.name = "post", .model = "lif_curr_delta", .size = 1});
  projection_args a;
  a.connect.rule = "one_to_one";
  a.name = "syn";
  a.weight = value_spec::constant(1.0);
  a.delay = value_spec::constant(dt);
  net.connect("pre", "post", a);
  projection_args d = a;
  d.name = "drive";
  d.weight = value_spec::constant(100.0);
  net.connect("drv", "post", d);
  net.add_modulator("dopamine", 0.0);
  net.add_modulator_schedule("dopamine", {t_reward, t_reward + dt}, {0.5, 0.0});
  net.set_plasticity("syn", {"stdp_dopamine", {}, {{"modulator", "dopamine"}}});
  net.run(t_reward + 5000.0);
  return net.proj("syn").weights()[0] - 1.0;
}

// A small random network with Poisson drive and a rewarded plastic projection.
network random_net(std::uint64_t seed, int threads, double reward) {
  hebb::plasticity::register_rules();
  network net({.dt = 1.0, .seed = seed, .threads = threads});
  net.add_population({.name = "e", .model = "izhikevich", .size = 200});
  net.add_population({.name = "i", .model = "izhikevich", .size = 50, .preset = "FS"});
  projection_args a;
  a.connect.rule = "fixed_outdegree";
  a.connect.n = 20;
  a.connect.autapses = false;
  a.weight = value_spec::constant(1.0);
  a.delay = value_spec::constant(1.0);
  a.name = "ee";
  net.connect("e", "e", a);
  a.name = "ei";
  a.connect.n = 5;
  net.connect("e", "i", a);
  a.name = "ie";
  a.port = receptor::inh;
  a.connect.n = 20;
  a.weight = value_spec::constant(-1.0);
  net.connect("i", "e", a);
  net.add_poisson_input("e", {5.0}, 20.0, receptor::exc);
  net.add_poisson_input("i", {5.0}, 20.0, receptor::exc);
  net.add_modulator("da", 0.0);
  if (reward > 0) net.add_modulator_schedule("da", {300.0, 301.0, 700.0, 701.0}, {reward, 0.0, reward, 0.0});
  net.set_plasticity("ee", {"stdp_dopamine", {{"w_max", 4.0}}, {{"modulator", "da"}}});
  net.record_spikes("e");
  net.run(1000.0);
  return net;
}

}  // namespace

TEST(stdp_dopamine, one_pair_one_reward_matches_the_discrete_solution) {
  const hebb::plasticity::stdp_dopamine::params p;  // defaults: Izhikevich's values
  for (double dt : {1.0, 0.1})
    for (double delta : {10.0, -10.0}) {
      const double t_pre = 100.0, t_post = t_pre + delta, t_reward = 1100.0;
      const double c0 = delta > 0 ? p.a_plus * std::exp(-delta / p.tau_plus) : -p.a_minus * std::exp(delta / p.tau_minus);
      const double qc = std::exp(-dt / p.tau_c), qd = std::exp(-dt / p.tau_d);
      // c was created at the later spike; the reward enters d (= 0.5) at the step of
      // t_reward and then decays with qd while c decays with qc
      const double n0 = std::round((t_reward - std::max(t_pre, t_post)) / dt);
      const double expect = p.eta * dt * 0.5 * c0 * std::pow(qc, n0) / (1 - qd * qc);
      const double got = reward_after_pair(t_pre, t_post, t_reward, dt);
      EXPECT_NEAR(got, expect, 1e-3 * std::fabs(expect)) << "dt=" << dt << " delta=" << delta;
    }
}

TEST(stdp_dopamine, zero_modulator_means_no_weight_change) {
  auto quiet = random_net(3, 1, 0.0);
  auto& pr = quiet.proj("ee");
  for (float w : pr.weights()) ASSERT_EQ(w, 1.0f);
  const auto* rule = dynamic_cast<hebb::plasticity::stdp_dopamine*>(pr.rule());
  ASSERT_NE(rule, nullptr);
  double c_abs = 0;
  for (double c : rule->eligibility()) c_abs += std::fabs(c);
  EXPECT_GT(c_abs, 0.0) << "no eligibility at all: the check would be trivial";
  EXPECT_GT(quiet.spike_monitors()[0].times.size(), 500u);
  // the same run rewarded does change the weights
  auto rewarded = random_net(3, 1, 0.5);
  double moved = 0;
  const auto w = rewarded.proj("ee").weights();
  for (float x : w) moved += std::fabs(x - 1.0f);
  EXPECT_GT(moved, 1e-3);
}

TEST(stdp_dopamine, plastic_runs_are_identical_for_1_and_2_threads) {
  auto a = random_net(5, 1, 0.5);
  auto b = random_net(5, 2, 0.5);
  const auto wa = a.proj("ee").weights(), wb = b.proj("ee").weights();
  ASSERT_EQ(wa.size(), wb.size());
  std::size_t differ = 0;
  for (std::size_t k = 0; k < wa.size(); ++k) differ += wa[k] != wb[k];
  EXPECT_EQ(differ, 0u);
  EXPECT_EQ(a.spike_monitors()[0].senders, b.spike_monitors()[0].senders);
  EXPECT_EQ(a.spike_monitors()[0].times, b.spike_monitors()[0].times);
  // another seed gives other weights, so the comparison is not trivially true
  auto c = random_net(6, 1, 0.5);
  std::size_t other = 0;
  const auto wc = c.proj("ee").weights();
  for (std::size_t k = 0; k < std::min(wa.size(), wc.size()); ++k) other += wa[k] != wc[k];
  EXPECT_GT(other, wa.size() / 10);
}

TEST(stdp_dopamine, a_modulator_that_names_no_source_is_an_error) {
  hebb::plasticity::register_rules();
  network net;
  net.add_population({.name = "a", .model = "lif_cond_exp", .size = 3});
  projection_args a;
  a.name = "ab";
  net.connect("a", "a", a);
  net.add_modulator("dopamine");
  try {
    net.set_plasticity("ab", {"stdp_dopamine", {}, {}});
    FAIL();
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("projection 'ab'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("modulator"), std::string::npos) << e.what();
  }
  net.set_plasticity("ab", {"stdp_dopamine", {}, {{"modulator", "dopamin"}}});
  try {
    net.run(1.0);
    FAIL();
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("projection 'ab'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("did you mean 'dopamine'"), std::string::npos) << e.what();
  }
}
