// Oracle: a plain step-by-step implementation of the equations in lif.hpp with
// torch autograd (surrogates as straight-through estimators s = H(z) + F(z) - F(z).detach(),
// F the antiderivative of sigma'), compared in double precision.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include <torch/torch.h>

#include <hebb/learn/lif.hpp>

using namespace hebb::learn;

namespace {

torch::Tensor antiderivative(surrogate k, const torch::Tensor& z, double a) {
  switch (k) {
    case surrogate::fast_sigmoid: return z / (1 + a * z.abs());
    case surrogate::arctan: return torch::atan(std::numbers::pi / 2 * a * z) / std::numbers::pi;
    case surrogate::triangle: {
      auto zc = z.clamp(-1 / a, 1 / a);
      return a * zc - a * a * zc * zc.abs() / 2;
    }
  }
  return z;
}

std::vector<torch::Tensor> reference(const torch::Tensor& in, const lif_coeffs& c,
                                     const lif_options& o) {
  const auto T = in.size(0);
  auto i = torch::zeros_like(in[0]), v = torch::zeros_like(in[0]), a = torch::zeros_like(in[0]);
  std::vector<torch::Tensor> S, U, I;
  for (int64_t t = 0; t < T; ++t) {
    i = c.alpha * i + in[t];
    auto g = o.decay_input ? (1 - c.beta) : torch::ones_like(c.beta);
    auto u = c.beta * v + g * i;
    if (!o.spiking) {
      S.push_back(torch::zeros_like(u));
      v = u;
    } else {
      auto th = o.adaptive ? c.theta + c.b_adapt * a : c.theta + 0 * a;
      auto z = u - th;
      auto F = antiderivative(o.sg, z, o.slope);
      auto s = (z > 0).to(z.dtype()) + (F - F.detach());
      auto sr = o.detach_reset ? s.detach() : s;
      v = o.reset == reset_mode::subtract ? u - th * sr : u * (1 - sr) + c.v_reset * sr;
      if (o.adaptive) a = c.rho * a + s;
      S.push_back(s);
    }
    U.push_back(u);
    I.push_back(i);
  }
  return {torch::stack(S), torch::stack(U), torch::stack(I)};
}

lif_coeffs make_coeffs(int64_t N, torch::Generator& gen) {
  auto opt = torch::TensorOptions().dtype(torch::kDouble);
  lif_coeffs c;
  c.alpha = (0.3 + 0.5 * torch::rand({N}, gen, opt)).requires_grad_();
  c.beta = (0.6 + 0.35 * torch::rand({N}, gen, opt)).requires_grad_();
  c.theta = (0.8 + 0.4 * torch::rand({N}, gen, opt)).requires_grad_();
  c.v_reset = (0.1 * torch::randn({N}, gen, opt)).requires_grad_();
  c.b_adapt = (0.2 + 0.3 * torch::rand({N}, gen, opt)).requires_grad_();
  c.rho = (0.7 + 0.25 * torch::rand({N}, gen, opt)).requires_grad_();
  return c;
}

std::vector<torch::Tensor> grads_of(const torch::Tensor& loss, const torch::Tensor& in,
                                    const lif_coeffs& c) {
  return torch::autograd::grad({loss}, {in, c.alpha, c.beta, c.theta, c.v_reset, c.b_adapt, c.rho},
                               {}, false, false, true);
}

double rel_err(const torch::Tensor& a, const torch::Tensor& b) {
  if (!a.defined() && !b.defined()) return 0;
  auto A = a.defined() ? a : torch::zeros_like(b);
  auto B = b.defined() ? b : torch::zeros_like(a);
  return (A - B).norm().item<double>() / std::max(1e-12, B.norm().item<double>());
}

}  // namespace

