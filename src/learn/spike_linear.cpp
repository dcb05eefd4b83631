// Sparse-input linear layer (equations in include/hebb/learn/spike_linear.hpp).
//
// Forward: one pass over x lists each row's nonzeros (CSR; AVX-512 compress on float
// inputs, a branch-free loop otherwise); each output row is then summed in registers,
// 512 bytes of outputs at a time, over its nonzero inputs' weight rows W^T[i, :],
// starting from the bias. Backward: the nonzeros are regrouped by (block of rows,
// input) with a counting sort, and dW^T[i, :] is accumulated in registers over the
// rows of one block (the block's dy rows stay in the L2 cache), blocks in order, so
// every entry is the sum over rows in row order, computed by one thread (threads
// split the output columns); dx = dy W dense (ATen); db = column sums of dy. Above
// spike_linear_dense_crossover the dense products (ATen) are used instead. Results
// depend only on the inputs, never on the thread count.
#include <hebb/learn/spike_linear.hpp>

#include <algorithm>
#include <limits>
#include <memory>
#include <bit>
#include <cstdint>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/csrc/autograd/custom_function.h>

#include <hebb/core/error.hpp>

namespace hebb::learn {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Nonzeros of x [R, I] by row. col and val keep 16 spare entries past the end so the
// vector scan may store whole registers.
// Appends the nonzeros of x[i0:I] at n; returns the new n. Branch-free: writes always,
// advances if nonzero (NaN counts as nonzero, as in a dense product).
template <class S>
std::int64_t scan_row_tail(const S* __restrict x, std::int64_t i0, std::int64_t I,
                           std::int32_t* __restrict col, S* __restrict val, std::int64_t n) {
  for (std::int64_t i = i0; i < I; ++i) {
    col[n] = static_cast<std::int32_t>(i);
    val[n] = x[i];
    n += x[i] != S(0) ? 1 : 0;
  }
  return n;
}

template <class S>
std::int64_t scan_row(const S* __restrict x, std::int64_t I, std::int32_t* __restrict col,
                      S* __restrict val, std::int64_t n) {
  return scan_row_tail(x, 0, I, col, val, n);
}

#if defined(__AVX512F__)
template <>
std::int64_t scan_row<float>(const float* __restrict x, std::int64_t I,
                             std::int32_t* __restrict col, float* __restrict val,
                             std::int64_t n) {
  const __m512 zero = _mm512_setzero_ps();
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  std::int64_t i = 0;
  for (; i + 16 <= I; i += 16) {
    const __m512 v = _mm512_loadu_ps(x + i);
    const __mmask16 nz = _mm512_cmp_ps_mask(v, zero, _CMP_NEQ_UQ);  // NaN counts as nonzero
    // compress in registers and store whole vectors (compress-to-memory and masked
    // loads are slow on some cores); the spare entries past n are overwritten later
    const __m512i at = _mm512_add_epi32(iota, _mm512_set1_epi32(static_cast<int>(i)));
    _mm512_storeu_si512(col + n, _mm512_maskz_compress_epi32(nz, at));
    _mm512_storeu_ps(val + n, _mm512_maskz_compress_ps(nz, v));
    n += std::popcount(static_cast<unsigned>(nz));
  }
  return scan_row_tail(x, i, I, col, val, n);
}
#endif

// Lists the nonzeros of x [R, I] by row, straight into the tensors that are kept for the
// backward pass. Their capacity starts at 1/16 of R I and, when it runs out, is set from
// the density seen so far; 16 spare entries past the end let the vector scan store
// whole registers. The result is a view of the first nnz entries.
template <class S>
sparse_rows to_csr(const S* x, std::int64_t R, std::int64_t I, at::ScalarType type) {
  sparse_rows out;
  out.rows = R;
  out.cols = I;
  out.ptr = at::empty({R + 1}, at::kLong);
  std::int64_t* ptr = out.ptr.data_ptr<std::int64_t>();
  ptr[0] = 0;
  std::int64_t cap = std::max<std::int64_t>(R * I / 16, I) + 16;
  auto col = at::empty({cap}, at::kInt);
  auto val = at::empty({cap}, at::TensorOptions().dtype(type));
  std::int64_t n = 0;
  for (std::int64_t r = 0; r < R; ++r) {
    if (n + I + 16 > cap) {
      const double per_row = static_cast<double>(n) / static_cast<double>(r);  // r >= 1 here
      const std::int64_t guess = static_cast<std::int64_t>(1.1 * per_row * static_cast<double>(R));
      cap = std::max({n + I + 16, 2 * cap, guess + I + 16});
      auto col2 = at::empty({cap}, at::kInt);
      auto val2 = at::empty({cap}, at::TensorOptions().dtype(type));
      std::copy_n(col.data_ptr<std::int32_t>(), n, col2.data_ptr<std::int32_t>());
      std::copy_n(val.data_ptr<S>(), n, val2.data_ptr<S>());
      col = col2;
      val = val2;
    }
    n = scan_row<S>(x + r * I, I, col.data_ptr<std::int32_t>(), val.data_ptr<S>(), n);
    ptr[r + 1] = n;
  }
  out.col = col.narrow(0, 0, n);
  out.val = val.narrow(0, 0, n);
  return out;
}

// 64-byte vectors (one AVX-512 register; two AVX2 ones) of S, loaded and stored
// unaligned.
template <class S>
struct vec64 {
  typedef S type __attribute__((vector_size(64)));
  static constexpr int lanes = 64 / static_cast<int>(sizeof(S));
  static type load(const S* p) {
    type v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
  }
  static void store(S* p, const type& v) { __builtin_memcpy(p, &v, sizeof v); }
};

// y[o0 : o0 + NV lanes] = y0 + sum_k val[k] Wt[col[k], o0 : ...], the sums in NV vector
// registers. y0 = nullptr: zero.
template <class S, int NV>
inline void row_block(const S* __restrict y0, const S* __restrict Wt, std::int64_t O,
                      std::int64_t o0, const std::int32_t* __restrict col,
                      const S* __restrict val, std::int64_t k0, std::int64_t k1,
                      S* __restrict y) {
  using V = vec64<S>;
  constexpr int L = V::lanes;
  typename V::type acc[NV];
  for (int j = 0; j < NV; ++j) acc[j] = y0 ? V::load(y0 + o0 + L * j) : typename V::type{};
  for (std::int64_t k = k0; k < k1; ++k) {
    const S v = val[k];
    const S* w = Wt + static_cast<std::int64_t>(col[k]) * O + o0;
    for (int j = 0; j < NV; ++j) acc[j] += v * V::load(w + L * j);
  }
  for (int j = 0; j < NV; ++j) V::store(y + o0 + L * j, acc[j]);
}

// Y[r, :] = init_r + sum_k val_k Wt[col_k, :] for r < R, init_r = Y[r, :] (accumulate),
// the bias, or zero.
template <class S>
void sparse_forward(const std::int64_t* P, const std::int32_t* col, const S* val, const S* Wt,
                    const S* bias, bool accumulate, std::int64_t R, std::int64_t O, S* Y) {
  constexpr int L = vec64<S>::lanes;
  at::parallel_for(0, R, 64, [&](std::int64_t r0, std::int64_t r1) {
    for (std::int64_t r = r0; r < r1; ++r) {
      S* y = Y + r * O;
      const S* y0 = accumulate ? y : bias;
      std::int64_t o = 0;
      for (; o + 8 * L <= O; o += 8 * L) row_block<S, 8>(y0, Wt, O, o, col, val, P[r], P[r + 1], y);
      for (; o + L <= O; o += L) row_block<S, 1>(y0, Wt, O, o, col, val, P[r], P[r + 1], y);
      for (; o < O; ++o) {
        S acc = y0 ? y0[o] : S(0);
        for (std::int64_t k = P[r]; k < P[r + 1]; ++k)
          acc += val[k] * Wt[static_cast<std::int64_t>(col[k]) * O + o];
        y[o] = acc;
      }
    }
  });
}

}  // namespace

