// DCLS delay layer (equations in include/hebb/learn/dcls.hpp). The kernel is built
// with tensor operations so autograd differentiates it. The temporal sum is, for
// sparse (spike) input, K sparse products y_{t+j} += x_t k_j^T over the nonzero inputs
// (spike_linear.hpp) with the matching sparse kernel gradient; otherwise one causal
// conv1d (left padding K-1, kernel reversed because conv1d correlates).
#include <hebb/learn/dcls.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include <ATen/Parallel.h>

#include <fmt/format.h>
#include <torch/csrc/autograd/custom_function.h>

#include <hebb/learn/spike_linear.hpp>

namespace hebb::learn {

namespace {
void check_pair(const at::Tensor& weight, const at::Tensor& pos) {
  if (weight.dim() != 2)
    throw Error("dcls: weight has shape [{}]; expected [out, in]", fmt::join(weight.sizes(), ", "));
  if (!pos.sizes().equals(weight.sizes()))
    throw Error("dcls: positions have shape [{}]; expected [{}] like the weights",
                fmt::join(pos.sizes(), ", "), fmt::join(weight.sizes(), ", "));
}
void check_input(const at::Tensor& x, const at::Tensor& weight) {
  if (x.dim() != 3 || x.size(2) != weight.size(1))
    throw Error("dcls: input has shape [{}]; expected [T, B, {}]", fmt::join(x.sizes(), ", "),
                weight.size(1));
}
}  // namespace

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// y_t[b, o] = sum_j sum_i k[o, i, j] x_{t-j}[b, i] from the nonzeros of x. Rows of the
// [T B, .] matrices are r = t B + b, so the delay j shifts rows by j B.
struct delay_conv_fn : public torch::autograd::Function<delay_conv_fn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& k,
                            const at::Tensor& ptr, const at::Tensor& col, const at::Tensor& val) {
    const std::int64_t T = x.size(0), B = x.size(1), I = x.size(2), O = k.size(0), K = k.size(2);
    const std::int64_t R = T * B;
    sparse_rows rows{ptr, col, val, R, I, nullptr};
    auto kt = k.permute({2, 1, 0}).contiguous();  // [K, I, O]
    auto y = at::zeros({R, O}, x.options());
    for (std::int64_t j = 0; j < K && j * B < R; ++j) {
      auto yj = y.narrow(0, j * B, R - j * B);
      sparse_rows_matmul_add(rows, kt[j], yj);
    }
    ctx->save_for_backward({k, ptr, col, val});
    ctx->saved_data["shape"] = std::vector<std::int64_t>{T, B, I};
    return y.view({T, B, O});
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto s = ctx->get_saved_variables();
    const auto& k = s[0];
    const auto shape = ctx->saved_data["shape"].toIntVector();
    const std::int64_t T = shape[0], B = shape[1], I = shape[2], O = k.size(0), K = k.size(2);
    const std::int64_t R = T * B;
    auto G = grads[0].reshape({R, O}).contiguous();
    at::Tensor gx, gk;
    if (ctx->needs_input_grad(1)) {
      sparse_rows rows{s[1], s[2], s[3], R, I, nullptr};
      auto gkt = at::zeros({K, I, O}, G.options());
      for (std::int64_t j = 0; j < K && j * B < R; ++j) {
        auto gj = gkt[j];
        sparse_rows_grad_add(rows, G.narrow(0, j * B, R - j * B), gj);
      }
      gk = gkt.permute({2, 1, 0});
    }
    if (ctx->needs_input_grad(0)) {  // dense: dx_t = sum_j dy_{t+j} k_j
      gx = at::zeros({R, I}, G.options());
      for (std::int64_t j = 0; j < K && j * B < R; ++j)
        gx.narrow(0, 0, R - j * B).addmm_(G.narrow(0, j * B, R - j * B), k.select(2, j));
      gx = gx.view({T, B, I});
    }
    return {gx, gk, at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

// g_j = exp(-(j - p)^2 / (2 sigma^2)) for j < K from three exponentials: the value at
// the nearest tap c and the ratios of neighbouring taps, which shrink by the factor
// q = exp(-1 / sigma^2) per tap away from c (so no ratio exceeds 1 and nothing overflows).
// Returns sum_j g_j. Relative error a few ulp per tap of distance from c.
template <class S>
S gaussian_taps(S p, S inv_s2, S q, std::int64_t K, S* g) {
  const std::int64_t c = std::clamp<std::int64_t>(std::llround(p), 0, K - 1);
  const S d = static_cast<S>(c) - p;  // in [-0.5, 0.5]
  g[c] = std::exp(S(-0.5) * d * d * inv_s2);
  S r = std::exp(-(d + S(0.5)) * inv_s2);  // g_{c+1} / g_c
  for (std::int64_t j = c + 1; j < K; ++j, r *= q) g[j] = g[j - 1] * r;
  r = std::exp((d - S(0.5)) * inv_s2);  // g_{c-1} / g_c
  for (std::int64_t j = c - 1; j >= 0; --j, r *= q) g[j] = g[j + 1] * r;
  S z = S(0);
  for (std::int64_t j = 0; j < K; ++j) z += g[j];
  return z;
}

// k[o, i, j] = w g_j / (sum g + eps) with the hand-written gradients
//   dk/dw = g_j / Z;  dk_j/dp = w (g_j' Z - g_j Z') / Z^2,  g_j' = g_j (j - p) / sigma^2.
struct dcls_kernel_fn : public torch::autograd::Function<dcls_kernel_fn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& weight, const at::Tensor& pos,
                            double sigma, std::int64_t K) {
    auto w = weight.contiguous(), p = pos.contiguous();
    auto k = at::empty({w.size(0), w.size(1), K}, w.options());
    AT_DISPATCH_FLOATING_TYPES(w.scalar_type(), "dcls_kernel_forward", [&] {
      using S = scalar_t;
      const S* wp = w.data_ptr<S>();
      const S* pp = p.data_ptr<S>();
      S* kp = k.data_ptr<S>();
      const S inv_s2 = static_cast<S>(1.0 / (sigma * sigma)), q = std::exp(-inv_s2);
      at::parallel_for(0, w.numel(), 256, [&](std::int64_t a, std::int64_t b) {
        for (std::int64_t n = a; n < b; ++n) {
          S* g = kp + n * K;
          const S z = gaussian_taps(pp[n], inv_s2, q, K, g) + static_cast<S>(dcls_eps);
          for (std::int64_t j = 0; j < K; ++j) g[j] = wp[n] * g[j] / z;
        }
      });
    });
    ctx->save_for_backward({w, p});
    ctx->saved_data["sigma"] = sigma;
    return k;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto sv = ctx->get_saved_variables();
    const auto& w = sv[0];
    const auto& p = sv[1];
    const double sigma = ctx->saved_data["sigma"].toDouble();
    auto gk = grads[0].contiguous();
    const std::int64_t K = gk.size(2);
    auto gw = at::empty_like(w), gp = at::empty_like(p);
    AT_DISPATCH_FLOATING_TYPES(w.scalar_type(), "dcls_kernel_backward", [&] {
      using S = scalar_t;
      const S* wp = w.data_ptr<S>();
      const S* pp = p.data_ptr<S>();
      const S* gkp = gk.data_ptr<S>();
      S* gwp = gw.data_ptr<S>();
      S* gpp = gp.data_ptr<S>();
      const S inv_s2 = static_cast<S>(1.0 / (sigma * sigma)), q = std::exp(-inv_s2);
      at::parallel_for(0, w.numel(), 256, [&](std::int64_t a, std::int64_t b) {
        std::vector<S> g(static_cast<std::size_t>(K));
        for (std::int64_t n = a; n < b; ++n) {
          const S z = gaussian_taps(pp[n], inv_s2, q, K, g.data()) + static_cast<S>(dcls_eps);
          const S* gr = gkp + n * K;
          S A = 0, Bp = 0, Zp = 0;
          for (std::int64_t j = 0; j < K; ++j) {
            const S dj = static_cast<S>(j) - pp[n];
            A += gr[j] * g[j];
            Bp += gr[j] * g[j] * dj;
            Zp += g[j] * dj;
          }
          gwp[n] = A / z;
          gpp[n] = wp[n] * inv_s2 * (Bp * z - A * Zp) / (z * z);
        }
      });
    });
    return {gw, gp, at::Tensor(), at::Tensor()};
  }
};

}  // namespace

