// Non-negative CP and differential affinities. Oracles: planted non-negative rank-3
// tensors (exact, and with 10 % noise as SYSTEMS.md section 10 asks) scored by the
// factor match score of tensortools (Williams et al. 2018) over all component
// permutations; Pearson correlations computed directly for the affinities.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include <Eigen/SVD>
#include <omp.h>

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

namespace {
// A uniform random tensor, a random positive start and parameters for exactly `sweeps`
// iterations of plain HALS (no inner sweeps, no extrapolation, no convergence stop): the
// setting in which two implementations must agree.
struct sweep_case {
  std::vector<double> x;
  cp_start start;
  cp_params params;
};
sweep_case random_sweep_case(hebb::counter_rng& r, std::size_t I, std::size_t J, std::size_t K, std::size_t R,
                             int sweeps) {
  sweep_case c;
  c.x.resize(I * J * K);
  for (auto& v : c.x) v = r.uniform();
  c.start.a = matrix(I, R), c.start.b = matrix(J, R), c.start.c = matrix(K, R);
  for (matrix* F : {&c.start.a, &c.start.b, &c.start.c})
    for (Eigen::Index i = 0; i < F->size(); ++i) F->data()[i] = 0.1 + r.uniform();
  c.params.rank = R;
  c.params.inner_alpha = 0;
  c.params.extrapolate = false;
  c.params.max_iter = sweeps;
  c.params.tol = 1e-300;
  c.params.require_convergence = false;
  return c;
}

// HALS sweeps written out from the formulas, with the MTTKRPs as plain triple sums:
// the oracle for the blocked, fused kernels of nonnegative_cp (same order of updates).
// alpha > 0: accelerated HALS as the header states it: after each MTTKRP the factor is
// swept again while a sweep moves it by more than delta times the first sweep's move, at
// most 1 + floor(alpha ρ) sweeps, ρ = 1 + MTTKRP flops / sweep flops (n R (R + 2)), with
// I J K R / 2 + I J R flops for modes 1 and 2 and I J K R for mode 3; and modes 1 and 2
// alternate (each with its sweeps) while a round's first-sweep moves add up to more than
// delta² times the first round's, at most 1 + floor(alpha ρ_AB) rounds,
// ρ_AB = 1 + I J K R / (2 I J R + (I + J) R (R + 2)).
// anderson: after each iteration C is extrapolated as the header states (memory 3, the
// least-squares coefficients here from an SVD); an iteration from an extrapolated C whose
// error (here from the reconstruction) rises is rejected: back to the last accepted
// factors, history cleared.
// Returns the number of rejected iterations.
int naive_hals(const std::vector<double>& x, std::size_t I, std::size_t J, std::size_t K, Eigen::MatrixXd& A,
                Eigen::MatrixXd& B, Eigen::MatrixXd& C, int sweeps, double alpha = 0, double delta = 0.1,
                bool anderson = false) {
  const auto R = A.cols();
  auto X = [&](std::size_t i, std::size_t j, std::size_t k) { return x[(i * J + j) * K + k]; };
  const double ijkr = double(I * J * K) * double(R), ijr = double(I * J) * double(R);
  auto cap = [&](double mttkrp, std::size_t n) {
    return 1 + static_cast<int>(alpha * (1 + mttkrp / (double(n) * double(R) * double(R + 2))));
  };
  const int caps[3] = {cap(ijkr / 2 + ijr, I), cap(ijkr / 2 + ijr, J), cap(ijkr, K)};
  const int rounds = 1 + static_cast<int>(alpha * (1 + ijkr / (2 * ijr + double(I + J) * double(R) * double(R + 2))));
  // the sweeps of one update; returns the first sweep's move |ΔF|²
  auto update = [&](Eigen::MatrixXd& F, const Eigen::MatrixXd& M, const Eigen::MatrixXd& G, int mode) {
    double first = 0;
    for (int l = 0; l < caps[mode]; ++l) {
      const Eigen::MatrixXd before = F;
      for (Eigen::Index r = 0; r < R; ++r)
        for (Eigen::Index i = 0; i < F.rows(); ++i) {
          double fg = 0;
          for (Eigen::Index q = 0; q < R; ++q) fg += F(i, q) * G(q, r);
          F(i, r) = std::max(1e-12, F(i, r) + (M(i, r) - fg) / G(r, r));
        }
      const double moved = (F - before).squaredNorm();
      if (l == 0) first = moved;
      else if (moved <= delta * delta * first) break;
    }
    return first;
  };
  double err = std::numeric_limits<double>::infinity();
  std::vector<Eigen::VectorXd> c_in, c_out;  // the pairs (C at the start, C at the end of an iteration)
  std::array<Eigen::MatrixXd, 3> kept;
  int rejected = 0;
  bool extrapolated = false;  // the iteration starts from an extrapolated C
  for (int s = 0; s < sweeps; ++s) {
    const Eigen::MatrixXd start_c = C;
    Eigen::MatrixXd M;
    double first_round = 0;
    for (int round = 0; round < rounds; ++round) {
      M = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(I), R);
      for (std::size_t i = 0; i < I; ++i)
        for (std::size_t j = 0; j < J; ++j)
          for (std::size_t k = 0; k < K; ++k)
            for (Eigen::Index r = 0; r < R; ++r) M(i, r) += X(i, j, k) * B(j, r) * C(k, r);
      double moved = update(A, M, (B.transpose() * B).cwiseProduct(C.transpose() * C), 0);
      M = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(J), R);
      for (std::size_t i = 0; i < I; ++i)
        for (std::size_t j = 0; j < J; ++j)
          for (std::size_t k = 0; k < K; ++k)
            for (Eigen::Index r = 0; r < R; ++r) M(j, r) += X(i, j, k) * A(i, r) * C(k, r);
      moved += update(B, M, (A.transpose() * A).cwiseProduct(C.transpose() * C), 1);
      if (round == 0) first_round = moved;
      else if (moved <= delta * delta * first_round) break;
    }
    M = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(K), R);
    for (std::size_t i = 0; i < I; ++i)
      for (std::size_t j = 0; j < J; ++j)
        for (std::size_t k = 0; k < K; ++k)
          for (Eigen::Index r = 0; r < R; ++r) M(k, r) += X(i, j, k) * A(i, r) * B(j, r);
    update(C, M, (A.transpose() * A).cwiseProduct(B.transpose() * B), 2);
    if (anderson) {
      double num = 0, den = 0;
      for (std::size_t i = 0; i < I; ++i)
        for (std::size_t j = 0; j < J; ++j)
          for (std::size_t k = 0; k < K; ++k) {
            double v = 0;
            for (Eigen::Index r = 0; r < R; ++r) v += A(i, r) * B(j, r) * C(k, r);
            num += (X(i, j, k) - v) * (X(i, j, k) - v), den += X(i, j, k) * X(i, j, k);
          }
      const double e = std::sqrt(num / den);
      if (extrapolated && e > err) {
        A = kept[0], B = kept[1], C = kept[2];
        extrapolated = false;
        ++rejected;
        c_in.clear(), c_out.clear();
        continue;
      }
      err = e;
    }
    for (Eigen::Index r = 0; r < R; ++r) {
      const double na = A.col(r).norm(), nb = B.col(r).norm();
      A.col(r) /= na;
      B.col(r) /= nb;
      C.col(r) *= na * nb;
    }
    if (anderson && s + 1 < sweeps) {
      kept = {A, B, C};
      c_in.push_back(start_c.reshaped()), c_out.push_back(C.reshaped());
      if (c_in.size() > 4) c_in.erase(c_in.begin()), c_out.erase(c_out.begin());
      const auto h = static_cast<Eigen::Index>(c_in.size()) - 1;
      extrapolated = h > 0;
      if (h == 0) continue;
      Eigen::MatrixXd dF(C.size(), h), dG(C.size(), h);
      for (Eigen::Index d = 0; d < h; ++d) {
        dF.col(d) = (c_out[d + 1] - c_in[d + 1]) - (c_out[d] - c_in[d]);
        dG.col(d) = c_out[d + 1] - c_out[d];
      }
      const Eigen::VectorXd f = c_out.back() - c_in.back();
      const Eigen::VectorXd gamma = dF.jacobiSvd(Eigen::ComputeThinU | Eigen::ComputeThinV).solve(f);
      C.reshaped() = (c_out.back() - dG * gamma).cwiseMax(1e-12);
    }
  }
  return rejected;
}
}  // namespace

