// Homeostatic regulator. Oracle: the fixed point of the shunting dynamics,
// h* = k_exc eps / (k_exc eps + k_inh (1 - eps)), at a steady error rate eps.
#include <gtest/gtest.h>

#include <cmath>

#include <hebb/learn/homeostatic.hpp>

using namespace hebb::learn;

TEST(homeostatic, state_settles_at_the_fixed_point_of_the_error_rate) {
  for (double k_inh : {0.05, 0.02}) {
    homeostatic_params p;
    p.k_exc = 0.05;
    p.k_inh = k_inh;
    homeostatic_lr r(p);
    const double eps = 0.25;  // every fourth item is an error
    double mean = 0;
    const int n = 40000;
    for (int k = 0; k < n; ++k) {
      r.observe(k % 4 != 0);
      if (k >= n / 2) mean += r.state() / (n / 2);
    }
    const double hstar = p.k_exc * eps / (p.k_exc * eps + p.k_inh * (1 - eps));
    EXPECT_NEAR(mean, hstar, 0.02) << "k_inh = " << k_inh;
  }
}

TEST(homeostatic, learning_rate_interpolates_and_band_is_tracked) {
  homeostatic_params p;
  p.h0 = 0.0;
  homeostatic_lr low(p);
  EXPECT_DOUBLE_EQ(low.lr(), p.lr_min);
  p.h0 = 1.0;
  homeostatic_lr high(p);
  EXPECT_DOUBLE_EQ(high.lr(), p.lr_max);
  for (int k = 0; k < 100; ++k) high.observe(false);  // always wrong: leaves the band
  EXPECT_FALSE(high.viable());
  EXPECT_LT(high.viable_fraction(), 0.05);
  for (int k = 0; k < 100; ++k) low.observe(true);
  EXPECT_DOUBLE_EQ(low.viable_fraction(), 1.0);
  p.k_exc = 0;
  EXPECT_THROW(homeostatic_lr{p}, hebb::Error);
}
