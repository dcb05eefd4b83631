// DCLS delays. Oracles: an explicit integer shift written here; the schedule formula;
// the model-file fragment written out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include <ATen/ATen.h>

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
