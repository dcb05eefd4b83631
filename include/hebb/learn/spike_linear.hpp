#pragma once
// A linear layer for sparse (spike) inputs: y = x W^T + b computed from the nonzero
// entries of x only,
//   y[r, :] = b + sum_{i: x[r,i] != 0} x[r,i] W[:, i]         forward
//   dW[:, i] = sum_{r: x[r,i] != 0} x[r,i] dy[r, :]           backward (weights)
//   dx = dy W                                                 backward (input, dense)
// so the forward product and the weight gradient cost O(nnz(x) * out) instead of
// O(rows * in * out). Exact (same sums, another order); worth it when the fraction of
// nonzero inputs is small (spike trains: a few percent per step).
#include <ATen/ATen.h>

namespace hebb::learn {

// x: [R, I], weight: [O, I], bias: [O] or undefined. Differentiable in x, weight, bias.
at::Tensor spike_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

}  // namespace hebb::learn