// From a given start, 20 iterations give the factors of the naive sweeps, plain, with
// inner sweeps and rounds, with Anderson extrapolation, and with both (ranks 3, 8 and 11:
// one kernel block, a full block, a full block plus a partial one; 7 x 5 x 37 has full
// blocks of 16 and 8 and a remainder of 5; odd row counts exercise the kernels'
// remainder rows). Some extrapolations are rejected on the way (counted).
TEST(nonnegative_cp, sweeps_from_a_given_start_equal_naive_hals) {
  hebb::counter_rng r(13, hebb::stream::analysis, 8);
  int rejected = 0;
  for (auto [alpha, anderson] : {std::pair{0.0, false}, {0.5, false}, {0.0, true}, {0.5, true}})
  for (auto [I, J, K, R] : {std::array<std::size_t, 4>{7, 5, 37, 3}, {9, 7, 13, 8}, {13, 11, 17, 11}}) {
    auto [x, st, p] = random_sweep_case(r, I, J, K, R, 20);
    p.inner_alpha = alpha;
    p.extrapolate = anderson;
    const auto fit = nonnegative_cp(x, I, J, K, p, st);
    EXPECT_EQ(fit.iterations, 20);
    Eigen::MatrixXd A = st.a, B = st.b, C = st.c;
    rejected += naive_hals(x, I, J, K, A, B, C, 20, alpha, p.inner_delta, anderson);
    // match fitted components (ordered by λ) to the naive ones by λ = |C_r|
    for (Eigen::Index q = 0; q < static_cast<Eigen::Index>(R); ++q) {
      Eigen::Index best = 0;
      for (Eigen::Index s = 0; s < static_cast<Eigen::Index>(R); ++s)
        if (std::abs(C.col(s).norm() - fit.weights(q)) < std::abs(C.col(best).norm() - fit.weights(q))) best = s;
      EXPECT_NEAR(fit.weights(q), C.col(best).norm(), 1e-10 * fit.weights(0)) << "R " << R << " q " << q << " alpha " << alpha;
      EXPECT_LT((fit.a.col(q) - Eigen::VectorXd(A.col(best))).cwiseAbs().maxCoeff(), 1e-10) << "R " << R << " alpha " << alpha;
      EXPECT_LT((fit.b.col(q) - Eigen::VectorXd(B.col(best))).cwiseAbs().maxCoeff(), 1e-10) << "R " << R << " alpha " << alpha;
      EXPECT_LT((fit.c.col(q) - Eigen::VectorXd(C.col(best).normalized())).cwiseAbs().maxCoeff(), 1e-10) << "R " << R << " alpha " << alpha;
    }
    // the error tracked from Grams equals the error of the reconstruction
    const auto xhat = cp_reconstruct(fit);
    double num = 0, den = 0;
    for (std::size_t i = 0; i < x.size(); ++i) num += (x[i] - xhat[i]) * (x[i] - xhat[i]), den += x[i] * x[i];
    EXPECT_NEAR(fit.relative_error, std::sqrt(num / den), 1e-3);
  }
  EXPECT_GT(rejected, 0) << "no extrapolation was rejected: the test does not cover going back";
  cp_start bad;
  bad.a = matrix::Constant(7, 2, 1.0), bad.b = matrix::Constant(5, 3, 1.0), bad.c = matrix::Constant(9, 3, 1.0);
  cp_params p;
  p.rank = 3;
  std::vector<double> x(7 * 5 * 9, 1.0);
  EXPECT_THROW(nonnegative_cp(x, 7, 5, 9, p, bad), hebb::Error);  // A has 2 columns
  bad.a = matrix::Constant(7, 3, -1.0);
  EXPECT_THROW(nonnegative_cp(x, 7, 5, 9, p, bad), hebb::Error);  // negative start
}