TEST(lif, fused_gradients_equal_step_by_step_autograd_for_every_mode) {
  auto gen = at::detail::createCPUGenerator(7);
  const int64_t T = 30, B = 3, N = 5;
  int checked = 0;
  for (int sg = 0; sg < 3; ++sg)
    for (int rs = 0; rs < 2; ++rs)
      for (bool detach : {false, true})
        for (bool adaptive : {false, true})
          for (bool decay_input : {false, true}) {
            lif_options o;
            o.sg = static_cast<surrogate>(sg);
            o.slope = sg == 2 ? 1.0 : 4.0;  // triangle: wide enough to see many nonzero terms
            o.reset = static_cast<reset_mode>(rs);
            o.detach_reset = detach;
            o.adaptive = adaptive;
            o.decay_input = decay_input;
            auto c = make_coeffs(N, gen);
            auto in = (0.6 * torch::randn({T, B, N}, gen, torch::kDouble) + 0.5).requires_grad_();
            auto ws = torch::randn({T, B, N}, gen, torch::kDouble);
            auto wu = torch::randn({T, B, N}, gen, torch::kDouble);
            auto wi = torch::randn({T, B, N}, gen, torch::kDouble);
            auto f = lif_sequence(in, c, o);
            auto r = reference(in, c, o);
            ASSERT_TRUE(torch::equal(f[0], r[0].detach())) << "spikes differ " << sg << rs << detach << adaptive << decay_input << " " << (f[0]-r[0]).abs().sum().item<double>() << " " << (f[1]-r[1]).abs().max().item<double>();
            ASSERT_LT(rel_err(f[1], r[1]), 1e-12);
            ASSERT_GT(f[0].sum().item<double>(), 5.0) << "too few spikes to test the surrogate";
            auto lf = (f[0] * ws).sum() + (f[1] * wu).sum() + (f[2] * wi).sum();
            auto lr = (r[0] * ws).sum() + (r[1] * wu).sum() + (r[2] * wi).sum();
            auto gf = grads_of(lf, in, c), gr = grads_of(lr, in, c);
            const char* names[] = {"input", "alpha", "beta", "theta", "v_reset", "b_adapt", "rho"};
            for (std::size_t k = 0; k < gf.size(); ++k) {
              if (!adaptive && k >= 5) continue;  // unused coefficients
              EXPECT_LE(rel_err(gf[k], gr[k]), 1e-5)
                  << names[k] << " sg=" << sg << " reset=" << rs << " detach=" << detach
                  << " adaptive=" << adaptive << " decay_input=" << decay_input;
            }
            ++checked;
          }
  EXPECT_EQ(checked, 48);
}

TEST(lif, leaky_integrator_gradients_match_central_differences) {
  // spiking = false is smooth: compare with central finite differences (oracle).
  auto gen = at::detail::createCPUGenerator(3);
  const int64_t T = 20, B = 2, N = 3;
  lif_options o;
  o.spiking = false;
  auto c = make_coeffs(N, gen);
  auto in = torch::randn({T, B, N}, gen, torch::kDouble).requires_grad_();
  auto w = torch::randn({T, B, N}, gen, torch::kDouble);
  auto loss = [&](const torch::Tensor& x, const lif_coeffs& cc) {
    auto r = lif_sequence(x, cc, o);
    return ((r[1] * w).sum() + (r[2] * r[2]).sum());
  };
  auto g = torch::autograd::grad({loss(in, c)}, {in, c.alpha, c.beta});
  const double h = 1e-6;
  for (int which = 0; which < 3; ++which) {
    torch::NoGradGuard ng;
    auto base = which == 0 ? in : which == 1 ? c.alpha : c.beta;
    auto flat = base.detach().clone().view(-1);
    for (int64_t k = 0; k < std::min<int64_t>(flat.numel(), 6); ++k) {
      auto p = flat.clone(), m = flat.clone();
      p[k] += h;
      m[k] -= h;
      auto eval = [&](const torch::Tensor& v) {
        lif_coeffs cc = c;
        torch::Tensor x = in.detach();
        if (which == 0) x = v.view_as(in);
        if (which == 1) cc.alpha = v.view_as(c.alpha);
        if (which == 2) cc.beta = v.view_as(c.beta);
        return loss(x, cc).item<double>();
      };
      const double fd = (eval(p) - eval(m)) / (2 * h);
      const double an = g[which].view(-1)[k].item<double>();
      EXPECT_NEAR(an, fd, 1e-6 * std::max(1.0, std::abs(fd))) << "which=" << which << " k=" << k;
    }
  }
}

