// Non-negative CP and differential affinities. Oracles: planted non-negative rank-3
// tensors (exact, and with 10 % noise as SYSTEMS.md section 10 asks) scored by the
// factor match score of tensortools (Williams et al. 2018) over all component
// permutations; Pearson correlations computed directly for the affinities.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include <hebb/analysis/functional_connectome.hpp>
#include <hebb/analysis/nonnegative_cp.hpp>
#include <hebb/core/error.hpp>
#include <hebb/core/rng.hpp>

using namespace hebb::analysis;

namespace {
// FMS = mean_r (1 - |λ_r - λ'_r| / max(λ_r, λ'_r)) · Π_modes cos(f_r, f'_r), best permutation.
double factor_match_score(const cp_model& t, const cp_model& f) {
  const auto R = static_cast<int>(t.weights.size());
  std::vector<int> perm(R);
  std::iota(perm.begin(), perm.end(), 0);
  double best = 0;
  do {
    double s = 0;
    for (int r = 0; r < R; ++r) {
      const int q = perm[r];
      const double lt = t.weights(r), lf = f.weights(q);
      s += (1 - std::abs(lt - lf) / std::max(lt, lf)) * t.a.col(r).dot(f.a.col(q)) * t.b.col(r).dot(f.b.col(q)) *
           t.c.col(r).dot(f.c.col(q));
    }
    best = std::max(best, s / R);
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

cp_model planted_cp(std::size_t I, std::size_t J, std::size_t K, std::uint64_t seed) {
  hebb::counter_rng r(seed, hebb::stream::analysis, 5);
  cp_model m;
  m.weights = Eigen::VectorXd(3);
  m.weights << 30.0, 20.0, 10.0;
  for (auto [F, n] : {std::pair{&m.a, I}, {&m.b, J}, {&m.c, K}}) {
    F->resize(static_cast<Eigen::Index>(n), 3);
    for (Eigen::Index i = 0; i < F->rows(); ++i)
      for (int q = 0; q < 3; ++q) (*F)(i, q) = r.uniform() < 0.5 ? r.uniform() : 0.05 * r.uniform();
    for (int q = 0; q < 3; ++q) F->col(q).normalize();
  }
  return m;
}
}  // namespace

TEST(nonnegative_cp, exact_and_noisy_rank3_tensors_are_recovered) {
  const auto truth = planted_cp(20, 15, 30, 3);
  const auto x = cp_reconstruct(truth);
  cp_params p;
  p.rank = 3;
  p.tol = 1e-10;
  p.max_iter = 5000;
  const auto exact = nonnegative_cp(x, 20, 15, 30, p);
  EXPECT_LT(exact.relative_error, 1e-4);
  EXPECT_GT(factor_match_score(truth, exact), 0.99);
  // 10 % noise (|noise| = 0.1 |X|, non-negative)
  hebb::counter_rng r(9, hebb::stream::analysis, 6);
  std::vector<double> noise(x.size());
  double nx = 0, nn = 0;
  for (std::size_t i = 0; i < x.size(); ++i) nx += x[i] * x[i], nn += (noise[i] = std::abs(r.normal())) * noise[i];
  auto y = x;
  for (std::size_t i = 0; i < x.size(); ++i) y[i] += 0.1 * std::sqrt(nx / nn) * noise[i];
  p.tol = 1e-8;
  const auto noisy = nonnegative_cp(y, 20, 15, 30, p);
  const double fms = factor_match_score(truth, noisy);
  printf("exact: error %.2e FMS %.4f (%d sweeps); 10%% noise: error %.4f FMS %.4f\n", exact.relative_error,
         factor_match_score(truth, exact), exact.iterations, noisy.relative_error, fms);
  EXPECT_GE(fms, 0.95);
  EXPECT_LT(noisy.relative_error, 0.12);
  for (int q = 0; q + 1 < 3; ++q) EXPECT_GE(noisy.weights(q), noisy.weights(q + 1));
  EXPECT_GE(noisy.a.minCoeff(), 0.0);
}

TEST(nonnegative_cp, bad_input_is_reported) {
  std::vector<double> x(2 * 3 * 4, 1.0);
  cp_params p;
  p.rank = 7;  // > min(IJ, IK, JK) = 6
  EXPECT_THROW(nonnegative_cp(x, 2, 3, 4, p), hebb::Error);
  p.rank = 2;
  EXPECT_THROW(nonnegative_cp(x, 2, 3, 5, p), hebb::Error);  // wrong size
  x[5] = -1;
  EXPECT_THROW(nonnegative_cp(x, 2, 3, 4, p), hebb::Error);
  x[5] = std::nan("");
  EXPECT_THROW(nonnegative_cp(x, 2, 3, 4, p), hebb::Error);
  const auto y = cp_reconstruct(planted_cp(10, 10, 10, 1));
  p.rank = 3;
  p.max_iter = 2;
  p.tol = 1e-14;
  try {
    nonnegative_cp(y, 10, 10, 10, p);
    FAIL() << "no error";
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("did not converge"), std::string::npos);
  }
  p.require_convergence = false;
  EXPECT_FALSE(nonnegative_cp(y, 10, 10, 10, p).converged);
}

TEST(differential_affinity, equals_windowed_correlation_of_differences) {
  hebb::counter_rng r(4, hebb::stream::analysis, 7);
  const Eigen::Index T = 121, N = 4;
  matrix x(T, N);
  for (Eigen::Index t = 0; t < T; ++t) {
    const double shared = r.normal();
    x(t, 0) = (t ? x(t - 1, 0) : 0) + shared + 0.3 * r.normal();
    x(t, 1) = (t ? x(t - 1, 1) : 0) + shared + 0.3 * r.normal();
    x(t, 2) = (t ? x(t - 1, 2) : 0) + r.normal();
    x(t, 3) = 5.0;  // constant: no affinity
  }
  affinity_params p{40, 20};
  const matrix a = differential_affinity(x, p);
  ASSERT_EQ(a.rows(), (T - 1 - 40) / 20 + 1);
  ASSERT_EQ(a.cols(), 6);
  for (Eigen::Index w = 0; w < a.rows(); ++w) {
    // direct Pearson of the differences of neurons 0 and 2 in window w
    Eigen::VectorXd u(40), v(40);
    for (int s = 0; s < 40; ++s) {
      const Eigen::Index t = w * 20 + s;
      u(s) = x(t + 1, 0) - x(t, 0);
      v(s) = x(t + 1, 2) - x(t, 2);
    }
    const Eigen::VectorXd uc = u.array() - u.mean(), vc = v.array() - v.mean();
    EXPECT_NEAR(a(w, 1), std::max(0.0, uc.dot(vc) / (uc.norm() * vc.norm())), 1e-12);
    EXPECT_GT(a(w, 0), 0.8);     // shared drive
    EXPECT_EQ(a(w, 2), 0.0);     // pair (0, 3): constant trace
    EXPECT_GE(a.row(w).minCoeff(), 0.0);
  }
  EXPECT_THROW(differential_affinity(x.topRows(30), p), hebb::Error);
  EXPECT_THROW(differential_affinity(x.leftCols(1), p), hebb::Error);
}
