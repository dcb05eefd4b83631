// stdp_nalsm and the NALSM astrocyte. Oracles: the rule's closed form for one pair
// (trace bump * k^(n+1) after n steps, k = exp(-dt/tau)), the astrocyte's Euler
// recursion written out here, and bit-identical weights for 1 and 2 threads.
#include <gtest/gtest.h>

#include <cmath>

#include <hebb/core/error.hpp>
#include <hebb/plasticity/astrocyte.hpp>
#include <hebb/plasticity/register.hpp>
#include <hebb/plasticity/stdp_nalsm.hpp>
#include <hebb/sim/network.hpp>

#include "drive.hpp"

using namespace hebb::sim;

namespace {

double nalsm_pair(double t_pre, double t_post, double w0, double fixed_a = -1, double w_min = 0, double w_max = 3) {
  hebb_test::pair_run r;
  r.dt = 1.0;
  r.pre = {t_pre};
  r.post = {t_post};
  r.w0 = w0;
  r.rule = {"stdp_nalsm", {{"w_min", w_min}, {"w_max", w_max}}, {}};
  if (fixed_a >= 0) r.rule.params["a_minus"] = fixed_a;
  return hebb_test::run_pair(r);
}

}  // namespace

TEST(stdp_nalsm, pre_then_post_potentiates_by_eta_times_the_trace) {
  const double k = std::exp(-1.0 / 10.0);
  for (int n : {1, 3, 10}) {
    const double w = nalsm_pair(50.0, 50.0 + n, 1.0);
    // pre trace at the post step: bump * k^(n+1) (x <- k (x + bump S) at the pre step, then n decays)
    EXPECT_NEAR(w - 1.0, 0.15 * 0.1 * std::pow(k, n + 1), 1e-6) << "n = " << n;
  }
}

TEST(stdp_nalsm, post_then_pre_depresses_by_a_minus_times_the_trace) {
  const double k = std::exp(-1.0 / 10.0);
  for (int n : {1, 4}) {
    const double w = nalsm_pair(50.0 + n, 50.0, 1.0, 0.3);
    EXPECT_NEAR(w - 1.0, -0.3 * 0.1 * std::pow(k, n + 1), 1e-6) << "n = " << n;
  }
}

TEST(stdp_nalsm, same_step_pair_gives_both_terms) {
  const double k = std::exp(-1.0 / 10.0);
  const double w = nalsm_pair(50.0, 50.0, 1.0, 0.05);
  EXPECT_NEAR(w - 1.0, (0.15 - 0.05) * 0.1 * k, 1e-6);
}

// The inhibitory projection (inh port, weights <= 0): pre-before-post depresses the
// weight by A (more negative), post-before-pre moves it toward 0 by eta_plus.
TEST(stdp_nalsm, inhibitory_projection_swaps_the_signs) {
  hebb::plasticity::register_rules();
  const double k = std::exp(-1.0 / 10.0);
  auto run = [&](double t_pre, double t_post) {
    network net({.dt = 1.0, .seed = 1});
    net.add_population({.name = "pre", .model = "spike_source", .size = 1, .spike_times = {{t_pre}}});
    net.add_population({.name = "drv", .model = "spike_source", .size = 1, .spike_times = {{t_post - 1.0}}});
    net.add_population({.name = "post", .model = "lif_curr_delta", .size = 1});
    projection_args a;
    a.connect.rule = "one_to_one";
    a.name = "inh";
    a.port = receptor::inh;
    a.weight = value_spec::constant(-1.0);
    a.delay = value_spec::constant(1.0);
    net.connect("pre", "post", a);
    a.name = "drive";
    a.port = receptor::exc;
    a.weight = value_spec::constant(100.0);
    net.connect("drv", "post", a);
    net.set_plasticity("inh", {"stdp_nalsm", {{"w_min", -3.0}, {"w_max", 0.0}, {"a_minus", 0.2}}, {}});
    net.run(100.0);
    return static_cast<double>(net.proj("inh").weights()[0]);
  };
  EXPECT_NEAR(run(50.0, 52.0) + 1.0, -0.2 * 0.1 * std::pow(k, 3), 1e-6);
  EXPECT_NEAR(run(52.0, 50.0) + 1.0, 0.15 * 0.1 * std::pow(k, 3), 1e-6);
}