// The nonzeros regrouped by (block of rows, input), rows ascending within a group; built
// once per sparse_rows and output width (cached in sparse_rows::blocks).
struct sparse_rows_blocks {
  std::int64_t rows_per_block = 1, blocks = 0, width = 0;
  std::vector<std::int64_t> start;  // [blocks * I + 1]: group (blk, i) = [start[g], start[g+1])
  std::vector<std::int32_t> row;
  at::Tensor val;
};

namespace {

template <class S>
std::shared_ptr<sparse_rows_blocks> to_csc_blocks(const sparse_rows& x, std::int64_t O) {
  auto c = std::make_shared<sparse_rows_blocks>();
  const std::int64_t R = x.rows, I = x.cols;
  const std::int64_t* P = x.ptr.data_ptr<std::int64_t>();
  const std::int32_t* col = x.col.data_ptr<std::int32_t>();
  const S* val = x.val.data_ptr<S>();
  // a block's dy rows fill about half of a 1 MiB L2 cache
  c->width = O;
  c->rows_per_block = std::max<std::int64_t>(
      16, (512 * 1024) / std::max<std::int64_t>(1, O * static_cast<std::int64_t>(sizeof(S))));
  c->blocks = (R + c->rows_per_block - 1) / c->rows_per_block;
  c->start.assign(static_cast<std::size_t>(c->blocks * I + 1), 0);
  const std::int64_t nnz = P[R];
  for (std::int64_t r = 0; r < R; ++r)
    for (std::int64_t k = P[r]; k < P[r + 1]; ++k) ++c->start[(r / c->rows_per_block) * I + col[k] + 1];
  for (std::size_t g = 1; g < c->start.size(); ++g) c->start[g] += c->start[g - 1];
  std::vector<std::int64_t> at(c->start.begin(), c->start.end() - 1);
  c->row.resize(static_cast<std::size_t>(nnz));
  c->val = at::empty({nnz}, x.val.options());
  S* v = c->val.data_ptr<S>();
  for (std::int64_t r = 0; r < R; ++r)
    for (std::int64_t k = P[r]; k < P[r + 1]; ++k) {
      const std::int64_t q = at[(r / c->rows_per_block) * I + col[k]]++;
      c->row[q] = static_cast<std::int32_t>(r);
      v[q] = val[k];
    }
  return c;
}

// GWt[i, o : o + NV lanes] += sum over the group's rows r of v_r G[r, o : ...].
template <class S, int NV>
inline void col_block(const sparse_rows_blocks& c, const S* __restrict v, const S* __restrict G,
                      std::int64_t O, std::int64_t o, std::int64_t q0, std::int64_t q1,
                      S* __restrict gw) {
  using V = vec64<S>;
  constexpr int L = V::lanes;
  typename V::type acc[NV];
  for (int j = 0; j < NV; ++j) acc[j] = V::load(gw + o + L * j);
  for (std::int64_t q = q0; q < q1; ++q) {
    const S a = v[q];
    const S* g = G + static_cast<std::int64_t>(c.row[q]) * O + o;
    for (int j = 0; j < NV; ++j) acc[j] += a * V::load(g + L * j);
  }
  for (int j = 0; j < NV; ++j) V::store(gw + o + L * j, acc[j]);
}

// GWt [I, O] += sum over the nonzeros (r, i) with r < R of x[r,i] G[r, :].
template <class S>
void sparse_weight_grad(const sparse_rows_blocks& c, std::int64_t I, const S* G, std::int64_t R,
                        std::int64_t O, S* GWt) {
  constexpr int L = vec64<S>::lanes;
  const S* v = c.val.data_ptr<S>();
  const std::int64_t blocks = std::min(c.blocks, (R + c.rows_per_block - 1) / c.rows_per_block);
  // threads split the output columns in whole vectors, so each entry has one owner
  const std::int64_t nvec = (O + L - 1) / L;
  at::parallel_for(0, nvec, 4, [&](std::int64_t v0, std::int64_t v1) {
    const std::int64_t o_begin = v0 * L, o_end = std::min(O, v1 * L);
    for (std::int64_t blk = 0; blk < blocks; ++blk) {
      const bool partial = (blk + 1) * c.rows_per_block > R;  // rows >= R are skipped
      for (std::int64_t i = 0; i < I; ++i) {
        const std::int64_t q0 = c.start[blk * I + i];
        std::int64_t q1 = c.start[blk * I + i + 1];
        if (partial)
          while (q1 > q0 && c.row[q1 - 1] >= R) --q1;
        if (q0 == q1) continue;
        S* gw = GWt + i * O;
        std::int64_t o = o_begin;
        for (; o + 8 * L <= o_end; o += 8 * L) col_block<S, 8>(c, v, G, O, o, q0, q1, gw);
        for (; o + L <= o_end; o += L) col_block<S, 1>(c, v, G, O, o, q0, q1, gw);
        for (; o < o_end; ++o) {
          S acc = gw[o];
          for (std::int64_t q = q0; q < q1; ++q) acc += v[q] * G[c.row[q] * O + o];
          gw[o] = acc;
        }
      }
    }
  });
}

void check_rows(const sparse_rows& x, const at::Tensor& t, const at::Tensor& out, const char* what) {
  if (!x.ptr.defined()) throw Error("{}: the sparse rows are empty (use nonzero_rows)", what);
  if (t.dim() != 2 || t.size(0) > x.rows || !t.is_contiguous() || out.dim() != 2 ||
      !out.is_contiguous() || t.scalar_type() != x.val.scalar_type() ||
      out.scalar_type() != x.val.scalar_type())
    throw Error("{}: operands must be contiguous 2-D tensors of the rows' dtype with at most {} rows",
                what, x.rows);
}

}  // namespace

