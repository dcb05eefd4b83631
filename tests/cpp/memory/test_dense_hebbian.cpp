// Dense Hebbian network trained on noisy examples (Agliari et al., arXiv:2212.00606):
// SYSTEMS.md section 4b.
#include <gtest/gtest.h>

#include <cmath>

#include <hebb/core/error.hpp>
#include <hebb/memory/dense_hebbian.hpp>

using namespace hebb::memory;

namespace {
std::span<const std::int8_t> row(const sign_matrix& m, Eigen::Index i) {
  return {m.data() + i * m.cols(), static_cast<std::size_t>(m.cols())};
}
double mattis(const sign_matrix& arch, Eigen::Index mu, std::span<const std::int8_t> s) {
  double o = 0;
  for (std::size_t i = 0; i < s.size(); ++i) o += arch(mu, static_cast<Eigen::Index>(i)) * s[i];
  return o / static_cast<double>(s.size());
}
// mean Mattis overlap with archetype 0 after zero-T dynamics from training examples
double mean_overlap(std::int64_t n, std::int64_t k, std::int64_t m, double r, int p, int draws,
                    int starts, std::uint64_t seed) {
  double total = 0;
  for (int dr = 0; dr < draws; ++dr) {
    const auto data = make_dense_hebbian_data(n, k, m, r, seed, dr);
    dense_hebbian net(empirical_archetypes(data.examples, m, r), p);
    for (int st = 0; st < starts; ++st) {
      const auto s = net.relax(row(data.examples, st % m), seed, dr * 100 + st);
      total += mattis(data.archetypes, 0, s);
    }
  }
  return total / (draws * starts);
}
}  // namespace

// m* = P(S>0) - P(S<0): SYSTEMS.md values, and a direct binomial sum as oracle.
TEST(dense_hebbian, expected_overlap_values) {
  EXPECT_NEAR(expected_overlap(0.2, 50), 0.845, 5e-4);
  EXPECT_NEAR(expected_overlap(0.3, 10), 0.657, 5e-4);
  EXPECT_NEAR(erf_overlap(0.2, 50), 0.851, 5e-4);
  EXPECT_NEAR(erf_overlap(0.3, 10), 0.680, 5e-4);
  // M = 1: S = +-1 with P(+1) = (1+r)/2, so m* = r
  EXPECT_NEAR(expected_overlap(0.37, 1), 0.37, 1e-12);
  // M = 2: S in {-2, 0, 2}: m* = q^2 - (1-q)^2 = r
  EXPECT_NEAR(expected_overlap(0.37, 2), 0.37, 1e-12);
  EXPECT_NEAR(dataset_entropy(0.2, 50), (1 - 0.04) / (50 * 0.04), 1e-12);
}

TEST(dense_hebbian, data_statistics) {
  const auto d = make_dense_hebbian_data(2000, 2, 5, 0.3, 1, 0);
  // E[eta xi] = r per element
  double agree = 0;
  for (Eigen::Index a = 0; a < 5; ++a) agree += mattis(d.archetypes, 0, row(d.examples, a));
  EXPECT_NEAR(agree / 5, 0.3, 4 * std::sqrt((1 - 0.09) / 10000));
  // a different draw gives different archetypes
  const auto d2 = make_dense_hebbian_data(2000, 2, 5, 0.3, 1, 1);
  EXPECT_NE(d.archetypes, d2.archetypes);
}

TEST(dense_hebbian, relax_ends_in_a_local_minimum_of_the_exact_energy) {
  const auto data = make_dense_hebbian_data(200, 4, 8, 0.3, 2, 0);
  for (int p : {2, 3, 4}) {
    dense_hebbian net(empirical_archetypes(data.examples, 8, 0.3), p);
    int sweeps = 0;
    const auto s0 = row(data.examples, 3);
    auto s = net.relax(s0, 2, p, 1000, &sweeps);
    EXPECT_LT(sweeps, 1000);
    EXPECT_LE(net.energy(s), net.energy(s0));
    const double e = net.energy(s);
    for (std::size_t i = 0; i < s.size(); ++i) {  // no single flip lowers H (oracle: direct H)
      s[i] = static_cast<std::int8_t>(-s[i]);
      EXPECT_GE(net.energy(s), e - 1e-9 * std::abs(e)) << "P=" << p << " i=" << i;
      s[i] = static_cast<std::int8_t>(-s[i]);
    }
  }
}

