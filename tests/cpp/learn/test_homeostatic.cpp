// Homeostatic regulator. Oracles: the state after a sequence of taken items is
// eta0 * rho^(#excitatory - #inhibitory) exactly; the decision rule (take iff the
// predicted effect scores strictly better) and the vulnerability (the TRUE class's
// effect lands) are checked item by item; in closed loop with a score peaked at eta*,
// the regulated rate settles within a factor rho of eta*.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include <hebb/learn/homeostatic.hpp>

using namespace hebb::learn;

TEST(homeostatic, taken_items_move_the_rate_by_their_true_class) {
  homeostatic_params p;
  p.eta0 = 0.3;
  p.rho = 1.1;
  homeostatic_lr r(p);
  EXPECT_DOUBLE_EQ(r.proposal(7), 0.3 * 1.1);
  EXPECT_DOUBLE_EQ(r.proposal(2), 0.3 / 1.1);
  EXPECT_DOUBLE_EQ(r.lr(), 0.3);  // proposal does not change the state
  // Left: take does not score strictly better (tie and worse).
  EXPECT_FALSE(r.offer(7, 7, 0.5, 0.5));
  EXPECT_FALSE(r.offer(7, 7, 0.5, 0.4));
  EXPECT_DOUBLE_EQ(r.lr(), 0.3);
  // Taken, correct prediction: excitatory class raises the rate.
  EXPECT_TRUE(r.offer(9, 9, 0.5, 0.6));
  EXPECT_DOUBLE_EQ(r.lr(), 0.3 * 1.1);
  // Taken on a wrong prediction (predicted excitatory 6, truly inhibitory 1): the rate
  // falls, against what the learner expected.
  EXPECT_TRUE(r.offer(6, 1, 0.5, 0.6));
  EXPECT_NEAR(r.lr(), 0.3, 1e-15);
  EXPECT_EQ(r.offers(), 4);
  EXPECT_EQ(r.taken(), 2);
  // A long sequence: eta = eta0 rho^(n_exc - n_inh) over the taken items only.
  std::mt19937 gen(3);
  int net = 0;
  for (int k = 0; k < 500; ++k) {
    const int truth = int(gen() % 10), pred = int(gen() % 10);
    const bool better = gen() % 3 == 0;
    if (r.offer(pred, truth, 0.0, better ? 1.0 : 0.0)) net += truth >= 5 ? 1 : -1;
  }
  EXPECT_NEAR(r.lr(), 0.3 * std::pow(1.1, net), 1e-12 * r.lr());
}

TEST(homeostatic, viable_fraction_counts_offers_inside_the_band) {
  homeostatic_params p;
  p.eta0 = 1.0;
  p.rho = 2.0;
  p.band_lo = 0.1;
  p.band_hi = 10.0;
  p.guard_band = false;
  homeostatic_lr r(p);
  EXPECT_DOUBLE_EQ(r.viable_fraction(), 1.0);
  // Unguarded, always taking excitatory items: eta = 2^k, inside the band for k = 1, 2,
  // 3 (2, 4, 8), outside from k = 4 (16) on: 3 of 10 offers viable.
  for (int k = 0; k < 10; ++k) r.offer(8, 8, 0, 1);
  EXPECT_FALSE(r.viable());
  EXPECT_DOUBLE_EQ(r.viable_fraction(), 0.3);
  // Guarded: a correctly predicted item that would leave the band is declined, so eta
  // stops at 8 and every offer is viable ...
  p.guard_band = true;
  homeostatic_lr g(p);
  for (int k = 0; k < 10; ++k) g.offer(8, 8, 0, 1);
  EXPECT_DOUBLE_EQ(g.lr(), 8.0);
  EXPECT_EQ(g.taken(), 3);
  EXPECT_DOUBLE_EQ(g.viable_fraction(), 1.0);
  // ... but a misclassified one still can push it out (predicted 1: 8 -> 4 expected;
  // truly 8: 8 -> 16).
  EXPECT_TRUE(g.offer(1, 8, 0, 1));
  EXPECT_DOUBLE_EQ(g.lr(), 16.0);
  EXPECT_FALSE(g.viable());
  // Outside the band, need overrides the scores: an item predicted to lower eta is
  // taken even though it scores worse; one predicted to raise it is declined even
  // though it scores better.
  EXPECT_FALSE(g.offer(9, 9, 0, 1));
  EXPECT_DOUBLE_EQ(g.lr(), 16.0);
  EXPECT_TRUE(g.offer(2, 2, 1, 0));
  EXPECT_DOUBLE_EQ(g.lr(), 8.0);
  EXPECT_TRUE(g.viable());
}

TEST(homeostatic, closed_loop_regulation_settles_at_the_best_rate) {
  // Score peaked at eta* (a stand-in for "accuracy after the update"): the learner
  // takes an item only when its predicted effect moves eta towards eta*. With every
  // prediction right, eta ends within one factor rho of eta*; with 20% of the
  // predictions wrong it still hovers there (the wrong moves are undone).
  for (double p_wrong : {0.0, 0.2}) {
    homeostatic_params p;
    p.eta0 = 0.05;
    p.rho = 1.1;
    p.band_lo = 0.01;
    p.band_hi = 10;
    homeostatic_lr r(p);
    const double eta_star = 1.5;
    auto score = [&](double eta) { return -std::abs(std::log(eta / eta_star)); };
    std::mt19937 gen(7);
    std::uniform_real_distribution<double> u(0, 1);
    double mean_log_err = 0;
    const int n = 4000;
    for (int k = 0; k < n; ++k) {
      const int truth = int(gen() % 10);
      const int pred = u(gen) < p_wrong ? (truth + 5) % 10 : truth;
      r.offer(pred, truth, score(r.lr()), score(r.proposal(pred)));
      if (k >= n / 2) mean_log_err += std::abs(std::log(r.lr() / eta_star)) / (n / 2);
    }
    EXPECT_LE(mean_log_err, std::log(p.rho)) << "p_wrong = " << p_wrong;
  }
}

TEST(homeostatic, bad_parameters_and_inputs_are_rejected) {
  homeostatic_params p;
  p.rho = 1.0;
  EXPECT_THROW(homeostatic_lr{p}, hebb::Error);
  p = {};
  p.eta0 = 0;
  EXPECT_THROW(homeostatic_lr{p}, hebb::Error);
  p = {};
  p.eta0 = 5.0;  // outside the default band [0.03, 3]
  EXPECT_THROW(homeostatic_lr{p}, hebb::Error);
  p = {};
  p.band_hi = 0.01;
  EXPECT_THROW(homeostatic_lr{p}, hebb::Error);
  homeostatic_lr r(homeostatic_params{});
  EXPECT_THROW(r.offer(-1, 3, 0, 1), hebb::Error);
  EXPECT_THROW(r.offer(1, 3, std::nan(""), 1), hebb::Error);
  EXPECT_THROW(r.proposal(-2), hebb::Error);
}
