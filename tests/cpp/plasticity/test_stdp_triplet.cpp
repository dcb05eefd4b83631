// Oracles: the closed-form weight change of the triplet model (Pfister & Gerstner
// 2006) for N pre/post pairings at frequency rho with offset delta, written below
// with geometric sums of the trace kernels; and the qualitative result of the
// Sjostrom et al. (2001) protocol that the model was fitted to: potentiation grows
// with pairing frequency, and post-before-pre pairs turn from depression at low
// frequency into potentiation at 50 Hz.
#include <gtest/gtest.h>

#include <cmath>

#include <hebb/plasticity/stdp_triplet.hpp>

#include "drive.hpp"

using hebb::plasticity::stdp_triplet;

namespace {

constexpr int n_pairs = 60;

// sum_{k=0}^{m} q^k
double geo(double q, int m) { return (1 - std::pow(q, m + 1)) / (1 - q); }

// Closed-form total change of N pairings (pre at iT, post at iT + delta, |delta| < T),
// no bound reached. All-to-all: every earlier spike counts; nearest: the last one.
double predicted(const stdp_triplet::params& p, double rho, double delta, int N) {
  const double T = 1000.0 / rho;
  const double qp = std::exp(-T / p.tau_plus), qm = std::exp(-T / p.tau_minus);
  const double qx = std::exp(-T / p.tau_x), qy = std::exp(-T / p.tau_y);
  const bool nn = p.nearest != 0;
  double dw = 0;
  for (int n = 0; n < N; ++n) {
    // potentiation at post spike n
    double r1;
    if (delta > 0)
      r1 = std::exp(-delta / p.tau_plus) * (nn ? 1.0 : geo(qp, n));
    else
      r1 = n == 0 ? 0.0 : std::exp(-(T + delta) / p.tau_plus) * (nn ? 1.0 : geo(qp, n - 1));
    const double o2 = n == 0 ? 0.0 : (nn ? qy : qy * (1 - std::pow(qy, n)) / (1 - qy));
    dw += r1 * (p.a2_plus + p.a3_plus * o2);
    // depression at pre spike n
    double o1;
    if (delta > 0)
      o1 = n == 0 ? 0.0 : std::exp(-(T - delta) / p.tau_minus) * (nn ? 1.0 : geo(qm, n - 1));
    else
      o1 = std::exp(delta / p.tau_minus) * (nn ? 1.0 : geo(qm, n));
    const double r2 = n == 0 ? 0.0 : (nn ? qx : qx * (1 - std::pow(qx, n)) / (1 - qx));
    dw -= o1 * (p.a2_minus + p.a3_minus * r2);
  }
  return dw;
}

double simulated(const std::string& preset, double rho, double delta, int N) {
  hebb_test::pair_run r;
  const double T = 1000.0 / rho, t0 = 100.0;
  for (int i = 0; i < N; ++i) {
    const double tp = std::round((t0 + i * T) * 10) / 10;
    r.pre.push_back(tp);
    r.post.push_back(tp + delta);
  }
  r.rule = {"stdp_triplet", {{"w_min", -10.0}, {"w_max", 10.0}}, {{"preset", preset}}};
  return hebb_test::run_pair(r);
}

}  // namespace

TEST(stdp_triplet, sjostrom_protocol_matches_the_closed_form_at_20_and_50_hz) {
  for (const std::string preset : {"visual_all_to_all", "visual_minimal_all_to_all", "hippocampal_all_to_all",
                                   "visual_nearest", "hippocampal_nearest"}) {
    const auto p = stdp_triplet::preset("test", preset);
    for (double rho : {20.0, 50.0})
      for (double delta : {10.0, -10.0}) {
        const double expect = predicted(p, rho, delta, n_pairs);
        const double got = simulated(preset, rho, delta, n_pairs);
        EXPECT_NEAR(got, expect, 1e-3 * std::fabs(expect) + 1e-6)
            << preset << " rho=" << rho << " Hz delta=" << delta << " ms";
      }
  }
}

TEST(stdp_triplet, potentiation_grows_with_pairing_frequency) {
  for (const std::string preset : {"visual_all_to_all", "visual_minimal_all_to_all"}) {
    double prev_plus = -1e9;
    double first_minus = 0, last_minus = 0;
    for (double rho : {0.1, 10.0, 20.0, 40.0, 50.0}) {
      const int N = rho < 1 ? 5 : n_pairs;  // at 0.1 Hz pairs do not interact: scale 5 -> 60
      const double scale = static_cast<double>(n_pairs) / N;
      const double plus = simulated(preset, rho, 10.0, N) * scale;
      const double minus = simulated(preset, rho, -10.0, N) * scale;
      EXPECT_GT(plus, prev_plus) << preset << " at " << rho << " Hz";
      prev_plus = plus;
      if (rho < 1) first_minus = minus;
      last_minus = minus;
    }
    EXPECT_LT(first_minus, 0) << preset << ": post-before-pre at 0.1 Hz must depress";
    EXPECT_GT(last_minus, 0) << preset << ": post-before-pre at 50 Hz must potentiate (Sjostrom 2001)";
  }
}

TEST(stdp_triplet, bad_input_names_projection_and_key) {
  hebb::plasticity::register_rules();
  hebb::sim::network net;
  net.add_population({.name = "a", .model = "lif_cond_exp", .size = 3});
  hebb::sim::projection_args a;
  a.name = "ab";
  net.connect("a", "a", a);
  auto expect_error = [&](const hebb::sim::rule_args& r, const std::string& part) {
    try {
      net.set_plasticity("ab", r);
      ADD_FAILURE() << "no error for " << part;
    } catch (const hebb::Error& e) {
      EXPECT_NE(std::string(e.what()).find("projection 'ab'"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  expect_error({"stdp_triplet", {{"w_min", 2.0}, {"w_max", 1.0}}, {}}, "w_min = 2");
  expect_error({"stdp_triplet", {{"tau_x", -1.0}}, {}}, "tau_x");
  expect_error({"stdp_triplet", {}, {{"preset", "visual_al_to_all"}}}, "visual_all_to_all");
  // conductance synapses cannot take negative bounds
  expect_error({"stdp_triplet", {{"w_min", -1.0}}, {}}, "conductances");
}
