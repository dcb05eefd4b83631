// Oracles: the closed-form weight change of the triplet model (Pfister & Gerstner
// 2006) for N pre/post pairings at frequency rho with offset delta, written below
// with geometric sums of the trace kernels; and the qualitative result of the
// Sjostrom et al. (2001) protocol that the model was fitted to: potentiation grows
// with pairing frequency, and post-before-pre pairs turn from depression at low
// frequency into potentiation at 50 Hz. Per preset, the properties the paper
// reports for its fits: the visual-cortex sets reproduce Sjostrom et al. (2001)
// (-10 ms pairs depress up to 20 Hz and potentiate at 40-50 Hz), the hippocampal sets
// Wang et al. (2005) (post-pre-post triplets potentiate, pre-post-pre barely move),
// with an event-driven implementation of the paper's equations (written below) as
// the oracle for the triplet runs. The preset values are checked against the
// transcription of Tables 3 and 4 cited in stdp_triplet.hpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

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

// Pfister & Gerstner (2006) Table 3 (visual) and Table 4 (hippocampal), as
// transcribed in stdp_triplet.hpp: tau_y, a2_plus, a3_plus, a2_minus, a3_minus, nearest.
TEST(stdp_triplet, presets_are_the_published_rows) {
  struct row {
    const char* name;
    double tau_y, a2p, a3p, a2m, a3m;
    bool nearest;
  };
  const row rows[] = {
      {"visual_all_to_all", 125, 5e-10, 6.2e-3, 7e-3, 2.3e-4, false},
      {"visual_nearest", 40, 8.8e-11, 5.3e-2, 6.6e-3, 3.1e-3, true},
      {"visual_minimal_all_to_all", 114, 0, 6.5e-3, 7.1e-3, 0, false},
      {"visual_minimal_nearest", 40, 0, 5e-2, 8e-3, 0, true},
      {"hippocampal_all_to_all", 27, 6.1e-3, 6.7e-3, 1.6e-3, 1.4e-3, false},
      {"hippocampal_nearest", 47, 4.6e-3, 9.1e-3, 3e-3, 7.5e-9, true},
      {"hippocampal_minimal_all_to_all", 40, 5.3e-3, 8e-3, 3.5e-3, 0, false},
      {"hippocampal_minimal_nearest", 47, 4.6e-3, 9.1e-3, 3e-3, 0, true},
  };
  ASSERT_EQ(stdp_triplet::preset_names().size(), std::size(rows));
  for (const auto& r : rows) {
    const auto p = stdp_triplet::preset("test", r.name);
    EXPECT_EQ(p.tau_plus, 16.8) << r.name;
    EXPECT_EQ(p.tau_minus, 33.7) << r.name;
    EXPECT_EQ(p.tau_y, r.tau_y) << r.name;
    EXPECT_EQ(p.a2_plus, r.a2p) << r.name;
    EXPECT_EQ(p.a3_plus, r.a3p) << r.name;
    EXPECT_EQ(p.a2_minus, r.a2m) << r.name;
    EXPECT_EQ(p.a3_minus, r.a3m) << r.name;
    EXPECT_EQ(p.nearest != 0, r.nearest) << r.name;
  }
}

// Sjostrom et al. (2001), the data of Table 3: 60 pairings at +10 ms and -10 ms. The
// fits potentiate more the higher the frequency at +10 ms; at -10 ms they depress at
// 0.1-20 Hz and potentiate at 40 and 50 Hz (the data), and all four depress at 30 Hz
// (closed-form crossovers 31-37 Hz, printed).
TEST(stdp_triplet, visual_presets_reproduce_the_sjostrom_frequency_dependence) {
  for (const std::string preset :
       {"visual_all_to_all", "visual_nearest", "visual_minimal_all_to_all", "visual_minimal_nearest"}) {
    const auto p = stdp_triplet::preset("test", preset);
    double prev_plus = -1e9;
    for (double rho : {0.1, 10.0, 20.0, 30.0, 40.0, 50.0}) {
      const int N = rho < 1 ? 5 : n_pairs;  // at 0.1 Hz pairs do not interact: scale 5 -> 60
      const double scale = static_cast<double>(n_pairs) / N;
      const double plus = simulated(preset, rho, 10.0, N) * scale;
      const double minus = simulated(preset, rho, -10.0, N) * scale;
      EXPECT_GT(plus, prev_plus) << preset << " at " << rho << " Hz";
      prev_plus = plus;
      if (rho <= 30.0)
        EXPECT_LT(minus, 0) << preset << ": post-before-pre at " << rho << " Hz must depress";
      else
        EXPECT_GT(minus, 0) << preset << ": post-before-pre at " << rho << " Hz must potentiate";
    }
    EXPECT_GT(prev_plus, 0.5) << preset << ": +10 ms at 50 Hz potentiates strongly";
    double lo = 20, hi = 40;  // bisection on the closed form
    for (int i = 0; i < 40; ++i) {
      const double mid = 0.5 * (lo + hi);
      (predicted(p, mid, -10.0, n_pairs) < 0 ? lo : hi) = mid;
    }
    std::printf("%s: -10 ms crossover %.1f Hz\n", preset.c_str(), lo);
    EXPECT_GT(lo, 30.0) << preset;
    EXPECT_LT(lo, 40.0) << preset;
  }
}

