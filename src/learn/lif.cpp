// Fused LIF/ALIF forward and backward (equations in include/hebb/learn/lif.hpp).
// Backward is hand-written backpropagation through time over the same recurrence;
// per-neuron coefficient gradients are accumulated per (batch, neuron) element and
// summed over the batch at the end, so results do not depend on the thread count.
#include <hebb/learn/lif.hpp>

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

namespace hebb::learn {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct dims {
  std::int64_t T, B, N;
};

// One (t, b) row of N neurons. The state of the previous step (i, v, a) is kept in the
// per-batch-element rows i_st, v_st, a_st (zero before t = 0), so the big [T, B, N]
// arrays are only written; vpost (v after the reset) goes to a scratch row unless the
// backward pass needs it. The mode is in template parameters: the loop over neurons
// has no branches and vectorises.
template <class S, bool Spiking, bool Adaptive, bool Subtract>
struct lif_forward_row {
  static void run(std::int64_t N, const S* __restrict alpha, const S* __restrict beta,
                  const S* __restrict gfac, const S* __restrict theta, const S* __restrict vr,
                  const S* __restrict badapt, const S* __restrict rho, const S* __restrict in,
                  S* __restrict i_st, S* __restrict v_st, S* __restrict a_st,
                  S* __restrict spk, S* __restrict mem, S* __restrict cur, S* __restrict vp,
                  S* __restrict adapt) {
    for (std::int64_t n = 0; n < N; ++n) {
      const S i = alpha[n] * i_st[n] + in[n];
      const S u = beta[n] * v_st[n] + gfac[n] * i;
      i_st[n] = i;
      cur[n] = i;
      mem[n] = u;
      if constexpr (!Spiking) {
        spk[n] = S(0);
        v_st[n] = u;
        vp[n] = u;
      } else {
        const S a_prev = Adaptive ? a_st[n] : S(0);
        const S th = Adaptive ? theta[n] + badapt[n] * a_prev : theta[n];
        const S s = (u - th) > S(0) ? S(1) : S(0);
        spk[n] = s;
        const S v = Subtract ? u - th * s : u * (S(1) - s) + vr[n] * s;
        v_st[n] = v;
        vp[n] = v;
        if constexpr (Adaptive) {
          const S a = rho[n] * a_prev + s;
          a_st[n] = a;
          adapt[n] = a;
        }
      }
    }
  }
};

// vpost == nullptr: not stored (the backward pass needs it only for the gradient of beta).
template <class S, bool Spiking, bool Adaptive, bool Subtract>
void forward_kernel_t(const dims& d, const S* in, const S* alpha, const S* beta, const S* theta,
                      const S* vr, const S* badapt, const S* rho, bool decay_input, S* spk,
                      S* mem, S* cur, S* vpost, S* adapt) {
  const std::int64_t BN = d.B * d.N, N = d.N;
  std::vector<S> gfac(static_cast<std::size_t>(N));
  for (std::int64_t n = 0; n < N; ++n) gfac[n] = decay_input ? S(1) - beta[n] : S(1);
  at::parallel_for(0, d.B, 1, [&](std::int64_t b0, std::int64_t b1) {
    const std::size_t sz = static_cast<std::size_t>((b1 - b0) * N);
    std::vector<S> i_st(sz, S(0)), v_st(sz, S(0)), a_st(sz, S(0)), scratch(static_cast<std::size_t>(N));
    for (std::int64_t t = 0; t < d.T; ++t)
      for (std::int64_t b = b0; b < b1; ++b) {
        const std::int64_t row = t * BN + b * N;
        const std::size_t off = static_cast<std::size_t>((b - b0) * N);
        lif_forward_row<S, Spiking, Adaptive, Subtract>::run(
            N, alpha, beta, gfac.data(), theta, vr, badapt, rho, in + row, i_st.data() + off,
            v_st.data() + off, a_st.data() + off, spk + row, mem + row, cur + row,
            vpost ? vpost + row : scratch.data(), Adaptive ? adapt + row : scratch.data());
      }
  });
}

template <class S>
void forward_kernel(const dims& d, const S* in, const S* alpha, const S* beta, const S* theta,
                    const S* vr, const S* badapt, const S* rho, const lif_options& o, S* spk,
                    S* mem, S* cur, S* vpost, S* adapt) {
  auto go = [&]<bool Sp, bool Ad, bool Sub>() {
    forward_kernel_t<S, Sp, Ad, Sub>(d, in, alpha, beta, theta, vr, badapt, rho, o.decay_input,
                                     spk, mem, cur, vpost, adapt);
  };
  const bool sub = o.reset == reset_mode::subtract;
  if (!o.spiking)
    go.template operator()<false, false, true>();
  else if (o.adaptive)
    sub ? go.template operator()<true, true, true>() : go.template operator()<true, true, false>();
  else
    sub ? go.template operator()<true, false, true>() : go.template operator()<true, false, false>();
}

// Gradients with respect to the input current and the per-(b,n) partial sums of the
// coefficient gradients (summed over the batch by the caller). One (t, b) row of N
// neurons per call; the surrogate, adaptation and reset mode are template parameters
// and the optional incoming gradients point at a zero row when absent, so the loop
// over neurons has no branches and vectorises. Decays = false skips the gradients of
// alpha and beta (and the reads they need).
template <class S, surrogate SG, bool Adaptive, bool Subtract, bool Decays>
struct lif_backward_row {
  static void run(std::int64_t N, bool first, const S* __restrict alpha, const S* __restrict beta,
                  const S* __restrict gfac, S icoef, S keep, const S* __restrict theta,
                  const S* __restrict vr, const S* __restrict badapt, const S* __restrict rho,
                  S a, const S* __restrict spk, const S* __restrict mem, const S* __restrict cur,
                  const S* __restrict cur_prev, const S* __restrict vpost_prev,
                  const S* __restrict adapt_prev, const S* __restrict gspk,
                  const S* __restrict gmem, const S* __restrict gcur, S* __restrict gin,
                  S* __restrict galpha, S* __restrict gbeta, S* __restrict gtheta,
                  S* __restrict gvr, S* __restrict gbad, S* __restrict grho, S* __restrict gv,
                  S* __restrict gi_next, S* __restrict ga) {
    const S tprev = first ? S(0) : S(1);  // zero state before t = 0
    for (std::int64_t n = 0; n < N; ++n) {
      const S u = mem[n];
      const S a_prev = Adaptive ? tprev * adapt_prev[n] : S(0);
      const S th = Adaptive ? theta[n] + badapt[n] * a_prev : theta[n];
      const S s = spk[n];
      const S gvn = gv[n];
      S gu = gmem[n] + gvn;
      const S sg = surrogate_grad(SG, u - th, a);
      S gs = gspk[n] + (Adaptive ? ga[n] : S(0));
      S gth;
      if constexpr (Subtract) {
        gs -= keep * gvn * th;
        gth = -gvn * s;
      } else {
        gs += keep * gvn * (vr[n] - u);
        gu -= gvn * s;
        gvr[n] += gvn * s;
        gth = S(0);
      }
      gu += gs * sg;
      gth -= gs * sg;
      gtheta[n] += gth;
      if constexpr (Adaptive) {
        gbad[n] += gth * a_prev;
        grho[n] += ga[n] * a_prev;
        ga[n] = rho[n] * ga[n] + badapt[n] * gth;  // now dL/da_{t-1}
      }
      const S gi = gu * gfac[n] + alpha[n] * gi_next[n] + gcur[n];
      if constexpr (Decays) {
        gbeta[n] += gu * (tprev * vpost_prev[n] - icoef * cur[n]);
        galpha[n] += gi * (tprev * cur_prev[n]);
      }
      gin[n] = gi;
      gi_next[n] = gi;
      gv[n] = beta[n] * gu;  // now dL/dv_{t-1}
    }
  }
};

// Non-spiking (readout) neurons: no threshold, no reset.
template <class S, bool Decays>
void readout_backward_row(std::int64_t N, bool first, const S* __restrict alpha,
                          const S* __restrict beta, const S* __restrict gfac, S icoef,
                          const S* __restrict cur, const S* __restrict cur_prev,
                          const S* __restrict vpost_prev, const S* __restrict gmem,
                          const S* __restrict gcur, S* __restrict gin, S* __restrict galpha,
                          S* __restrict gbeta, S* __restrict gv, S* __restrict gi_next) {
  const S tprev = first ? S(0) : S(1);
  for (std::int64_t n = 0; n < N; ++n) {
    const S gu = gmem[n] + gv[n];
    const S gi = gu * gfac[n] + alpha[n] * gi_next[n] + gcur[n];
    if constexpr (Decays) {
      gbeta[n] += gu * (tprev * vpost_prev[n] - icoef * cur[n]);
      galpha[n] += gi * (tprev * cur_prev[n]);
    }
    gin[n] = gi;
    gi_next[n] = gi;
    gv[n] = beta[n] * gu;
  }
}

// cur_alpha (the currents for the gradient of alpha), cur_beta and vpost (for the
// gradient of beta) may be nullptr when those gradients are not needed: the kernel then
// reads a zero row instead and, when neither is needed (Decays = false), skips them.
template <class S, surrogate SG, bool Adaptive, bool Subtract, bool Decays>
void backward_kernel_t(const dims& d, const S* alpha, const S* beta, const S* theta, const S* vr,
                       const S* badapt, const S* rho, const lif_options& o, const S* spk,
                       const S* mem, const S* cur_alpha, const S* cur_beta, const S* vpost,
                       const S* adapt, const S* gspk,
                       const S* gmem, const S* gcur, S* gin, S* galpha, S* gbeta, S* gtheta,
                       S* gvr, S* gbad, S* grho) {
  const std::int64_t BN = d.B * d.N, N = d.N;
  const S a = static_cast<S>(o.slope);
  const S icoef = o.decay_input ? S(1) : S(0);
  const S keep = o.detach_reset ? S(0) : S(1);
  std::vector<S> gfac(static_cast<std::size_t>(N)), zero(static_cast<std::size_t>(N), S(0));
  for (std::int64_t n = 0; n < N; ++n) gfac[n] = o.decay_input ? S(1) - beta[n] : S(1);
  at::parallel_for(0, d.B, 1, [&](std::int64_t b0, std::int64_t b1) {
    const std::size_t sz = static_cast<std::size_t>((b1 - b0) * N);
    std::vector<S> gv(sz, S(0)), gi_next(sz, S(0)), ga(sz, S(0));
    for (std::int64_t t = d.T - 1; t >= 0; --t) {
      for (std::int64_t b = b0; b < b1; ++b) {
        const std::int64_t row = t * BN + b * N, prev = t ? row - BN : row, acc = b * N;
        const std::size_t off = static_cast<std::size_t>((b - b0) * N);
        const S* z = zero.data();
        const S* gm = gmem ? gmem + row : z;
        const S* gc = gcur ? gcur + row : z;
        const S* ci = cur_beta ? cur_beta + row : z;
        const S* ci_prev = cur_alpha ? cur_alpha + prev : z;
        const S* vp_prev = vpost ? vpost + prev : z;
        if (!o.spiking) {
          readout_backward_row<S, Decays>(N, t == 0, alpha, beta, gfac.data(), icoef, ci, ci_prev,
                                  vp_prev, gm, gc, gin + row, galpha + acc, gbeta + acc,
                                  gv.data() + off, gi_next.data() + off);
          continue;
        }
        lif_backward_row<S, SG, Adaptive, Subtract, Decays>::run(
            N, t == 0, alpha, beta, gfac.data(), icoef, keep, theta, vr, badapt, rho, a,
            spk + row, mem + row, ci, ci_prev, vp_prev,
            Adaptive ? adapt + prev : zero.data(), gspk ? gspk + row : zero.data(), gm, gc,
            gin + row, galpha + acc, gbeta + acc, gtheta + acc, gvr + acc, gbad + acc,
            grho + acc, gv.data() + off, gi_next.data() + off, ga.data() + off);
      }
    }
  });
}

template <class S>
void backward_kernel(const dims& d, const S* alpha, const S* beta, const S* theta, const S* vr,
                     const S* badapt, const S* rho, const lif_options& o, const S* spk,
                     const S* mem, const S* cur_alpha, const S* cur_beta, const S* vpost,
                     const S* adapt, const S* gspk,
                     const S* gmem, const S* gcur, S* gin, S* galpha, S* gbeta, S* gtheta,
                     S* gvr, S* gbad, S* grho) {
  const bool decays = cur_alpha != nullptr || vpost != nullptr;
  auto go = [&]<surrogate SG, bool Ad, bool Sub>() {
    auto run = [&]<bool Dec>() {
      backward_kernel_t<S, SG, Ad, Sub, Dec>(d, alpha, beta, theta, vr, badapt, rho, o, spk, mem,
                                             cur_alpha, cur_beta, vpost, adapt, gspk, gmem, gcur,
                                             gin, galpha, gbeta, gtheta, gvr, gbad, grho);
    };
    decays ? run.template operator()<true>() : run.template operator()<false>();
  };
  auto by_flags = [&]<surrogate SG>() {
    const bool sub = o.reset == reset_mode::subtract;
    if (o.adaptive)
      sub ? go.template operator()<SG, true, true>() : go.template operator()<SG, true, false>();
    else
      sub ? go.template operator()<SG, false, true>() : go.template operator()<SG, false, false>();
  };
  switch (o.sg) {
    case surrogate::fast_sigmoid: by_flags.template operator()<surrogate::fast_sigmoid>(); break;
    case surrogate::arctan: by_flags.template operator()<surrogate::arctan>(); break;
    case surrogate::triangle: by_flags.template operator()<surrogate::triangle>(); break;
  }
}

void check_coeff(const at::Tensor& c, const char* name, const at::Tensor& input) {
  if (!c.defined()) throw Error("lif: coefficient {} is missing", name);
  if (c.dim() != 1 || c.size(0) != input.size(2))
    throw Error("lif: coefficient {} has shape [{}]; expected [{}] (one per neuron)", name,
                fmt::format("{}", fmt::join(c.sizes(), ", ")), input.size(2));
  if (c.scalar_type() != input.scalar_type())
    throw Error("lif: coefficient {} has dtype {}; expected {} like the input", name,
                std::string(c10::toString(c.scalar_type())), std::string(c10::toString(input.scalar_type())));
}

struct lif_function : public torch::autograd::Function<lif_function> {
  static variable_list forward(AutogradContext* ctx, const at::Tensor& input,
                               const at::Tensor& alpha, const at::Tensor& beta,
                               const at::Tensor& theta, const at::Tensor& vr,
                               const at::Tensor& badapt, const at::Tensor& rho, int64_t sg,
                               double slope, int64_t reset, bool detach, bool spiking,
                               bool adaptive, bool decay_input, bool keep_vpost) {
    lif_options o{static_cast<surrogate>(sg), slope, static_cast<reset_mode>(reset), detach,
                  spiking, adaptive, decay_input};
    const dims d{input.size(0), input.size(1), input.size(2)};
    auto x = input.contiguous();
    auto al = alpha.contiguous(), be = beta.contiguous(), th = theta.contiguous(),
         v0 = vr.contiguous(), ba = badapt.contiguous(), rh = rho.contiguous();
    auto spk = at::empty_like(x), mem = at::empty_like(x), cur = at::empty_like(x);
    auto vpost = keep_vpost ? at::empty_like(x) : at::Tensor();
    auto adapt = adaptive ? at::empty_like(x) : at::zeros({1}, x.options());
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "lif_forward", [&] {
      forward_kernel<scalar_t>(d, x.data_ptr<scalar_t>(), al.data_ptr<scalar_t>(),
                               be.data_ptr<scalar_t>(), th.data_ptr<scalar_t>(),
                               v0.data_ptr<scalar_t>(), ba.data_ptr<scalar_t>(),
                               rh.data_ptr<scalar_t>(), o, spk.data_ptr<scalar_t>(),
                               mem.data_ptr<scalar_t>(), cur.data_ptr<scalar_t>(),
                               keep_vpost ? vpost.data_ptr<scalar_t>() : nullptr,
                               adapt.data_ptr<scalar_t>());
    });
    ctx->save_for_backward({al, be, th, v0, ba, rh, spk, mem, cur, vpost, adapt});
    ctx->set_materialize_grads(false);  // unused outputs: no zero tensors, the kernel skips them
    ctx->saved_data["sg"] = sg;
    ctx->saved_data["slope"] = slope;
    ctx->saved_data["reset"] = reset;
    ctx->saved_data["flags"] = static_cast<int64_t>(detach) | (static_cast<int64_t>(spiking) << 1) |
                               (static_cast<int64_t>(adaptive) << 2) |
                               (static_cast<int64_t>(decay_input) << 3);
    return {spk, mem, cur};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto& al = saved[0];
    const auto& be = saved[1];
    const auto& th = saved[2];
    const auto& v0 = saved[3];
    const auto& ba = saved[4];
    const auto& rh = saved[5];
    const auto& spk = saved[6];
    const auto& mem = saved[7];
    const auto& cur = saved[8];
    const auto& vpost = saved[9];
    const auto& adapt = saved[10];
    const int64_t flags = ctx->saved_data["flags"].toInt();
    lif_options o{static_cast<surrogate>(ctx->saved_data["sg"].toInt()),
                  ctx->saved_data["slope"].toDouble(),
                  static_cast<reset_mode>(ctx->saved_data["reset"].toInt()),
                  (flags & 1) != 0,
                  (flags & 2) != 0,
                  (flags & 4) != 0,
                  (flags & 8) != 0};
    const dims d{mem.size(0), mem.size(1), mem.size(2)};
    const bool need_alpha = ctx->needs_input_grad(1), need_beta = ctx->needs_input_grad(2);
    if (need_beta && !vpost.defined())
      throw Error("lif: beta needs a gradient but did not require one in the forward pass");
    auto cont = [](const at::Tensor& g) { return g.defined() ? g.contiguous() : g; };
    auto gs = cont(grads[0]), gm = cont(grads[1]), gc = cont(grads[2]);
    auto gin = at::empty_like(mem);
    auto acc = [&] { return at::zeros({d.B, d.N}, mem.options()); };
    auto gal = acc(), gbe = acc(), gth = acc(), gvr = acc(), gba = acc(), grh = acc();
    AT_DISPATCH_FLOATING_TYPES(mem.scalar_type(), "lif_backward", [&] {
      auto p = [](const at::Tensor& t) -> const scalar_t* {
        return t.defined() ? t.data_ptr<scalar_t>() : nullptr;
      };
      backward_kernel<scalar_t>(d, p(al), p(be), p(th), p(v0), p(ba), p(rh), o, p(spk), p(mem),
                                need_alpha ? p(cur) : nullptr,
                                need_beta && o.decay_input ? p(cur) : nullptr,
                                need_beta ? p(vpost) : nullptr, p(adapt), p(gs), p(gm), p(gc),
                                gin.data_ptr<scalar_t>(), gal.data_ptr<scalar_t>(),
                                gbe.data_ptr<scalar_t>(), gth.data_ptr<scalar_t>(),
                                gvr.data_ptr<scalar_t>(), gba.data_ptr<scalar_t>(),
                                grh.data_ptr<scalar_t>());
    });
    return {gin,
            need_alpha ? gal.sum(0) : at::Tensor(),
            need_beta ? gbe.sum(0) : at::Tensor(),
            gth.sum(0),
            gvr.sum(0),
            gba.sum(0),
            grh.sum(0),
            at::Tensor(),
            at::Tensor(),
            at::Tensor(),
            at::Tensor(),
            at::Tensor(),
            at::Tensor(),
            at::Tensor(),
            at::Tensor()};
  }
};

}  // namespace