TEST(dense_hebbian, energy_is_the_formula) {
  Eigen::MatrixXd xi(2, 3);
  xi << 1, -1, 0.5, 0.2, 0.2, -2;
  dense_hebbian net(xi, 3);
  const std::vector<std::int8_t> s{1, 1, -1};
  const double m1 = (1 - 1 - 0.5) / 3.0, m2 = (0.2 + 0.2 + 2) / 3.0;
  EXPECT_NEAR(net.energy(s), -3 * (std::pow(m1, 3) + std::pow(m2, 3)), 1e-14);
}

// SYSTEMS.md 4b: N = 1000, K = 3, P = 4, |<m> - m*| <= 0.03 over >= 5 draws.
TEST(dense_hebbian, zero_temperature_overlap_matches_theory) {
  for (auto [r, m] : {std::pair{0.2, std::int64_t(50)}, std::pair{0.3, std::int64_t(10)}}) {
    const double got = mean_overlap(1000, 3, m, r, 4, 8, 1, 11);
    std::printf("r=%.1f M=%ld: <m> = %.4f, m* = %.4f, erf = %.4f\n", r, m, got,
                expected_overlap(r, m), erf_overlap(r, m));
    EXPECT_NEAR(got, expected_overlap(r, m), 0.03);
  }
}

// SYSTEMS.md 4b: load advantage of P > 2 at K = 20, r = 0.2, M = 50:
// <m(P=4)> - <m(P=2)> >= 0.15 over 10 draws x 5 starts, the same draws for both.
TEST(dense_hebbian, p4_beats_p2_at_high_load) {
  const double m4 = mean_overlap(1000, 20, 50, 0.2, 4, 10, 5, 21);
  const double m2 = mean_overlap(1000, 20, 50, 0.2, 2, 10, 5, 21);
  std::printf("K=20: <m(P=4)> = %.4f, <m(P=2)> = %.4f\n", m4, m2);
  EXPECT_GE(m4 - m2, 0.15);
  EXPECT_NEAR(m4, expected_overlap(0.2, 50), 0.03);
}

TEST(dense_hebbian, temperature_melts_the_retrieval_state) {
  const auto data = make_dense_hebbian_data(500, 3, 50, 0.2, 3, 0);
  dense_hebbian net(empirical_archetypes(data.examples, 50, 0.2), 4);
  const auto cold = net.sample(row(data.examples, 0), 1e-3, 30, 3, 1);
  const auto hot = net.sample(row(data.examples, 0), 1e3, 30, 3, 2);
  // cold: the zero-T fixed point's overlap; hot: a random state, |m| ~ 1/sqrt(N)
  EXPECT_GT(mattis(data.archetypes, 0, cold), expected_overlap(0.2, 50) - 0.06);
  EXPECT_LT(std::abs(mattis(data.archetypes, 0, hot)), 5 / std::sqrt(500.0));
}

TEST(dense_hebbian, bad_input) {
  EXPECT_THROW(dense_hebbian(Eigen::MatrixXd(0, 5), 4), hebb::Error);
  EXPECT_THROW(dense_hebbian(Eigen::MatrixXd::Ones(2, 5), 1), hebb::Error);
  dense_hebbian net(Eigen::MatrixXd::Ones(2, 5), 4);
  const std::vector<std::int8_t> wrong_size{1, 1};
  EXPECT_THROW(net.relax(wrong_size, 1, 0), hebb::Error);
  const std::vector<std::int8_t> not_binary{1, 1, 0, 1, 1};
  EXPECT_THROW(net.energy(not_binary), hebb::Error);
  const std::vector<std::int8_t> ok{1, 1, -1, 1, 1};
  EXPECT_THROW(net.sample(ok, 0.0, 5, 1, 0), hebb::Error);
  EXPECT_THROW(make_dense_hebbian_data(10, 2, 3, 1.5, 1, 0), hebb::Error);
  sign_matrix ex = sign_matrix::Ones(5, 4);
  EXPECT_THROW(empirical_archetypes(ex, 2, 0.5), hebb::Error);  // 5 rows, not a multiple of 2
}