// Tensors of 2^19 entries or more are split between threads (by columns of X for
// Xᵀ(A ⊙ B), of its transpose for X C); every sum keeps its order, so 1 and 2 threads give
// the same bits, plain and accelerated (with rounds and Anderson extrapolation).
TEST(nonnegative_cp, large_tensor_gives_the_same_factors_for_one_and_two_threads) {
  const std::size_t I = 64, J = 64, K = 520, R = 5;  // 2.1e6 entries, above the split size (5.2e5)
  hebb::counter_rng r(21, hebb::stream::analysis, 9);
  const auto [x, st, p] = random_sweep_case(r, I, J, K, R, 3);
  const int saved = omp_get_max_threads();
  cp_params fast = p;  // 8 iterations: Anderson's history fills (memory 3)
  fast.inner_alpha = cp_params{}.inner_alpha;
  fast.extrapolate = true;
  fast.max_iter = 8;
  omp_set_num_threads(1);
  const auto one = nonnegative_cp(x, I, J, K, p, st);
  const auto one_fast = nonnegative_cp(x, I, J, K, fast, st);
  omp_set_num_threads(2);
  const auto two = nonnegative_cp(x, I, J, K, p, st);
  const auto two_fast = nonnegative_cp(x, I, J, K, fast, st);
  omp_set_num_threads(saved);
  EXPECT_EQ(one.a, two.a);
  EXPECT_EQ(one.b, two.b);
  EXPECT_EQ(one.c, two.c);
  EXPECT_EQ(one.weights, two.weights);
  EXPECT_EQ(one_fast.a, two_fast.a);
  EXPECT_EQ(one_fast.c, two_fast.c);
  EXPECT_EQ(one_fast.weights, two_fast.weights);
  Eigen::MatrixXd A = st.a, B = st.b, C = st.c;  // and both equal plain HALS
  naive_hals(x, I, J, K, A, B, C, 3);
  double lam = 0;
  Eigen::Index best = 0;
  for (Eigen::Index s = 0; s < static_cast<Eigen::Index>(R); ++s)
    if (C.col(s).norm() > lam) lam = C.col(s).norm(), best = s;
  EXPECT_NEAR(two.weights(0), lam, 1e-9 * lam);
  EXPECT_LT((two.a.col(0) - Eigen::VectorXd(A.col(best))).cwiseAbs().maxCoeff(), 1e-9);
}

