// RDMs, rank transforms and the geo-topological transforms. Oracles: direct formulas
// on hand-made patterns; scipy.stats.rankdata's tie rule on a hand example; the
// properties SYSTEMS.md section 11 asks (l = 0, u = 1 is the rank-normalised RDM; l = u
// a binary threshold graph; invariance to monotone distortion); geodesics of points on
// a line (path along neighbours = the straight distance).
#include <gtest/gtest.h>

#include <cmath>

#include <hebb/analysis/geo_topology.hpp>
#include <hebb/analysis/rdm.hpp>
#include <hebb/core/error.hpp>
#include <hebb/core/rng.hpp>

using namespace hebb::analysis;

namespace {
std::vector<double> random_vector(std::size_t n, std::uint64_t seed) {
  hebb::counter_rng r(seed, hebb::stream::analysis, 1);
  std::vector<double> v(n);
  for (auto& x : v) x = r.uniform(0.1, 2.0);
  return v;
}
}  // namespace

TEST(rdm, euclidean_and_correlation_distances) {
  matrix x(3, 3);
  x << 1, 0, 0, 0, 2, 0, 1, 1, 3;
  const matrix d = rdm(x, rdm_metric::euclidean);
  EXPECT_DOUBLE_EQ(d(0, 1), std::sqrt(5.0));
  EXPECT_DOUBLE_EQ(d(1, 2), std::sqrt(1.0 + 1.0 + 9.0));
  EXPECT_EQ(d(2, 2), 0.0);
  const matrix c = rdm(x, rdm_metric::correlation);
  // r of (1,0,0) and (0,2,0): centred (2/3,-1/3,-1/3), (-2/3,4/3,-2/3) -> r = -0.5
  EXPECT_NEAR(c(0, 1), 1.5, 1e-12);
  EXPECT_NEAR(c(1, 0), 1.5, 1e-12);
  matrix flat(2, 3);
  flat << 1, 1, 1, 0, 1, 2;
  EXPECT_THROW(rdm(flat, rdm_metric::correlation), hebb::Error);
  EXPECT_THROW(rdm(matrix::Ones(1, 3), rdm_metric::euclidean), hebb::Error);
}

TEST(rdm, vector_square_round_trip_and_ranks) {
  const auto v = random_vector(10, 3);  // n = 5
  const auto back = rdm_vector(rdm_square(v));
  EXPECT_EQ(back, v);
  EXPECT_THROW(rdm_square(random_vector(7, 1)), hebb::Error);
  const std::vector<double> a = {3, 1, 3, 2};
  EXPECT_EQ(rank_transform(a), (std::vector<double>{3.5, 1, 3.5, 2}));  // scipy rankdata (average)
  EXPECT_EQ(rank_minmax(a), (std::vector<double>{1.0, 0.0, 1.0, 0.4}));
  const std::vector<double> b = {1, 2, 3, 4}, c = {1, 4, 9, 16};
  EXPECT_NEAR(spearman(b, c), 1.0, 1e-15);
  EXPECT_LT(pearson(b, c), 1.0);
}

TEST(geo_topology, rgtm_limits_and_monotone_invariance) {
  const auto v = random_vector(190, 7);  // 20 stimuli
  EXPECT_EQ(rgtm(v, {0.0, 1.0}), rank_minmax(v));
  const auto bin = rgtm(v, {0.3, 0.3});
  const double q = quantile(rank_minmax(v), 0.3);
  const auto r = rank_minmax(v);
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_EQ(bin[i], r[i] <= q ? 0.0 : 1.0);
  std::vector<double> distorted(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) distorted[i] = std::exp(3 * v[i]) + std::pow(v[i], 5);
  EXPECT_EQ(rgtm(v), rgtm(distorted));
  EXPECT_EQ(rgdm(v, 0.1), rgdm(distorted, 0.1));
  // values of the default RGTM: 0 below the 0.2 quantile, 1 above the 0.8 quantile
  const auto g = rgtm(v);
  const double zeros = static_cast<double>(std::count(g.begin(), g.end(), 0.0));
  const double ones = static_cast<double>(std::count(g.begin(), g.end(), 1.0));
  EXPECT_NEAR(zeros / 190, 0.2, 0.01);
  EXPECT_NEAR(ones / 190, 0.2, 0.01);
  EXPECT_THROW(rgtm(v, {0.8, 0.2}), hebb::Error);
  EXPECT_THROW(rgdm(v, 0.0), hebb::Error);
}

TEST(geo_topology, rgdm_of_points_on_a_line_is_their_distance) {
  // 6 points on a line; keep only neighbour edges: geodesic = straight distance
  matrix x(6, 1);
  x << 0, 1, 2, 3, 4, 5;
  const auto v = rdm_vector(rdm(x, rdm_metric::euclidean));
  EXPECT_EQ(rgdm(v, 5.0 / 15.0), rank_minmax(v));
  // two far-apart clusters with only within-cluster edges kept: cross pairs rank last
  matrix y(4, 1);
  y << 0, 1, 100, 101.5;
  const auto w = rdm_vector(rdm(y, rdm_metric::euclidean));  // (0,1) 1, (2,3) 1.5 smallest
  const auto g = rgdm(w, 2.0 / 6.0);
  EXPECT_EQ(g[0], 0.0);   // (0,1)
  EXPECT_GT(g[5], 0.0);   // (2,3)
  for (int k : {1, 2, 3, 4}) EXPECT_EQ(g[k], 1.0);  // unreachable
}
