// HLOP lateral subspace module (equations in include/hebb/learn/hlop.hpp).
#include <hebb/learn/hlop.hpp>

#include <cmath>

#include <fmt/format.h>

#include <hebb/core/rng.hpp>

namespace hebb::learn {

void hlop_params::validate() const {
  require(n >= 1, "hlop.n", static_cast<double>(n), ">= 1");
  require(lr > 0, "hlop.lr", lr, "> 0");
  require(momentum >= 0 && momentum < 1, "hlop.momentum", momentum, "in [0, 1)");
  require(init_scale > 0, "hlop.init_scale", init_scale, "> 0");
}

hlop::hlop(const hlop_params& p, std::uint64_t seed) : p_(p), seed_(seed) {
  p_.validate();
  H_ = at::zeros({0, p_.n}, at::kDouble);
  buf_ = at::zeros({0, p_.n}, at::kDouble);
}

void hlop::add_block(std::int64_t k) {
  require(k >= 1, "hlop.add_block.k", static_cast<double>(k), ">= 1");
  if (H_.size(0) + k > p_.n)
    throw Error("hlop.add_block: {} + {} rows exceed the dimension n = {}", H_.size(0), k, p_.n);
  auto fresh = at::empty({k, p_.n}, at::kDouble);
  double* f = fresh.data_ptr<double>();
  const double b = p_.init_scale / std::sqrt(static_cast<double>(p_.n));
  for (std::int64_t r = 0; r < k; ++r) {  // keyed by (seed, block, row): order-free
    counter_rng g(seed_, stream::learn, (static_cast<std::uint64_t>(blocks_) << 32) | r);
    for (std::int64_t c = 0; c < p_.n; ++c) f[r * p_.n + c] = g.uniform(-b, b);
  }
  frozen_ = H_.size(0);
  H_ = at::cat({H_, fresh}, 0);
  buf_ = at::zeros({k, p_.n}, at::kDouble);
  ++blocks_;
}

void hlop::hebbian_update(const at::Tensor& xin) {
  if (H_.size(0) == frozen_) throw Error("hlop: no learnable rows; call add_block first");
  auto x = xin.detach().to(at::kDouble);
  if (x.dim() == 1) x = x.unsqueeze(0);
  if (x.dim() != 2 || x.size(1) != p_.n)
    throw Error("hlop: input has shape [{}]; expected [B, {}]", fmt::join(xin.sizes(), ", "), p_.n);
  auto y = at::matmul(x, H_.t());                        // [B, k]
  auto resid = x - at::matmul(y, H_);                    // x - H^T y
  auto ynew = y.narrow(1, frozen_, H_.size(0) - frozen_);  // learnable rows only
  auto dH = at::matmul(ynew.t(), resid) / static_cast<double>(x.size(0));
  buf_ = p_.momentum * buf_ + dH;
  H_.narrow(0, frozen_, H_.size(0) - frozen_).add_(p_.lr * buf_);
}

void hlop::fit(const at::Tensor& x, std::int64_t epochs, std::int64_t batch) {
  require(batch >= 1, "hlop.fit.batch", static_cast<double>(batch), ">= 1");
  const auto S = x.size(0);
  for (std::int64_t e = 0; e < epochs; ++e)
    for (std::int64_t s = 0; s < S; s += batch) hebbian_update(x.narrow(0, s, std::min(batch, S - s)));
}

at::Tensor hlop::project(const at::Tensor& grad) const {
  if (grad.dim() != 2 || grad.size(1) != p_.n)
    throw Error("hlop.project: gradient has shape [{}]; expected [m, {}]",
                fmt::join(grad.sizes(), ", "), p_.n);
  auto H = H_.to(grad.scalar_type());
  return grad - at::matmul(at::matmul(grad, H.t()), H);
}

at::Tensor hlop::project_input(const at::Tensor& x) const {
  auto H = H_.to(x.scalar_type());
  return x - at::matmul(at::matmul(x, H.t()), H);
}

void hlop::set_weight(const at::Tensor& H, std::int64_t frozen) {
  if (H.dim() != 2 || H.size(1) != p_.n)
    throw Error("hlop.set_weight: shape [{}]; expected [k, {}]", fmt::join(H.sizes(), ", "), p_.n);
  require(frozen >= 0 && frozen <= H.size(0), "hlop.set_weight.frozen", static_cast<double>(frozen),
          "in [0, rows]");
  H_ = H.detach().to(at::kDouble).clone();
  frozen_ = frozen;
  buf_ = at::zeros({H_.size(0) - frozen_, p_.n}, at::kDouble);
}

}  // namespace hebb::learn