double sparse_rows::density() const {
  return rows * cols > 0 ? static_cast<double>(col.numel()) / static_cast<double>(rows * cols) : 0.0;
}

sparse_rows nonzero_rows(const at::Tensor& x) {
  if (x.dim() != 2) throw Error("nonzero_rows: input has shape [{}]; expected [R, I]", fmt::join(x.sizes(), ", "));
  if (!x.device().is_cpu()) throw Error("nonzero_rows: input must be on the CPU");
  if (x.size(1) > std::numeric_limits<std::int32_t>::max())
    throw Error("nonzero_rows: {} columns exceed the int32 column index", x.size(1));
  auto xc = x.contiguous();
  sparse_rows out;
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "nonzero_rows", [&] {
    out = to_csr(xc.data_ptr<scalar_t>(), xc.size(0), xc.size(1), x.scalar_type());
  });
  return out;
}

void sparse_rows_matmul_add(const sparse_rows& x, const at::Tensor& wt, at::Tensor& y) {
  check_rows(x, y, wt, "sparse_rows_matmul_add");
  if (wt.size(0) != x.cols || wt.size(1) != y.size(1))
    throw Error("sparse_rows_matmul_add: weight [{}] and output [{}] do not fit {} inputs",
                fmt::join(wt.sizes(), ", "), fmt::join(y.sizes(), ", "), x.cols);
  AT_DISPATCH_FLOATING_TYPES(y.scalar_type(), "sparse_rows_matmul_add", [&] {
    sparse_forward<scalar_t>(x.ptr.data_ptr<std::int64_t>(), x.col.data_ptr<std::int32_t>(),
                             x.val.data_ptr<scalar_t>(), wt.data_ptr<scalar_t>(), nullptr, true,
                             y.size(0), y.size(1), y.data_ptr<scalar_t>());
  });
}

