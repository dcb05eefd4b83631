// Modern Hopfield network (Ramsauer et al. 2021): SYSTEMS.md section 4a.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include <omp.h>

#include <hebb/core/error.hpp>
#include <hebb/core/rng.hpp>
#include <hebb/memory/modern_hopfield.hpp>

using namespace hebb::memory;
using hebb::counter_rng;

namespace {
Eigen::MatrixXd random_signs(Eigen::Index d, Eigen::Index n, std::uint64_t seed) {
  Eigen::MatrixXd x(d, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    counter_rng r(seed, hebb::stream::experiment, i);
    for (Eigen::Index j = 0; j < d; ++j) x(j, i) = (r.bits() & 1u) ? 1.0 : -1.0;
  }
  return x;
}
Eigen::MatrixXd random_normal(Eigen::Index d, Eigen::Index n, std::uint64_t seed) {
  Eigen::MatrixXd x(d, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    counter_rng r(seed, hebb::stream::experiment, i);
    for (Eigen::Index j = 0; j < d; ++j) x(j, i) = r.normal();
  }
  return x;
}
// the update written out directly (the oracle): X softmax(beta X^T q), in double
Eigen::MatrixXd naive_update(const Eigen::MatrixXd& x, const Eigen::MatrixXd& q, double beta) {
  Eigen::MatrixXd out(x.rows(), q.cols());
  for (Eigen::Index j = 0; j < q.cols(); ++j) {
    Eigen::VectorXd s = beta * x.transpose() * q.col(j);
    s = (s.array() - s.maxCoeff()).exp();
    out.col(j) = x * (s / s.sum());
  }
  return out;
}
// flip k distinct random components of each column
Eigen::MatrixXd flipped(const Eigen::MatrixXd& x, const std::vector<Eigen::Index>& cols, int k,
                        std::uint64_t seed) {
  Eigen::MatrixXd q(x.rows(), static_cast<Eigen::Index>(cols.size()));
  for (std::size_t p = 0; p < cols.size(); ++p) {
    q.col(p) = x.col(cols[p]);
    counter_rng r(seed, hebb::stream::experiment, 1000000 + p);
    std::vector<Eigen::Index> idx(x.rows());
    std::iota(idx.begin(), idx.end(), 0);
    for (int f = 0; f < k; ++f) {
      std::swap(idx[f], idx[f + r.below(x.rows() - f)]);
      q(idx[f], p) = -q(idx[f], p);
    }
  }
  return q;
}
// fraction of probes whose sign(update) equals the stored pattern exactly
double exact_retrieval(Eigen::Index d, Eigen::Index n, int flips, int probes, std::uint64_t seed) {
  const Eigen::MatrixXd x = random_signs(d, n, seed);
  modern_hopfield<double> net(x, 1.0);
  std::vector<Eigen::Index> cols;
  counter_rng r(seed, hebb::stream::experiment, 999999999);
  for (int p = 0; p < probes; ++p) cols.push_back(static_cast<Eigen::Index>(r.below(n)));
  const Eigen::MatrixXd y = net.update(flipped(x, cols, flips, seed + 1));
  int ok = 0;
  for (int p = 0; p < probes; ++p)
    ok += (y.col(p).array().sign() == x.col(cols[p]).array()).all();
  return double(ok) / probes;
}
}  // namespace

TEST(modern_hopfield, update_equals_direct_formula_double_and_float) {
  // N large enough for several cache blocks and super-blocks; several queries
  const Eigen::MatrixXd x = random_normal(64, 20000, 1);
  const Eigen::MatrixXd q = random_normal(64, 7, 2) * 0.3;
  for (double beta : {0.05, 0.5, 2.0}) {
    const Eigen::MatrixXd ref = naive_update(x, q, beta);
    modern_hopfield<double> nd(x, beta);
    EXPECT_LT((nd.update(q) - ref).cwiseAbs().maxCoeff(), 1e-12) << beta;
    modern_hopfield<float> nf(x.cast<float>(), float(beta));
    const Eigen::MatrixXd yf = nf.update(q.cast<float>()).cast<double>();
    EXPECT_LT((yf - ref).cwiseAbs().maxCoeff(), 2e-4 * ref.cwiseAbs().maxCoeff() + 1e-5) << beta;
    // weights(): softmax columns sum to one and reproduce the update
    const Eigen::MatrixXd w = nd.weights(q);
    EXPECT_LT((w.colwise().sum().array() - 1).abs().maxCoeff(), 1e-12);
    EXPECT_LT((x * w - ref).cwiseAbs().maxCoeff(), 1e-12);
  }
}

