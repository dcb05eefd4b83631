// ELM neuron. Oracles: the parameter-count formula of SYSTEMS.md section 14 (with the
// README figures 4601 / 5852 / 54002) and m_t = kappa_m^t m_0 when the MLP is zero.
#include <gtest/gtest.h>

#include <cmath>

#include <ATen/ATen.h>

#include <hebb/learn/elm.hpp>

using namespace hebb::learn;

TEST(elm, branch_elm_parameter_count_matches_the_neuronio_formula) {
  for (auto [d, expect] : {std::pair<int64_t, int64_t>{1, 4601}, {10, 5852}, {100, 54002}}) {
    elm_params p;
    p.n_syn = 4500;
    p.n_branch = 45;
    p.d_m = d;
    p.n_out = 2;
    const int64_t formula = 4500 + (45 + d) * (2 * d) + 2 * d + 2 * d * d + d + 2 * d + 2;
    EXPECT_EQ(formula, expect);
    EXPECT_EQ(p.parameter_count(), expect) << "d_m = " << d;
    auto w = elm_init(p, 1);
    const int64_t counted = w.w_syn_raw.numel() + w.w1.numel() + w.b1.numel() + w.w2.numel() +
                            w.b2.numel() + w.wy.numel() + w.by.numel();
    EXPECT_EQ(counted, expect);
  }
}

TEST(elm, with_the_mlp_zeroed_memory_decays_as_kappa_to_the_t) {
  elm_params p;
  p.n_syn = 3;
  p.d_m = 6;
  p.n_out = 1;
  auto w = elm_init(p, 2, at::kDouble);
  for (auto* t : {&w.w1, &w.b1, &w.w2, &w.b2}) t->zero_();
  auto m0 = at::randn({2, 6}, at::kDouble);
  auto x = at::randn({40, 2, 3}, at::kDouble);
  auto r = elm_forward(x, w, p, m0);
  for (int64_t t = 0; t < 40; ++t) {
    auto expect = at::pow(w.kappa_m, static_cast<double>(t + 1)) * m0;
    EXPECT_TRUE(at::allclose(r[1][t], expect, 1e-12, 1e-300)) << "t = " << t;
  }
  // tau_m log-spaced over [1, 1000]
  EXPECT_NEAR(-1.0 / std::log(w.kappa_m[0].item<double>()), 1.0, 1e-9);
  EXPECT_NEAR(-1.0 / std::log(w.kappa_m[5].item<double>()), 1000.0, 1e-6);
}

TEST(elm, same_seed_same_weights_and_bad_shapes_are_errors) {
  elm_params p;
  p.n_syn = 4;
  p.d_m = 3;
  auto a = elm_init(p, 7), b = elm_init(p, 7), c = elm_init(p, 8);
  EXPECT_TRUE(at::equal(a.w1, b.w1));
  EXPECT_FALSE(at::equal(a.w1, c.w1));
  try {
    elm_forward(at::zeros({5, 2, 3}), a, p);
    FAIL();
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected [T, B, 4]"), std::string::npos) << e.what();
  }
  p.n_branch = 3;
  EXPECT_THROW(p.validate(), hebb::Error);  // 4 synapses do not split into 3 branches
}
