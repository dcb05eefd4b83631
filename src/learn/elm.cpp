// ELM neuron (equations in include/hebb/learn/elm.hpp).
#include <hebb/learn/elm.hpp>

#include <cmath>

#include <fmt/format.h>

#include <hebb/core/rng.hpp>

namespace hebb::learn {

void elm_params::validate() const {
  require(n_syn >= 1, "elm.n_syn", static_cast<double>(n_syn), ">= 1");
  require(d_m >= 1, "elm.d_m", static_cast<double>(d_m), ">= 1");
  require(n_out >= 1, "elm.n_out", static_cast<double>(n_out), ">= 1");
  require(n_branch >= 0, "elm.n_branch", static_cast<double>(n_branch), ">= 0");
  if (n_branch > 0 && n_syn % n_branch != 0)
    throw Error("elm.n_syn = {}: must be a multiple of n_branch = {} (equal branches)", n_syn,
                n_branch);
  require(tau_s > 0, "elm.tau_s", tau_s, "> 0 steps");
  require(tau_m_min > 0, "elm.tau_m_min", tau_m_min, "> 0 steps");
  require(tau_m_max >= tau_m_min, "elm.tau_m_max", tau_m_max, ">= tau_m_min");
  require(lambda > 0, "elm.lambda", lambda, "> 0");
}

namespace {
at::Tensor uniform(std::uint64_t seed, std::uint64_t entity, std::vector<std::int64_t> shape,
                   double bound) {
  std::int64_t n = 1;
  for (auto s : shape) n *= s;
  auto t = at::empty({n}, at::kDouble);
  double* p = t.data_ptr<double>();
  counter_rng r(seed, stream::learn, entity);
  for (std::int64_t k = 0; k < n; ++k) p[k] = r.uniform(-bound, bound);
  return t.view(shape);
}
}  // namespace

elm_weights elm_init(const elm_params& p, std::uint64_t seed, at::ScalarType dtype) {
  p.validate();
  const auto h = p.hidden(), mi = p.mlp_in();
  elm_weights w;
  // entity ids name the tensors, so each draw is a function of (seed, tensor)
  w.w_syn_raw = at::full({p.n_syn}, 0.5, at::kDouble);
  w.w1 = uniform(seed, 1, {h, mi}, 1 / std::sqrt(double(mi)));
  w.b1 = uniform(seed, 2, {h}, 1 / std::sqrt(double(mi)));
  w.w2 = uniform(seed, 3, {p.d_m, h}, 1 / std::sqrt(double(h)));
  w.b2 = uniform(seed, 4, {p.d_m}, 1 / std::sqrt(double(h)));
  w.wy = uniform(seed, 5, {p.n_out, p.d_m}, 1 / std::sqrt(double(p.d_m)));
  w.by = uniform(seed, 6, {p.n_out}, 1 / std::sqrt(double(p.d_m)));
  w.kappa_s = at::full({p.n_syn}, std::exp(-1.0 / p.tau_s), at::kDouble);
  auto tau_m = p.d_m == 1 ? at::full({1}, p.tau_m_min, at::kDouble)
                          : at::logspace(std::log10(p.tau_m_min), std::log10(p.tau_m_max), p.d_m,
                                         10.0, at::kDouble);
  w.kappa_m = at::exp(-1.0 / tau_m);
  for (auto* t : {&w.w_syn_raw, &w.w1, &w.b1, &w.w2, &w.b2, &w.wy, &w.by, &w.kappa_s, &w.kappa_m})
    *t = t->to(dtype);
  return w;
}

std::vector<at::Tensor> elm_forward(const at::Tensor& x, const elm_weights& w, const elm_params& p,
                                    const at::Tensor& m0) {
  p.validate();
  if (x.dim() != 3 || x.size(2) != p.n_syn)
    throw Error("elm: input has shape [{}]; expected [T, B, {}] (n_syn)", fmt::join(x.sizes(), ", "),
                p.n_syn);
  auto expect = [](const at::Tensor& t, std::vector<std::int64_t> shape, const char* name) {
    if (!t.defined() || !t.sizes().equals(shape))
      throw Error("elm: {} has shape [{}]; expected [{}]", name,
                  t.defined() ? fmt::format("{}", fmt::join(t.sizes(), ", ")) : "",
                  fmt::join(shape, ", "));
  };
  const auto h = p.hidden(), mi = p.mlp_in();
  expect(w.w_syn_raw, {p.n_syn}, "w_syn_raw");
  expect(w.w1, {h, mi}, "w1");
  expect(w.b1, {h}, "b1");
  expect(w.w2, {p.d_m, h}, "w2");
  expect(w.b2, {p.d_m}, "b2");
  expect(w.wy, {p.n_out, p.d_m}, "wy");
  expect(w.by, {p.n_out}, "by");
  expect(w.kappa_s, {p.n_syn}, "kappa_s");
  expect(w.kappa_m, {p.d_m}, "kappa_m");
  const auto T = x.size(0), B = x.size(1);
  auto ws = at::relu(w.w_syn_raw);
  // the synaptic traces are linear: compute them for all steps first
  auto drive = x * ws;  // [T, B, n_syn]
  std::vector<at::Tensor> syn_steps;
  syn_steps.reserve(T);
  auto s = at::zeros({B, p.n_syn}, x.options());
  for (std::int64_t t = 0; t < T; ++t) {
    s = w.kappa_s * s + drive[t];
    syn_steps.push_back(p.n_branch > 0 ? s.view({B, p.n_branch, p.n_syn / p.n_branch}).sum(-1) : s);
  }
  auto syn = at::stack(syn_steps);  // [T, B, n_mlp_syn]
  // the part of the first MLP layer that sees syn does not depend on m: one matmul
  const auto ns = mi - p.d_m;
  auto w1s = w.w1.narrow(1, 0, ns), w1m = w.w1.narrow(1, ns, p.d_m);
  auto pre_syn = at::matmul(syn, w1s.t()) + w.b1;  // [T, B, h]
  auto m = m0.defined() ? m0 : at::zeros({B, p.d_m}, x.options());
  if (m0.defined()) expect(m0, {B, p.d_m}, "m0");
  const auto gain = p.lambda * (1 - w.kappa_m);
  std::vector<at::Tensor> ms;
  ms.reserve(T);
  for (std::int64_t t = 0; t < T; ++t) {
    auto km = w.kappa_m * m;
    auto hid = at::relu(at::addmm(pre_syn[t], km, w1m.t()));
    auto dm = 1.7159 * at::tanh((2.0 / 3.0) * at::addmm(w.b2, hid, w.w2.t()));
    m = km + gain * dm;
    ms.push_back(m);
  }
  auto M = at::stack(ms);  // [T, B, d_m]
  auto y = at::matmul(M, w.wy.t()) + w.by;
  return {y, M};
}

}  // namespace hebb::learn
