// Ahmad & Hawkins (2016) match probabilities: SYSTEMS.md section 3.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include <hebb/core/error.hpp>
#include <hebb/memory/dendritic_neuron.hpp>
#include <hebb/memory/sdr_probability.hpp>

using namespace hebb::memory;

namespace {
struct row {
  std::int64_t n, a, s, theta;
  double p;
};
// SYSTEMS.md section 3: recomputed with exact integer arithmetic (Numenta's notebook)
const row table[] = {
    {10000, 300, 24, 12, 8.3758e-13},  {10000, 64, 24, 12, 4.04e-21},
    {2000, 40, 20, 15, 2.4719e-23},    {100000, 2000, 6, 6, 6.3531e-11},
    {100000, 2000, 8, 8, 2.5251e-14},  {100000, 2000, 10, 10, 1.0016e-17},
    {100000, 2000, 12, 6, 5.2939e-8},  {100000, 2000, 16, 8, 2.8172e-10},
    {100000, 2000, 20, 10, 1.5419e-12}, {100000, 2000, 24, 12, 8.5869e-15},
    {100000, 2000, 40, 10, 4.9154e-9}, {100000, 2000, 80, 10, 4.6257e-6},
};
}  // namespace

TEST(sdr_probability, matches_table_1) {
  for (const auto& r : table) {
    const double p = false_match(r.n, r.a, r.s, r.theta);
    // the table prints 5 significant digits (3 for 4.04e-21): compare to that precision;
    // the relative-error check at 1e-6 is below, against exact values
    const double digits = r.p == 4.04e-21 ? 5e-3 : 5e-5;
    EXPECT_NEAR(p / r.p, 1.0, digits) << r.n << " " << r.a << " " << r.s << " " << r.theta;
  }
}

// Exact oracle: for s = theta, P = C(n-s, a-s)/C(n,a) = prod_{i<s} (a-i)/(n-i).
TEST(sdr_probability, s_equal_theta_product_to_1e_6) {
  for (std::int64_t s : {6, 8, 10, 64, 200}) {
    const std::int64_t n = 100000, a = 2000;
    double lp = 0;
    for (std::int64_t i = 0; i < s; ++i) lp += std::log(double(a - i) / double(n - i));
    const double got = log_false_match(n, a, s, s);
    EXPECT_NEAR(got, lp, 1e-6) << s;  // |d ln P| <= 1e-6 <=> relative error <= 1e-6
    EXPECT_TRUE(std::isfinite(got));
  }
  // s = 200: P ~ 1e-341, below the double range, still exact in log form
  const auto dp = to_decimal(log_false_match(100000, 2000, 200, 200));
  EXPECT_LT(dp.exponent, -330);
  EXPECT_GE(dp.mantissa, 1.0);
  EXPECT_LT(dp.mantissa, 10.0);
}

// Exact oracle: a small case summed with exact integer binomials (unsigned __int128).
TEST(sdr_probability, small_case_exact_integers) {
  auto binom = [](unsigned n, unsigned k) {
    unsigned __int128 c = 1;
    for (unsigned i = 1; i <= k; ++i) c = c * (n - k + i) / i;
    return c;
  };
  const unsigned n = 60, a = 12, s = 10;
  for (unsigned theta = 1; theta <= s; ++theta) {
    unsigned __int128 num = 0;
    for (unsigned b = theta; b <= s; ++b) num += binom(s, b) * binom(n - s, a - b);
    const double exact = double(num) / double(binom(n, a));
    EXPECT_NEAR(false_match(n, a, s, theta) / exact, 1.0, 1e-9) << theta;
  }
}

// Noise: theta <= s - v retained for sure; exact hypergeometric oracle by integers.
TEST(sdr_probability, noise_match_exact_integers) {
  auto binom = [](unsigned n, unsigned k) -> double {
    if (k > n) return 0;
    unsigned __int128 c = 1;
    for (unsigned i = 1; i <= k; ++i) c = c * (n - k + i) / i;
    return double(c);
  };
  const unsigned a = 30, s = 12;
  for (unsigned v : {0u, 5u, 15u, 25u})
    for (unsigned theta : {1u, 6u, 12u}) {
      double num = 0;
      for (unsigned b = theta; b <= s; ++b) num += binom(s, b) * binom(a - s, a - v - b);
      const double exact = num / binom(a, a - v);
      EXPECT_NEAR(noise_match(a, s, theta, v), exact, 1e-12 + 1e-9 * exact) << v << " " << theta;
    }
  EXPECT_DOUBLE_EQ(noise_match(30, 12, 12, 0), 1.0);  // no noise: always matches
}

TEST(sdr_probability, neuron_false_match_tiny_values) {
  // 1 - (1-P)^m ~ m P for tiny P; beyond the double range in log form
  const double lp = log_false_match(100000, 2000, 24, 12);
  EXPECT_NEAR(log_neuron_false_match(100000, 2000, 24, 12, 100), std::log(100.0) + lp, 1e-9);
  const double lp2 = log_false_match(100000, 2000, 200, 200);
  EXPECT_NEAR(log_neuron_false_match(100000, 2000, 200, 200, 1000), std::log(1000.0) + lp2, 1e-9);
  // large P: the closed form
  const double p = false_match(1000, 50, 20, 5);
  EXPECT_NEAR(neuron_false_match(1000, 50, 20, 5, 50), 1 - std::pow(1 - p, 50), 1e-12);
}

// SYSTEMS.md: Monte Carlo at n=1000, a=50, s=20, theta=5 (P = 2.2406e-3), 1e6 patterns,
// within 3 sigma of the formula.
TEST(sdr_probability, monte_carlo_false_match_within_3_sigma) {
  const double p = false_match(1000, 50, 20, 5);
  EXPECT_NEAR(p, 2.2406e-3, 1e-7);
  const std::int64_t trials = 1000000;
  const auto k = monte_carlo_false_matches(1000, 50, 20, 5, trials, 7);
  const double mean = trials * p, sd = std::sqrt(trials * p * (1 - p));
  EXPECT_LT(std::abs(k - mean), 3 * sd) << k << " vs " << mean;
  // a different seed gives a different count (the run is not constant)
  EXPECT_NE(k, monte_carlo_false_matches(1000, 50, 20, 5, trials, 8));
}

TEST(sdr_probability, monte_carlo_noise_within_3_sigma) {
  const std::int64_t trials = 200000;
  for (std::int64_t v : {25, 35}) {
    const double p = noise_match(50, 20, 8, v);
    const auto k = monte_carlo_noise_matches(1000, 50, 20, 8, v, trials, 3);
    const double sd = std::sqrt(trials * p * (1 - p));
    EXPECT_GT(p, 0.05);
    EXPECT_LT(p, 0.95);
    EXPECT_LT(std::abs(k - trials * p), 3 * sd) << v;
  }
}

TEST(sdr_probability, bad_input) {
  EXPECT_THROW(false_match(1000, 50, 20, 21), hebb::Error);  // theta above segment size
  EXPECT_THROW(false_match(1000, 1001, 20, 5), hebb::Error);
  EXPECT_THROW(false_match(0, 0, 1, 1), hebb::Error);
  EXPECT_THROW(noise_match(50, 51, 5, 3), hebb::Error);
  EXPECT_THROW(noise_match(50, 20, 5, 51), hebb::Error);
  try {
    false_match(1000, 50, 20, 21);
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("threshold theta = 21"), std::string::npos) << e.what();
  }
}
