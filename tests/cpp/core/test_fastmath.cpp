// Oracle: libm's exp.
#include <gtest/gtest.h>

#include <cmath>
#include <hebb/core/fastmath.hpp>

TEST(fastmath, exp_simd_matches_libm_to_rounding) {
  double worst = 0, worst_f = 0;
  for (int i = -700000; i <= 700000; ++i) {
    const double x = i * 1e-3;
    worst = std::max(worst, std::fabs(hebb::exp_simd(x) - std::exp(x)) / std::exp(x));
    if (std::fabs(x) < 80) {
      const float xf = static_cast<float>(x);
      worst_f = std::max(worst_f, static_cast<double>(std::fabs(hebb::exp_simd(xf) - std::exp(xf)) / std::exp(xf)));
    }
  }
  EXPECT_LT(worst, 4e-16);
  EXPECT_LT(worst_f, 4e-7);
  EXPECT_EQ(hebb::exp_simd(0.0), 1.0);
}