// The defaults (inner sweeps and extrapolation) against plain HALS, both run to the same
// tolerance (1e-7) from the same starts, on tensors like the benchmark's (30 x 20 x 40,
// rank 3 with dense uniform factors, 10 % non-negative noise). The oracle is the optimum
// that plain HALS reaches at tolerance 1e-12: both stop short of it (by 1e-6 - 5e-5
// relative here); the accelerated fit stops no farther from it than twice plain HALS's
// distance, with the same factors and under half the iterations.
TEST(nonnegative_cp, accelerated_fit_reaches_plain_hals_error_in_fewer_iterations) {
  const std::size_t I = 30, J = 20, K = 40, R = 3;
  for (std::uint64_t seed : {31, 32, 33}) {
    hebb::counter_rng r(seed, hebb::stream::analysis, 10);
    cp_model truth;
    truth.weights = Eigen::Vector3d(6.0, 5.0, 4.0);
    for (auto [F, n] : {std::pair{&truth.a, I}, {&truth.b, J}, {&truth.c, K}}) {
      *F = matrix(static_cast<Eigen::Index>(n), 3);
      for (Eigen::Index i = 0; i < F->size(); ++i) F->data()[i] = r.uniform();
      F->colwise().normalize();
    }
    auto y = cp_reconstruct(truth);
    double mean = 0;
    for (double v : y) mean += v / double(y.size());
    for (double& v : y) v += 0.1 * mean * std::abs(r.normal());
    cp_start st{matrix(I, R), matrix(J, R), matrix(K, R)};
    for (matrix* F : {&st.a, &st.b, &st.c})
      for (Eigen::Index i = 0; i < F->size(); ++i) F->data()[i] = r.uniform();
    cp_params plain;
    plain.inner_alpha = 0;
    plain.extrapolate = false;
    plain.max_iter = 20000;
    cp_params fast;
    fast.max_iter = 20000;
    const auto a = nonnegative_cp(y, I, J, K, plain, st), b = nonnegative_cp(y, I, J, K, fast, st);
    plain.tol = 1e-12;
    const double best = nonnegative_cp(y, I, J, K, plain, st).relative_error;
    printf("seed %d: optimum %.9f; plain %d iterations, error %.2e above it; accelerated %d, %.2e above\n", int(seed),
           best, a.iterations, a.relative_error / best - 1, b.iterations, b.relative_error / best - 1);
    EXPECT_LT(b.relative_error - best, 2 * (a.relative_error - best) + 1e-6 * best);
    EXPECT_LT(b.relative_error, best * (1 + 1e-4));
    EXPECT_LT(2 * b.iterations, a.iterations);
    EXPECT_GT(factor_match_score(a, b), 0.99);
    EXPECT_GT(factor_match_score(truth, b), 0.95);
  }
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
  p.inner_alpha = -1;
  EXPECT_THROW(nonnegative_cp(y, 10, 10, 10, p), hebb::Error);
  p.inner_alpha = 0.5;
  p.inner_delta = 1;
  EXPECT_THROW(nonnegative_cp(y, 10, 10, 10, p), hebb::Error);
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
