// Readout learning: gated LMS against RLS (FORCE) on a synthetic cue-outcome task.
// Each trial is 1 s in 10 ms bins; the features are 40 Gaussian bumps tiling the trial
// (a stand-in for a reservoir's time code), the target is a bump at latency L with
// probability p (else 0). Oracles, from the theory of SYSTEMS.md section 1:
//  - LMS converges to E[target | t] = p * bump(t - L): peak amplitude proportional to p
//  - RLS without forgetting is the least-squares fit of all trials: it converges in
//    fewer trials, but its gain decays like 1/n (slope -1 in log-log), so after L
//    switches it re-locks only after about as many trials as it had seen; LMS re-locks
//    at its first speed.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <random>

#include <hebb/core/error.hpp>
#include <hebb/core/rng.hpp>
#include <hebb/plasticity/readout.hpp>

using hebb::plasticity::lms_readout;
using hebb::plasticity::rls_readout;
using hebb::plasticity::row_matrix;

namespace {

constexpr int bins = 100;       // 10 ms bins
constexpr int features = 40;

row_matrix time_code() {
  row_matrix R(bins, features);
  for (int t = 0; t < bins; ++t)
    for (int j = 0; j < features; ++j) {
      const double c = (j + 0.5) * bins / features, d = (t - c) / 2.5;
      R(t, j) = std::exp(-0.5 * d * d);
    }
  return R;
}

row_matrix bump(double latency_ms, double amplitude) {
  row_matrix y(bins, 1);
  for (int t = 0; t < bins; ++t) {
    const double d = (t * 10.0 - latency_ms) / 40.0;
    y(t, 0) = amplitude * std::exp(-0.5 * d * d);
  }
  return y;
}

int peak_ms(const row_matrix& z) {
  Eigen::Index i;
  z.col(0).maxCoeff(&i);
  return static_cast<int>(i) * 10;
}

// Trains `model` for n trials; the target is present with probability p (keyed RNG).
template <class M>
row_matrix trials(M& model, int n, double latency, double p, std::uint64_t seed, int first = 0) {
  const row_matrix R = time_code();
  const row_matrix on = bump(latency, 1.0), off = row_matrix::Zero(bins, 1);
  row_matrix z;
  for (int k = 0; k < n; ++k) {
    hebb::counter_rng rng(seed, hebb::stream::learn, 0, static_cast<std::uint64_t>(first + k));
    z = model.train(R, rng.uniform() < p ? on : off, {});
  }
  return z;
}

}  // namespace

TEST(readout, lms_converges_to_the_conditional_expectation) {
  const row_matrix R = time_code();
  std::vector<double> p_list{0.2, 0.5, 0.8}, amp;
  for (double p : p_list) {
    // constant-gain LMS converges in the mean: average its readout over the last 1000
    // of 3000 trials (its trial-to-trial fluctuation is of order eta)
    lms_readout m(features, 1, {.eta = 0.002});
    trials(m, 2000, 300.0, p, 11);
    row_matrix z = row_matrix::Zero(bins, 1);
    for (int k = 0; k < 1000; ++k) {
      trials(m, 1, 300.0, p, 11, 2000 + k);
      z += m.predict(R) / 1000.0;
    }
    const row_matrix expect = bump(300.0, p);  // E[target | t]
    EXPECT_LT((z - expect).cwiseAbs().maxCoeff(), 0.05) << "p = " << p;
    EXPECT_NEAR(peak_ms(z), 300, 20) << "p = " << p;
    amp.push_back(z.maxCoeff());
  }
  // peak amplitude against p: R^2 of the line through the origin amp = c p
  double spp = 0, spa = 0, saa = 0, mean = 0;
  for (std::size_t i = 0; i < amp.size(); ++i) {
    spp += p_list[i] * p_list[i];
    spa += p_list[i] * amp[i];
    mean += amp[i] / amp.size();
  }
  const double c = spa / spp;
  double ss_res = 0, ss_tot = 0;
  for (std::size_t i = 0; i < amp.size(); ++i) {
    ss_res += std::pow(amp[i] - c * p_list[i], 2);
    ss_tot += std::pow(amp[i] - mean, 2);
    saa += amp[i];
  }
  EXPECT_GE(1 - ss_res / ss_tot, 0.9);
  EXPECT_NEAR(c, 1.0, 0.1) << "amplitude should be p times the outcome";
}

