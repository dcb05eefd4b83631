// Fused underdamped Langevin latent dynamics, forward and backward (equations and
// scheme in include/hebb/learn/langevin.hpp). The backward pass is the exact adjoint of
// the discrete BAOAB step, walked from t = T-1 down to 0; the intermediate half-step
// states are recomputed from the saved z_{t-1}, v_{t-1} rather than stored.
#include <hebb/learn/langevin.hpp>

#include <cmath>
#include <string>

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <hebb/core/error.hpp>
#include <hebb/core/rng.hpp>

namespace hebb::learn {

void langevin_options::validate() const {
  require(dt > 0 && std::isfinite(dt), "langevin.dt", dt, "> 0 and finite");
}

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Per-dimension constants of one step, computed once in double.
struct step_consts {
  std::vector<double> a, s, da_dgamma, ds_dgamma, ds_dsigma;
};

step_consts make_consts(const at::Tensor& gamma, const at::Tensor& sigma, double h) {
  auto g = gamma.to(at::kDouble).contiguous(), sg = sigma.to(at::kDouble).contiguous();
  const auto D = static_cast<std::size_t>(g.numel());
  const double* gp = g.data_ptr<double>();
  const double* sp = sg.data_ptr<double>();
  step_consts c;
  c.a.resize(D), c.s.resize(D), c.da_dgamma.resize(D), c.ds_dgamma.resize(D), c.ds_dsigma.resize(D);
  for (std::size_t i = 0; i < D; ++i) {
    const double a = std::exp(-gp[i] * h);
    const double q = -std::expm1(-2 * gp[i] * h) / (2 * gp[i]);  // (1 - a^2) / (2 gamma)
    const double rq = std::sqrt(q);
    c.a[i] = a;
    c.s[i] = sp[i] * rq;
    c.da_dgamma[i] = -h * a;
    c.ds_dsigma[i] = rq;
    c.ds_dgamma[i] = sp[i] / (2 * rq) * (h * a * a - q) / gp[i];  // dq/dgamma = (h a^2 - q)/gamma
  }
  return c;
}

// (G w)_i = k_i w_i + c_i (w_i - w_{i+1}) + c_{i-1} (w_i - w_{i-1}), ring indices mod D:
// the gradient of U at w (G is the symmetric stiffness matrix).
template <class S>
inline void stiffness(std::int64_t D, const S* k, const S* c, const S* w, S* out) {
  for (std::int64_t i = 0; i < D; ++i) {
    const std::int64_t nx = i + 1 == D ? 0 : i + 1, pv = i == 0 ? D - 1 : i - 1;
    out[i] = k[i] * w[i] + c[i] * (w[i] - w[nx]) + c[pv] * (w[i] - w[pv]);
  }
}

// Accumulate -h2 * d(w . G z)/d(k, c) into gk, gc: d/dk_i = w_i z_i,
// d/dc_j = (w_j - w_{j+1}) (z_j - z_{j+1}).
template <class S>
inline void stiffness_param_grad(std::int64_t D, S h2, const S* w, const S* z, S* gk, S* gc) {
  for (std::int64_t i = 0; i < D; ++i) {
    const std::int64_t nx = i + 1 == D ? 0 : i + 1;
    gk[i] -= h2 * w[i] * z[i];
    gc[i] -= h2 * (w[i] - w[nx]) * (z[i] - z[nx]);
  }
}

struct dims {
  std::int64_t T, B, D;
};

template <class S>
void forward_kernel(const dims& d, S h, const step_consts& sc, const S* z0, const S* v0,
                    const S* f, const S* xi, const S* k, const S* c, S* zout, S* vout) {
  const std::int64_t BD = d.B * d.D, D = d.D;
  const S h2 = h / 2;
  std::vector<S> a(sc.a.begin(), sc.a.end()), s(sc.s.begin(), sc.s.end());
  at::parallel_for(0, d.B, 1, [&](std::int64_t b0, std::int64_t b1) {
    std::vector<S> g(static_cast<std::size_t>(D)), v1(g.size()), z1(g.size());
    for (std::int64_t b = b0; b < b1; ++b) {
      for (std::int64_t t = 0; t < d.T; ++t) {
        const std::int64_t row = t * BD + b * D;
        const S* zp = t ? zout + row - BD : z0 + b * D;
        const S* vp = t ? vout + row - BD : v0 + b * D;
        stiffness(D, k, c, zp, g.data());
        for (std::int64_t i = 0; i < D; ++i) {
          v1[i] = vp[i] + h2 * (f[row + i] - g[i]);            // B
          const S zz = zp[i] + h2 * v1[i];                     // A
          const S v2 = a[i] * v1[i] + s[i] * xi[row + i];      // O (exact OU)
          z1[i] = zz;
          zout[row + i] = zz + h2 * v2;                         // A
          vout[row + i] = v2;
        }
        stiffness(D, k, c, zout + row, g.data());
        for (std::int64_t i = 0; i < D; ++i) vout[row + i] += h2 * (f[row + i] - g[i]);  // B
      }
    }
  });
}

// Per-(b, i) partial sums of the coefficient gradients go to ga, gs, gk, gc ([B, D]);
// the caller sums them over the batch in a fixed order.
template <class S>
void backward_kernel(const dims& d, S h, const step_consts& sc, const S* z0, const S* v0,
                     const S* f, const S* xi, const S* k, const S* c, const S* zout,
                     const S* vout, const S* gzo, const S* gvo, S* gz0, S* gv0, S* gf, S* gxi,
                     S* ga, S* gs, S* gk, S* gc) {
  const std::int64_t BD = d.B * d.D, D = d.D;
  const S h2 = h / 2;
  std::vector<S> a(sc.a.begin(), sc.a.end()), s(sc.s.begin(), sc.s.end());
  at::parallel_for(0, d.B, 1, [&](std::int64_t b0, std::int64_t b1) {
    const auto n = static_cast<std::size_t>(D);
    std::vector<S> gz(n), gv(n), g(n), v1(n), v2(n), gv3(n), gz2(n), gv1(n), tmp(n);
    for (std::int64_t b = b0; b < b1; ++b) {
      std::fill(gz.begin(), gz.end(), S(0));
      std::fill(gv.begin(), gv.end(), S(0));
      S* gkb = gk + b * D;
      S* gcb = gc + b * D;
      S* gab = ga + b * D;
      S* gsb = gs + b * D;
      for (std::int64_t t = d.T - 1; t >= 0; --t) {
        const std::int64_t row = t * BD + b * D;
        const S* zp = t ? zout + row - BD : z0 + b * D;
        const S* vp = t ? vout + row - BD : v0 + b * D;
        const S* z2 = zout + row;
        // recompute the half steps
        stiffness(D, k, c, zp, g.data());
        for (std::int64_t i = 0; i < D; ++i) {
          v1[i] = vp[i] + h2 * (f[row + i] - g[i]);
          v2[i] = a[i] * v1[i] + s[i] * xi[row + i];
        }
        for (std::int64_t i = 0; i < D; ++i) {
          gz2[i] = gz[i] + (gzo ? gzo[row + i] : S(0));
          gv3[i] = gv[i] + (gvo ? gvo[row + i] : S(0));
        }
        // B2: v3 = v2 + h2 (f - G z2)
        stiffness(D, k, c, gv3.data(), tmp.data());
        stiffness_param_grad(D, h2, gv3.data(), z2, gkb, gcb);
        for (std::int64_t i = 0; i < D; ++i) {
          gz2[i] -= h2 * tmp[i];
          gf[row + i] = h2 * gv3[i];
          // A2: z2 = z1 + h2 v2  (gz1 = gz2)
          const S gv2 = gv3[i] + h2 * gz2[i];
          // O: v2 = a v1 + s xi
          gab[i] += gv2 * v1[i];
          gsb[i] += gv2 * xi[row + i];
          gxi[row + i] = s[i] * gv2;
          // A1: z1 = zp + h2 v1  (gzp = gz1 = gz2)
          gv1[i] = a[i] * gv2 + h2 * gz2[i];
        }
        // B1: v1 = vp + h2 (f - G zp)
        stiffness(D, k, c, gv1.data(), tmp.data());
        stiffness_param_grad(D, h2, gv1.data(), zp, gkb, gcb);
        for (std::int64_t i = 0; i < D; ++i) {
          gf[row + i] += h2 * gv1[i];
          gz[i] = gz2[i] - h2 * tmp[i];
          gv[i] = gv1[i];
        }
      }
      for (std::int64_t i = 0; i < D; ++i) {
        gz0[b * D + i] = gz[i];
        gv0[b * D + i] = gv[i];
      }
    }
  });
}

struct langevin_function : public torch::autograd::Function<langevin_function> {
  static variable_list forward(AutogradContext* ctx, const at::Tensor& z0, const at::Tensor& v0,
                               const at::Tensor& forcing, const at::Tensor& noise,
                               const at::Tensor& gamma, const at::Tensor& k,
                               const at::Tensor& coupling, const at::Tensor& sigma, double dt) {
    const dims d{forcing.size(0), forcing.size(1), forcing.size(2)};
    auto z0c = z0.contiguous(), v0c = v0.contiguous(), fc = forcing.contiguous(),
         xc = noise.contiguous(), kc = k.contiguous(), cc = coupling.contiguous();
    auto zout = at::empty_like(fc), vout = at::empty_like(fc);
    const auto sc = make_consts(gamma, sigma, dt);
    AT_DISPATCH_FLOATING_TYPES(fc.scalar_type(), "langevin_forward", [&] {
      forward_kernel<scalar_t>(d, static_cast<scalar_t>(dt), sc, z0c.data_ptr<scalar_t>(),
                               v0c.data_ptr<scalar_t>(), fc.data_ptr<scalar_t>(),
                               xc.data_ptr<scalar_t>(), kc.data_ptr<scalar_t>(),
                               cc.data_ptr<scalar_t>(), zout.data_ptr<scalar_t>(),
                               vout.data_ptr<scalar_t>());
    });
    ctx->save_for_backward({z0c, v0c, fc, xc, gamma, kc, cc, sigma, zout, vout});
    ctx->set_materialize_grads(false);
    ctx->saved_data["dt"] = dt;
    return {zout, vout};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto sv = ctx->get_saved_variables();
    const auto &z0 = sv[0], &v0 = sv[1], &f = sv[2], &xi = sv[3], &gamma = sv[4], &k = sv[5],
               &c = sv[6], &sigma = sv[7], &zout = sv[8], &vout = sv[9];
    const double dt = ctx->saved_data["dt"].toDouble();
    const dims d{f.size(0), f.size(1), f.size(2)};
    auto cont = [](const at::Tensor& g) { return g.defined() ? g.contiguous() : g; };
    auto gzo = cont(grads[0]), gvo = cont(grads[1]);
    auto gz0 = at::empty_like(z0), gv0 = at::empty_like(v0), gf = at::empty_like(f),
         gxi = at::empty_like(f);
    auto acc = [&] { return at::zeros({d.B, d.D}, f.options()); };
    auto ga = acc(), gs = acc(), gk = acc(), gc = acc();
    const auto sc = make_consts(gamma, sigma, dt);
    AT_DISPATCH_FLOATING_TYPES(f.scalar_type(), "langevin_backward", [&] {
      auto p = [](const at::Tensor& t) -> const scalar_t* {
        return t.defined() ? t.data_ptr<scalar_t>() : nullptr;
      };
      backward_kernel<scalar_t>(d, static_cast<scalar_t>(dt), sc, p(z0), p(v0), p(f), p(xi),
                                p(k), p(c), p(zout), p(vout), p(gzo), p(gvo),
                                gz0.data_ptr<scalar_t>(), gv0.data_ptr<scalar_t>(),
                                gf.data_ptr<scalar_t>(), gxi.data_ptr<scalar_t>(),
                                ga.data_ptr<scalar_t>(), gs.data_ptr<scalar_t>(),
                                gk.data_ptr<scalar_t>(), gc.data_ptr<scalar_t>());
    });
    // chain rule from (a, s) to (gamma, sigma), per dimension, after the batch sum
    auto opt = at::TensorOptions().dtype(at::kDouble);
    auto vec = [&](const std::vector<double>& x) {
      return at::from_blob(const_cast<double*>(x.data()), {d.D}, opt).clone().to(f.scalar_type());
    };
    auto ga_sum = ga.sum(0), gs_sum = gs.sum(0);
    auto ggamma = ga_sum * vec(sc.da_dgamma) + gs_sum * vec(sc.ds_dgamma);
    auto gsigma = gs_sum * vec(sc.ds_dsigma);
    return {gz0, gv0, gf, gxi, ggamma, gk.sum(0), gc.sum(0), gsigma, at::Tensor()};
  }
};

std::string shape_of(const at::Tensor& t) {
  return t.defined() ? fmt::format("[{}]", fmt::join(t.sizes(), ", ")) : "undefined";
}

void check_tensor(const at::Tensor& t, const char* name, at::IntArrayRef expect,
                  const char* meaning, const at::Tensor& like) {
  if (!t.defined() || t.sizes() != expect)
    throw Error("langevin: {} has shape {}; expected [{}] ({})", name, shape_of(t),
                fmt::join(expect, ", "), meaning);
  if (t.scalar_type() != like.scalar_type())
    throw Error("langevin: {} has dtype {}; expected {} like the forcing", name,
                std::string(c10::toString(t.scalar_type())),
                std::string(c10::toString(like.scalar_type())));
  if (!t.device().is_cpu()) throw Error("langevin: {} must be on the CPU", name);
}

void check_range(const at::Tensor& t, const char* name, bool strict) {
  if (t.numel() == 0) return;
  at::NoGradGuard guard;
  const auto td = t.detach().to(at::kDouble);
  if (!td.isfinite().all().item<bool>())
    throw Error("langevin: {} has a non-finite entry; every entry must be finite", name);
  const double m = td.min().item<double>();
  if (strict ? !(m > 0) : !(m >= 0))
    throw Error("langevin.{} = {}: must be {} 0 (every entry)", name, m, strict ? ">" : ">=");
}

}  // namespace