at::Tensor dcls_kernel(const at::Tensor& weight, const at::Tensor& pos, double sigma,
                       std::int64_t K) {
  check_pair(weight, pos);
  require(K >= 1, "dcls.kernel_size", static_cast<double>(K), ">= 1 step");
  require(sigma > 0, "dcls.sigma", sigma, "> 0 steps");
  const double pmin = pos.min().item<double>(), pmax = pos.max().item<double>();
  if (pmin < 0 || pmax > static_cast<double>(K - 1))
    throw Error(
        "dcls: delay positions span [{}, {}] steps but the kernel of kernel_size = {} holds "
        "delays 0..{}; use a longer kernel or clamp the positions",
        pmin, pmax, K, K - 1);
  if (weight.scalar_type() != pos.scalar_type())
    throw Error("dcls: weights and positions have different dtypes");
  return dcls_kernel_fn::apply(weight, pos, sigma, K);
}

at::Tensor dcls_forward(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& pos,
                        double sigma, std::int64_t K) {
  check_pair(weight, pos);
  check_input(x, weight);
  auto kernel = dcls_kernel(weight, pos, sigma, K);  // [O, I, K]
  if (x.scalar_type() == kernel.scalar_type() && x.numel() > 0) {
    auto rows = nonzero_rows(x.reshape({x.size(0) * x.size(1), x.size(2)}));
    if (rows.density() <= spike_linear_dense_crossover)
      return delay_conv_fn::apply(x.contiguous(), kernel, rows.ptr, rows.col, rows.val);
  }
  auto k = kernel.flip({-1});      // conv1d correlates: reverse
  auto xb = x.permute({1, 2, 0});  // [B, I, T]
  xb = at::constant_pad_nd(xb, {K - 1, 0});               // causal: x_{t-j}, j < K
  auto y = at::conv1d(xb, k);                             // [B, O, T]
  return y.permute({2, 0, 1}).contiguous();               // [T, B, O]
}

