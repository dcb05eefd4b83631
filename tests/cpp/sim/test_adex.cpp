// Oracles: the subthreshold fixed point of the AdEx equations (solved here by
// bisection), and spike-triggered adaptation under a step current (Brette &
// Gerstner 2005: ISIs lengthen, w grows by b per spike).
#include <gtest/gtest.h>

#include <cmath>
#include <hebb/sim/network.hpp>

using namespace hebb::sim;

TEST(adex, settles_at_the_subthreshold_fixed_point) {
  // defaults: c_m 281 pF, g_leak 30 nS, e_leak -70.6, v_t -50.4, delta_t 2, a 4 nS
  const double I = 200.0;  // pA: below rheobase
  auto f = [&](double v) {  // dv/dt * c_m at the fixed point of w: w = a (v - e_leak)
    return -30.0 * (v + 70.6) + 30.0 * 2.0 * std::exp((v + 50.4) / 2.0) - 4.0 * (v + 70.6) + I;
  };
  double lo = -70.6, hi = -52.0;  // f(lo) > 0 > f(hi): the stable root between
  ASSERT_GT(f(lo), 0);
  ASSERT_LT(f(hi), 0);
  for (int k = 0; k < 200; ++k) ((f(0.5 * (lo + hi)) > 0) ? lo : hi) = 0.5 * (lo + hi);
  const double v_star = 0.5 * (lo + hi);
  network net({.dt = 0.1, .seed = 1});
  net.add_population({.name = "n", .model = "adex", .size = 1, .params = {{"i_offset", I}}});
  const auto m = net.record_state("n", {"v", "w"}, {0}, 100.0);
  const auto s = net.record_spikes("n");
  net.run(3000.0);
  EXPECT_TRUE(net.spike_monitors()[s].times.empty());
  const auto& rec = net.state_monitors()[m];
  EXPECT_NEAR(rec.data[0].back(), v_star, 1e-3);
  EXPECT_NEAR(rec.data[1].back(), 4.0 * (v_star + 70.6), 1e-2);
}

TEST(adex, step_current_gives_adapting_spikes) {
  network net({.dt = 0.1, .seed = 1});
  net.add_population({.name = "n", .model = "adex", .size = 1});
  net.add_current_input("n", {50.0}, {1000.0});
  const auto s = net.record_spikes("n");
  net.run(1000.0);
  const auto& t = net.spike_monitors()[s].times;
  ASSERT_GE(t.size(), 5u);
  EXPECT_GE(t.front(), 50.0);
  const double first = t[1] - t[0], last = t[t.size() - 1] - t[t.size() - 2];
  EXPECT_GT(last, 1.5 * first) << "no adaptation";
}
