// Oracles: the Poisson NLL written out by hand; bits/spike of the null is 0 by its
// definition and invariant to sample order (SYSTEMS.md section 13); the GLM optimum
// satisfies its first-order condition; R² is 1 for a perfect and 0 for a mean prediction.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <hebb/analysis/lorenz_data.hpp>
#include <hebb/analysis/nlb_metrics.hpp>
#include <hebb/core/error.hpp>
#include <hebb/core/rng.hpp>

using namespace hebb::analysis;

TEST(nlb_metrics, poisson_nll_by_hand) {
  matrix y(2, 2), lam(2, 2);
  y << 0, 1, 3, 2;
  lam << 0.5, 2.0, 1.5, 0.25;
  double ref = 0;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      ref += lam(i, j) - y(i, j) * std::log(lam(i, j)) + std::lgamma(y(i, j) + 1);
  EXPECT_NEAR(poisson_nll(lam, y), ref, 1e-12);
  // a zero rate where no spike occurs contributes nothing (0 log 0 = 0)
  lam(0, 0) = 0;
  EXPECT_NEAR(poisson_nll(lam, y), ref - 0.5 + std::log(0.5) * 0, 1e-12);
}

TEST(nlb_metrics, null_model_scores_zero_and_order_does_not_matter) {
  const auto d = make_lorenz_data({.n_trials = 20, .trial_length = 50, .n_neurons = 30, .seed = 4});
  EXPECT_EQ(bits_per_spike(null_rates(d.counts), d.counts), 0.0);
  const double bps = bits_per_spike(d.rates, d.counts);
  EXPECT_GT(bps, 0.0);  // SYSTEMS.md section 13: the true rates beat the null
  // reverse the sample order (a permutation of bins)
  const matrix yr = d.counts.colwise().reverse(), lr = d.rates.colwise().reverse();
  EXPECT_NEAR(bits_per_spike(lr, yr), bps, 1e-12 * std::abs(bps));
  // NaN samples are missing: appending NaN rows changes nothing
  matrix y2(d.counts.rows() + 3, d.counts.cols()), l2(y2.rows(), y2.cols());
  y2 << d.counts, matrix::Constant(3, d.counts.cols(), std::numeric_limits<double>::quiet_NaN());
  l2 << d.rates, matrix::Constant(3, d.counts.cols(), 1.0);
  EXPECT_NEAR(bits_per_spike(l2, y2), bps, 1e-12 * std::abs(bps));
}

TEST(nlb_metrics, bad_input_is_named) {
  matrix y(2, 2), lam = matrix::Constant(2, 2, 1.0);
  y << 0, 1, -1, 2;
  EXPECT_THROW(bits_per_spike(lam, y), hebb::Error);
  y(1, 0) = 1;
  EXPECT_THROW(bits_per_spike(matrix::Constant(3, 2, 1.0), y), hebb::Error);
  lam(0, 1) = 0;  // zero rate where a spike occurs: infinite NLL
  EXPECT_THROW(poisson_nll(lam, y), hebb::Error);
  lam(0, 1) = -0.5;
  EXPECT_THROW(poisson_nll(lam, y), hebb::Error);
  try {
    y(1, 0) = -2;
    bits_per_spike(matrix::Constant(2, 2, 1.0), y);
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("counts[1, 0] = -2"), std::string::npos) << e.what();
  }
}

TEST(lorenz_data, reproducible_and_poisson) {
  const lorenz_params p{.n_trials = 30, .trial_length = 40, .n_neurons = 20, .seed = 7};
  const auto a = make_lorenz_data(p), b = make_lorenz_data(p);
  auto q = p;
  q.seed = 8;
  const auto c = make_lorenz_data(q);
  EXPECT_EQ(a.counts, b.counts);
  EXPECT_NE(a.counts, c.counts);
  for (int k = 0; k < 3; ++k) {  // standardised latents
    EXPECT_NEAR(a.latents.col(k).mean(), 0.0, 1e-9);
    EXPECT_NEAR((a.latents.col(k).array() - a.latents.col(k).mean()).square().mean(), 1.0, 1e-9);
  }
  // Poisson: E[y] = λ; the total count is within 4 sd of the total rate
  const double total_rate = a.rates.sum();
  EXPECT_NEAR(a.counts.sum(), total_rate, 4 * std::sqrt(total_rate));
  EXPECT_THROW(make_lorenz_data({.dt = 0.5}), hebb::Error);
}

TEST(co_smoothing, glm_reaches_its_optimum_and_predicts_held_out_neurons) {
  const auto d = make_lorenz_data({.n_trials = 60, .trial_length = 50, .n_neurons = 30, .seed = 2});
  const Eigen::Index T = 50, tr = 40 * T, N = 30, nin = 20;
  co_smoothing_params p{.kernel_sd = 20.0, .bin = 10.0, .alpha = 1e-3};
  const auto r = co_smoothing(d.counts.topRows(tr).leftCols(nin), d.counts.topRows(tr).rightCols(N - nin),
                              d.counts.bottomRows(d.counts.rows() - tr).leftCols(nin),
                              d.counts.bottomRows(d.counts.rows() - tr).rightCols(N - nin), T, p);
  // first-order condition on the training set: X'(λ - y)/n + alpha w = 0 (bias unpenalised)
  const matrix s = smooth_trials(d.counts.topRows(tr).leftCols(nin), T, p.kernel_sd / p.bin);
  matrix X(tr, nin + 1);
  X.leftCols(nin) = (s.array() + 1e-4).log().matrix();
  X.col(nin).setOnes();
  for (Eigen::Index n = 0; n < N - nin; ++n) {
    const Eigen::VectorXd w = r.weights.col(n);
    Eigen::VectorXd g = X.transpose() * ((X * w).array().exp().matrix() - d.counts.topRows(tr).col(nin + n)) / tr;
    g.head(nin) += p.alpha * w.head(nin);
    EXPECT_LT(g.cwiseAbs().maxCoeff(), 1e-6) << "neuron " << n;
  }
  // held-out neurons are predictable from held-in ones, but not beyond the true rates
  const matrix y_eval = d.counts.bottomRows(d.counts.rows() - tr).rightCols(N - nin);
  const double true_bps = bits_per_spike(d.rates.bottomRows(d.counts.rows() - tr).rightCols(N - nin), y_eval);
  EXPECT_GT(r.co_bps, 0.0);
  EXPECT_LT(r.co_bps, true_bps);
  EXPECT_NEAR(r.co_bps, bits_per_spike(r.rates, y_eval), 1e-12);
}

TEST(psth, r2_of_perfect_and_mean_predictions) {
  matrix y(6, 2);  // 3 trials of 2 bins, conditions 0, 1, 0
  y << 1, 0, 3, 2, 5, 1, 0, 4, 3, 2, 1, 2;
  const std::vector<std::int64_t> cond = {0, 1, 0};
  const matrix ps = psth(y, 2, cond);
  ASSERT_EQ(ps.rows(), 4);
  EXPECT_DOUBLE_EQ(ps(0, 0), 2.0);  // (1 + 3) / 2
  EXPECT_DOUBLE_EQ(ps(3, 1), 4.0);
  EXPECT_DOUBLE_EQ(psth_r2(ps, ps), 1.0);
  matrix mean_pred = ps;
  for (Eigen::Index j = 0; j < 2; ++j) mean_pred.col(j).setConstant(ps.col(j).mean());
  EXPECT_NEAR(psth_r2(ps, mean_pred), 0.0, 1e-12);
  EXPECT_THROW(psth(y, 2, std::vector<std::int64_t>{0, 2, 0}), hebb::Error);
}