TEST(modern_hopfield, single_query_same_as_batch_column) {
  // a single query goes through gemv, a batch through gemm: the kernels sum in a
  // different order, so the results agree to rounding, not bit for bit
  const Eigen::MatrixXd x = random_normal(32, 3000, 3);
  const Eigen::MatrixXd q = random_normal(32, 5, 4);
  modern_hopfield<double> net(x, 1.0);
  const Eigen::MatrixXd all = net.update(q);
  for (Eigen::Index j = 0; j < 5; ++j)
    EXPECT_LT((net.update(q.col(j)) - all.col(j)).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(modern_hopfield, same_bits_for_any_thread_count) {
  const Eigen::MatrixXf x = random_normal(64, 30000, 12).cast<float>();
  const Eigen::MatrixXf q = random_normal(64, 9, 13).cast<float>();
  modern_hopfield<float> net(x, 0.3f);
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  const Eigen::MatrixXf one = net.update(q), one1 = net.update(q.col(0));
  omp_set_num_threads(2);
  const Eigen::MatrixXf two = net.update(q), two1 = net.update(q.col(0));
  omp_set_num_threads(before);
  EXPECT_EQ((one - two).cwiseAbs().maxCoeff(), 0.0f);
  EXPECT_EQ((one1 - two1).cwiseAbs().maxCoeff(), 0.0f);
  // not trivially equal: another query gives another result
  EXPECT_GT((one.col(0) - one.col(1)).cwiseAbs().maxCoeff(), 0.0f);
}

TEST(modern_hopfield, energy_never_increases_along_updates) {
  for (double beta : {0.1, 1.0, 8.0}) {
    const Eigen::MatrixXd x = random_normal(20, 50, 5);
    modern_hopfield<double> net(x, beta);
    Eigen::MatrixXd s = random_normal(20, 30, 6) * 2.0;
    Eigen::VectorXd e = net.energy(s);
    for (int step = 0; step < 20; ++step) {
      s = net.update(s);
      const Eigen::VectorXd e2 = net.energy(s);
      for (Eigen::Index j = 0; j < e.size(); ++j)
        EXPECT_LE(e2(j), e(j) + 1e-9 * (1 + std::abs(e(j)))) << beta << " step " << step;
      e = e2;
    }
    // the energy is bounded below by 0 (Ramsauer et al., Lemma A1 constants)
    EXPECT_GE(e.minCoeff(), -1e-9);
  }
}

TEST(modern_hopfield, energy_equals_direct_formula) {
  const Eigen::MatrixXd x = random_normal(10, 7, 7);
  const Eigen::MatrixXd s = random_normal(10, 3, 8);
  const double beta = 0.7;
  modern_hopfield<double> net(x, beta);
  const double m = x.colwise().norm().maxCoeff();
  for (Eigen::Index j = 0; j < 3; ++j) {
    double z = 0;
    for (Eigen::Index i = 0; i < 7; ++i) z += std::exp(beta * x.col(i).dot(s.col(j)));
    const double e = -std::log(z) / beta + 0.5 * s.col(j).squaredNorm() + std::log(7.0) / beta + 0.5 * m * m;
    EXPECT_NEAR(net.energy(s)(j), e, 1e-10);
  }
}

TEST(modern_hopfield, retrieve_converges_to_fixed_point) {
  const Eigen::MatrixXd x = random_signs(40, 30, 9);
  modern_hopfield<double> net(x, 0.5);
  int steps = 0;
  const Eigen::MatrixXd y = net.retrieve(flipped(x, {0, 1, 2}, 8, 10), 50, 1e-10, &steps);
  EXPECT_LE(steps, 50);
  EXPECT_LT((net.update(y) - y).cwiseAbs().maxCoeff(), 1e-9);
  for (Eigen::Index j = 0; j < 3; ++j) EXPECT_TRUE((y.col(j).array().sign() == x.col(j).array()).all());
}

// SYSTEMS.md 4a: d = 100, +-1 patterns, beta = 1, 20 of 100 bits flipped, one update:
// exact sign retrieval in 100% of 300 probes for N = 14, 100, 1000, 10000.
TEST(modern_hopfield, capacity_one_step_20_flips) {
  for (Eigen::Index n : {14, 100, 1000, 10000})
    EXPECT_EQ(exact_retrieval(100, n, 20, 300, 100 + n), 1.0) << "N = " << n;
}

// SYSTEMS.md 4a: at 30 flips and N = 1e4 retrieval drops to about 0.65-0.75 (draw-dependent).
TEST(modern_hopfield, capacity_drops_at_30_flips) {
  double mean = 0;
  for (std::uint64_t draw = 0; draw < 2; ++draw) mean += exact_retrieval(100, 10000, 30, 300, 500 + draw) / 2;
  EXPECT_GT(mean, 0.6);
  EXPECT_LT(mean, 0.8);
}

TEST(modern_hopfield, separation_condition) {
  // Theorem 4: well-separated random patterns in high dimension satisfy the bound
  const Eigen::MatrixXd x = random_signs(100, 14, 11);
  modern_hopfield<double> net(x, 1.0);
  const auto delta = net.separations();
  EXPECT_EQ(delta.size(), 14);
  // Delta_i = 100 - max overlap; for 14 random +-1 patterns the max overlap is < 50
  EXPECT_GT(delta.minCoeff(), 50.0);
  EXPECT_GT(delta.minCoeff(), net.separation_bound());
}

TEST(modern_hopfield, bad_input) {
  EXPECT_THROW(modern_hopfield<double>(Eigen::MatrixXd(10, 0), 1.0), hebb::Error);  // empty
  EXPECT_THROW(modern_hopfield<double>(Eigen::MatrixXd::Ones(10, 3), 0.0), hebb::Error);
  modern_hopfield<double> net(Eigen::MatrixXd::Ones(10, 3), 1.0);
  EXPECT_THROW(net.update(Eigen::MatrixXd::Ones(9, 2)), hebb::Error);
  EXPECT_THROW(net.energy(Eigen::MatrixXd::Ones(11, 1)), hebb::Error);
  EXPECT_THROW(net.retrieve(Eigen::MatrixXd::Ones(10, 1), 0), hebb::Error);
  try {
    net.update(Eigen::MatrixXd::Ones(9, 2));
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("dimension 9"), std::string::npos) << e.what();
  }
}
