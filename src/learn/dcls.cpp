// DCLS delay layer (equations in include/hebb/learn/dcls.hpp). The kernel is built
// with tensor operations so autograd differentiates it; the temporal sum is one
// causal conv1d (left padding K-1, kernel reversed because conv1d correlates).
#include <hebb/learn/dcls.hpp>

#include <cmath>

#include <fmt/format.h>

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
  auto j = at::arange(K, weight.options());                  // [K]
  auto d = (j.view({1, 1, K}) - pos.unsqueeze(-1)) / sigma;  // [O, I, K]
  auto g = at::exp(-0.5 * d * d);
  return weight.unsqueeze(-1) * g / (g.sum(-1, true) + dcls_eps);
}

at::Tensor dcls_forward(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& pos,
                        double sigma, std::int64_t K) {
  check_pair(weight, pos);
  check_input(x, weight);
  auto k = dcls_kernel(weight, pos, sigma, K).flip({-1});  // conv1d correlates: reverse
  auto xb = x.permute({1, 2, 0});                         // [B, I, T]
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