void sparse_rows_grad_add(const sparse_rows& x, const at::Tensor& g, at::Tensor& gwt) {
  check_rows(x, g, gwt, "sparse_rows_grad_add");
  if (gwt.size(0) != x.cols || gwt.size(1) != g.size(1))
    throw Error("sparse_rows_grad_add: gradient [{}] and output [{}] do not fit {} inputs",
                fmt::join(g.sizes(), ", "), fmt::join(gwt.sizes(), ", "), x.cols);
  AT_DISPATCH_FLOATING_TYPES(g.scalar_type(), "sparse_rows_grad_add", [&] {
    if (!x.blocks || x.blocks->width != g.size(1)) x.blocks = to_csc_blocks<scalar_t>(x, g.size(1));
    sparse_weight_grad<scalar_t>(*x.blocks, x.cols, g.data_ptr<scalar_t>(), g.size(0), g.size(1),
                                 gwt.data_ptr<scalar_t>());
  });
}

namespace {

struct spike_linear_fn : public torch::autograd::Function<spike_linear_fn> {
  // bias is a [0] placeholder when has_bias is false (autograd needs defined inputs)
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight,
                            const at::Tensor& bias_in, bool has_bias) {
    auto xc = x.contiguous();
    const std::int64_t R = xc.size(0), I = xc.size(1), O = weight.size(0);
    const at::Tensor bias = has_bias ? bias_in : at::Tensor();
    ctx->saved_data["I"] = I;
    ctx->saved_data["has_bias"] = has_bias;
    auto rows = nonzero_rows(xc);
    if (rows.density() > spike_linear_dense_crossover) {
      ctx->saved_data["dense"] = true;
      ctx->save_for_backward({weight, xc});
      return bias.defined() ? at::addmm(bias, xc, weight.t()) : at::mm(xc, weight.t());
    }
    ctx->saved_data["dense"] = false;
    auto wt = weight.t().contiguous();  // [I, O]: one input's weights are contiguous
    auto b = bias.defined() ? bias.contiguous() : at::Tensor();
    auto y = at::empty({R, O}, x.options());
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "spike_linear_forward", [&] {
      sparse_forward<scalar_t>(rows.ptr.data_ptr<std::int64_t>(), rows.col.data_ptr<std::int32_t>(),
                               rows.val.data_ptr<scalar_t>(), wt.data_ptr<scalar_t>(),
                               b.defined() ? b.data_ptr<scalar_t>() : nullptr, false, R, O,
                               y.data_ptr<scalar_t>());
    });
    ctx->save_for_backward({weight, rows.ptr, rows.col, rows.val});
    return y;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto s = ctx->get_saved_variables();
    const auto& weight = s[0];
    const std::int64_t I = ctx->saved_data["I"].toInt();
    auto g = grads[0].contiguous();
    const std::int64_t O = g.size(1);
    at::Tensor gx, gw, gb;
    if (ctx->needs_input_grad(0)) gx = at::mm(g, weight);
    if (ctx->needs_input_grad(2) && ctx->saved_data["has_bias"].toBool()) gb = g.sum(0);
    if (!ctx->needs_input_grad(1)) return {gx, gw, gb, at::Tensor()};
    if (ctx->saved_data["dense"].toBool()) return {gx, at::mm(g.t(), s[1]), gb, at::Tensor()};
    sparse_rows rows;
    rows.ptr = s[1];
    rows.col = s[2];
    rows.val = s[3];
    rows.rows = g.size(0);
    rows.cols = I;
    auto gwt = at::zeros({I, O}, g.options());
    sparse_rows_grad_add(rows, g, gwt);
    return {gx, gwt.t(), gb, at::Tensor()};
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
  if (bias.defined() && bias.scalar_type() != weight.scalar_type())
    throw Error("spike_linear: bias and weight dtypes differ");
  return spike_linear_fn::apply(x, weight, bias.defined() ? bias : at::empty({0}, weight.options()),
                                bias.defined());
}

}  // namespace hebb::learn
