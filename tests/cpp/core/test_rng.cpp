// Oracles: moments of the uniform, normal and Poisson laws; identity keying.
#include <gtest/gtest.h>

#include <cmath>
#include <hebb/core/rng.hpp>

using hebb::counter_rng;
using hebb::stream;

TEST(rng, same_identity_same_numbers_other_identity_other_numbers) {
  counter_rng a(42, stream::poisson_input, 7, 100), b(42, stream::poisson_input, 7, 100);
  counter_rng c(42, stream::poisson_input, 8, 100), d(43, stream::poisson_input, 7, 100);
  counter_rng e(42, stream::connect, 7, 100), f(42, stream::poisson_input, 7, 101);
  int same_c = 0, same_d = 0, same_e = 0, same_f = 0;
  for (int i = 0; i < 64; ++i) {
    const auto x = a.bits();
    EXPECT_EQ(x, b.bits());
    same_c += x == c.bits();
    same_d += x == d.bits();
    same_e += x == e.bits();
    same_f += x == f.bits();
  }
  EXPECT_LT(same_c + same_d + same_e + same_f, 2);
}

TEST(rng, uniform_and_normal_moments) {
  counter_rng r(1, stream::experiment, 0);
  const int n = 200000;
  double s = 0, s2 = 0, ns = 0, ns2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform53();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    s += u;
    s2 += u * u;
    const double z = r.normal();
    ns += z;
    ns2 += z * z;
  }
  EXPECT_NEAR(s / n, 0.5, 4 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(s2 / n - (s / n) * (s / n), 1.0 / 12, 0.002);
  EXPECT_NEAR(ns / n, 0.0, 4 / std::sqrt(n));
  EXPECT_NEAR(ns2 / n, 1.0, 0.02);
}

TEST(rng, poisson_mean_and_variance_small_and_large) {
  for (double lam : {0.05, 2.0, 9.5, 10.0, 37.0, 500.0}) {
    counter_rng r(3, stream::experiment, static_cast<std::uint64_t>(lam * 100));
    const int n = 100000;
    double s = 0, s2 = 0;
    for (int i = 0; i < n; ++i) {
      const double k = static_cast<double>(r.poisson(lam));
      s += k;
      s2 += k * k;
    }
    const double mean = s / n, var = s2 / n - mean * mean;
    EXPECT_NEAR(mean, lam, 5 * std::sqrt(lam / n)) << "lam=" << lam;
    EXPECT_NEAR(var / lam, 1.0, 0.05) << "lam=" << lam;
  }
}

TEST(rng, below_is_in_range_and_covers_it) {
  counter_rng r(5, stream::experiment, 1);
  std::vector<int> seen(10);
  for (int i = 0; i < 10000; ++i) {
    const auto k = r.below(10);
    ASSERT_LT(k, 10u);
    ++seen[k];
  }
  for (int c : seen) EXPECT_NEAR(c, 1000, 4 * std::sqrt(900.0));
}

TEST(rng, philox_block_equals_counter_rng_first_block) {
  std::uint32_t out[4][16];
  hebb::philox_block<16>(0x123456789abcULL, stream::poisson_input, (7ULL << 40) + 1000, 4242, out);
  for (std::size_t i = 0; i < 16; ++i) {
    counter_rng r(0x123456789abcULL, stream::poisson_input, (7ULL << 40) + 1000 + i, 4242);
    for (int j = 0; j < 4; ++j) ASSERT_EQ(out[j][i], r.bits()) << "lane " << i << " word " << j;
  }
}