// The astrocyte follows A <- A + (dt/tau_a)(b - A) + (w_a/tau_a)(n_liquid - n_input),
// recomputed here step by step from the recorded spike counts.
TEST(astrocyte, integrates_liquid_minus_input_spikes) {
  hebb::plasticity::register_rules();
  network net({.dt = 1.0, .seed = 3});
  net.add_population({.name = "liquid", .model = "poisson", .size = 50, .rates = {40.0}});
  net.add_population({.name = "input", .model = "poisson", .size = 20, .rates = {30.0}});
  net.add_population({.name = "post", .model = "lif_curr_delta", .size = 5});
  projection_args a;
  a.name = "in_post";
  a.weight = value_spec::constant(0.5);
  a.delay = value_spec::constant(1.0);
  net.connect("input", "post", a);
  net.set_plasticity("in_post", {"stdp_nalsm", {{"w_a", 0.02}, {"tau_a", 50.0}, {"bias", 0.1}},
                                 {{"astrocyte", "astro"}, {"liquid", "liquid"}, {"input", "input"}}});
  const auto ml = net.record_spikes("liquid");
  const auto mi = net.record_spikes("input");
  std::vector<double> trace;
  for (int s = 0; s < 300; ++s) {
    net.run(1.0);
    trace.push_back(net.modulator("astro"));
  }
  std::vector<int> nl(300, 0), ni(300, 0);
  for (double t : net.spike_monitors()[ml].times) ++nl[static_cast<int>(std::lround(t)) - 1];
  for (double t : net.spike_monitors()[mi].times) ++ni[static_cast<int>(std::lround(t)) - 1];
  double A = 0.1, max_err = 0;
  for (int s = 0; s < 300; ++s) {
    A += (1.0 / 50.0) * (0.1 - A) + (0.02 / 50.0) * (nl[s] - ni[s]);
    max_err = std::max(max_err, std::abs(A - trace[s]));
  }
  EXPECT_LT(max_err, 1e-12);
  EXPECT_GT(trace.back(), 0.1 + 0.5 * 0.02 * (50 * 0.04 - 20 * 0.03)) << "A should settle near b + w_a (rate diff)";
}