TEST(readout, gate_zero_leaves_the_weights_unchanged) {
  const row_matrix R = time_code(), Y = bump(300.0, 1.0);
  std::vector<double> gate(bins, 0.0);
  for (int t = 40; t < 60; ++t) gate[t] = 1.0;
  lms_readout a(features, 1, {.eta = 0.01});
  a.train(R, Y, gate);
  // by hand: only the gated bins change W
  row_matrix w = row_matrix::Zero(1, features);
  for (int t = 40; t < 60; ++t) {
    const double e = Y(t, 0) - (w * R.row(t).transpose())(0, 0);
    w += 0.01 * e * R.row(t);
  }
  EXPECT_LT((a.weights() - w).cwiseAbs().maxCoeff(), 1e-12);
  lms_readout b(features, 1, {.eta = 0.01});
  b.train(R, Y, std::vector<double>(bins, 0.0));
  EXPECT_EQ(b.weights().cwiseAbs().maxCoeff(), 0.0);
  rls_readout c(features, 1);
  c.train(R, Y, std::vector<double>(bins, 0.0));
  EXPECT_EQ(c.weights().cwiseAbs().maxCoeff(), 0.0);
  EXPECT_EQ(c.updates(), 0u);
}

TEST(readout, rls_equals_the_regularised_least_squares_fit) {
  // oracle: W = Y^T R (R^T R + alpha I)^-1 over everything seen
  std::mt19937 gen(3);
  std::normal_distribution<double> n01;
  row_matrix R(200, 10), Y(200, 2);
  for (int i = 0; i < R.size(); ++i) R.data()[i] = n01(gen);
  for (int i = 0; i < Y.size(); ++i) Y.data()[i] = n01(gen);
  rls_readout m(10, 2, {.alpha = 0.5});
  m.train(R, Y, {});
  const Eigen::MatrixXd A = R.transpose() * R + 0.5 * Eigen::MatrixXd::Identity(10, 10);
  const Eigen::MatrixXd W = (A.ldlt().solve(R.transpose() * Y)).transpose();
  EXPECT_LT((m.weights() - W).cwiseAbs().maxCoeff(), 1e-9);
}

TEST(readout, rls_learns_faster_first_but_relocks_slower_after_a_switch) {
  const row_matrix R = time_code();
  const double p = 0.8;
  lms_readout lms(features, 1, {.eta = 0.02});
  rls_readout rls(features, 1, {.alpha = 1.0});
  // initial learning: trials until the peak is within 50 ms of L = 300 ms and above p/2
  auto locked = [&](const row_matrix& z, double L) { return std::abs(peak_ms(z) - L) <= 50 && z.maxCoeff() > 0.5 * p; };
  int first_lms = -1, first_rls = -1;
  std::vector<double> gains;
  for (int k = 0; k < 200; ++k) {
    trials(lms, 1, 300.0, p, 5, k);
    trials(rls, 1, 300.0, p, 5, k);
    gains.push_back(rls.last_gain());
    if (first_lms < 0 && locked(lms.predict(R), 300.0)) first_lms = k + 1;
    if (first_rls < 0 && locked(rls.predict(R), 300.0)) first_rls = k + 1;
  }
  ASSERT_GT(first_lms, 0);
  ASSERT_GT(first_rls, 0);
  EXPECT_LT(first_rls, first_lms) << "RLS should converge in fewer trials at first";
  // the gain of the last update of each trial decays ~ 1/n: slope of log gain vs log n
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int m = 0;
  for (int k = 20; k < 200; ++k, ++m) {
    const double x = std::log(k + 1.0), y = std::log(gains[k]);
    sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  const double slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
  EXPECT_NEAR(slope, -1.0, 0.15);
  // switch L to 600 ms, no reset
  int relock_lms = -1, relock_rls = -1;
  for (int k = 0; k < 600; ++k) {
    trials(lms, 1, 600.0, p, 6, k);
    trials(rls, 1, 600.0, p, 6, k);
    if (relock_lms < 0 && locked(lms.predict(R), 600.0)) relock_lms = k + 1;
    if (relock_rls < 0 && locked(rls.predict(R), 600.0)) relock_rls = k + 1;
  }
  std::printf("first lock: LMS %d, RLS %d trials; after the switch: LMS %d, RLS %d trials; gain slope %.3f\n",
              first_lms, first_rls, relock_lms, relock_rls, slope);
  ASSERT_GT(relock_lms, 0);
  EXPECT_LE(relock_lms, 50);
  ASSERT_GT(relock_rls, 0) << "RLS did not re-lock within 600 trials";
  EXPECT_GE(relock_rls, 3 * relock_lms);
}

TEST(readout, bad_input_is_an_error_naming_the_argument) {
  EXPECT_THROW(lms_readout(0, 1), hebb::Error);
  EXPECT_THROW(lms_readout(3, 1, {.eta = -1.0}), hebb::Error);
  EXPECT_THROW(rls_readout(3, 1, {.forgetting = 1.5}), hebb::Error);
  lms_readout m(3, 1);
  try {
    m.train(row_matrix::Zero(5, 4), row_matrix::Zero(5, 1), {});
    FAIL();
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("columns"), std::string::npos);
  }
}