std::vector<at::Tensor> langevin_sequence(const at::Tensor& z0, const at::Tensor& v0,
                                          const at::Tensor& forcing, const at::Tensor& noise,
                                          const langevin_coeffs& c, const langevin_options& o) {
  o.validate();
  if (!forcing.defined() || forcing.dim() != 3)
    throw Error("langevin: forcing has shape {}; expected [T, B, D] (time, batch, latent)",
                shape_of(forcing));
  if (forcing.scalar_type() != at::kFloat && forcing.scalar_type() != at::kDouble)
    throw Error("langevin: forcing dtype {} is not supported; use float32 or float64",
                std::string(c10::toString(forcing.scalar_type())));
  if (!forcing.device().is_cpu()) throw Error("langevin: forcing must be on the CPU");
  const auto T = forcing.size(0), B = forcing.size(1), D = forcing.size(2);
  if (D < 1) throw Error("langevin: the latent dimension D = 0; expected D >= 1");
  check_tensor(z0, "z0", {B, D}, "batch, latent", forcing);
  check_tensor(v0, "v0", {B, D}, "batch, latent", forcing);
  check_tensor(noise, "noise", {T, B, D}, "like the forcing", forcing);
  check_tensor(c.gamma, "gamma", {D}, "one per latent dimension", forcing);
  check_tensor(c.k, "k", {D}, "one per latent dimension", forcing);
  check_tensor(c.coupling, "coupling", {D}, "one per latent dimension", forcing);
  check_tensor(c.sigma, "sigma", {D}, "one per latent dimension", forcing);
  check_range(c.gamma, "gamma", true);
  check_range(c.k, "k", false);
  check_range(c.coupling, "coupling", false);
  check_range(c.sigma, "sigma", false);
  return langevin_function::apply(z0, v0, forcing, noise, c.gamma, c.k, c.coupling, c.sigma,
                                  o.dt);
}

