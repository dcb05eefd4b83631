// HLOP. Oracle: a planted top-k subspace (orthonormal U) in synthetic data; the
// learned rows must be orthonormal and span it (principal angles from the SVD of
// Q^T U, Q an orthonormal basis of the rows).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include <ATen/ATen.h>

#include <hebb/learn/hlop.hpp>

using namespace hebb::learn;

namespace {
struct planted {
  at::Tensor U, X;
};
planted make(int64_t n, int64_t k, int64_t S, uint64_t seed, const at::Tensor& avoid = {}) {
  auto gen = at::detail::createCPUGenerator(seed);
  auto A = at::randn({n, k}, gen, at::kDouble);
  if (avoid.defined()) A = A - at::matmul(avoid, at::matmul(avoid.t(), A));
  auto U = std::get<0>(at::linalg_qr(A));  // [n, k] orthonormal
  auto sd = at::linspace(2.0, 1.0, k, at::kDouble);
  auto Z = at::randn({S, k}, gen, at::kDouble) * sd;
  auto X = at::matmul(Z, U.t()) + 0.02 * at::randn({S, n}, gen, at::kDouble);
  return {U, X};
}
double largest_angle_deg(const at::Tensor& H, const at::Tensor& U) {
  auto Q = std::get<0>(at::linalg_qr(H.t()));
  auto s = at::linalg_svdvals(at::matmul(Q.t(), U));
  return std::acos(std::min(1.0, s.min().item<double>())) * 180 / std::numbers::pi;
}
}  // namespace

TEST(hlop, learns_an_orthonormal_basis_of_the_planted_subspace) {
  const int64_t n = 20, k = 4;
  auto d = make(n, k, 2000, 11);
  hlop h({n, 0.02, 0.9, 0.1}, 3);
  h.add_block(k);
  h.fit(d.X, 10, 20);
  auto H = h.weight();
  const double orth = (at::matmul(H, H.t()) - at::eye(k, at::kDouble)).norm().item<double>();
  const double ang = largest_angle_deg(H, d.U);
  EXPECT_LT(orth, 0.05);
  EXPECT_LT(ang, 5.0);
  // projected gradients lose their component in the subspace: (G P) U ~ 0
  auto G = at::randn({7, n}, at::kDouble);
  auto Gp = h.project(G);
  EXPECT_LT(at::matmul(Gp, d.U).abs().max().item<double>(), 0.05 * at::matmul(G, d.U).abs().max().item<double>());
  // and a random init does not span it (the check can fail)
  hlop fresh({n, 0.02, 0.9, 0.1}, 3);
  fresh.add_block(k);
  EXPECT_GT(largest_angle_deg(fresh.weight(), d.U), 30.0);
}

TEST(hlop, frozen_blocks_stay_fixed_and_new_blocks_learn_the_new_directions) {
  const int64_t n = 16;
  auto a = make(n, 3, 1500, 21);
  hlop h({n, 0.02, 0.9, 0.1}, 4);
  h.add_block(3);
  h.fit(a.X, 8, 20);
  auto old = h.weight().clone();
  auto b = make(n, 2, 1500, 22, a.U);  // a second task in directions orthogonal to the first
  auto both = at::cat({a.X.narrow(0, 0, 750), b.X.narrow(0, 0, 750)}, 0);
  h.add_block(2);
  EXPECT_EQ(h.frozen_rows(), 3);
  h.fit(b.X, 8, 20);
  EXPECT_TRUE(at::equal(h.weight().narrow(0, 0, 3), old));
  auto H = h.weight();
  EXPECT_LT((at::matmul(H, H.t()) - at::eye(5, at::kDouble)).norm().item<double>(), 0.05);
  EXPECT_LT(largest_angle_deg(H, at::cat({a.U, b.U}, 1)), 5.0);
}

TEST(hlop, errors_name_the_shape) {
  hlop h({5, 0.01, 0.9, 0.1}, 1);
  EXPECT_THROW(h.hebbian_update(at::zeros({2, 5}, at::kDouble)), hebb::Error);  // no block yet
  h.add_block(2);
  try {
    h.hebbian_update(at::zeros({2, 4}, at::kDouble));
    FAIL();
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected [B, 5]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(h.add_block(4), hebb::Error);  // 2 + 4 > 5
}
