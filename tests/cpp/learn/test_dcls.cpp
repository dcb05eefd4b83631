// DCLS delays. Oracles: an explicit integer shift written here; the schedule formula;
// the model-file fragment written out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include <ATen/ATen.h>
#include <torch/torch.h>

#include <hebb/learn/dcls.hpp>

using namespace hebb::learn;

namespace {
at::Tensor shift_reference(const at::Tensor& x, const at::Tensor& w, const at::Tensor& d) {
  const auto T = x.size(0), B = x.size(1), O = w.size(0), I = w.size(1);
  auto y = at::zeros({T, B, O}, x.options());
  auto xa = x.accessor<double, 3>();
  auto wa = w.accessor<double, 2>();
  auto da = d.accessor<double, 2>();
  auto ya = y.accessor<double, 3>();
  for (int64_t t = 0; t < T; ++t)
    for (int64_t b = 0; b < B; ++b)
      for (int64_t o = 0; o < O; ++o)
        for (int64_t i = 0; i < I; ++i) {
          const auto s = t - static_cast<int64_t>(da[o][i]);
          if (s >= 0) ya[t][b][o] += wa[o][i] * xa[s][b][i];
        }
  return y;
}
}  // namespace

TEST(dcls, sigma_to_zero_with_integer_positions_is_an_exact_delay_shift) {
  at::manual_seed(5);
  const int64_t K = 9;
  auto x = at::randn({30, 2, 4}, at::kDouble);
  auto w = at::randn({3, 4}, at::kDouble);
  auto d = at::randint(0, K, {3, 4}, at::kDouble);
  auto ref = shift_reference(x, w, d);
  auto y = dcls_forward(x, w, d, 1e-3, K);
  EXPECT_LT((y - ref).abs().max().item<double>(), 1e-6 * ref.abs().max().item<double>());
  // with sigma -> 0 the Gaussian is exactly one-hot in double: only the 1e-7 guard remains
  auto k = dcls_kernel(w, d, 1e-3, K);
  EXPECT_LT((k.sum(-1) - w).abs().max().item<double>(), 1e-6);
  EXPECT_TRUE(at::allclose(delay_forward(x, w, d), ref, 1e-12, 1e-12));
}

TEST(dcls, kernel_is_normalised_and_centred_on_the_position) {
  auto w = at::full({1, 1}, 2.0, at::kDouble);
  auto p = at::full({1, 1}, 12.3, at::kDouble);
  auto k = dcls_kernel(w, p, 2.0, 25);
  EXPECT_NEAR(k.sum().item<double>(), 2.0, 1e-6);
  const auto j = at::arange(25, at::kDouble);
  EXPECT_NEAR((k[0][0] * j).sum().item<double>() / 2.0, 12.3, 1e-3);  // mean = position
}