TEST(stdp_nalsm, errors_name_the_projection_and_key) {
  hebb::plasticity::register_rules();
  auto build = [](const rule_args& r, bool add_owner = false) {
    network net({.dt = 1.0, .seed = 1});
    net.add_population({.name = "liquid", .model = "lif_curr_exp", .size = 10});
    net.add_population({.name = "input", .model = "poisson", .size = 10, .rates = {10.0}});
    projection_args a;
    a.delay = value_spec::constant(1.0);
    a.name = "ll";
    net.connect("liquid", "liquid", a);
    a.name = "il";
    net.connect("input", "liquid", a);
    net.set_plasticity("ll", r);
    if (add_owner)
      net.set_plasticity("il", {"stdp_nalsm", {}, {{"astrocyte", "astro"}, {"liquid", "liquid"}, {"input", "input"}}});
    net.run(5.0);
  };
  auto message = [&](const rule_args& r) {
    try {
      build(r);
    } catch (const hebb::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  auto m = message({"stdp_nalsm", {}, {{"astrocyte", "astro"}}});
  EXPECT_NE(m.find("'ll'"), std::string::npos) << m;
  EXPECT_NE(m.find("astrocyte"), std::string::npos) << m;
  m = message({"stdp_nalsm", {{"w_min", 1.0}, {"w_max", 0.0}}, {}});
  EXPECT_NE(m.find("w_min"), std::string::npos) << m;
  m = message({"stdp_nalsm", {}, {{"astrocyte", "astro"}, {"liquid", "liquid_x"}}});
  EXPECT_NE(m.find("liquid_x"), std::string::npos) << m;
  m = message({"stdp_nalsm", {}, {{"liquid", "liquid"}}});
  EXPECT_NE(m.find("astrocyte"), std::string::npos) << m;
  // a reader before the declaring projection finds it
  EXPECT_NO_THROW(build({"stdp_nalsm", {}, {{"astrocyte", "astro"}}}, true));
}

TEST(stdp_nalsm, conductance_projection_refuses_negative_bounds) {
  hebb::plasticity::register_rules();
  network net({.dt = 1.0, .seed = 1});
  net.add_population({.name = "a", .model = "poisson", .size = 2, .rates = {1.0}});
  net.add_population({.name = "b", .model = "lif_cond_exp", .size = 2});
  projection_args p;
  p.delay = value_spec::constant(1.0);
  p.name = "ab";
  net.connect("a", "b", p);
  EXPECT_THROW(net.set_plasticity("ab", {"stdp_nalsm", {{"w_min", -3.0}}, {}}), hebb::Error);
}

namespace {
struct liquid_run {
  std::vector<float> w_ee, w_ie;
  double a = 0;
  std::uint64_t spikes = 0;
};

liquid_run small_liquid(int threads, std::uint64_t seed) {
  hebb::plasticity::register_rules();
  network net({.dt = 1.0, .seed = seed, .threads = threads});
  net.add_population({.name = "exc", .model = "lif_curr_exp", .size = 160, .params = {{"tau_refrac", 2.0}}});
  net.add_population({.name = "inh", .model = "lif_curr_exp", .size = 40});
  net.add_population({.name = "input", .model = "poisson", .size = 50, .rates = {20.0}});
  projection_args a;
  a.connect.rule = "fixed_probability";
  a.connect.p = 0.1;
  a.delay = value_spec::constant(1.0);
  a.weight = value_spec::constant(300.0);
  for (auto [name, pre, post] : {std::tuple{"ee", "exc", "exc"}, {"ei", "exc", "inh"}, {"xe", "input", "exc"}, {"xi", "input", "inh"}}) {
    a.name = name;
    net.connect(pre, post, a);
  }
  a.port = receptor::inh;
  a.weight = value_spec::constant(-300.0);
  a.name = "ie";
  net.connect("inh", "exc", a);
  const rule_args exc{"stdp_nalsm", {{"w_min", 0.0}, {"w_max", 300.0}, {"eta_plus", 15.0}}, {{"astrocyte", "astro"}}};
  net.set_plasticity("ee", exc);
  net.set_plasticity("ei", exc);
  net.set_plasticity("xe", {"stdp_nalsm", {{"w_min", -300.0}, {"w_max", 300.0}, {"eta_plus", 15.0}, {"w_a", 1.5}, {"bias", 15.0}},
                            {{"astrocyte", "astro"}, {"liquid", "exc,inh"}, {"input", "input"}}});
  net.set_plasticity("ie", {"stdp_nalsm", {{"w_min", -300.0}, {"w_max", 0.0}, {"eta_plus", 15.0}}, {{"astrocyte", "astro"}}});
  net.run(200.0);
  liquid_run r;
  r.w_ee.assign(net.proj("ee").weights().begin(), net.proj("ee").weights().end());
  r.w_ie.assign(net.proj("ie").weights().begin(), net.proj("ie").weights().end());
  r.a = net.modulator("astro");
  r.spikes = net.total_spikes();
  return r;
}
}  // namespace

TEST(stdp_nalsm, plastic_liquid_is_bit_identical_for_one_and_two_threads) {
  const auto a = small_liquid(1, 5), b = small_liquid(2, 5), c = small_liquid(1, 6);
  ASSERT_GT(a.spikes, 1000u);
  EXPECT_EQ(a.w_ee, b.w_ee);
  EXPECT_EQ(a.w_ie, b.w_ie);
  EXPECT_EQ(a.a, b.a);
  EXPECT_NE(a.w_ee, c.w_ee) << "a different seed should give different weights";
  std::size_t changed = 0;
  for (float w : a.w_ee) changed += (w != 300.0f);
  EXPECT_GT(changed, a.w_ee.size() / 2) << "the rule should have moved most weights";
}
