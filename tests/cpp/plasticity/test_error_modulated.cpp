// Oracle: the discrete sum the rule integrates, dw_ij = eta * E_j * dt * sum_s x_i(s),
// with x_i(s) = sum over pre spikes q <= s of exp(-(s - q) dt / tau_pre), computed
// here from the spike times; and no change where E_j = 0.
#include <gtest/gtest.h>

#include <cmath>

#include <hebb/plasticity/register.hpp>
#include <hebb/sim/network.hpp>

using namespace hebb::sim;

TEST(error_modulated, weight_change_equals_the_integrated_error_times_pre_trace) {
  hebb::plasticity::register_rules();
  const double dt = 0.1, tau = 20.0, eta = 0.002, E0 = 0.5;
  const std::vector<double> t0 = {5.0, 12.3, 40.0}, t1 = {20.0, 21.0};
  network net({.dt = dt, .seed = 1});
  net.add_population({.name = "pre", .model = "spike_source", .size = 2, .spike_times = {t0, t1}});
  net.add_population({.name = "post", .model = "lif_curr_delta", .size = 2});
  projection_args a;
  a.name = "p";
  a.connect.rule = "explicit";
  a.connect.sources = {0, 1, 0};
  a.connect.targets = {0, 0, 1};
  a.weight = value_spec::constant(0.0);
  net.connect("pre", "post", a);
  net.add_modulator_vector("err", 2);
  const std::vector<double> e = {E0, 0.0};
  net.set_modulator_vector("err", e);
  net.set_plasticity("p", {"error_modulated", {{"tau_pre", tau}, {"eta", eta}}, {{"error", "err"}}});
  const int steps = 1000;
  net.run(steps * dt);
  auto expected = [&](const std::vector<double>& times) {
    double sum = 0;
    for (int s = 0; s < steps; ++s)
      for (double t : times) {
        const int q = static_cast<int>(std::lround(t / dt)) - 1;  // the step that emits it
        if (q <= s) sum += std::exp(-(s - q) * dt / tau);
      }
    return eta * E0 * dt * sum;
  };
  const auto w = net.proj("p").weights();  // CSR order: (0->0), (0->1), (1->0)
  EXPECT_NEAR(w[0], expected(t0), 1e-6 * std::fabs(expected(t0)) + 1e-7);
  EXPECT_EQ(w[1], 0.0f);  // E = 0 at target 1: no change
  EXPECT_NEAR(w[2], expected(t1), 1e-6 * std::fabs(expected(t1)) + 1e-7);
  EXPECT_GT(w[0], 0.0f);
}

TEST(error_modulated, missing_error_signal_names_projection_and_closest) {
  hebb::plasticity::register_rules();
  network net;
  net.add_population({.name = "a", .model = "lif_curr_exp", .size = 3});
  projection_args a;
  a.name = "aa";
  net.connect("a", "a", a);
  net.add_modulator_vector("error", 3);
  net.set_plasticity("aa", {"error_modulated", {}, {{"error", "eror"}}});
  try {
    net.run(1.0);
    FAIL();
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("projection 'aa'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("did you mean 'error'"), std::string::npos) << e.what();
  }
}