namespace {
// The paper's equations evaluated exactly at the spike times (continuous-time
// traces); a pre and a post spike at the same time: pre first.
double event_driven(const stdp_triplet::params& p, const std::vector<double>& pre,
                    const std::vector<double>& post) {
  std::vector<std::pair<double, int>> ev;
  for (double t : pre) ev.emplace_back(t, 0);
  for (double t : post) ev.emplace_back(t, 1);
  std::sort(ev.begin(), ev.end());
  double r1 = 0, r2 = 0, o1 = 0, o2 = 0, w = 0, last = ev.front().first;
  const bool nn = p.nearest != 0;
  for (const auto& [t, post_spike] : ev) {
    const double d = t - last;
    last = t;
    r1 *= std::exp(-d / p.tau_plus);
    r2 *= std::exp(-d / p.tau_x);
    o1 *= std::exp(-d / p.tau_minus);
    o2 *= std::exp(-d / p.tau_y);
    if (post_spike) {
      w += r1 * (p.a2_plus + p.a3_plus * o2);
      o1 = nn ? 1 : o1 + 1;
      o2 = nn ? 1 : o2 + 1;
    } else {
      w -= o1 * (p.a2_minus + p.a3_minus * r2);
      r1 = nn ? 1 : r1 + 1;
      r2 = nn ? 1 : r2 + 1;
    }
  }
  return w;
}
}  // namespace

// Wang et al. (2005), the data of Table 4: 60 triplets at 1 Hz with 5 ms intervals.
// Post-pre-post potentiates while pre-post-pre hardly changes the
// weight; a pair rule would give them the same sign and size. Pairs at 1 Hz give the
// Bi & Poo window: +10 ms potentiates, -10 ms depresses.
TEST(stdp_triplet, hippocampal_presets_reproduce_the_wang_triplets) {
  for (const std::string preset : {"hippocampal_all_to_all", "hippocampal_nearest",
                                   "hippocampal_minimal_all_to_all", "hippocampal_minimal_nearest"}) {
    const auto p = stdp_triplet::preset("test", preset);
    auto run = [&](const std::vector<double>& pre_off, const std::vector<double>& post_off, int n) {
      hebb_test::pair_run r;
      for (int i = 0; i < n; ++i) {
        for (double o : pre_off) r.pre.push_back(100.0 + 1000.0 * i + o);
        for (double o : post_off) r.post.push_back(100.0 + 1000.0 * i + o);
      }
      r.rule = {"stdp_triplet", {{"w_min", -10.0}, {"w_max", 10.0}}, {{"preset", preset}}};
      const double got = hebb_test::run_pair(r);
      const double expect = event_driven(p, r.pre, r.post);
      EXPECT_NEAR(got, expect, 1e-3 * std::fabs(expect) + 1e-5) << preset;
      return got;
    };
    const double pre_post_pre = run({0.0, 10.0}, {5.0}, 60);
    const double post_pre_post = run({5.0}, {0.0, 10.0}, 60);
    std::printf("%s: pre-post-pre %+.3f, post-pre-post %+.3f\n", preset.c_str(), pre_post_pre, post_pre_post);
    EXPECT_GT(post_pre_post, 0.2) << preset;
    EXPECT_LT(std::fabs(pre_post_pre), 0.1) << preset;
    EXPECT_GT(post_pre_post, 5 * std::fabs(pre_post_pre)) << preset;
    EXPECT_GT(run({0.0}, {10.0}, 10), 0) << preset << ": +10 ms pairs at 1 Hz potentiate";
    EXPECT_LT(run({10.0}, {0.0}, 10), 0) << preset << ": -10 ms pairs at 1 Hz depress";
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
