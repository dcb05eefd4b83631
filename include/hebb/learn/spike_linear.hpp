#pragma once
// A linear layer for sparse (spike) inputs: y = x W^T + b computed from the nonzero
// entries of x only,
//   y[r, :] = b + sum_{i: x[r,i] != 0} x[r,i] W[:, i]         forward
//   dW[:, i] = sum_{r: x[r,i] != 0} x[r,i] dy[r, :]           backward (weights)
//   dx = dy W                                                 backward (input, dense)
// so the forward product and the weight gradient cost O(nnz(x) * out) instead of
// O(rows * in * out). Exact (the same sums in another order); worth it when the
// fraction of nonzero inputs is small (spike trains: a few percent per step). The
// layer measures that fraction while it lists the nonzeros and uses the dense products
// above spike_linear_dense_crossover, so it is safe on any input.
//
// The building blocks (nonzero_rows, sparse_rows_matmul_add, sparse_rows_grad_add) are
// public for other layers with spike inputs (the DCLS delay layer, dcls.hpp).
#include <cstdint>
#include <memory>

#include <ATen/ATen.h>

namespace hebb::learn {

// Fraction of nonzero inputs above which the dense products are used (the sparse ones
// stop paying off near there on the development machine: docs/benchmarks_learn.md).
inline constexpr double spike_linear_dense_crossover = 0.3;

// x: [R, I], weight: [O, I], bias: [O] or undefined. Differentiable in x, weight, bias.
// Deterministic: the result depends on x, weight and bias only (not on the thread count).
at::Tensor spike_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

struct sparse_rows_blocks;  // the nonzeros regrouped for the weight gradient (internal)

// The nonzero entries of an [R, I] matrix listed by row (CSR).
struct sparse_rows {
  at::Tensor ptr;  // [R + 1] int64: row r holds entries ptr[r] .. ptr[r + 1] - 1
  at::Tensor col;  // [nnz] int32 column indices, ascending within a row
  at::Tensor val;  // [nnz] the values (dtype of the matrix)
  std::int64_t rows = 0, cols = 0;
  mutable std::shared_ptr<sparse_rows_blocks> blocks;  // built by sparse_rows_grad_add
  double density() const;  // nnz / (R I)
};

// x: [R, I] float or double on the CPU (NaN counts as nonzero).
sparse_rows nonzero_rows(const at::Tensor& x);

// y[r, :] += sum_{i: x[r,i] != 0} x[r,i] wt[i, :] for the first y.size(0) rows of x.
// wt: [I, O]; y: [R', O] with R' <= R; both contiguous, the dtype of x.
void sparse_rows_matmul_add(const sparse_rows& x, const at::Tensor& wt, at::Tensor& y);

// gwt[i, :] += sum_{r < g.size(0): x[r,i] != 0} x[r,i] g[r, :], every entry summed in row
// order. g: [R', O] with R' <= R; gwt: [I, O]; both contiguous, the dtype of x.
void sparse_rows_grad_add(const sparse_rows& x, const at::Tensor& g, at::Tensor& gwt);

}  // namespace hebb::learn