TEST(lif, bad_input_names_shapes_and_valid_names) {
  auto in = torch::zeros({4, 2, 3}, torch::kDouble);
  lif_coeffs c;
  c.alpha = torch::zeros({3}, torch::kDouble);
  c.beta = torch::zeros({4}, torch::kDouble);
  try {
    lif_sequence(in, c, {});
    FAIL();
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("beta has shape [4]; expected [3]"), std::string::npos)
        << e.what();
  }
  try {
    lif_sequence(torch::zeros({4, 3}), c, {});
    FAIL();
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected [T, B, N]"), std::string::npos) << e.what();
  }
  try {
    parse_surrogate("fast_sigmod");
    FAIL();
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'fast_sigmoid'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("arctan, triangle"), std::string::npos);
  }
  EXPECT_THROW(parse_reset("reset"), hebb::Error);
  EXPECT_THROW(decay_factor(torch::tensor({5.0, -1.0}), 1.0, "tau_mem"), hebb::Error);
}

TEST(lif, gradients_are_unchanged_when_only_some_coefficients_need_them) {
  // The kernel skips the alpha and beta gradients (and keeps no post-reset membrane)
  // when those coefficients need no gradient. Oracle: the step-by-step reference with
  // the same coefficients, every mode, each subset {none, alpha only, beta only}.
  auto gen = at::detail::createCPUGenerator(11);
  const int64_t T = 30, B = 3, N = 5;
  int checked = 0;
  for (int sg = 0; sg < 3; ++sg)
    for (int rs = 0; rs < 2; ++rs)
      for (bool adaptive : {false, true})
        for (bool spiking : {true, false})
          for (int subset = 0; subset < 3; ++subset) {
            lif_options o;
            o.sg = static_cast<surrogate>(sg);
            o.slope = sg == 2 ? 1.0 : 4.0;
            o.reset = static_cast<reset_mode>(rs);
            o.adaptive = adaptive;
            o.spiking = spiking;
            o.decay_input = subset == 2;  // the beta gradient then also reads the current
            auto c = make_coeffs(N, gen);
            for (auto* t : {&c.alpha, &c.beta}) *t = t->detach();
            if (subset == 1) c.alpha.requires_grad_();
            if (subset == 2) c.beta.requires_grad_();
            auto in = (0.6 * torch::randn({T, B, N}, gen, torch::kDouble) + 0.5).requires_grad_();
            auto ws = torch::randn({T, B, N}, gen, torch::kDouble);
            auto wu = torch::randn({T, B, N}, gen, torch::kDouble);
            auto f = lif_sequence(in, c, o);
            auto r = reference(in, c, o);
            ASSERT_TRUE(torch::equal(f[0], r[0].detach()));
            ASSERT_LT(rel_err(f[1], r[1]), 1e-12);
            auto lf = (f[0] * ws).sum() + (f[1] * wu).sum();
            auto lr = (r[0] * ws).sum() + (r[1] * wu).sum();
            std::vector<torch::Tensor> wrt = {in, c.theta};
            if (subset == 1) wrt.push_back(c.alpha);
            if (subset == 2) wrt.push_back(c.beta);
            auto gf = torch::autograd::grad({lf}, wrt, {}, false, false, true);
            auto gr = torch::autograd::grad({lr}, wrt, {}, false, false, true);
            for (std::size_t k = 0; k < gf.size(); ++k)
              EXPECT_LE(rel_err(gf[k], gr[k]), 1e-5)
                  << "tensor " << k << " sg=" << sg << " reset=" << rs << " adaptive=" << adaptive
                  << " spiking=" << spiking << " subset=" << subset;
            ++checked;
          }
  EXPECT_EQ(checked, 72);
}

TEST(lif, forward_is_the_same_with_and_without_coefficient_gradients) {
  // keep_vpost and the Decays template change what is stored, never the forward values
  auto gen = at::detail::createCPUGenerator(12);
  auto c = make_coeffs(7, gen);
  auto in = torch::randn({40, 4, 7}, gen, torch::kDouble) + 0.4;
  lif_options o;
  o.adaptive = true;
  auto a = lif_sequence(in, c, o);
  lif_coeffs d = c;
  for (auto* t : {&d.alpha, &d.beta, &d.theta, &d.v_reset, &d.b_adapt, &d.rho}) *t = t->detach();
  auto b = lif_sequence(in, d, o);
  torch::NoGradGuard ng;
  auto e = lif_sequence(in, c, o);
  for (int k = 0; k < 3; ++k) {
    EXPECT_TRUE(torch::equal(a[k].detach(), b[k]));
    EXPECT_TRUE(torch::equal(a[k].detach(), e[k]));
  }
}
