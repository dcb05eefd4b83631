// Sparse-input linear layer and its building blocks. Oracles: ATen's dense products on
// the same matrices (at::linear, G^T X, G W) and at::nonzero; bit-identity across
// thread counts.
#include <gtest/gtest.h>

#include <limits>

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <hebb/core/error.hpp>
#include <hebb/learn/spike_linear.hpp>

using namespace hebb::learn;

namespace {
// Bernoulli(p) spikes [R, I]; graded = true: the nonzeros are normal values instead of 1.
at::Tensor spikes(std::int64_t R, std::int64_t I, double p, at::ScalarType type, bool graded,
                  std::uint64_t seed) {
  auto g = at::detail::createCPUGenerator(seed);
  auto mask = (at::rand({R, I}, g, at::kDouble) < p).to(type);
  return graded ? mask * at::randn({R, I}, g, type) : mask;
}

double rel_err(const at::Tensor& a, const at::Tensor& b) {
  return (a - b).norm().item<double>() / std::max(1e-30, b.norm().item<double>());
}
}  // namespace

TEST(spike_linear, equals_the_dense_product_with_gradients_at_every_density_and_shape) {
  // O = 300 exercises the 8-vector blocks, single vectors and the scalar tail; I = 53 the
  // scan tail; density 0.5 the dense fallback (above spike_linear_dense_crossover).
  int checked = 0;
  for (auto type : {at::kFloat, at::kDouble})
    for (double p : {0.0, 0.02, 0.1, 0.25, 0.5})
      for (bool graded : {false, true})
        for (bool with_bias : {true, false}) {
          const std::int64_t R = 97, I = 53, O = 300;
          auto g = at::detail::createCPUGenerator(checked + 1);
          auto x = spikes(R, I, p, type, graded, checked + 100).requires_grad_();
          auto w = at::randn({O, I}, g, type).requires_grad_();
          auto b = with_bias ? at::randn({O}, g, type).requires_grad_() : at::Tensor();
          auto dy = at::randn({R, O}, g, type);
          auto y = spike_linear(x, w, b);
          auto ref = torch::nn::functional::linear(x, w, b);
          const double tol = type == at::kFloat ? 1e-5 : 1e-12;
          EXPECT_LE(rel_err(y, ref), tol) << "p=" << p << " graded=" << graded;
          std::vector<at::Tensor> wrt = {x, w};
          if (with_bias) wrt.push_back(b);
          auto gs = torch::autograd::grad({(y * dy).sum()}, wrt);
          auto gr = torch::autograd::grad({(ref * dy).sum()}, wrt);
          for (std::size_t k = 0; k < gs.size(); ++k)
            EXPECT_LE(rel_err(gs[k], gr[k]), tol) << "grad " << k << " p=" << p;
          ++checked;
        }
  EXPECT_EQ(checked, 40);
}

TEST(spike_linear, bit_identical_for_one_and_two_threads) {
  auto x = spikes(640, 700, 0.05, at::kFloat, false, 3).requires_grad_();
  auto w = at::randn({256, 700}).requires_grad_();
  auto b = at::randn({256}).requires_grad_();
  auto dy = at::randn({640, 256});
  auto run = [&](int threads) {
    at::set_num_threads(threads);
    auto y = spike_linear(x, w, b);
    auto g = torch::autograd::grad({(y * dy).sum()}, {x, w, b});
    return std::vector<at::Tensor>{y.detach(), g[0], g[1], g[2]};
  };
  const int threads = at::get_num_threads();
  auto one = run(1), two = run(2);
  at::set_num_threads(threads);
  for (std::size_t k = 0; k < one.size(); ++k) EXPECT_TRUE(at::equal(one[k], two[k])) << k;
}

TEST(spike_linear, nan_inputs_propagate_like_the_dense_product) {
  auto x = at::zeros({3, 20});
  x[1][7] = std::numeric_limits<float>::quiet_NaN();
  auto w = at::randn({5, 20});
  auto y = spike_linear(x, w, at::Tensor());
  EXPECT_TRUE(at::isnan(y[1]).all().item<bool>());
  EXPECT_FALSE(at::isnan(y[0]).any().item<bool>());
}

TEST(spike_linear, nonzero_rows_lists_exactly_the_nonzeros_and_blocks_compute_partial_products) {
  auto x = spikes(300, 41, 0.1, at::kFloat, true, 9);
  auto rows = nonzero_rows(x);
  auto nz = at::nonzero(x);  // [nnz, 2] (row, col) in row-major order: the oracle
  ASSERT_EQ(rows.col.numel(), nz.size(0));
  EXPECT_TRUE(at::equal(rows.col.to(at::kLong), nz.select(1, 1)));
  EXPECT_TRUE(at::equal(rows.val, x.index({nz.select(1, 0), nz.select(1, 1)})));
  EXPECT_TRUE(at::equal(rows.ptr.slice(0, 1), at::cumsum((x != 0).sum(1), 0)));
  EXPECT_NEAR(rows.density(), static_cast<double>(nz.size(0)) / (300.0 * 41.0), 1e-12);
  // the first 200 rows only (as the DCLS layer uses them, shifted by a delay)
  auto wt = at::randn({41, 19});
  auto y = at::randn({200, 19});
  auto y0 = y.clone();
  sparse_rows_matmul_add(rows, wt, y);
  EXPECT_LE(rel_err(y, y0 + at::mm(x.slice(0, 0, 200), wt)), 1e-5);
  auto g = at::randn({200, 19});
  auto gwt = at::zeros({41, 19});
  sparse_rows_grad_add(rows, g, gwt);
  EXPECT_LE(rel_err(gwt, at::mm(x.slice(0, 0, 200).t(), g)), 1e-5);
  auto too_long = at::zeros({301, 19});  // more rows than x
  EXPECT_THROW(sparse_rows_matmul_add(rows, wt, too_long), hebb::Error);
}