at::Tensor langevin_noise(std::int64_t T, std::int64_t B, std::int64_t D, std::uint64_t seed,
                          at::ScalarType dtype) {
  if (T < 0 || B < 0 || D < 0)
    throw Error("langevin_noise: shape [{}, {}, {}] has a negative size", T, B, D);
  if (D >= (std::int64_t{1} << 24) || B >= (std::int64_t{1} << 32))
    throw Error("langevin_noise: B = {}, D = {}; allowed B < 2^32 and D < 2^24", B, D);
  if (dtype != at::kFloat && dtype != at::kDouble)
    throw Error("langevin_noise: dtype {} is not supported; use float32 or float64",
                std::string(c10::toString(dtype)));
  auto out = at::empty({T, B, D}, at::TensorOptions().dtype(at::kDouble));
  double* p = out.data_ptr<double>();
  at::parallel_for(0, T, 1, [&](std::int64_t t0, std::int64_t t1) {
    for (std::int64_t t = t0; t < t1; ++t)
      for (std::int64_t b = 0; b < B; ++b)
        for (std::int64_t i = 0; i < D; ++i) {
          const std::uint64_t entity = (std::uint64_t{0x4C} << 56) |
                                       (static_cast<std::uint64_t>(b) << 24) |
                                       static_cast<std::uint64_t>(i);
          counter_rng r(seed, stream::learn, entity, static_cast<std::uint64_t>(t));
          p[(t * B + b) * D + i] = r.normal();
        }
  });
  return dtype == at::kDouble ? out : out.to(dtype);
}

}  // namespace hebb::learn
