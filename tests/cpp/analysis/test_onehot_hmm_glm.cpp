// One-hot HMM-GLM. Oracles: the planted model of SYSTEMS.md section 12 (N = 10, K = 3,
// sticky 0.98, T = 1e4: true states and connection types, matched by the best state
// permutation); the plain HMM-GLM (prior_sd = inf) fitted on the same data for the
// held-out log-likelihood; the softmax/Gumbel identities for the returned probabilities.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>

#include <hebb/analysis/onehot_hmm_glm.hpp>
#include <hebb/core/error.hpp>

#include "hmm_planted.hpp"

using namespace hebb::analysis;
using namespace hmm_test;

namespace {
double type_accuracy(const std::vector<Eigen::MatrixXi>& fitted, const std::vector<Eigen::MatrixXi>& truth,
                     const std::vector<int>& perm) {
  int hit = 0, total = 0;
  for (std::size_t k = 0; k < truth.size(); ++k) {
    // fitted state f maps to true state perm[f]
    const auto f = static_cast<std::size_t>(std::find(perm.begin(), perm.end(), static_cast<int>(k)) - perm.begin());
    hit += (fitted[f].array() == truth[k].array()).count();
    total += static_cast<int>(truth[k].size());
  }
  return static_cast<double>(hit) / total;
}
}  // namespace

TEST(onehot_hmm_glm, synthetic_states_types_and_held_out_likelihood) {
  std::vector<Eigen::MatrixXi> types;
  const auto truth = planted(10, 3, 0.98, 11, &types);
  const auto train = sample_hmm_glm(truth, 10000, 1);
  const auto test = sample_hmm_glm(truth, 5000, 2);
  onehot_hmm_glm_params p;
  p.n_states = 3;
  p.basis = truth.basis;
  const auto fit = fit_onehot_hmm_glm(train.counts, p);
  EXPECT_TRUE(fit.converged);
  const auto path = viterbi(fit.model.initial.array().log(), fit.model.transition.array().log().matrix(),
                            emission_log_likelihood(fit.model, train.counts));
  double acc = 0;
  const auto perm = best_match(train.states, path, 3, &acc);
  const double tacc = type_accuracy(fit.types, types, perm);
  // the model's weights are exactly (A_exc - A_inh)·s with the returned types
  for (std::size_t k = 0; k < 3; ++k)
    for (int i = 0; i < 10; ++i)
      for (int j = 0; j < 10; ++j) {
        const double w = fit.model.weights[k](i, j);
        EXPECT_EQ(fit.types[k](i, j), w > 0 ? 1 : (w < 0 ? -1 : 0));
        double qs = 0;
        for (int c = 0; c < 3; ++c) qs += fit.type_probability[3 * k + c](i, j);
        EXPECT_NEAR(qs, 1.0, 1e-12);
      }
  for (int i = 0; i < 10; ++i)
    for (int j = 0; j < 10; ++j)
      EXPECT_NEAR(fit.prior[0](i, j) + fit.prior[1](i, j) + fit.prior[2](i, j), 1.0, 1e-4);
  // held-out log-likelihood against the plain HMM-GLM on the same training data
  hmm_glm_params np;
  np.n_states = 3;
  np.basis = truth.basis;
  np.prior_sd = std::numeric_limits<double>::infinity();
  const auto naive = fit_hmm_glm(train.counts, np);
  const double ll_onehot = hmm_glm_log_likelihood(fit.model, test.counts) / 5000;
  const double ll_naive = hmm_glm_log_likelihood(naive.model, test.counts) / 5000;
  const double ll_true = hmm_glm_log_likelihood(truth, test.counts) / 5000;
  // the naive fit's types need a threshold on |W| (0.3 = half the smallest planted strength)
  double nacc = 0;
  const auto npath = viterbi(naive.model.initial.array().log(), naive.model.transition.array().log().matrix(),
                             emission_log_likelihood(naive.model, train.counts));
  const auto nperm = best_match(train.states, npath, 3, &nacc);
  std::vector<Eigen::MatrixXi> ntypes;
  for (const auto& w : naive.model.weights) ntypes.push_back(connection_types(w, 0.3));
  printf("one-hot: state acc %.4f, type acc %.4f, held-out LL/bin %.5f | plain: state acc %.4f, type acc "
         "(|W|>0.3) %.4f, LL/bin %.5f | truth LL/bin %.5f\n",
         acc, tacc, ll_onehot, nacc, type_accuracy(ntypes, types, nperm), ll_naive, ll_true);
  EXPECT_GE(acc, 0.9);
  EXPECT_GE(tacc, 0.85);  // measured 0.937 (plain HMM-GLM read with |W| > 0.3: 0.973)
  EXPECT_GE(ll_onehot, ll_naive);  // measured -10.8111 vs -10.8139 nats per bin
  EXPECT_LE(ll_onehot, ll_true + 0.01);  // sanity: no fit beats the generating model by much out of sample
}

TEST(onehot_hmm_glm, connection_types_by_threshold) {
  matrix w(2, 2);
  w << 0.5, -0.1, -0.7, 0.0;
  Eigen::MatrixXi expect(2, 2);
  expect << 1, 0, -1, 0;
  EXPECT_EQ(connection_types(w, 0.3), expect);
  EXPECT_THROW(connection_types(w, -1.0), hebb::Error);
}

TEST(onehot_hmm_glm, bad_input_and_non_convergence_are_reported) {
  onehot_hmm_glm_params p;
  matrix y = matrix::Ones(50, 3);
  EXPECT_THROW(fit_onehot_hmm_glm(y, p), hebb::Error);  // too few bins for 3 states
  p.tau = 0;
  try {
    fit_onehot_hmm_glm(matrix::Ones(5000, 3), p);
    FAIL() << "no error";
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("onehot_hmm_glm.tau"), std::string::npos) << e.what();
  }
  p = {};
  y = matrix::Ones(2000, 2);
  y(3, 1) = std::nan("");
  EXPECT_THROW(fit_onehot_hmm_glm(y, p), hebb::Error);
  const auto m = planted(4, 2, 0.95, 2);
  const auto s = sample_hmm_glm(m, 2000, 2);
  p.n_states = 2;
  p.max_iter = 1;
  p.type_iter = 2;
  p.restarts = 1;
  try {
    fit_onehot_hmm_glm(s.counts, p);
    FAIL() << "no error";
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("did not converge"), std::string::npos) << e.what();
  }
  p.require_convergence = false;
  EXPECT_FALSE(fit_onehot_hmm_glm(s.counts, p).converged);
}