at::Tensor delay_forward(const at::Tensor& x, const at::Tensor& weight,
                         const at::Tensor& delay_steps) {
  check_pair(weight, delay_steps);
  check_input(x, weight);
  const auto T = x.size(0), B = x.size(1), O = weight.size(0), I = weight.size(1);
  auto d = delay_steps.round().to(at::kLong);
  if (d.numel() && d.min().item<std::int64_t>() < 0)
    throw Error("delay_forward: delays must be >= 0 steps");
  const std::int64_t dmax = d.numel() ? d.max().item<std::int64_t>() : 0;
  // xp[t + dmax] = x[t]; x_{t-d} = xp[t + dmax - d]
  auto xp = at::constant_pad_nd(x, {0, 0, 0, 0, dmax, 0});  // [T + dmax, B, I]
  auto y = at::zeros({T, B, O}, x.options());
  auto tt = at::arange(T, d.options());
  for (std::int64_t o = 0; o < O; ++o) {
    auto idx = (tt.view({T, 1}) + dmax - d[o].view({1, I}));  // [T, I]
    auto g = xp.gather(0, idx.view({T, 1, I}).expand({T, B, I}));
    y.select(2, o).copy_((g * weight[o].view({1, 1, I})).sum(-1));
  }
  return y;
}

double dcls_sigma(int epoch, int epochs, double sigma0, double sigma1, double fraction) {
  require(epochs >= 1, "dcls_sigma.epochs", epochs, ">= 1");
  require(sigma0 > 0 && sigma1 > 0, "dcls_sigma.sigma1", sigma1, "> 0 (and sigma0 > 0)");
  const double n = std::max(1.0, std::floor(fraction * epochs));
  if (epoch >= n) return sigma1;
  return sigma0 * std::pow(sigma1 / sigma0, epoch / n);
}

delay_projection export_delays(const at::Tensor& weight, const at::Tensor& pos, double dt,
                               int offset_steps, double min_abs_weight) {
  check_pair(weight, pos);
  require(dt > 0, "export_delays.dt", dt, "> 0 ms");
  require(offset_steps >= 0, "export_delays.offset_steps", offset_steps, ">= 0");
  auto w = weight.detach().to(at::kDouble).contiguous();
  auto d = pos.detach().to(at::kDouble).round().contiguous();
  const auto O = w.size(0), I = w.size(1);
  const double* wp = w.data_ptr<double>();
  const double* dp = d.data_ptr<double>();
  delay_projection out;
  out.dt = dt;
  for (std::int64_t o = 0; o < O; ++o)
    for (std::int64_t i = 0; i < I; ++i) {
      const double wv = wp[o * I + i];
      if (!(std::abs(wv) > min_abs_weight)) continue;
      out.sources.push_back(i);
      out.targets.push_back(o);
      out.weights.push_back(wv);
      // rounded to 1e-9 ms so that e.g. 3 * 0.1 prints as 0.3
      out.delays_ms.push_back(std::round((dp[o * I + i] + offset_steps) * dt * 1e9) / 1e9);
    }
  return out;
}

std::string to_toml(const delay_projection& p, const std::string& from, const std::string& to,
                    const std::string& receptor) {
  auto list = [](const auto& v) {
    std::string s = "[";
    for (std::size_t k = 0; k < v.size(); ++k) s += (k ? ", " : "") + fmt::format("{}", v[k]);
    return s + "]";
  };
  std::string s;
  s += fmt::format("# delays in ms, multiples of dt = {} ms\n", p.dt);
  s += "[[projections]]\n";
  s += fmt::format("from = \"{}\"\nto = \"{}\"\nreceptor = \"{}\"\n", from, to, receptor);
  s += fmt::format("connect = {{ rule = \"explicit\", sources = {}, targets = {} }}\n",
                   list(p.sources), list(p.targets));
  s += fmt::format("synapse = {{ weight = {}, delay = {} }}\n", list(p.weights), list(p.delays_ms));
  return s;
}

}  // namespace hebb::learn
