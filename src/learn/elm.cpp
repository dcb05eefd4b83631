// ELM neuron (equations in include/hebb/learn/elm.hpp).
//
// The parts that are not recurrent run over the whole sequence as single ATen ops
// (input weights, branch sums, the synaptic half of the first MLP layer, the readout).
// The two recurrences are fused autograd functions with hand-written backward passes:
// the synaptic trace s_t = kappa_s s_{t-1} + d_t, and the memory update (the MLP on
// [syn, kappa_m m_{t-1}] and m_t = kappa_m m_{t-1} + lambda (1 - kappa_m) dm_t), whose
// small per-step products (d_m x hidden) are plain loops over contiguous rows. Weight
// gradients are accumulated per batch element and summed over the batch in order at the
// end, so results do not depend on the thread count.
#include <hebb/learn/elm.hpp>

#include <cmath>
#include <vector>

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

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

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

constexpr double tanh_amp = 1.7159, tanh_slope = 2.0 / 3.0;  // dm = amp * tanh(slope * z)

// y[0:n] += a x[0:n] (restrict parameters, so the short loops vectorise).
template <class S>
inline void axpy(std::int64_t n, S a, const S* __restrict x, S* __restrict y) {
  for (std::int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}

// Sums over the batch in order: out[x] = sum_b part[b, x].
template <class S>
void sum_batch(const S* part, std::int64_t B, std::int64_t X, S* out) {
  for (std::int64_t x = 0; x < X; ++x) out[x] = S(0);
  for (std::int64_t b = 0; b < B; ++b)
    for (std::int64_t x = 0; x < X; ++x) out[x] += part[b * X + x];
}

// s_t = kappa * s_{t-1} + d_t over [T, B, N], s_{-1} = 0.
struct leaky_trace_fn : public torch::autograd::Function<leaky_trace_fn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& drive, const at::Tensor& kappa) {
    auto d = drive.contiguous();
    auto k = kappa.contiguous();
    const std::int64_t T = d.size(0), BN = d.size(1) * d.size(2), N = d.size(2);
    auto s = at::empty_like(d);
    AT_DISPATCH_FLOATING_TYPES(d.scalar_type(), "leaky_trace_forward", [&] {
      const scalar_t* __restrict dp = d.data_ptr<scalar_t>();
      const scalar_t* __restrict kp = k.data_ptr<scalar_t>();
      scalar_t* __restrict sp = s.data_ptr<scalar_t>();
      for (std::int64_t x = 0; x < BN; ++x) sp[x] = dp[x];
      for (std::int64_t t = 1; t < T; ++t)
        for (std::int64_t r = 0; r < BN; r += N)
          for (std::int64_t n = 0; n < N; ++n)
            sp[t * BN + r + n] = kp[n] * sp[(t - 1) * BN + r + n] + dp[t * BN + r + n];
    });
    ctx->save_for_backward({k, s});
    return s;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto& k = saved[0];
    const auto& s = saved[1];
    auto g = grads[0].contiguous();
    const std::int64_t T = s.size(0), B = s.size(1), N = s.size(2), BN = B * N;
    auto gd = at::empty_like(s);
    at::Tensor gk;
    const bool need_k = ctx->needs_input_grad(1);
    if (need_k) gk = at::empty({N}, s.options());
    AT_DISPATCH_FLOATING_TYPES(s.scalar_type(), "leaky_trace_backward", [&] {
      const scalar_t* __restrict kp = k.data_ptr<scalar_t>();
      const scalar_t* __restrict sp = s.data_ptr<scalar_t>();
      const scalar_t* __restrict gp = g.data_ptr<scalar_t>();
      scalar_t* __restrict gdp = gd.data_ptr<scalar_t>();
      std::vector<scalar_t> part(need_k ? static_cast<std::size_t>(BN) : 0, scalar_t(0));
      for (std::int64_t x = 0; x < BN; ++x) gdp[(T - 1) * BN + x] = gp[(T - 1) * BN + x];
      for (std::int64_t t = T - 1; t >= 1; --t)
        for (std::int64_t r = 0; r < BN; r += N)
          for (std::int64_t n = 0; n < N; ++n) {
            const std::int64_t x = r + n;
            const scalar_t G = gdp[t * BN + x];  // dL/dd_t = dL/ds_t (all paths)
            if (need_k) part[x] += G * sp[(t - 1) * BN + x];
            gdp[(t - 1) * BN + x] = gp[(t - 1) * BN + x] + kp[n] * G;
          }
      if (need_k) sum_batch(part.data(), B, N, gk.data_ptr<scalar_t>());
    });
    return {gd, gk};
  }
};