TEST(dcls, positions_beyond_the_kernel_and_bad_shapes_are_errors) {
  auto w = at::ones({2, 3}, at::kDouble);
  try {
    dcls_kernel(w, at::full({2, 3}, 30.0, at::kDouble), 1.0, 25);
    FAIL();
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("kernel_size = 25 holds delays 0..24"), std::string::npos)
        << e.what();
  }
  try {
    dcls_forward(at::zeros({5, 1, 4}, at::kDouble), w, at::zeros({2, 3}, at::kDouble), 1.0, 5);
    FAIL();
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("input has shape [5, 1, 4]; expected [T, B, 3]"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(dcls_kernel(w, at::zeros({3, 2}, at::kDouble), 1.0, 5), hebb::Error);
  EXPECT_THROW(dcls_kernel(w, at::zeros({2, 3}, at::kDouble), 0.0, 5), hebb::Error);
}

TEST(dcls, sigma_schedule_decays_exponentially_over_the_first_quarter) {
  EXPECT_DOUBLE_EQ(dcls_sigma(0, 100), 12.0);
  EXPECT_NEAR(dcls_sigma(25, 100), 0.23, 1e-12);
  EXPECT_NEAR(dcls_sigma(80, 100), 0.23, 1e-12);
  EXPECT_NEAR(dcls_sigma(10, 100), 12.0 * std::pow(0.23 / 12.0, 10.0 / 25.0), 1e-12);
}

TEST(dcls, export_gives_synapse_arrays_and_the_model_file_fragment) {
  auto w = at::tensor({0.5, 0.0, 0.2, -0.1}, at::kDouble).view({2, 2});
  auto p = at::tensor({1.2, 3.0, 0.6, 2.49}, at::kDouble).view({2, 2});
  auto e = export_delays(w, p, 0.1, 1, 0.0);
  ASSERT_EQ(e.sources.size(), 3u);  // the zero weight is left out
  EXPECT_EQ(e.sources, (std::vector<int64_t>{0, 0, 1}));
  EXPECT_EQ(e.targets, (std::vector<int64_t>{0, 1, 1}));
  EXPECT_EQ(e.delays_ms, (std::vector<double>{0.2, 0.2, 0.3}));  // (round(p) + 1) * dt
  const std::string toml = to_toml(e, "input", "hidden");
  EXPECT_NE(toml.find("[[projections]]\nfrom = \"input\"\nto = \"hidden\"\nreceptor = \"exc\"\n"
                      "connect = { rule = \"explicit\", sources = [0, 0, 1], targets = [0, 1, 1] }\n"
                      "synapse = { weight = [0.5, 0.2, -0.1], delay = [0.2, 0.2, 0.3] }\n"),
            std::string::npos)
      << toml;
}

TEST(dcls, spike_input_path_equals_the_explicit_delay_sum_with_gradients) {
  // Sparse (spike) input takes the sparse path, dense input the conv1d one. Oracle for
  // both: y_t = sum_j x_{t-j} k_j^T written here with one matmul per delay, and its
  // autograd gradients with respect to the input, the weights and the positions.
  auto g = at::detail::createCPUGenerator(21);
  const int64_t T = 40, B = 3, I = 37, O = 150, K = 9;
  for (double p : {0.05, 1.0}) {
    auto x = ((at::rand({T, B, I}, g, at::kDouble) < p).to(at::kDouble) *
              at::randn({T, B, I}, g, at::kDouble))
                 .requires_grad_();
    auto w = at::randn({O, I}, g, at::kDouble).requires_grad_();
    auto pos = (at::rand({O, I}, g, at::kDouble) * (K - 1)).requires_grad_();
    auto dy = at::randn({T, B, O}, g, at::kDouble);
    auto y = dcls_forward(x, w, pos, 1.5, K);
    auto k = dcls_kernel(w, pos, 1.5, K);
    auto ref = at::zeros({T, B, O}, at::kDouble);
    for (int64_t j = 0; j < K; ++j)
      ref = ref + at::constant_pad_nd(at::matmul(x, k.select(2, j).t()), {0, 0, 0, 0, j, 0})
                      .slice(0, 0, T);
    EXPECT_LT((y - ref).abs().max().item<double>(), 1e-12) << "p = " << p;
    auto gy = torch::autograd::grad({(y * dy).sum()}, {x, w, pos});
    auto gr = torch::autograd::grad({(ref * dy).sum()}, {x, w, pos});
    for (int k2 = 0; k2 < 3; ++k2)
      EXPECT_LT((gy[k2] - gr[k2]).norm().item<double>(), 1e-10 * gr[k2].norm().item<double>())
          << "gradient " << k2 << " p = " << p;
  }
}

TEST(dcls, fused_kernel_and_its_gradients_equal_the_tensor_formula) {
  // Oracle: the kernel written with ATen ops (autograd differentiates it), for a wide
  // and a narrow Gaussian, positions anywhere in [0, K - 1] including both ends.
  auto g = at::detail::createCPUGenerator(31);
  const int64_t O = 7, I = 9, K = 13;
  for (double sigma : {4.0, 0.23}) {
    auto w = at::randn({O, I}, g, at::kDouble).requires_grad_();
    auto pos = (at::rand({O, I}, g, at::kDouble) * (K - 1)).detach();
    pos[0][0] = 0.0;
    pos[1][1] = K - 1.0;
    pos.requires_grad_();
    auto j = at::arange(K, at::kDouble);
    auto d = (j.view({1, 1, K}) - pos.unsqueeze(-1)) / sigma;
    auto gg = at::exp(-0.5 * d * d);
    auto ref = w.unsqueeze(-1) * gg / (gg.sum(-1, true) + dcls_eps);
    auto k = dcls_kernel(w, pos, sigma, K);
    EXPECT_LT((k - ref).abs().max().item<double>(), 1e-13) << "sigma " << sigma;
    auto dk = at::randn({O, I, K}, g, at::kDouble);
    auto ga = torch::autograd::grad({(k * dk).sum()}, {w, pos});
    auto gb = torch::autograd::grad({(ref * dk).sum()}, {w, pos});
    for (int n = 0; n < 2; ++n)
      EXPECT_LT((ga[n] - gb[n]).abs().max().item<double>(), 1e-11 * (1 + gb[n].abs().max().item<double>()))
          << "gradient " << n << " sigma " << sigma;
  }
}
