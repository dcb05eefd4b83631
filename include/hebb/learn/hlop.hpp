#pragma once
// Hebbian learning based orthogonal projection (HLOP; Xiao, Meng, Zhang, Zhou & Lin,
// ICLR 2024; reference code pkuxmq/HLOP-SNN, modules/hlop_module.py).
//
// Lateral neurons y = H x (H: [k, n], rows = learned subspace) learn the principal
// subspace of the presynaptic activity x with the Hebbian/anti-Hebbian subspace rule
// (Oja 1989):
//   dH = eta * y (x - H^T y)^T                (averaged over the batch)
// applied with momentum 0.9. After each task a new block of rows is added and the
// old ones are frozen (they still take part in y and in H^T y, so the new rows learn
// the part of the subspace the old ones do not span). A layer's weight update is
// projected onto the orthogonal complement of the learned subspace,
//   G <- G - (G H^T) H    (= G (I - H^T H); with orthonormal rows, x~ = x - H^T H x),
// so learning a new task leaves the responses to old inputs (nearly) unchanged.
// Usable around any linear layer: hand its weight gradient to project().
#include <cstdint>

#include <ATen/ATen.h>

#include <hebb/core/error.hpp>

namespace hebb::learn {

struct hlop_params {
  std::int64_t n = 1;       // presynaptic dimension
  double lr = 0.01;         // Hebbian rate eta [1]
  double momentum = 0.9;    // momentum of the Hebbian update [1]
  double init_scale = 0.1;  // new rows drawn uniform(+-init_scale/sqrt(n))
  void validate() const;
};

class hlop {
public:
  hlop(const hlop_params& p, std::uint64_t seed);

  // Adds k new learnable rows and freezes the existing ones.
  void add_block(std::int64_t k);
  // One Hebbian step of the learnable rows on x: [B, n] (or [n]).
  void hebbian_update(const at::Tensor& x);
  // Several passes over x [S, n] in batches; returns nothing, updates H.
  void fit(const at::Tensor& x, std::int64_t epochs, std::int64_t batch);
  // G - (G H^T) H for a gradient G: [m, n].
  at::Tensor project(const at::Tensor& grad) const;
  // x - H^T H x for x: [B, n].
  at::Tensor project_input(const at::Tensor& x) const;

  const at::Tensor& weight() const { return H_; }  // [k_total, n] (double)
  void set_weight(const at::Tensor& H, std::int64_t frozen);
  std::int64_t frozen_rows() const { return frozen_; }
  std::int64_t rows() const { return H_.size(0); }
  const hlop_params& params() const { return p_; }

private:
  hlop_params p_;
  std::uint64_t seed_;
  std::int64_t frozen_ = 0, blocks_ = 0;
  at::Tensor H_, buf_;
};

}  // namespace hebb::learn