// The memory recurrence. pre: [T, B, h] = W1_syn syn_t + b1; returns m [T, B, d].
//   km = kappa m_{t-1};  z1 = pre_t + W1_m km;  hid = relu(z1);  z2 = W2 hid + b2
//   m_t = km + lambda (1 - kappa) amp tanh(slope z2)
struct elm_memory_fn : public torch::autograd::Function<elm_memory_fn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& pre, const at::Tensor& w1m,
                            const at::Tensor& w2, const at::Tensor& b2, const at::Tensor& kappa,
                            const at::Tensor& m0, double lambda) {
    auto P = pre.contiguous();
    const std::int64_t T = P.size(0), B = P.size(1), H = P.size(2), D = w2.size(0);
    auto w1mt = w1m.t().contiguous();  // [d, h]
    auto w2t = w2.t().contiguous();    // [h, d]
    auto bb = b2.contiguous(), k = kappa.contiguous(), m_init = m0.contiguous();
    auto M = at::empty({T, B, D}, P.options()), HID = at::empty({T, B, H}, P.options()),
         TH = at::empty({T, B, D}, P.options());
    AT_DISPATCH_FLOATING_TYPES(P.scalar_type(), "elm_memory_forward", [&] {
      using S = scalar_t;
      const S* pp = P.data_ptr<S>();
      const S* W1T = w1mt.data_ptr<S>();
      const S* W2T = w2t.data_ptr<S>();
      const S* b2p = bb.data_ptr<S>();
      const S* kp = k.data_ptr<S>();
      const S* m0p = m_init.data_ptr<S>();
      S* Mp = M.data_ptr<S>();
      S* Hp = HID.data_ptr<S>();
      S* THp = TH.data_ptr<S>();
      std::vector<S> gain(static_cast<std::size_t>(D));
      for (std::int64_t j = 0; j < D; ++j) gain[j] = static_cast<S>(lambda) * (S(1) - kp[j]);
      std::vector<S> KM(static_cast<std::size_t>(B * D));
      for (std::int64_t t = 0; t < T; ++t) {
        // the MLP for every batch element, then one vectorised tanh over the [B, d] step
        at::parallel_for(0, B, 1, [&](std::int64_t b0, std::int64_t b1) {
          for (std::int64_t b = b0; b < b1; ++b) {
            const S* __restrict mprev = t ? Mp + ((t - 1) * B + b) * D : m0p + b * D;
            S* __restrict km = KM.data() + b * D;
            S* __restrict hid = Hp + (t * B + b) * H;
            const S* __restrict pr = pp + (t * B + b) * H;
            for (std::int64_t j = 0; j < D; ++j) km[j] = kp[j] * mprev[j];
            for (std::int64_t q = 0; q < H; ++q) hid[q] = pr[q];
            for (std::int64_t j = 0; j < D; ++j) axpy(H, km[j], W1T + j * H, hid);
            for (std::int64_t q = 0; q < H; ++q) hid[q] = hid[q] > S(0) ? hid[q] : S(0);
            S* __restrict z2 = THp + (t * B + b) * D;
            for (std::int64_t j = 0; j < D; ++j) z2[j] = b2p[j];
            for (std::int64_t q = 0; q < H; ++q) axpy(D, hid[q], W2T + q * D, z2);
            for (std::int64_t j = 0; j < D; ++j) z2[j] *= static_cast<S>(tanh_slope);
          }
        });
        TH[t].tanh_();
        const S* __restrict th = THp + t * B * D;
        S* __restrict m = Mp + t * B * D;
        for (std::int64_t b = 0; b < B; ++b)
          for (std::int64_t j = 0; j < D; ++j)
            m[b * D + j] = KM[b * D + j] + gain[j] * (static_cast<S>(tanh_amp) * th[b * D + j]);
      }
    });
    ctx->save_for_backward({w1m, w2, k, m_init, M, HID, TH});
    ctx->saved_data["lambda"] = lambda;
    return M;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto sv = ctx->get_saved_variables();
    auto w1m = sv[0].contiguous(), w2 = sv[1].contiguous();
    const auto& k = sv[2];
    const auto& m_init = sv[3];
    const auto& M = sv[4];
    const auto& HID = sv[5];
    const auto& TH = sv[6];
    const double lambda = ctx->saved_data["lambda"].toDouble();
    auto gM = grads[0].contiguous();
    const std::int64_t T = M.size(0), B = M.size(1), D = M.size(2), H = HID.size(2);
    auto gpre = at::empty_like(HID);
    auto gw1m = at::empty({H, D}, M.options()), gw2 = at::empty({D, H}, M.options()),
         gb2 = at::empty({D}, M.options()), gk = at::empty({D}, M.options()),
         gm0 = at::empty({B, D}, M.options());
    AT_DISPATCH_FLOATING_TYPES(M.scalar_type(), "elm_memory_backward", [&] {
      using S = scalar_t;
      const S* W1 = w1m.data_ptr<S>();  // [h, d]
      const S* W2 = w2.data_ptr<S>();   // [d, h]
      const S* kp = k.data_ptr<S>();
      const S* m0p = m_init.data_ptr<S>();
      const S* Mp = M.data_ptr<S>();
      const S* Hp = HID.data_ptr<S>();
      const S* THp = TH.data_ptr<S>();
      const S* gMp = gM.data_ptr<S>();
      S* gpp = gpre.data_ptr<S>();
      std::vector<S> gain(static_cast<std::size_t>(D));
      for (std::int64_t j = 0; j < D; ++j) gain[j] = static_cast<S>(lambda) * (S(1) - kp[j]);
      // per-batch-element partial sums of the weight gradients
      std::vector<S> pw1(static_cast<std::size_t>(B * H * D), S(0)),
          pw2(static_cast<std::size_t>(B * D * H), S(0)), pb2(static_cast<std::size_t>(B * D), S(0)),
          pk(static_cast<std::size_t>(B * D), S(0)), carry(static_cast<std::size_t>(B * D), S(0));
      const S amp = static_cast<S>(tanh_amp), slope = static_cast<S>(tanh_slope);
      at::parallel_for(0, B, 1, [&](std::int64_t b0, std::int64_t b1) {
        std::vector<S> gkm(static_cast<std::size_t>(D)), gz2(static_cast<std::size_t>(D)),
            ghid(static_cast<std::size_t>(H)), km(static_cast<std::size_t>(D));
        for (std::int64_t t = T - 1; t >= 0; --t)
          for (std::int64_t b = b0; b < b1; ++b) {
            const std::int64_t row = t * B + b;
            const S* __restrict mprev = t ? Mp + (row - B) * D : m0p + b * D;
            const S* __restrict hid = Hp + row * H;
            const S* __restrict th = THp + row * D;
            const S* __restrict gm_in = gMp + row * D;
            S* __restrict cr = carry.data() + b * D;
            S* __restrict gw2b = pw2.data() + b * D * H;
            S* __restrict gw1b = pw1.data() + b * H * D;
            S* __restrict gb2b = pb2.data() + b * D;
            S* __restrict gkb = pk.data() + b * D;
            for (std::int64_t j = 0; j < D; ++j) {
              const S gm = gm_in[j] + cr[j];  // dL/dm_t
              gkm[j] = gm;
              const S dm = amp * th[j];
              gkb[j] -= static_cast<S>(lambda) * gm * dm;  // through gain = lambda (1 - kappa)
              gz2[j] = gm * gain[j] * amp * slope * (S(1) - th[j] * th[j]);
              gb2b[j] += gz2[j];
            }
            for (std::int64_t q = 0; q < H; ++q) ghid[q] = S(0);
            for (std::int64_t j = 0; j < D; ++j) {
              axpy(H, gz2[j], hid, gw2b + j * H);
              axpy(H, gz2[j], W2 + j * H, ghid.data());
            }
            S* __restrict gz1 = gpp + row * H;
            for (std::int64_t q = 0; q < H; ++q) gz1[q] = hid[q] > S(0) ? ghid[q] : S(0);
            for (std::int64_t j = 0; j < D; ++j) km[j] = kp[j] * mprev[j];
            for (std::int64_t q = 0; q < H; ++q) {
              if (gz1[q] == S(0)) continue;  // inactive ReLU unit: adds exact zeros
              axpy(D, gz1[q], km.data(), gw1b + q * D);
              axpy(D, gz1[q], W1 + q * D, gkm.data());
            }
            for (std::int64_t j = 0; j < D; ++j) {
              gkb[j] += gkm[j] * mprev[j];
              cr[j] = gkm[j] * kp[j];  // dL/dm_{t-1} through km
            }
          }
      });
      sum_batch(pw1.data(), B, H * D, gw1m.data_ptr<S>());
      sum_batch(pw2.data(), B, D * H, gw2.data_ptr<S>());
      sum_batch(pb2.data(), B, D, gb2.data_ptr<S>());
      sum_batch(pk.data(), B, D, gk.data_ptr<S>());
      std::copy(carry.begin(), carry.end(), gm0.data_ptr<S>());
    });
    return {gpre, gw1m, gw2, gb2, gk, gm0, at::Tensor()};
  }
};

}  // namespace

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
  const auto B = x.size(1);
  if (m0.defined()) expect(m0, {B, p.d_m}, "m0");
  if (x.scalar_type() != w.w1.scalar_type())
    throw Error("elm: input dtype {} differs from the weights' {}",
                std::string(c10::toString(x.scalar_type())),
                std::string(c10::toString(w.w1.scalar_type())));
  // synaptic traces over the whole sequence (linear), then branch sums
  auto s = leaky_trace_fn::apply(x * at::relu(w.w_syn_raw), w.kappa_s);  // [T, B, n_syn]
  auto syn = p.n_branch > 0
                 ? s.view({s.size(0), B, p.n_branch, p.n_syn / p.n_branch}).sum(-1)
                 : s;
  // the part of the first MLP layer that sees syn does not depend on m: one matmul
  const auto ns = mi - p.d_m;
  auto w1s = w.w1.narrow(1, 0, ns), w1m = w.w1.narrow(1, ns, p.d_m);
  auto pre = at::matmul(syn, w1s.t()) + w.b1;  // [T, B, h]
  auto m_init = m0.defined() ? m0 : at::zeros({B, p.d_m}, x.options());
  auto M = elm_memory_fn::apply(pre, w1m, w.w2, w.b2, w.kappa_m, m_init, p.lambda);  // [T, B, d_m]
  auto y = at::matmul(M, w.wy.t()) + w.by;
  return {y, M};
}

}  // namespace hebb::learn