std::vector<at::Tensor> lif_sequence(const at::Tensor& input, const lif_coeffs& c,
                                     const lif_options& o) {
  o.validate();
  if (!input.defined() || input.dim() != 3)
    throw Error("lif: input has shape [{}]; expected [T, B, N] (time, batch, neurons)",
                input.defined() ? fmt::format("{}", fmt::join(input.sizes(), ", ")) : "");
  if (input.scalar_type() != at::kFloat && input.scalar_type() != at::kDouble)
    throw Error("lif: input dtype {} is not supported; use float32 or float64",
                std::string(c10::toString(input.scalar_type())));
  if (!input.device().is_cpu()) throw Error("lif: input must be on the CPU");
  check_coeff(c.alpha, "alpha", input);
  check_coeff(c.beta, "beta", input);
  const auto zeros = at::zeros({input.size(2)}, input.options());
  const at::Tensor theta = c.theta.defined() ? c.theta : at::ones({input.size(2)}, input.options());
  const at::Tensor vr = c.v_reset.defined() ? c.v_reset : zeros;
  const at::Tensor ba = c.b_adapt.defined() ? c.b_adapt : zeros;
  const at::Tensor rho = c.rho.defined() ? c.rho : zeros;
  check_coeff(theta, "theta", input);
  check_coeff(vr, "v_reset", input);
  check_coeff(ba, "b_adapt", input);
  check_coeff(rho, "rho", input);
  return lif_function::apply(input, c.alpha, c.beta, theta, vr, ba, rho,
                             static_cast<int64_t>(o.sg), o.slope, static_cast<int64_t>(o.reset),
                             o.detach_reset, o.spiking, o.adaptive, o.decay_input,
                             at::GradMode::is_enabled() && c.beta.requires_grad());
}

at::Tensor decay_factor(const at::Tensor& tau, double dt, const char* name) {
  require(dt > 0, "dt", dt, "> 0 ms");
  if (tau.numel() > 0) {
    const double m = tau.min().item<double>();
    if (!(m > 0)) throw Error("{} = {} ms: must be > 0", name, m);
  }
  return at::exp(-dt / tau);
}

}  // namespace hebb::learn
