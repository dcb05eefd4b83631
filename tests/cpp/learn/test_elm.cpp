// ELM neuron. Oracles: the parameter-count formula of SYSTEMS.md section 14 (with the
// README figures 4601 / 5852 / 54002) and m_t = kappa_m^t m_0 when the MLP is zero.
#include <gtest/gtest.h>

#include <cmath>

#include <ATen/ATen.h>
#include <torch/torch.h>

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

TEST(elm, fused_recurrence_gradients_equal_a_step_by_step_autograd_loop) {
  // Oracle: the equations of elm.hpp step by step with ATen ops and autograd, including
  // the gradients of the initial memory and of the (usually fixed) time constants.
  elm_params p;
  p.n_syn = 6;
  p.n_branch = 3;
  p.d_m = 5;
  p.n_out = 2;
  auto w = elm_init(p, 4, at::kDouble);
  for (auto* t : {&w.w_syn_raw, &w.w1, &w.b1, &w.w2, &w.b2, &w.wy, &w.by, &w.kappa_s, &w.kappa_m})
    t->requires_grad_();
  auto g = at::detail::createCPUGenerator(5);
  auto x = at::randn({30, 4, 6}, g, at::kDouble).requires_grad_();
  auto m0 = at::randn({4, 5}, g, at::kDouble).requires_grad_();
  auto r = elm_forward(x, w, p, m0);
  auto s = at::zeros({4, 6}, at::kDouble);
  auto m = m0;
  std::vector<at::Tensor> ys;
  for (int64_t t = 0; t < 30; ++t) {
    s = w.kappa_s * s + at::relu(w.w_syn_raw) * x[t];
    auto syn = s.view({4, 3, 2}).sum(-1);
    auto h = at::relu(at::matmul(at::cat({syn, w.kappa_m * m}, 1), w.w1.t()) + w.b1);
    auto dm = 1.7159 * at::tanh(2.0 / 3.0 * (at::matmul(h, w.w2.t()) + w.b2));
    m = w.kappa_m * m + 5.0 * (1 - w.kappa_m) * dm;
    ys.push_back(at::matmul(m, w.wy.t()) + w.by);
  }
  auto ref = at::stack(ys);
  EXPECT_LT((r[0] - ref).abs().max().item<double>(), 1e-12);
  auto dy = at::randn({30, 4, 2}, g, at::kDouble);
  std::vector<at::Tensor> wrt = {x, m0, w.w_syn_raw, w.w1, w.b1, w.w2, w.b2, w.wy, w.by,
                                 w.kappa_s, w.kappa_m};
  auto ga = torch::autograd::grad({(r[0] * dy).sum()}, wrt);
  auto gb = torch::autograd::grad({(ref * dy).sum()}, wrt);
  for (std::size_t k = 0; k < wrt.size(); ++k)
    EXPECT_LT((ga[k] - gb[k]).norm().item<double>(), 1e-10 * gb[k].norm().item<double>())
        << "gradient " << k;
}
