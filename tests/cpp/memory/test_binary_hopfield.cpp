// Bit-packed modern Hopfield store of +-1 patterns: the same update as the dense
// one, computed from XOR/popcount similarities with exact pruning.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include <hebb/core/error.hpp>
#include <hebb/core/rng.hpp>
#include <hebb/memory/binary_hopfield.hpp>

using namespace hebb::memory;
using hebb::counter_rng;

namespace {
std::vector<std::int8_t> random_signs(std::size_t n, std::size_t d, std::uint64_t seed) {
  std::vector<std::int8_t> x(n * d);
  for (std::size_t i = 0; i < n; ++i) {
    counter_rng r(seed, hebb::stream::experiment, i);
    for (std::size_t j = 0; j < d; ++j) x[i * d + j] = (r.bits() & 1u) ? 1 : -1;
  }
  return x;
}
// direct update in long double (the oracle)
std::vector<double> naive(const std::vector<std::int8_t>& x, std::size_t n, std::size_t d,
                          const std::int8_t* q, double beta) {
  std::vector<long double> s(n);
  long double mx = -1e300L;
  for (std::size_t i = 0; i < n; ++i) {
    long double dot = 0;
    for (std::size_t j = 0; j < d; ++j) dot += x[i * d + j] * q[j];
    s[i] = beta * dot;
    mx = std::max(mx, s[i]);
  }
  long double z = 0;
  std::vector<long double> acc(d, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const long double w = std::exp(s[i] - mx);
    z += w;
    for (std::size_t j = 0; j < d; ++j) acc[j] += w * x[i * d + j];
  }
  std::vector<double> out(d);
  for (std::size_t j = 0; j < d; ++j) out[j] = double(acc[j] / z);
  return out;
}
std::vector<std::int8_t> noisy(const std::vector<std::int8_t>& x, std::size_t d, std::size_t row,
                               int flips, std::uint64_t seed) {
  std::vector<std::int8_t> q(x.begin() + row * d, x.begin() + (row + 1) * d);
  counter_rng r(seed, hebb::stream::experiment, row);
  for (int f = 0; f < flips; ++f) {
    const auto j = r.below(d);
    q[j] = static_cast<std::int8_t>(-q[j]);
  }
  return q;
}
}  // namespace

TEST(binary_hopfield, similarities_equal_integer_dot_products) {
  for (std::size_t d : {1u, 63u, 64u, 100u, 1024u}) {
    const std::size_t n = 37;
    const auto x = random_signs(n, d, d);
    binary_hopfield mem(d);
    mem.add(x);
    EXPECT_EQ(mem.size(), n);
    const auto q = random_signs(3, d, d + 1);
    std::vector<std::int32_t> s(3 * n);
    mem.similarities(q, s);
    for (std::size_t b = 0; b < 3; ++b)
      for (std::size_t i = 0; i < n; ++i) {
        int dot = 0;
        for (std::size_t j = 0; j < d; ++j) dot += x[i * d + j] * q[b * d + j];
        EXPECT_EQ(s[b * n + i], dot);
      }
    EXPECT_EQ(mem.pattern(5), std::vector<std::int8_t>(x.begin() + 5 * d, x.begin() + 6 * d));
  }
}

TEST(binary_hopfield, update_equals_direct_sum) {
  // beta from strongly peaked (pruning skips almost everything) to flat (nothing skipped)
  const std::size_t n = 3000, d = 100;
  const auto x = random_signs(n, d, 1);
  binary_hopfield mem(d);
  mem.add(x);
  for (double beta : {0.005, 0.05, 0.2, 1.0}) {
    std::vector<std::int8_t> qs;
    for (std::size_t p = 0; p < 6; ++p) {
      const auto q = noisy(x, d, p * 97, 10 + 5 * int(p), 2);
      qs.insert(qs.end(), q.begin(), q.end());
    }
    std::vector<double> y(6 * d);
    std::vector<std::int64_t> summed(6);
    mem.update(qs, beta, y, summed);
    std::vector<std::int8_t> sg(6 * d);
    mem.retrieve(qs, beta, sg);
    for (std::size_t p = 0; p < 6; ++p) {
      const auto ref = naive(x, n, d, qs.data() + p * d, beta);
      for (std::size_t j = 0; j < d; ++j) {
        EXPECT_NEAR(y[p * d + j], ref[j], 1e-10 * (1e-300 + std::abs(ref[j])) + 1e-15) << beta;
        EXPECT_EQ(sg[p * d + j], ref[j] < 0 ? -1 : 1);
      }
      EXPECT_GE(summed[p], 1);
      EXPECT_LE(summed[p], std::int64_t(n));
    }
    if (beta == 1.0) {
      EXPECT_LT(summed[0], 10);  // the pruning is what makes it fast
    }
  }
}

TEST(binary_hopfield, capacity_like_dense_store) {
  // the SYSTEMS.md 4a probe on the bit store: d = 100, N = 1000, 20 flips, beta = 1
  const std::size_t n = 1000, d = 100;
  const auto x = random_signs(n, d, 77);
  binary_hopfield mem(d);
  mem.add(x);
  int ok = 0;
  for (std::size_t p = 0; p < 300; ++p) {
    // 20 distinct flips
    std::vector<std::int8_t> q(x.begin() + p * d, x.begin() + (p + 1) * d);
    counter_rng r(5, hebb::stream::experiment, p);
    std::vector<std::size_t> idx(d);
    std::iota(idx.begin(), idx.end(), 0);
    for (int f = 0; f < 20; ++f) {
      std::swap(idx[f], idx[f + r.below(d - f)]);
      q[idx[f]] = static_cast<std::int8_t>(-q[idx[f]]);
    }
    std::vector<std::int8_t> out(d);
    mem.retrieve(q, 1.0, out);
    ok += std::equal(out.begin(), out.end(), x.begin() + p * d);
  }
  EXPECT_EQ(ok, 300);
}

TEST(binary_hopfield, bad_input) {
  EXPECT_THROW(binary_hopfield(0), hebb::Error);
  binary_hopfield mem(4);
  std::vector<std::int8_t> q{1, -1, 1, 1};
  std::vector<std::int8_t> out(4);
  EXPECT_THROW(mem.retrieve(q, 1.0, out), hebb::Error);  // empty memory
  std::vector<std::int8_t> bad{1, 0, 1, -1};
  EXPECT_THROW(mem.add(bad), hebb::Error);                // not binary
  std::vector<std::int8_t> odd{1, -1, 1};
  EXPECT_THROW(mem.add(odd), hebb::Error);                // not a whole pattern
  mem.add(q);
  EXPECT_THROW(mem.retrieve(odd, 1.0, out), hebb::Error); // dimension mismatch
  EXPECT_THROW(mem.retrieve(q, -1.0, out), hebb::Error);  // beta
  try {
    mem.add(bad);
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("+1/-1"), std::string::npos) << e.what();
  }
}
