// Sparse-input linear layer (equations in include/hebb/learn/spike_linear.hpp).
// Rows are split across threads in the forward pass; in the backward pass the output
// columns are, so every weight-gradient entry is summed by one thread in row order
// (deterministic for any thread count).
#include <hebb/learn/spike_linear.hpp>

#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/csrc/autograd/custom_function.h>

#include <hebb/core/error.hpp>

namespace hebb::learn {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// CSR of the nonzeros of x: row pointers [R+1], column indices and values.
template <class S>
void to_csr(const S* x, std::int64_t R, std::int64_t I, std::vector<std::int64_t>& ptr,
            std::vector<std::int32_t>& col, std::vector<S>& val) {
  ptr.assign(R + 1, 0);
  for (std::int64_t r = 0; r < R; ++r) {
    const S* row = x + r * I;
    for (std::int64_t i = 0; i < I; ++i)
      if (row[i] != S(0)) {
        col.push_back(static_cast<std::int32_t>(i));
        val.push_back(row[i]);
      }
    ptr[r + 1] = static_cast<std::int64_t>(col.size());
  }
}

struct spike_linear_fn : public torch::autograd::Function<spike_linear_fn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight,
                            const at::Tensor& bias) {
    auto xc = x.contiguous();
    auto wt = weight.t().contiguous();  // [I, O]: one input's weights are contiguous
    const std::int64_t R = xc.size(0), I = xc.size(1), O = wt.size(1);
    auto y = bias.defined() ? bias.unsqueeze(0).expand({R, O}).contiguous()
                            : at::zeros({R, O}, x.options());
    auto ptr_t = at::empty({R + 1}, at::kLong);
    at::Tensor col_t, val_t;
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "spike_linear_forward", [&] {
      std::vector<std::int64_t> ptr;
      std::vector<std::int32_t> col;
      std::vector<scalar_t> val;
      to_csr(xc.data_ptr<scalar_t>(), R, I, ptr, col, val);
      const scalar_t* __restrict W = wt.data_ptr<scalar_t>();
      scalar_t* __restrict Y = y.data_ptr<scalar_t>();
      const std::int64_t* __restrict P = ptr.data();
      const std::int32_t* __restrict C = col.data();
      const scalar_t* __restrict V = val.data();
      at::parallel_for(0, R, 64, [&](std::int64_t r0, std::int64_t r1) {
        for (std::int64_t r = r0; r < r1; ++r) {
          scalar_t* __restrict yr = Y + r * O;
          const std::int64_t k0 = P[r], k1 = P[r + 1];
          for (std::int64_t k = k0; k < k1; ++k) {
            const scalar_t v = V[k];
            const scalar_t* __restrict w = W + static_cast<std::int64_t>(C[k]) * O;
            _Pragma("GCC ivdep")
            for (std::int64_t o = 0; o < O; ++o) yr[o] += v * w[o];
          }
        }
      });
      std::copy(ptr.begin(), ptr.end(), ptr_t.data_ptr<std::int64_t>());
      col_t = at::from_blob(col.data(), {static_cast<std::int64_t>(col.size())}, at::kInt).clone();
      val_t = at::from_blob(val.data(), {static_cast<std::int64_t>(val.size())}, x.options()).clone();
    });
    ctx->save_for_backward({weight, ptr_t, col_t, val_t});
    ctx->saved_data["I"] = I;
    ctx->saved_data["has_bias"] = bias.defined();
    return y;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto s = ctx->get_saved_variables();
    const auto& weight = s[0];
    const auto& ptr_t = s[1];
    const auto& col_t = s[2];
    const auto& val_t = s[3];
    const std::int64_t I = ctx->saved_data["I"].toInt();
    auto g = grads[0].contiguous();
    const std::int64_t R = g.size(0), O = g.size(1);
    at::Tensor gx, gb;
    if (ctx->needs_input_grad(0)) gx = at::matmul(g, weight);
    if (ctx->saved_data["has_bias"].toBool()) gb = g.sum(0);
    auto gwt = at::zeros({I, O}, g.options());
    AT_DISPATCH_FLOATING_TYPES(g.scalar_type(), "spike_linear_backward", [&] {
      const std::int64_t* ptr = ptr_t.data_ptr<std::int64_t>();
      const std::int32_t* col = col_t.data_ptr<std::int32_t>();
      const scalar_t* val = val_t.data_ptr<scalar_t>();
      const scalar_t* G = g.data_ptr<scalar_t>();
      scalar_t* GW = gwt.data_ptr<scalar_t>();
      at::parallel_for(0, O, 64, [&](std::int64_t o0, std::int64_t o1) {
        for (std::int64_t r = 0; r < R; ++r) {
          const scalar_t* gr = G + r * O;
          for (std::int64_t k = ptr[r]; k < ptr[r + 1]; ++k) {
            scalar_t* gw = GW + static_cast<std::int64_t>(col[k]) * O;
            const scalar_t v = val[k];
            for (std::int64_t o = o0; o < o1; ++o) gw[o] += v * gr[o];
          }
        }
      });
    });
    return {gx, gwt.t(), gb};
  }
};

}  // namespace

at::Tensor spike_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  if (x.dim() != 2 || weight.dim() != 2 || x.size(1) != weight.size(1))
    throw Error("spike_linear: input has shape [{}] and weight [{}]; expected [R, I] and [O, I]",
                fmt::join(x.sizes(), ", "), fmt::join(weight.sizes(), ", "));
  if (bias.defined() && (bias.dim() != 1 || bias.size(0) != weight.size(0)))
    throw Error("spike_linear: bias has shape [{}]; expected [{}]", fmt::join(bias.sizes(), ", "),
                weight.size(0));
  if (x.scalar_type() != weight.scalar_type())
    throw Error("spike_linear: input and weight dtypes differ");
  return spike_linear_fn::apply(x, weight, bias);
}

}  // namespace hebb::learn
